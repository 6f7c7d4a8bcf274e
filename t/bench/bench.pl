#!/usr/bin/perl
# bench.pl: `make bench`.  Figures, never a verdict: wrk through a real
# nginx against CloudPAM's endpoints, each beside a baseline measured in
# the same run (nginx serving a static file of the same size), then the
# RSS of every worker.  Settings: BENCH_SECONDS (5), BENCH_CONNECTIONS (32),
# BENCH_WORKERS (2).
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;

my $seconds = $ENV{BENCH_SECONDS} // 5;
my $conns = $ENV{BENCH_CONNECTIONS} // 32;
my $workers = $ENV{BENCH_WORKERS} // 2;

sub wrk {
	my ($url) = @_;
	my $h = $url =~ m{/bench/static} ? '' : "-H '$main::AUTH'";
	my $out = `wrk -t2 -c$conns -d${seconds}s --latency $h '$url' 2>&1`;
	my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
	my %lat;
	while ($out =~ /^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$/mg) {
		my $v = $2 * ($3 eq 'us' ? 0.001 : $3 eq 's' ? 1000 : 1);
		$lat{$1} = $v;
	}
	my ($non2xx) = $out =~ /Non-2xx or 3xx responses:\s+(\d+)/;
	my ($errors) = $out =~ /Socket errors:(.*)/;
	return { rps => $rps // 0, p50 => $lat{50} // 0, p99 => $lat{99} // 0,
	    bad => $non2xx // 0, errors => $errors // '' };
}

die "wrk is not installed (make deps)\n" unless `which wrk` =~ /wrk/;
my $cp = CloudPAM::Test->start(workers => $workers,
    args => ['--max-requests', '0']);
our $AUTH = $cp->auth_header;
printf "CloudPAM bench: %d workers, wrk -t2 -c%d -d%ds, %s\n", $workers,
    $conns, $seconds, scalar localtime;
printf "%-26s %10s %9s %9s %8s %12s %10s\n", 'endpoint', 'req/s',
    'p50 ms', 'p99 ms', 'bytes', 'baseline/s', 'vs static';

my %result;
for my $path ('/healthz', '/api/v1/status', '/') {
	my $res = $cp->get($path);
	my $size = length $res->{content};
	# The baseline: nginx alone serving a file of the same size.
	open my $fh, '>', "$cp->{dir}/bench-static.json" or die;
	print $fh 'x' x $size;
	close $fh;
	my $base = wrk($cp->url('/bench/static.json'));
	my $r = wrk($cp->url($path));
	$result{$path} = $r;
	printf "%-26s %10.0f %9.2f %9.2f %8d %12.0f %9.1f%%%s\n", $path,
	    $r->{rps}, $r->{p50}, $r->{p99}, $size, $base->{rps},
	    $base->{rps} ? 100 * $r->{rps} / $base->{rps} : 0,
	    $r->{bad} || $r->{errors} ? "  (non-2xx $r->{bad}$r->{errors})" : '';
}
my $h = $result{'/healthz'}{rps} || 1;
printf "\nJSON endpoint reading the database: %.1f%% of /healthz (target 80%%)\n",
    100 * $result{'/api/v1/status'}{rps} / $h;
printf "rendered home page:                 %.1f%% of /healthz (target 60%%)\n",
    100 * $result{'/'}{rps} / $h;

my @pids = $cp->worker_pids;
my $served = 0;
my $metrics = $cp->get('/metrics')->{content};
$served += $1 while $metrics =~ /^cloudpam_http_requests_total\{[^}]*\} (\d+)$/mg;
printf "\nworker RSS after %d requests (target < 15 MB):", $served;
printf " %d: %.1f MB;", $_, ($cp->rss_kb($_) // 0) / 1024 for @pids;
print "\n";
$cp->stop;

# The collector's hot paths: SigV4 signing and EC2 answer parsing.
my $b = $ENV{CLOUDPAM_BUILD} // 'build';
for my $tool ('sigv4_bench', 'cloud_parse') {
	next unless -x "$b/bench/$tool";
	print "\n";
	system("$b/bench/$tool");
}
