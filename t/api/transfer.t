# Import and export of pools and accounts, over HTTP and from the shell:
# CSV and JSON, rows in any order, dry runs that list every bad row and
# change nothing, all-or-nothing imports, RFC 4180 quoting, bad UTF-8,
# export -> import round trips, CLI exit codes and the progress bar.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use Time::HiRes ();
use CloudPAM::Test;

my $J = 'CloudPAM::Test';
my $BIN = $CloudPAM::Test::BIN;
my $cp = CloudPAM::Test->start(workers => 2);
my $tmp = tempdir('cloudpam-transfer-XXXXXX', TMPDIR => 1, CLEANUP => 1);

# Rows in table of the database at url (SQLite or PostgreSQL).
sub count {
	my ($url, $table) = @_;
	return CloudPAM::Test::sql_at($url, "SELECT count(*) FROM $table");
}

sub csv_post {
	my ($kind, $body, $query) = @_;
	return $cp->post("/api/v1/import/$kind" . ($query // ''),
	    body => $body, headers => { 'Content-Type' => 'text/csv' });
}

sub json_post {
	my ($kind, $body, $query) = @_;
	return $cp->post("/api/v1/import/$kind" . ($query // ''),
	    json => $body);
}

sub spew {
	my ($name, $text) = @_;
	open my $fh, '>:raw', "$tmp/$name" or die "$name: $!";
	print $fh $text;
	close $fh;
	return "$tmp/$name";
}

# Run the CLI; returns exit code, stdout, stderr.
sub cli {
	my (@args) = @_;
	my $cmd = join ' ', map { "'$_'" } $BIN, @args;
	my $out = `$cmd 2>'$tmp/stderr'`;
	my $rc = $? >> 8;
	open my $fh, '<', "$tmp/stderr";
	local $/;
	my $err = <$fh> // '';
	return ($rc, $out, $err);
}

# A new migrated database of the test's backend; returns its URL.
sub fresh_db {
	my ($name) = @_;
	my $db = $cp->scratch_database($name);
	my ($rc, undef, $err) = cli('migrate', 'up', '--database-url',
	    $db, '--log-level', 'error');
	die "migrate: $err" if $rc;
	return $db;
}

# --- accounts, CSV: regions and tags lists, quoting
my $accounts = <<'CSV';
provider,external_key,name,platform,tier,environment,regions,tags,description
aws,aws:123456789012,Production,aws,prd,production,us-east-1;eu-west-1,team=net;cost=a\;b,"main, ""prod"""
gcp,gcp:my-project-1,Sandbox,,sbx,,,,
CSV
my $res = csv_post('accounts', $accounts);
is($res->{status}, 200, 'accounts CSV import: 200');
my $body = $J->json($res) // {};
is_deeply($body, { dry_run => JSON::PP::false, rows => 2, created => 2,
    vrfs_created => 0, errors => [] }, 'accounts import answer');
$res = $cp->get('/api/v1/accounts?q=Production');
my ($prod) = @{ ($J->json($res) // {})->{items} // [] };
is_deeply($prod->{regions}, [ 'us-east-1', 'eu-west-1' ],
    'regions list became an array');
is_deeply($prod->{tags}, { team => 'net', cost => 'a;b' },
    'tags list became an object, \; kept as ;');
is($prod->{description}, 'main, "prod"', 'quoted comma and quotes kept');

# --- accounts: every bad row, the existing key among them
$res = csv_post('accounts', "provider,external_key,name,regions\n"
    . "aws,aws:123,Short,\nmars,x,Mars,\n"
    . "aws,aws:123456789012,Again,\ngcp,gcp:other-project,Odd,Not_A_Region\n",
    '?dry_run=true');
is($res->{status}, 422, 'bad account rows: 422');
is_deeply([ map { "$_->{line} $_->{field}" }
    @{ ($J->json($res) // {})->{detail}{errors} // [] } ],
    [ '2 external_key', '3 provider', '4 external_key', '5 regions' ],
    'key form, provider, an existing key and a bad region, by line');
is(count($cp->database_url, 'accounts'), 2, 'still two accounts');

# --- pools, CSV, children before parents, a new VRF, quoted newlines
my $pools = <<"CSV";
name,cidr,vrf,parent_cidr,account_key,type,status,source,description,tags,external_id,region
web,10.1.1.0/24,,10.1.0.0/16,aws:123456789012,subnet,active,,"line one\r
line two, with ""quotes""",tier=web;app=shop,subnet-0abc,us-east-1
vpc,10.1.0.0/16,,10.0.0.0/8,aws:123456789012,vpc,,,,,vpc-1,us-east-1
db,10.1.2.0/24,,10.1.0.0/16,,,planned,manual,,,,
corp,10.0.0.0/8,,,,,,,corporate space,,,
blue-net,10.1.0.0/16,blue,10.0.0.0/8,,,,,,,,
blue,10.0.0.0/8,blue,,,,,,,,,
CSV
$res = csv_post('pools', $pools);
is($res->{status}, 200, 'pools CSV import, rows out of order: 200')
    or diag($res->{content});
$body = $J->json($res) // {};
is($body->{created}, 6, 'six pools created');
is($body->{vrfs_created}, 1, 'VRF blue created with them');
is(count($cp->database_url, 'pools'), 6, 'six pools in the database');

my %pool = map { ("$_->{vrf_name} $_->{cidr}" => $_) }
    @{ ($J->json($cp->get('/api/v1/pools?page_size=100')) // {})->{items} };
is($pool{'default 10.1.0.0/16'}{parent_id}, $pool{'default 10.0.0.0/8'}{id},
    'vpc is inside corp');
is($pool{'default 10.1.1.0/24'}{parent_id}, $pool{'default 10.1.0.0/16'}{id},
    'web is inside vpc');
is($pool{'blue 10.1.0.0/16'}{parent_id}, $pool{'blue 10.0.0.0/8'}{id},
    'parent found in the same VRF');
is($pool{'default 10.1.1.0/24'}{description},
    "line one\r\nline two, with \"quotes\"", 'quoted CRLF, comma, quotes');
is_deeply($pool{'default 10.1.1.0/24'}{tags}, { tier => 'web', app => 'shop' },
    'tags from k=v;k2=v2');
is($pool{'default 10.1.1.0/24'}{account_name}, 'Production',
    'account found by its external key');
is($pool{'default 10.1.1.0/24'}{source}, 'imported',
    'source defaults to imported');
is($pool{'default 10.1.2.0/24'}{source}, 'manual', 'source as the row says');
is($pool{'default 10.1.2.0/24'}{status}, 'planned', 'status as given');
is($pool{'default 10.0.0.0/8'}{children_count}, 1, 'corp counts its child');
is($pool{'default 10.1.0.0/16'}{utilization}{used}, '512',
    'vpc utilization counts both /24s');

# --- pools, JSON: an array, out of order, and {"items": [...]}
$res = json_post('pools', [
    { name => 'lab-a', cidr => '172.16.1.0/24', parent_cidr => '172.16.0.0/12',
      tags => { env => 'lab' } },
    { name => 'lab', cidr => '172.16.0.0/12', vrf => 'default',
      parent_cidr => undef, description => 'the lab' },
]);
is($res->{status}, 200, 'pools JSON array import: 200') or diag($res->{content});
is(($J->json($res) // {})->{created}, 2, 'two JSON rows created');
$res = json_post('pools', { items => [
    { name => 'v6', cidr => 'fd00::/8' },
    { name => 'v6-a', cidr => 'fd00:0:1::/48', parent_cidr => 'fd00::/8' },
] });
is($res->{status}, 200, 'pools JSON {"items"} import: 200');
is(count($cp->database_url, 'pools'), 10, 'ten pools now');

# --- a dry run lists every bad row with its line and changes nothing
my $before = count($cp->database_url, 'pools');
my $bad = <<'CSV';
name,cidr,parent_cidr,account_key,type
good,192.168.0.0/16,,,
hostbits,192.168.1.1/24,192.168.0.0/16,,
,192.168.2.0/24,192.168.0.0/16,,
overlap,10.2.0.0/16,,,
doc,192.0.2.0/24,,,
orphan,192.168.3.0/24,192.99.0.0/16,,
noacct,192.168.4.0/24,192.168.0.0/16,aws:000000000000,
oddtype,192.168.5.0/24,192.168.0.0/16,,weird
short,192.168.6.0/24
dup,192.168.0.0/16,,,
CSV
$res = csv_post('pools', $bad, '?dry_run=true');
is($res->{status}, 422, 'dry run with bad rows: 422');
$body = $J->json($res) // {};
is($body->{error}, 'import_failed', 'error import_failed');
is($body->{message}, '9 rows have errors; nothing was imported',
    'message counts the bad rows');
ok($body->{detail}{request_id}, 'detail carries the request id');
my %errors = map { ($_->{line} => $_) } @{ $body->{detail}{errors} // [] };
is_deeply([ sort { $a <=> $b } keys %errors ], [ 3 .. 11 ],
    'every bad row, by CSV line (header is line 1)');
is($errors{3}{field}, 'cidr', 'line 3: cidr');
like($errors{3}{message}, qr/did you mean 192\.168\.1\.0\/24/,
    'line 3: names the canonical prefix');
is($errors{4}{field}, 'name', 'line 4: name is required');
is($errors{5}{field}, 'cidr', 'line 5: overlap on cidr');
like($errors{5}{message}, qr/overlaps 10\.0\.0\.0\/8/, 'line 5: overlap named');
like($errors{6}{message}, qr/Documentation/, 'line 6: special range named');
is($errors{7}{field}, 'parent_cidr', 'line 7: unknown parent');
is($errors{8}{field}, 'account_key', 'line 8: unknown account');
is($errors{9}{field}, 'type', 'line 9: bad type');
like($errors{10}{message}, qr/2 fields; the header has 5/,
    'line 10: short row');
like($errors{11}{message}, qr/already on line 2/, 'line 11: duplicate row');
is(count($cp->database_url, 'pools'), $before, 'dry run changed nothing');

$res = csv_post('pools', "name,cidr\nok,192.168.0.0/16\n", '?dry_run=true');
is($res->{status}, 200, 'a clean dry run: 200');
is_deeply($J->json($res), { dry_run => JSON::PP::true, rows => 1,
    created => 1, vrfs_created => 0, errors => [] },
    'dry run says what would be created');
is(count($cp->database_url, 'pools'), $before, 'and creates nothing');

# --- a real import with one bad row imports nothing
$res = csv_post('pools', "name,cidr,parent_cidr\n"
    . "a,192.168.0.0/16,\nb,192.168.1.0/24,192.168.0.0/16\n"
    . "c,192.168.1.128/25,192.168.0.0/16\n");
is($res->{status}, 422, 'one bad row: 422');
$body = $J->json($res) // {};
is($body->{message}, '1 row has errors; nothing was imported',
    'singular message');
is($body->{detail}{errors}[0]{line}, 4, 'the overlapping row, line 4');
is(count($cp->database_url, 'pools'), $before, 'no row of it was imported');
$res = json_post('pools', [ { name => 'x', cidr => '192.168.0.0/16' },
    { name => 'y', cidr => '192.168.0.0/33' }, { cidr => 'nope' } ]);
is($res->{status}, 422, 'JSON with bad items: 422');
is_deeply([ map { $_->{line} } @{ ($J->json($res) // {})->{detail}{errors} } ],
    [ 2, 3 ], 'JSON errors count items from 1');
is(count($cp->database_url, 'pools'), $before, 'nothing imported from JSON either');
$res = json_post('pools', [ { name => 'x', cidr => '192.168.0.0/16',
    id => 5 } ]);
is(($J->json($res) // {})->{detail}{errors}[0]{field}, 'id',
    'an unknown JSON field is named');

# --- bad input as a whole
$res = csv_post('pools', "name,cidr\r\n\"x,192.168.0.0/16\r\n");
is($res->{status}, 400, 'unterminated quote: 400');
is(($J->json($res) // {})->{error}, 'invalid_csv', 'invalid_csv');
like(($J->json($res) // {})->{message}, qr/^line 2: .*no closing quote/,
    'names the line');
$res = csv_post('pools', "name,cidr\nx,1\"0.0.0.0/8\n");
like(($J->json($res) // {})->{message}, qr/^line 2: a quote inside/,
    'stray quote: 400 naming the line');
$res = csv_post('pools', "name,cidr,colour\n");
is($res->{status}, 400, 'unknown column: 400');
like(($J->json($res) // {})->{message}, qr/unknown column "colour"/,
    'names the column');
$res = csv_post('pools', "name\nx\n");
like(($J->json($res) // {})->{message}, qr/"cidr" is required/,
    'a missing required column: 400');
$res = csv_post('pools', "name,cidr,\xff\xfe\n");
is($res->{status}, 400, 'a column name of bad UTF-8: 400');
ok($J->json($res), 'and the answer is still valid JSON');
$res = csv_post('pools', "name,cidr,tags\nx,192.168.0.0/16,bad name=1\n");
is_deeply([ map { "$_->{line} $_->{field}" }
    @{ ($J->json($res) // {})->{detail}{errors} // [] } ], [ '2 tags' ],
    'a bad tag name is a row error naming tags');
$res = csv_post('pools', '');
is($res->{status}, 400, 'empty CSV: 400');
$res = csv_post('pools', "name,cidr\nbad\xff\xfe,192.168.0.0/16\n");
is($res->{status}, 422, 'bad UTF-8 in a CSV field: 422');
$body = $J->json($res) // {};
is($body->{detail}{errors}[0]{line}, 2, 'bad UTF-8: line 2');
is($body->{detail}{errors}[0]{field}, 'name', 'bad UTF-8: field name');
$res = $cp->post('/api/v1/import/pools', body => "[{\"name\":\"\xff\"}]",
    headers => { 'Content-Type' => 'application/json' });
is($res->{status}, 400, 'bad UTF-8 in JSON: 400');
is(($J->json($res) // {})->{error}, 'invalid_json', 'invalid_json');
$res = json_post('pools', '{"name": "x"}');
is($res->{status}, 400, 'a JSON object without items: 400');
$res = $cp->post('/api/v1/import/pools', body => 'x',
    headers => { 'Content-Type' => 'text/plain' });
is($res->{status}, 415, 'text/plain: 415');
$res = csv_post('pools', "name,cidr\n", '?dry_run=maybe');
is($res->{status}, 400, 'dry_run=maybe: 400');
is(count($cp->database_url, 'pools'), $before, 'none of that changed anything');

# --- export
$res = $cp->get('/api/v1/export/pools?format=csv');
is($res->{status}, 200, 'CSV export: 200');
like($res->{headers}{'content-type'}, qr{^text/csv}, 'text/csv');
like($res->{headers}{'content-disposition'} // '',
    qr/^attachment; filename="cloudpam-pools\.csv"$/, 'as an attachment');
my $export_csv = $res->{content};
my @lines = split /\r\n/, $export_csv;
is($lines[0], 'name,cidr,vrf,parent_cidr,account_key,type,status,source,'
    . 'description,tags,external_id,region', 'CSV header');
like($export_csv, qr/^vpc,10\.1\.0\.0\/16,default,10\.0\.0\.0\/8,aws:123456789012,/m,
    'parent by cidr, account by key');
ok(index($export_csv, "corp,10.0.0.0/8,default") < index($export_csv,
    "vpc,10.1.0.0/16,default"), 'parents before children');
$res = $cp->get('/api/v1/export/pools');
like($res->{headers}{'content-type'}, qr{^application/json}, 'JSON by default');
my $export_json = $J->json($res) // {};
is(scalar @{ $export_json->{items} // [] }, 10, 'ten items');
my ($web) = grep { $_->{name} eq 'web' } @{ $export_json->{items} };
is_deeply($web, { name => 'web', cidr => '10.1.1.0/24', vrf => 'default',
    parent_cidr => '10.1.0.0/16', account_key => 'aws:123456789012',
    type => 'subnet', status => 'active', source => 'imported',
    description => "line one\r\nline two, with \"quotes\"",
    tags => { tier => 'web', app => 'shop' }, external_id => 'subnet-0abc',
    region => 'us-east-1' }, 'a JSON item has the import fields');
$res = $cp->get('/api/v1/export/accounts?format=csv');
like($res->{content}, qr/^aws,aws:123456789012,Production,aws,prd,production,us-east-1;eu-west-1,team=net;cost=a\\;b,"main, ""prod"""\r$/m,
    'account row: lists, escapes, quoting');
my $accounts_csv = $res->{content};
$res = $cp->get('/api/v1/export/pools?format=xml');
is($res->{status}, 400, 'format=xml: 400');

# --- export -> import into a fresh instance gives the same exports
my $cp2 = CloudPAM::Test->start(workers => 1);
$res = $cp2->post('/api/v1/import/accounts', body => $accounts_csv,
    headers => { 'Content-Type' => 'text/csv' });
is($res->{status}, 200, 'exported accounts import into a fresh instance');
$res = $cp2->post('/api/v1/import/pools', body => $export_csv,
    headers => { 'Content-Type' => 'text/csv' });
is($res->{status}, 200, 'exported pools import into a fresh instance')
    or diag($res->{content});
is($cp2->get('/api/v1/export/pools?format=csv')->{content}, $export_csv,
    'the fresh instance exports the same pools CSV');
is($cp2->get('/api/v1/export/accounts?format=csv')->{content}, $accounts_csv,
    'and the same accounts CSV');
is($cp2->get('/api/v1/export/pools')->{content},
    $cp->get('/api/v1/export/pools')->{content}, 'and the same JSON');
my $cp3 = CloudPAM::Test->start(workers => 1);
$cp3->post('/api/v1/import/accounts',
    json => $cp->get('/api/v1/export/accounts')->{content});
$res = $cp3->post('/api/v1/import/pools',
    json => $cp->get('/api/v1/export/pools')->{content});
is($res->{status}, 200, 'the JSON export imports too');
is($cp3->get('/api/v1/export/pools?format=csv')->{content}, $export_csv,
    'JSON round trip gives the same pools');
$cp2->stop;
$cp3->stop;

# --- the CLI: import, export, exit codes
my $db = fresh_db('cli');
my @url = ('--database-url', $db, '--log-level', 'error');
my ($rc, $out, $err) = cli('import', 'accounts', spew('a.csv', $accounts_csv),
    @url);
is($rc, 0, 'CLI import accounts: exit 0') or diag($err);
($rc, $out, $err) = cli('import', 'pools', spew('p.csv', $export_csv),
    '--dry-run', @url);
is($rc, 0, 'CLI dry run: exit 0');
like($out, qr/dry run: 10 pools are valid/, 'dry run says so');
is(count($db, 'pools'), 0, 'CLI dry run changed nothing');
($rc, $out, $err) = cli('import', 'pools', "$tmp/p.csv", @url);
is($rc, 0, 'CLI import pools: exit 0');
like($out, qr/imported 10 pools \(1 VRFs created\)/, 'says what it did');
unlike($err, qr{rows/s}, 'no progress bar without a terminal');
($rc, $out) = cli('export', 'pools', '--format', 'csv', @url);
is($rc, 0, 'CLI export: exit 0');
is($out, $export_csv, 'CLI export equals the HTTP export');
($rc, $out) = cli('export', 'accounts', '--format=json', @url);
is_deeply(decode_json($out), decode_json($cp->get('/api/v1/export/accounts')
    ->{content}), 'CLI JSON export of accounts');

my $db2 = fresh_db('cli2');
($rc, undef, $err) = cli('import', 'accounts', spew('a.json', $out),
    '--database-url', $db2);
is($rc, 0, 'CLI import of JSON by extension') or diag($err);
($rc, $out, $err) = cli('import', 'pools', spew('bad.csv', $bad),
    '--database-url', $db2);
is($rc, 1, 'rows rejected: exit 1');
like($err, qr/^line 3: cidr: host bits set/m, 'each as "line N: field: message"');
like($err, qr/^line 10: the row has 2 fields/m, 'a row error without a field');
like($err, qr/8 of 10 rows have errors; nothing was imported/,
    'and a summary (10.2.0.0/16 overlaps nothing here)');
is(count($db2, 'pools'), 0, 'nothing imported');
($rc, undef, $err) = cli('import', 'pools', spew('bad.txt', 'x'), @url);
is($rc, 2, 'unknown extension: exit 2');
($rc) = cli('import', 'pools', '-', @url);
is($rc, 2, 'stdin without --format: exit 2');
my $stdin = `printf 'name,cidr\\nstdin,100.64.0.0/10\\n' | '$BIN' import pools - --format csv --database-url '$db2' 2>&1`;
is($? >> 8, 0, 'stdin with --format csv: exit 0') or diag($stdin);
($rc) = cli('import', 'vrfs', "$tmp/p.csv", @url);
is($rc, 2, 'unknown kind: exit 2');
($rc) = cli('import', 'pools', @url);
is($rc, 2, 'no file: exit 2');
($rc) = cli('export', 'pools', '--format', 'xml', @url);
is($rc, 2, 'export --format xml: exit 2');
($rc, undef, $err) = cli('import', 'pools', "$tmp/missing.csv", @url);
is($rc, 1, 'missing file: exit 1');
like($err, qr/missing\.csv: No such file/, 'names the file');

# --- the progress bar, only on a terminal
SKIP: {
	skip 'util-linux script not installed', 2
	    unless system('script -V >/dev/null 2>&1') == 0;
	my $db3 = fresh_db('tty');
	cli('import', 'accounts', "$tmp/a.csv", '--database-url',
	    $db3);
	my $cmd = join ' ', map { "'$_'" } $BIN, 'import', 'pools',
	    "$tmp/p.csv", '--database-url', $db3, '--log-level',
	    'error';
	my $tty = `script -qec "$cmd" /dev/null 2>&1`;
	is($? >> 8, 0, 'import under a pty: exit 0');
	like($tty, qr/importing +\[#+\] +100% +10 rows +\d+ rows\/s/,
	    'the progress bar shows phase, percent, rows and rows/s');

	# Enough rows to take a while: frames stay within ten a second.
	# PostgreSQL takes several times longer per row (a round trip per
	# statement), so fewer rows take a while there too.
	my $nrows = $cp->backend eq 'postgres' ? 2000 : 20000;
	my $many = join '', "name,cidr,parent_cidr\n", "big,10.0.0.0/8,\n",
	    map { "n$_,10.@{[ $_ >> 8 ]}.@{[ $_ & 255 ]}.0/24,10.0.0.0/8\n" }
	    0 .. $nrows - 1;
	my $db4 = fresh_db('tty2');
	$cmd = join ' ', map { "'$_'" } $BIN, 'import', 'pools',
	    spew('many.csv', $many), '--database-url', $db4;
	my $t0 = Time::HiRes::time();
	$tty = `script -qec "$cmd" /dev/null 2>&1`;
	my $elapsed = Time::HiRes::time() - $t0;
	my $frames = () = $tty =~ /\r(?:parsing|importing)/g;
	ok($frames >= 2 && $frames <= 10 * $elapsed + 1,
	    "at most ten frames a second ($frames in "
	    . sprintf('%.2f', $elapsed) . ' s)');
	like($tty, qr/importing +\[#{30}\] 100% +${\ ($nrows + 1)} rows/,
	    'the last frame shows every row');
}

# --- children of pools already in the database, and of pools of the same
# file, in one import: every parent's counters are written once at the end
# and must come out as if each child had been made alone.
$res = csv_post('pools', <<'CSV');
name,cidr,parent_cidr
vpc-2,10.2.0.0/16,10.0.0.0/8
app,10.1.3.0/24,10.1.0.0/16
vpc-2-a,10.2.0.0/24,10.2.0.0/16
vpc-2-b,10.2.1.0/25,10.2.0.0/16
cache,10.1.4.0/23,10.1.0.0/16
CSV
is($res->{status}, 200, 'children of stored and new parents: 200')
    or diag($res->{content});
%pool = map { ("$_->{vrf_name} $_->{cidr}" => $_) }
    @{ ($J->json($cp->get('/api/v1/pools?page_size=100')) // {})->{items} };
my %want = (
	'default 10.0.0.0/8'  => [ 2, 131072 ],
	'default 10.1.0.0/16' => [ 4, 256 * 5 ],
	'default 10.2.0.0/16' => [ 2, 256 + 128 ],
);
for my $k (sort keys %want) {
	is($pool{$k}{children_count}, $want{$k}[0], "$k counts its children");
	is($pool{$k}{utilization}{used}, "$want{$k}[1]",
	    "$k utilization is the sum of its children");
}
# The free space agrees with the counters: the first free /24 of each /16
# (10.2.1.128/25 is free but too small).
for ([ '10.1.0.0/16', '10.1.0.0/24' ], [ '10.2.0.0/16', '10.2.2.0/24' ]) {
	my ($cidr, $next) = @$_;
	my $u = $J->json($cp->get(
	    "/api/v1/pools/$pool{\"default $cidr\"}{id}/utilization")) // {};
	is($u->{used}, $pool{"default $cidr"}{utilization}{used},
	    "$cidr: utilization agrees with the pool's counters");
	my $a = $cp->post("/api/v1/pools/$pool{\"default $cidr\"}{id}/allocate",
	    json => { prefix_len => 24, name => "next-$cidr" });
	is(($J->json($a) // {})->{cidr}, $next, "$cidr: next /24 is $next")
	    or diag($a->{content});
}

$cp->stop;
done_testing;
