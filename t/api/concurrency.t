# Many clients allocating from one pool at once, on SQLite and on
# PostgreSQL: four workers, fifty forked clients (each its own HTTP::Tiny,
# no keep-alive) against one /16.  Most ask for the next free /24, the
# others for a /26 or a /28, and now and then one deletes a pool it got
# earlier; each goes on past "pool full", then ten clients fill what is
# left with /28s, then 25 delete half of the pools while asking for blocks
# of the space coming free.  See CloudPAM::Cluster::run_concurrency for what is
# checked: every answer 201 / 200 / 409 pool_full / 503 database_busy and
# never a 500; the blocks distinct and never overlapping while both exist
# (by integer ranges); the pools under the parent exactly the successes
# minus the deletes; the parent's counters, free blocks and free /28
# listing agreeing with them; one audit event per change, none for a
# failure.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Cluster;
use Time::HiRes qw(time);

for my $backend (CloudPAM::Cluster::backends()) {
	my $t0 = time;
	my $cp = CloudPAM::Cluster::start_on($backend, workers => 4);
	CloudPAM::Cluster::run_concurrency($cp, label => $backend,
	    clients => 50, cidr => '10.50.0.0/16');
	$cp->stop;
	note(sprintf '%s: %.1f s', $backend, time - $t0);
}
note('PostgreSQL: ' . CloudPAM::Pg->why_not)
    unless CloudPAM::Cluster::pg_available();

done_testing;
