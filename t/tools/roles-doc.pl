#!/usr/bin/perl
# roles-doc.pl BIN: print the per-route table of docs/roles.md from
# `BIN routes`, so the document and the router cannot drift apart
# (t/api/roles.t compares them).
use strict;
use warnings;

my $bin = shift // 'build/cloudpam';
my %perms_of = (
	viewer   => [qw(signed_in read)],
	operator => [qw(signed_in read write)],
	auditor  => [qw(signed_in read audit)],
	admin    => [qw(signed_in read write audit admin)],
);
print "| route | permission | viewer | operator | auditor | admin |\n";
print "|---|---|---|---|---|---|\n";
for my $line (split /\n/, `$bin routes`) {
	my ($method, $pattern, $kind, $perm_text) = split / /, $line;
	next if $method eq 'HEAD';
	my ($perm) = $perm_text =~ /^([a-z_]+)/;
	my @cells = map {
		my $role = $_;
		$perm eq 'public' || grep({ $_ eq $perm } @{ $perms_of{$role} })
		    ? 'yes' : '—'
	} qw(viewer operator auditor admin);
	printf "| `%s %s` | %s | %s |\n", $method, $pattern, $perm_text,
	    join(' | ', @cells);
}
