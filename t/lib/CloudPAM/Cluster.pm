package CloudPAM::Cluster;

# CloudPAM::Cluster: what the concurrency and fault tests share.
#
#   for my $backend (CloudPAM::Cluster::backends()) {
#       my $cp = CloudPAM::Cluster::start_on($backend, workers => 4);
#       my @records = CloudPAM::Cluster::clients($cp, 50, sub { ... });
#       CloudPAM::Cluster::check_tree($cp, "$backend: ...");
#   }
#
# - backends(): sqlite, and postgres when a cluster can run here; start_on()
#   starts a CloudPAM::Test on one of them (PostgreSQL: a fresh database in
#   one throwaway cluster per test file, pg()).
# - clients(): forked processes, each with its own HTTP::Tiny that keeps
#   no connection alive, each writing what it was answered to a file of its
#   own, one JSON record a line (so a record survives its client dying);
#   returns every record.
# - IPv4 prefix arithmetic on integer ranges: v4_range, overlapping,
#   tiling, free_blocks_of.
# - check_tree(): every pool of the database is tiled exactly by its
#   children and its free blocks, and its counters match its children.
# - run_concurrency(): scenario of t/api/concurrency.t, also run by
#   t/api/hosts.t across two pools of workers.
#
# And CloudPAM::Cluster->start(pools => 2, database_url => ...): several
# `cloudpam serve` pools (as several hosts would run them: a socket, a
# supervisor and workers each, a log each) on one database behind one
# nginx whose upstream lists every socket.  The object is a CloudPAM::Test
# (request, get, post, sql, key, ...); stop() ends every process it
# started, and so does its end.

use strict;
use warnings;
use CloudPAM::Test;
use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use HTTP::Tiny;
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Test::More;
use Time::HiRes qw(sleep time);

our @ISA = ('CloudPAM::Test');

my $JSON = JSON::PP->new->utf8->canonical;

# --- backends -----------------------------------------------------------------

my $PG;

# The file's PostgreSQL cluster, started on first use.
sub pg {
	require CloudPAM::Pg;
	$PG //= CloudPAM::Pg->start
	    // die 'PostgreSQL: ' . (CloudPAM::Pg->why_not // 'cannot start');
	return $PG;
}

sub pg_available {
	require CloudPAM::Pg;
	return !defined CloudPAM::Pg->why_not;
}

sub backends { return ('sqlite', pg_available() ? ('postgres') : ()) }

# A CloudPAM::Test on backend, its own fresh database.
sub start_on {
	my ($backend, %opt) = @_;
	# These files choose their backend themselves: a wrapper that sets
	# CLOUDPAM_TEST_DATABASE must not turn the SQLite run into another
	# PostgreSQL one.  And their front is nginx, whose answers (502 for a
	# worker that died) they expect.
	local $ENV{CLOUDPAM_TEST_DATABASE};
	local $ENV{CLOUDPAM_TEST_FRONT};
	delete $ENV{CLOUDPAM_TEST_DATABASE};
	delete $ENV{CLOUDPAM_TEST_FRONT};
	$opt{database_url} = pg()->create_database if $backend eq 'postgres';
	return CloudPAM::Test->start(front => 'nginx', %opt);
}

# --- clients --------------------------------------------------------------------

my %CLIENTS;    # pid => 1, for the END below

# Run code in n forked processes at once: code->($client, $i) with i from
# 1 to n; $client->call(METHOD, PATH, BODY, %fields) sends one request and
# records it.  Returns every record, in client order, each a hash:
#   c, n (client and its request number), method, path, status, error
#   (the error code of a JSON answer), body (the decoded answer), t0, t1
#   (when it was sent and answered), and the fields given to call.
# With during => sub, the sub runs in this process while the clients run
# (a fault to inject, a stop file to make).
sub clients {
	my ($cp, $n, $code, %opt) = @_;
	my $dir = tempdir('cloudpam-clients-XXXXXX', TMPDIR => 1, CLEANUP => 1);
	my @pids;
	for my $i (1 .. $n) {
		my $pid = fork // die "fork: $!";
		if ($pid == 0) {
			%CLIENTS = ();
			my $ok = eval {
				my $client = CloudPAM::Cluster::Client->new($cp,
				    "$dir/client-$i.jsonl", $i);
				$code->($client, $i);
				1;
			};
			print STDERR "client $i: $@" unless $ok;
			POSIX::_exit($ok ? 0 : 1);
		}
		$CLIENTS{$pid} = 1;
		push @pids, $pid;
	}
	$opt{during}->() if $opt{during};
	my $failed = 0;
	for my $pid (@pids) {
		waitpid($pid, 0);
		$failed++ if $?;
		delete $CLIENTS{$pid};
	}
	die "$failed of $n clients failed\n" if $failed;
	my @records;
	for my $i (1 .. $n) {
		open my $fh, '<', "$dir/client-$i.jsonl" or next;
		while (my $line = <$fh>) {
			push @records, $JSON->decode($line);
		}
	}
	remove_tree($dir);
	return @records;
}

