# CloudPAM on PostgreSQL: a throwaway PostgreSQL 15 cluster (CloudPAM::Pg),
# `cloudpam migrate up` against it, then the real nginx and worker pool on
# it: VRFs, accounts, pools, allocation, search, users and keys through the
# API, answered as on SQLite (same JSON, same time strings, same errors).
# Then what only a server database can get wrong: the schema's own types
# and append-only audit triggers, two workers allocating from one pool at
# once, one Idempotency-Key sent by several clients at once, and the
# server restarting under a running pool.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Pg;
use CloudPAM::Test;
use HTTP::Tiny;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(sleep time);

plan skip_all => CloudPAM::Pg->why_not if defined CloudPAM::Pg->why_not;

my $BIN = $CloudPAM::Test::BIN;
my $pg = CloudPAM::Pg->start;
my $url = $pg->create_database;
my ($db) = $url =~ m{/([^/]+)$};
my $J = 'CloudPAM::Test';
my $TIME = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
my $TIME_MS = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

sub sql { return $pg->psql($_[0], $db) }

sub cloudpam {
	my (@args) = @_;
	my $cmd = join ' ', map { quotemeta } $BIN, @args;
	my $out = `$cmd 2>&1`;
	return ($? >> 8, $out);
}

# --- migrations --------------------------------------------------------------

my ($rc, $out) = cloudpam('migrate', 'up', '--database-url', $url);
is($rc, 0, 'migrate up on an empty PostgreSQL database') or diag($out);
like($out, qr/applied 5 migrations/, 'applies the five migrations');
unlike($out, qr/NOTICE/, 'the server says nothing on stderr');
($rc, $out) = cloudpam('migrate', 'up', '--database-url', $url);
is($rc, 0, 'migrate up again');
like($out, qr/applied 0 migrations/, 'applies nothing the second time');
($rc, $out) = cloudpam('migrate', 'status', '--database-url', $url);
is($rc, 0, 'migrate status: current');
like($out, qr/^backend postgres: schema version 5, this binary knows 5$/m,
    'status names the backend and the version');
like($out, qr/^  0003 ipam\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m,
    'status shows when each migration was applied');
is(sql('SELECT string_agg(version || name, \',\' ORDER BY version) '
    . 'FROM schema_migrations'),
    '1init,2special_ranges,3ipam,4identity,5ids', 'the versions recorded');
($rc, $out) = cloudpam('migrate', 'up', '--database-url',
    $pg->url('no_such_db'));
isnt($rc, 0, 'a database that is not there: migrate fails');
like($out, qr/cannot connect to the database/, 'and says why');

is(sql(q{SELECT format_type(atttypid, atttypmod) FROM pg_attribute
    WHERE attrelid = 'pools'::regclass AND attname = 'net'}), 'cidr',
    'pools.net is a cidr');
is(sql(q{SELECT count(*) FROM pg_indexes WHERE indexdef LIKE
    '%USING gist (net inet_ops)%'}), 2,
    'pools and special ranges have a GiST index on net');
is(sql(q{SELECT count(*) FROM special_ranges}), 53,
    'the special-purpose ranges are seeded');
is(sql(q{SELECT string_agg(cidr, ',' ORDER BY prefix_len DESC) FROM
    special_ranges WHERE net >>= '192.88.99.2'}),
    '192.88.99.2/32,192.88.99.0/24',
    'net answers containment: the entries holding an address');
is(sql(q{SELECT id || name FROM vrfs}), '1default', 'the default VRF is 1');

# --- a server on it ------------------------------------------------------------

my $cp = CloudPAM::Test->start(database_url => $url, workers => 4);
our $KEY = $cp->key;

sub call {
	my ($method, $path, %opt) = @_;
	return $cp->request($method, $path, %opt);
}

sub ok_json {
	my ($name, $res, $status) = @_;
	is($res->{status}, $status, "$name: $status")
	    or diag($res->{content});
	return $J->json($res) // {};
}

sub refused {
	my ($name, $res, $status, $code) = @_;
	my $body = $J->json($res) // {};
	is_deeply([ $res->{status}, $body->{error} ], [ $status, $code ],
	    "$name: $status $code") or diag($res->{content});
	return $body;
}

