#!/usr/bin/perl
# ipam.pl: the core IPAM figures of `make bench` on 100,000 pools (a /8 cut
# into /24s and a ULA /32 cut into /48s), each beside /healthz measured in
# the same run, on SQLite and then on PostgreSQL (a throwaway cluster), and
# at the end both side by side.  Figures only; it never fails.
# BENCH_SECONDS (5), BENCH_POOLS (100000), BENCH_BACKENDS ("sqlite postgres").
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;
use HTTP::Tiny;
use JSON::PP;
use Time::HiRes qw(time);

my $seconds = $ENV{BENCH_SECONDS} // 5;
my $pools = $ENV{BENCH_POOLS} // 100000;
my $half = int($pools / 2);
my $bin = $CloudPAM::Test::BIN;

sub wrk {
	my ($url, $conns, $script, $duration) = @_;
	$duration //= $seconds;
	my $s = $script ? "-s $script" : '';
	my $t = $conns < 2 ? 1 : 2;
	my $out = `wrk -t$t -c$conns -d${duration}s --latency -H '$main::AUTH' $s '$url' 2>&1`;
	my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
	my %lat;
	while ($out =~ /^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$/mg) {
		$lat{$1} = $2 * ($3 eq 'us' ? 0.001 : $3 eq 's' ? 1000 : 1);
	}
	my ($bad) = $out =~ /Non-2xx or 3xx responses:\s+(\d+)/;
	my ($count, $elapsed) = $out =~ /(\d+) requests in ([\d.]+)(?:s)/;
	my ($avg, $unit) = $out =~ /^\s+Latency\s+([\d.]+)(us|ms|s)/m;
	$avg = ($avg // 0) * (($unit // 'ms') eq 'us' ? 0.001 : ($unit // 'ms') eq 's' ? 1000 : 1);
	return { rps => $rps // 0, p50 => $lat{50} // 0, p99 => $lat{99} // 0,
	    bad => $bad // 0, count => $count // 0, elapsed => $elapsed // 0,
	    avg => $avg };
}

our (%side, @order, $backend);

# Print one figure and keep it for the side-by-side table.
sub keep {
	my ($name, $text) = @_;
	push @order, $name unless grep { $_ eq $name } @order;
	$side{$name}{$backend} = $text;
}

sub line {
	my ($name, $r, $base, $target) = @_;
	printf "%-44s %9.0f req/s %7.2f ms p50 %7.2f ms p99 %6.1f%% of /healthz%s%s\n",
	    $name, $r->{rps}, $r->{p50}, $r->{p99},
	    $base ? 100 * $r->{rps} / $base : 0,
	    $target ? "  (target $target)" : '',
	    $r->{bad} ? "  [$r->{bad} non-2xx]" : '';
	keep($name, sprintf('%7.0f/s p99 %6.2f ms', $r->{rps}, $r->{p99}));
	return $r;
}

sub run_backend {

my %db;
if ($backend eq 'postgres') {
	require CloudPAM::Pg;
	$db{database_url} = CloudPAM::Pg->shared->create_database;
}
my $cp = CloudPAM::Test->start(workers => 2, %db,
    args => ['--max-requests', '0', '--log-level', 'warn']);
our $AUTH = $cp->auth_header;
my $http = HTTP::Tiny->new(keep_alive => 1, timeout => 60,
    default_headers => { Authorization => 'Bearer ' . $cp->key });
my $json = JSON::PP->new->utf8;
print "\nCloudPAM core IPAM bench on $backend: $pools pools, 2 workers, ${seconds}s per run\n";

# --- import and export, through the CLI
my $csv = "$cp->{dir}/pools.csv";
open my $fh, '>', $csv or die;
print $fh "name,cidr,vrf,parent_cidr,account_key,type,status,source,description,tags,external_id,region\n";
print $fh "corp-v4,10.0.0.0/8,default,,,supernet,active,,,,,\n";
print $fh "corp-v6,fd00::/32,default,,,supernet,active,,,,,\n";
for my $i (0 .. $half - 1) {
	printf $fh "net-%d,10.%d.%d.0/24,default,10.0.0.0/8,,subnet,active,,,,,\n",
	    $i, $i >> 8, $i & 255;
	printf $fh "v6-%d,fd00:0:%x::/48,default,fd00::/32,,subnet,active,,,,,\n",
	    $i, $i;
}
close $fh;
my $env = "CLOUDPAM_DATABASE_URL='" . $cp->database_url . "' CLOUDPAM_LOG_LEVEL=warn";
my $t0 = time;
my $out = `$env $bin import pools $csv 2>&1`;
my $import = time - $t0;
printf "import of %d CSV rows: %.2f s (%.0f rows/s; target < 10 s)%s\n",
    2 * $half + 2, $import, (2 * $half + 2) / ($import || 1),
    $? ? "  [failed: $out]" : '';
keep('import of the CSV (CLI)', sprintf('%7.2f s', $import));
$t0 = time;
`$env $bin export pools > $cp->{dir}/export.csv 2>/dev/null`;
my $export = time - $t0;
printf "export of all pools: %.2f s (target < 3 s)\n", $export;
keep('export of all pools (CLI)', sprintf('%7.2f s', $export));
# After a bulk load PostgreSQL plans with no statistics and autovacuum
# busies a core for a while: do what docs/scale.md says to do after a big
# import, then measure.
if ($backend eq 'postgres') {
	my ($name) = $cp->database_url =~ m{/([^/?]+)(?:\?.*)?$};
	$t0 = time;
	CloudPAM::Pg->shared->psql('VACUUM (ANALYZE)', $name);
	printf "VACUUM (ANALYZE) after the import: %.2f s\n", time - $t0;
}

my $v4 = $json->decode($http->get($cp->url('/api/v1/search?cidr_contains=10.0.0.0/8'))->{content})->{items}[0]{id} // 1;
my $v6 = $json->decode($http->get($cp->url('/api/v1/search?cidr_contains=fd00::/32'))->{content})->{items}[0]{id} // 2;
my $leaf = $json->decode($http->get($cp->url('/api/v1/search?ip=10.100.1.1'))->{content})->{items}[0]{id} // 3;
my $res = $http->post($cp->url('/api/v1/pools'), { headers => { 'Content-Type' => 'application/json' },
    content => '{"name":"bench-16","cidr":"172.16.0.0/16"}' });
my $p16 = ($json->decode($res->{content}) // {})->{id};
$res = $http->post($cp->url('/api/v1/pools'), { headers => { 'Content-Type' => 'application/json' },
    content => '{"name":"bench-alloc","cidr":"100.64.0.0/10"}' });
my $alloc = ($json->decode($res->{content}) // {})->{id};

print "\n";
my $h = wrk($cp->url('/healthz'), 32);
line('/healthz (baseline)', $h, $h->{rps});
my $base = $h->{rps};
line("GET one pool by id", wrk($cp->url("/api/v1/pools/$leaf"), 32), $base, '>= 70%');
line('first free /24 of the /8', wrk($cp->url("/api/v1/pools/$v4/blocks?prefix_len=24&status=free&page_size=1"), 32), $base, '>= 25%');
my $s = wrk($cp->url('/api/v1/search?ip=10.100.1.1'), 1);
line('search ?ip= (1 client)', $s, $base, 'p99 < 2 ms');
line('page of 100 /24s in a /16', wrk($cp->url("/api/v1/pools/$p16/blocks?prefix_len=24&page=2&page_size=100"), 8), $base);
line('page of 100 /64s in a /32', wrk($cp->url("/api/v1/pools/$v6/blocks?prefix_len=64&page=2&page_size=100"), 8), $base);

# --- allocation under load: 8 clients through wrk and a Lua script
my $lua = "$cp->{dir}/alloc.lua";
open $fh, '>', $lua or die;
print $fh <<"LUA";
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"w","prefix_len":28}'
wrk.path = "/api/v1/pools/$alloc/allocate"
LUA
close $fh;
line('allocate next /28, 8 clients', wrk($cp->url("/api/v1/pools/$alloc/allocate"), 8, $lua), $base, '>= 1000/s');
open $fh, '>', "$cp->{dir}/alloc24x8.lua" or die;
print $fh <<"LUA";
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"e","prefix_len":24}'
LUA
close $fh;
line('allocate next /24 of the /8, 8 clients', wrk($cp->url("/api/v1/pools/$v4/allocate"), 8, "$cp->{dir}/alloc24x8.lua"), $base);

# --- one client: allocations, then 1,000 creates one by one
open $fh, '>', "$cp->{dir}/alloc24.lua" or die;
print $fh <<"LUA";
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"one","prefix_len":24}'
LUA
close $fh;
my $one = wrk($cp->url("/api/v1/pools/$v4/allocate"), 1, "$cp->{dir}/alloc24.lua");
printf "allocate next /24 of the /8, 1 client:       %.0f/s, p50 %.2f ms, p99 %.2f ms (target p99 < 5 ms)%s\n",
    $one->{rps}, $one->{p50}, $one->{p99}, $one->{bad} ? "  [$one->{bad} non-2xx]" : '';
keep('allocate next /24 of the /8, 1 client', sprintf('%7.0f/s p99 %6.2f ms', $one->{rps}, $one->{p99}));
open $fh, '>', "$cp->{dir}/create.lua" or die;
print $fh <<"LUA";
counter = 0
done = 0
request = function()
  local i = counter
  counter = counter + 1
  local body = string.format('{"name":"c-%d","cidr":"172.16.%d.%d/30","parent_id":$p16}',
    i, math.floor(i / 64), (i % 64) * 4)
  return wrk.format("POST", "/api/v1/pools", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer ${\ $cp->key}"}, body)
end
response = function(status, headers, body)
  done = done + 1
  if done >= 1000 then wrk.thread:stop() end
end
LUA
close $fh;
{
	# wrk stops sending after 1,000 but waits out its duration: the
	# time the 1,000 took is their count times the mean latency.
	my $c = wrk($cp->url('/api/v1/pools'), 1, "$cp->{dir}/create.lua", 5);
	printf "1,000 creates one by one:                    %.2f s (%d sent, mean %.2f ms; target < 3 s)%s\n",
	    1000 * $c->{avg} / 1000, $c->{count}, $c->{avg},
	    $c->{bad} ? "  [$c->{bad} non-2xx]" : '';
	keep('1,000 creates one by one', sprintf('%7.2f s', $c->{avg}));
}

# --- big answers
my @ms;
for (1 .. 3) {
	$t0 = time;
	$res = $http->get($cp->url("/api/v1/pools?parent_id=$v4&page_size=10000"));
	push @ms, (time - $t0) * 1000;
}
@ms = sort { $a <=> $b } @ms;
printf "list 10,000 children of the /8 in one answer: %.0f ms (target < 150 ms; %d bytes)\n",
    $ms[1], length $res->{content};
keep('list 10,000 children in one answer', sprintf('%7.0f ms', $ms[1]));
@ms = ();
for (1 .. 3) {
	$t0 = time;
	$res = $http->get($cp->url("/pools/$v4"));
	push @ms, (time - $t0) * 1000;
}
@ms = sort { $a <=> $b } @ms;
printf "pool detail page of the /8:                  %.0f ms (target < 50 ms; status %d)\n",
    $ms[1], $res->{status};
keep('pool detail page of the /8', sprintf('%7.0f ms', $ms[1]));
printf "worker RSS: %s\n", join(', ', map { sprintf '%.1f MB', ($cp->rss_kb($_) // 0) / 1024 } $cp->worker_pids);
$cp->stop;
}

for $backend (split ' ', $ENV{BENCH_BACKENDS} // 'sqlite postgres') {
	run_backend();
}
my @b = split ' ', $ENV{BENCH_BACKENDS} // 'sqlite postgres';
printf "\nBoth backends, same run (%d pools):\n%-44s", $pools, 'scenario';
printf " %-24s", $_ for @b;
print "\n";
for my $name (@order) {
	printf "%-44s", $name;
	printf " %-24s", $side{$name}{$_} // '-' for @b;
	print "\n";
}
# The two targets of the PostgreSQL issue.
if (grep({ $_ eq 'postgres' } @b) && grep({ $_ eq 'sqlite' } @b)) {
	my ($s8) = ($side{'allocate next /24 of the /8, 8 clients'}{sqlite} // '0') =~ /([\d.]+)/;
	my ($p8) = ($side{'allocate next /24 of the /8, 8 clients'}{postgres} // '0') =~ /([\d.]+)/;
	printf "allocate next /24, 8 clients: PostgreSQL at %.0f%% of SQLite (target >= 50%%)\n",
	    $s8 ? 100 * $p8 / $s8 : 0;
	my ($p99) = ($side{'search ?ip= (1 client)'}{postgres} // '') =~ /p99\s+([\d.]+)/;
	printf "search by IP, %d pools: PostgreSQL p99 %.2f ms (target < 3 ms)\n", $pools, $p99 // 0;
}
