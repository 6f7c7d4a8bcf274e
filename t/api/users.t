# Users and API keys through a real nginx and worker pool: the admin API
# (/api/v1/users, /api/v1/keys), what the keys it makes can and cannot
# do, and the "Users and keys" pages.  Every refusal is checked for its
# status, error code and field, and for leaving the database as it was;
# every change for its audit event.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use POSIX qw(strftime);
use CloudPAM::Test;

my $cp = CloudPAM::Test->start(workers => 2);
my $J = 'CloudPAM::Test';
my $TRUE = JSON::PP::true;
my $FALSE = JSON::PP::false;
my $TOKEN_RE = qr/^cpk_\d+_[A-Za-z0-9_-]{43}$/;

# --- helpers -----------------------------------------------------------

# SQL on the test's database: SQLite or PostgreSQL, so only what both
# take (TRUE/FALSE for booleans, read back through CASE as 1/0).
sub sql { return $cp->sql($_[0]) }

# Who exists, their keys and sessions, and how many audit events: the
# times touched by merely using a credential (last_seen_at, last_used_at)
# are left out.
sub snapshot {
	return join "\n--\n",
	    sql('SELECT id, username, display_name, email, role, source, '
	        . 'password_hash, disabled, updated_at FROM users ORDER BY id'),
	    sql('SELECT id, user_id, name, scope, accounts, secret_hash, '
	        . 'expires_at, revoked_at FROM api_keys ORDER BY id'),
	    sql('SELECT id_hash, user_id FROM sessions ORDER BY 1'),
	    sql('SELECT count(*) FROM audit_events'),
	    sql('SELECT * FROM accounts ORDER BY id');
}

sub call {
	my ($method, $path, %opt) = @_;
	return $cp->request($method, $path, %opt);
}

sub ok_json {
	my ($name, $res, $status) = @_;
	is($res->{status}, $status, "$name: status $status")
	    or diag($res->{content});
	return $J->json($res) // {};
}

# A request that must be refused with status, code and (when given) field,
# and change nothing.  Returns the decoded body.
sub refused {
	my ($name, $method, $path, $status, $code, $field, %opt) = @_;
	my $before = snapshot();
	my $res = call($method, $path, %opt);
	my $body = $J->json($res) // {};
	is($res->{status}, $status, "$name: status $status")
	    or diag($res->{content});
	is($body->{error}, $code, "$name: error $code");
	ok(defined $body->{message} && length $body->{message},
	    "$name: message for a person");
	is($body->{detail}{field}, $field, "$name: names $field")
	    if defined $field;
	is(snapshot(), $before, "$name: database unchanged");
	return $body;
}

# The before and after of the last audit event of action on object.
sub audit_of {
	my ($action, $type, $id) = @_;
	my $row = sql("SELECT id FROM audit_events WHERE action = '$action' "
	    . "AND object_type = '$type' AND object_id = '$id' "
	    . 'ORDER BY id DESC LIMIT 1');
	return undef unless length $row;
	my %e;
	for my $col (qw(actor actor_type key_id before after)) {
		$e{$col} = sql("SELECT coalesce(CAST($col AS TEXT), '') FROM audit_events "
		    . "WHERE id = $row");
	}
	for my $col (qw(before after)) {
		$e{$col} = length $e{$col}
		    ? JSON::PP->new->decode($e{$col}) : undef;
	}
	return \%e;
}

sub cookie_of {
	my ($res, $name) = @_;
	my $sc = $res->{headers}{'set-cookie'} // '';
	$sc = join ',', @$sc if ref $sc;
	my ($c) = $sc =~ /($name=[^;]*)/;
	return $c;
}

sub iso_in {
	my ($seconds) = @_;
	return strftime('%Y-%m-%dT%H:%M:%SZ', gmtime(time + $seconds));
}

# --- every route refuses the wrong caller -------------------------------

my $viewer_pw = $cp->make_user('vera', 'viewer');
my $operator_pw = $cp->make_user('otto', 'operator');
my $auditor_pw = $cp->make_user('aude', 'auditor');
my %keys = (
	'viewer read key' => $cp->make_key('vera', 'read'),
	'operator write key' => $cp->make_key('otto', 'write'),
	'operator read key' => $cp->make_key('otto', 'read'),
	'auditor read key' => $cp->make_key('aude', 'read'),
	'admin read key' => $cp->make_key('admin', 'read'),
);
my @routes = (
	[ GET => '/api/v1/users' ],
	[ POST => '/api/v1/users',
	    { username => 'x1', role => 'viewer', password => 'x' x 12 } ],
	[ GET => '/api/v1/users/1' ],
	[ PATCH => '/api/v1/users/2', { role => 'admin' } ],
	[ DELETE => '/api/v1/users/2' ],
	[ GET => '/api/v1/keys' ],
	[ POST => '/api/v1/keys', { name => 'x', scope => 'write' } ],
	[ GET => '/api/v1/keys/1' ],
	[ DELETE => '/api/v1/keys/1' ],
);
for my $r (@routes) {
	my ($m, $p, $body) = @$r;
	my %json = $body ? (json => $body) : ();
	refused("anonymous $m $p", $m, $p, 401, 'unauthenticated', undef,
	    anon => 1, %json);
	for my $who (sort keys %keys) {
		refused("$who $m $p", $m, $p, 403, 'forbidden', undef,
		    key => $keys{$who}, %json);
	}
}

