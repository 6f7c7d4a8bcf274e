# Local identity end to end through nginx: first start with the setup
# token, sign-in and sign-out, the session cookie and its storage,
# fixation, idle and absolute expiry, CSRF on forms and on the API,
# throttled sign-ins, password changes ending sessions, argon2 rehash.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Digest::SHA qw(sha256_hex);
use CloudPAM::Test;

my $json = JSON::PP->new->utf8;

sub sql {
	my ($cp, $q) = @_;
	return $cp->sql($q);
}

sub cookies_of {
	my ($res) = @_;
	my $sc = $res->{headers}{'set-cookie'} // [];
	return ref $sc ? @$sc : ($sc);
}

sub session_cookie {
	my ($res) = @_;
	for (cookies_of($res)) { return ($1, $_) if /^(cloudpam_session=[^;]*)/ }
	return;
}

# --- first start: no user, a setup token in the log, /setup makes the admin
my $cp = CloudPAM::Test->start(workers => 2, no_admin => 1);
my $res = $cp->get('/', anon => 1);
is($res->{status}, 303, 'no user yet: a page redirects');
is($res->{headers}{location}, '/setup', 'to /setup');
is($cp->get('/login', anon => 1)->{headers}{location}, '/setup',
    '/login sends to /setup too');
is($cp->get('/api/v1/pools', anon => 1)->{status}, 401, 'the API says 401');

my $log = do { local $/; open my $fh, '<', "$cp->{dir}/log/pool.out"; <$fh> // '' };
$log .= do { local $/; open my $fh, '<', $cp->{log}; <$fh> // '' };
my ($token) = $log =~ /setup token ([A-Za-z0-9_-]{43})/;
ok($token, 'the setup token is printed when the server starts');
like($log, qr/"setup_token":"\Q$token\E"/, 'and logged');

my $page = $cp->get('/setup', anon => 1);
is($page->{status}, 200, 'GET /setup');
like($page->{content}, qr/Setup token/, 'asks for the token');
my ($pre) = map { /^(cloudpam_login=[^;]+)/ ? $1 : () } cookies_of($page);
my ($form) = $page->{content} =~ /name="csrf_token" value="([^"]+)"/;
ok($pre && $form, 'the form carries its double-submit token');

my %admin = (username => 'root-admin', password => 'a long enough passphrase',
    password_confirm => 'a long enough passphrase');
sub setup_post {
	my (%f) = @_;
	return $cp->request('POST', '/setup', anon => 1,
	    headers => { Cookie => $pre }, form => { csrf_token => $form, %f });
}
$res = $cp->request('POST', '/setup', anon => 1,
    form => { %admin, token => $token });
is($res->{status}, 403, 'setup without the form token: 403');
$res = setup_post(%admin, token => 'x' x 43);
is($res->{status}, 403, 'a wrong setup token: 403');
like($res->{content}, qr/setup token is not right/, 'says so beside the field');
like($res->{content}, qr/value="root-admin"/, 'and keeps what was typed');
$res = setup_post(%admin, token => $token, password => 'short',
    password_confirm => 'short');
is($res->{status}, 400, 'a short password: 400');
like($res->{content}, qr/at least 12 characters/, 'with how to fix it');
$res = setup_post(%admin, token => $token, password_confirm => 'different one!!');
is($res->{status}, 400, 'passwords that differ: 400');
is(sql($cp, 'SELECT count(*) FROM users'), '0', 'no user made by any refusal');
is(sql($cp, 'SELECT count(*) FROM audit_events'), '0', 'and no event');

