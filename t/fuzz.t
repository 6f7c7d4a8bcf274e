# A short run of every libFuzzer target (make fuzz runs each for 60 s).
# A crash or a sanitizer report fails the test and leaves the input in
# build/fuzz-artifacts/.
use strict;
use warnings;
use Test::More;

my $build = $ENV{CLOUDPAM_BUILD} // 'build';
my $seconds = $ENV{CLOUDPAM_FUZZ_SECONDS} // 10;
my @targets = sort grep { -x } glob("$build/fuzz/*");
plan skip_all => "no fuzz targets built in $build/fuzz" unless @targets;
mkdir "$build/fuzz-artifacts";
for my $t (@targets) {
	(my $name = $t) =~ s{.*/}{};
	my $corpus = "$build/corpus/$name";
	system('mkdir', '-p', $corpus);
	my $seeds = -d "t/fuzz/corpus/$name" ? "t/fuzz/corpus/$name" : '';
	my $log = "$build/fuzz-artifacts/$name.log";
	my $rc = system("$t -max_total_time=$seconds -print_final_stats=0 "
	    . "-artifact_prefix=$build/fuzz-artifacts/ $corpus $seeds "
	    . ">$log 2>&1");
	ok($rc == 0, "fuzz $name for $seconds s: no crash, no sanitizer report")
	    or diag(`tail -30 $log`);
}
done_testing;
