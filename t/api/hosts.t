# Two hosts on one PostgreSQL database: two `cloudpam serve` pools (a
# socket, a supervisor and workers each, as two machines would run them)
# behind one nginx whose upstream lists both sockets (CloudPAM::Cluster).
#
# - The concurrency scenario of t/api/concurrency.t across both pools:
#   fifty clients, the parent row lock of PostgreSQL the only thing that
#   keeps the two pools' workers from handing out one block twice.
# - Both pools served: each logged allocations from its own workers, and
#   each pool's /metrics (asked on its own socket, with the key) counts
#   its share; the two shares add up to every allocation answered.
# - One whole pool stopped (SIGTERM, as its host going down): nginx takes
#   its socket out of the upstream and the other pool answers everything,
#   allocations included, with no error.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Cluster;
use Time::HiRes qw(sleep time);

plan skip_all => 'PostgreSQL: ' . CloudPAM::Pg->why_not
    unless CloudPAM::Cluster::pg_available();

my $t0 = time;
my $pg = CloudPAM::Cluster::pg();
my $cl = CloudPAM::Cluster->start(database_url => $pg->create_database,
    pools => 2, workers => 2);
my @pools = $cl->pools;
my %workers = map { $_ => [ $cl->worker_pids($_) ] } 0, 1;
is_deeply([ map { scalar @{ $workers{$_} } } 0, 1 ], [ 2, 2 ],
    'two pools of two workers each');

sub slurp {
	my ($file) = @_;
	open my $fh, '<', $file or return '';
	local $/;
	return <$fh> // '';
}

# GET /metrics on pool i's own socket, with the key (cgi-fcgi, not nginx).
sub metrics_of {
	my ($i) = @_;
	local $ENV{REQUEST_METHOD} = 'GET';
	local $ENV{REQUEST_URI} = '/metrics';
	local $ENV{QUERY_STRING} = '';
	local $ENV{SERVER_NAME} = 'localhost';
	local $ENV{SERVER_PORT} = '80';
	local $ENV{SERVER_PROTOCOL} = 'HTTP/1.1';
	local $ENV{REMOTE_ADDR} = '127.0.0.1';
	local $ENV{HTTP_AUTHORIZATION} = 'Bearer ' . $cl->key;
	my $out = `cgi-fcgi -bind -connect $pools[$i]{sock} 2>&1`;
	return $out;
}

# Allocations pool i answered, by its /metrics.
sub allocations_counted {
	my ($metrics) = @_;
	my $n = 0;
	$n += $1 while $metrics =~
	    m{^cloudpam_http_requests_total\{route="[^"]*/allocate",status="[^"]+"\} (\d+)$}mg;
	return $n;
}

# --- many clients across both pools --------------------------------------------

my ($parent, $rec) = CloudPAM::Cluster::run_concurrency($cl,
    label => 'two pools', clients => 50, cidr => '10.70.0.0/16');
my @allocs = grep { $_->{op} eq 'alloc' } @$rec;
my %served;
for my $i (0, 1) {
	my @r = grep { $_->{path} =~ m{^/api/v1/pools/\d+/allocate$} }
	    $cl->served($i);
	$served{$i} = scalar @r;
	my %pids = map { $_->{pid} => 1 } @r;
	cmp_ok($served{$i}, '>=', @allocs / 10,
	    "pool $pools[$i]{name} answered allocations ($served{$i})");
	is_deeply([ sort { $a <=> $b } keys %pids ], $workers{$i},
	    "pool $pools[$i]{name}: by its own workers");
}
is($served{0} + $served{1}, scalar @allocs,
    'together every allocation, each once (' . scalar(@allocs) . ')');
my @metrics = map { metrics_of($_) } 0, 1;
like($metrics[$_], qr/^Status: 200/m,
    "pool $pools[$_]{name}: /metrics on its socket with the key")
    for 0, 1;
is_deeply([ map { allocations_counted($_) } @metrics ],
    [ $served{0}, $served{1} ], "each pool's /metrics counts its own share")
    or diag($metrics[0]);

# --- one host goes down ----------------------------------------------------------

my $rc = $cl->stop_pool(0);
is($rc, 0, "pool $pools[0]{name} stops on SIGTERM");
ok(!-e $pools[0]{sock}, 'and its socket is gone');
my $before = $served{1};
my $res = $cl->post('/api/v1/pools', json => { name => 'after',
    cidr => '10.71.0.0/16' });
is($res->{status}, 201, 'a pool made with one host down')
    or diag($res->{content});
my $after = CloudPAM::Test->json($res)->{id};
my $since = CloudPAM::Cluster::last_audit_id($cl);
my @rec = CloudPAM::Cluster::clients($cl, 8, sub {
	my ($c, $i) = @_;
	for my $n (1 .. 10) {
		$c->call('POST', "/api/v1/pools/$after/allocate",
		    { name => "after-$i-$n", prefix_len => 28 },
		    op => 'alloc', len => 28, name => "after-$i-$n");
		$c->call('GET', "/api/v1/pools/$after", undef, op => 'get');
	}
});
is(CloudPAM::Cluster::summary(@rec), 'GET 200 : 80, POST 201 : 80',
    'every request answered, none refused');
my $now = grep { $_->{path} =~ m{^/api/v1/pools/} } $cl->served(1);
cmp_ok($now - $before, '>=', 160, "all by pool $pools[1]{name}");
my $errors = slurp("$cl->{dir}/log/nginx-error.log");
my $failed = () = $errors =~ /connect\(\) to unix:\Q$pools[0]{sock}\E failed/g;
my $disabled = () = $errors =~
    /upstream server temporarily disabled[^\n]*\Q$pools[0]{sock}\E/g;
my @nginx_workers = do {
	local $cl->{pool_pid} = $cl->{nginx_pid};
	CloudPAM::Test::worker_pids($cl);
};
ok($failed >= 1 && $failed <= @nginx_workers && $disabled == $failed,
    "nginx marked the dead socket down: $failed failed connects for 161 "
    . 'requests, at most one per nginx worker (' . scalar(@nginx_workers)
    . "), each followed by \"temporarily disabled\"") or diag($errors);
CloudPAM::Cluster::check_stream($cl, 'one host down', $after, $since, \@rec);

$cl->stop;
$pg->stop;
note(sprintf 'hosts.t: %.1f s', time - $t0);
done_testing;
