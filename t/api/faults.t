# Faults under a stream of allocations, on SQLite and on PostgreSQL.
#
# (a) Both backends: eight clients allocate /28s from one /15 as fast as
#     they can while worker after worker is killed with SIGKILL; the
#     supervisor replaces each.
# (b) PostgreSQL: the same stream while the server restarts (pg_ctl
#     restart -m fast), which drops every connection of every worker.
#
# Afterwards nothing is half-written: every pool is tiled exactly by its
# children and free blocks and its counters are its children's, also as
# the API reports them; no block is handed out twice; every 201 is in the
# database with its audit event; every pool in the database was answered
# 201 or belongs to a request whose answer was lost (no HTTP answer, or
# nginx's 502 for the worker that died: it may have committed before it
# died); a 503 left nothing behind; pools and pool.allocate events match
# one to one.  After the restart the next request of every client works:
# 503 database_unavailable only for requests in flight during it.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Cluster;
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep time);

my $C = 'CloudPAM::Cluster';
my $tmp = tempdir('cloudpam-faults-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub parent_pool {
	my ($cp, $name, $cidr) = @_;
	my $res = $cp->post('/api/v1/pools', json => { name => $name,
	    cidr => $cidr });
	is($res->{status}, 201, "a parent $cidr") or diag($res->{content});
	return CloudPAM::Test->json($res)->{id};
}

sub slurp {
	my ($file) = @_;
	open my $fh, '<', $file or return '';
	local $/;
	return <$fh> // '';
}

# The worker most likely in the middle of a request: the one with the most
# sockets open (a worker holds its connection while it answers).
sub busiest {
	my (@pids) = @_;
	my %n;
	for my $pid (@pids) {
		opendir my $d, "/proc/$pid/fd" or next;
		$n{$pid} = grep { (readlink("/proc/$pid/fd/$_") // '') =~ /^socket:/ }
		    readdir $d;
	}
	my ($top) = sort { $n{$b} <=> $n{$a} || $a <=> $b } keys %n;
	return $top // $pids[0];
}

sub statuses_ok {
	my ($label, $rec, $allowed) = @_;
	my @odd = grep { !$allowed->($_) } @$rec;
	ok(!@odd, "$label: every answer is one that may be given ("
	    . $C->can('summary')->(@$rec) . ')')
	    or diag(join "\n", map { "$_->{name}: $_->{status} "
	        . substr($_->{raw} // '', 0, 300) } @odd[0 .. ($#odd > 9 ? 9 : $#odd)]);
}

for my $backend (CloudPAM::Cluster::backends()) {
	my $t0 = time;
	my $cp = CloudPAM::Cluster::start_on($backend, workers => 4);

	# --- (a) workers killed ------------------------------------------------------
	my $label = "$backend, workers killed";
	my $parent = parent_pool($cp, 'kill', '10.60.0.0/15');
	my $since = CloudPAM::Cluster::last_audit_id($cp);
	my $stop = "$tmp/stop-kill-$backend";
	my @killed;
	my @rec = CloudPAM::Cluster::stream($cp, 8, $parent, $stop, tag => 'k',
	    during => sub {
		CloudPAM::Cluster::wait_children($cp, $parent, 30);
		for my $k (1 .. 3) {
			my $victim = busiest($cp->worker_pids);
			kill 'KILL', $victim;
			push @killed, $victim;
			# The supervisor replaces it (after 100 ms, more when
			# workers keep dying).
			my $deadline = time + 10;
			while (time < $deadline) {
				my @now = $cp->worker_pids;
				last if @now == 4 && !grep { $_ == $victim } @now;
				sleep 0.05;
			}
			sleep 0.2;
		}
		sleep 0.3;
		open my $fh, '>', $stop;
	});
	statuses_ok($label, \@rec, sub {
		my ($r) = @_;
		return $r->{status} == 201 || CloudPAM::Cluster::lost($r)
		    || $r->{status} == 409 && $r->{error} eq 'pool_full'
		    || $r->{status} == 503 && $r->{error} =~ /^database_(busy|unavailable)$/;
	});
	my @pids = $cp->worker_pids;
	is(scalar @pids, 4, "$label: four workers again");
	ok(!(grep { my $k = $_; grep { $_ == $k } @pids } @killed),
	    "$label: none of them a killed one");
	my $log = slurp($cp->{log});
	my @told = grep { $log =~ /worker died; replacing it[^\n]*"worker_pid":"?$_\b/ }
	    @killed;
	is(scalar @told, 3, "$label: the supervisor logged each death");
	is(scalar(() = $log =~ /worker (died|exited)/g), 3,
	    "$label: and no other worker died");
	note(sprintf '%s: %d answers lost with the workers', $label,
	    scalar grep { CloudPAM::Cluster::lost($_) } @rec);
	CloudPAM::Cluster::check_stream($cp, $label, $parent, $since, \@rec,
	    lost_ok => 1);
	my $res = $cp->post("/api/v1/pools/$parent/allocate",
	    json => { name => 'after-kill', prefix_len => 28 });
	is($res->{status}, 201, "$label: the next request works")
	    or diag($res->{content});

	# --- (b) PostgreSQL restarts ----------------------------------------------------
	if ($backend eq 'postgres') {
		$label = 'postgres restarted';
		$parent = parent_pool($cp, 'restart', '10.62.0.0/16');
		$since = CloudPAM::Cluster::last_audit_id($cp);
		$stop = "$tmp/stop-restart";
		my ($r0, $r1);
		@rec = CloudPAM::Cluster::stream($cp, 8, $parent, $stop,
		    tag => 'r', during => sub {
			CloudPAM::Cluster::wait_children($cp, $parent, 30);
			$r0 = time;
			CloudPAM::Cluster::pg()->restart;
			$r1 = time;
			sleep 1;
			open my $fh, '>', $stop;
		});
		note(sprintf '%s: the restart took %.2f s', $label, $r1 - $r0);
		statuses_ok($label, \@rec, sub {
			my ($r) = @_;
			return 1 if $r->{status} == 201;
			# In flight during the restart: sent before it ended,
			# answered after it began.
			return $r->{status} == 503 && $r->{error} eq
			    'database_unavailable' && $r->{t0} <= $r1 && $r->{t1} >= $r0;
		});
		my %first;
		for my $r (sort { $a->{t0} <=> $b->{t0} } @rec) {
			$first{ $r->{c} } //= $r if $r->{t0} > $r1;
		}
		is_deeply([ map { "client $_: " . ($first{$_}{status} // 'none') }
		    1 .. 8 ], [ map { "client $_: 201" } 1 .. 8 ],
		    "$label: the first request of each client after it works");
		CloudPAM::Cluster::check_stream($cp, $label, $parent, $since,
		    \@rec);
		my @now = $cp->worker_pids;
		is_deeply(\@now, \@pids, "$label: no worker died");
		my $died = () = slurp($cp->{log}) =~ /worker (died|exited)/g;
		is($died, 3, "$label: nor did the log say so (but for the 3 killed)");
	}
	$cp->stop;
	note(sprintf '%s: %.1f s', $backend, time - $t0);
}
note('PostgreSQL: ' . CloudPAM::Pg->why_not)
    unless CloudPAM::Cluster::pg_available();

done_testing;
