# HTTP behaviour of the platform through a real front server (nginx, or
# Apache with mod_proxy_fcgi in t/apache/) and worker pool:
# routing, 404/405, error envelopes, limits, security headers, escaping,
# request ids, health endpoints and settings.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Test;

my $cp = CloudPAM::Test->start(workers => 2);
my $J = 'CloudPAM::Test';

sub envelope_ok {
	my ($res, $status, $code, $name) = @_;
	is($res->{status}, $status, "$name: status $status");
	like($res->{headers}{'content-type'} // '', qr{^application/json},
	    "$name: JSON body");
	my $body = $J->json($res) // {};
	is($body->{error}, $code, "$name: error code $code");
	ok(defined $body->{message} && length $body->{message},
	    "$name: message for a person");
	is(ref $body->{detail}, 'HASH', "$name: detail object");
	return $body;
}

# --- health
my $res = $cp->get('/healthz');
is($res->{status}, 200, 'healthz 200');
is_deeply($J->json($res), { status => 'ok' }, 'healthz body');
$res = $cp->get('/readyz');
is($res->{status}, 200, 'readyz 200 on a migrated database');
is($J->json($res)->{database}, $cp->backend, 'readyz names the backend');
$res = $cp->get('/api/v1/status');
is($res->{status}, 200, 'status 200');
is($J->json($res)->{database}{schema_version},
    $J->json($res)->{database}{schema_known}, 'schema is current');

# --- routing
$res = $cp->get('/no/such/page');
is($res->{status}, 404, 'unknown page: 404');
like($res->{content}, qr{Page not found}, '404 is a page for a browser');
like($res->{headers}{'content-type'}, qr{^text/html}, '404 page is HTML');
envelope_ok($cp->get('/api/v1/nope'), 404, 'not_found', 'unknown API path');