# --- users ---------------------------------------------------------------

my $list = ok_json('list users', $cp->get('/api/v1/users'), 200);
is($list->{total}, 4, 'four users: admin, vera, otto, aude');
is($list->{page}, 1, 'page 1');
is($list->{page_size}, 50, 'default page size 50');
is_deeply([ map { $_->{username} } @{ $list->{items} } ],
    [qw(admin aude otto vera)], 'in username order');
ok(!grep({ exists $_->{password_hash} } @{ $list->{items} }),
    'no password hash in the list');
is(ok_json('page size 2', $cp->get('/api/v1/users?page_size=2&page=2'),
    200)->{items}[0]{username}, 'otto', 'paging works');
refused('page size 0', 'GET', '/api/v1/users?page_size=0', 400,
    'invalid_parameter', 'page_size');

my $res = call('POST', '/api/v1/users', json => { username => 'bob',
    role => 'operator', password => 'bob-password-1234',
    display_name => 'Bob Builder', email => 'bob@example.com' });
my $bob = ok_json('create user', $res, 201);
is($res->{headers}{location}, "/api/v1/users/$bob->{id}",
    'Location names the new user');
is($bob->{username}, 'bob', 'username stored');
is($bob->{role}, 'operator', 'role stored');
is($bob->{display_name}, 'Bob Builder', 'display name stored');
is($bob->{email}, 'bob@example.com', 'email stored');
is($bob->{source}, 'local', 'a local user');
ok(!$bob->{disabled}, 'enabled');
is($bob->{last_login_at}, undef, 'never signed in');
ok(!exists $bob->{password} && !exists $bob->{password_hash},
    'no password in the answer');
is_deeply(ok_json('get user', $cp->get($res->{headers}{location}), 200),
    $bob, 'GET Location answers the created user');
like(sql("SELECT password_hash FROM users WHERE id = $bob->{id}"),
    qr/^\$argon2id\$/, 'the password is stored as an argon2id hash');
my $ev = audit_of('user.create', 'user', $bob->{id});
ok($ev, 'user.create audited');
is($ev->{before}, undef, 'user.create: no before');
is($ev->{after}{username}, 'bob', 'user.create: after names bob');
is($ev->{after}{role}, 'operator', 'user.create: after has the role');
ok(!exists $ev->{after}{password_hash}, 'user.create: no hash audited');
is($ev->{actor}, 'admin', 'user.create: actor is the admin');
is($ev->{actor_type}, 'key', 'user.create: through a key');

my $min = ok_json('create user with the required fields only',
    call('POST', '/api/v1/users', json => { username => 'min',
        role => 'viewer', password => 'min-password-123' }), 201);
is($min->{display_name}, '', 'display name defaults to empty');
is($min->{email}, '', 'email defaults to empty');

my %u = (username => 'newbie', role => 'viewer',
    password => 'newbie-password-1');
refused('duplicate username', 'POST', '/api/v1/users', 409, 'conflict',
    'username', json => { %u, username => 'bob' });
refused('username missing', 'POST', '/api/v1/users', 400, 'missing_field',
    'username', json => { role => 'viewer', password => $u{password} });
refused('role missing', 'POST', '/api/v1/users', 400, 'missing_field',
    'role', json => { username => 'n1', password => $u{password} });
refused('password missing', 'POST', '/api/v1/users', 400, 'missing_field',
    'password', json => { username => 'n1', role => 'viewer' });
refused('username with a space', 'POST', '/api/v1/users', 400,
    'invalid_value', 'username', json => { %u, username => 'new bie' });
refused('username starting with a dot', 'POST', '/api/v1/users', 400,
    'invalid_value', 'username', json => { %u, username => '.newbie' });
refused('username over 64', 'POST', '/api/v1/users', 400, 'invalid_value',
    'username', json => { %u, username => 'n' x 65 });
refused('username a number', 'POST', '/api/v1/users', 400, 'invalid_type',
    'username', json => { %u, username => 42 });
refused('unknown role', 'POST', '/api/v1/users', 400, 'invalid_value',
    'role', json => { %u, role => 'root' });
refused('role null', 'POST', '/api/v1/users', 400, 'invalid_type', 'role',
    json => '{"username":"n1","role":null,"password":"newbie-password-1"}');
refused('weak password', 'POST', '/api/v1/users', 400, 'weak_password',
    'password', json => { %u, password => 'short-pw' });
refused('password over 256', 'POST', '/api/v1/users', 400,
    'invalid_value', 'password', json => { %u, password => 'p' x 257 });
refused('bad email', 'POST', '/api/v1/users', 400, 'invalid_value',
    'email', json => { %u, email => 'not-an-address' });
refused('display name over 200', 'POST', '/api/v1/users', 400,
    'invalid_value', 'display_name', json => { %u, display_name => 'd' x 201 });
my $b = refused('unknown field', 'POST', '/api/v1/users', 400,
    'unknown_field', undef, json => { %u, source => 'sso' });
