# The catalog API through a real nginx and worker pool: VRFs, accounts and
# the special-purpose ranges.  Every refusal is checked for its status,
# error code and field, and for leaving the database as it was.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Test;

my $cp = CloudPAM::Test->start(workers => 2);
my $J = 'CloudPAM::Test';

# The catalog and pool tables as text, on either backend.
sub snapshot {
	return join "\n--\n",
	    map { $cp->sql("SELECT * FROM $_ ORDER BY 1") }
	    qw(vrfs accounts pools free_blocks special_ranges);
}

sub count_of {
	my ($table) = @_;
	return $cp->sql("SELECT count(*) FROM $table");
}

sub call {
	my ($method, $path, %opt) = @_;
	return $cp->request($method, $path, %opt);
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
	like($res->{headers}{'content-type'} // '', qr{^application/json},
	    "$name: JSON envelope");
	is($body->{error}, $code, "$name: error $code");
	ok(defined $body->{message} && length $body->{message},
	    "$name: message for a person");
	is($body->{detail}{field}, $field, "$name: names $field")
	    if defined $field;
	is(snapshot(), $before, "$name: database unchanged");
	return $body;
}

sub ok_json {
	my ($name, $res, $status) = @_;
	is($res->{status}, $status, "$name: status $status")
	    or diag($res->{content});
	return $J->json($res) // {};
}

my $BAD_UTF8 = "{\"name\":\"caf\xe9\"}";

# === VRFs ===============================================================

my $list = ok_json('list VRFs', $cp->get('/api/v1/vrfs'), 200);
is($list->{total}, 1, 'a fresh database has one VRF');
is($list->{page}, 1, 'page 1');
is($list->{page_size}, 50, 'default page size 50');
is($list->{items}[0]{id}, 1, 'the default VRF has id 1');
is($list->{items}[0]{name}, 'default', 'and is named default');
is($list->{items}[0]{pools_count}, 0, 'it holds no pools');

my $res = call('POST', '/api/v1/vrfs',
    json => { name => 'prod', rd => '65000:1', description => 'Production' });
my $prod = ok_json('create VRF', $res, 201);
like($res->{headers}{location} // '', qr{^/api/v1/vrfs/(\d+)$},
    'create answers a Location');
is($res->{headers}{location}, "/api/v1/vrfs/$prod->{id}",
    'Location names the new VRF');
is($prod->{name}, 'prod', 'name stored');
is($prod->{rd}, '65000:1', 'rd stored');
is($prod->{description}, 'Production', 'description stored');
is($prod->{pools_count}, 0, 'pools_count 0');
ok($prod->{created_at} && $prod->{updated_at}, 'timestamps set');
is_deeply(ok_json('get VRF', $cp->get($res->{headers}{location}), 200),
    $prod, 'GET Location answers the created VRF');

my $lab = ok_json('create VRF with name only',
    call('POST', '/api/v1/vrfs', json => { name => 'lab' }), 201);
is($lab->{rd}, '', 'rd defaults to empty');
is($lab->{description}, '', 'description defaults to empty');

refused('duplicate VRF name', 'POST', '/api/v1/vrfs', 409, 'conflict',
    'name', json => { name => 'prod' });
refused('duplicate VRF name, other case', 'POST', '/api/v1/vrfs', 409,
    'conflict', 'name', json => { name => 'PROD' });
refused('VRF without name', 'POST', '/api/v1/vrfs', 400, 'missing_field',
    'name', json => { rd => '65000:9' });
refused('VRF name over 64', 'POST', '/api/v1/vrfs', 400, 'invalid_value',
    'name', json => { name => 'v' x 65 });
refused('VRF name empty', 'POST', '/api/v1/vrfs', 400, 'invalid_value',
    'name', json => { name => '' });
refused('VRF name with a space', 'POST', '/api/v1/vrfs', 400,
    'invalid_value', 'name', json => { name => 'my vrf' });
refused('VRF name a number', 'POST', '/api/v1/vrfs', 400, 'invalid_type',
    'name', json => { name => 42 });
refused('VRF name null', 'POST', '/api/v1/vrfs', 400, 'invalid_type',
    'name', json => '{"name":null}');