$res = setup_post(%admin, token => $token);
is($res->{status}, 303, 'setup with the token: 303');
my ($cookie, $line) = session_cookie($res);
ok($cookie, 'and signed in');
like($line, qr/HttpOnly/, 'cookie HttpOnly');
like($line, qr/SameSite=Lax/, 'cookie SameSite=Lax');
like($line, qr/Path=\//, 'cookie Path=/');
unlike($line, qr/Secure/, 'not Secure over plain HTTP');
is(sql($cp, "SELECT role FROM users WHERE username = 'root-admin'"), 'admin',
    'the first admin exists');
is(sql($cp, "SELECT count(*) FROM audit_events WHERE action = 'setup'"), '1',
    'setup audited');
is(sql($cp, "SELECT actor FROM audit_events WHERE action = 'setup'"), 'root-admin',
    'by the new admin');
$res = $cp->get('/', cookie => $cookie);
is($res->{status}, 200, 'the session opens the dashboard');
like($res->{content}, qr/root-admin/, 'showing the user');
is($cp->get('/setup', anon => 1)->{status}, 404, '/setup is gone after');
is(setup_post(%admin, username => 'second', token => $token)->{status}, 404,
    'and cannot be posted to');
is(sql($cp, 'SELECT count(*) FROM users'), '1', 'still one user');
$cp->stop;

# --- sign-in, sessions, CSRF
$cp = CloudPAM::Test->start(workers => 2);
my $pw = $cp->make_user('olga', 'operator');

$res = $cp->get('/pools', anon => 1);
is($res->{status}, 303, 'anonymous page: 303');
is($res->{headers}{location}, '/login?next=/pools', 'to the login page, with next');

my $s = $cp->login('olga', 'wrong password!');
ok(!$s, 'a wrong password does not sign in');
is(sql($cp, "SELECT count(*) FROM audit_events WHERE action = 'login.failed' AND object_id = 'olga'"),
    '1', 'a failed sign-in is audited');
is(sql($cp, 'SELECT count(*) FROM sessions'), '0', 'and makes no session');
my $lines = do { local $/; open my $fh, '<', $cp->{log}; <$fh> };
like($lines, qr/"msg":"login failed".*"user":"olga"/, 'and is logged');

$s = $cp->login('olga', $pw);
ok($s, 'the right password signs in');
my ($value) = $s->{cookie} =~ /=(.*)/;
like($value, qr/^[A-Za-z0-9_-]{43}$/, 'the session id is 256 random bits');
is(sql($cp, 'SELECT id_hash FROM sessions'), sha256_hex($value),
    'only its SHA-256 is stored');
is(sql($cp, "SELECT count(*) FROM audit_events WHERE action = 'login'"), '1',
    'the sign-in is audited');
is(sql($cp, "SELECT actor || ' ' || actor_type FROM audit_events WHERE action = 'login'"),
    'olga user', 'with the user who signed in as the actor');
my $me = $json->decode($cp->get('/api/v1/me', cookie => $s->{cookie})->{content});
is($me->{user}{username}, 'olga', '/api/v1/me with the cookie');
is($me->{auth}, 'session', 'signed in by session');

# Fixation: an id chosen before sign-in is never accepted or kept.
my $planted = 'cloudpam_session=' . ('A' x 43);
is($cp->get('/pools', cookie => $planted)->{status}, 303,
    'a planted session id is not a session');
my $s2 = $cp->login('olga', $pw);
isnt($s2->{cookie}, $s->{cookie}, 'each sign-in gets a new id');
isnt($s2->{cookie}, $planted, 'never the planted one');

# CSRF on forms and on the API.
my $vrfs = sql($cp, 'SELECT count(*) FROM vrfs');
$res = $cp->request('POST', '/vrfs', cookie => $s->{cookie},
    form => { name => 'no-token' });
is($res->{status}, 403, 'a form POST without the CSRF token: 403');
like($res->{content}, qr/reload the page/, 'with a way out');
$res = $cp->request('POST', '/vrfs', cookie => $s->{cookie},
    form => { name => 'bad-token', csrf_token => 'x' x 43 });
is($res->{status}, 403, 'with a wrong token: 403');
$res = $cp->request('POST', '/vrfs', cookie => $s->{cookie},
    form => { name => 'other-session', csrf_token => $s2->{csrf} });
is($res->{status}, 403, "another session's token: 403");
is(sql($cp, 'SELECT count(*) FROM vrfs'), $vrfs, 'nothing was created');
is(sql($cp, "SELECT count(*) FROM audit_events WHERE action = 'vrf.create'"), '0',
    'and nothing audited');
$res = $cp->request('POST', '/vrfs', cookie => $s->{cookie},
    form => { name => 'with-token', csrf_token => $s->{csrf} });
is($res->{status}, 303, 'with the token: created');
$res = $cp->request('POST', '/api/v1/vrfs', cookie => $s->{cookie},
    json => { name => 'api-no-token' });
is($res->{status}, 403, 'API with a cookie and no X-CSRF-Token: 403');
is($json->decode($res->{content})->{error}, 'csrf', 'error csrf');
$res = $cp->request('POST', '/api/v1/vrfs', cookie => $s->{cookie},
    headers => { 'X-CSRF-Token' => $s->{csrf} }, json => { name => 'api-token' });
is($res->{status}, 201, 'API with the header: 201');
$res = $cp->post('/api/v1/vrfs', json => { name => 'by-key' });
is($res->{status}, 201, 'a Bearer key needs no CSRF token');

# Sign-out ends exactly that session.
$res = $cp->request('POST', '/logout', cookie => $s2->{cookie},
    form => { csrf_token => $s2->{csrf} });
is($res->{status}, 303, 'sign out: 303');
like(join(' ', cookies_of($res)), qr/cloudpam_session=; .*Max-Age=0/, 'the cookie is cleared');
is($cp->get('/pools', cookie => $s2->{cookie})->{status}, 303, 'that session is over');
is($cp->get('/pools', cookie => $s->{cookie})->{status}, 200, 'the other one lives');
is(sql($cp, "SELECT count(*) FROM audit_events WHERE action = 'logout'"), '1',
    'sign-out audited');

# Idle and absolute expiry (the clock moved by editing the row).
my $now = time;
my $h = sha256_hex(($s->{cookie} =~ /=(.*)/)[0]);
sql($cp, "UPDATE sessions SET last_seen_at = $now - 7201 WHERE id_hash = '$h'");
is($cp->get('/pools', cookie => $s->{cookie})->{status}, 303,
    'idle for longer than CLOUDPAM_SESSION_IDLE: signed out');
is(sql($cp, "SELECT count(*) FROM sessions WHERE id_hash = '$h'"), '0',
    'and the row is gone');
my $s3 = $cp->login('olga', $pw);
$h = sha256_hex(($s3->{cookie} =~ /=(.*)/)[0]);
sql($cp, "UPDATE sessions SET created_at = $now - 43201 WHERE id_hash = '$h'");
is($cp->get('/pools', cookie => $s3->{cookie})->{status}, 303,
    'older than CLOUDPAM_SESSION_MAX: signed out, however active');

# A password change ends every session, the changer gets a fresh one.
my $a1 = $cp->login('olga', $pw);
my $a2 = $cp->login('olga', $pw);
$res = $cp->request('POST', '/account/password', cookie => $a1->{cookie},
    form => { csrf_token => $a1->{csrf}, current_password => 'not it at all',
        new_password => 'the new passphrase', new_password_confirm => 'the new passphrase' });
is($res->{status}, 400, 'a wrong current password: 400');
like($res->{content}, qr/current password is not right/, 'beside the field');
$res = $cp->request('POST', '/account/password', cookie => $a1->{cookie},
    form => { csrf_token => $a1->{csrf}, current_password => $pw,
        new_password => 'the new passphrase', new_password_confirm => 'the new passphrase' });
is($res->{status}, 303, 'password changed');
my ($fresh) = session_cookie($res);
ok($fresh && $fresh ne $a1->{cookie}, 'with a new session for the changer');
is($cp->get('/pools', cookie => $a2->{cookie})->{status}, 303, 'the other session ended');
is($cp->get('/pools', cookie => $a1->{cookie})->{status}, 303, 'the old id too');
is($cp->get('/pools', cookie => $fresh)->{status}, 200, 'the new one works');
ok(!$cp->login('olga', $pw), 'the old password no longer works');
ok($cp->login('olga', 'the new passphrase'), 'the new one does');

# --- throttling: per user, then per address; a lock after 10
sql($cp, 'DELETE FROM login_throttle');
$pw = $cp->make_user('tim', 'viewer');
for my $i (1 .. 3) {
	ok(!$cp->login('tim', "wrong $i"), "failure $i");
}
my $pre_page = $cp->anon->get($cp->url('/login'));
my ($pc) = map { /^(cloudpam_login=[^;]+)/ ? $1 : () } cookies_of($pre_page);
my ($ft) = $pre_page->{content} =~ /name="csrf_token" value="([^"]+)"/;
# (The clock of the last failure set to now: a slow machine, say under
# AddressSanitizer, may take longer than the first 1-second delay.)
my $t_now = time;
sql($cp, "UPDATE login_throttle SET last_failure_at = $t_now + 1 WHERE key = 'user:tim'");
$res = $cp->request('POST', '/login', anon => 1, headers => { Cookie => $pc },
    form => { csrf_token => $ft, username => 'tim', password => $pw });
