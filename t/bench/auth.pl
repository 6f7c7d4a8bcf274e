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
my ($bare, $bare_id) = server("$build/bench/cloudpam-noauth");
my $base = wrk($bare->url("/api/v1/pools/$bare_id"), $conns);
line('GET /api/v1/pools/{id}, no authentication', $base, $base->{rps});
$bare->stop;

my ($cp, $id) = server($CloudPAM::Test::BIN);
my $session = $cp->login('admin', $CloudPAM::Test::ADMIN_PASSWORD)
    or die "cannot sign in";
my $key = wrk($cp->url("/api/v1/pools/$id"), $conns, '-H', $cp->auth_header);
line('GET /api/v1/pools/{id}, Bearer key', $key, $base->{rps}, '>= 90%');
my $ses = wrk($cp->url("/api/v1/pools/$id"), $conns, '-H',
    "Cookie: $session->{cookie}");
line('GET /api/v1/pools/{id}, session cookie', $ses, $base->{rps}, '>= 90%');

# Allocate next /28, one client: latency with and without the audit write.
my $with = wrk($cp->url("/api/v1/pools/$id/allocate"), 1, '-H',
    $cp->auth_header, '-s', alloc_script($cp, $id));
my $events = `sqlite3 $cp->{db} "SELECT count(*) FROM audit_events WHERE action = 'pool.allocate'"`;
chomp $events;
$cp->stop;

my ($na, $na_id) = server("$build/bench/cloudpam-noaudit");
my $without = wrk($na->url("/api/v1/pools/$na_id/allocate"), 1, '-H',
    $na->auth_header, '-s', alloc_script($na, $na_id));
$na->stop;
line('allocate /28, 1 client, no audit write', $without, $without->{rps});
line('allocate /28, 1 client, audited', $with, $without->{rps});
printf "audit adds %.1f%% to the allocate p50 latency (%.3f -> %.3f ms; "
    . "target < 10%%); %s events written\n",
    $without->{p50} ? 100 * ($with->{p50} - $without->{p50}) / $without->{p50} : 0,
    $without->{p50}, $with->{p50}, $events;