like($b->{message}, qr/source/, 'the unknown field is named');
refused('malformed JSON', 'POST', '/api/v1/users', 400, 'invalid_json',
    undef, json => '{"username":');
refused('form body', 'POST', '/api/v1/users', 415,
    'unsupported_media_type', undef, form => \%u);
refused('get unknown user', 'GET', '/api/v1/users/99999', 404,
    'not_found');

# PATCH
$res = call('PATCH', "/api/v1/users/$bob->{id}",
    json => { role => 'viewer', display_name => 'Bob B.' });
my $bob2 = ok_json('change role and name', $res, 200);
is($bob2->{role}, 'viewer', 'role changed');
is($bob2->{display_name}, 'Bob B.', 'display name changed');
is($bob2->{email}, 'bob@example.com', 'email kept');
$ev = audit_of('user.update', 'user', $bob->{id});
is($ev->{before}{role}, 'operator', 'user.update: before has the old role');
is($ev->{after}{role}, 'viewer', 'user.update: after has the new role');
is($ev->{after}{display_name}, 'Bob B.', 'user.update: after has the name');

refused('empty change', 'PATCH', "/api/v1/users/$bob->{id}", 400,
    'empty_change', undef, json => {});
refused('rename', 'PATCH', "/api/v1/users/$bob->{id}", 400,
    'unknown_field', undef, json => { username => 'robert' });
refused('disabled as a string', 'PATCH', "/api/v1/users/$bob->{id}", 400,
    'invalid_type', 'disabled', json => { disabled => 'yes' });
refused('unknown role on change', 'PATCH', "/api/v1/users/$bob->{id}", 400,
    'invalid_value', 'role', json => { role => 'superuser' });
refused('bad email on change', 'PATCH', "/api/v1/users/$bob->{id}", 400,
    'invalid_value', 'email', json => { email => 'bob at example' });
refused('weak password on change', 'PATCH', "/api/v1/users/$bob->{id}",
    400, 'weak_password', 'password',
    json => { role => 'operator', password => 'short' });
refused('change of an unknown user', 'PATCH', '/api/v1/users/99999', 404,
    'not_found', undef, json => { role => 'viewer' });
refused('disable yourself', 'PATCH', '/api/v1/users/1', 409, 'self',
    'disabled', json => { disabled => $TRUE });
refused('the last admin demotes themselves', 'PATCH', '/api/v1/users/1',
    409, 'last_admin', undef, json => { role => 'operator' });
refused('delete yourself', 'DELETE', '/api/v1/users/1', 409, 'self');

# A second admin: now one of the two may go, never both.
my $ada = ok_json('create a second admin', call('POST', '/api/v1/users',
    json => { username => 'ada', role => 'admin',
        password => 'ada-password-1234' }), 201);
ok_json('disable the second admin',
    call('PATCH', "/api/v1/users/$ada->{id}", json => { disabled => $TRUE }),
    200);
refused('demote the last enabled admin', 'PATCH', '/api/v1/users/1', 409,
    'last_admin', undef, json => { role => 'viewer' });
ok_json('enable the second admin again',
    call('PATCH', "/api/v1/users/$ada->{id}", json => { disabled => $FALSE }),
    200);

# An SSO user has no password here.
sql("INSERT INTO users (username, role, source) VALUES ('sso.sam', 'viewer', 'sso')");
my $sam = 0 + sql("SELECT id FROM users WHERE username = 'sso.sam'");
refused('password of an SSO user', 'PATCH', "/api/v1/users/$sam", 409,
    'sso_user', 'password', json => { password => 'sso-password-1234' });

# Password reset ends the user's sessions.
my $bob_pw = 'bob-password-1234';
my $bs = $cp->login('bob', $bob_pw);
ok($bs && $bs->{cookie}, 'bob signs in');
is(call('GET', '/api/v1/me', cookie => $bs->{cookie})->{status}, 200,
    "bob's session works");
my $pw_events = sql("SELECT count(*) FROM audit_events WHERE action = "
    . "'user.password' AND object_id = '$bob->{id}'");
ok_json('admin resets the password', call('PATCH', "/api/v1/users/$bob->{id}",
    json => { password => 'bob-new-password-1' }), 200);
is(call('GET', '/api/v1/me', cookie => $bs->{cookie})->{status}, 401,
    "bob's session ended with the reset");
is(sql("SELECT count(*) FROM sessions WHERE user_id = $bob->{id}"), 0,
    'no session of bob is left');
is(sql("SELECT count(*) FROM audit_events WHERE action = 'user.password' "
    . "AND object_id = '$bob->{id}'"), $pw_events + 1, 'the reset is audited');
ok(!$cp->login('bob', $bob_pw), 'the old password no longer works');
ok($cp->login('bob', 'bob-new-password-1'), 'the new one does');

# Disabling ends sessions and stops keys; enabling brings the keys back.
my $carol_pw = $cp->make_user('carol', 'operator');
my $carol_key = $cp->make_key('carol', 'write');
my $carol = 0 + sql("SELECT id FROM users WHERE username = 'carol'");
my $cs = $cp->login('carol', $carol_pw);
ok($cs, 'carol signs in');
is(call('GET', '/api/v1/me', key => $carol_key)->{status}, 200,
    "carol's key works");
