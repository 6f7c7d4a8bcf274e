# docs/openapi.yaml: valid OpenAPI 3.1 (redocly lint), served by the
# server, and in step with the router: every route is described and every
# described path is routed.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Test;

my $top = $CloudPAM::Test::TOP;
my $redocly = "$top/node_modules/.bin/redocly";
SKIP: {
	skip 'redocly not installed (make deps)', 1 unless -x $redocly;
	my $out = `cd '$top' && '$redocly' lint docs/openapi.yaml --format=stylish 2>&1`;
	is($? >> 8, 0, 'redocly lint passes') or diag($out);
}

# Paths and methods of the spec, read from the YAML's two-level shape.
open my $fh, '<', "$top/docs/openapi.yaml" or die;
my (%spec, $path);
while (<$fh>) {
	last if /^components:/;
	if (/^  (\/\S*):\s*$/) { $path = $1; next }
	$spec{ uc($1) . " $path" } = 1 if defined $path && /^    (get|post|put|patch|delete):/;
}
my %routed;
for (`$CloudPAM::Test::BIN routes`) {
	my ($method, $pattern) = split;
	next if $method eq 'HEAD';
	$routed{"$method $pattern"} = 1;
}
ok(scalar keys %routed, 'the router lists its routes');
my @api = grep { m{ /(api/|healthz|readyz|metrics)} } sort keys %routed;
for my $r (@api) {
	ok($spec{$r}, "routed $r is in docs/openapi.yaml");
}
for my $s (sort keys %spec) {
	ok($routed{$s}, "described $s is routed");
}
done_testing;
