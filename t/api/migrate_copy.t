# `cloudpam migrate copy`: a CloudPAM built on SQLite through the real API
# (pools with allocations, accounts, VRFs, a special-range policy change,
# users, keys, a session, a lockout counter, audit events) is copied into
# a throwaway PostgreSQL in one run.  The printed counts and checksums
# match each other, the rows we count ourselves and the documented
# checksum recomputed here; a CloudPAM started on the copy answers as the
# original did, takes the old key and session, and hands out ids past the
# copied ones.  Then the refusals: a target that holds data (nothing
# changes), one that is not migrated, bad arguments.  The progress bar is
# drawn on a terminal (script(1)) and never when stderr is a file; the
# copy goes back from PostgreSQL to SQLite with the same checksums.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Pg;
use CloudPAM::Test;
use Digest::SHA qw(sha256_hex);
use File::Path qw(remove_tree);
use File::Temp qw(tempdir);
use JSON::PP;

plan skip_all => CloudPAM::Pg->why_not if defined CloudPAM::Pg->why_not;

my $BIN = $CloudPAM::Test::BIN;
my $J = 'CloudPAM::Test';
my $tmp = tempdir('cloudpam-copy-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my @TABLES = qw(settings vrfs accounts pools free_blocks special_ranges
    idempotency_keys users sessions api_keys login_throttle audit_events);