refused('VRF rd an object', 'POST', '/api/v1/vrfs', 400, 'invalid_type',
    'rd', json => { name => 'x1', rd => {} });
refused('VRF description over 1000', 'POST', '/api/v1/vrfs', 400,
    'invalid_value', 'description',
    json => { name => 'x2', description => 'd' x 1001 });
refused('VRF description with a control character', 'POST',
    '/api/v1/vrfs', 400, 'invalid_value', 'description',
    json => '{"name":"x3","description":"a\u0001b"}');
my $b = refused('VRF unknown field', 'POST', '/api/v1/vrfs', 400,
    'unknown_field', undef, json => { name => 'x4', colour => 'red' });
like($b->{message}, qr/colour/, 'the unknown field is named');
refused('VRF malformed JSON', 'POST', '/api/v1/vrfs', 400, 'invalid_json',
    undef, json => '{"name":');
refused('VRF JSON array', 'POST', '/api/v1/vrfs', 400, 'invalid_json',
    undef, json => '["prod"]');
refused('VRF non-UTF-8 name', 'POST', '/api/v1/vrfs', 400, 'invalid_json',
    undef, json => $BAD_UTF8);
refused('VRF form body', 'POST', '/api/v1/vrfs', 415,
    'unsupported_media_type', undef, form => { name => 'x5' });

$res = call('PATCH', "/api/v1/vrfs/$prod->{id}",
    json => { description => 'Production, EU' });
my $patched = ok_json('PATCH VRF description', $res, 200);
is($patched->{description}, 'Production, EU', 'description changed');
is($patched->{name}, 'prod', 'name kept');
is($patched->{rd}, '65000:1', 'rd kept');
$patched = ok_json('PATCH VRF name and rd',
    call('PATCH', "/api/v1/vrfs/$lab->{id}",
        json => { name => 'lab-2', rd => '65000:2' }), 200);
is($patched->{name}, 'lab-2', 'renamed');
is($patched->{rd}, '65000:2', 'rd set');
is(ok_json('GET after PATCH', $cp->get("/api/v1/vrfs/$lab->{id}"), 200)
    ->{name}, 'lab-2', 'the rename is stored');

refused('PATCH VRF nothing', 'PATCH', "/api/v1/vrfs/$prod->{id}", 400,
    'empty_change', undef, json => {});
refused('PATCH VRF onto a taken name', 'PATCH', "/api/v1/vrfs/$prod->{id}",
    409, 'conflict', 'name', json => { name => 'Default' });
refused('PATCH VRF bad name', 'PATCH', "/api/v1/vrfs/$prod->{id}", 400,
    'invalid_value', 'name', json => { name => 'a/b' });
refused('PATCH VRF name null', 'PATCH', "/api/v1/vrfs/$prod->{id}", 400,
    'invalid_type', 'name', json => '{"name":null}');
refused('PATCH VRF unknown field', 'PATCH', "/api/v1/vrfs/$prod->{id}",
    400, 'unknown_field', undef, json => { id => 7 });
refused('PATCH VRF malformed JSON', 'PATCH', "/api/v1/vrfs/$prod->{id}",
    400, 'invalid_json', undef, json => '{"name" "x"}');
refused('PATCH unknown VRF', 'PATCH', '/api/v1/vrfs/999', 404, 'not_found',
    undef, json => { description => 'x' });
refused('GET unknown VRF', 'GET', '/api/v1/vrfs/999', 404, 'not_found');
refused('GET VRF by a non-numeric id', 'GET', '/api/v1/vrfs/abc', 404,
    'not_found');
refused('delete the default VRF', 'DELETE', '/api/v1/vrfs/1', 409,
    'default_vrf');
refused('delete unknown VRF', 'DELETE', '/api/v1/vrfs/999', 404,
    'not_found');
refused('PUT on a VRF', 'PUT', "/api/v1/vrfs/$prod->{id}", 405,
    'method_not_allowed', undef, json => { name => 'x' });

# --- paging
refused('VRF page_size over the cap', 'GET', '/api/v1/vrfs?page_size=1001',
    400, 'invalid_parameter', 'page_size');
refused('VRF page_size 0', 'GET', '/api/v1/vrfs?page_size=0', 400,
    'invalid_parameter', 'page_size');
