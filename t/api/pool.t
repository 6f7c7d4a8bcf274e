# The worker pool under signals: SIGHUP restarts workers one by one
# without dropping a request, a SIGKILLed worker is replaced, workers are
# recycled after --max-requests, SIGTERM stops everything cleanly.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Test;
use HTTP::Tiny;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);

our $KEY;
my $cp = CloudPAM::Test->start(workers => 2);
$KEY = $cp->key;

# A steady stream of requests from a child process, counting the answers.
sub stream {
	my ($url, $seconds) = @_;
	pipe(my $r, my $w) or die;
	my $pid = fork // die;
	if ($pid == 0) {
		close $r;
		my $http = HTTP::Tiny->new(timeout => 10,
	    default_headers => { Authorization => 'Bearer ' . $main::KEY });
		my ($ok, $bad, %why) = (0, 0);
		my $end = time + $seconds;
		while (time < $end) {
			my $res = $http->get("$url/api/v1/status");
			if ($res->{status} == 200) { $ok++ }
			else { $bad++; $why{ $res->{status} }++ }
		}
		print $w join(' ', $ok, $bad, %why), "\n";
		close $w;
		exit 0;
	}
	close $w;
	return sub { my $line = <$r>; waitpid($pid, 0); split ' ', $line };
}

my @before = $cp->worker_pids;
is(scalar @before, 2, 'two workers at start');

# --- SIGHUP under load
my @streams = map { stream($cp->url, 3) } 1 .. 3;
sleep 0.5;
kill 'HUP', $cp->pool_pid;
my ($ok, $bad) = (0, 0);
for my $s (@streams) {
	my ($o, $b, %why) = $s->();
	$ok += $o;
	$bad += $b;
	diag("failures: " . join(', ', map { "$_ x $why{$_}" } keys %why))
	    if $b;
}
ok($ok > 300, "requests answered during SIGHUP ($ok)");
is($bad, 0, 'no request failed during the rolling restart');
my @after = $cp->worker_pids;
is(scalar @after, 2, 'still two workers after SIGHUP');
my %old = map { $_ => 1 } @before;
is(scalar(grep { $old{$_} } @after), 0, 'every worker was replaced');

# --- SIGKILL a worker: the pool keeps answering and replaces it
my $victim = $after[0];
kill 'KILL', $victim;
my $http = HTTP::Tiny->new(timeout => 5,
	    default_headers => { Authorization => 'Bearer ' . $main::KEY });
my $good = 0;
$good += $http->get($cp->url('/healthz'))->{status} == 200 for 1 .. 50;
is($good, 50, 'pool answers every request after a worker was killed');
my $deadline = time + 5;
my @now;
while (time < $deadline) {
	@now = $cp->worker_pids;
	last if @now == 2 && !grep { $_ == $victim } @now;
	sleep 0.05;
}
is(scalar @now, 2, 'the killed worker was replaced');
ok(!grep({ $_ == $victim } @now), 'by a new process');
my $metrics = $http->get($cp->url('/metrics'))->{content};
like($metrics, qr/^cloudpam_worker_restarts_total [1-9]/m,
    'worker restart counted in /metrics');
open my $log, '<', $cp->{log};
ok(scalar(grep { /worker died; replacing it/ && /"signal":"Killed"/ } <$log>),
    'the death is logged with its signal');

# --- SIGTERM: the supervisor and its workers are gone, socket removed
my @last = $cp->worker_pids;
kill 'TERM', $cp->pool_pid;
my $rc = $cp->reap($cp->pool_pid, 20);
is($rc, 0, 'supervisor exits 0 on SIGTERM');
ok(!kill(0, $_), "worker $_ stopped") for @last;
ok(!-e "$cp->{dir}/cloudpam.sock", 'socket removed');
$cp->{pool_pid} = 0;
$cp->stop;

# --- recycling after --max-requests
$cp = CloudPAM::Test->start(workers => 1, args => ['--max-requests', '50']);
my ($first) = $cp->worker_pids;
$good = 0;
$good += $cp->http->get($cp->url('/healthz'))->{status} == 200 for 1 .. 120;
is($good, 120, 'every request answered across recycling');
my ($later) = $cp->worker_pids;
isnt($later, $first, 'the worker was recycled after 50 requests');
open $log, '<', $cp->{log};
ok(scalar(grep { /worker recycled after 50 requests/ } <$log>),
    'recycling is logged');
$cp->stop;

done_testing;