is($res->{status}, 429, 'after 3 failures even the right password must wait');
like($res->{content}, qr/try again in \d+ second/, 'and is told how long');
my $row = sql($cp, "SELECT failures FROM login_throttle WHERE key = 'user:tim'");
is($row, '3', 'failures counted per user');
ok(sql($cp, "SELECT failures FROM login_throttle WHERE key = 'addr:127.0.0.1'") >= 3,
    'and per client address');
sleep 3;
ok($cp->login('tim', $pw), 'after the delay the right password works');
is(sql($cp, "SELECT count(*) FROM login_throttle WHERE key = 'user:tim'"), '0',
    'and clears the count');
sql($cp, "INSERT INTO login_throttle VALUES ('user:tim', 10, $now, $now + 900)");
ok(!$cp->login('tim', $pw), 'a locked user cannot sign in');
sql($cp, 'DELETE FROM login_throttle');

# A disabled or unknown user gets the same answer as a wrong password.
my $u1 = $cp->request('POST', '/login', anon => 1, headers => { Cookie => $pc },
    form => { csrf_token => $ft, username => 'nobody-here', password => 'whatever it is' });
is($u1->{status}, 401, 'an unknown user: 401');
like($u1->{content}, qr/username or password is not right/, 'the one message');
$cp->stop;

# --- argon2 parameters: hashes are upgraded at sign-in
$cp = CloudPAM::Test->start(workers => 1);
$pw = $cp->make_user('rita', 'viewer');
like(sql($cp, "SELECT password_hash FROM users WHERE username = 'rita'"),
    qr/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'argon2id with the default parameters');
$cp->stop;
my $cp2 = CloudPAM::Test->start(workers => 1, env => { CLOUDPAM_ARGON2_T => 3 });
$pw = $cp2->make_user('sam', 'viewer');
sql($cp2, "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'sam') WHERE username = 'sam'");
like(sql($cp2, "SELECT password_hash FROM users WHERE username = 'sam'"),
    qr/t=2/, 'made with the old parameters (the CLI reads no server env)');
ok($cp2->login('sam', $pw), 'signs in');
like(sql($cp2, "SELECT password_hash FROM users WHERE username = 'sam'"),
    qr/^\$argon2id\$v=19\$m=19456,t=3,p=1\$/, 'rehashed with the new parameters');
ok($cp2->login('sam', $pw), 'and still signs in');
$cp2->stop;

done_testing;