refused('VRF page 0', 'GET', '/api/v1/vrfs?page=0', 400,
    'invalid_parameter', 'page');
refused('VRF page not a number', 'GET', '/api/v1/vrfs?page=2x', 400,
    'invalid_parameter', 'page');
$list = ok_json('VRF page_size at the cap',
    $cp->get('/api/v1/vrfs?page_size=1000'), 200);
is($list->{page_size}, 1000, 'page_size 1000 taken');
is($list->{total}, 3, 'three VRFs');
is_deeply([ map { $_->{name} } @{ $list->{items} } ],
    [ 'default', 'prod', 'lab-2' ], 'listed in id order');
$list = ok_json('VRF page 2 of 1',
    $cp->get('/api/v1/vrfs?page=2&page_size=1'), 200);
is(scalar @{ $list->{items} }, 1, 'one item on the page');
is($list->{items}[0]{name}, 'prod', 'the second VRF');
is($list->{total}, 3, 'total counts every VRF');
$list = ok_json('VRF page past the end',
    $cp->get('/api/v1/vrfs?page=9&page_size=10'), 200);
is_deeply($list->{items}, [], 'no items past the end');

# --- delete
my $tmp = ok_json('create a VRF to delete',
    call('POST', '/api/v1/vrfs', json => { name => 'scratch' }), 201);
is_deeply(ok_json('delete VRF',
    call('DELETE', "/api/v1/vrfs/$tmp->{id}"), 200), { deleted => 1 },
    'delete answers {"deleted": 1}');
refused('GET deleted VRF', 'GET', "/api/v1/vrfs/$tmp->{id}", 404,
    'not_found');
refused('delete VRF twice', 'DELETE', "/api/v1/vrfs/$tmp->{id}", 404,
    'not_found');
is(count_of('vrfs'), 3, 'three VRFs left in the database');

# === accounts ===========================================================

$list = ok_json('list accounts', $cp->get('/api/v1/accounts'), 200);
is_deeply($list, { items => [], total => 0, page => 1, page_size => 50 },
    'no accounts yet');

my %aws = (provider => 'aws', external_key => 'aws:123456789012',
    name => 'Prod AWS', platform => 'aws-org', tier => 'prd',
    environment => 'production', regions => [ 'eu-west-1', 'us-east-1' ],
    tags => { team => 'net', 'cost.centre' => '42' },
    description => 'The production organisation');
$res = call('POST', '/api/v1/accounts', json => \%aws);
my $acct = ok_json('create AWS account', $res, 201);
is($res->{headers}{location}, "/api/v1/accounts/$acct->{id}",
    'Location names the new account');
is($acct->{$_}, $aws{$_}, "$_ stored")
    for qw(provider external_key name platform tier environment description);
is_deeply($acct->{regions}, $aws{regions}, 'regions stored as an array');
is_deeply($acct->{tags}, $aws{tags}, 'tags stored as an object');
is($acct->{pools_count}, 0, 'pools_count 0');
is_deeply(ok_json('GET account', $cp->get($res->{headers}{location}), 200),
    $acct, 'GET Location answers the created account');

my $gcp = ok_json('create GCP project',
    call('POST', '/api/v1/accounts', json => { provider => 'gcp',
        external_key => 'gcp:my-project-01', name => 'Data' }), 201);
is($gcp->{tier}, '', 'tier defaults to empty');
is_deeply($gcp->{regions}, [], 'regions default to []');
is_deeply($gcp->{tags}, {}, 'tags default to {}');
my $azure = ok_json('create Azure subscription',
    call('POST', '/api/v1/accounts', json => { provider => 'azure',
        external_key => 'azure:0b1f6c1e-1234-4abc-9def-0123456789ab',
        name => 'Corp', tier => 'dev' }), 201);
my @many = map { "region-$_" } 1 .. 64;
my $dc = ok_json('create on-prem account with 64 regions',
    call('POST', '/api/v1/accounts', json => { provider => 'onprem',
        external_key => 'dc:fra1', name => 'Frankfurt DC',
        regions => \@many }), 201);
is(scalar @{ $dc->{regions} }, 64, 'all 64 regions stored');
is(count_of('accounts'), 4, 'four accounts in the database');