my $c1 = ok_json('disable carol', call('PATCH', "/api/v1/users/$carol",
    json => { disabled => $TRUE }), 200);
ok($c1->{disabled}, 'carol is disabled');
$ev = audit_of('user.update', 'user', $carol);
ok(!$ev->{before}{disabled} && $ev->{after}{disabled},
    'user.update: before enabled, after disabled');
$res = call('GET', '/api/v1/me', cookie => $cs->{cookie});
is($res->{status}, 401, "carol's session no longer works");
$res = call('GET', '/api/v1/me', key => $carol_key);
is($res->{status}, 401, "carol's key no longer works");
is($J->json($res)->{error}, 'user_disabled', '401 user_disabled');
ok(!$cp->login('carol', $carol_pw), 'carol cannot sign in');
ok_json('enable carol', call('PATCH', "/api/v1/users/$carol",
    json => { disabled => $FALSE }), 200);
is(call('GET', '/api/v1/me', key => $carol_key)->{status}, 200,
    "carol's key works again");
is(call('GET', '/api/v1/me', cookie => $cs->{cookie})->{status}, 401,
    'her old session stays ended');

# --- keys ----------------------------------------------------------------

$res = call('POST', '/api/v1/keys', json => { name => 'terraform',
    scope => 'write', user_id => $carol, expires_at => undef });
my $tf = ok_json('create a key', $res, 201);
like($tf->{token}, $TOKEN_RE, 'the token is cpk_<id>_<43 characters>');
like($tf->{token}, qr/^cpk_$tf->{id}_/, 'the token carries the key id');
is($res->{headers}{location}, "/api/v1/keys/$tf->{id}",
    'Location names the key');
is($res->{headers}{'cache-control'}, 'no-store', 'the answer is not cached');
is($tf->{prefix}, "cpk_$tf->{id}_", 'prefix');
is($tf->{name}, 'terraform', 'name stored');
is($tf->{scope}, 'write', 'scope stored');
is($tf->{user_id}, $carol, 'owned by carol');
is($tf->{username}, 'carol', 'owner named');
is($tf->{expires_at}, undef, 'never expires');
is_deeply($tf->{accounts}, [], 'not limited to accounts');
ok(!$tf->{revoked}, 'not revoked');
my $got = ok_json('get the key', $cp->get("/api/v1/keys/$tf->{id}"), 200);
ok(!exists $got->{token}, 'GET never shows the token');
unlike($cp->get("/api/v1/keys/$tf->{id}")->{content}, qr/\Q$tf->{token}\E/,
    'nor any part of the secret');
my $all = ok_json('list keys', $cp->get('/api/v1/keys'), 200);
ok(!grep({ exists $_->{token} } @{ $all->{items} }),
    'the list shows no token');
is($all->{items}[0]{id}, $tf->{id}, 'newest first');
my $mine = ok_json('list carol keys', $cp->get("/api/v1/keys?user_id=$carol"),
    200);
is($mine->{total}, 2, 'carol has two keys');
ok(!grep({ $_->{user_id} != $carol } @{ $mine->{items} }),
    'user_id keeps only her keys');
refused('list with a bad user_id', 'GET', '/api/v1/keys?user_id=x', 400,
    'invalid_parameter', 'user_id');

my $me = ok_json('the new key works', call('GET', '/api/v1/me',
    key => $tf->{token}), 200);
is($me->{user}{username}, 'carol', 'as carol');
is($me->{auth}, 'key', 'through a key');
is($me->{key_id}, $tf->{id}, 'this key');
is($me->{scope}, 'write', 'with its scope');
refused('a wrong secret', 'GET', '/api/v1/me', 401, 'invalid_key', undef,
    key => "cpk_$tf->{id}_" . ('A' x 43));

$ev = audit_of('key.create', 'key', $tf->{id});
is($ev->{after}{name}, 'terraform', 'key.create audited with the key');
is($ev->{after}{username}, 'carol', 'key.create: names the owner');
my $secret = substr($tf->{token}, -43);
is(scalar(grep { index($_, $secret) >= 0 } split /\n/,
    sql("SELECT coalesce(after, '') || coalesce(before, '') FROM audit_events")),
    0, 'no audit event holds the secret');

my $own = ok_json('a key for the caller by default', call('POST',
    '/api/v1/keys', json => { name => 'mine', scope => 'read' }), 201);
is($own->{user_id}, 1, 'owned by the admin who asked');

my $vera = 0 + sql("SELECT id FROM users WHERE username = 'vera'");
my %k = (name => 'k', scope => 'read', user_id => $carol);
refused('key without name', 'POST', '/api/v1/keys', 400, 'missing_field',
    'name', json => { scope => 'read' });
refused('key with an empty name', 'POST', '/api/v1/keys', 400,
    'invalid_value', 'name', json => { %k, name => '' });
refused('key without scope', 'POST', '/api/v1/keys', 400, 'missing_field',
    'scope', json => { name => 'k' });
refused('unknown scope', 'POST', '/api/v1/keys', 400, 'invalid_value',
    'scope', json => { %k, scope => 'admin' });
