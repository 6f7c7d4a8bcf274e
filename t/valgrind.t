# valgrind over every C unit test: no invalid access, no leak.
use strict;
use warnings;
use Test::More;

plan skip_all => 'valgrind not installed'
    unless system('valgrind --version >/dev/null 2>&1') == 0;
plan skip_all => 'not over a sanitizer build'
    if ($ENV{CLOUDPAM_BUILD} // '') =~ /asan/;
my @tests = sort glob('build/t/unit/*.t');
plan skip_all => 'unit tests not built' unless @tests;
for my $t (@tests) {
	my $out = `valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99 $t 2>&1 >/dev/null`;
	my $rc = $? >> 8;
	ok($rc != 99, "valgrind: $t") or diag(substr($out, 0, 2000));
}
done_testing;
