# House style: every C file as clang-format with ../shared/STYLE.md's
# .clang-format would write it, and the layers of DESIGN.md pointing down.
use strict;
use warnings;
use Test::More;

my @files = sort grep { -f } map { glob } qw(app/*/*.c app/*/*.h t/unit/*.c
    t/unit/*.h t/fuzz/*.c);
ok(scalar @files, 'C files found');

SKIP: {
	skip 'clang-format not installed', scalar @files
	    unless system('clang-format --version >/dev/null 2>&1') == 0;
	for my $f (@files) {
		my $out = `clang-format --dry-run --Werror '$f' 2>&1`;
		ok($? == 0, "clang-format: $f") or diag(substr($out, 0, 600));
	}
}

# Arrows point down: which layers a layer may include.
my %may = (
	lib => [qw(lib)], ip => [qw(lib ip)], web => [qw(lib web)],
	store => [qw(lib ip store)], cloud => [qw(lib ip cloud)],
	ipam => [qw(lib ip store ipam)],
);
my @wrong;
for my $f (grep { m{^app/} } @files) {
	my ($layer) = $f =~ m{^app/([^/]+)/};
	next unless $may{$layer};
	my %ok = map { $_ => 1 } @{ $may{$layer} };
	open my $fh, '<', $f or next;
	while (<$fh>) {
		next unless /^\s*#\s*include\s+"([^\/"]+)\//;
		push @wrong, "$f includes $1/" unless $ok{$1};
	}
}
is(scalar @wrong, 0, 'layers point down') or diag(join "\n", @wrong);
done_testing;