my %good = (provider => 'aws', external_key => 'aws:210987654321',
    name => 'Fresh');
sub with { my %o = (%good, @_); delete $o{$_} for grep { !defined $o{$_} }
    keys %o; return \%o }

refused('duplicate provider and key', 'POST', '/api/v1/accounts', 409,
    'conflict', 'external_key',
    json => with(external_key => 'aws:123456789012'));
refused('unknown provider', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'provider', json => with(provider => 'ibm'));
$b = refused('AWS key of 5 digits', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'external_key', json => with(external_key => 'aws:12345'));
like($b->{message}, qr/12 digits/, 'the message gives the AWS form');
refused('AWS key without prefix', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'external_key',
    json => with(external_key => '123456789012'));
$b = refused('GCP key with capitals and _', 'POST', '/api/v1/accounts',
    400, 'invalid_value', 'external_key',
    json => with(provider => 'gcp', external_key => 'gcp:Bad_Project'));
like($b->{message}, qr/GCP/, 'the message names GCP');
$b = refused('Azure key not a UUID', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'external_key',
    json => with(provider => 'azure', external_key => 'azure:not-a-uuid'));
like($b->{message}, qr/UUID/, 'the message asks for a UUID');
refused('AWS provider with a GCP key', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'external_key',
    json => with(external_key => 'gcp:my-project-01'));
refused('account without name', 'POST', '/api/v1/accounts', 400,
    'missing_field', 'name', json => with(name => undef));
refused('account without provider', 'POST', '/api/v1/accounts', 400,
    'missing_field', 'provider', json => with(provider => undef));
refused('account without external_key', 'POST', '/api/v1/accounts', 400,
    'missing_field', 'external_key', json => with(external_key => undef));
refused('account name empty', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'name', json => with(name => ''));
refused('account name over 100', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'name', json => with(name => 'n' x 101));
refused('account name a number', 'POST', '/api/v1/accounts', 400,
    'invalid_type', 'name', json => with(name => 7));
refused('provider a boolean', 'POST', '/api/v1/accounts', 400,
    'invalid_type', 'provider',
    json => '{"provider":true,"external_key":"aws:210987654321","name":"x"}');
refused('unknown tier', 'POST', '/api/v1/accounts', 400, 'invalid_value',
    'tier', json => with(tier => 'gold'));
refused('regions a string', 'POST', '/api/v1/accounts', 400,
    'invalid_type', 'regions', json => with(regions => 'eu-west-1'));
refused('regions holding a number', 'POST', '/api/v1/accounts', 400,
    'invalid_type', 'regions', json => with(regions => [1]));
refused('region in capitals', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'regions', json => with(regions => ['EU-WEST-1']));
refused('region empty', 'POST', '/api/v1/accounts', 400, 'invalid_value',
    'regions', json => with(regions => ['']));
refused('region over 64', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'regions', json => with(regions => [ 'r' x 65 ]));
refused('region with a space', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'regions', json => with(regions => ['eu west']));
refused('region listed twice', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'regions',
    json => with(regions => [ 'eu-west-1', 'eu-west-1' ]));
refused('65 regions', 'POST', '/api/v1/accounts', 400, 'invalid_value',
    'regions', json => with(regions => [ @many, 'region-65' ]));
refused('tags an array', 'POST', '/api/v1/accounts', 400, 'invalid_type',
    'tags', json => with(tags => ['a']));
refused('tag value a number', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'tags', json => with(tags => { team => 1 }));
refused('tag name with a space', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'tags', json => with(tags => { 'a b' => 'x' }));
refused('account unknown field', 'POST', '/api/v1/accounts', 400,
    'unknown_field', undef, json => with(owner => 'me'));
refused('account malformed JSON', 'POST', '/api/v1/accounts', 400,
    'invalid_json', undef, json => '{"provider":"aws",');
refused('account non-UTF-8 name', 'POST', '/api/v1/accounts', 400,
    'invalid_json', undef, json => "{\"provider\":\"aws\",\"external_key\":"
    . "\"aws:210987654321\",\"name\":\"caf\xe9\"}");
refused('account description with NUL', 'POST', '/api/v1/accounts', 400,
    'invalid_value', 'description',
    json => '{"provider":"aws","external_key":"aws:210987654321",'
    . '"name":"x","description":"a\u0000b"}');
