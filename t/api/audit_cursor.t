# An incremental export of the audit log (after_id = the last id a previous
# export held, as a SIEM polls) must never skip an event, on SQLite and on
# PostgreSQL, even while changes commit at the same time in another order
# than they started: here a long import (an event per row, all committed
# at its end) runs while quick pool creates commit one by one, and a
# poller follows the log the whole time.  Every event of the log must
# reach the poller, each once, in id order.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Cluster;
use JSON::PP qw(decode_json);
use POSIX ();
use Time::HiRes qw(time sleep);

# The events after cursor, as the export gives them.
sub poll {
	my ($cp, $cursor) = @_;
	my $res = $cp->get('/api/v1/audit/export?format=jsonl'
	    . ($cursor ? "&after_id=$cursor" : ''));
	return (undef, "export: $res->{status} $res->{content}")
	    unless $res->{status} == 200;
	return ([ map { decode_json($_) } split /\n/, $res->{content} ]);
}

for my $backend (CloudPAM::Cluster::backends()) {
	my $cp = CloudPAM::Cluster::start_on($backend, workers => 3);
	my $rows = 3000;
	my $csv = join '', "name,cidr,parent_cidr\n", "big,10.0.0.0/8,\n",
	    map { "n$_,10.@{[ $_ >> 8 ]}.@{[ $_ & 255 ]}.0/24,10.0.0.0/8\n" }
	    0 .. $rows - 1;

	# Something in the log first, so the poller has a cursor to start.
	my $first = $cp->post('/api/v1/pools',
	    json => { name => 'first', cidr => '192.168.0.0/16' });
	is($first->{status}, 201, "$backend: a first pool");
	my ($seen, $why) = poll($cp, 0);
	my @got = @{ $seen // [] };
	my $cursor = @got ? $got[-1]{id} : 0;

	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		my $res = $cp->post('/api/v1/import/pools', body => $csv,
		    headers => { 'Content-Type' => 'text/csv' });
		POSIX::_exit($res->{status} == 200 ? 0 : 1);
	}
	# While the import runs: quick creates, each polled after it.
	my ($creates, $polls, $failed) = (0, 0, '');
	my $deadline = time + 120;
	while (waitpid($pid, POSIX::WNOHANG()) == 0 && time < $deadline) {
		my $n = $creates++;
		my $res = $cp->post('/api/v1/pools', json => {
		    name => "quick-$n", cidr => "172.16.$n.0/24" });
		$failed ||= "create $n: $res->{status} $res->{content}"
		    unless $res->{status} == 201;
		($seen, $why) = poll($cp, $cursor);
		$failed ||= $why unless $seen;
		push @got, @{ $seen // [] };
		$cursor = $got[-1]{id} if @got;
		$polls++;
		sleep 0.01;
	}
	my $import_ok = $? == 0;
	ok($import_ok, "$backend: the import committed");
	is($failed, '', "$backend: every create and poll answered");
	($seen, $why) = poll($cp, $cursor);
	push @got, @{ $seen // [] };
	note("$backend: $creates creates and $polls polls during the import");
	# SQLite has one writer at a time: the creates wait for the import.
	cmp_ok($creates, '>=', $backend eq 'sqlite' ? 1 : 2,
	    "$backend: creates ran during the import");

	my @ids = map { $_->{id} } @got;
	my @all = @{ (poll($cp, 0))[0] // [] };
	my %got = map { ($_ => 1) } @ids;
	my @missed = grep { !$got{$_->{id}} } @all;
	is(scalar @missed, 0, "$backend: the poller missed no event")
	    or diag(scalar(@missed) . ' missed, first: '
	        . JSON::PP->new->canonical->encode($missed[0]));
	is(scalar @ids, scalar @all, "$backend: and got each once");
	is_deeply(\@ids, [ sort { $a <=> $b } @ids ], "$backend: in id order");
	is(scalar(grep { $_->{action} eq 'pool.import' } @got), $rows + 1,
	    "$backend: every imported row's event");
	is(scalar(grep { $_->{action} eq 'pool.create' } @got), $creates + 1,
	    "$backend: every create's event");
	$cp->stop;
}
note('PostgreSQL: ' . CloudPAM::Pg->why_not)
    unless CloudPAM::Cluster::pg_available();

done_testing;
