# The pools group of the API through a real front server and worker pool
# on a fresh database (SQLite; PostgreSQL in t/pg/, Apache in t/apache/): creating pools under the rules of the address
# space, listing and filtering, changing and deleting, allocation with
# strategies, dry runs and idempotency keys, utilization, the lazy block
# listing, the tree, leaf blocks, search, and concurrent allocation.
#
# Every refusal is checked for its exact status and error code, and the
# database is compared before and after: a refused request changes nothing.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Test;
use HTTP::Tiny;
use JSON::PP;
use Math::BigInt;
use POSIX ();
use Time::HiRes qw(time);

our $KEY;
my $cp = CloudPAM::Test->start(workers => 4);
$KEY = $cp->key;
my $J = 'CloudPAM::Test';

# --- helpers ---------------------------------------------------------------

sub sql { return $cp->sql($_[0]) }

# Everything a refused request could have touched (SQL that SQLite and
# PostgreSQL both take: CAST for the nullable numbers, rows joined here).
sub snapshot {
	return join "\n",
	    sql('SELECT count(*) FROM pools'),
	    $cp->sql_join(',', q{SELECT pool_id || ' ' || cidr FROM free_blocks
	        ORDER BY pool_id, first_key}),
	    $cp->sql_join(';', q{SELECT id || '|' || name || '|' || cidr || '|' ||
	        vrf_id || '|' || coalesce(CAST(parent_id AS TEXT), '') || '|' ||
	        coalesce(CAST(account_id AS TEXT), '') || '|' || type || '|' ||
	        status || '|' || source || '|' || description || '|' || tags ||
	        '|' || external_id || '|' || region || '|' || used_top || '.' ||
	        used_high || '.' || used_low || '|' || children || '|' ||
	        updated_at FROM pools ORDER BY id}),
	    sql('SELECT count(*) FROM idempotency_keys');
}

sub free_blocks_of {
	my ($id) = @_;
	return $cp->sql_join(',', qq{SELECT cidr FROM free_blocks
	    WHERE pool_id = $id ORDER BY first_key});
}

sub envelope_ok {
	my ($res, $status, $code, $name) = @_;
	is($res->{status}, $status, "$name: status $status")
	    or diag($res->{content});
	like($res->{headers}{'content-type'} // '', qr{^application/json},
	    "$name: JSON body");
	my $body = $J->json($res) // {};
	is($body->{error}, $code, "$name: error code $code");
	ok(defined $body->{message} && length $body->{message},
	    "$name: message for a person");
	is(ref $body->{detail}, 'HASH', "$name: detail object");
	return $body;
}