END {
	# A test that died while its clients ran: stop them (by pid).
	kill 'KILL', keys %CLIENTS if %CLIENTS;
}

# --- IPv4 prefix arithmetic ------------------------------------------------------

# First and last address of an IPv4 prefix as integers.
sub v4_range {
	my ($cidr) = @_;
	my ($a, $b, $c, $d, $len) = $cidr =~ m{^(\d+)\.(\d+)\.(\d+)\.(\d+)/(\d+)$}
	    or die "not an IPv4 prefix: $cidr\n";
	my $first = (($a << 24) | ($b << 16) | ($c << 8) | $d);
	my $size = 2**(32 - $len);
	die "host bits set: $cidr\n" if $first % $size;
	return ($first, $first + $size - 1);
}

sub v4_size { my ($f, $l) = v4_range($_[0]); return $l - $f + 1 }

sub v4_format {
	my ($n, $len) = @_;
	return join('.', ($n >> 24) & 255, ($n >> 16) & 255, ($n >> 8) & 255,
	    $n & 255) . "/$len";
}

# Pairs of prefixes (of a list) that share an address: [a, b] each.
sub overlapping {
	my (@cidrs) = @_;
	my @r = sort { $a->[1] <=> $b->[1] || $b->[2] <=> $a->[2] }
	    map { [ $_, v4_range($_) ] } @cidrs;
	my @pairs;
	my @open;    # earlier ranges that may still reach later ones
	for my $x (@r) {
		@open = grep { $_->[2] >= $x->[1] } @open;
		push @pairs, map { [ $_->[0], $x->[0] ] } @open;
		push @open, $x;
	}
	return @pairs;
}

# '' when parts tile parent exactly (inside it, no overlap, no gap),
# otherwise what is wrong.
sub tiling {
	my ($parent, @parts) = @_;
	my ($pf, $pl) = v4_range($parent);
	my @r = sort { $a->[1] <=> $b->[1] } map { [ $_, v4_range($_) ] } @parts;
	my $next = $pf;
	for my $x (@r) {
		return "$x->[0] is outside $parent" if $x->[1] < $pf || $x->[2] > $pl;
		return "$x->[0] overlaps what comes before it" if $x->[1] < $next;
		return 'a gap before ' . $x->[0] if $x->[1] > $next;
		$next = $x->[2] + 1;
	}
	return "a gap at the end of $parent" if $next != $pl + 1;
	return '';
}

# The /len blocks of parent that share no address with used, in order.
sub free_blocks_of {
	my ($parent, $len, @used) = @_;
	my ($pf, $pl) = v4_range($parent);
	my $size = 2**(32 - $len);
	my @r = sort { $a->[0] <=> $b->[0] } map { [ v4_range($_) ] } @used;
	my @free;
	my $i = 0;
	for (my $b = $pf; $b <= $pl; $b += $size) {
		my $e = $b + $size - 1;
		$i++ while $i < @r && $r[$i][1] < $b;
		my $taken = 0;
		for (my $j = $i; $j < @r && $r[$j][0] <= $e; $j++) {
			$taken = 1, last if $r[$j][1] >= $b;
		}
		push @free, v4_format($b, $len) unless $taken;
	}
	return @free;
}

# --- checks ------------------------------------------------------------------------

# Run SQL on the database of cp (sqlite3 or psql, whichever its URL
# names); the rows as sqlite3 prints them, columns joined by "|".
sub sql {
	my ($cp, $query) = @_;
	return CloudPAM::Test::sql_at($cp->database_url, $query);
}

# Rows of a query as arrays (columns split on "|").
sub rows {
	my ($cp, $q) = @_;
	my $out = sql($cp, $q);
	return map { [ split /\|/, $_, -1 ] } grep { length } split /\n/, $out;
}

