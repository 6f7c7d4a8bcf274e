# The audit log through a real nginx and worker pool: one event for every
# kind of change made through the API, with who, through which key, from
# where, under which request id, and the object before and after; no
# event for a refused request; the list's filters and paging; the exports
# (CSV and JSON lines, streamed in chunks); who may read the log; that
# nothing can change or remove an event; the audit page and the pool
# page's history tab.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use CloudPAM::Test;

my $cp = CloudPAM::Test->start(workers => 2);
my $J = 'CloudPAM::Test';
my ($ADMIN_KEY_ID) = $cp->key =~ /^cpk_(\d+)_/;

sub sql { return $cp->sql($_[0]) }

sub audit_count { sql('SELECT count(*) FROM audit_events') }
sub last_event_id { sql('SELECT coalesce(max(id), 0) FROM audit_events') }

sub get_json {
	my ($path, %opt) = @_;
	my $res = $cp->get($path, %opt);
	is($res->{status}, 200, "GET $path: 200") or diag($res->{content});
	return $J->json($res) // {};
}

# Every event after id $mark, oldest first, read through the API.
sub events_after {
	my ($mark) = @_;
	my $list = $J->json($cp->get('/api/v1/audit?page_size=500')) // {};
	return [ reverse grep { $_->{id} > $mark } @{ $list->{items} // [] } ];
}

# Make a change; check the events it wrote: how many, their action,
# object and actor, and that they carry the request's id and address.
# Returns the events (oldest first) and the response.
sub change_ok {
	my ($name, $request, %want) = @_;
	my $mark = last_event_id();
	my $res = $request->();
	ok($res->{status} >= 200 && $res->{status} < 300,
	    "$name: answered $res->{status}") or diag($res->{content});
	my $events = events_after($mark);
	my $n = $want{count} // 1;
	is(scalar @$events, $n, "$name: $n event" . ($n == 1 ? '' : 's'));
	for my $e (@$events) {
		is($e->{action}, $want{action}, "$name: action $want{action}");
		is($e->{object_type}, $want{object_type},
		    "$name: object type $want{object_type}");
		is($e->{actor}, 'admin', "$name: actor admin");
		is($e->{actor_type}, 'key', "$name: actor type key");
		is($e->{key_id}, $ADMIN_KEY_ID, "$name: through the admin's key");
		is($e->{request_id}, $res->{headers}{'x-request-id'},
		    "$name: the request's id");
		is($e->{client_addr}, '127.0.0.1', "$name: the client address");
		like($e->{at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
		    "$name: time in UTC with milliseconds");
	}
	is($events->[0]{object_id}, $want{object_id}, "$name: object id")
	    if defined $want{object_id};
	return ($events, $J->json($res) // {});
}

# A refused request writes no event.
sub refused_quietly {
	my ($name, $status, $request) = @_;
	my $before = audit_count();
	my $res = $request->();
	is($res->{status}, $status, "$name: $status") or diag($res->{content});
	is(audit_count(), $before, "$name: no audit event");
}

sub post_json { my ($p, $b, %o) = @_; $cp->request('POST', $p, json => $b, %o) }
sub patch_json { my ($p, $b, %o) = @_; $cp->request('PATCH', $p, json => $b, %o) }
sub del { my ($p, %o) = @_; $cp->request('DELETE', $p, %o) }

# === every kind of change =================================================

# --- pools
my ($ev, $corp) = change_ok('pool create',
    sub { post_json('/api/v1/pools', { name => 'corp', cidr => '10.0.0.0/8' }) },
    action => 'pool.create', object_type => 'pool');
is($ev->[0]{object_id}, "$corp->{id}", 'pool create: object id is the pool');
is($ev->[0]{before}, undef, 'pool create: no before');
is($ev->[0]{after}{name}, 'corp', 'pool create: after has the name');
is($ev->[0]{after}{cidr}, '10.0.0.0/8', 'pool create: after has the CIDR');
my $create_event = $ev->[0];

($ev) = change_ok('pool update',
    sub { patch_json("/api/v1/pools/$corp->{id}",
        { name => 'corp-net', tags => { env => 'prod' } }) },
    action => 'pool.update', object_type => 'pool',
    object_id => "$corp->{id}");
is($ev->[0]{before}{name}, 'corp', 'pool update: before has the old name');
is($ev->[0]{after}{name}, 'corp-net', 'pool update: after has the new name');
is_deeply($ev->[0]{before}{tags}, {}, 'pool update: no tags before');
is_deeply($ev->[0]{after}{tags}, { env => 'prod' }, 'pool update: tags after');
my $update_event = $ev->[0];

my $eu;
($ev, $eu) = change_ok('allocate',
    sub { post_json("/api/v1/pools/$corp->{id}/allocate",
        { prefix_len => 16, name => 'eu' }) },
    action => 'pool.allocate', object_type => 'pool');
is($ev->[0]{object_id}, "$eu->{id}", 'allocate: the object is the new block');
is($ev->[0]{before}, undef, 'allocate: no before');
is($ev->[0]{after}{cidr}, '10.0.0.0/16', 'allocate: after has the block');
is($ev->[0]{after}{parent_id}, $corp->{id}, 'allocate: and its parent');

refused_quietly('allocate dry run', 200, sub {
	post_json("/api/v1/pools/$corp->{id}/allocate",
	    { prefix_len => 16, name => 'x', dry_run => JSON::PP::true }) });

my $leaf = $J->json(post_json("/api/v1/pools/$eu->{id}/allocate",
    { prefix_len => 24, name => 'leaf' })) // {};
($ev) = change_ok('pool delete',
    sub { del("/api/v1/pools/$leaf->{id}") },
    action => 'pool.delete', object_type => 'pool',
    object_id => "$leaf->{id}");
is($ev->[0]{before}{name}, 'leaf', 'pool delete: before has the pool');
is($ev->[0]{after}, undef, 'pool delete: no after');

# A cascade writes one pool.delete per pool, each with its last state.
my $tree = $J->json(post_json('/api/v1/pools',
    { name => 'tree', cidr => '192.168.0.0/16' })) // {};
isnt($tree->{id}, $leaf->{id},
    'a new pool does not take the id of a deleted one, whose '
    . 'history would become its own');
my @kids = map { $J->json(post_json("/api/v1/pools/$tree->{id}/allocate",
    { prefix_len => 24, name => "kid$_" })) // {} } 1 .. 2;
($ev) = change_ok('cascade delete',
    sub { del("/api/v1/pools/$tree->{id}?cascade=true") },
    action => 'pool.delete', object_type => 'pool', count => 3);
is_deeply([ sort { $a <=> $b } map { $_->{object_id} } @$ev ],
    [ sort { $a <=> $b } map { $_->{id} } $tree, @kids ],
    'cascade delete: one event per pool');
is_deeply([ sort map { $_->{before}{name} } @$ev ], [qw(kid1 kid2 tree)],
    'cascade delete: each with its before');
ok(!grep({ defined $_->{after} } @$ev), 'cascade delete: none has an after');
is(scalar(keys %{ { map { $_->{request_id} => 1 } @$ev } }), 1,
    'cascade delete: all under one request id');

# --- accounts
my $acct;
($ev, $acct) = change_ok('account create',
    sub { post_json('/api/v1/accounts', { provider => 'aws',
        external_key => 'aws:123456789012', name => 'Prod' }) },
    action => 'account.create', object_type => 'account');
is($ev->[0]{object_id}, "$acct->{id}", 'account create: object id');
is($ev->[0]{after}{name}, 'Prod', 'account create: after has the name');
($ev) = change_ok('account update',
    sub { patch_json("/api/v1/accounts/$acct->{id}", { name => 'Production' }) },
    action => 'account.update', object_type => 'account',
    object_id => "$acct->{id}");
is($ev->[0]{before}{name}, 'Prod', 'account update: old name before');
is($ev->[0]{after}{name}, 'Production', 'account update: new name after');
($ev) = change_ok('account delete',
    sub { del("/api/v1/accounts/$acct->{id}") },
    action => 'account.delete', object_type => 'account',
    object_id => "$acct->{id}");
is($ev->[0]{before}{name}, 'Production', 'account delete: before');
is($ev->[0]{after}, undef, 'account delete: no after');

# --- VRFs
my $vrf;
($ev, $vrf) = change_ok('VRF create',
    sub { post_json('/api/v1/vrfs', { name => 'blue', rd => '65000:1' }) },
    action => 'vrf.create', object_type => 'vrf');
is($ev->[0]{object_id}, "$vrf->{id}", 'VRF create: object id');
is($ev->[0]{after}{rd}, '65000:1', 'VRF create: after');
($ev) = change_ok('VRF update',
    sub { patch_json("/api/v1/vrfs/$vrf->{id}", { rd => '65000:2' }) },
    action => 'vrf.update', object_type => 'vrf', object_id => "$vrf->{id}");
is($ev->[0]{before}{rd}, '65000:1', 'VRF update: before');
is($ev->[0]{after}{rd}, '65000:2', 'VRF update: after');
($ev) = change_ok('VRF delete', sub { del("/api/v1/vrfs/$vrf->{id}") },
    action => 'vrf.delete', object_type => 'vrf', object_id => "$vrf->{id}");
is($ev->[0]{before}{name}, 'blue', 'VRF delete: before');
is($ev->[0]{after}, undef, 'VRF delete: no after');

# --- imports: one event per row
sub csv_import {
	my ($kind, $body, $query) = @_;
	return $cp->post("/api/v1/import/$kind" . ($query // ''), body => $body,
	    headers => { 'Content-Type' => 'text/csv' });
}
($ev) = change_ok('pool import',
    sub { csv_import('pools', "name,cidr\nimp-a,172.16.0.0/16\nimp-b,172.17.0.0/16\n") },
    action => 'pool.import', object_type => 'pool', count => 2);
is_deeply([ map { $_->{after}{name} } @$ev ], [qw(imp-a imp-b)],
    'pool import: each row, with its after');
is(scalar(grep { defined $_->{before} } @$ev), 0, 'pool import: no before');
is_deeply([ map { $_->{object_id} } @$ev ],
    [ map { sql("SELECT id FROM pools WHERE name = '$_'") } qw(imp-a imp-b) ],
    'pool import: object ids are the new pools');
($ev) = change_ok('account import',
    sub { csv_import('accounts', "provider,external_key,name\naws,aws:210987654321,Imported\n") },
    action => 'account.import', object_type => 'account');
is($ev->[0]{after}{name}, 'Imported', 'account import: after');
refused_quietly('import dry run', 200, sub {
	csv_import('pools', "name,cidr\nimp-c,172.18.0.0/16\n", '?dry_run=true') });

# --- settings and special ranges (admin)
($ev) = change_ok('setting update',
    sub { patch_json('/api/v1/settings', { instance_name => 'Audit lab' }) },
    action => 'setting.update', object_type => 'setting',
    object_id => 'instance_name');
is($ev->[0]{after}{instance_name}, 'Audit lab', 'setting update: after');
ok(exists $ev->[0]{before}, 'setting update: before is recorded');

my %special = map { $_->{cidr} => $_ }
    @{ get_json('/api/v1/special-ranges')->{items} // [] };
my $doc = $special{'192.0.2.0/24'};
($ev) = change_ok('special range update',
    sub { patch_json("/api/v1/special-ranges/$doc->{id}",
        { allowed => JSON::PP::true }) },
    action => 'special_range.update', object_type => 'special_range',
    object_id => "$doc->{id}");
ok(!$ev->[0]{before}{allowed}, 'special range update: refused before');
ok($ev->[0]{after}{allowed}, 'special range update: allowed after');

# === refused requests write nothing =======================================

my $viewer_pw = $cp->make_user('vera', 'viewer');
my $viewer = $cp->make_key('vera', 'read');
$cp->make_user('otto', 'operator');
my $operator = $cp->make_key('otto', 'write');
my $auditor_pw = $cp->make_user('aude', 'auditor');
my $auditor = $cp->make_key('aude', 'read');
my $admin_read = $cp->make_key('admin', 'read');

refused_quietly('bad CIDR', 400, sub {
	post_json('/api/v1/pools', { name => 'x', cidr => '10.1.2.3/8' }) });
refused_quietly('overlap', 409, sub {
	post_json('/api/v1/pools', { name => 'x', cidr => '10.1.0.0/16' }) });
refused_quietly('unknown field', 400, sub {
	patch_json("/api/v1/pools/$corp->{id}", { colour => 'red' }) });
refused_quietly('block larger than the pool', 400, sub {
	post_json("/api/v1/pools/$eu->{id}/allocate",
	    { prefix_len => 15, name => 'big' }) });
my $tiny = $J->json(post_json('/api/v1/pools',
    { name => 'tiny', cidr => '172.29.0.0/30' })) // {};
post_json("/api/v1/pools/$tiny->{id}/allocate", { prefix_len => 31, name => $_ })
    for qw(low high);
refused_quietly('pool full', 409, sub {
	post_json("/api/v1/pools/$tiny->{id}/allocate",
	    { prefix_len => 31, name => 'more' }) });
refused_quietly('import with a bad row', 422, sub {
	csv_import('pools', "name,cidr\nok,172.20.0.0/16\nbad,172.21.0.1/16\n") });
refused_quietly('delete the default VRF', 409, sub { del('/api/v1/vrfs/1') });
refused_quietly('viewer creates a pool', 403, sub {
	post_json('/api/v1/pools', { name => 'x', cidr => '172.30.0.0/16' },
	    key => $viewer) });
refused_quietly('operator changes a setting', 403, sub {
	patch_json('/api/v1/settings', { instance_name => 'x' },
	    key => $operator) });
refused_quietly('anonymous creates a pool', 401, sub {
	post_json('/api/v1/pools', { name => 'x', cidr => '172.30.0.0/16' },
	    anon => 1) });
refused_quietly('unknown key', 401, sub {
	post_json('/api/v1/pools', { name => 'x', cidr => '172.30.0.0/16' },
	    key => 'cpk_999_' . ('a' x 43)) });

# === who may read the log =================================================

for my $path ('/api/v1/audit', '/api/v1/audit/1',
    '/api/v1/audit/export?format=csv', '/audit') {
	is($cp->get($path, key => $viewer)->{status}, 403, "viewer: 403 on $path");
	is($cp->get($path, key => $operator)->{status}, 403,
	    "operator: 403 on $path");
	is($cp->get($path, key => $auditor)->{status}, 200,
	    "auditor's read key: 200 on $path");
	is($cp->get($path, key => $admin_read)->{status}, 200,
	    "admin's read key: 200 on $path");
}
my $res = $cp->get('/api/v1/audit', key => $viewer);
is(($J->json($res) // {})->{error}, 'forbidden', 'viewer: error forbidden');
is($cp->get('/api/v1/audit', anon => 1)->{status}, 401, 'anonymous: 401');
$res = $cp->get('/audit', anon => 1);
is($res->{status}, 303, 'anonymous page: sent to sign in');
like($res->{headers}{location} // '', qr{^/login}, 'to the login page');

my $aude = $cp->login('aude', $auditor_pw);
ok($aude, 'the auditor signs in');
$res = $cp->get('/audit', cookie => $aude->{cookie});
is($res->{status}, 200, 'auditor session: the audit page');
like($res->{content}, qr{<a href="/audit" aria-current="page">Audit</a>},
    'with Audit marked in the navigation');
unlike($res->{content}, qr{href="/users/\d+"},
    'an auditor is not sent to user pages, which are for admins');
like(get_page('/audit?object_type=user'), qr{<a href="/users/1">user #1</a>},
    'an admin is');
my $vera = $cp->login('vera', $viewer_pw);
$res = $cp->get('/pools', cookie => $vera->{cookie});
unlike($res->{content}, qr{href="/audit"}, 'a viewer has no Audit link');
is($cp->get('/audit', cookie => $vera->{cookie})->{status}, 403,
    'viewer session: 403');

# === the list =============================================================

my $all = get_json('/api/v1/audit?page_size=500');
is($all->{total}, audit_count(), 'total is every event');
is($all->{page}, 1, 'page 1');
is($all->{page_size}, 500, 'page size as asked');
my @ids = map { $_->{id} } @{ $all->{items} };
is_deeply(\@ids, [ sort { $b <=> $a } @ids ], 'newest first');
is_deeply([ sort keys %{ $all->{items}[0] } ], [ sort qw(id at actor
    actor_type key_id action object_type object_id before after request_id
    client_addr) ], 'an event has exactly its fields');
my ($cli) = grep { $_->{actor_type} eq 'system' } @{ $all->{items} };
is($cli->{key_id}, undef, 'key_id is null without a key');
is(get_json('/api/v1/audit')->{page_size}, 50, 'default page size 50');

my $one = get_json("/api/v1/audit/$update_event->{id}");
is_deeply($one, $update_event, 'GET /api/v1/audit/{id} answers the event');
$one = get_json('/api/v1/audit/1');
is($one->{id}, 1, 'the first event too');
is($one->{action}, 'user.create', 'the first event: the admin was created');
is($one->{actor_type}, 'system', 'by the command line');
$res = $cp->get('/api/v1/audit/999999');
is($res->{status}, 404, 'unknown event: 404');
is(($J->json($res) // {})->{error}, 'not_found', 'error not_found');

# --- filters
my $f = get_json('/api/v1/audit?actor=admin&page_size=500');
is($f->{total}, sql("SELECT count(*) FROM audit_events WHERE actor = 'admin'"),
    'actor: the total of that actor');
ok(!grep({ $_->{actor} ne 'admin' } @{ $f->{items} }), 'actor: only theirs');
is(get_json('/api/v1/audit?actor=nobody')->{total}, 0, 'unknown actor: none');
$f = get_json('/api/v1/audit?action=pool.delete');
is($f->{total}, 4, 'action: four pool deletes');
ok(!grep({ $_->{action} ne 'pool.delete' } @{ $f->{items} }),
    'action: only those');
$f = get_json("/api/v1/audit?object_type=pool&object_id=$corp->{id}");
is_deeply([ map { $_->{action} } @{ $f->{items} } ],
    [qw(pool.update pool.create)], 'object: the pool\'s own events');
$f = get_json("/api/v1/audit?object_type=account&object_id=$corp->{id}");
ok(!grep({ $_->{object_type} ne 'account' } @{ $f->{items} }),
    'object type and id go together');

# since is inclusive and until exclusive, compared as times: an event at
# 08:30:00.123 is "since 08:30:00Z".
my $at = $update_event->{at};
my $second = substr($at, 0, 19) . 'Z';
my $since = get_json("/api/v1/audit?since=$at&page_size=500");
my $until = get_json("/api/v1/audit?until=$at&page_size=500");
is($since->{total} + $until->{total}, $all->{total},
    'since and until split the log at one moment');
ok(!grep({ $_->{at} lt $at } @{ $since->{items} }), 'since: none earlier');
ok(!grep({ $_->{at} ge $at } @{ $until->{items} }), 'until: none at or later');
ok(grep({ $_->{id} == $update_event->{id} } @{ $since->{items} }),
    'since includes its moment');
ok(grep({ $_->{id} == $update_event->{id} }
    @{ get_json("/api/v1/audit?since=$second&page_size=500")->{items} }),
    'since a whole second includes the events within it');
is(get_json('/api/v1/audit?since=2000-01-01')->{total}, $all->{total},
    'since a day long past: everything');
is(get_json('/api/v1/audit?since=2999-01-01T00:00:00Z')->{total}, 0,
    'since the far future: nothing');
is(get_json('/api/v1/audit?until=2000-01-01T00:00:00%2B00:00')->{total}, 0,
    'until a day long past: nothing (+00:00 is UTC)');
is(get_json("/api/v1/audit?action=pool.update&since=$second&until=2999-12-31")
    ->{total}, 1, 'filters combine');

for my $bad (
    [ 'since=yesterday', 'since' ],
    [ 'since=2026-02-30', 'since' ],
    [ 'since=2026-11-23T25:00:00Z', 'since' ],
    [ 'until=2026-11-23T08:00:00%2B02:00', 'until' ],
    [ 'since=2026-11-24&until=2026-11-23', 'until' ],
    [ 'object_type=Pool!', 'object_type' ],
    [ 'action=pool%20update', 'action' ],
    [ 'page_size=501', 'page_size' ],
    [ 'page=0', 'page' ],
    [ 'actor=' . ('a' x 201), 'actor' ]) {
	my ($query, $field) = @$bad;
	my $r = $cp->get("/api/v1/audit?$query");
	is($r->{status}, 400, "$query: 400");
	my $body = $J->json($r) // {};
	is($body->{error}, 'invalid_parameter', "$query: invalid_parameter");
	is($body->{detail}{field}, $field, "$query: names $field");
}

# --- paging
my $p1 = get_json('/api/v1/audit?page_size=3&page=1');
my $p2 = get_json('/api/v1/audit?page_size=3&page=2');
is(scalar @{ $p1->{items} }, 3, 'page 1 of 3');
is($p1->{total}, $all->{total}, 'paged total is the total');
is_deeply([ map { $_->{id} } @{ $p1->{items} }, @{ $p2->{items} } ],
    [ @ids[0 .. 5] ], 'pages follow each other, newest first');
is(scalar @{ get_json('/api/v1/audit?page=1000')->{items} }, 0,
    'a page past the end is empty');

# === no way to change or remove an event ==================================

for my $m (qw(PUT PATCH DELETE)) {
	for my $path ('/api/v1/audit', "/api/v1/audit/$update_event->{id}") {
		refused_quietly("$m $path", 405, sub {
			$cp->request($m, $path, json => { actor => 'x' }) });
	}
}
$res = $cp->request('DELETE', "/api/v1/audit/$update_event->{id}");
like($res->{headers}{allow} // '', qr/GET/, '405 names GET in Allow');
unlike($res->{headers}{allow} // '', qr/DELETE|PATCH|PUT/,
    'and nothing that changes');
refused_quietly('POST /api/v1/audit', 405,
    sub { post_json('/api/v1/audit', { actor => 'x' }) });

my $count = audit_count();
my $actors_sql = 'SELECT actor FROM audit_events ORDER BY id';
my $actors = $cp->sql_join(',', $actors_sql);
my ($rc, $out) = $cp->sql_try("UPDATE audit_events SET actor = 'x'");
ok($rc != 0, 'UPDATE of the log fails in the database');
like($out, qr/audit events cannot be changed/, 'saying events cannot change');
($rc, $out) = $cp->sql_try('DELETE FROM audit_events WHERE id = 1');
ok($rc != 0, 'DELETE from the log fails');
like($out, qr/audit events cannot be deleted/, 'saying events cannot go');
is(audit_count(), $count, 'every event is still there');
is($cp->sql_join(',', $actors_sql), $actors, 'unchanged');

# === exports ==============================================================

# RFC 4180: quoted fields with doubled quotes, CRLF between records.
sub csv_parse {
	my ($text) = @_;
	my (@rows, @row);
	pos($text) = 0;
	while (pos($text) < length $text) {
		$text =~ /\G(?:"((?:[^"]++|"")*+)"|([^",\r\n]*+))(,|\r\n|\z)/gc
		    or return undef;
		my ($quoted, $plain, $end) = ($1, $2, $3);
		push @row, defined $quoted ? $quoted =~ s/""/"/gr : $plain;
		next if $end eq ',';
		push @rows, [@row];
		@row = ();
	}
	return \@rows;
}

my @COLUMNS = qw(id at actor actor_type key_id action object_type object_id
    before after request_id client_addr);

# The export of query as events, checked against the list of the same
# filters, oldest first.
sub export_matches {
	my ($name, $query) = @_;
	my $list = get_json("/api/v1/audit?page_size=500" . ($query ? "&$query" : ''));
	my @want = reverse @{ $list->{items} };
	my $q = $query ? "&$query" : '';

	my $res = $cp->get("/api/v1/audit/export?format=csv$q");
	is($res->{status}, 200, "$name CSV: 200");
	like($res->{headers}{'content-type'}, qr{^text/csv}, "$name CSV: text/csv");
	like($res->{headers}{'content-disposition'} // '',
	    qr/^attachment; filename="cloudpam-audit-\d{8}T\d{6}Z\.csv"$/,
	    "$name CSV: an attachment");
	my $rows = csv_parse($res->{content});
	ok($rows, "$name CSV: parses as RFC 4180");
	is_deeply(shift @{ $rows // [[]] }, \@COLUMNS, "$name CSV: header row");
	my @got = map { my %h; @h{@COLUMNS} = @$_; \%h } @{ $rows // [] };
	is(scalar @got, scalar @want, "$name CSV: one record per event");
	my $same = 1;
	for my $i (0 .. $#want) {
		my ($g, $w) = ($got[$i], $want[$i]);
		for my $c (qw(id at actor actor_type action object_type object_id
		    request_id client_addr)) {
			$same = 0 if ($g->{$c} // '') ne $w->{$c};
		}
		$same = 0 if ($g->{key_id} // '') ne ($w->{key_id} // '');
		for my $c (qw(before after)) {
			my $v = length($g->{$c} // '')
			    ? eval { decode_json($g->{$c}) } : undef;
			$same = 0 unless JSON::PP->new->canonical->encode([$v])
			    eq JSON::PP->new->canonical->encode([$w->{$c}]);
		}
	}
	ok($same, "$name CSV: every record as the list has it");

	$res = $cp->get("/api/v1/audit/export?format=jsonl$q");
	is($res->{status}, 200, "$name JSONL: 200");
	is($res->{headers}{'content-type'}, 'application/x-ndjson',
	    "$name JSONL: application/x-ndjson");
	like($res->{headers}{'content-disposition'} // '',
	    qr/^attachment; filename="cloudpam-audit-\d{8}T\d{6}Z\.jsonl"$/,
	    "$name JSONL: an attachment");
	my @lines = split /\n/, $res->{content};
	my @events = map { eval { JSON::PP->new->utf8->decode($_) } } @lines;
	is(scalar @events, scalar @lines, "$name JSONL: every line is JSON");
	is_deeply(\@events, \@want, "$name JSONL: the list's events, oldest first");
	return scalar @want;
}

export_matches('all');
export_matches('pool', "object_type=pool&object_id=$corp->{id}");
export_matches('deletes since', "action=pool.delete&since=$second");
is(export_matches('none', 'actor=nobody'), 0, 'an empty export');
$res = $cp->get("/api/v1/audit/export?format=jsonl&after_id=$update_event->{id}");
my @after = map { decode_json($_)->{id} } split /\n/, $res->{content};
is($after[0], sql("SELECT min(id) FROM audit_events WHERE id > $update_event->{id}"),
    'after_id: starts after that event');
is(scalar @after, sql("SELECT count(*) FROM audit_events WHERE id > $update_event->{id}"),
    'after_id: to the end');
is($cp->get('/api/v1/audit/export')->{headers}{'content-type'},
    'application/x-ndjson', 'JSON lines by default');
$res = $cp->get('/api/v1/audit/export?format=xml');
is($res->{status}, 400, 'unknown format: 400');
is(($J->json($res) // {})->{detail}{field}, 'format', 'naming format');
is($cp->get('/api/v1/audit/export?since=nope')->{status}, 400,
    'export filters are checked too');

# Past one chunk (1,000 events): 1,100 imported pools make 1,100 events.
my $rows = join '', map { sprintf "bulk-%d,100.64.%d.%d/28\n", $_,
    int($_ * 16 / 256), ($_ * 16) % 256 } 0 .. 1099;
$res = csv_import('pools', "name,cidr\n$rows");
is($res->{status}, 200, 'bulk import of 1,100 pools') or diag($res->{content});
$res = $cp->get('/api/v1/audit/export?format=jsonl');
my @bulk = map { decode_json($_)->{id} } split /\n/, $res->{content};
is(scalar @bulk, audit_count(), 'a long export holds every event');
# Every id in the database, in order.  (Not 1 .. count: a PostgreSQL
# sequence skips the ids a rolled-back transaction took, e.g. a dry run.)
is_deeply(\@bulk, [ split /\n/, sql('SELECT id FROM audit_events ORDER BY id') ],
    'once each, oldest first');
$res = $cp->get('/api/v1/audit/export?format=csv&action=pool.import');
is(scalar(@{ csv_parse($res->{content}) // [] }) - 1, 1102,
    'a filtered long export: every pool import');

# === the audit page =======================================================

$res = $cp->get('/audit');
is($res->{status}, 200, 'the audit page');
my $html = $res->{content};
like($html, qr{<form[^>]+method="get" action="/audit"}, 'a GET filter form');
like($html, qr{name="$_"}, "filter $_") for qw(actor action object_type
    object_id since until);
like($html, qr{<option value="pool">pool</option>}, 'object types to choose');
like($html, qr{href="/api/v1/audit/export\?format=csv"}, 'an Export CSV link');
like($html, qr{href="/api/v1/audit/export\?format=jsonl"},
    'an Export JSON lines link');
like($html, qr{Events <span class="count-pill mono">@{[ audit_count() ]}</span>},
    'the total');
like($html, qr{rel="next"}, 'paging to older events');
like(get_page('/audit?page=2'), qr{rel="prev"}, 'and back');

sub get_page {
	my ($path, %opt) = @_;
	my $r = $cp->get($path, %opt);
	is($r->{status}, $opt{status} // 200, "$path: " . ($opt{status} // 200));
	return $r->{content};
}

$html = get_page("/audit?object_type=pool&object_id=$corp->{id}");
like($html, qr{<option value="pool" selected>}, 'the chosen type stays chosen');
like($html, qr{value="$corp->{id}"}, 'the object id stays typed');
like($html, qr{href="/api/v1/audit/export\?format=csv&amp;object_type=pool&amp;object_id=$corp->{id}"},
    'exports carry the filters');
like($html, qr{<a href="/pools/$corp->{id}">pool #$corp->{id}</a>},
    'the object links to its pool');
like($html, qr{key #$ADMIN_KEY_ID}, 'the actor with the key used');
like($html, qr{audit-action audit-change[^>]*>.*pool\.update}s,
    'an action badge');
like($html, qr{<details class="audit-diff">\s*<summary>\d fields changed: name, (?:updated_at, )?tags\.env</summary>},
    'the update names the fields it changed');
like($html, qr{<th scope="row" class="mono">name</th>\s*<td class="diff-before"><del>corp</del></td>\s*<td class="diff-after"><ins>corp-net</ins></td>},
    'old and new name side by side');
unlike($html, qr{<th scope="row" class="mono">cidr</th>\s*<td class="diff-before">},
    'unchanged fields are left out of an update');
like($html, qr{fields as created}, 'a create shows its fields');

$html = get_page('/audit?action=pool.delete');
unlike($html, qr{<a href="/pools/$leaf->{id}">}, 'a deleted pool is not linked');
like($html, qr{fields as last seen}, 'a delete shows the last state');

$html = get_page('/audit?actor=nobody');
like($html, qr{No events match these filters}, 'empty state says why');
like($html, qr{href="/audit">Clear filters}, 'and how to get out of it');

$html = get_page('/audit?since=tomorrow', status => 400);
like($html, qr{class="field-error" id="af-since-error">since must be a UTC time},
    'a bad time is explained beside its field');
like($html, qr{value="tomorrow"}, 'and kept as typed');

# What people typed comes back escaped, names from events too.
post_json('/api/v1/pools', { name => '<b>x</b>', cidr => '172.31.0.0/16' });
$html = get_page('/audit?action=pool.create&actor=%3Ci%3E');
like($html, qr{value="&lt;i&gt;"}, 'a typed filter is escaped');
$html = get_page('/audit?action=pool.create');
unlike($html, qr{<b>x</b>}, 'a pool name is escaped');
like($html, qr{&lt;b&gt;x&lt;/b&gt;}, 'and shown');

# === the pool page's history tab ==========================================

$html = get_page("/pools/$corp->{id}");
like($html, qr{href="/pools/$corp->{id}\?tab=history"}, 'the pool page has a history tab');
like($html, qr{id="blocks"}, 'the overview is the default');
$html = get_page("/pools/$corp->{id}?tab=history");
like($html, qr{aria-current="page">History}, 'the history tab is current');
like($html, qr{History <span class="count-pill mono">2</span>},
    'the pool\'s two events');
like($html, qr{pool\.update.*pool\.create}s, 'newest first');
like($html, qr{<del>corp</del>}, 'with what changed');
like($html, qr{href="/audit\?object_type=pool&amp;object_id=$corp->{id}"},
    'and a link to the audit log for the rest');
unlike($html, qr{id="blocks"}, 'the blocks table is on the other tab');
get_page("/pools/$corp->{id}?tab=bogus", status => 400);
$html = get_page("/pools/$eu->{id}?tab=history");
like($html, qr{pool\.allocate}, 'an allocated block\'s history starts there');
is($cp->get("/pools/$corp->{id}?tab=history", key => $viewer)->{status}, 403,
    'a viewer may not read a pool\'s history');
$html = $cp->get("/pools/$corp->{id}", key => $viewer)->{content};
unlike($html, qr{tab=history}, 'nor sees the tab');
is($cp->get("/pools/$corp->{id}?tab=history", key => $auditor)->{status}, 200,
    'an auditor may');

done_testing;
