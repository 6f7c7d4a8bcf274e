# Single sign-on, for real: Apache with mod_auth_openidc in front of
# CloudPAM, signing people in at a real OpenID provider (the npm package
# oidc-provider, t/tools/oidc-provider.mjs) with curl and a cookie jar.
# Also: roles from groups, JIT users and their audit trail, CSRF for SSO
# sessions, headers that try to pass for an identity (through nginx and
# Apache), CLOUDPAM_TRUST_SSO off, and the production examples
# apache/cloudpam-sso.conf and nginx/cloudpam-sso.conf (syntax, then run).
# Missing apache2, mod_auth_openidc, nginx, node or oidc-provider is a
# failure, not a skip: t/tools/deps.sh installs them.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use JSON::PP;
use MIME::Base64 qw(encode_base64);
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);
use CloudPAM::Test;
use CloudPAM::SSO;

my $top = $CloudPAM::Test::TOP;
my @missing = CloudPAM::SSO::missing();
push @missing, '/usr/sbin/nginx' unless -x '/usr/sbin/nginx';
push @missing, 'openssl' if system('openssl version >/dev/null 2>&1');
if (@missing) {
	fail('SSO tests need: ' . join(', ', @missing)
	    . ' (run t/tools/deps.sh)');
	done_testing;
	exit 1;
}

# Whatever was started is stopped at the end, in reverse, even after a
# failure or a die (Apache by its pid file, the rest by pid).
my @stop;
$SIG{INT} = $SIG{TERM} = sub { exit 130 };
END {
	local $?;
	while (my $f = pop @stop) { eval { $f->() } }
}