# Every pool of the database: its children and its free blocks tile it
# exactly, its children count and used counters match its children; the
# API's utilization of each pool named in ids agrees; the listing of free
# /len blocks of each agrees with the children.
sub check_tree {
	my ($cp, $label, %opt) = @_;
	my %pool = map { $_->[0] => { id => $_->[0], cidr => $_->[1],
	    parent => $_->[2], children => $_->[3], used_top => $_->[4],
	    used_high => $_->[5], used_low => $_->[6], kids => [],
	    free => [] } }
	    rows($cp, q{SELECT id, cidr, coalesce(parent_id, 0), children,
	        used_top, used_high, used_low FROM pools WHERE family = 4});
	for my $p (values %pool) {
		push @{ $pool{ $p->{parent} }{kids} }, $p->{cidr} if $p->{parent};
	}
	for my $f (rows($cp, 'SELECT pool_id, cidr FROM free_blocks')) {
		push @{ $pool{ $f->[0] }{free} }, $f->[1] if $pool{ $f->[0] };
	}
	my @bad;
	for my $p (sort { $a->{id} <=> $b->{id} } values %pool) {
		my $t = tiling($p->{cidr}, @{ $p->{kids} }, @{ $p->{free} });
		push @bad, "pool $p->{id} $p->{cidr}: $t" if $t ne '';
		my $used = 0;
		$used += v4_size($_) for @{ $p->{kids} };
		push @bad, "pool $p->{id} $p->{cidr}: counters $p->{children} "
		    . "children, used $p->{used_top}/$p->{used_high}/$p->{used_low};"
		    . ' its children: ' . scalar(@{ $p->{kids} }) . ", used $used"
		    if $p->{children} != @{ $p->{kids} } || $p->{used_top} != 0
		    || $p->{used_high} != 0 || $p->{used_low} != $used;
	}
	ok(!@bad, "$label: every pool is tiled by its children and free "
	    . 'blocks, and its counters match (' . scalar(keys %pool)
	    . ' pools)') or diag(join "\n", @bad[0 .. ($#bad > 9 ? 9 : $#bad)]);
	for my $id (@{ $opt{ids} // [] }) {
		my $p = $pool{$id} or do { fail("$label: pool $id is there"); next };
		my $used = 0;
		$used += v4_size($_) for @{ $p->{kids} };
		my $total = v4_size($p->{cidr});
		my $got = CloudPAM::Test->json($cp->get("/api/v1/pools/$id")) // {};
		is_deeply([ $got->{children_count}, @{ $got->{utilization} // {} }
		    {qw(used free total)} ], [ scalar @{ $p->{kids} }, "$used",
		    $total - $used . '', "$total" ],
		    "$label: the API's utilization of $p->{cidr} is its children's"
		    . " ($used used)");
		my $len = $opt{len} // 28;
		my $res = $cp->get("/api/v1/pools/$id/blocks?prefix_len=$len"
		    . '&status=free&page_size=10000');
		my $list = CloudPAM::Test->json($res) // {};
		my @want = free_blocks_of($p->{cidr}, $len, @{ $p->{kids} });
		my @got = map { $_->{cidr} } @{ $list->{items} // [] };
		is_deeply([ $list->{total}, \@got ], [ scalar @want, \@want ],
		    "$label: the free /$len listing of $p->{cidr} is what its "
		    . 'children leave (' . scalar(@want) . ' blocks)')
		    or diag("status $res->{status}; listed " . scalar(@got));
	}
	return \%pool;
}

# The pool.* audit events after audit id since: { action => { object_id =>
# count } }, and the other events as "action object_id" strings.
sub audit_since {
	my ($cp, $since) = @_;
	my (%ev, @other);
	for my $r (rows($cp, "SELECT action, object_id FROM audit_events "
	    . "WHERE id > $since ORDER BY id")) {
		if ($r->[0] =~ /^pool\.(allocate|delete)$/) {
			$ev{ $r->[0] }{ $r->[1] }++;
		} else {
			push @other, "$r->[0] $r->[1]";
		}
	}
	return (\%ev, \@other);
}

sub last_audit_id {
	my ($cp) = @_;
	return sql($cp, 'SELECT coalesce(max(id), 0) FROM audit_events') + 0;
}

# A multiset of ids as a sorted list, for is_deeply.
sub id_list { return [ sort { $a <=> $b } @_ ] }

sub counts_list {
	my ($h) = @_;
	return [ map { "$_ x$h->{$_}" } sort { $a <=> $b } keys %{ $h // {} } ];
}

sub summary {
	my (@records) = @_;
	my %s;
	$s{"$_->{method} $_->{status} " . ($_->{error} // '')}++ for @records;
	return join ', ', map { "$_: $s{$_}" } sort keys %s;
}

# --- the concurrency scenario ----------------------------------------------------------
#
# clients processes (50) against one parent (a /16): most ask for the next
# free /24, the others a /26 or a /28 (first fit mostly, some best and
# last fit), and now and then one deletes a pool it got earlier; each goes
# on until it has been told pool_full three times.  Then ten clients fill
# the rest with /28s until it is full, then 25 delete half of the pools
# while asking for blocks of the space coming free.
# Every answer is 201, 409 pool_full, 200 for a delete, or a clean 503
# database_busy; the blocks answered are distinct and never overlap while
# both exist; the database holds exactly the successes minus the deletes,
# its free space and counters agree, and the audit log has one event per
# change and none for a failure.
sub run_concurrency {
	my ($cp, %o) = @_;
	my $label = $o{label};
	my $nclients = $o{clients} // 50;
	my $cidr = $o{cidr} // '10.50.0.0/16';
	my $res = $cp->post('/api/v1/pools', json => { name => "conc-$label",
	    cidr => $cidr });
	is($res->{status}, 201, "$label: a parent $cidr") or diag($res->{content});
	my $parent = CloudPAM::Test->json($res)->{id};
	my $since = last_audit_id($cp);
	my $t0 = time;
	my @rec = clients($cp, $nclients, sub {
		my ($c, $i) = @_;
		srand(1000 + $i);
		my (@mine, $full, $deletes);
		$full = $deletes = 0;
		for my $n (1 .. 40) {
			my $r = rand;
			if (@mine && $deletes < 2 && $r < 0.10) {
				my $k = int rand @mine;
				my $id = $mine[$k];
				my $x = $c->call('DELETE', "/api/v1/pools/$id", undef,
				    op => 'delete', target => $id);
				if ($x->{status} == 200) {
					splice @mine, $k, 1;
					$deletes++;
				}
				next;
			}
			my $len = $r < 0.72 ? 24 : $r < 0.88 ? 26 : 28;
			my $how = (qw(first_fit first_fit best_fit last_fit))[ $n % 4 ];
			my $x = $c->call('POST', "/api/v1/pools/$parent/allocate",
			    { name => "c$i-$n", prefix_len => $len, strategy => $how },
			    op => 'alloc', len => $len, name => "c$i-$n");
			push @mine, $x->{body}{id} if $x->{status} == 201;
			last if ($x->{error} // '') eq 'pool_full' && ++$full >= 3;
		}
	});
	my $t1 = time;
	push @rec, clients($cp, 10, sub {
		my ($c, $i) = @_;
		for my $n (1 .. 1000) {
			my $x = $c->call('POST', "/api/v1/pools/$parent/allocate",
			    { name => "fill$i-$n", prefix_len => 28 },
			    op => 'alloc', len => 28, name => "fill$i-$n");
			last if $x->{status} != 201 && $x->{status} != 503;
		}
	});
	my $p = CloudPAM::Test->json($cp->get("/api/v1/pools/$parent")) // {};
	is($p->{utilization}{free}, '0', "$label: the parent is full");
	# Then half of the pools are deleted by 25 clients at once, while
	# they also ask for blocks of the space coming free.
	my $t2 = time;
	my @live = map { $_->[0] } rows($cp, 'SELECT id FROM pools '
	    . "WHERE parent_id = $parent ORDER BY id");
	push @rec, clients($cp, 25, sub {
		my ($c, $i) = @_;
		srand(2000 + $i);
		my @mine = grep { $_ % 50 == $i - 1 || $_ % 50 == $i + 24 }
		    @live;
		for my $k (0 .. $#mine) {
			my $id = $mine[$k];
			$c->call('DELETE', "/api/v1/pools/$id", undef,
			    op => 'delete', target => $id) if $k % 2 == 0;
			next unless rand() < 0.4;
			my $len = (24, 26, 28)[ int rand 3 ];
			$c->call('POST', "/api/v1/pools/$parent/allocate",
			    { name => "again$i-$k", prefix_len => $len },
			    op => 'alloc', len => $len, name => "again$i-$k");
		}
	});
	note(sprintf '%s: %d requests; %.1f s with %d clients, filling in '
	    . '%.1f s, deleting in %.1f s: %s', $label, scalar @rec, $t1 - $t0,
	    $nclients, $t2 - $t1, time - $t2, summary(@rec));
	check_concurrency($cp, $label, $parent, $since, \@rec);
	return ($parent, \@rec);
}

sub check_concurrency {
	my ($cp, $label, $parent, $since, $rec) = @_;
	my @rec = @$rec;
	my @odd = grep {
		my $s = "$_->{status} " . ($_->{error} // '');
		!($_->{op} eq 'alloc' && $s =~ /^(201 |409 pool_full|503 database_busy)$/
		    || $_->{op} eq 'delete' && ($s eq '200 ' && $_->{body}{deleted}
		        && $_->{body}{deleted} == 1 || $s eq '503 database_busy'))
	} @rec;
	ok(!@odd, "$label: every answer is 201, 200 for a delete, 409 "
	    . 'pool_full or 503 database_busy (' . scalar(@rec) . ' requests)')
	    or diag(join "\n", map { "$_->{method} $_->{path}: $_->{status} "
	        . substr($_->{raw} // '', 0, 300) } @odd[0 .. ($#odd > 9 ? 9 : $#odd)]);
	my @won = grep { $_->{op} eq 'alloc' && $_->{status} == 201 } @rec;
	my @gone = grep { $_->{op} eq 'delete' && $_->{status} == 200 } @rec;
	my %won = map { $_->{body}{id} => $_ } @won;
	is(scalar keys %won, scalar @won, "$label: every 201 is another pool ("
	    . scalar(@won) . ')');
	ok(!(grep { ($_->{body}{cidr} // '') !~ m{/\Q$_->{len}\E$} } @won),
	    "$label: every block has the length asked for");
	cmp_ok(scalar(grep { $_->{status} == 409 } @rec), '>', 0,
	    "$label: the parent did get full");
	# Two answered blocks may share space only when one of them was
	# deleted before the other was answered.
	my %deleted = map { $_->{target} => $_ } @gone;
	my %by_cidr;
	push @{ $by_cidr{ $_->{body}{cidr} } }, $_ for @won;
	my @clash;
	for my $pair (overlapping(map { $_->{body}{cidr} } @won)) {
		# A pair of prefixes; each may have been answered more than once.
		for my $x (@{ $by_cidr{ $pair->[0] } }) {
			for my $y (@{ $by_cidr{ $pair->[1] } }) {
				next if $x == $y;
				my ($dx, $dy) = map { $deleted{ $_->{body}{id} } } $x, $y;
				next if $dx && $dx->{t0} < $y->{t1};
				next if $dy && $dy->{t0} < $x->{t1};
				push @clash, "$x->{body}{cidr} (pool $x->{body}{id}) and "
				    . "$y->{body}{cidr} (pool $y->{body}{id})";
			}
		}
	}
	ok(!@clash, "$label: no two blocks answered overlap while both exist")
	    or diag(join "\n", @clash[0 .. ($#clash > 9 ? 9 : $#clash)]);

	my @rows = rows($cp, "SELECT id, name, cidr FROM pools "
	    . "WHERE parent_id = $parent");
	my %rows = map { $_->[0] => $_ } @rows;
	my @want = grep { !$deleted{$_} } keys %won;
	is_deeply(id_list(keys %rows), id_list(@want),
	    "$label: the pools under the parent are the successes minus the "
	    . 'deletes (' . scalar(@rows) . ')');
	my @mismatch = grep { $rows{$_}
	    && ($rows{$_}[1] ne $won{$_}{name}
	        || $rows{$_}[2] ne $won{$_}{body}{cidr}) } @want;
	ok(!@mismatch, "$label: each with the name and block answered")
	    or diag(join "\n", map { "pool $_: @{ $rows{$_} }" } @mismatch);
	ok(!overlapping(map { $_->[2] } @rows),
	    "$label: the pools in the database do not overlap");

	my ($ev, $other) = audit_since($cp, $since);
	is_deeply(counts_list($ev->{'pool.allocate'}),
	    counts_list({ map { $_ => 1 } keys %won }),
	    "$label: one pool.allocate event per 201, none for a failure");
	is_deeply(counts_list($ev->{'pool.delete'}),
	    counts_list({ map { $_ => 1 } keys %deleted }),
	    "$label: one pool.delete event per delete ("
	    . scalar(keys %deleted) . ')');
	is_deeply($other, [], "$label: and no other event");
	check_tree($cp, $label, ids => [$parent]);
}

# --- a stream of allocations under a fault ------------------------------------------------

# n clients allocating /len blocks from parent as fast as they can until
# the file stop exists (or max requests each); names "$tag-CLIENT-N".
sub stream {
	my ($cp, $n, $parent, $stop, %opt) = @_;
	my $len = $opt{len} // 28;
	my $tag = $opt{tag} // 's';
	return clients($cp, $n, sub {
		my ($c, $i) = @_;
		for my $k (1 .. ($opt{max} // 2000)) {
			last if -e $stop;
			my $r = $c->call('POST', "/api/v1/pools/$parent/allocate",
			    { name => "$tag-$i-$k", prefix_len => $len },
			    op => 'alloc', len => $len, name => "$tag-$i-$k");
			last if ($r->{error} // '') eq 'pool_full';
		}
	}, during => $opt{during});
}

# Wait until parent has at least n children (the stream is flowing).
sub wait_children {
	my ($cp, $parent, $n, $timeout) = @_;
	my $deadline = time + ($timeout // 15);
	while (time < $deadline) {
		return 1 if sql($cp, "SELECT count(*) FROM pools "
		    . "WHERE parent_id = $parent") >= $n;
		sleep 0.05;
	}
	die "the stream did not make $n pools in time\n";
}

# Whether the answer of a record was lost on the way: no HTTP answer
# (HTTP::Tiny's 599) or nginx's 502 for a worker that died.
sub lost { $_[0]{status} == 599 || $_[0]{status} == 502 }

# After a stream of allocations under a fault: every 201 is in the
# database with its audit event; every pool in the database was answered
# 201 or belongs to a request whose answer was lost (allowed only with
# lost_ok); no 503 left a pool behind; pools and pool.allocate events
# match one to one; no block is handed out twice; every pool is whole.
sub check_stream {
	my ($cp, $label, $parent, $since, $rec, %opt) = @_;
	my @rec = grep { ($_->{op} // '') eq 'alloc' } @$rec;
	my %by_name = map { $_->{name} => $_ } @rec;
	my @won = grep { $_->{status} == 201 } @rec;
	my %rows = map { $_->[0] => { id => $_->[0], name => $_->[1],
	    cidr => $_->[2] } } rows($cp, 'SELECT id, name, cidr FROM pools '
	    . "WHERE parent_id = $parent");
	my @missing = grep { !$rows{ $_->{body}{id} }
	    || $rows{ $_->{body}{id} }{name} ne $_->{name}
	    || $rows{ $_->{body}{id} }{cidr} ne $_->{body}{cidr} } @won;
	ok(!@missing, "$label: every 201 is in the database as answered ("
	    . scalar(@won) . ')') or diag(join "\n",
	    map { "$_->{name}: pool $_->{body}{id} $_->{body}{cidr}" } @missing);
	my (@unasked, @kept_lost, @after_failure);
	for my $row (values %rows) {
		my $r = $by_name{ $row->{name} };
		if (!$r) {
			push @unasked, "pool $row->{id} $row->{name}";
		} elsif ($r->{status} == 201) {
			push @unasked, "pool $row->{id} $row->{name}: answered as "
			    . "pool $r->{body}{id}" if $r->{body}{id} != $row->{id};
		} elsif (lost($r)) {
			push @kept_lost, $row->{name};
		} else {
			push @after_failure, "pool $row->{id} $row->{name} $row->{cidr}"
			    . " was answered $r->{status} " . ($r->{error} // '');
		}
	}
	ok(!@unasked, "$label: every pool in the database was asked for once")
	    or diag(join "\n", @unasked);
	ok(!@after_failure, "$label: no request answered with an error left "
	    . 'a pool behind') or diag(join "\n", @after_failure);
	if ($opt{lost_ok}) {
		note("$label: pools whose 201 was lost on the way: "
		    . (@kept_lost ? join(' ', sort @kept_lost) : 'none'));
	} else {
		ok(!@kept_lost, "$label: no answer was lost")
		    or diag(join "\n", @kept_lost);
	}
	my ($ev, $other) = audit_since($cp, $since);
	is_deeply(counts_list($ev->{'pool.allocate'}),
	    counts_list({ map { $_ => 1 } keys %rows }),
	    "$label: pools and pool.allocate events match one to one ("
	    . scalar(keys %rows) . ')');
	is_deeply([ $ev->{'pool.delete'} // {}, $other ], [ {}, [] ],
	    "$label: and there is no other event");
	my @twice = overlapping(map { $_->{cidr} } values %rows);
	ok(!@twice, "$label: no block is handed out twice")
	    or diag(join "\n", map { "@$_" } @twice);
	check_tree($cp, $label, ids => [$parent]);
}

# --- several pools of workers behind one nginx ----------------------------------------

sub start {
	my ($class, %opt) = @_;
	my $self = bless { workers => $opt{workers} // 2, owner => $$,
	    npools => $opt{pools} // 2, pools => [] }, $class;
	$self->{dir} = tempdir('cloudpam-cluster-XXXXXX', TMPDIR => 1,
	    CLEANUP => 0);
	chmod 0755, $self->{dir};
	mkdir "$self->{dir}/log";
	$self->{db} = "$self->{dir}/cloudpam.db";
	$self->{database_url} = $opt{database_url} // "sqlite:$self->{db}";
	$self->{port} = CloudPAM::Test::free_port();
	$self->{url} = "http://127.0.0.1:$self->{port}";
	my ($rc, $out) = CloudPAM::Test::run_quiet($CloudPAM::Test::BIN,
	    'migrate', 'up', '--database-url', $self->{database_url});
	die "migrate failed: $out" if $rc;
	$self->setup_admin;
	for my $i (0 .. $self->{npools} - 1) {
		my $name = chr(ord('a') + $i);
		push @{ $self->{pools} }, { name => $name,
		    sock => "$self->{dir}/$name.sock",
		    log => "$self->{dir}/log/$name.log" };
		$self->start_one($i);
	}
	$self->start_nginx;
	$self->wait_ready;
	return $self;
}

sub start_one {
	my ($self, $i) = @_;
	my $p = $self->{pools}[$i];
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		open STDOUT, '>>', "$self->{dir}/log/$p->{name}.out";
		open STDERR, '>&', \*STDOUT;
		exec $CloudPAM::Test::BIN, 'serve', '--listen', "unix:$p->{sock}",
		    '--workers', $self->{workers}, '--socket-mode', '0666',
		    '--database-url', $self->{database_url},
		    '--template-dir', "$CloudPAM::Test::TOP/templates",
		    '--static-dir', "$CloudPAM::Test::TOP/static",
		    '--log-file', $p->{log} or die "exec: $!";
	}
	$p->{pid} = $pid;
	my $deadline = time + 20;
	until (-S $p->{sock}) {
		die "pool $p->{name} did not listen:\n" . $self->log_tail
		    if time > $deadline || waitpid($pid, WNOHANG) > 0;
		sleep 0.02;
	}
}

# One nginx, its upstream every pool's socket (round robin; a pool that
# cannot be reached is taken out for a while, nginx's defaults).
sub start_nginx {
	my ($self) = @_;
	my $user = $> == 0 ? 'nobody nogroup' : scalar getpwuid($>);
	my @socks = map { "unix:$_->{sock}" } @{ $self->{pools} };
	system('sh', "$CloudPAM::Test::TOP/t/tools/nginx-conf.sh", $self->{dir},
	    "127.0.0.1:$self->{port}", $socks[0], "$CloudPAM::Test::TOP/static",
	    $user) == 0 or die "nginx-conf failed";
	my $conf = "$self->{dir}/nginx.conf";
	open my $in, '<', $conf or die "$conf: $!";
	my $text = do { local $/; <$in> };
	close $in;
	my $servers = join "\n\t\t", map { "server $_;" } @socks;
	$text =~ s/server \Q$socks[0]\E;/$servers/
	    or die "no upstream server line in $conf";
	open my $outf, '>', $conf or die "$conf: $!";
	print $outf $text;
	close $outf;
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		open STDOUT, '>>', "$self->{dir}/log/nginx.out";
		open STDERR, '>&', \*STDOUT;
		exec 'nginx', '-c', $conf, '-p', $self->{dir},
		    '-e', "$self->{dir}/log/nginx-error.log" or die "exec: $!";
	}
	$self->{nginx_pid} = $pid;
}

sub wait_ready {
	my ($self) = @_;
	my $deadline = time + 20;
	my $http = HTTP::Tiny->new(timeout => 2);
	while (time < $deadline) {
		return 1 if $http->get("$self->{url}/healthz")->{status} == 200;
		sleep 0.05;
	}
	die "the cluster did not become ready:\n" . $self->log_tail;
}

sub pools { @{ $_[0]{pools} } }

# The worker pids of pool i.
sub worker_pids {
	my ($self, $i) = @_;
	local $self->{pool_pid} = $self->{pools}[$i // 0]{pid};
	return CloudPAM::Test::worker_pids($self);
}

# The requests pool i logged: { method, path, status, pid, ... } each.
sub served {
	my ($self, $i) = @_;
	open my $fh, '<', $self->{pools}[$i]{log} or return ();
	my @r;
	while (my $line = <$fh>) {
		my $r = eval { JSON::PP->new->decode($line) } or next;
		push @r, $r if ($r->{msg} // '') eq 'request';
	}
	return @r;
}

# Stop pool i as its host would (SIGTERM), waiting until it is gone.
sub stop_pool {
	my ($self, $i) = @_;
	my $p = $self->{pools}[$i];
	return unless $p->{pid};
	kill 'TERM', $p->{pid};
	my $rc = $self->reap($p->{pid}, 40);
	$p->{pid} = 0;
	return $rc;
}

sub log_tail {
	my ($self) = @_;
	my $text = '';
	for my $f ((map { ("$self->{dir}/log/$_->{name}.out", $_->{log}) }
	    @{ $self->{pools} }), "$self->{dir}/log/nginx-error.log") {
		next unless -f $f;
		open my $fh, '<', $f or next;
		my @lines = <$fh>;
		splice @lines, 0, @lines - 20 if @lines > 20;
		$text .= "== $f\n" . join('', @lines);
	}
	return $text;
}

sub stop {
	my ($self) = @_;
	return if $self->{stopped}++ || $self->{owner} != $$;
	local $?;    # run from DESTROY after END too: keep the exit status
	if ($self->{nginx_pid}) {
		kill 'QUIT', $self->{nginx_pid};
		$self->reap($self->{nginx_pid}, 10);
	}
	kill 'TERM', $_->{pid} for grep { $_->{pid} } @{ $self->{pools} };
	for my $p (grep { $_->{pid} } @{ $self->{pools} }) {
		$self->reap($p->{pid}, 40);
		$p->{pid} = 0;
	}
	remove_tree($self->{dir}) unless $ENV{CLOUDPAM_KEEP};
}

sub DESTROY { $_[0]->stop if ($_[0]{owner} // 0) == $$ }

# --- one client of clients() ----------------------------------------------------------------

package CloudPAM::Cluster::Client;

use Time::HiRes qw(time);

sub new {
	my ($class, $cp, $file, $i) = @_;
	open my $fh, '>', $file or die "$file: $!";
	$fh->autoflush(1);
	return bless { cp => $cp, fh => $fh, c => $i, n => 0,
	    http => HTTP::Tiny->new(keep_alive => 0, timeout => 30,
	        max_redirect => 0, agent => "cloudpam-client-$i",
	        default_headers => { Authorization => 'Bearer ' . $cp->key }) },
	    $class;
}

# Send one request and record it; returns the record.
sub call {
	my ($self, $method, $path, $body, %fields) = @_;
	my %args;
	if (defined $body) {
		$args{content} = JSON::PP->new->utf8->canonical->encode($body);
		$args{headers} = { 'Content-Type' => 'application/json' };
	}
	my $t0 = time;
	my $res = $self->{http}->request($method, $self->{cp}->url($path), \%args);
	my $t1 = time;
	my $decoded = eval { JSON::PP->new->utf8->decode($res->{content}) };
	my $r = { %fields, c => $self->{c}, n => ++$self->{n}, method => $method,
	    path => $path, status => $res->{status}, t0 => $t0, t1 => $t1,
	    body => ref $decoded eq 'HASH' ? $decoded : {},
	    error => ref $decoded eq 'HASH' ? $decoded->{error} : undef };
	$r->{raw} = substr($res->{content} // '', 0, 500)
	    if $res->{status} >= 300;
	print { $self->{fh} } JSON::PP->new->utf8->canonical->encode($r), "\n";
	return $r;
}

1;