# Run cloudpam with stdout and stderr apart (stderr is a file, not a
# terminal); returns (exit code, stdout, stderr).
my $runs = 0;
sub cloudpam {
	my (@args) = @_;
	my ($out, $err) = ("$tmp/out." . ++$runs, "$tmp/err.$runs");
	system(join(' ', map { quotemeta } $BIN, @args) . " >$out 2>$err");
	my $rc = $? >> 8;
	local $/;
	open my $o, '<', $out or die;
	open my $e, '<', $err or die;
	return ($rc, scalar(<$o>) // '', scalar(<$e>) // '');
}

sub ok_json {
	my ($name, $res, $status) = @_;
	is($res->{status}, $status, "$name: $status")
	    or diag($res->{content});
	return $J->json($res) // {};
}

# --- the source: a CloudPAM on SQLite, filled through the API ------------------

my $src = do {
	local $ENV{CLOUDPAM_TEST_DATABASE} = '';
	CloudPAM::Test->start;
};
my $ADMIN = $src->key;
sub call { my ($m, $p, %o) = @_; return $src->request($m, $p, %o) }

ok_json('rename the instance', call('PATCH', '/api/v1/settings',
    json => { instance_name => 'Copy lab' }), 200);
my $blue = ok_json('a VRF', call('POST', '/api/v1/vrfs',
    json => { name => 'blue', rd => '65000:1', description => 'blue net' }),
    201);
my $temp = ok_json('a VRF to delete', call('POST', '/api/v1/vrfs',
    json => { name => 'temp' }), 201);
ok_json('delete it (its id stays used)',
    call('DELETE', "/api/v1/vrfs/$temp->{id}"), 200);
my $acct = ok_json('an account', call('POST', '/api/v1/accounts',
    json => { provider => 'aws', external_key => 'aws:123456789012',
        name => 'Network-Prod', tier => 'prd', regions => ['eu-west-1'],
        tags => { team => 'net', 'cost.center' => "\x{e9}t\x{e9} \"42\"" } }),
    201);
ok_json('another account', call('POST', '/api/v1/accounts', json => {
    provider => 'gcp', external_key => 'gcp:my-project',
    name => 'analytics' }), 201);

my $corp = ok_json('a top-level pool', call('POST', '/api/v1/pools',
    json => { name => 'corp', cidr => '10.0.0.0/8', tags => { env => 'prod' },
        description => "line one\nline \"two\"" }), 201);
my @allocated;
for my $i (1 .. 4) {
	push @allocated, ok_json("allocate /16 number $i",
	    call('POST', "/api/v1/pools/$corp->{id}/allocate",
	        json => { prefix_len => 16, name => "region-$i",
	            account_id => $acct->{id} }), 201);
}
my $vpc = ok_json('allocate a /24 with an Idempotency-Key',
    call('POST', "/api/v1/pools/$allocated[0]{id}/allocate",
        json => { prefix_len => 24, name => 'vpc-a' },
        headers => { 'Idempotency-Key' => 'copy-1' }), 201);
ok_json('delete the newest pool (its id stays used)',
    call('DELETE', "/api/v1/pools/$vpc->{id}"), 200);
ok_json('and one in the middle', call('DELETE',
    "/api/v1/pools/$allocated[2]{id}"), 200);
my $v6 = ok_json('an IPv6 pool', call('POST', '/api/v1/pools',
    json => { name => 'v6', cidr => '2600:1f18::/32' }), 201);
ok_json('an IPv6 allocation', call('POST', "/api/v1/pools/$v6->{id}/allocate",
    json => { prefix_len => 48, name => 'v6-a' }), 201);
ok_json('the same space in VRF blue', call('POST', '/api/v1/pools',
    json => { name => 'blue-corp', cidr => '10.0.0.0/8',
        vrf_id => $blue->{id} }), 201);

my %special = map { $_->{cidr} => $_ }
    @{ ok_json('special ranges', $src->get('/api/v1/special-ranges'), 200)
    ->{items} // [] };
ok_json('allow documentation space', call('PATCH',
    "/api/v1/special-ranges/$special{'192.0.2.0/24'}{id}",
    json => { allowed => JSON::PP::true }), 200);
my $doc = ok_json('a pool in it', call('POST', '/api/v1/pools',
    json => { name => 'doc', cidr => '192.0.2.0/24' }), 201);

my $last = ok_json('one more pool', call('POST', '/api/v1/pools',
    json => { name => 'short-lived', cidr => '100.64.0.0/10' }), 201);
ok_json('deleted again: the newest id stays used', call('DELETE',
    "/api/v1/pools/$last->{id}"), 200);

my $alice_pw = $src->make_user('alice', 'operator');
$src->make_user('vera', 'viewer');
my $ALICE = $src->make_key('alice', 'write');
my $VERA = $src->make_key('vera', 'read');
my $users = ok_json('users', $src->get('/api/v1/users'), 200);
my ($vera) = grep { $_->{username} eq 'vera' } @{ $users->{items} };
ok_json('disable vera', call('PATCH', "/api/v1/users/$vera->{id}",
    json => { disabled => JSON::PP::true }), 200);
my ($revoked_id) = $VERA =~ /^cpk_(\d+)_/;
ok_json('revoke a key', call('DELETE', "/api/v1/keys/$revoked_id"), 200);
ok_json('alice uses her key', $src->get('/api/v1/pools', key => $ALICE), 200);
my $session = $src->login('alice', $alice_pw);
ok($session, 'alice signs in: a session');
ok(!$src->login('mallory', 'wrong password'), 'a failed sign-in is counted');

# Enough rows to take several pages (500 rows a page): events written
# straight into the log, as a busy instance's would be.
sub sqlite { my ($q, $file) = @_; my $out = `sqlite3 -cmd '.timeout 10000' \Q${\($file // $src->db)}\E \Q$q\E`; die "sqlite3: $q\n" if $?; chomp $out; return $out }
sqlite(q{WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < 1200) INSERT INTO audit_events (actor, actor_type, action,
    object_type, object_id, before, after) SELECT 'collector', 'system',
    'pool.update', 'pool', i, CASE WHEN i % 2 THEN NULL ELSE '{}' END,
    '{"n":' || i || '}' FROM n});

# What the source answers, to compare with the copy's answers.
my @PATHS = ('/api/v1/export/pools', '/api/v1/export/accounts',
    '/api/v1/audit?page_size=500', '/api/v1/vrfs', '/api/v1/accounts',
    '/api/v1/special-ranges', '/api/v1/settings', '/api/v1/users',
    '/api/v1/pools?page_size=500', '/api/v1/pools/tree');
my $pools = ok_json('list pools', $src->get('/api/v1/pools?page_size=500'),
    200);
my @pool_ids = sort { $a <=> $b } map { $_->{id} } @{ $pools->{items} };
ok(@pool_ids >= 8, scalar(@pool_ids) . ' pools');
push @PATHS, map { "/api/v1/pools/$_" } @pool_ids;
my %before = map { $_ => $src->get($_) } @PATHS;
is($before{$_}{status}, 200, "source answers $_") for @PATHS;

# Stop it, keeping its folder (and database) for the copy.
{
	local $ENV{CLOUDPAM_KEEP} = 1;
	$src->stop;
}
my $db = $src->db;
END { remove_tree($src->dir) if $src && -d $src->dir }

# Keys whose order differs between byte order and a locale's ("B" < "a",
# "~" and "\x{e9}" last), over more than one page.
sqlite(q{WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < 1100) INSERT INTO login_throttle SELECT
    (CASE i % 4 WHEN 0 THEN 'user:B' WHEN 1 THEN 'user:a' WHEN 2 THEN
    'addr:' || char(233) ELSE 'user:~' END) || i, i % 7, 1700000000 + i, 0
    FROM n});