refused('write key for a viewer', 'POST', '/api/v1/keys', 400,
    'invalid_value', 'scope', json => { %k, scope => 'write',
        user_id => $vera });
refused('collector key without accounts', 'POST', '/api/v1/keys', 400,
    'missing_field', 'accounts', json => { %k, scope => 'collector' });
refused('read key limited to accounts', 'POST', '/api/v1/keys', 400,
    'invalid_value', 'accounts', json => { %k, accounts => [1] });
refused('accounts not a list', 'POST', '/api/v1/keys', 400,
    'invalid_type', 'accounts', json => { %k, scope => 'collector',
        accounts => 1 });
refused('an account id as text', 'POST', '/api/v1/keys', 400,
    'invalid_type', 'accounts', json => { %k, scope => 'collector',
        accounts => ['1'] });
refused('an unknown account', 'POST', '/api/v1/keys', 400,
    'invalid_reference', 'accounts', json => { %k, scope => 'collector',
        accounts => [99999] });
refused('an unknown owner', 'POST', '/api/v1/keys', 400,
    'invalid_reference', 'user_id', json => { %k, user_id => 99999 });
refused('user_id as text', 'POST', '/api/v1/keys', 400, 'invalid_type',
    'user_id', json => { %k, user_id => "$carol" });
refused('expiry in the past', 'POST', '/api/v1/keys', 400,
    'invalid_value', 'expires_at', json => { %k, expires_at => iso_in(-60) });
refused('expiry not a time', 'POST', '/api/v1/keys', 400, 'invalid_value',
    'expires_at', json => { %k, expires_at => 'tomorrow' });
refused('expiry on 30 February', 'POST', '/api/v1/keys', 400,
    'invalid_value', 'expires_at',
    json => { %k, expires_at => '2031-02-30T00:00:00Z' });
refused('expiry with an offset', 'POST', '/api/v1/keys', 400,
    'invalid_value', 'expires_at',
    json => { %k, expires_at => '2031-01-01T00:00:00+01:00' });
refused('expiry a number', 'POST', '/api/v1/keys', 400, 'invalid_type',
    'expires_at', json => { %k, expires_at => 1893456000 });
refused('key unknown field', 'POST', '/api/v1/keys', 400, 'unknown_field',
    undef, json => { %k, token => 'mine' });
sql("UPDATE users SET disabled = TRUE WHERE id = $sam");
refused('key for a disabled user', 'POST', '/api/v1/keys', 400,
    'invalid_value', 'user_id', json => { %k, user_id => $sam });
refused('get unknown key', 'GET', '/api/v1/keys/99999', 404, 'not_found');
refused('revoke unknown key', 'DELETE', '/api/v1/keys/99999', 404,
    'not_found');

my $dated = ok_json('a key with an expiry', call('POST', '/api/v1/keys',
    json => { %k, expires_at => '2031-01-01T00:00:00Z' }), 201);
is($dated->{expires_at}, '2031-01-01T00:00:00Z', 'expiry stored');

# Revoking
$res = call('DELETE', "/api/v1/keys/$tf->{id}");
my $rv = ok_json('revoke', $res, 200);
ok($rv->{revoked}, 'revoked');
like($rv->{revoked_at} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    'revoked_at set');
$res = call('GET', '/api/v1/me', key => $tf->{token});
is($res->{status}, 401, 'a revoked key is refused');
is($J->json($res)->{error}, 'key_revoked', '401 key_revoked');
refused('revoke twice', 'DELETE', "/api/v1/keys/$tf->{id}", 409,
    'already_revoked');
$ev = audit_of('key.revoke', 'key', $tf->{id});
ok($ev && !$ev->{before}{revoked} && $ev->{after}{revoked},
    'key.revoke audited: before not revoked, after revoked');

# Expiry
my $soon = ok_json('a key that expires in 3 seconds', call('POST',
    '/api/v1/keys', json => { %k, expires_at => iso_in(3) }), 201);
is(call('GET', '/api/v1/me', key => $soon->{token})->{status}, 200,
    'works before its expiry');
sleep 4.2;
$res = call('GET', '/api/v1/me', key => $soon->{token});
is($res->{status}, 401, 'refused after its expiry');
is($J->json($res)->{error}, 'key_expired', '401 key_expired');

# Scopes never reach beyond them
my $ro = ok_json('an admin read key', call('POST', '/api/v1/keys',
    json => { name => 'ro', scope => 'read' }), 201);
is(call('GET', '/api/v1/vrfs', key => $ro->{token})->{status}, 200,
    'a read key reads');
refused('a read key cannot write', 'POST', '/api/v1/vrfs', 403,
    'forbidden', undef, key => $ro->{token}, json => { name => 'nope' });
refused('a read key of an admin cannot manage users', 'GET',
    '/api/v1/users', 403, 'forbidden', undef, key => $ro->{token});

# Collector keys reach their accounts only.
my $acc_a = ok_json('account A', call('POST', '/api/v1/accounts',
    json => { provider => 'aws', external_key => 'aws:111111111111',
        name => 'acct-a' }), 201);
my $acc_b = ok_json('account B', call('POST', '/api/v1/accounts',
    json => { provider => 'aws', external_key => 'aws:222222222222',
        name => 'acct-b' }), 201);
