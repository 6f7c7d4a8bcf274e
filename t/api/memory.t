# 100,000 requests through one worker must not grow its memory: the
# request arena is reset after every response and nothing else keeps what
# a request made.  The requests mix the rendered home page, JSON that
# reads the database, error envelopes and 404 pages.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Test;

my $ab = -x '/usr/bin/ab' ? '/usr/bin/ab' : undef;
plan skip_all => 'ab (apache2-utils) is needed' unless $ab;
plan skip_all => 'not under AddressSanitizer (its shadow memory grows)'
    if ($ENV{CLOUDPAM_BUILD} // '') =~ /asan/;

my $cp = CloudPAM::Test->start(workers => 1,
    args => ['--max-requests', '0', '--log-level', 'warn']);
my ($worker) = $cp->worker_pids;
ok($worker, "one worker ($worker)");

sub hammer {
	my ($n, $path) = @_;
	my $out = `$ab -q -k -n $n -c 4 -H '${\ $cp->auth_header}' '${\ $cp->url($path)}' 2>&1`;
	my ($failed) = $out =~ /Failed requests:\s+(\d+)/;
	my ($non2xx) = $out =~ /Non-2xx responses:\s+(\d+)/;
	return ($failed // -1, $non2xx // 0);
}

# Warm up: every code path once, and the allocator's arenas settled.
hammer(2000, $_) for ('/', '/api/v1/status', '/api/v1/nope', '/no/page');
my $before = $cp->rss_kb($worker);
my %share = ('/' => 40000, '/api/v1/status' => 40000,
    '/api/v1/nope' => 10000, '/no/page' => 10000);
my $failed = 0;
for my $path (sort keys %share) {
	my ($f) = hammer($share{$path}, $path);
	$failed += $f;
}
my $after = $cp->rss_kb($worker);
my ($still) = $cp->worker_pids;
is($still, $worker, 'the same worker served all 100,000 requests');
is($failed, 0, 'no failed requests');
diag("worker RSS: $before kB before, $after kB after 100,000 requests");
cmp_ok($after - $before, '<=', 256,
    'RSS grew by at most 256 kB over 100,000 requests');
cmp_ok($after, '<', 15 * 1024, 'worker RSS under 15 MB');
$cp->stop;
done_testing;