is(count_of('accounts'), 4, 'still four accounts after the refusals');

# --- list and filters
$list = ok_json('list accounts', $cp->get('/api/v1/accounts'), 200);
is($list->{total}, 4, 'four accounts listed');
is_deeply([ map { $_->{name} } @{ $list->{items} } ],
    [ 'Corp', 'Data', 'Frankfurt DC', 'Prod AWS' ], 'in name order');
$list = ok_json('q by name', $cp->get('/api/v1/accounts?q=prod'), 200);
is_deeply([ map { $_->{id} } @{ $list->{items} } ], [ $acct->{id} ],
    'q matches part of a name, any case');
$list = ok_json('q by key', $cp->get('/api/v1/accounts?q=my-project'), 200);
is_deeply([ map { $_->{id} } @{ $list->{items} } ], [ $gcp->{id} ],
    'q matches part of an external key');
$list = ok_json('q with a LIKE wildcard', $cp->get('/api/v1/accounts?q=%25'),
    200);
is($list->{total}, 0, '% is matched literally');
$list = ok_json('provider filter',
    $cp->get('/api/v1/accounts?provider=azure'), 200);
is_deeply([ map { $_->{id} } @{ $list->{items} } ], [ $azure->{id} ],
    'provider=azure finds the subscription');
$list = ok_json('paging accounts',
    $cp->get('/api/v1/accounts?page=2&page_size=3'), 200);
is_deeply([ map { $_->{name} } @{ $list->{items} } ], ['Prod AWS'],
    'page 2 of 3 holds the fourth');
is($list->{total}, 4, 'total on page 2');
refused('unknown provider filter', 'GET', '/api/v1/accounts?provider=ibm',
    400, 'invalid_parameter', 'provider');
refused('accounts page_size over the cap', 'GET',
    '/api/v1/accounts?page_size=1001', 400, 'invalid_parameter',
    'page_size');
refused('q over 200 bytes', 'GET', '/api/v1/accounts?q=' . ('x' x 201),
    400, 'invalid_parameter', 'q');
refused('GET unknown account', 'GET', '/api/v1/accounts/999', 404,
    'not_found');

# --- PATCH
$patched = ok_json('PATCH account name',
    call('PATCH', "/api/v1/accounts/$acct->{id}",
        json => { name => 'Production AWS' }), 200);
is($patched->{name}, 'Production AWS', 'name changed');
is_deeply($patched->{regions}, $aws{regions}, 'regions kept');
is_deeply($patched->{tags}, $aws{tags}, 'tags kept');
is($patched->{$_}, $aws{$_}, "$_ kept")
    for qw(provider external_key platform tier environment description);
$patched = ok_json('PATCH regions, tags and tier',
    call('PATCH', "/api/v1/accounts/$acct->{id}",
        json => { regions => [], tags => { team => 'sre' }, tier => '' }),
    200);
is_deeply($patched->{regions}, [], 'regions emptied');
is_deeply($patched->{tags}, { team => 'sre' }, 'tags replaced');
is($patched->{tier}, '', 'tier cleared');
is_deeply(ok_json('GET after PATCH', $cp->get("/api/v1/accounts/$acct->{id}"),
    200), $patched, 'the change is stored');

refused('PATCH provider alone (key of another form)', 'PATCH',
    "/api/v1/accounts/$gcp->{id}", 400, 'invalid_value', 'external_key',
    json => { provider => 'aws' });
refused('PATCH to a taken key', 'PATCH', "/api/v1/accounts/$gcp->{id}",
    409, 'conflict', 'external_key',
    json => { provider => 'aws', external_key => 'aws:123456789012' });
refused('PATCH bad AWS key', 'PATCH', "/api/v1/accounts/$acct->{id}", 400,
    'invalid_value', 'external_key', json => { external_key => 'aws:12345' });
refused('PATCH unknown provider', 'PATCH', "/api/v1/accounts/$acct->{id}",
    400, 'invalid_value', 'provider', json => { provider => 'ibm' });
refused('PATCH empty name', 'PATCH', "/api/v1/accounts/$acct->{id}", 400,
    'invalid_value', 'name', json => { name => '' });