sqlite(q{WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < 700) INSERT INTO idempotency_keys (scope, key, request_hash,
    status, response) SELECT CASE i % 3 WHEN 0 THEN 'Z' WHEN 1 THEN 'a'
    ELSE char(233) END, 'k' || (i % 11) || '-' || i, 'h', 201, '{}' FROM n});
my %count = map { $_ => sqlite("SELECT count(*) FROM $_") } @TABLES;
ok($count{$_} > 0, "the source has $_ ($count{$_} rows)") for @TABLES;
ok($count{$_} > 1000, "$_ takes several pages") for qw(audit_events
    login_throttle);
ok($count{idempotency_keys} > 500, 'idempotency_keys too');
my $pool_high = sqlite("SELECT high FROM id_high WHERE name = 'pools'");
my $vrf_high = sqlite("SELECT high FROM id_high WHERE name = 'vrfs'");
ok($pool_high > sqlite('SELECT max(id) FROM pools'),
    "pools' id high-water mark ($pool_high) is past the highest row");
my $source_sha = sqlite('.sha3sum');

# --- the target: a migrated, empty PostgreSQL --------------------------------------

my $pg = CloudPAM::Pg->start;
# A target whose own collation orders text unlike bytes ("a" < "B"), when
# the server has ICU: the copy must read both sides in one order anyway.
my $url = eval {
	$pg->psql(q{CREATE DATABASE cloudpam_icu TEMPLATE template0
	    LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'});
	$pg->url('cloudpam_icu');
} // $pg->create_database;
note("target $url");
my ($dbname) = $url =~ m{/([^/]+)$};
sub psql { return $pg->psql($_[0], $_[1] // $dbname) }

my ($rc, $out, $err) = cloudpam('migrate', 'up', '--database-url', $url);
is($rc, 0, 'migrate up the target') or diag($err);

($rc, $out, $err) = cloudpam('migrate', 'copy', '--from', "sqlite:$db",
    '--to', $url);
is($rc, 0, 'migrate copy: exit 0') or diag("$out$err");
is($err, '', 'stderr is not a terminal: no progress bar, nothing at all');
note($out);

# "table rows source target ok", one line a table.
sub table_of {
	my ($text) = @_;
	my %t;
	for (split /\n/, $text) {
		$t{$1} = { rows => $2, source => $3, target => $4, verdict => $5 }
		    if /^(\w+)\s+(\d+)\s+([0-9a-f]{12})\s+([0-9a-f]{12})\s+(.+)$/;
	}
	return \%t;
}
my $copied = table_of($out);
is_deeply([ sort keys %$copied ], [ sort @TABLES ], 'a line for every table');
for my $t (@TABLES) {
	my $row = $copied->{$t} // {};
	is($row->{rows}, $count{$t}, "$t: the rows printed are the source's");
	is($row->{target}, $row->{source}, "$t: the checksums match");
	is($row->{verdict}, 'ok', "$t: ok");
	is(psql("SELECT count(*) FROM $t"), $count{$t}, "$t: all rows there");
}
like($out, qr/^copied \d+ rows in [\d.]+ s/m, 'and says it is done');

# The checksum is what the documentation says it is: SHA-256 over the rows
# in key order, values joined by 0x1f, each row ended by 0x1e.
for my $t (qw(vrfs users login_throttle)) {
	my $cols = sqlite("SELECT group_concat(name, ', ') FROM pragma_table_info('$t')");
	my $key = $t eq 'login_throttle' ? 'key' : 'id';
	my $text = `sqlite3 -separator "\x1f" -newline "\x1e" \Q$db\E \Q SELECT $cols FROM $t ORDER BY $key\E`;
	is(substr(sha256_hex($text), 0, 12), $copied->{$t}{source},
	    "$t: the checksum recomputed from sqlite3's rows");
}
is(sqlite('.sha3sum'), $source_sha, 'the source database is unchanged');
ok(!eval { psql('UPDATE audit_events SET actor = actor'); 1 },
    'the copied log is append-only still: UPDATE is refused');
ok(!eval { psql('DELETE FROM audit_events'); 1 }, 'and DELETE');

# --- CloudPAM on the copy ------------------------------------------------------------

my $dst = CloudPAM::Test->start(database_url => $url, no_admin => 1);
for my $path (@PATHS) {
	my $res = $dst->get($path, key => $ADMIN);
	is($res->{status}, 200, "the copy answers $path");
	if ($path =~ m{/export/}) {
		is($res->{content}, $before{$path}{content},
		    "$path: byte for byte the same");
	} else {
		is_deeply($J->json($res), $J->json($before{$path}),
		    "$path: the same answer");
	}
}
my $me = ok_json("alice's old key works", $dst->get('/api/v1/me',
    key => $ALICE), 200);
is($me->{user}{username}, 'alice', 'and is hers');
is($dst->get('/api/v1/pools', key => $VERA)->{status}, 401,
    'the revoked key stays revoked');
$me = ok_json('her session goes on', $dst->get('/api/v1/me',
    cookie => $session->{cookie}), 200);
is($me->{user}{username}, 'alice', 'signed in as alice');
my $new = ok_json('a new pool on PostgreSQL', $dst->post('/api/v1/pools',
    key => $ADMIN, json => { name => 'after', cidr => '172.16.0.0/12' }), 201);
ok($new->{id} > $pool_high, "its id ($new->{id}) is past every id the "
    . "source gave ($pool_high), deleted ones too");
my $vrf = ok_json('a new VRF', $dst->post('/api/v1/vrfs', key => $ADMIN,
    json => { name => 'red' }), 201);
ok($vrf->{id} > $vrf_high, "its id ($vrf->{id}) is past $vrf_high");
my $audit = ok_json('the audit log', $dst->get('/api/v1/audit?page_size=1',
    key => $ADMIN), 200);
is($audit->{items}[0]{action}, 'vrf.create', 'records the new change');
ok($audit->{items}[0]{id} > $count{audit_events},
    'after the copied events');
$dst->stop;

# --- refusals ------------------------------------------------------------------------

my $fingerprint = join ',', map { psql("SELECT count(*) FROM $_") } @TABLES;
my $pool_seq = psql("SELECT last_value FROM pools_id_seq");
($rc, $out, $err) = cloudpam('migrate', 'copy', '--from', "sqlite:$db",
    '--to', $url);
is($rc, 1, 'a copy into a database that holds data: exit 1');
like($err, qr/the target database already holds data \(.*pools: \d+ rows/,
    'says which tables hold data') or diag($err);
is($out, '', 'prints no table');
is(join(',', map { psql("SELECT count(*) FROM $_") } @TABLES), $fingerprint,
    'and changes nothing');
is(psql("SELECT last_value FROM pools_id_seq"), $pool_seq,
    'not even a sequence');

my $bare = $pg->create_database;
($rc, $out, $err) = cloudpam('migrate', 'copy', "--from=sqlite:$db",
    "--to=$bare");
is($rc, 1, 'a copy into a database never migrated: exit 1');
like($err, qr/target database is at schema version 0 of \d+; run cloudpam migrate up --database-url \Q$bare\E first/,
    'says what to run first') or diag($err);
my ($bare_name) = $bare =~ m{/([^/]+)$};
is(psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    $bare_name), 0, 'and creates nothing');
(my $with_password = $bare) =~ s{://postgres\@}{://postgres:sekrit\@};
($rc, $out, $err) = cloudpam('migrate', 'copy', '--from', "sqlite:$db",
    '--to', $with_password);
like($err, qr{--database-url postgres://postgres:\*\*\*\@127}, 'a password in '
    . 'the URL is not repeated') or diag($err);
unlike($err, qr/sekrit/, 'anywhere');
($rc, $out, $err) = cloudpam('migrate', 'copy', '--from',
    "sqlite:$tmp/nothing-here.db", '--to', $bare);
is($rc, 1, 'a source that is not there: exit 1');
like($err, qr/the source database: cannot open/, 'says so') or diag($err);
ok(!-e "$tmp/nothing-here.db", 'and does not create it');

for my $bad ([], ['--from', "sqlite:$db"], ['--to', $url],
    ['--from', "sqlite:$db", '--to'], ['--from', "sqlite:$db", '--to', $url,
    'extra'], ['--form', "sqlite:$db", '--to', $url],
    ['--from', "sqlite:$db", '--from', "sqlite:$db", '--to', $url]) {
	($rc, $out, $err) = cloudpam('migrate', 'copy', @$bad);
	is($rc, 2, "usage error: migrate copy @$bad");
	like($err, qr/^usage: cloudpam migrate copy --from URL --to URL/,
	    'prints the usage');
}
($rc, $out, $err) = cloudpam('migrate', 'copy', '--from', $url, '--to', $url);
is($rc, 1, 'the same database on both sides: exit 1');
like($err, qr/the same database/, 'says so');
($rc, $out, $err) = cloudpam('--help');
like($out, qr/migrate copy --from URL --to URL/, 'cloudpam --help lists it');

# --- the progress bar on a terminal, and the way back ---------------------------------

SKIP: {
	skip 'no script(1) (util-linux)', 3 unless `script --version 2>&1` =~ /util-linux/;
	my $again = $pg->create_database;
	($rc) = cloudpam('migrate', 'up', '--database-url', $again);
	my $cmd = join ' ', map { quotemeta } $BIN, 'migrate', 'copy',
	    '--from', "sqlite:$db", '--to', $again;
	my $screen = `script -qec \Q$cmd\E /dev/null`;
	is($? >> 8, 0, 'on a terminal: exit 0');
	like($screen, qr/\rcopying\s+\w+\s+\[[#.]{30}\]\s+\d+% +\d+ rows +\d+ rows\/s/,
	    'draws a progress bar: phase, table, percent, rows, rows/s');
	like($screen, qr/\rverifying\s+audit_events\s+\[#{30}\] 100%/,
	    'which ends at 100% of the last phase');
}

my $back = "$tmp/back.db";
($rc, $out, $err) = cloudpam('migrate', 'up', '--database-url', "sqlite:$back");
is($rc, 0, 'migrate up a new SQLite database');
($rc, $out, $err) = cloudpam('migrate', 'copy', '--from', $url,
    '--to', "sqlite:$back");
is($rc, 0, 'copy PostgreSQL back to SQLite: exit 0') or diag("$out$err");
my $returned = table_of($out);
my $changed_since = { pools => 1, vrfs => 1, audit_events => 1,
    free_blocks => 1, api_keys => 1, sessions => 1 };
for my $t (@TABLES) {
	next if $changed_since->{$t};
	is($returned->{$t}{source}, $copied->{$t}{source},
	    "$t: the same checksum after the round trip");
}
is(sqlite("SELECT count(*) FROM pools", $back), $count{pools} + 1,
    'the pool made on PostgreSQL came back too');
is(sqlite("SELECT high FROM id_high WHERE name = 'pools'", $back),
    $new->{id}, "and SQLite's high-water mark is PostgreSQL's");

$pg->stop;
done_testing;