my $col = ok_json('a collector key for account A', call('POST',
    '/api/v1/keys', json => { name => 'collector', scope => 'collector',
        user_id => $carol, accounts => [ $acc_a->{id} ] }), 201);
is_deeply($col->{accounts}, [ $acc_a->{id} ], 'limited to account A');
refused('duplicate accounts', 'POST', '/api/v1/keys', 400, 'invalid_value',
    'accounts', json => { name => 'c2', scope => 'collector',
        user_id => $carol, accounts => [ $acc_a->{id}, $acc_a->{id} ] });
is(call('GET', "/api/v1/accounts/$acc_a->{id}", key => $col->{token})
    ->{status}, 200, 'the collector key reads account A');
$res = call('GET', "/api/v1/accounts/$acc_b->{id}", key => $col->{token});
is($res->{status}, 403, 'the collector key may not read account B');
is($J->json($res)->{error}, 'forbidden', '403 forbidden for account B');
refused('the collector key on a route without accounts', 'GET',
    '/api/v1/pools', 403, 'forbidden', undef, key => $col->{token});
refused('the collector key on users', 'GET', '/api/v1/users', 403,
    'forbidden', undef, key => $col->{token});

# Deleting a user takes their keys.
my $bob_key = $cp->make_key('bob', 'read');
is(call('GET', '/api/v1/me', key => $bob_key)->{status}, 200,
    "bob's key works");
$res = call('DELETE', "/api/v1/users/$bob->{id}");
is_deeply(ok_json('delete bob', $res, 200), { deleted => 1 },
    'answers {"deleted": 1}');
refused('bob is gone', 'GET', "/api/v1/users/$bob->{id}", 404, 'not_found');
is(sql("SELECT count(*) FROM api_keys WHERE user_id = $bob->{id}"), 0,
    'his keys went with him');
is(call('GET', '/api/v1/me', key => $bob_key)->{status}, 401,
    'his key no longer works');
$ev = audit_of('user.delete', 'user', $bob->{id});
is($ev->{before}{username}, 'bob', 'user.delete: before names bob');
is($ev->{after}, undef, 'user.delete: no after');
refused('delete twice', 'DELETE', "/api/v1/users/$bob->{id}", 404,
    'not_found');

# --- pages ---------------------------------------------------------------

my $s = $cp->login('admin', $CloudPAM::Test::ADMIN_PASSWORD);
ok($s && $s->{cookie} && $s->{csrf}, 'the admin signs in');
sub page {
	my ($method, $path, %opt) = @_;
	return call($method, $path, cookie => $s->{cookie}, %opt);
}

$res = page('GET', '/users');
is($res->{status}, 200, 'GET /users');
like($res->{content}, qr{<h1>Users and keys</h1>}, 'titled Users and keys');
like($res->{content}, qr{href="/users/$carol">carol</a>}, 'lists carol');
like($res->{content}, qr{terraform}, 'lists a key');
like($res->{content}, qr{cpk_$col->{id}_…}, 'shows a key by its prefix');
unlike($res->{content}, qr{\Q$col->{token}\E}, 'never its token');
like($res->{content}, qr{aria-current="page"[^>]*>Users and keys<|href="/users" aria-current="page"},
    'the navigation marks Users and keys');
for my $path ('/users', "/users/$carol", "/users/$carol/delete") {
	my $html = page('GET', $path)->{content};
	my $forms = () = $html =~ /<form[^>]+method="post"/g;
	my $tokens = () = $html =~ /name="csrf_token" value="\Q$s->{csrf}\E"/g;
	ok($forms > 1, "$path has forms");
	is($tokens, $forms, "$path: every POST form carries the CSRF token");
}
is(call('GET', '/users', anon => 1)->{status}, 303,
    'anonymous: sent to sign in');
my $vs = $cp->login('vera', $viewer_pw);
is(call('GET', '/users', cookie => $vs->{cookie})->{status}, 403,
    'a viewer may not see the page');
is(call('POST', '/users', cookie => $vs->{cookie}, form => {
    csrf_token => $vs->{csrf}, username => 'v2', role => 'admin',
    password => 'v2-password-12345' })->{status}, 403,
    'nor add a user, even with her own token');

# POST without the token changes nothing.
for my $t ([ '/users', { username => 'eve', role => 'admin',
    password => 'eve-password-1234' } ],
    [ "/users/$carol", { role => 'admin' } ],
    [ "/users/$carol/password", { new_password => 'x' x 12,
        new_password_confirm => 'x' x 12 } ],
    [ "/users/$carol/delete", {} ],
    [ '/keys', { name => 'csrf', scope => 'read', user_id => 1 } ],
    [ "/keys/$dated->{id}/revoke", {} ]) {
	my $before = snapshot();
	my $r = page('POST', $t->[0], form => $t->[1]);
	is($r->{status}, 403, "POST $t->[0] without the CSRF token: 403");
	is(snapshot(), $before, "POST $t->[0] without the token: unchanged");
	$r = page('POST', $t->[0], form => { %{ $t->[1] },
	    csrf_token => 'forged' });
	is($r->{status}, 403, "POST $t->[0] with a wrong token: 403");
}