my $json = JSON::PP->new->utf8->canonical;
sub dec { my $o = eval { $json->decode($_[0]{body} // '') }; $o // {} }
sub slurp { CloudPAM::SSO::slurp(@_) }
sub spew { CloudPAM::SSO::spew(@_) }
sub basic { 'Basic ' . encode_base64($_[0], '') }

my $T = tempdir('cloudpam-ssoconf-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $T;
mkdir "$T/$_" for qw(apache nginx);
system("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
    . "-keyout $T/key.pem -out $T/cert.pem >/dev/null 2>&1") == 0
    or BAIL_OUT('openssl failed');
chmod 0644, "$T/key.pem";

# The production examples with only paths, ports and placeholders moved.
sub localise {
	my ($text, %o) = @_;
	$text =~ s{/etc/ssl/certs/cloudpam\.crt}{$T/cert.pem}g;
	$text =~ s{/etc/ssl/private/cloudpam\.key}{$T/key.pem}g;
	$text =~ s{/var/log/nginx/}{$o{logs}/}g;
	$text =~ s{unix:/run/cloudpam/cloudpam\.sock}{unix:$o{sock}}g;
	$text =~ s{/usr/share/cloudpam/static}{$top/static}g;
	return $text;
}

my $MODS = '/usr/lib/apache2/modules';
sub apache_main {
	my ($dir, $port, $include) = @_;
	my $load = join '', map { "LoadModule ${_}_module $MODS/mod_$_.so\n" }
	    qw(mpm_event authn_core authz_core authz_host authz_user alias mime
	    headers socache_shmcb ssl http2 proxy proxy_fcgi auth_openidc);
	return <<"EOF";
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile $dir/httpd.pid
DefaultRuntimeDir $dir
ErrorLog $dir/error.log
User www-data
Group www-data
Define APACHE_LOG_DIR $dir
$load
TypesConfig /etc/mime.types
SSLSessionCache shmcb:$dir/ssl_scache(512000)
Include $include
EOF
}

sub nginx_main {
	my ($dir, $include) = @_;
	mkdir "$dir/$_" for qw(t_body t_proxy t_fastcgi t_uwsgi t_scgi);
	return <<"EOF";
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	access_log $dir/access.log;
	client_body_temp_path $dir/t_body;
	proxy_temp_path $dir/t_proxy;
	fastcgi_temp_path $dir/t_fastcgi;
	uwsgi_temp_path $dir/t_uwsgi;
	scgi_temp_path $dir/t_scgi;
	include $include;
}
EOF
}

# nginx/cloudpam-sso.conf for 127.0.0.1: http on $port80, https on
# $port, the auth service on $auth_port.
sub nginx_sso_conf {
	my ($dir, $port80, $port, $auth_port, $sock) = @_;
	my $conf = localise(slurp("$top/nginx/cloudpam-sso.conf"),
	    logs => $dir, sock => $sock);
	$conf =~ s/listen 80;/listen 127.0.0.1:$port80;/;
	$conf =~ s/listen \[::\]:80;//;
	$conf =~ s/listen 443 ssl http2;/listen 127.0.0.1:$port ssl http2;/;
	$conf =~ s/listen \[::\]:443 ssl http2;//;
	$conf =~ s/server 127\.0\.0\.1:4180;/server 127.0.0.1:$auth_port;/;
	return $conf;
}

# --- 1. the production examples are valid configuration ---------------------
{
	my $conf = localise(slurp("$top/apache/cloudpam-sso.conf"),
	    logs => "$T/apache", sock => "$T/cloudpam.sock");
	$conf =~ s/<VirtualHost \*:80>/<VirtualHost 127.0.0.1:18083>/;
	$conf =~ s/<VirtualHost \*:443>/<VirtualHost 127.0.0.1:18445>/;
	spew("$T/cloudpam-sso-apache.conf", $conf);
	my $main = apache_main("$T/apache", 18445, "$T/cloudpam-sso-apache.conf");
	$main =~ s/^(Listen .*)$/$1\nListen 127.0.0.1:18083/m;
	spew("$T/apache.conf", $main);
	my $out = `apache2 -t -f $T/apache.conf 2>&1`;
	is($? >> 8, 0, 'apache2 -t accepts apache/cloudpam-sso.conf (with '
	    . 'mod_auth_openidc)') or diag($out);
	like($out, qr/Syntax OK/, 'Apache says so');

	spew("$T/cloudpam-sso-nginx.conf",
	    nginx_sso_conf("$T/nginx", 1, 2, 3, "$T/cloudpam.sock"));
	spew("$T/nginx.conf", nginx_main("$T/nginx", "$T/cloudpam-sso-nginx.conf"));
	$out = `nginx -t -c $T/nginx.conf -p $T/nginx/ 2>&1`;
	is($? >> 8, 0, 'nginx -t accepts nginx/cloudpam-sso.conf (auth_request)')
	    or diag($out);
	like($out, qr/test is successful/, 'nginx says so');
	unlike(slurp("$top/nginx/cloudpam-sso.conf"),
	    qr/^\s*include\s+\S*fastcgi_params/m,
	    'nginx/cloudpam-sso.conf does not include fastcgi_params '
	    . '(REMOTE_USER $remote_user)');
}

# --- 2. CloudPAM trusting SSO, Apache + mod_auth_openidc, the provider --------
my %ENV_SSO = (
	CLOUDPAM_TRUST_SSO => 1,
	CLOUDPAM_SSO_ROLE_MAP => 'netadmins=admin,neteng=operator,viewers=viewer',
	CLOUDPAM_SSO_DEFAULT_ROLE => '',
);
my $cp = CloudPAM::Test->start(workers => 2, env => \%ENV_SSO);
push @stop, sub { $cp->stop };
my $sso = CloudPAM::SSO->start($cp);
push @stop, sub { $sso->stop };

my $KEY = $cp->key;
sub me { dec($sso->curl($_[0], GET => '/api/v1/me')) }
sub users {
	my %u;
	for my $r ($sso->sql('SELECT username, role, source, email, '
	    . 'display_name, updated_at FROM users ORDER BY id')) {
		my %row;
		@row{qw(role source email name updated_at)} = @$r[1 .. 5];
		$u{ $r->[0] } = \%row;
	}
	return \%u;
}
sub audit_count {
	my ($action, $user) = @_;
	my ($row) = $sso->sql("SELECT count(*) FROM audit_events WHERE action = "
	    . "'$action' AND object_type = 'user' AND object_id = CAST((SELECT "
	    . "id FROM users WHERE username = '$user') AS TEXT)");
	return $row ? $row->[0] : -1;
}
sub snapshot {
	my ($n) = $sso->sql('SELECT count(*) FROM audit_events');
	return $json->encode({ users => users(), audit => $n->[0] });
}
sub count_vrfs {
	my ($name) = @_;
	my ($n) = $sso->sql("SELECT count(*) FROM vrfs WHERE name = '$name'");
	return $n->[0];
}
sub trail { join "\n", @{ $_[0]{trail} } }

# Public paths need no sign-in; everything else sends the browser to the
# provider (authorization code flow with PKCE S256 and the groups scope).
{
	my $r = $sso->curl(undef, GET => '/healthz');
	is($r->{status}, 200, 'Apache: /healthz is public');
	$r = $sso->curl(undef, GET => '/static/css/app.css');
	is($r->{status}, 200, 'Apache: /static/ is public');
	like($r->{headers}{'content-type'} // '', qr{^text/css}, '... as text/css');
	$r = $sso->curl(undef, GET => '/pools');
	is($r->{status}, 302, 'Apache: a page without a session redirects');
	my $op = quotemeta $sso->op_url('/auth?');
	like($r->{redirect}, qr/^$op/, '... to the provider');
	like($r->{redirect}, qr/code_challenge_method=S256/, '... with PKCE S256');
	like($r->{redirect}, qr/scope=openid%20email%20profile%20groups/,
	    '... asking for groups');
}

# alice (netadmins) signs in: a JIT user, admin, audited once.
my $alice = $sso->login('alice', path => '/pools');
my $page = $alice->{response};
is($page->{status}, 200, 'alice signs in and lands on /pools')
    or diag(trail($alice) . "\n" . $sso->error_log);
is($page->{url}, $sso->url('/pools'), '... the page she asked for');
like($page->{body}, qr/Alice Liddell/, '... which shows her name');
like($page->{body}, qr/badge-role[^>]*>admin</, '... and her role, admin');
my $me = me($alice->{jar});
is($me->{user}{username}, 'alice', '/api/v1/me through Apache: alice');
is($me->{role}, 'admin', '... role admin');
is($me->{auth}, 'sso', '... signed in by SSO');
is($me->{user}{email}, 'alice@example.test', '... email from the claims');
my $u = users();
is($u->{alice}{source}, 'sso', 'alice is in the users table, source sso');
is($u->{alice}{role}, 'admin', '... with role admin');
is($u->{alice}{name}, 'Alice Liddell', '... and her name');
is(audit_count('user.sso_create', 'alice'), 1, 'one user.sso_create event');
me($alice->{jar}) for 1 .. 3;
is(audit_count('user.sso_create', 'alice'), 1, '... still one after more requests');
is(audit_count('user.sso_update', 'alice'), 0, '... and no user.sso_update');

# bob (neteng) is an operator, carol (viewers) a viewer.
my $bob = $sso->login('bob');
is($bob->{response}{status}, 200, 'bob signs in') or diag(trail($bob));
$me = me($bob->{jar});
is("$me->{user}{username} $me->{role} $me->{auth}", 'bob operator sso',
    'bob is an operator');
my $carol = $sso->login('carol', path => '/vrfs');
is($carol->{response}{status}, 200, 'carol signs in') or diag(trail($carol));
$me = me($carol->{jar});
is("$me->{user}{username} $me->{role} $me->{auth}", 'carol viewer sso',
    'carol is a viewer');
my $carol_csrf = CloudPAM::SSO->csrf_of($carol->{response});
ok($carol_csrf, 'carol\'s page carries a csrf_token');
my $r = $sso->curl($carol->{jar}, POST => '/api/v1/vrfs',
    json => { name => 'by-carol' },
    headers => { 'X-CSRF-Token' => $carol_csrf // '' });
is($r->{status}, 403, 'a viewer may not create a VRF, even with the token');
is(dec($r)->{error}, 'forbidden', '... error forbidden');
is(count_vrfs('by-carol'), 0, '... and none was created');

# dave is in no mapped group and there is no default role: refused.
my $dave = $sso->login('dave');
is($dave->{response}{status}, 403, 'dave (no mapped group) is refused: 403')
    or diag(trail($dave));
$r = $sso->curl($dave->{jar}, GET => '/api/v1/me');
is($r->{status}, 403, '... /api/v1/me: 403');
is(dec($r)->{error}, 'no_role', '... error no_role');
ok(!exists users()->{dave}, '... and no user was created for him');

# CSRF: an SSO session is ambient, like a cookie: changes need the token.
{
	my $csrf = CloudPAM::SSO->csrf_of($page);
	ok($csrf, 'alice\'s page carries a csrf_token');
	my $before = snapshot();
	$r = $sso->curl($alice->{jar}, POST => '/api/v1/vrfs',
	    json => { name => 'sso-no-token' });
	is($r->{status}, 403, 'API POST without the CSRF token: 403');
	is(dec($r)->{error}, 'csrf', '... error csrf');
	$r = $sso->curl($alice->{jar}, POST => '/api/v1/vrfs',
	    json => { name => 'sso-no-token' },
	    headers => { 'X-CSRF-Token' => $carol_csrf // 'x' });
	is($r->{status}, 403, '... with another user\'s token: 403');
	$r = $sso->curl($alice->{jar}, POST => '/vrfs',
	    form => { name => 'sso-no-token' });
	is($r->{status}, 403, 'form POST without csrf_token: 403');
	is(count_vrfs('sso-no-token'), 0, '... nothing was created');
	is(snapshot(), $before, '... nothing changed at all');

	$r = $sso->curl($alice->{jar}, POST => '/api/v1/vrfs',
	    json => { name => 'sso-api', rd => '65000:1' },
	    headers => { 'X-CSRF-Token' => $csrf // '' });
	is($r->{status}, 201, 'API POST with X-CSRF-Token: 201')
	    or diag($r->{body});
	is(count_vrfs('sso-api'), 1, '... the VRF exists');
	my ($actor) = $sso->sql("SELECT actor, actor_type FROM audit_events "
	    . "WHERE action LIKE 'vrf.%' ORDER BY id DESC LIMIT 1");
	is(join(' ', @{ $actor // [] }), 'alice user', '... audited as alice');
	$r = $sso->curl($alice->{jar}, POST => '/vrfs',
	    form => { name => 'sso-form', csrf_token => $csrf // '' });
	is($r->{status}, 303, 'form POST with csrf_token: 303') or diag($r->{body});
	is(count_vrfs('sso-form'), 1, '... the VRF exists');
}

# API keys work through Apache, and win over an SSO session.
{
	my $h = { Authorization => "Bearer $KEY" };
	$me = dec($sso->curl(undef, GET => '/api/v1/me', headers => $h));
	is("$me->{user}{username} $me->{auth}", 'admin key',
	    'Apache: an API key without SSO session works');
	$me = dec($sso->curl($carol->{jar}, GET => '/api/v1/me', headers => $h));
	is("$me->{user}{username} $me->{auth}", 'admin key',
	    '... and wins over an SSO session');
	$r = $sso->curl(undef, GET => '/api/v1/me');
	is($r->{status}, 401, 'Apache: the API without session or key: 401');
	is(dec($r)->{error}, 'unauthenticated', '... CloudPAM\'s JSON error');
}

# Groups change at the provider: the next sign-in changes the role, audited.
{
	$sso->set_groups(alice => ['viewers']);
	my $s = $sso->login('alice');
	is($s->{response}{status}, 200, 'alice signs in again (now in viewers)')
	    or diag(trail($s));
	$me = me($s->{jar});
	is("$me->{role} $me->{auth}", 'viewer sso', '... and is a viewer');
	is(users()->{alice}{role}, 'viewer', '... in the users table too');
	is(audit_count('user.sso_update', 'alice'), 1, 'one user.sso_update event');
	my ($ev) = $sso->sql("SELECT before, after FROM audit_events WHERE "
	    . "action = 'user.sso_update' ORDER BY id DESC LIMIT 1");
	my ($b, $a) = map { eval { $json->decode($_) } // {} } @{ $ev // [] };
	is("$b->{role} -> $a->{role}", 'admin -> viewer', '... before and after');
	is(audit_count('user.sso_create', 'alice'), 1, '... no second create');

	$sso->set_groups(alice => ['viewers', 'netadmins']);
	$s = $sso->login('alice');
	is(me($s->{jar})->{role}, 'admin',
	    'viewers + netadmins: the strongest role wins (admin)');
	is(audit_count('user.sso_update', 'alice'), 2, '... audited');
	$sso->set_groups(alice => ['netadmins'], bob => ['viewers', 'neteng']);
	$s = $sso->login('bob');
	is(me($s->{jar})->{role}, 'operator', 'viewers + neteng: operator');
}

# Signing out ends the Apache session.
{
	my $s = $sso->login('carol');
	is(me($s->{jar})->{auth}, 'sso', 'carol signs in once more');
	my $back = CloudPAM::SSO::uri_escape($sso->url('/healthz'));
	$r = $sso->curl($s->{jar}, GET => "/sso/redirect_uri?logout=$back");
	like($r->{status}, qr/^30[23]$/, 'logout at /sso/redirect_uri?logout=')
	    or diag($r->{body} . $sso->error_log);
	$r = $sso->curl($s->{jar}, GET => '/api/v1/me');
	is($r->{status}, 401, '... then the API says 401');
	$r = $sso->curl($s->{jar}, GET => '/pools');
	is($r->{status}, 302, '... and pages go to the provider again');
}

# --- 3. headers that try to pass for an identity -------------------------------
my @SPOOF = (
	['Remote-User', 'alice'], ['X-Remote-User', 'alice'],
	['X-Forwarded-User', 'alice'], ['X-Auth-Request-User', 'alice'],
	['X-Auth-Request-Groups', 'netadmins'], ['Auth-Type', 'openid-connect'],
	['OIDC-CLAIM-email', 'x@example.test'], ['OIDC-CLAIM-groups', 'netadmins'],
	['OIDC-CLAIM-sub', 'alice'], ['OIDC_CLAIM_sub', 'alice'],
	['OIDC_CLAIM_groups', 'netadmins'], ['REMOTE_USER', 'alice'],
);
{
	my $before = snapshot();
	my $via = 'nginx, CLOUDPAM_TRUST_SSO=1';
	$r = $sso->curl(undef, GET => $cp->url('/api/v1/me'), headers => \@SPOOF);
	is($r->{status}, 401, "$via: spoofed identity headers on the API: 401");
	is(dec($r)->{error}, 'unauthenticated', '... unauthenticated');
	$r = $sso->curl(undef, GET => $cp->url('/pools'), headers => \@SPOOF);
	is($r->{status}, 303, "$via: ... on a page: 303");
	like($r->{headers}{location} // '', qr{^/login\?next=}, '... to /login');
	$r = $sso->curl(undef, POST => $cp->url('/api/v1/vrfs'),
	    headers => \@SPOOF, json => { name => 'spoofed' });
	is($r->{status}, 401, "$via: ... on a POST: 401");
	is(count_vrfs('spoofed'), 0, '... nothing created');
	is(snapshot(), $before, "$via: no user created or changed, nothing audited");

	# nginx's stock fastcgi_params send REMOTE_USER=$remote_user: the
	# name of a client's own "Authorization: Basic", checked by nobody.
	for my $who ('alice', 'mallory') {
		my $h = [['Authorization', basic("$who:any-password")]];
		$r = $sso->curl(undef, GET => $cp->url('/api/v1/me'), headers => $h);
		isnt(dec($r)->{auth}, 'sso',
		    "$via: Authorization: Basic $who:... signs nobody in by SSO");
		# Without the front server's AUTH_TYPE, REMOTE_USER is no one.
		is($r->{status}, 401, "... the API answers 401")
		    or diag("got $r->{status} $r->{body}");
		$r = $sso->curl(undef, GET => $cp->url('/pools'), headers => $h);
		is($r->{status}, 303, "... a page redirects to /login")
		    or diag("got $r->{status}");
	}
	ok(!exists users()->{mallory}, "$via: Basic mallory:... created no user");
	is(snapshot(), $before, "$via: Basic changed no user, audited nothing");

	$via = 'Apache';
	$r = $sso->curl(undef, GET => '/healthz',
	    headers => [@SPOOF, ['Authorization', basic('alice:x')]]);
	is($r->{status}, 200, "$via: spoofed headers on the public /healthz: 200");
	$r = $sso->curl(undef, GET => '/api/v1/me', headers => \@SPOOF);
	is($r->{status}, 401, "$via: spoofed headers on the API without session: 401");
	$r = $sso->curl(undef, GET => '/api/v1/me',
	    headers => [['Authorization', basic('alice:x')]]);
	is($r->{status}, 401, "$via: Authorization: Basic alice:x on the API: 401");
	$r = $sso->curl(undef, GET => '/pools', headers => \@SPOOF);
	is($r->{status}, 302, "$via: spoofed headers on a protected page: to the provider");
	$me = dec($sso->curl($carol->{jar}, GET => '/api/v1/me', headers => \@SPOOF));
	is("$me->{user}{username} $me->{role}", 'carol viewer',
	    "$via: carol's session with alice's headers is still carol, a viewer");
	is(snapshot(), $before, "$via: no user created or changed, nothing audited");
}

# --- 4. a local user's name at the provider -------------------------------------
{
	# (local users as `cloudpam user add` makes them; erin's email and
	# name then set to what the provider will say about her)
	for my $u (['frank', 'viewer'], ['erin', 'admin']) {
		my ($name, $role) = @$u;
		$cp->make_user($name, $role);
		ok(exists users()->{$name}, "local user $name ($role) created");
	}
	$sso->sql("UPDATE users SET email = 'erin\@example.test', "
	    . "display_name = 'erin' WHERE username = 'erin'");
	$sso->set_groups(frank => ['netadmins'], erin => ['netadmins']);
	my $s = $sso->login('frank');
	$r = $sso->curl($s->{jar}, GET => '/api/v1/me');
	is($r->{status}, 403, 'a provider user named like a local user: 403');
	is(dec($r)->{error}, 'local_user', '... local_user');
	is(users()->{frank}{role}, 'viewer', '... the local user is untouched');
	# erin's email, name and (mapped) role match her local account.
	$s = $sso->login('erin');
	$r = $sso->curl($s->{jar}, GET => '/api/v1/me');
	is($r->{status}, 403, '... also when email, name and role match')
	    or diag("got $r->{status} $r->{body}");
	is(users()->{erin}{source}, 'local', '... erin stays a local user');
}

# --- 5. the production examples, running ------------------------------------------
# apache/cloudpam-sso.conf: TLS, mod_auth_openidc, the same provider flow.
{
	my $prod = CloudPAM::SSO->start($cp, scheme => 'https', conf => sub {
		my ($s) = @_;
		my $d = $s->dir;
		my $c = localise(slurp("$top/apache/cloudpam-sso.conf"),
		    logs => $d, sock => $cp->{sock});
		$c =~ s{<VirtualHost \*:80>.*?</VirtualHost>\n}{}s;
		$c =~ s{<VirtualHost \*:443>}{<VirtualHost 127.0.0.1:$s->{port}>};
		$c =~ s{ServerName ipam\.example\.com}{ServerName 127.0.0.1};
		$c =~ s{https://ipam\.example\.com}{https://127.0.0.1:$s->{port}}g;
		$c =~ s{https://idp\.example\.com/}{http://127.0.0.1:$s->{op_port}/}g;
		$c =~ s{CHANGE-ME-CLIENT-SECRET}{a-long-test-secret};
		spew("$d/cloudpam-sso.conf", $c);
		return apache_main($d, $s->{port}, "$d/cloudpam-sso.conf");
	});
	push @stop, sub { $prod->stop };
	my $via = 'apache/cloudpam-sso.conf';
	$r = $prod->curl(undef, GET => '/healthz');
	is($r->{status}, 200, "$via: /healthz is public");
	like($r->{headers}{'strict-transport-security'} // '', qr/max-age/,
	    '... over TLS, with HSTS');
	is($prod->curl(undef, GET => '/static/css/app.css')->{status}, 200,
	    "$via: /static/ is public");
	$r = $prod->curl(undef, GET => '/api/v1/me', headers => \@SPOOF);
	is($r->{status}, 401, "$via: the API without session (spoofed headers): 401");
	$r = $prod->curl(undef, GET => '/api/v1/me',
	    headers => { Authorization => "Bearer $KEY" });
	is(dec($r)->{auth}, 'key', "$via: API keys work");
	my $s = $prod->login('alice', path => '/vrfs');
	is($s->{response}{status}, 200, "$via: alice signs in")
	    or diag(trail($s) . "\n" . $prod->error_log
	    . slurp($prod->dir . '/cloudpam.error.log'));
	like($s->{response}{body}, qr/badge-role[^>]*>admin</, '... as admin');
	$me = dec($prod->curl($s->{jar}, GET => '/api/v1/me', headers => \@SPOOF));
	is("$me->{user}{username} $me->{role} $me->{auth}", 'alice admin sso',
	    "$via: /api/v1/me: alice, admin, sso");
	$prod->stop;
}

# nginx/cloudpam-sso.conf with a stand-in for oauth2-proxy: its /oauth2/auth
# vouches for whoever the cookie fake_auth names.
{
	my %who = (
		bob => [ 'bob@example.test', 'bob', 'neteng' ],
		carol => [ 'carol@example.test', 'carol', 'viewers,other' ],
	);
	my $srv = IO::Socket::INET->new(Listen => 16, LocalAddr => '127.0.0.1',
	    LocalPort => 0, Proto => 'tcp', ReuseAddr => 1) or die "listen: $!";
	my $auth_port = $srv->sockport;
	my $auth_pid = fork // die "fork: $!";
	if ($auth_pid == 0) {
		@stop = ();
		$SIG{TERM} = 'DEFAULT';
		while (my $c = $srv->accept) {
			my $head = '';
			while (defined(my $line = <$c>)) {
				$head .= $line;
				last if $line =~ /^\r?\n$/;
			}
			my ($path) = $head =~ m{^\S+ (\S+)};
			my ($user) = $head =~ /^Cookie:.*\bfake_auth=(\w+)/mi;
			my $resp = "HTTP/1.1 401 Unauthorized\r\n";
			if (($path // '') =~ m{^/oauth2/auth} && $user && $who{$user}) {
				my ($email, $name, $groups) = @{ $who{$user} };
				$resp = "HTTP/1.1 202 Accepted\r\n"
				    . "X-Auth-Request-User: $user\r\n"
				    . "X-Auth-Request-Email: $email\r\n"
				    . "X-Auth-Request-Preferred-Username: $name\r\n"
				    . "X-Auth-Request-Groups: $groups\r\n";
			} elsif (($path // '') !~ m{^/oauth2/auth}) {
				$resp = "HTTP/1.1 404 Not Found\r\n";
			}
			print $c $resp, "Content-Length: 0\r\nConnection: close\r\n\r\n";
			close $c;
		}
		POSIX::_exit(0);
	}
	close $srv;
	push @stop, sub { kill 'TERM', $auth_pid; waitpid($auth_pid, 0) };

	my $d = tempdir('cloudpam-ssonginx-XXXXXX', TMPDIR => 1, CLEANUP => 1);
	chmod 0755, $d;
	my ($port80, $port) = (CloudPAM::Test::free_port(),
	    CloudPAM::Test::free_port());
	spew("$d/sso.conf",
	    nginx_sso_conf($d, $port80, $port, $auth_port, $cp->{sock}));
	spew("$d/nginx.conf", nginx_main($d, "$d/sso.conf"));
	my $ngx = fork // die "fork: $!";
	if ($ngx == 0) {
		open STDOUT, '>>', "$d/nginx.out";
		open STDERR, '>>', "$d/nginx.out";
		exec 'nginx', '-c', "$d/nginx.conf", '-p', "$d/", '-e',
		    "$d/nginx-error.log" or POSIX::_exit(127);
	}
	push @stop, sub {
		kill 'QUIT', $ngx;
		my $t = time + 10;
		sleep 0.02 while waitpid($ngx, WNOHANG) == 0 && time < $t;
		kill 'KILL', $ngx if waitpid($ngx, WNOHANG) == 0;
	};
	my $url = "https://127.0.0.1:$port";
	my $deadline = time + 10;
	do { $r = $sso->curl(undef, GET => "$url/healthz"); sleep 0.05 }
	    while $r->{status} != 200 && time < $deadline;
	my $via = 'nginx/cloudpam-sso.conf';
	is($r->{status}, 200, "$via: /healthz is public")
	    or diag(slurp("$d/nginx-error.log") . slurp("$d/nginx.out"));
	is($sso->curl(undef, GET => "$url/static/css/app.css")->{status}, 200,
	    "$via: /static/ is public");
	my $bob = [['Cookie', 'fake_auth=bob']];
	$me = dec($sso->curl(undef, GET => "$url/api/v1/me", headers => $bob));
	is("$me->{user}{username} $me->{role} $me->{auth}", 'bob operator sso',
	    "$via: the auth service's answer signs bob in (operator)");
	$r = $sso->curl(undef, GET => "$url/vrfs", headers => $bob);
	is($r->{status}, 200, "$via: bob sees a page");
	my $csrf = CloudPAM::SSO->csrf_of($r);
	$r = $sso->curl(undef, POST => "$url/api/v1/vrfs", headers =>
	    [@$bob, ['X-CSRF-Token', $csrf // '']], json => { name => 'via-nginx' });
	is($r->{status}, 201, "$via: bob's POST with its body passes auth_request")
	    or diag($r->{body});
	$me = dec($sso->curl(undef, GET => "$url/api/v1/me", headers =>
	    [['Cookie', 'fake_auth=carol'], @SPOOF,
	    ['Authorization', basic('alice:x')]]));
	is("$me->{user}{username} $me->{role}", 'carol viewer',
	    "$via: carol with alice's headers and Basic alice: still carol");
	my $before = snapshot();
	$r = $sso->curl(undef, GET => "$url/api/v1/me", headers =>
	    [@SPOOF, ['Authorization', basic('alice:x')]]);
	is($r->{status}, 401, "$via: no session, spoofed headers and Basic "
	    . "alice: 401") or diag($r->{body});
	$r = $sso->curl(undef, GET => "$url/pools", headers =>
	    [['Authorization', basic('alice:x')]]);
	is($r->{status}, 302, "$via: ... a page redirects to sign in");
	like($r->{headers}{location} // '', qr{/oauth2/start\?rd=/pools},
	    '... at the auth service');
	$r = $sso->curl(undef, GET => "$url/healthz",
	    headers => [['Authorization', basic('mallory:x')]]);
	is(snapshot(), $before, "$via: nobody created or changed");
	$r = $sso->curl(undef, GET => "$url/api/v1/me",
	    headers => { Authorization => "Bearer $KEY" });
	is(dec($r)->{auth}, 'key', "$via: API keys work");
}

# --- 6. CLOUDPAM_TRUST_SSO unset: a real SSO login signs nobody in ------------------
{
	$sso->stop;
	my %env = %ENV_SSO;
	delete $env{CLOUDPAM_TRUST_SSO};
	my $cp2 = CloudPAM::Test->start(workers => 1, env => \%env);
	push @stop, sub { $cp2->stop };
	my $sso2 = CloudPAM::SSO->start($cp2);
	push @stop, sub { $sso2->stop };
	my $s = $sso2->login('alice', path => '/pools');
	like($s->{response}{url}, qr{/login\?next=(?:%2F|/)pools$},
	    'TRUST_SSO unset: after a real SSO login CloudPAM sends alice to /login')
	    or diag(trail($s));
	unlike($s->{response}{body}, qr/Alice Liddell/, '... not signed in');
	$r = $sso2->curl($s->{jar}, GET => '/api/v1/me');
	is($r->{status}, 401, '... /api/v1/me through Apache: 401');
	my @users = map { $_->[0] } $sso2->sql('SELECT username FROM users');
	is("@users", 'admin', '... and no user was created');
}

done_testing;