my $ready = ok_json('/readyz', $cp->get('/readyz'), 200);
is($ready->{database}, 'postgres', '/readyz names the backend');

# One connection per worker and none for the supervisor (it holds one only
# on SQLite, to checkpoint): docs/scale.md counts on it.
my $connections = sub {
	return sql("SELECT count(*) FROM pg_stat_activity WHERE datname = "
	    . "'$db' AND application_name = 'cloudpam'");
};
my $t_conn = time + 10;
sleep 0.1 while $connections->() != 4 && time < $t_conn;
is($connections->(), 4, 'four workers: four connections');

# --- VRFs ----------------------------------------------------------------------

my $blue = ok_json('create a VRF',
    call('POST', '/api/v1/vrfs', json => { name => 'blue', rd => '65000:1' }),
    201);
is($blue->{name}, 'blue', 'named');
like($blue->{created_at}, $TIME, 'created_at as on SQLite: ' .
    ($blue->{created_at} // 'undef'));
refused('the same name in other case', call('POST', '/api/v1/vrfs',
    json => { name => 'BLUE' }), 409, 'conflict');
my $green = ok_json('another VRF',
    call('POST', '/api/v1/vrfs', json => { name => 'green' }), 201);
refused('rename onto a taken name', call('PATCH',
    "/api/v1/vrfs/$green->{id}", json => { name => 'Blue' }), 409,
    'conflict');
my $teal = ok_json('rename', call('PATCH', "/api/v1/vrfs/$green->{id}",
    json => { name => 'teal' }), 200);
is($teal->{name}, 'teal', 'renamed');
my $vrfs = ok_json('list VRFs', $cp->get('/api/v1/vrfs'), 200);
is_deeply([ map { $_->{name} } @{ $vrfs->{items} } ],
    [ 'default', 'blue', 'teal' ], 'in id order');
is($vrfs->{total}, 3, 'total');
is_deeply(ok_json('delete a VRF', call('DELETE', "/api/v1/vrfs/$teal->{id}"),
    200), { deleted => 1 }, 'deleted');

# --- accounts --------------------------------------------------------------------

my $acct = ok_json('create an account', call('POST', '/api/v1/accounts',
    json => { provider => 'aws', external_key => 'aws:123456789012',
        name => 'Network-Prod', tier => 'prd', tags => { team => 'net' } }),
    201);
ok_json('another', call('POST', '/api/v1/accounts', json => {
    provider => 'gcp', external_key => 'gcp:my-project', name => 'analytics' }),
    201);
refused('the same provider and key', call('POST', '/api/v1/accounts',
    json => { provider => 'aws', external_key => 'aws:123456789012',
        name => 'again' }), 409, 'conflict');
my $found = ok_json('search accounts ignoring case',
    $cp->get('/api/v1/accounts?q=network'), 200);
is_deeply([ map { $_->{name} } @{ $found->{items} } ], ['Network-Prod'],
    'q matches without regard to case, as on SQLite');
my $all = ok_json('list accounts', $cp->get('/api/v1/accounts'), 200);
is_deeply([ map { $_->{name} } @{ $all->{items} } ],
    [ 'analytics', 'Network-Prod' ], 'ordered by name, ignoring case');
is_deeply($acct->{tags}, { team => 'net' }, 'tags read back');
$found = ok_json('a LIKE wildcard is literal',
    $cp->get('/api/v1/accounts?q=%25'), 200);
is($found->{total}, 0, '"%" matches no name');

# --- pools -----------------------------------------------------------------------

my $corp = ok_json('create a top-level pool', call('POST', '/api/v1/pools',
    json => { name => 'corp', cidr => '10.0.0.0/8', tags => { env => 'prod' } }),
    201);
like($corp->{created_at}, $TIME, 'created_at as on SQLite');
refused('an overlapping top-level pool', call('POST', '/api/v1/pools',
    json => { name => 'x', cidr => '10.128.0.0/9' }), 409, 'overlap');
ok_json('the same space in another VRF', call('POST', '/api/v1/pools',
    json => { name => 'blue-corp', cidr => '10.0.0.0/8',
        vrf_id => $blue->{id} }), 201);
refused('special-purpose space', call('POST', '/api/v1/pools',
    json => { name => 'doc', cidr => '192.0.2.0/24' }), 400, 'special_range');
my $dc1 = ok_json('a child', call('POST', '/api/v1/pools', json => {
    name => 'dc1', cidr => '10.1.0.0/16', parent_id => $corp->{id},
    account_id => $acct->{id}, type => 'region' }), 201);
is($dc1->{account_name}, 'Network-Prod', 'the account is joined');
refused('an overlapping sibling', call('POST', '/api/v1/pools', json => {
    name => 'x', cidr => '10.1.128.0/17', parent_id => $corp->{id} }), 409,
    'overlap');
my $v6 = ok_json('an IPv6 pool', call('POST', '/api/v1/pools',
    json => { name => 'v6', cidr => '2600:1F18::/32' }), 201);
is($v6->{cidr}, '2600:1f18::/32', 'stored canonical');

my $got = ok_json('get', $cp->get("/api/v1/pools/$corp->{id}"), 200);
is($got->{children_count}, 1, 'the parent counts its child');
is($got->{utilization}{used}, '65536', 'and the addresses it holds');
my $list = ok_json('children', $cp->get("/api/v1/pools?parent_id=$corp->{id}"),
    200);
is_deeply([ map { $_->{cidr} } @{ $list->{items} } ], ['10.1.0.0/16'],
    'parent_id filter');
$list = ok_json('by tag', $cp->get('/api/v1/pools?tag=env:prod'), 200);
is_deeply([ map { $_->{name} } @{ $list->{items} } ], ['corp'], 'tag filter');
$list = ok_json('q ignoring case', $cp->get('/api/v1/pools?q=DC'), 200);
is_deeply([ map { $_->{name} } @{ $list->{items} } ], ['dc1'], 'q filter');
$list = ok_json('top level, paged',
    $cp->get('/api/v1/pools?parent_id=0&page_size=2'), 200);
is($list->{total}, 3, 'three top-level pools');
is(scalar @{ $list->{items} }, 2, 'a page of two');
my $patched = ok_json('PATCH', call('PATCH', "/api/v1/pools/$dc1->{id}",
    json => { description => 'first data centre', status => 'deprecated' }),
    200);
is_deeply([ $patched->{description}, $patched->{status} ],
    [ 'first data centre', 'deprecated' ], 'changed');

# --- allocation ---------------------------------------------------------------------

sub alloc {
	my ($id, $body, %headers) = @_;
	return call('POST', "/api/v1/pools/$id/allocate", json => $body,
	    headers => \%headers);
}

my $a1 = ok_json('allocate first fit', alloc($dc1->{id},
    { prefix_len => 24, name => 'a1' }), 201);
is($a1->{cidr}, '10.1.0.0/24', 'the lowest /24');
my $a2 = ok_json('allocate last fit', alloc($dc1->{id},
    { prefix_len => 24, name => 'a2', strategy => 'last_fit' }), 201);
is($a2->{cidr}, '10.1.255.0/24', 'the highest /24');
my $a3 = ok_json('allocate best fit', alloc($dc1->{id},
    { prefix_len => 25, name => 'a3', strategy => 'best_fit' }), 201);
is($a3->{cidr}, '10.1.1.0/25', 'in the smallest free block that fits');
my $before = sql('SELECT count(*) FROM pools');
is_deeply(ok_json('dry run', alloc($dc1->{id},
    { prefix_len => 24, dry_run => JSON::PP::true }), 200),
    { dry_run => JSON::PP::true, cidr => '10.1.2.0/24',
        parent_id => $dc1->{id}, strategy => 'first_fit' },
    'a dry run answers the block');
is(sql('SELECT count(*) FROM pools'), $before, 'and makes nothing');
my $k1 = ok_json('with an Idempotency-Key', alloc($dc1->{id},
    { prefix_len => 24, name => 'k1' }, 'Idempotency-Key' => 'pg-key-1'), 201);
my $again = alloc($dc1->{id}, { prefix_len => 24, name => 'k1' },
    'Idempotency-Key' => 'pg-key-1');
is($again->{status}, 201, 'a retry answers the first status');
is_deeply($J->json($again), $k1, 'and the first body');
is($again->{headers}{'idempotent-replayed'}, 'true', 'marked as a replay');
is(sql('SELECT count(*) FROM pools'), $before + 1, 'one pool made');
refused('the key with another body', alloc($dc1->{id},
    { prefix_len => 24, name => 'other' }, 'Idempotency-Key' => 'pg-key-1'),
    422, 'idempotency_conflict');
my $small = ok_json('a small pool', call('POST', '/api/v1/pools', json => {
    name => 'small', cidr => '10.2.0.0/30', parent_id => $corp->{id} }), 201);
ok_json('take half', alloc($small->{id}, { prefix_len => 31, name => 'h' }),
    201);
ok_json('and the other half', alloc($small->{id},
    { prefix_len => 31, name => 'h2' }), 201);
my $full = refused('full', alloc($small->{id}, { prefix_len => 31,
    name => 'h3' }), 409, 'pool_full');
like($full->{message}, qr/fully used/, 'pool full says so');

# --- search ------------------------------------------------------------------------

my $s = ok_json('search an address', $cp->get('/api/v1/search?ip=10.1.0.7'),
    200);
is_deeply([ map { $_->{cidr} } @{ $s->{items} } ],
    [ '10.1.0.0/24', '10.1.0.0/16', '10.0.0.0/8', '10.0.0.0/8' ],
    'every containing pool, innermost first, in every VRF');
$s = ok_json('search in one VRF',
    $cp->get("/api/v1/search?ip=10.1.0.7&vrf_id=$blue->{id}"), 200);
is_deeply([ map { $_->{name} } @{ $s->{items} } ], ['blue-corp'],
    'vrf_id narrows');
$s = ok_json('search IPv6', $cp->get('/api/v1/search?ip=2600:1f18::1'), 200);
is_deeply([ map { $_->{cidr} } @{ $s->{items} } ], ['2600:1f18::/32'],
    'IPv6 too');
$s = ok_json('search within',
    $cp->get('/api/v1/search?cidr_within=10.1.0.0/16'), 200);
ok(scalar @{ $s->{items} } >= 4, 'pools within a prefix');

# --- deleting ---------------------------------------------------------------------

refused('a pool with children', call('DELETE', "/api/v1/pools/$dc1->{id}"),
    409, 'has_children');
is_deeply(ok_json('delete with cascade',
    call('DELETE', "/api/v1/pools/$dc1->{id}?cascade=true"), 200),
    { deleted => 5 }, 'the pool and its four children');
is(sql("SELECT count(*) FROM pools WHERE id = $a1->{id}"), 0,
    'the children went too');
is(sql("SELECT string_agg(cidr, ',' ORDER BY first_key) FROM free_blocks "
    . "WHERE pool_id = $corp->{id} AND prefix_len <= 15"),
    '10.0.0.0/15,10.4.0.0/14,10.8.0.0/13,10.16.0.0/12,10.32.0.0/11,'
    . '10.64.0.0/10,10.128.0.0/9',
    'the space went back to the parent, merged with its buddy');

# --- users and keys ---------------------------------------------------------------

my $bob = ok_json('create a user', call('POST', '/api/v1/users',
    json => { username => 'bob', role => 'operator',
        password => 'bob-password-1234' }), 201);
is($bob->{last_login_at}, undef, 'never signed in');
refused('the same username', call('POST', '/api/v1/users', json => {
    username => 'bob', role => 'viewer', password => 'x-password-1234' }), 409,
    'conflict');
my $key = ok_json('a key for bob', call('POST', '/api/v1/keys', json => {
    name => 'ci', scope => 'write', user_id => $bob->{id} }), 201);
my $me = ok_json("bob's key works", call('GET', '/api/v1/me',
    key => $key->{token}), 200);
is($me->{username} // $me->{user}{username}, 'bob', 'as bob');
my $session = $cp->login('bob', 'bob-password-1234');
ok($session, 'bob signs in with his password');
my $u = ok_json('get bob', $cp->get("/api/v1/users/$bob->{id}"), 200);
like($u->{last_login_at} // '', $TIME, 'last_login_at as on SQLite');
my $cli_key = $cp->make_key('bob', 'read');
is(call('GET', '/api/v1/pools', key => $cli_key)->{status}, 200,
    'a key made by the CLI on PostgreSQL works');
ok(ok_json('revoke the key', call('DELETE', "/api/v1/keys/$key->{id}"),
    200)->{revoked}, 'revoked');
is(call('GET', '/api/v1/me', key => $key->{token})->{status}, 401,
    'a revoked key is refused');
my $users = ok_json('list users', $cp->get('/api/v1/users'), 200);
is_deeply([ map { $_->{username} } @{ $users->{items} } ], [ 'admin', 'bob' ],
    'users by name');
my $admin = $users->{items}[0];
refused('demote the last admin', call('PATCH', "/api/v1/users/$admin->{id}",
    json => { role => 'viewer' }), 409, 'last_admin');

# --- the audit log ------------------------------------------------------------------

my $audit = ok_json('the audit log', $cp->get('/api/v1/audit?page_size=5'),
    200);
like($audit->{items}[0]{at}, $TIME_MS, 'at has milliseconds, as on SQLite');
my $since = $audit->{items}[-1]{at};
my $later = ok_json('since', $cp->get("/api/v1/audit?since=$since&page_size=100"),
    200);
ok($later->{total} >= 5, 'since includes the event at that very time');
eval { sql('UPDATE audit_events SET actor = \'x\'') };
like($@, qr/audit events cannot be changed/, 'the database refuses UPDATE');
eval { sql('DELETE FROM audit_events') };
like($@, qr/audit events cannot be deleted/, 'and DELETE');
eval { sql('TRUNCATE audit_events') };
like($@, qr/cannot be deleted/, 'and TRUNCATE');

# --- pages, sessions, sign-in throttling, exports ------------------------------------

my $admin_session = $cp->login('admin', $CloudPAM::Test::ADMIN_PASSWORD);
ok($admin_session, 'the admin signs in');
for my $page ('/', '/pools', "/pools/$corp->{id}", '/accounts', '/vrfs',
    '/special-ranges') {
	my $res = call('GET', $page, cookie => $admin_session->{cookie});
	is($res->{status}, 200, "page $page") or diag($res->{content});
}
ok_json('status', $cp->get('/api/v1/status'), 200);
ok_json('blocks of a pool',
    $cp->get("/api/v1/pools/$corp->{id}/blocks?prefix_len=16&page_size=4"),
    200);
ok(!$cp->login('bob', 'not-his-password'), 'a wrong password is refused');
is(sql(q{SELECT failures FROM login_throttle WHERE key = 'user:bob'}), 1,
    'and counted');
ok($cp->login('bob', 'bob-password-1234'), 'the right one still works');
my $csv = $cp->get('/api/v1/audit/export?format=csv');
is($csv->{status}, 200, 'the audit log exports');
like($csv->{content}, qr/pool\.allocate/, 'with the allocations');
my $export = $cp->get('/api/v1/export/pools');
is($export->{status}, 200, 'pools export');

# --- concurrency --------------------------------------------------------------------
#
# Eight processes allocate /28s from one /24 as fast as they can: the parent
# row lock makes them take turns, so every answer is 201 or 409 pool_full
# and the sixteen blocks are distinct.

# Run code in n processes at once; returns the lines they print.
sub race {
	my ($n, $code) = @_;
	my @kids;
	for my $w (1 .. $n) {
		pipe(my $r, my $wr) or die "pipe: $!";
		my $pid = fork // die "fork: $!";
		if ($pid == 0) {
			close $r;
			my $http = HTTP::Tiny->new(timeout => 30, default_headers =>
			    { Authorization => "Bearer $main::KEY" });
			print $wr "$_\n" for $code->($http, $w);
			close $wr;
			POSIX::_exit(0);
		}
		close $wr;
		push @kids, [ $pid, $r ];
	}
	my @lines;
	for my $k (@kids) {
		my $fh = $k->[1];
		while (my $line = <$fh>) {
			chomp $line;
			push @lines, $line;
		}
		waitpid($k->[0], 0);
	}
	return @lines;
}

sub post_json {
	my ($http, $path, $body, %headers) = @_;
	my $res = $http->post($cp->url($path), { headers =>
	    { 'Content-Type' => 'application/json', %headers },
	    content => encode_json($body) });
	my $b = eval { decode_json($res->{content}) } // {};
	return ($res->{status}, $b);
}

my $race = ok_json('a /24 to race for', call('POST', '/api/v1/pools', json => {
    name => 'race', cidr => '10.200.0.0/24', parent_id => $corp->{id} }), 201);
my @lines = race(8, sub {
	my ($http, $w) = @_;
	my @out;
	for my $n (1 .. 10) {
		my ($status, $b) = post_json($http,
		    "/api/v1/pools/$race->{id}/allocate",
		    { prefix_len => 28, name => "r-$w-$n" });
		push @out, "$status " . ($b->{cidr} // $b->{error} // '-');
		last if $status != 201;
	}
	return @out;
});
my @won = map { m{^201 (\S+)} ? $1 : () } @lines;
my %other;
$other{$_}++ for grep { !/^201 / } @lines;
is(scalar @won, 16, 'sixteen allocations succeed');
is_deeply([ keys %other ], ['409 pool_full'], 'the rest are pool_full')
    or diag(explain(\%other));
my %seen;
$seen{$_}++ for @won;
is(scalar keys %seen, 16, 'the blocks are distinct');
is(sql("SELECT count(*) FROM pools WHERE parent_id = $race->{id}"), 16,
    'the database holds exactly those');
is(sql("SELECT count(*) FROM free_blocks WHERE pool_id = $race->{id}"), 0,
    'and no free space is left');
my $racer = ok_json('the raced pool', $cp->get("/api/v1/pools/$race->{id}"),
    200);
is_deeply([ $racer->{children_count}, $racer->{utilization}{free} ],
    [ 16, '0' ], 'its counters agree');

# One Idempotency-Key from six clients at once: one pool, one answer.
my $idem = ok_json('a pool for one key', call('POST', '/api/v1/pools',
    json => { name => 'idem', cidr => '10.201.0.0/24',
        parent_id => $corp->{id} }), 201);
@lines = race(6, sub {
	my ($http) = @_;
	my ($status, $b) = post_json($http, "/api/v1/pools/$idem->{id}/allocate",
	    { prefix_len => 26, name => 'once' }, 'Idempotency-Key' => 'race-1');
	return "$status " . ($b->{id} // $b->{error} // '-');
});
my %answers;
$answers{$_}++ for @lines;
is(scalar keys %answers, 1, 'every client gets the same answer')
    or diag(explain(\%answers));
like((keys %answers)[0], qr/^201 \d+$/, 'the first one, 201');
is(sql("SELECT count(*) FROM pools WHERE parent_id = $idem->{id}"), 1,
    'one pool is made');

# Top-level pools in one VRF have no parent row: the VRF row stands in.
# In each of ten VRFs, eight clients at once make eight nested prefixes,
# all different (so no unique index can help) and all overlapping: one
# of them is made in each VRF.
my @race_vrfs = map {
	ok_json("VRF race-$_", call('POST', '/api/v1/vrfs',
	    json => { name => "race-$_" }), 201)->{id}
} 1 .. 10;
@lines = race(8, sub {
	my ($http, $w) = @_;
	return map {
		my ($status, $b) = post_json($http, '/api/v1/pools',
		    { name => "top-$w", cidr => '172.16.0.0/' . (11 + $w),
		        vrf_id => $_ });
		"$_ $status " . ($b->{error} // 'made');
	} @race_vrfs;
});
my (%made, %why);
for (@lines) {
	my ($vrf, $status, $what) = split / /;
	$made{$vrf}++ if $status == 201;
	$why{"$status $what"}++;
}
is_deeply([ map { $made{$_} // 0 } @race_vrfs ], [ (1) x 10 ],
    'one of eight overlapping top-level pools is made in each VRF')
    or diag(explain(\%why));
is_deeply([ sort keys %why ], [ '201 made', '409 overlap' ],
    'the others are refused as overlaps');

# --- statements sent ahead that fail ------------------------------------------------

# Writes whose answer nobody reads (free space, counters, the audit insert)
# are sent ahead in a pipeline and answered with the next statement or at
# COMMIT.  One that fails must still fail the request cleanly and leave
# nothing behind, and the connection must serve the next request.  The
# database is made to refuse exactly one such write.
my $snap = sub {
	return sql('SELECT (SELECT count(*) FROM pools) || \'/\' || '
	    . '(SELECT count(*) FROM free_blocks) || \'/\' || '
	    . '(SELECT count(*) FROM audit_events) || \'/\' || '
	    . '(SELECT count(*) FROM vrfs) || \'/\' || '
	    . "(SELECT used_low || ':' || children FROM pools WHERE id = "
	    . "$corp->{id})");
};
my $lab = ok_json('a /16 to allocate from', call('POST', '/api/v1/pools',
    json => { name => 'lab77', cidr => '10.77.0.0/16',
        parent_id => $corp->{id} }), 201);
for my $case (
    [ 'the audit insert, at COMMIT',
      'ALTER TABLE audit_events ADD CONSTRAINT t_refuse '
      . "CHECK (action <> 'vrf.create') NOT VALID",
      'ALTER TABLE audit_events DROP CONSTRAINT t_refuse',
      sub { call('POST', '/api/v1/vrfs', json => { name => 'refused' }) } ],
    [ 'a free-space insert, before the next read',
      'ALTER TABLE free_blocks ADD CONSTRAINT t_refuse '
      . "CHECK (cidr <> '10.77.0.0/17') NOT VALID",
      'ALTER TABLE free_blocks DROP CONSTRAINT t_refuse',
      sub { alloc($lab->{id}, { prefix_len => 17, name => 'refused' }) } ],
    [ "the parent's counters",
      'ALTER TABLE pools ADD CONSTRAINT t_refuse '
      . "CHECK (children < 2 OR name <> 'lab77') NOT VALID",
      'ALTER TABLE pools DROP CONSTRAINT t_refuse',
      sub {
	      alloc($lab->{id}, { prefix_len => 24, name => 'one' });
	      alloc($lab->{id}, { prefix_len => 24, name => 'refused' });
      } ],
) {
	my ($name, $add, $drop, $request) = @$case;
	sql($add);
	my $before = $snap->();
	my $res = $request->();
	my $body = $J->json($res) // {};
	is_deeply([ $res->{status}, $body->{error} ], [ 500, 'internal' ],
	    "$name refused: 500, the envelope of a fault") or diag($res->{content});
	unlike($res->{content}, qr/constraint|t_refuse|SQLSTATE/i,
	    "$name: the answer tells no internals");
	is($snap->(), $before, "$name: nothing changed");
	sql($drop);
	my $again = $request->();
	is($again->{status}, 201, "$name: the same request works next")
	    or diag($again->{content});
}

# --- the server restarts ------------------------------------------------------------

# A restart (failover, upgrade) closes every connection while the workers
# are idle: each worker finds its connection closed before it sends
# anything, connects again and answers as if nothing happened.
$pg->restart;
my @statuses = map { $cp->get('/api/v1/pools?page_size=1')->{status} } 1 .. 12;
is_deeply(\@statuses, [ (200) x 12 ],
    'after a restart every request succeeds') or diag("@statuses");
ok_json('allocate after the restart', alloc($corp->{id},
    { prefix_len => 24, name => 'after' }), 201);

# While the server is down: 503 database_unavailable, nothing worse; once
# it is back, the next request connects again.
$pg->server_stop;
my $down = refused('the database is down', $cp->get('/api/v1/pools'), 503,
    'database_unavailable');
unlike($down->{message} // '', qr/postgres|127\.0\.0\.1|libpq/i,
    'the answer tells no internals');
refused('/readyz while it is down', $cp->get('/readyz'), 503,
    'database_unavailable');
$pg->server_start;
@statuses = map { $cp->get('/api/v1/pools?page_size=1')->{status} } 1 .. 8;
is_deeply(\@statuses, [ (200) x 8 ], 'once it is back, requests succeed')
    or diag("@statuses");
is(ok_json('/readyz once it is back', $cp->get('/readyz'), 200)->{status},
    'ready', 'ready');
is(scalar(grep { kill 0, $_ } $cp->worker_pids), 4, 'no worker died');

$cp->stop;
$pg->drop_database($url);
$pg->stop;
done_testing;