# Send a request that must be refused; check the envelope, what it names,
# and that the database did not change.
sub refused {
	my ($name, $status, $code, $send, %want) = @_;
	my $before = snapshot();
	my $body = envelope_ok($send->(), $status, $code, $name);
	like($body->{message} // '', $want{message}, "$name: message")
	    if $want{message};
	is($body->{detail}{field}, $want{field}, "$name: detail.field names $want{field}")
	    if defined $want{field};
	is(snapshot(), $before, "$name: database unchanged");
	return $body;
}

sub create { my (%f) = @_; return $cp->post('/api/v1/pools', json => \%f) }

sub created {
	my ($name, %f) = @_;
	my $res = create(%f);
	is($res->{status}, 201, "$name: 201") or diag($res->{content});
	my $pool = $J->json($res) // {};
	is($res->{headers}{location}, "/api/v1/pools/" . ($pool->{id} // '?'),
	    "$name: Location of the new pool");
	return $pool;
}

sub patch {
	my ($id, $body) = @_;
	return $cp->request('PATCH', "/api/v1/pools/$id", json => $body);
}

sub alloc {
	my ($id, $body, %headers) = @_;
	return $cp->post("/api/v1/pools/$id/allocate", json => $body,
	    (%headers ? (headers => {%headers}) : ()));
}

sub get_json {
	my ($path, $name) = @_;
	my $res = $cp->get($path);
	is($res->{status}, 200, ($name // "GET $path") . ': 200')
	    or diag($res->{content});
	return $J->json($res) // {};
}

sub cidrs { return [ map { $_->{cidr} } @{ $_[0]{items} // [] } ] }
sub ids { return [ map { $_->{id} } @{ $_[0]{items} // [] } ] }

# --- creating top-level pools ---------------------------------------------

my $corp = created('top-level IPv4', name => 'corp', cidr => '10.0.0.0/8',
    description => 'Corporate space', tags => { env => 'all' });
is($corp->{cidr}, '10.0.0.0/8', 'cidr stored');
is($corp->{family}, 4, 'family 4');
is($corp->{prefix_len}, 8, 'prefix_len 8');
is($corp->{vrf_id}, 1, 'the default VRF');
is($corp->{vrf_name}, 'default', 'VRF named');
ok(exists $corp->{parent_id} && !defined $corp->{parent_id},
    'parent_id null at top level');
ok(exists $corp->{account_id} && !defined $corp->{account_id},
    'account_id null');
ok(exists $corp->{account_name} && !defined $corp->{account_name},
    'account_name null');
is($corp->{type}, 'supernet', 'top-level type defaults to supernet');
is($corp->{status}, 'active', 'status defaults to active');
is($corp->{source}, 'manual', 'source defaults to manual');
is($corp->{description}, 'Corporate space', 'description stored');
is_deeply($corp->{tags}, { env => 'all' }, 'tags stored');
is($corp->{children_count}, 0, 'no children yet');
is_deeply($corp->{utilization},
    { used => '0', free => '16777216', total => '16777216', percent => 0 },
    'utilization of an empty /8');
like($corp->{created_at} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    'created_at in RFC 3339 UTC');
ok(exists $corp->{$_}, "pool has $_")
    for qw(external_id region updated_at created_by updated_by);
is_deeply(get_json("/api/v1/pools/$corp->{id}"), $corp,
    'GET answers the pool as created');

my $v6 = created('top-level IPv6 in non-canonical text', name => 'aws-v6',
    cidr => '2600:1F18:0000:0000::/32');
is($v6->{cidr}, '2600:1f18::/32',
    'IPv6 input (uppercase, leading zeros) stored in RFC 5952 form');
is($v6->{family}, 6, 'family 6');
is($v6->{prefix_len}, 32, 'prefix_len 32');
is($v6->{utilization}{total}, '79228162514264337593543950336',
    'an IPv6 /32 holds 2^96 addresses, exactly');

# --- the text of a CIDR -----------------------------------------------------

refused('host bits set', 400, 'host_bits_set',
    sub { create(name => 'x', cidr => '10.1.2.3/8') },
    field => 'cidr', message => qr{10\.0\.0\.0/8});
refused('IPv6 host bits set', 400, 'host_bits_set',
    sub { create(name => 'x', cidr => '2600:1f18::1/32') },
    field => 'cidr', message => qr{2600:1f18::/32});
for my $bad (['010.0.0.0/8', 'leading zero in an octet'],
    ['10.0.0.0/08', 'leading zero in the length'],
    ['10.0.256.0/24', 'octet 256'],
    ['10.0.0.0/33', '/33'],
    ['2600:1f18::/129', 'IPv6 /129'],
    [' 10.0.0.0/8', 'leading space'],
    ['10.0.0.0/8 ', 'trailing space'],
    ['10.0.0.0 /8', 'space before /'],
    ['10.0.0.0', 'no length'],
    ['10.0.0/8', 'three octets'],
    ['2600:1f18::g/32', 'bad hex digit'],
    ['fe80::1%eth0/64', 'zone index'],
    ['corp', 'a word'],
    ['', 'empty']) {
	refused("cidr '$bad->[0]' ($bad->[1])", 400, 'invalid_cidr',
	    sub { create(name => 'x', cidr => $bad->[0]) }, field => 'cidr');
}

# --- special-purpose ranges -------------------------------------------------

for my $sp (['127.0.0.0/8', '127.0.0.0/8', 'Loopback'],
    ['127.1.0.0/16', '127.0.0.0/8', 'Loopback'],
    ['169.254.0.0/16', '169.254.0.0/16', 'Link Local'],
    ['224.0.0.0/4', '224.0.0.0/4', 'Multicast'],
    ['192.0.2.0/24', '192.0.2.0/24', 'Documentation \(TEST-NET-1\)'],
    ['198.18.0.0/15', '198.18.0.0/15', 'Benchmarking'],
    ['0.0.0.0/8', '0.0.0.0/8', '"This network"'],
    ['fe80::/10', 'fe80::/10', 'Link-Local Unicast'],
    ['2001:db8::/32', '2001:db8::/32', 'Documentation']) {
	my ($cidr, $entry, $entry_name) = @$sp;
	refused("special-purpose $cidr", 400, 'special_range',
	    sub { create(name => 'x', cidr => $cidr) }, field => 'cidr',
	    message => qr{\Q$entry\E.*$entry_name});
}
refused('a prefix that only overlaps a special range', 400, 'special_range',
    sub { create(name => 'x', cidr => '192.0.0.0/16') }, field => 'cidr',
    message => qr{192\.0\.});

my %top = (corp => $corp, 'aws-v6' => $v6);
for my $ok (['dc2', '172.16.0.0/12'], ['lab', '192.168.0.0/16'],
    ['cgnat', '100.64.0.0/10'], ['ula', 'fc00::/7']) {
	$top{ $ok->[0] } = created("everyday space $ok->[1] is always allowed",
	    name => $ok->[0], cidr => $ok->[1]);
}

# --- children, siblings, VRFs ----------------------------------------------

my $dc1 = created('child inside its parent', name => 'dc1',
    cidr => '10.1.0.0/16', parent_id => $corp->{id},
    tags => { env => 'prod' }, region => 'eu-west-1');
is($dc1->{parent_id}, $corp->{id}, 'child names its parent');
is($dc1->{type}, 'subnet', 'a child defaults to subnet');
is($dc1->{vrf_id}, 1, "a child is in its parent's VRF");
my $corp_now = get_json("/api/v1/pools/$corp->{id}");
is($corp_now->{children_count}, 1, 'the parent counts its child');
is($corp_now->{utilization}{used}, '65536', "the parent's used space grew");
is(free_blocks_of($corp->{id}),
    '10.0.0.0/16,10.2.0.0/15,10.4.0.0/14,10.8.0.0/13,10.16.0.0/12,'
    . '10.32.0.0/11,10.64.0.0/10,10.128.0.0/9',
    "the parent's free space is what is left, as aligned blocks");

refused('child outside its parent', 400, 'outside_parent',
    sub { create(name => 'x', cidr => '11.0.0.0/16',
        parent_id => $corp->{id}) },
    field => 'cidr', message => qr{10\.0\.0\.0/8});
refused('child equal to its parent', 400, 'outside_parent',
    sub { create(name => 'x', cidr => '10.0.0.0/8',
        parent_id => $corp->{id}) }, field => 'cidr');
refused('child larger than its parent', 400, 'outside_parent',
    sub { create(name => 'x', cidr => '10.0.0.0/7',
        parent_id => $corp->{id}) }, field => 'cidr');
refused('child of the other family', 400, 'outside_parent',
    sub { create(name => 'x', cidr => 'fc00::/8',
        parent_id => $corp->{id}) }, field => 'cidr');
refused('sibling overlap (inside a sibling)', 409, 'overlap',
    sub { create(name => 'x', cidr => '10.1.128.0/17',
        parent_id => $corp->{id}) },
    field => 'cidr', message => qr{dc1.*\bid $dc1->{id}\b});
refused('sibling overlap (around a sibling)', 409, 'overlap',
    sub { create(name => 'x', cidr => '10.0.0.0/15',
        parent_id => $corp->{id}) },
    field => 'cidr', message => qr{dc1.*\bid $dc1->{id}\b});
refused('sibling overlap (the same prefix)', 409, 'overlap',
    sub { create(name => 'x', cidr => '10.1.0.0/16',
        parent_id => $corp->{id}) },
    field => 'cidr', message => qr{dc1.*\bid $dc1->{id}\b});
refused('top-level overlap in one VRF', 409, 'overlap',
    sub { create(name => 'x', cidr => '10.128.0.0/9') },
    field => 'cidr', message => qr{corp.*\bid $corp->{id}\b});
refused('top-level overlap in IPv6', 409, 'overlap',
    sub { create(name => 'x', cidr => 'fd00::/8') },
    field => 'cidr', message => qr{ula.*\bid $top{ula}{id}\b});

sql(q{INSERT INTO vrfs (name) VALUES ('blue')});
my $blue = sql(q{SELECT id FROM vrfs WHERE name = 'blue'});
my $blue_corp = created('the same space in another VRF', name => 'blue-corp',
    cidr => '10.0.0.0/8', vrf_id => $blue + 0);
is($blue_corp->{vrf_id}, $blue, 'the pool is in that VRF');
is($blue_corp->{vrf_name}, 'blue', 'and names it');
refused('a child in another VRF than its parent', 400, 'invalid_value',
    sub { create(name => 'x', cidr => '10.2.0.0/16',
        parent_id => $corp->{id}, vrf_id => $blue + 0) }, field => 'vrf_id');

# --- references -------------------------------------------------------------

refused('unknown vrf_id', 400, 'invalid_reference',
    sub { create(name => 'x', cidr => '11.0.0.0/8', vrf_id => 999) },
    field => 'vrf_id', message => qr{999});
refused('unknown parent_id', 400, 'invalid_reference',
    sub { create(name => 'x', cidr => '10.2.0.0/16', parent_id => 999) },
    field => 'parent_id', message => qr{999});
refused('unknown account_id', 400, 'invalid_reference',
    sub { create(name => 'x', cidr => '10.2.0.0/16',
        parent_id => $corp->{id}, account_id => 999) },
    field => 'account_id', message => qr{999});

sql(q{INSERT INTO accounts (provider, external_key, name)
    VALUES ('aws', 'aws:123456789012', 'network-prod')});
my $account = sql(q{SELECT id FROM accounts WHERE name = 'network-prod'});
my $acct_pool = created('a pool with an account', name => 'shared-svc',
    cidr => '10.2.0.0/16', parent_id => $corp->{id},
    account_id => $account + 0);
is($acct_pool->{account_id}, $account, 'account_id stored');
is($acct_pool->{account_name}, 'network-prod', 'account named');

# --- bad input --------------------------------------------------------------

refused('unknown field', 400, 'unknown_field',
    sub { create(name => 'x', cidr => '10.3.0.0/16', colour => 'red') },
    message => qr{colour});
refused('cidr as a number', 400, 'invalid_type',
    sub { create(name => 'x', cidr => 10) }, field => 'cidr');
refused('parent_id as a string', 400, 'invalid_type',
    sub { create(name => 'x', cidr => '10.3.0.0/16', parent_id => '1') },
    field => 'parent_id');
refused('parent_id negative', 400, 'invalid_type',
    sub { create(name => 'x', cidr => '10.3.0.0/16', parent_id => -1) },
    field => 'parent_id');
refused('tags as an array', 400, 'invalid_type',
    sub { create(name => 'x', cidr => '11.0.0.0/8', tags => [1]) },
    field => 'tags');
refused('a tag value that is not a string', 400, 'invalid_value',
    sub { create(name => 'x', cidr => '11.0.0.0/8', tags => { a => 1 }) },
    field => 'tags');
refused('name of 101 characters', 400, 'invalid_value',
    sub { create(name => 'n' x 101, cidr => '11.0.0.0/8') },
    field => 'name');
refused('empty name', 400, 'invalid_value',
    sub { create(name => '', cidr => '11.0.0.0/8') }, field => 'name');
refused('a control character in the name', 400, 'invalid_value',
    sub { create(name => "a\x{1}b", cidr => '11.0.0.0/8') },
    field => 'name');
refused('description of 1001 characters', 400, 'invalid_value',
    sub { create(name => 'x', cidr => '11.0.0.0/8',
        description => 'd' x 1001) }, field => 'description');
refused('unknown type', 400, 'invalid_value',
    sub { create(name => 'x', cidr => '11.0.0.0/8', type => 'galaxy') },
    field => 'type');
refused('unknown status', 400, 'invalid_value',
    sub { create(name => 'x', cidr => '11.0.0.0/8', status => 'gone') },
    field => 'status');
refused('unknown source', 400, 'invalid_value',
    sub { create(name => 'x', cidr => '11.0.0.0/8', source => 'magic') },
    field => 'source');
refused('missing name', 400, 'missing_field',
    sub { create(cidr => '11.0.0.0/8') }, field => 'name');
refused('missing cidr', 400, 'missing_field',
    sub { create(name => 'x') }, field => 'cidr');
refused('bytes that are not UTF-8', 400, 'invalid_json',
    sub { $cp->post('/api/v1/pools',
        json => qq({"name":"a\xff\xfe","cidr":"11.0.0.0/8"})) });
refused('malformed JSON', 400, 'invalid_json',
    sub { $cp->post('/api/v1/pools', json => '{"name":"x","cidr":') });
refused('a JSON array', 400, 'invalid_json',
    sub { $cp->post('/api/v1/pools', json => '[]') });
refused('an empty body', 400, 'invalid_json',
    sub { $cp->post('/api/v1/pools', json => '') });
refused('not JSON', 415, 'unsupported_media_type',
    sub { $cp->post('/api/v1/pools', body => 'name=x&cidr=11.0.0.0/8',
        headers => { 'Content-Type' => 'application/x-www-form-urlencoded' })
    });

# --- listing and filters ----------------------------------------------------

my $list = get_json('/api/v1/pools');
is($list->{total}, 9, 'all pools counted');
is($list->{page}, 1, 'page 1');
is($list->{page_size}, 50, 'default page_size 50');
is(scalar @{ $list->{items} }, 9, 'all on one page');
is_deeply(get_json('/api/v1/pools'), $list, 'the order is stable');
is_deeply(cidrs(get_json('/api/v1/pools?parent_id=0&vrf_id=1&family=4')),
    [ '10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16' ],
    'parent_id=0: top-level only, in address order');
is_deeply(cidrs(get_json("/api/v1/pools?parent_id=$corp->{id}")),
    [ '10.1.0.0/16', '10.2.0.0/16' ], 'parent_id: the children');
is_deeply(cidrs(get_json("/api/v1/pools?vrf_id=$blue")), ['10.0.0.0/8'],
    'vrf_id filter');
is_deeply(cidrs(get_json('/api/v1/pools?family=6')),
    [ '2600:1f18::/32', 'fc00::/7' ], 'family=6');
is_deeply(cidrs(get_json('/api/v1/pools?type=subnet')),
    [ '10.1.0.0/16', '10.2.0.0/16' ], 'type filter');
is_deeply(cidrs(get_json('/api/v1/pools?tag=env:prod')), ['10.1.0.0/16'],
    'tag key:value filter');
is_deeply(cidrs(get_json("/api/v1/pools?account_id=$account")),
    ['10.2.0.0/16'], 'account_id filter');
is_deeply(cidrs(get_json('/api/v1/pools?q=dc')),
    [ '10.1.0.0/16', '172.16.0.0/12' ], 'q matches names');
is_deeply(cidrs(get_json('/api/v1/pools?source=manual&status=active'
    . '&parent_id=0&family=6')), [ '2600:1f18::/32', 'fc00::/7' ],
    'filters combine');
my $p2 = get_json('/api/v1/pools?parent_id=0&page_size=2&page=2');
is($p2->{total}, 7, 'paged: total of every page');
is_deeply([ $p2->{page}, $p2->{page_size} ], [ 2, 2 ], 'paged: page, size');
is(scalar @{ $p2->{items} }, 2, 'paged: two items');
is(get_json('/api/v1/pools?page_size=10000')->{page_size}, 10000,
    'page_size 10000 is the maximum');
for my $bad (['page_size=10001', 'page_size'], ['page_size=0', 'page_size'],
    ['page=0', 'page'], ['page=x', 'page'], ['family=5', 'family'],
    ['family=4x', 'family'], ['vrf_id=0', 'vrf_id'],
    ['parent_id=-1', 'parent_id'], ['type=galaxy', 'type'],
    ['status=gone', 'status'], ['source=magic', 'source'],
    ['tag=nocolon', 'tag']) {
	refused("list with $bad->[0]", 400, 'invalid_parameter',
	    sub { $cp->get("/api/v1/pools?$bad->[0]") }, field => $bad->[1]);
}

# --- PATCH -------------------------------------------------------------------

for my $f (['cidr', '10.1.0.0/17'], ['vrf_id', $blue + 0],
    ['parent_id', $top{dc2}{id}], ['source', 'imported']) {
	refused("PATCH $f->[0] is refused", 400, 'immutable_field',
	    sub { patch($dc1->{id}, { $f->[0] => $f->[1] }) },
	    field => $f->[0]);
}
refused('PATCH an immutable field along with a good one', 400,
    'immutable_field',
    sub { patch($dc1->{id}, { name => 'renamed', cidr => '10.1.0.0/16' }) },
    field => 'cidr');
refused('PATCH nothing', 400, 'empty_change', sub { patch($dc1->{id}, {}) });
refused('PATCH unknown field', 400, 'unknown_field',
    sub { patch($dc1->{id}, { colour => 'red' }) });
refused('PATCH bad status', 400, 'invalid_value',
    sub { patch($dc1->{id}, { status => 'gone' }) }, field => 'status');
refused('PATCH tags to an array', 400, 'invalid_type',
    sub { patch($dc1->{id}, { tags => ['a'] }) }, field => 'tags');
refused('PATCH name to null', 400, 'invalid_type',
    sub { patch($dc1->{id}, { name => undef }) }, field => 'name');
refused('PATCH unknown account', 400, 'invalid_reference',
    sub { patch($dc1->{id}, { account_id => 999 }) }, field => 'account_id');
refused('PATCH a pool that does not exist', 404, 'not_found',
    sub { patch(999999, { name => 'x' }) });
my $res = patch($dc1->{id}, { name => 'dc1-paris', status => 'deprecated',
    tags => { env => 'prod', owner => 'neteng' }, description => 'Paris' });
is($res->{status}, 200, 'PATCH name, status, tags: 200')
    or diag($res->{content});
my $patched = $J->json($res) // {};
is($patched->{name}, 'dc1-paris', 'name changed');
is($patched->{status}, 'deprecated', 'status changed');
is_deeply($patched->{tags}, { env => 'prod', owner => 'neteng' },
    'tags replaced');
is($patched->{description}, 'Paris', 'description changed');
is($patched->{cidr}, '10.1.0.0/16', 'cidr untouched');
is($patched->{region}, 'eu-west-1', 'fields not sent are untouched');
is_deeply(get_json("/api/v1/pools/$dc1->{id}"), $patched,
    'GET answers the change');
$res = patch($dc1->{id}, { account_id => undef });
is($res->{status}, 200, 'PATCH account_id null: 200');
refused('GET a pool that does not exist', 404, 'not_found',
    sub { $cp->get('/api/v1/pools/999999') });

# --- DELETE -------------------------------------------------------------------

my $dc2 = $top{dc2};
my $r1 = $J->json(alloc($dc2->{id}, { prefix_len => 16, name => 'r1' }));
is($r1->{cidr}, '172.16.0.0/16', 'first /16 of dc2');
is($r1->{type}, 'region', 'a child of a supernet is a region');
my $v1 = $J->json(alloc($r1->{id}, { prefix_len => 24, name => 'v1' }));
my $v2 = $J->json(alloc($r1->{id}, { prefix_len => 24, name => 'v2' }));
is($v1->{type}, 'vpc', 'a child of a region is a vpc');
my $s1 = $J->json(alloc($v1->{id}, { prefix_len => 26, name => 's1' }));
is($s1->{type}, 'subnet', 'a child of a vpc is a subnet');
is_deeply([ map { $_->{cidr} } $v1, $v2, $s1 ],
    [ '172.16.0.0/24', '172.16.1.0/24', '172.16.0.0/26' ],
    'a small tree to delete');
my $dc2_free = free_blocks_of($dc2->{id});
refused('DELETE a pool with children', 409, 'has_children',
    sub { $cp->request('DELETE', "/api/v1/pools/$r1->{id}") },
    message => qr{cascade});
refused('DELETE with cascade=maybe', 400, 'invalid_parameter',
    sub { $cp->request('DELETE', "/api/v1/pools/$r1->{id}?cascade=maybe") },
    field => 'cascade');
refused('DELETE a pool that does not exist', 404, 'not_found',
    sub { $cp->request('DELETE', '/api/v1/pools/999999') });
$res = $cp->request('DELETE', "/api/v1/pools/$r1->{id}?cascade=true");
is($res->{status}, 200, 'DELETE cascade=true: 200') or diag($res->{content});
is_deeply($J->json($res), { deleted => 4 }, 'counts the pools deleted');
is(sql("SELECT count(*) FROM pools WHERE id IN
    ($r1->{id}, $v1->{id}, $v2->{id}, $s1->{id})"), 0, 'all four are gone');
is(sql("SELECT count(*) FROM free_blocks WHERE pool_id IN
    ($r1->{id}, $v1->{id}, $v2->{id}, $s1->{id})"), 0,
    'and so is their free space');
is(free_blocks_of($dc2->{id}), '172.16.0.0/12',
    'the space went back to the parent, merged into one block');
my $dc2_now = get_json("/api/v1/pools/$dc2->{id}");
is($dc2_now->{children_count}, 0, 'the parent has no children');
is($dc2_now->{utilization}{used}, '0', 'and uses nothing');
is($J->json(alloc($dc2->{id}, { prefix_len => 16, name => 'r1-again' })
    )->{cidr}, '172.16.0.0/16', 'allocating again gets the same block');
my $leaf = created('a leaf to delete', name => 'leaf', cidr => '10.3.0.0/16',
    parent_id => $corp->{id});
$res = $cp->request('DELETE', "/api/v1/pools/$leaf->{id}");
is($res->{status}, 200, 'DELETE a leaf without cascade: 200');
is_deeply($J->json($res), { deleted => 1 }, 'one pool deleted');
refused('GET a deleted pool', 404, 'not_found',
    sub { $cp->get("/api/v1/pools/$leaf->{id}") });

# --- allocation strategies (hand-checked) ---------------------------------------
#
# lab 192.168.0.0/16 with 192.168.0.0/17 and 192.168.192.0/24 taken leaves
# 192.168.128.0/18, .193.0/24, .194.0/23, .196.0/22, .200.0/21, .208.0/20
# and .224.0/19 free.  For a /24: first fit takes the lowest free block
# (128.0), best fit the smallest that fits (193.0), last fit the end of
# the highest (255.0).

my $lab = $top{lab};
created('lab: first half taken', name => 'lab-a', cidr => '192.168.0.0/17',
    parent_id => $lab->{id});
created('lab: one /24 taken', name => 'lab-b', cidr => '192.168.192.0/24',
    parent_id => $lab->{id});
is(free_blocks_of($lab->{id}),
    '192.168.128.0/18,192.168.193.0/24,192.168.194.0/23,192.168.196.0/22,'
    . '192.168.200.0/21,192.168.208.0/20,192.168.224.0/19',
    'the free space of lab as worked out by hand');
my %expect = (first_fit => '192.168.128.0/24', best_fit => '192.168.193.0/24',
    last_fit => '192.168.255.0/24');
for my $s (qw(first_fit best_fit last_fit)) {
	my $before = snapshot();
	$res = alloc($lab->{id}, { prefix_len => 24, strategy => $s,
	    dry_run => JSON::PP::true });
	is($res->{status}, 200, "dry run $s: 200") or diag($res->{content});
	is_deeply($J->json($res), { dry_run => JSON::PP::true,
	    cidr => $expect{$s}, parent_id => $lab->{id}, strategy => $s },
	    "dry run $s: answers $expect{$s}");
	is(snapshot(), $before, "dry run $s: nothing changed");
}
$res = alloc($lab->{id}, { prefix_len => 24, dry_run => JSON::PP::true });
is($J->json($res)->{strategy}, 'first_fit', 'the default is first_fit');
for my $s (qw(best_fit last_fit first_fit)) {
	$res = alloc($lab->{id}, { prefix_len => 24, strategy => $s,
	    name => "lab-$s" });
	is($res->{status}, 201, "allocate $s: 201") or diag($res->{content});
	my $p = $J->json($res) // {};
	is($p->{cidr}, $expect{$s}, "allocate $s: $expect{$s}");
	is($p->{parent_id}, $lab->{id}, "allocate $s: child of lab");
	is($p->{name}, "lab-$s", "allocate $s: named");
	is($res->{headers}{location}, "/api/v1/pools/$p->{id}",
	    "allocate $s: Location");
	is_deeply(get_json("/api/v1/pools/$p->{id}"), $p,
	    "allocate $s: stored as answered");
}
# first_fit took 128.0/24 out of 128.0/18, so 129.0/24 is now the lowest
# free block: the default first fit puts a /28 at its start.
$res = alloc($lab->{id}, { prefix_len => 28, name => 'lab-small',
    status => 'planned', type => 'reserved', description => 'd',
    tags => { k => 'v' }, region => 'r', account_id => $account + 0 });
is($res->{status}, 201, 'allocate with every field: 201');
my $small = $J->json($res) // {};
is_deeply([ @$small{qw(cidr status type description region account_id)} ],
    [ '192.168.129.0/28', 'planned', 'reserved', 'd', 'r', $account ],
    'fields are stored on the new pool');
is_deeply($small->{tags}, { k => 'v' }, 'tags too');

# --- allocation refusals ---------------------------------------------------------

my $cgnat = $top{cgnat};
my $full = created('a /22 to fill', name => 'fill', cidr => '100.64.0.0/22',
    parent_id => $cgnat->{id});
for my $i (1 .. 4) {
	is(alloc($full->{id}, { prefix_len => 24, name => "f$i" })->{status},
	    201, "fill: /24 number $i");
}
refused('allocate from a full pool', 409, 'pool_full',
    sub { alloc($full->{id}, { prefix_len => 24, name => 'x' }) },
    field => 'prefix_len', message => qr{100\.64\.0\.0/22});
refused('dry run on a full pool', 409, 'pool_full',
    sub { alloc($full->{id}, { prefix_len => 30, dry_run => JSON::PP::true }) });
my $frag = created('a fragmented /22', name => 'frag',
    cidr => '100.64.4.0/22', parent_id => $cgnat->{id});
created('frag: a /23 taken', name => 'frag-a', cidr => '100.64.4.0/23',
    parent_id => $frag->{id});
created('frag: a /24 taken', name => 'frag-b', cidr => '100.64.6.0/24',
    parent_id => $frag->{id});
refused('no /23 left', 409, 'pool_full',
    sub { alloc($frag->{id}, { prefix_len => 23, name => 'x' }) },
    message => qr{largest free block is 100\.64\.7\.0/24});
for my $len (22, 21, 0, 33) {
	refused("prefix_len $len in a /22", 400, 'invalid_value',
	    sub { alloc($frag->{id}, { prefix_len => $len, name => 'x' }) },
	    field => 'prefix_len');
}
refused('prefix_len 129', 400, 'invalid_value',
    sub { alloc($v6->{id}, { prefix_len => 129, name => 'x' }) },
    field => 'prefix_len');
refused('prefix_len missing', 400, 'missing_field',
    sub { alloc($frag->{id}, { name => 'x' }) }, field => 'prefix_len');
refused('prefix_len as a string', 400, 'invalid_type',
    sub { alloc($frag->{id}, { prefix_len => '24', name => 'x' }) },
    field => 'prefix_len');
refused('name missing', 400, 'missing_field',
    sub { alloc($frag->{id}, { prefix_len => 24 }) }, field => 'name');
refused('unknown strategy', 400, 'invalid_value',
    sub { alloc($frag->{id}, { prefix_len => 24, name => 'x',
        strategy => 'worst_fit' }) }, field => 'strategy');
refused('dry_run as a string', 400, 'invalid_type',
    sub { alloc($frag->{id}, { prefix_len => 24, name => 'x',
        dry_run => 'yes' }) }, field => 'dry_run');
refused('unknown field in an allocation', 400, 'unknown_field',
    sub { alloc($frag->{id}, { prefix_len => 24, name => 'x',
        cidr => '100.64.7.0/24' }) });
refused('unknown account in an allocation', 400, 'invalid_reference',
    sub { alloc($frag->{id}, { prefix_len => 24, name => 'x',
        account_id => 999 }) }, field => 'account_id');
refused('allocate from a pool that does not exist', 404, 'not_found',
    sub { alloc(999999, { prefix_len => 24, name => 'x' }) });
refused('malformed JSON in an allocation', 400, 'invalid_json',
    sub { $cp->post("/api/v1/pools/$frag->{id}/allocate", json => '{') });
refused('an empty Idempotency-Key', 400, 'invalid_header',
    sub { alloc($frag->{id}, { prefix_len => 24, name => 'x' },
        'Idempotency-Key' => '') });

# --- idempotency -------------------------------------------------------------------

my $body = { prefix_len => 24, name => 'idem', strategy => 'first_fit' };
my $count = sql('SELECT count(*) FROM pools');
my $first = alloc($frag->{id}, $body, 'Idempotency-Key' => 'key-1');
is($first->{status}, 201, 'first request with a key: 201')
    or diag($first->{content});
my $fp = $J->json($first) // {};
is($fp->{cidr}, '100.64.7.0/24', 'it takes the last free /24');
ok(!$first->{headers}{'idempotent-replayed'}, 'the first answer is no replay');
my $again = alloc($frag->{id}, $body, 'Idempotency-Key' => 'key-1');
is($again->{status}, 201, 'a retry answers the first status');
is_deeply($J->json($again), $fp, 'a retry answers the first body (same id)');
is($again->{headers}{'idempotent-replayed'}, 'true',
    'a retry says Idempotent-Replayed: true');
is(sql('SELECT count(*) FROM pools'), $count + 1, 'only one pool created');
refused('the same key with another body', 422, 'idempotency_conflict',
    sub { alloc($frag->{id}, { %$body, name => 'other' },
        'Idempotency-Key' => 'key-1') });
my $other = alloc($lab->{id}, $body, 'Idempotency-Key' => 'key-1');
is($other->{status}, 201, 'the same key on another pool is another request');
isnt(($J->json($other) // {})->{id}, $fp->{id}, 'and makes another pool');
$res = alloc($frag->{id}, $body, 'Idempotency-Key' => 'key-2');
envelope_ok($res, 409, 'pool_full', 'a new key on the now-full pool');

# --- utilization -------------------------------------------------------------------

my $util = created('a /16 to measure', name => 'util', cidr => '10.200.0.0/16',
    parent_id => $corp->{id});
my @util_kids = map {
	created("util child $_", name => "util-$_", cidr => "10.200.$_.0/24",
	    parent_id => $util->{id})
} 0, 1;
my $u = get_json("/api/v1/pools/$util->{id}/utilization");
is_deeply([ @$u{qw(id cidr used free total)} ],
    [ $util->{id}, '10.200.0.0/16', '512', '65024', '65536' ],
    'a /16 with two /24 children: used 512, free 65024, total 65536');
is($u->{percent}, 0.78, 'percent rounded to two places');
is($u->{children}{total}, 2, 'children listed');
is_deeply(cidrs($u->{children}), [ '10.200.0.0/24', '10.200.1.0/24' ],
    'children in address order');
is_deeply([ @{ $u->{children}{items}[0] }{qw(id name used free total)} ],
    [ $util_kids[0]{id}, 'util-0', '0', '256', '256' ],
    'each child has its own numbers');
is_deeply(get_json("/api/v1/pools/$util->{id}")->{utilization},
    { used => '512', free => '65024', total => '65536', percent => 0.78 },
    'the pool carries the same numbers');
refused('utilization of a pool that does not exist', 404, 'not_found',
    sub { $cp->get('/api/v1/pools/999999/utilization') });

$u = get_json("/api/v1/pools/$v6->{id}/utilization");
is_deeply([ @$u{qw(used free total)} ],
    [ '0', '79228162514264337593543950336', '79228162514264337593543950336' ],
    'an empty IPv6 /32: exact decimal strings');
$res = alloc($v6->{id}, { prefix_len => 48, name => 'v6-a' });
is($res->{status}, 201, 'a /48 from the IPv6 /32');
is($J->json($res)->{cidr}, '2600:1f18::/48', 'the first /48');
my $two80 = Math::BigInt->new(2)->bpow(80);
my $two96 = Math::BigInt->new(2)->bpow(96);
$u = get_json("/api/v1/pools/$v6->{id}/utilization");
is_deeply([ @$u{qw(used free total)} ],
    [ "$two80", $two96->copy->bsub($two80) . '',
        '79228162514264337593543950336' ],
    'IPv6 used and free exact beyond 64 bits');

# --- blocks of a pool --------------------------------------------------------------
#
# 10.201.0.0/16 with 10.201.0.0/24, 10.201.2.0/25 and 10.201.4.0/22: as
# /24s, 0 is used, 1 free, 2 partial, 3 free, 4 to 7 used by the /22, then
# free to the end.

my $bp = created('a /16 for blocks', name => 'blk', cidr => '10.201.0.0/16',
    parent_id => $corp->{id});
my %bk = map {
	$_->[0] => created("blk child $_->[1]", name => $_->[0],
	    cidr => $_->[1], parent_id => $bp->{id})
} ([ 'b0', '10.201.0.0/24' ], [ 'b2', '10.201.2.0/25' ],
    [ 'b4', '10.201.4.0/22' ]);
sub pool_ref { my $p = $bk{ $_[0] }; return { id => $p->{id}, name => $p->{name}, cidr => $p->{cidr} } }
my $blocks = get_json("/api/v1/pools/$bp->{id}/blocks?prefix_len=24&page_size=10");
is_deeply($blocks->{items}, [
    { cidr => '10.201.0.0/24', state => 'used', pool => pool_ref('b0') },
    { cidr => '10.201.1.0/24', state => 'free', pool => undef },
    { cidr => '10.201.2.0/24', state => 'partial', pool => pool_ref('b2') },
    { cidr => '10.201.3.0/24', state => 'free', pool => undef },
    { cidr => '10.201.4.0/24', state => 'used', pool => pool_ref('b4') },
    { cidr => '10.201.5.0/24', state => 'used', pool => pool_ref('b4') },
    { cidr => '10.201.6.0/24', state => 'used', pool => pool_ref('b4') },
    { cidr => '10.201.7.0/24', state => 'used', pool => pool_ref('b4') },
    { cidr => '10.201.8.0/24', state => 'free', pool => undef },
    { cidr => '10.201.9.0/24', state => 'free', pool => undef },
], 'blocks: free, used and partial, with the pool in the way');
is_deeply([ @$blocks{qw(total total_exact prefix_len page page_size)} ],
    [ 256, '256', 24, 1, 10 ], 'blocks: totals and paging');
$blocks = get_json("/api/v1/pools/$bp->{id}/blocks?prefix_len=24&page=26&page_size=10");
is_deeply(cidrs($blocks), [ map { "10.201.$_.0/24" } 250 .. 255 ],
    'blocks: the last page is short');
$blocks = get_json("/api/v1/pools/$bp->{id}/blocks?prefix_len=24&status=free&page_size=3");
is_deeply(cidrs($blocks), [ '10.201.1.0/24', '10.201.3.0/24', '10.201.8.0/24' ],
    'status=free: page 1');
is_deeply([ $blocks->{total}, $blocks->{total_exact} ], [ 250, '250' ],
    'status=free: 250 free /24s');
ok(!(grep { $_->{state} ne 'free' } @{ $blocks->{items} }), 'all free');
$blocks = get_json("/api/v1/pools/$bp->{id}/blocks?prefix_len=24&status=free&page=2&page_size=3");
is_deeply(cidrs($blocks), [ map { "10.201.$_.0/24" } 9 .. 11 ],
    'status=free: page 2');
$blocks = get_json("/api/v1/pools/$bp->{id}/blocks?prefix_len=24&status=used&page_size=4");
is_deeply(cidrs($blocks), [ map { "10.201.$_.0/24" } 0, 2, 4, 5 ],
    'status=used: page 1 (used and partial)');
is_deeply([ map { $_->{state} } @{ $blocks->{items} } ],
    [qw(used partial used used)], 'status=used: states');
is_deeply([ $blocks->{total}, $blocks->{total_exact} ], [ 6, '6' ],
    'status=used: six /24s in use');
$blocks = get_json("/api/v1/pools/$bp->{id}/blocks?prefix_len=24&status=used&page=2&page_size=4");
is_deeply(cidrs($blocks), [ '10.201.6.0/24', '10.201.7.0/24' ],
    'status=used: page 2');
$blocks = get_json("/api/v1/pools/$bp->{id}/blocks?prefix_len=24&status=all&page_size=1");
is($blocks->{total}, 256, 'status=all is the default');

my $t0 = time;
$blocks = get_json("/api/v1/pools/$util->{id}/blocks?prefix_len=24&page_size=100");
is(scalar @{ $blocks->{items} }, 100, '/24s of a /16: a page of 100');
is($blocks->{total_exact}, '256', '/24s of a /16: 256');
$blocks = get_json("/api/v1/pools/$corp->{id}/blocks?prefix_len=24&page_size=100");
is(scalar @{ $blocks->{items} }, 100, '/24s of a /8: a page of 100');
is($blocks->{total_exact}, '65536', '/24s of a /8: 65536');
$blocks = get_json("/api/v1/pools/$v6->{id}/blocks?prefix_len=64&page_size=100");
is(scalar @{ $blocks->{items} }, 100, '/64s of an IPv6 /32: a page of 100');
is_deeply([ $blocks->{total}, $blocks->{total_exact} ],
    [ 4294967296, '4294967296' ], '/64s of a /32: 2^32');
is_deeply($blocks->{items}[0], { cidr => '2600:1f18::/64', state => 'used',
    pool => { id => sql(q{SELECT id FROM pools WHERE name = 'v6-a'}) + 0,
        name => 'v6-a', cidr => '2600:1f18::/48' } },
    '/64s of a /32: the first is inside the /48');
is($blocks->{items}[99]{cidr}, '2600:1f18:0:63::/64', 'the 100th /64');
$blocks = get_json("/api/v1/pools/$v6->{id}/blocks?prefix_len=64&page_size=100&page=40000000");
# Page 40000000 of 100 starts at /64 number 3999999900 = 0xee6b279c.
is($blocks->{items}[0]{cidr}, '2600:1f18:ee6b:279c::/64',
    'a page deep into the /32 is computed, not listed');
$blocks = get_json("/api/v1/pools/$v6->{id}/blocks?prefix_len=64&status=free&page_size=100");
is($blocks->{items}[0]{cidr}, '2600:1f18:1::/64', 'status=free skips the /48');
is($blocks->{total_exact}, 4294967296 - 65536, 'free /64s counted exactly');
$blocks = get_json("/api/v1/pools/$v6->{id}/blocks?prefix_len=128&page_size=2");
is($blocks->{total_exact}, '79228162514264337593543950336',
    '/128s of a /32: total_exact beyond 64 bits');
cmp_ok(time - $t0, '<', 20, 'the block pages answer (timing is for bench)');

for my $bad (['', 'missing_parameter', 'prefix_len', 'prefix_len missing'],
    ['prefix_len=16', 'invalid_value', 'prefix_len', 'prefix_len = the pool'],
    ['prefix_len=8', 'invalid_value', 'prefix_len', 'prefix_len shorter'],
    ['prefix_len=33', 'invalid_value', 'prefix_len', 'prefix_len 33'],
    ['prefix_len=abc', 'invalid_parameter', 'prefix_len', 'prefix_len text'],
    ['prefix_len=24&status=taken', 'invalid_parameter', 'status',
        'unknown status'],
    ['prefix_len=24&page_size=10001', 'invalid_parameter', 'page_size',
        'page_size 10001']) {
	refused("blocks: $bad->[3]", 400, $bad->[1],
	    sub { $cp->get("/api/v1/pools/$bp->{id}/blocks?$bad->[0]") },
	    field => $bad->[2]);
}
refused('blocks: too many to filter', 400, 'invalid_value',
    sub { $cp->get("/api/v1/pools/$v6->{id}/blocks?prefix_len=128&status=free") },
    field => 'prefix_len');
refused('blocks of a pool that does not exist', 404, 'not_found',
    sub { $cp->get('/api/v1/pools/999999/blocks?prefix_len=24') });

# --- tree ------------------------------------------------------------------------

sub find_node {
	my ($items, $id) = @_;
	my ($n) = grep { $_->{id} == $id } @$items;
	return $n // {};
}
my $tree = get_json('/api/v1/pools/tree?vrf_id=1&depth=3');
ok(!$tree->{truncated}, 'tree: not truncated');
is_deeply([ sort map { $_->{cidr} } @{ $tree->{items} } ],
    [ sort '10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16',
        '2600:1f18::/32', 'fc00::/7' ], 'tree: the roots of the VRF');
my $n_corp = find_node($tree->{items}, $corp->{id});
is($n_corp->{name}, 'corp', 'tree nodes are pools');
my $n_blk = find_node($n_corp->{children}, $bp->{id});
is($n_blk->{cidr}, '10.201.0.0/16', 'tree: a child nested in its parent');
is_deeply([ map { $_->{cidr} } @{ $n_blk->{children} } ],
    [ '10.201.0.0/24', '10.201.2.0/25', '10.201.4.0/22' ],
    'tree: grandchildren nested, in address order');
is_deeply($n_blk->{children}[0]{children}, [], 'tree: leaves have []');
$tree = get_json('/api/v1/pools/tree?vrf_id=1&depth=2');
is_deeply(find_node(find_node($tree->{items}, $corp->{id})->{children},
    $bp->{id})->{children}, [], 'tree: depth=2 stops at the children');
$tree = get_json("/api/v1/pools/tree?root=$bp->{id}&depth=1");
is_deeply([ map { $_->{cidr} } @{ $tree->{items} } ],
    [ '10.201.0.0/24', '10.201.2.0/25', '10.201.4.0/22' ],
    'tree: root= starts below that pool');
$tree = get_json("/api/v1/pools/tree?vrf_id=$blue");
is_deeply([ map { $_->{cidr} } @{ $tree->{items} } ], ['10.0.0.0/8'],
    'tree: vrf_id selects the VRF');
for my $bad ('depth=0', 'depth=65', 'root=x', 'vrf_id=0') {
	refused("tree with $bad", 400, 'invalid_parameter',
	    sub { $cp->get("/api/v1/pools/tree?$bad") });
}

# --- leaf blocks -------------------------------------------------------------------

my $leaves = get_json('/api/v1/blocks?page_size=10000');
ok(scalar @{ $leaves->{items} } > 0, 'blocks: some leaves');
is($leaves->{total}, scalar @{ $leaves->{items} }, 'blocks: all on one page');
ok(!(grep { $_->{children_count} != 0 } @{ $leaves->{items} }),
    'blocks: every item is a leaf');
my %leaf_ids = map { $_->{id} => 1 } @{ $leaves->{items} };
ok(!$leaf_ids{ $corp->{id} } && !$leaf_ids{ $bp->{id} },
    'blocks: pools with children are left out');
ok($leaf_ids{ $bk{b0}{id} } && $leaf_ids{ $top{ula}{id} },
    'blocks: leaves at any depth are in');
is($leaves->{total}, sql('SELECT count(*) FROM pools WHERE children = 0')
    + 0, 'blocks: as many as the leaf pools');
is_deeply(cidrs(get_json("/api/v1/blocks?parent_id=$bp->{id}")),
    [ '10.201.0.0/24', '10.201.2.0/25', '10.201.4.0/22' ],
    'blocks: filters as for pools');
refused('blocks: page_size 10001', 400, 'invalid_parameter',
    sub { $cp->get('/api/v1/blocks?page_size=10001') }, field => 'page_size');

# --- search ------------------------------------------------------------------------

for my $v (qw(green red gold)) {
	sql("INSERT INTO vrfs (name) VALUES ('$v')");
	my $id = sql("SELECT id FROM vrfs WHERE name = '$v'");
	created("10.0.0.0/8 in VRF $v", name => "$v-corp", cidr => '10.0.0.0/8',
	    vrf_id => $id + 0);
}
my $found = get_json('/api/v1/search?ip=10.201.2.5');
is($found->{kind}, 'ip', 'search ip: kind');
is($found->{query}, '10.201.2.5', 'search ip: query');
is_deeply(cidrs($found),
    [ '10.201.2.0/25', '10.201.0.0/16', ('10.0.0.0/8') x 5 ],
    'search ip: every containing pool, innermost first, in every VRF');
is_deeply([ sort map { $_->{vrf_name} } @{ $found->{items} }[ 2 .. 6 ] ],
    [qw(blue default gold green red)], 'search ip: one /8 per VRF');
is($found->{total}, 7, 'search ip: total');
is_deeply(cidrs(get_json("/api/v1/search?ip=10.201.2.5&vrf_id=$blue")),
    ['10.0.0.0/8'], 'search ip: vrf_id narrows');
is_deeply(cidrs(get_json('/api/v1/search?ip=2600:1F18::1')),
    [ '2600:1f18::/48', '2600:1f18::/32' ], 'search ip: IPv6');
is_deeply(cidrs(get_json('/api/v1/search?ip=11.1.1.1')), [],
    'search ip: nothing contains it');
$found = get_json('/api/v1/search?cidr_contains=10.201.2.0/26&vrf_id=1');
is($found->{kind}, 'cidr_contains', 'search cidr_contains: kind');
is_deeply(cidrs($found), [ '10.201.2.0/25', '10.201.0.0/16', '10.0.0.0/8' ],
    'search cidr_contains: the pools around it');
is_deeply(cidrs(get_json('/api/v1/search?cidr_contains=10.201.2.0/25&vrf_id=1')),
    [ '10.201.2.0/25', '10.201.0.0/16', '10.0.0.0/8' ],
    'search cidr_contains: a pool contains itself');
$found = get_json('/api/v1/search?cidr_within=10.201.0.0/16');
is($found->{kind}, 'cidr_within', 'search cidr_within: kind');
is_deeply(cidrs($found),
    [ '10.201.0.0/16', '10.201.0.0/24', '10.201.2.0/25', '10.201.4.0/22' ],
    'search cidr_within: the pool and everything inside');
is($found->{total}, 4, 'search cidr_within: total');
$found = get_json('/api/v1/search?q=blk');
is($found->{kind}, 'q', 'search q: text');
is_deeply(cidrs($found), ['10.201.0.0/16'], 'search q: by name');
$found = get_json('/api/v1/search?q=10.201.2.5');
is($found->{kind}, 'ip', 'search q=10.201.2.5 is an address');
is(scalar @{ $found->{items} }, 7, 'and searched as one');
$found = get_json('/api/v1/search?q=10.201.0.0/16');
is($found->{kind}, 'cidr_within', 'search q=<prefix> is cidr_within');
is(scalar @{ $found->{items} }, 4, 'and searched as one');
refused('search: a bad ip', 400, 'invalid_ip',
    sub { $cp->get('/api/v1/search?ip=10.0.0.256') }, field => 'ip');
refused('search: a prefix as ip', 400, 'invalid_ip',
    sub { $cp->get('/api/v1/search?ip=10.0.0.0/8') }, field => 'ip');
refused('search: a bad cidr_contains', 400, 'invalid_cidr',
    sub { $cp->get('/api/v1/search?cidr_contains=10.0.0.0/33') },
    field => 'cidr_contains');
refused('search: a bad cidr_within', 400, 'invalid_cidr',
    sub { $cp->get('/api/v1/search?cidr_within=nope') },
    field => 'cidr_within');
refused('search: nothing asked', 400, 'missing_parameter',
    sub { $cp->get('/api/v1/search') });
refused('search: two questions', 400, 'invalid_parameter',
    sub { $cp->get('/api/v1/search?ip=10.0.0.1&q=corp') });
refused('search: vrf_id=x', 400, 'invalid_parameter',
    sub { $cp->get('/api/v1/search?ip=10.0.0.1&vrf_id=x') },
    field => 'vrf_id');

# --- concurrent allocation ---------------------------------------------------------
#
# Eight processes take /24s from one /16 as fast as they can until it is
# full: every answer is 201 or 409 pool_full, the 256 blocks are distinct,
# and the database holds exactly the pools that were answered.

my $conc = created('a /16 to race for', name => 'race',
    cidr => '10.100.0.0/16', parent_id => $corp->{id});
my @kids;
for my $w (1 .. 8) {
	pipe(my $r, my $wr) or die "pipe: $!";
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		close $r;
		my $http = HTTP::Tiny->new(timeout => 30,
	    default_headers => { Authorization => 'Bearer ' . $main::KEY });
		my $url = $cp->url("/api/v1/pools/$conc->{id}/allocate");
		for my $n (1 .. 400) {
			my $res = $http->post($url, {
			    headers => { 'Content-Type' => 'application/json' },
			    content => qq({"prefix_len":24,"name":"race-$w-$n"}) });
			my $b = eval { JSON::PP->new->utf8->decode($res->{content}) } // {};
			print $wr join(' ', $res->{status}, $b->{cidr} // $b->{error} // '-'), "\n";
			last if $res->{status} != 201;
		}
		close $wr;
		POSIX::_exit(0);
	}
	close $wr;
	push @kids, [ $pid, $r ];
}
my (@won, %other);
for my $k (@kids) {
	my $fh = $k->[1];
	while (my $line = <$fh>) {
		chomp $line;
		my ($status, $what) = split / /, $line, 2;
		if ($status == 201) { push @won, $what }
		else { $other{"$status $what"}++ }
	}
	waitpid($k->[0], 0);
}
is(scalar @won, 256, 'exactly 256 allocations succeed');
is_deeply([ keys %other ], ['409 pool_full'],
    'every other answer is 409 pool_full')
    or diag(explain(\%other));
is($other{'409 pool_full'}, 8, 'each process stops at pool full');
my %seen;
$seen{$_}++ for @won;
is(scalar keys %seen, scalar @won, 'the allocated blocks are distinct');
is_deeply([ sort { $a <=> $b } map { m{^10\.100\.(\d+)\.0/24$} ? $1 : -1 } keys %seen ],
    [ 0 .. 255 ], 'they tile the /16 without overlap');
is(sql("SELECT count(*) FROM pools WHERE parent_id = $conc->{id}"),
    scalar @won, 'the database holds as many children as were answered');
my $race = get_json("/api/v1/pools/$conc->{id}");
is_deeply([ $race->{children_count}, $race->{utilization}{used},
    $race->{utilization}{free} ], [ 256, '65536', '0' ],
    'the parent is exactly full');
is(free_blocks_of($conc->{id}), '', 'no free space left');

$cp->stop;
done_testing;
