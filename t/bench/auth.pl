#!/usr/bin/perl
# auth.pl: `make bench`, what identity and audit cost.  Three servers, one
# at a time, each through its own real nginx:
#   cloudpam            the product: every request authenticated, every
#                       change audited
#   cloudpam-noauth     the identity step compiled out (baseline for GETs)
#   cloudpam-noaudit    audit writes compiled out (baseline for allocate)
# Figures, never a verdict.  BENCH_SECONDS (5), BENCH_CONNECTIONS (32).
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;
use JSON::PP;

my $seconds = $ENV{BENCH_SECONDS} // 5;
my $conns = $ENV{BENCH_CONNECTIONS} // 32;
my $build = $CloudPAM::Test::BUILD;
my $json = JSON::PP->new->utf8;

sub wrk {
	my ($url, $conns, @args) = @_;
	my $t = $conns < 2 ? 1 : 2;
	my $a = join ' ', map { "'$_'" } @args;
	my $out = `wrk -t$t -c$conns -d${seconds}s --latency $a '$url' 2>&1`;
	my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
	my %lat;
	while ($out =~ /^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$/mg) {
		$lat{$1} = $2 * ($3 eq 'us' ? 0.001 : $3 eq 's' ? 1000 : 1);
	}
	my ($bad) = $out =~ /Non-2xx or 3xx responses:\s+(\d+)/;
	return { rps => $rps // 0, p50 => $lat{50} // 0, p99 => $lat{99} // 0,
	    bad => $bad // 0 };
}

sub line {
	my ($name, $r, $base, $target) = @_;
	printf "%-44s %9.0f %8.2f %8.2f %8.1f%%%s%s\n", $name, $r->{rps},
	    $r->{p50}, $r->{p99}, $base ? 100 * $r->{rps} / $base : 100,
	    $target ? "  (target $target)" : '',
	    $r->{bad} ? "  (non-2xx $r->{bad})" : '';
}

# A server with a pool to read and a /8 to allocate from.
sub server {
	my ($bin) = @_;
	my $cp = CloudPAM::Test->start(workers => 2, bin => $bin,
	    args => ['--max-requests', '0']);
	my $p = $json->decode($cp->post('/api/v1/pools',
	    json => { name => 'bench', cidr => '10.0.0.0/8' })->{content});
	return ($cp, $p->{id});
}

sub alloc_script {
	my ($cp, $id) = @_;
	my $file = "$cp->{dir}/alloc.lua";
	open my $fh, '>', $file or die;
	print $fh <<"LUA";
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"a","prefix_len":28}'
wrk.path = "/api/v1/pools/$id/allocate"
LUA
	close $fh;
	return $file;
}

die "wrk is not installed (make deps)\n" unless `which wrk` =~ /wrk/;
printf "\nCloudPAM identity and audit bench: wrk -c%d -d%ds, %s\n", $conns,
    $seconds, scalar localtime;
printf "%-44s %9s %8s %8s %9s\n", 'scenario', 'req/s', 'p50 ms', 'p99 ms',
    'vs base';

# GET one pool: without authentication, with a Bearer key, with a session.
# Both servers run at once and the three are measured in turns, twice,
# keeping the best of each: what runs last on this VM is otherwise the
# slowest (sockets in TIME_WAIT, a warmer or cooler CPU).
my ($bare, $bare_id) = server("$build/bench/cloudpam-noauth");
my ($cp, $id) = server($CloudPAM::Test::BIN);
my $session = $cp->login('admin', $CloudPAM::Test::ADMIN_PASSWORD)
    or die "cannot sign in";
my %best;
for my $round (1, 2) {
	for my $k ('base', 'key', 'session') {
		my $r = $k eq 'base'
		    ? wrk($bare->url("/api/v1/pools/$bare_id"), $conns)
		    : wrk($cp->url("/api/v1/pools/$id"), $conns, '-H',
		        $k eq 'key' ? $cp->auth_header : "Cookie: $session->{cookie}");
		$best{$k} = $r if !$best{$k} || $r->{rps} > $best{$k}{rps};
	}
}
$bare->stop;
my $base = $best{base};
line('GET /api/v1/pools/{id}, no authentication', $base, $base->{rps});
line('GET /api/v1/pools/{id}, Bearer key', $best{key}, $base->{rps}, '>= 90%');
line('GET /api/v1/pools/{id}, session cookie', $best{session}, $base->{rps}, '>= 90%');

# Allocate next /28, one client: latency with and without the audit write,
# the two servers measured in turns, twice, the best of each kept.
my ($na, $na_id) = server("$build/bench/cloudpam-noaudit");
my %alloc;
my ($sa, $sn) = (alloc_script($cp, $id), alloc_script($na, $na_id));
for my $round (1, 2) {
	my $w = wrk($cp->url("/api/v1/pools/$id/allocate"), 1, '-H',
	    $cp->auth_header, '-s', $sa);
	my $wo = wrk($na->url("/api/v1/pools/$na_id/allocate"), 1, '-H',
	    $na->auth_header, '-s', $sn);
	$alloc{with} = $w if !$alloc{with} || $w->{p50} < $alloc{with}{p50};
	$alloc{without} = $wo
	    if !$alloc{without} || $wo->{p50} < $alloc{without}{p50};
}
my $events = $cp->sql("SELECT count(*) FROM audit_events WHERE action = 'pool.allocate'");
my $none = $na->sql("SELECT count(*) FROM audit_events WHERE action = 'pool.allocate'");
$cp->stop;
$na->stop;
my ($with, $without) = ($alloc{with}, $alloc{without});
line('allocate /28, 1 client, no audit write', $without, $without->{rps});
line('allocate /28, 1 client, audited', $with, $without->{rps});
printf "audit adds %.1f%% to the allocate p50 latency (%.3f -> %.3f ms; "
    . "target < 10%%); %s events written (%s without)\n",
    $without->{p50} ? 100 * ($with->{p50} - $without->{p50}) / $without->{p50} : 0,
    $without->{p50}, $with->{p50}, $events, $none;