$res = $cp->request('DELETE', '/healthz');
envelope_ok($res, 405, 'method_not_allowed', 'DELETE /healthz');
is($res->{headers}{allow}, 'GET, HEAD', '405 carries Allow: GET, HEAD');
$res = $cp->post('/api/v1/settings', json => {});
is($res->{status}, 405, 'POST on a GET/PATCH path: 405');
is($res->{headers}{allow}, 'GET, HEAD, PATCH', 'Allow lists the methods');
$res = $cp->request('HEAD', '/');
is($res->{status}, 200, 'HEAD / answers 200');
is(length($res->{content} // ''), 0, 'HEAD has no body');

# --- security headers on every response
for my $path ('/', '/search?q=x', '/no/such/page', '/healthz',
    '/api/v1/nope') {
	$res = $cp->get($path);
	my $csp = $res->{headers}{'content-security-policy'} // '';
	like($csp, qr/default-src 'none'/, "$path: CSP default-src 'none'");
	like($csp, qr/script-src 'self'(;|$)/, "$path: no inline script");
	unlike($csp, qr/unsafe-inline/, "$path: nothing unsafe-inline");
	is($res->{headers}{'x-content-type-options'}, 'nosniff',
	    "$path: nosniff");
	is($res->{headers}{'referrer-policy'}, 'same-origin',
	    "$path: Referrer-Policy");
}

# --- the page has no inline script or style, and its assets exist
$res = $cp->get('/');
unlike($res->{content}, qr{<script(?![^>]*\bsrc=)}i, 'no inline <script>');
unlike($res->{content}, qr{\sstyle=|<style}i, 'no inline style');
unlike($res->{content}, qr{\son[a-z]+=}i, 'no inline event handlers');
like($res->{content}, qr{CloudPAM}, 'home page names the product');
for my $asset ($res->{content} =~ m{(?:href|src)="(/static/[^"]+)"}g) {
	(my $url = $asset) =~ s/&amp;/&/g;
	my $a = $cp->get($url);
	is($a->{status}, 200, "asset $url served by " . $cp->front);
	like($a->{headers}{'cache-control'} // '', qr/max-age=31536000/,
	    "asset $url cached long");
}

# --- escaping
$res = $cp->get('/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
is($res->{status}, 200, 'search page answers');
unlike($res->{content}, qr{<script>alert}, '<script> query not raw');
like($res->{content}, qr{&lt;script&gt;alert\(1\)&lt;/script&gt;},
    '<script> query comes out escaped');
$res = $cp->get('/no/%22%3E%3Cimg%20src=x%3E');
unlike($res->{content}, qr{"><img src=x>}, 'path on 404 page escaped');

# --- request ids
$res = $cp->get('/healthz', headers => { 'X-Request-Id' => 'abc-123.x_y' });
is($res->{headers}{'x-request-id'}, 'abc-123.x_y', 'sane X-Request-Id kept');
$res = $cp->get('/healthz',
    headers => { 'X-Request-Id' => 'bad id <script>' });
like($res->{headers}{'x-request-id'}, qr/^[0-9a-f]{16,}$/,
    'insane X-Request-Id replaced by a generated one');
my %seen;
$seen{ $cp->get('/healthz')->{headers}{'x-request-id'} }++ for 1 .. 20;
is(scalar keys %seen, 20, 'generated ids are unique');
open my $log, '<', "$cp->{dir}/log/cloudpam.log";
my @lines = grep { /"abc-123\.x_y"/ } <$log>;
ok(@lines >= 1, 'request id appears in the JSON log');
my $line = $J->json({ content => $lines[0] }) // {};
is($line->{status}, 200, 'log line has the status');
ok(exists $line->{$_}, "log line has $_")
    for qw(time level pid method path duration_ms);

# --- JSON bodies
envelope_ok($cp->request('PATCH', '/api/v1/settings', json => '{"a":'),
    400, 'invalid_json', 'truncated JSON');
envelope_ok($cp->request('PATCH', '/api/v1/settings', json => '[1,2]'),
    400, 'invalid_json', 'JSON array instead of object');
envelope_ok($cp->request('PATCH', '/api/v1/settings', json => "{\"instance_name\":\"\xff\xfe\"}"),
    400, 'invalid_json', 'JSON with bad UTF-8');
envelope_ok($cp->request('PATCH', '/api/v1/settings',
    json => '{"instance_name":"a"} trailing'), 400, 'invalid_json',
    'trailing data after JSON');
envelope_ok($cp->request('PATCH', '/api/v1/settings',
    json => ('[' x 100) . (']' x 100)), 400, 'invalid_json',
    'JSON nested too deep');
envelope_ok($cp->request('PATCH', '/api/v1/settings', body => '{}',
    headers => { 'Content-Type' => 'text/plain' }), 415,
    'unsupported_media_type', 'wrong content type');
my $b = envelope_ok($cp->request('PATCH', '/api/v1/settings',
    json => { nope => 1 }), 400, 'unknown_field', 'unknown field');
like($b->{message}, qr/nope/, 'unknown field is named');
$b = envelope_ok($cp->request('PATCH', '/api/v1/settings',
    json => { instance_name => 42 }), 400, 'invalid_type', 'mistyped field');
is($b->{detail}{field}, 'instance_name', 'mistyped field named in detail');
envelope_ok($cp->request('PATCH', '/api/v1/settings',
    json => { instance_name => 'x' x 101 }), 400, 'invalid_value',
    'over-long name');
envelope_ok($cp->request('PATCH', '/api/v1/settings',
    json => { instance_name => "a\x{1}b" }), 400, 'invalid_value',
    'control character');
is($J->json($cp->get('/api/v1/settings'))->{instance_name}, 'CloudPAM',
    'nothing changed after the refusals');
$res = $cp->request('PATCH', '/api/v1/settings',
    json => { instance_name => "Acme <Networks> \x{e9}" });
is($res->{status}, 200, 'a good PATCH answers 200');
is($J->json($cp->get('/api/v1/settings'))->{instance_name},
    "Acme <Networks> \x{e9}", 'the change is stored');
like($cp->get('/')->{content}, qr{Acme &lt;Networks&gt;},
    'instance name shown escaped on the home page');

# --- limits
$res = $cp->request('PATCH', '/api/v1/settings',
    json => '{"instance_name":"' . ('x' x 1_200_000) . '"}');
envelope_ok($res, 413, 'body_too_large', 'body over CLOUDPAM_MAX_BODY');
$res = $cp->get('/search?' . join('&', map { "f$_=1" } 1 .. 300));
is($res->{status}, 400, 'too many query fields: 400');
$res = $cp->get('/api/v1/status?' . join('&', map { "f$_=1" } 1 .. 300));
envelope_ok($res, 400, 'too_many_fields', 'too many query fields on API');
$res = $cp->get('/healthz', headers => { 'X-Big' => 'y' x 20000 });
if ($cp->front eq 'apache') {
	# mod_proxy_fcgi cannot encode a param of more than 16384 bytes: it
	# drops the header (AH02536 in its log) and the request goes on
	# without it, so CloudPAM's own limit (16384) never sees one.
	is($res->{status}, 200, 'a header over the limit: dropped by Apache');
} else {
	envelope_ok($res, 400, 'header_too_long', 'a header over the limit');
}
$res = $cp->get('/healthz',
    headers => { map { ("X-H$_" => 'v') } 1 .. 250 });
envelope_ok($res, 400, 'too_many_headers', 'too many headers');
$res = $cp->get('/search?q=%zz');
is($res->{status}, 400, 'malformed percent-encoding: 400');

# --- theme preference
$res = $cp->post('/theme', form => { theme => 'dark', return_to => '/search' });
is($res->{status}, 303, 'theme POST redirects');
is($res->{headers}{location}, '/search', 'back to the page it came from');
like($res->{headers}{'set-cookie'}, qr/^theme=dark; Path=\/;.*SameSite=Lax/,
    'theme cookie set');
$res = $cp->post('/theme',
    form => { theme => 'dark', return_to => '//evil.example/' });
is($res->{headers}{location}, '/', 'no redirect off the site');
$res = $cp->post('/theme', form => { theme => 'purple' });
is($res->{status}, 400, 'unknown theme: 400');
$res = $cp->get('/', headers => { Cookie => 'theme=dark' });
like($res->{content}, qr{<html[^>]*data-theme="dark"}, 'theme cookie honoured');

# --- openapi
$res = $cp->get('/api/v1/openapi.yaml');
is($res->{status}, 200, 'openapi.yaml served');
like($res->{content}, qr/^openapi: 3\.1/m, 'it is OpenAPI 3.1');

$cp->stop;
done_testing;