# Add a user through the form.
$res = page('POST', '/users', form => { csrf_token => $s->{csrf},
    username => 'dora', role => 'auditor', password => 'dora-password-12',
    display_name => '<b>Dora</b>', email => 'dora@example.com' });
is($res->{status}, 303, 'POST /users: 303');
is($res->{headers}{location}, '/users', 'back to the list');
like(cookie_of($res, 'flash') // '', qr/dora/, 'with a flash naming dora');
my $dora = 0 + sql("SELECT id FROM users WHERE username = 'dora'");
ok($dora, 'dora exists');
is(sql("SELECT role FROM users WHERE id = $dora"), 'auditor', 'an auditor');
$res = page('GET', '/users');
like($res->{content}, qr{&lt;b&gt;Dora&lt;/b&gt;}, 'her name is escaped');
unlike($res->{content}, qr{<b>Dora</b>}, 'never raw');

# A refused form comes back with the message and the values.
my $before = snapshot();
$res = page('POST', '/users', form => { csrf_token => $s->{csrf},
    username => 'dora', role => 'viewer', password => 'dora-password-12',
    email => 'x@example.com' });
is($res->{status}, 409, 'a taken username: 409');
like($res->{content}, qr{class="field-error" id="user-username-error">[^<]*already exists},
    'the message sits beside the username');
like($res->{content}, qr{name="email" value="x\@example.com"},
    'the email is kept');
unlike($res->{content}, qr{dora-password-12}, 'the password is not sent back');
is(snapshot(), $before, 'nothing changed');
$res = page('POST', '/users', form => { csrf_token => $s->{csrf},
    username => 'eve', role => 'viewer', password => 'short' });
is($res->{status}, 400, 'a weak password: 400');
like($res->{content}, qr{id="user-password-error"}, 'beside the password');
like($res->{content}, qr{name="username" value="eve"}, 'the username kept');
is(snapshot(), $before, 'nothing changed');

# Create a key through the form: the token is shown once, with no-store.
$res = page('POST', '/keys', form => { csrf_token => $s->{csrf},
    name => 'from-the-page', user_id => $carol, scope => 'collector',
    accounts => $acc_a->{id}, expires_at => '2031-06-01' });
is($res->{status}, 201, 'POST /keys: 201 with the key page');
is($res->{headers}{'cache-control'}, 'no-store', 'never cached');
is($res->{headers}{location}, undef, 'no redirect');
my ($page_token) = $res->{content} =~ /id="key-token"[^>]*value="([^"]+)"/;
like($page_token // '', $TOKEN_RE, 'the page shows the token');
like($res->{content}, qr{only time the key is shown}, 'with a warning');
ok(!grep({ ($_ // '') =~ /\Q$page_token\E/ } values %{ $res->{headers} }),
    'the token is in no header');
my ($page_id) = ($page_token // '') =~ /^cpk_(\d+)_/;
$got = ok_json('the page key', $cp->get("/api/v1/keys/$page_id"), 200);
is($got->{scope}, 'collector', 'collector scope');
is_deeply($got->{accounts}, [ $acc_a->{id} ], 'limited to account A');
is($got->{expires_at}, '2031-06-01T00:00:00Z', 'expires at midnight UTC');
is(call('GET', "/api/v1/accounts/$acc_a->{id}", key => $page_token)
    ->{status}, 200, 'the page key works');
$res = page('GET', '/users');
unlike($res->{content}, qr{\Q$page_token\E}, 'the list never shows it again');

$before = snapshot();
$res = page('POST', '/keys', form => { csrf_token => $s->{csrf},
    name => 'bad-date', user_id => $carol, scope => 'read',
    expires_at => '2031-02-30' });
is($res->{status}, 400, 'a bad expiry date: 400');
like($res->{content}, qr{id="key-expires_at-error"}, 'beside the expiry');
like($res->{content}, qr{name="name" value="bad-date"}, 'the name is kept');
$res = page('POST', '/keys', form => { csrf_token => $s->{csrf},
    name => 'too-much', user_id => $vera, scope => 'write' });
is($res->{status}, 400, 'a write key for a viewer: 400');
like($res->{content}, qr{id="key-scope-error"}, 'beside the scope');
like($res->{content}, qr{<option value="$vera" selected>}, 'the owner kept');
is(snapshot(), $before, 'nothing changed');

# Revoke through the page.
$res = page('POST', "/keys/$dated->{id}/revoke", form => {
    csrf_token => $s->{csrf}, next => "/users/$carol" });
is($res->{status}, 303, 'revoke: 303');
is($res->{headers}{location}, "/users/$carol", 'back to the user page');
ok(ok_json('revoked key', $cp->get("/api/v1/keys/$dated->{id}"), 200)
    ->{revoked}, 'the key is revoked');
$res = page('POST', "/keys/$dated->{id}/revoke", form => {
    csrf_token => $s->{csrf}, next => '//evil.example/' });
is($res->{status}, 409, 'revoking twice: 409');
$res = page('POST', "/keys/$own->{id}/revoke", form => {
    csrf_token => $s->{csrf}, next => '//evil.example/' });
is($res->{headers}{location}, '/users', 'a foreign next goes to /users');

# One user's page and its forms.
$res = page('GET', "/users/$carol");
is($res->{status}, 200, 'GET /users/ID');
like($res->{content}, qr{<h1>carol</h1>}, 'titled with the username');
like($res->{content}, qr{from-the-page}, "lists carol's keys");
like($res->{content}, qr{action="/users/$carol/password"}, 'a reset form');
is(page('GET', '/users/99999')->{status}, 404, 'an unknown user: 404');

$res = page('POST', "/users/$carol", form => { csrf_token => $s->{csrf},
    display_name => 'Carol C', email => 'carol@example.com',
    role => 'viewer' });
is($res->{status}, 303, 'save the profile: 303');
is($res->{headers}{location}, "/users/$carol", 'back to the user page');
is(sql("SELECT role || ' ' || display_name FROM users WHERE id = $carol"),
    'viewer Carol C', 'role and name saved');
$before = snapshot();
$res = page('POST', "/users/$carol", form => { csrf_token => $s->{csrf},
    display_name => 'Carol C', email => 'not an email', role => 'viewer' });
is($res->{status}, 400, 'a bad email: 400');
like($res->{content}, qr{id="profile-email-error"}, 'beside the email');
like($res->{content}, qr{name="email" value="not an email"}, 'kept');
$res = page('POST', '/users/1', form => { csrf_token => $s->{csrf},
    disabled => 1 });
is($res->{status}, 409, 'disable yourself: 409');
is(snapshot(), $before, 'nothing changed');

my $cs2 = $cp->login('carol', $carol_pw);
ok($cs2, 'carol signs in again');
$res = page('POST', "/users/$carol", form => { csrf_token => $s->{csrf},
    disabled => 1 });
is($res->{status}, 303, 'disable through the page: 303');
is(sql("SELECT CASE WHEN disabled THEN 1 ELSE 0 END FROM users WHERE id = $carol"),
    1, 'disabled');
is(call('GET', '/api/v1/me', cookie => $cs2->{cookie})->{status}, 401,
    "carol's session ended");
$res = page('POST', "/users/$carol", form => { csrf_token => $s->{csrf},
    disabled => 0 });
is(sql("SELECT CASE WHEN disabled THEN 1 ELSE 0 END FROM users WHERE id = $carol"),
    0, 'enabled again');

$before = snapshot();
$res = page('POST', "/users/$carol/password", form => {
    csrf_token => $s->{csrf}, new_password => 'carol-new-pass-1',
    new_password_confirm => 'carol-new-pass-2' });
is($res->{status}, 400, 'passwords that differ: 400');
like($res->{content}, qr{id="pw-new_password_confirm-error"},
    'beside the confirmation');
$res = page('POST', "/users/$carol/password", form => {
    csrf_token => $s->{csrf}, new_password => 'short',
    new_password_confirm => 'short' });
is($res->{status}, 400, 'a weak password: 400');
like($res->{content}, qr{id="pw-new_password-error"}, 'beside the password');
is(snapshot(), $before, 'nothing changed');
$res = page('POST', "/users/$carol/password", form => {
    csrf_token => $s->{csrf}, new_password => 'carol-new-pass-1',
    new_password_confirm => 'carol-new-pass-1' });
is($res->{status}, 303, 'reset through the page: 303');
is($res->{headers}{location}, "/users/$carol", 'back to the user page');
ok($cp->login('carol', 'carol-new-pass-1'), 'the new password works');

# Deleting through the confirmation page.
$res = page('GET', "/users/$dora/delete");
is($res->{status}, 200, 'the confirmation page');
like($res->{content}, qr{Delete <span class="confirm-name mono">dora</span>},
    'names the user');
like($res->{content}, qr{action="/users/$dora/delete"}, 'posts the delete');
is(sql("SELECT count(*) FROM users WHERE id = $dora"), 1,
    'showing it deleted nothing');
$res = page('POST', "/users/$dora/delete", form => {
    csrf_token => $s->{csrf} });
is($res->{status}, 303, 'delete: 303');
is($res->{headers}{location}, '/users', 'back to the list');
is(sql("SELECT count(*) FROM users WHERE id = $dora"), 0, 'dora is gone');
ok(audit_of('user.delete', 'user', $dora), 'the delete is audited');
$before = snapshot();
$res = page('POST', '/users/1/delete', form => { csrf_token => $s->{csrf} });
is($res->{status}, 409, 'deleting yourself: 409');
like($res->{content}, qr{cannot delete yourself}, 'says why');
is(snapshot(), $before, 'nothing changed');

# Resetting one's own password keeps one signed in, with a new session.
$res = page('POST', '/users/1/password', form => { csrf_token => $s->{csrf},
    new_password => 'admin-new-password-1',
    new_password_confirm => 'admin-new-password-1' });
is($res->{status}, 303, 'reset your own password: 303');
is($res->{headers}{location}, '/users/1', 'back to ones own page');
my $fresh = cookie_of($res, 'cloudpam_session');
ok($fresh && $fresh ne $s->{cookie}, 'a new session cookie');
is(call('GET', '/api/v1/me', cookie => $s->{cookie})->{status}, 401,
    'the old session ended');
is(call('GET', '/api/v1/me', cookie => $fresh)->{status}, 200,
    'the new one works');

done_testing();
