#!/usr/bin/perl
# ipam.pl: the core IPAM figures of `make bench` on 100,000 pools (a /8 cut
# into /24s and a ULA /32 cut into /48s), on SQLite and on PostgreSQL (a
# throwaway cluster), side by side.
#
# Both instances are loaded first; then every scenario runs on one backend
# right after the other, so that both meet the machine in the same state
# (a shared 2-core VM drifts by a factor of two over minutes, which once
# made one backend look twice as slow as it is).  Each request rate is
# also given as a share of /healthz of the same instance, measured in the
# same turn.  Figures only; it never fails.
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
my @backends = split ' ', $ENV{BENCH_BACKENDS} // 'sqlite postgres';
my $json = JSON::PP->new->utf8;

sub wrk {
	my ($i, $path, $conns, $script, $duration) = @_;
	$duration //= $seconds;
	my $s = $script ? "-s $i->{dir}/$script" : '';
	my $t = $conns < 2 ? 1 : 2;
	my $url = $i->{cp}->url($path);
	my $out = `wrk -t$t -c$conns -d${duration}s --latency -H '$i->{auth}' $s '$url' 2>&1`;
	my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
	my %lat;
	while ($out =~ /^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$/mg) {
		$lat{$1} = $2 * ($3 eq 'us' ? 0.001 : $3 eq 's' ? 1000 : 1);
	}
	my ($bad) = $out =~ /Non-2xx or 3xx responses:\s+(\d+)/;
	my ($count) = $out =~ /(\d+) requests in [\d.]+/;
	my ($avg, $unit) = $out =~ /^\s+Latency\s+([\d.]+)(us|ms|s)/m;
	$avg = ($avg // 0) * (($unit // 'ms') eq 'us' ? 0.001
	    : ($unit // 'ms') eq 's' ? 1000 : 1);
	return { rps => $rps // 0, p50 => $lat{50} // 0, p99 => $lat{99} // 0,
	    bad => $bad // 0, count => $count // 0, avg => $avg };
}

sub spew {
	my ($i, $name, $text) = @_;
	open my $fh, '>', "$i->{dir}/$name" or die "$name: $!";
	print $fh $text;
	close $fh;
}

sub post_id {
	my ($i, $path, $body) = @_;
	my $res = $i->{http}->post($i->{cp}->url($path), { content => $body,
	    headers => { 'Content-Type' => 'application/json' } });
	return (eval { $json->decode($res->{content}) } // {})->{id};
}

sub first_id {
	my ($i, $query) = @_;
	my $res = $i->{http}->get($i->{cp}->url("/api/v1/search?$query"));
	return (eval { $json->decode($res->{content}) } // {})->{items}[0]{id};
}

# --- loading ------------------------------------------------------------------

my (%side, @order);

sub keep {
	my ($name, $backend, $text) = @_;
	push @order, $name unless grep { $_ eq $name } @order;
	$side{$name}{$backend} = $text;
}

# An instance of backend holding the bench's pools, with its ids.
sub load {
	my ($backend) = @_;
	my %db;
	if ($backend eq 'postgres') {
		require CloudPAM::Pg;
		$db{database_url} = CloudPAM::Pg->shared->create_database;
	}
	my $cp = CloudPAM::Test->start(workers => 2, %db,
	    args => ['--max-requests', '0', '--log-level', 'warn']);
	my $i = { backend => $backend, cp => $cp, dir => $cp->{dir},
	    auth => $cp->auth_header,
	    http => HTTP::Tiny->new(keep_alive => 1, timeout => 60,
	        default_headers => { Authorization => 'Bearer ' . $cp->key }) };

	my $csv = "$i->{dir}/pools.csv";
	open my $fh, '>', $csv or die;
	print $fh "name,cidr,vrf,parent_cidr,account_key,type,status,source,"
	    . "description,tags,external_id,region\n";
	print $fh "corp-v4,10.0.0.0/8,default,,,supernet,active,,,,,\n";
	print $fh "corp-v6,fd00::/32,default,,,supernet,active,,,,,\n";
	for my $n (0 .. $half - 1) {
		printf $fh "net-%d,10.%d.%d.0/24,default,10.0.0.0/8,,subnet,active,,,,,\n",
		    $n, $n >> 8, $n & 255;
		printf $fh "v6-%d,fd00:0:%x::/48,default,fd00::/32,,subnet,active,,,,,\n",
		    $n, $n;
	}
	close $fh;
	my $env = "CLOUDPAM_DATABASE_URL='" . $cp->database_url
	    . "' CLOUDPAM_LOG_LEVEL=warn";
	my $t0 = time;
	my $out = `$env $bin import pools $csv 2>&1`;
	my $import = time - $t0;
	printf "%-9s import of %d CSV rows: %.2f s (%.0f rows/s; target < 10 s)%s\n",
	    $backend, 2 * $half + 2, $import, (2 * $half + 2) / ($import || 1),
	    $? ? "  [failed: $out]" : '';
	keep('import of the CSV (CLI)', $backend, sprintf('%7.2f s', $import));
	$t0 = time;
	`$env $bin export pools > $i->{dir}/export.csv 2>/dev/null`;
	my $export = time - $t0;
	printf "%-9s export of all pools: %.2f s (target < 3 s)\n", $backend,
	    $export;
	keep('export of all pools (CLI)', $backend, sprintf('%7.2f s', $export));
	# After a bulk load PostgreSQL plans with no statistics, and
	# autovacuum and the checkpointer busy a core for minutes: do what
	# docs/scale.md says to do after a big import, then measure.
	if ($backend eq 'postgres') {
		my ($name) = $cp->database_url =~ m{/([^/?]+)(?:\?.*)?$};
		$t0 = time;
		CloudPAM::Pg->shared->psql('VACUUM (ANALYZE)', $name);
		CloudPAM::Pg->shared->psql('CHECKPOINT', $name);
		printf "%-9s VACUUM (ANALYZE) and CHECKPOINT: %.2f s\n",
		    $backend, time - $t0;
	}

	$i->{v4} = first_id($i, 'cidr_contains=10.0.0.0/8') // 1;
	$i->{v6} = first_id($i, 'cidr_contains=fd00::/32') // 2;
	$i->{leaf} = first_id($i, 'ip=10.100.1.1') // 3;
	$i->{p16} = post_id($i, '/api/v1/pools',
	    '{"name":"bench-16","cidr":"172.16.0.0/16"}');
	$i->{alloc} = post_id($i, '/api/v1/pools',
	    '{"name":"bench-alloc","cidr":"100.64.0.0/10"}');
	spew($i, 'alloc28.lua', <<"LUA");
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"w","prefix_len":28}'
LUA
	spew($i, 'alloc24.lua', <<"LUA");
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"e","prefix_len":24}'
LUA
	spew($i, 'create.lua', <<"LUA");
counter = 0
done = 0
request = function()
  local i = counter
  counter = counter + 1
  local body = string.format('{"name":"c-%d","cidr":"172.16.%d.%d/30","parent_id":$i->{p16}}',
    i, math.floor(i / 64), (i % 64) * 4)
  return wrk.format("POST", "/api/v1/pools", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer ${\ $cp->key}"}, body)
end
response = function(status, headers, body)
  done = done + 1
  if done >= 1000 then wrk.thread:stop() end
end
LUA
	return $i;
}

# --- scenarios ------------------------------------------------------------------

# A wrk scenario: its figure against the instance's /healthz.
sub rate {
	my ($name, $target, $measure) = @_;
	return sub {
		my ($i) = @_;
		my $r = $measure->($i);
		printf "  %-9s %9.0f req/s %7.2f ms p50 %7.2f ms p99 %6.1f%% of /healthz%s%s\n",
		    $i->{backend}, $r->{rps}, $r->{p50}, $r->{p99},
		    $i->{base} ? 100 * $r->{rps} / $i->{base} : 0,
		    $target ? "  (target $target)" : '',
		    $r->{bad} ? "  [$r->{bad} non-2xx]" : '';
		keep($name, $i->{backend},
		    sprintf('%7.0f/s p99 %6.2f ms', $r->{rps}, $r->{p99}));
	};
}

# The median of three timed GETs, in ms.
sub timed {
	my ($i, $path) = @_;
	my (@ms, $res);
	for (1 .. 3) {
		my $t0 = time;
		$res = $i->{http}->get($i->{cp}->url($path));
		push @ms, (time - $t0) * 1000;
	}
	@ms = sort { $a <=> $b } @ms;
	return ($ms[1], $res);
}

my @scenarios = (
	[ '/healthz (baseline)', sub {
		my ($i) = @_;
		my $r = wrk($i, '/healthz', 32);
		$i->{base} = $r->{rps};
		rate('/healthz (baseline)', undef, sub { $r })->($i);
	} ],
	[ 'GET one pool by id', rate('GET one pool by id', '>= 70%',
	    sub { wrk($_[0], "/api/v1/pools/$_[0]{leaf}", 32) }) ],
	[ 'first free /24 of the /8', rate('first free /24 of the /8', '>= 25%',
	    sub { wrk($_[0], "/api/v1/pools/$_[0]{v4}/blocks?prefix_len=24"
	        . '&status=free&page_size=1', 32) }) ],
	[ 'search ?ip= (1 client)', rate('search ?ip= (1 client)', 'p99 < 2 ms',
	    sub { wrk($_[0], '/api/v1/search?ip=10.100.1.1', 1) }) ],
	[ 'page of 100 /24s in a /16', rate('page of 100 /24s in a /16', undef,
	    sub { wrk($_[0], "/api/v1/pools/$_[0]{p16}/blocks?prefix_len=24"
	        . '&page=2&page_size=100', 8) }) ],
	[ 'page of 100 /64s in a /32', rate('page of 100 /64s in a /32', undef,
	    sub { wrk($_[0], "/api/v1/pools/$_[0]{v6}/blocks?prefix_len=64"
	        . '&page=2&page_size=100', 8) }) ],
	[ 'allocate next /28, 8 clients', rate('allocate next /28, 8 clients',
	    '>= 1000/s', sub { wrk($_[0], "/api/v1/pools/$_[0]{alloc}/allocate",
	        8, 'alloc28.lua') }) ],
	[ 'allocate next /24 of the /8, 8 clients',
	  rate('allocate next /24 of the /8, 8 clients', undef,
	    sub { wrk($_[0], "/api/v1/pools/$_[0]{v4}/allocate", 8,
	        'alloc24.lua') }) ],
	[ 'allocate next /24 of the /8, 1 client',
	  rate('allocate next /24 of the /8, 1 client', 'p99 < 5 ms',
	    sub { wrk($_[0], "/api/v1/pools/$_[0]{v4}/allocate", 1,
	        'alloc24.lua') }) ],
	[ '1,000 creates one by one', sub {
		my ($i) = @_;
		# wrk stops sending after 1,000 but waits out its duration:
		# the time the 1,000 took is their count times the mean latency.
		my $c = wrk($i, '/api/v1/pools', 1, 'create.lua', 5);
		printf "  %-9s %.2f s (%d sent, mean %.2f ms; target < 3 s)%s\n",
		    $i->{backend}, $c->{avg}, $c->{count}, $c->{avg},
		    $c->{bad} ? "  [$c->{bad} non-2xx]" : '';
		keep('1,000 creates one by one', $i->{backend},
		    sprintf('%7.2f s', $c->{avg}));
	} ],
	[ 'list 10,000 children in one answer', sub {
		my ($i) = @_;
		my ($ms, $res) = timed($i,
		    "/api/v1/pools?parent_id=$i->{v4}&page_size=10000");
		printf "  %-9s %.0f ms (target < 150 ms; %d bytes)\n",
		    $i->{backend}, $ms, length $res->{content};
		keep('list 10,000 children in one answer', $i->{backend},
		    sprintf('%7.0f ms', $ms));
	} ],
	[ 'pool detail page of the /8', sub {
		my ($i) = @_;
		my ($ms, $res) = timed($i, "/pools/$i->{v4}");
		printf "  %-9s %.0f ms (target < 50 ms; status %d)\n",
		    $i->{backend}, $ms, $res->{status};
		keep('pool detail page of the /8', $i->{backend},
		    sprintf('%7.0f ms', $ms));
	} ],
);

# --- the run ----------------------------------------------------------------------

print "\nCloudPAM core IPAM bench: $pools pools, 2 workers, ${seconds}s per run, "
    . join(' and ', @backends) . " in turns\n";
my @inst = map { load($_) } @backends;
print "\n";
for my $s (@scenarios) {
	my ($name, $run) = @$s;
	print "$name\n";
	$run->($_) for @inst;
}
for my $i (@inst) {
	printf "worker RSS, %s: %s\n", $i->{backend}, join(', ',
	    map { sprintf '%.1f MB', ($i->{cp}->rss_kb($_) // 0) / 1024 }
	    $i->{cp}->worker_pids);
	$i->{cp}->stop;
}

printf "\nBoth backends, same run (%d pools):\n%-44s", $pools, 'scenario';
printf " %-24s", $_ for @backends;
print "\n";
for my $name (@order) {
	printf "%-44s", $name;
	printf " %-24s", $side{$name}{$_} // '-' for @backends;
	print "\n";
}
# The two targets of the PostgreSQL issue.
if (grep({ $_ eq 'postgres' } @backends) && grep({ $_ eq 'sqlite' } @backends)) {
	my $a8 = $side{'allocate next /24 of the /8, 8 clients'};
	my ($s8) = ($a8->{sqlite} // '0') =~ /([\d.]+)/;
	my ($p8) = ($a8->{postgres} // '0') =~ /([\d.]+)/;
	printf "allocate next /24, 8 clients: PostgreSQL at %.0f%% of SQLite (target >= 50%%)\n",
	    $s8 ? 100 * $p8 / $s8 : 0;
	my ($p99) = ($side{'search ?ip= (1 client)'}{postgres} // '') =~ /p99\s+([\d.]+)/;
	printf "search by IP, %d pools: PostgreSQL p99 %.2f ms (target < 3 ms)\n",
	    $pools, $p99 // 0;
}