refused('PATCH bad region', 'PATCH', "/api/v1/accounts/$acct->{id}", 400,
    'invalid_value', 'regions', json => { regions => ['eu_west_1'] });
refused('PATCH account nothing', 'PATCH', "/api/v1/accounts/$acct->{id}",
    400, 'empty_change', undef, json => {});
refused('PATCH account unknown field', 'PATCH',
    "/api/v1/accounts/$acct->{id}", 400, 'unknown_field', undef,
    json => { pools_count => 3 });
refused('PATCH unknown account', 'PATCH', '/api/v1/accounts/999', 404,
    'not_found', undef, json => { name => 'x' });
$patched = ok_json('PATCH provider and key together',
    call('PATCH', "/api/v1/accounts/$gcp->{id}",
        json => { provider => 'aws', external_key => 'aws:555555555555' }),
    200);
is($patched->{provider}, 'aws', 'provider changed');
is($patched->{external_key}, 'aws:555555555555', 'key changed');

# === pools in VRFs and accounts =========================================

$res = call('POST', '/api/v1/pools', json => { name => 'x',
    cidr => '10.0.0.0/8', vrf_id => $prod->{id}, account_id => $acct->{id} });
my $pool = ok_json('create a pool in the VRF and account', $res, 201);
is(ok_json('VRF counts its pool',
    $cp->get("/api/v1/vrfs/$prod->{id}"), 200)->{pools_count}, 1,
    'pools_count 1 on the VRF');
is(ok_json('account counts its pool',
    $cp->get("/api/v1/accounts/$acct->{id}"), 200)->{pools_count}, 1,
    'pools_count 1 on the account');
refused('delete a VRF that holds pools', 'DELETE',
    "/api/v1/vrfs/$prod->{id}", 409, 'in_use');
refused('delete an account pools use', 'DELETE',
    "/api/v1/accounts/$acct->{id}", 409, 'in_use');
refused('delete unknown account', 'DELETE', '/api/v1/accounts/999', 404,
    'not_found');
is_deeply(ok_json('delete an unused account',
    call('DELETE', "/api/v1/accounts/$azure->{id}"), 200), { deleted => 1 },
    'delete answers {"deleted": 1}');
refused('GET deleted account', 'GET', "/api/v1/accounts/$azure->{id}", 404,
    'not_found');
is(count_of('accounts'), 3, 'three accounts left');
ok_json('delete the pool', call('DELETE', "/api/v1/pools/$pool->{id}"), 200);
is_deeply(ok_json('delete the VRF once empty',
    call('DELETE', "/api/v1/vrfs/$prod->{id}"), 200), { deleted => 1 },
    'an emptied VRF can be deleted');
is_deeply(ok_json('delete the account once unused',
    call('DELETE', "/api/v1/accounts/$acct->{id}"), 200), { deleted => 1 },
    'an unused account can be deleted');

# === special-purpose ranges =============================================

$list = ok_json('list special ranges', $cp->get('/api/v1/special-ranges'),
    200);
my $rows = count_of('special_ranges');
ok($rows > 20, "the IANA table is seeded ($rows rows)");
is($list->{total}, $rows, 'total is every row');
is(scalar @{ $list->{items} }, $rows, 'one page holds every row');
is($list->{page_size}, 1000, 'page_size defaults to the cap');
my %by_cidr = map { $_->{cidr} => $_ } @{ $list->{items} };
my $doc = $by_cidr{'192.0.2.0/24'};
my $private = $by_cidr{'10.0.0.0/8'};
ok($doc && $private, 'documentation and private-use rows listed');
is_deeply([ sort keys %$doc ], [ sort qw(id cidr name reference registry
    category always_allowed allowed) ], 'a row has exactly its fields');
is($doc->{category}, 'documentation', '192.0.2.0/24 is documentation');
is($doc->{reference}, 'RFC 5737', 'with its RFC');
ok(JSON::PP::is_bool($doc->{allowed}) && !$doc->{allowed},
    'documentation refused by default (a JSON boolean)');
ok(JSON::PP::is_bool($doc->{always_allowed}) && !$doc->{always_allowed},
    'documentation is not always allowed');
ok($private->{always_allowed} && $private->{allowed},
    'private-use is always allowed');
$list = ok_json('page of special ranges',
    $cp->get('/api/v1/special-ranges?page=2&page_size=5'), 200);
is(scalar @{ $list->{items} }, 5, 'five rows on page 2');
is($list->{total}, $rows, 'total on page 2');
refused('special page_size over the cap', 'GET',
    '/api/v1/special-ranges?page_size=1001', 400, 'invalid_parameter',
    'page_size');

my $pool_doc = { name => 'docs', cidr => '192.0.2.0/24' };
$b = refused('pool in documentation space', 'POST', '/api/v1/pools', 400,
    'special_range', 'cidr', json => $pool_doc);
like($b->{message}, qr/Documentation|RFC 5737|192\.0\.2\.0\/24/,
    'the refusal names the registry entry');

$b = refused('refuse private-use space', 'PATCH',
    "/api/v1/special-ranges/$private->{id}", 409, 'always_allowed', undef,
    json => { allowed => JSON::PP::false });
like($b->{message}, qr{10\.0\.0\.0/8}, 'the message names the range');
refused('allow private-use space again', 'PATCH',
    "/api/v1/special-ranges/$private->{id}", 409, 'always_allowed', undef,
    json => { allowed => JSON::PP::true });
refused('PATCH unknown special range', 'PATCH',
    '/api/v1/special-ranges/999999', 404, 'not_found', undef,
    json => { allowed => JSON::PP::true });
refused('PATCH special without allowed', 'PATCH',
    "/api/v1/special-ranges/$doc->{id}", 400, 'missing_field', 'allowed',
    json => {});
refused('PATCH special allowed a string', 'PATCH',
    "/api/v1/special-ranges/$doc->{id}", 400, 'invalid_type', 'allowed',
    json => { allowed => 'yes' });
refused('PATCH special allowed 1', 'PATCH',
    "/api/v1/special-ranges/$doc->{id}", 400, 'invalid_type', 'allowed',
    json => '{"allowed":1}');
refused('PATCH special unknown field', 'PATCH',
    "/api/v1/special-ranges/$doc->{id}", 400, 'unknown_field', undef,
    json => '{"allowed":true,"cidr":"0.0.0.0/0"}');
refused('PATCH special malformed JSON', 'PATCH',
    "/api/v1/special-ranges/$doc->{id}", 400, 'invalid_json', undef,
    json => '{"allowed":tru}');
refused('DELETE a special range', 'DELETE',
    "/api/v1/special-ranges/$doc->{id}", 405, 'method_not_allowed');

$res = call('PATCH', "/api/v1/special-ranges/$doc->{id}",
    json => { allowed => JSON::PP::true });
my $row = ok_json('allow documentation space', $res, 200);
is_deeply($row, { %$doc, allowed => JSON::PP::true },
    'answers the row, now allowed');
is($cp->sql("SELECT CASE WHEN allowed THEN 1 ELSE 0 END FROM special_ranges "
    . "WHERE cidr = '192.0.2.0/24'"), 1, 'stored as allowed');
$pool = ok_json('pool in allowed documentation space',
    call('POST', '/api/v1/pools', json => $pool_doc), 201);
is($pool->{cidr}, '192.0.2.0/24', 'the pool is created');

my $bench = $by_cidr{'198.18.0.0/15'};
ok($bench, 'benchmarking row listed');
ok_json('allow benchmarking', call('PATCH',
    "/api/v1/special-ranges/$bench->{id}",
    json => { allowed => JSON::PP::true }), 200);
$row = ok_json('refuse benchmarking again', call('PATCH',
    "/api/v1/special-ranges/$bench->{id}",
    json => { allowed => JSON::PP::false }), 200);
ok(!$row->{allowed}, 'refused again');
refused('pool in benchmarking space once refused again', 'POST',
    '/api/v1/pools', 400, 'special_range', 'cidr',
    json => { name => 'bench', cidr => '198.18.0.0/15' });

# --- nothing above was answered with a 5xx
open my $log, '<', $cp->{log} or die;
my @errors = grep { /"status":5\d\d/ } <$log>;
is(scalar @errors, 0, 'no 5xx in the request log') or diag(@errors);

done_testing;
