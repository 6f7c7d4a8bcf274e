# `cloudpam-collector` end to end: the real binary ($CLOUDPAM_BUILD, default
# build) against the loopback fakes of AWS, GCP and Azure
# (t/cloud/fake-*.mjs, which check SigV4 with `aws4`, the GCP JWT with
# `jose`, and serve ../shared/testdata a page at a time), and against a
# stand-in CloudPAM server (t/cloud/fake-server.mjs) for the push.
#
# What it proves:
#   - file mode: for each provider the payload parses, validates against
#     docs/collector-payload.schema.json (with a validator for the subset of
#     JSON Schema that file uses, itself checked on broken payloads), and
#     holds the records the fixture answers hold, worked out here from the
#     fixture files; version 1.0 carries no address; the report counts
#     what the payload holds; logs are JSON lines;
#   - exit codes: 0 ok, 3 when an account, project or region failed (the
#     payload still written, the failure named), 1 when nothing could be
#     read, 2 on bad usage;
#   - push mode: chunks of --chunk-size records arrive in order with
#     increasing chunk.index, only the last with final true, together the
#     same records as the file; heartbeats started, running…, finished; a
#     503 is retried; a wrong token (401) ends the run non-zero with a
#     clear message and nothing malformed is sent;
#   - no secret (cloud keys, client secret, access tokens, the collector
#     token) ever reaches stdout or stderr.
use strict;
use warnings;
use Test::More;
use B ();
use Cwd qw(getcwd abs_path);
use File::Temp qw(tempdir);
use HTTP::Tiny;
use JSON::PP;
use POSIX ();

my $TOP = abs_path(getcwd());
my $TESTDATA = $ENV{CLOUDPAM_TESTDATA} // "$TOP/../shared/testdata";
my $B = $ENV{CLOUDPAM_BUILD} // 'build';
my $BIN = "$TOP/$B/cloudpam-collector";
my $SCHEMA_FILE = "$TOP/docs/collector-payload.schema.json";

plan skip_all => "no $BIN (make $B/cloudpam-collector)" unless -x $BIN;
plan skip_all => 'node not installed' if system('node --version >/dev/null 2>&1');
plan skip_all => 'openssl not installed' if system('openssl version >/dev/null 2>&1');
plan skip_all => 'npm packages jose and aws4 not installed (make deps)'
    unless -d "$TOP/node_modules/jose" && -d "$TOP/node_modules/aws4";
plan skip_all => "no testdata at $TESTDATA" unless -d "$TESTDATA/gcp";

my $tmp = tempdir('cloudpam-collector-XXXXXX', TMPDIR => 1, CLEANUP => 1);
mkdir "$tmp/home";
my (@fakes, @fake_pipes);
END { kill 'TERM', $_ for @fakes; }

sub slurp {
	my ($path) = @_;
	open(my $fh, '<:raw', $path) or die "$path: $!";
	local $/;
	return scalar <$fh>;
}

sub sorted { return [ sort @_ ] }

sub sh_ok {
	my ($cmd) = @_;
	my $out = `$cmd 2>&1`;
	die "$cmd: $out" if $?;
}

# --- a JSON Schema validator for the keywords the payload schema uses ----
#
# Unknown keywords are refused, so the schema cannot grow a keyword this
# validator would silently ignore.

my %ANNOTATION = map { $_ => 1 } qw($schema $id title description format $defs);
my %KEYWORD = map { $_ => 1 } qw(type enum const required properties
    additionalProperties items minItems maxItems uniqueItems minimum
    minLength pattern maxProperties $ref allOf oneOf if then else);

sub json_type {
	my ($v) = @_;
	return 'null' unless defined $v;
	return 'boolean' if JSON::PP::is_bool($v);
	return 'object' if ref $v eq 'HASH';
	return 'array' if ref $v eq 'ARRAY';
	my $flags = B::svref_2object(\$v)->FLAGS;
	if (($flags & (B::SVp_IOK | B::SVp_NOK)) && !($flags & B::SVp_POK)) {
		return $v == int($v) ? 'integer' : 'number';
	}
	return 'string';
}

my $CANON = JSON::PP->new->canonical->allow_nonref;

sub resolve {
	my ($root, $ref) = @_;
	die "only local \$ref: $ref" unless $ref =~ m{^#(/.*)?$};
	my $node = $root;
	for my $part (grep { length } split m{/}, $1 // '') {
		$part =~ s/~1/\//g;
		$part =~ s/~0/~/g;
		$node = $node->{$part} // die "\$ref $ref: no $part";
	}
	return $node;
}

# Errors of value against schema, as "path: why" strings.
sub validate {
	my ($root, $schema, $v, $path) = @_;
	my @e;
	my $t = json_type($v);
	for my $k (keys %$schema) {
		die "schema keyword $k is not supported by this validator"
		    unless $KEYWORD{$k} || $ANNOTATION{$k};
	}
	if (my $ref = $schema->{'$ref'}) {
		push @e, validate($root, resolve($root, $ref), $v, $path);
	}
	if (defined(my $want = $schema->{type})) {
		my $ok = $t eq $want || ($want eq 'number' && $t eq 'integer');
		return ("$path: is $t, want $want") unless $ok;
	}
	if (exists $schema->{const}) {
		push @e, "$path: is " . $CANON->encode($v) . ", want "
		    . $CANON->encode($schema->{const})
		    if $CANON->encode($v) ne $CANON->encode($schema->{const});
	}
	if (my $enum = $schema->{enum}) {
		my $have = $CANON->encode($v);
		push @e, "$path: $have is not one of " . $CANON->encode($enum)
		    unless grep { $CANON->encode($_) eq $have } @$enum;
	}
	if ($t eq 'string') {
		push @e, "$path: shorter than $schema->{minLength}"
		    if defined $schema->{minLength} && length($v) < $schema->{minLength};
		push @e, "$path: \"$v\" does not match $schema->{pattern}"
		    if defined $schema->{pattern} && $v !~ /$schema->{pattern}/;
	}
	if ($t eq 'integer' || $t eq 'number') {
		push @e, "$path: below $schema->{minimum}"
		    if defined $schema->{minimum} && $v < $schema->{minimum};
	}
	if ($t eq 'object') {
		for my $k (@{$schema->{required} // []}) {
			push @e, "$path: $k is missing" unless exists $v->{$k};
		}
		my $props = $schema->{properties} // {};
		my $extra = $schema->{additionalProperties};
		push @e, "$path: more than $schema->{maxProperties} properties"
		    if defined $schema->{maxProperties}
		    && keys %$v > $schema->{maxProperties};
		for my $k (sort keys %$v) {
			if ($props->{$k}) {
				push @e, validate($root, $props->{$k}, $v->{$k}, "$path/$k");
			} elsif (ref $extra eq 'HASH') {
				push @e, validate($root, $extra, $v->{$k}, "$path/$k");
			} elsif (defined $extra && !$extra) {
				push @e, "$path: $k is not allowed";
			}
		}
	}
	if ($t eq 'array') {
		push @e, "$path: fewer than $schema->{minItems} items"
		    if defined $schema->{minItems} && @$v < $schema->{minItems};
		push @e, "$path: more than $schema->{maxItems} items"
		    if defined $schema->{maxItems} && @$v > $schema->{maxItems};
		if ($schema->{uniqueItems}) {
			my %seen;
			push @e, "$path: items repeat"
			    if grep { $seen{$CANON->encode($_)}++ } @$v;
		}
		if (my $items = $schema->{items}) {
			push @e, validate($root, $items, $v->[$_], "$path/$_") for 0 .. $#$v;
		}
	}
	push @e, validate($root, $_, $v, $path) for @{$schema->{allOf} // []};
	if (my $one = $schema->{oneOf}) {
		my @each = map { [ validate($root, $_, $v, $path) ] } @$one;
		my @good = grep { !@$_ } @each;
		if (@good != 1) {
			my ($best) = sort { @$a <=> @$b } @each;
			push @e, "$path: matches " . scalar(@good) . " of oneOf"
			    . (@good ? '' : " (nearest: @$best)");
		}
	}
	if (my $if = $schema->{if}) {
		my $then = !validate($root, $if, $v, $path);
		my $next = $then ? $schema->{then} : $schema->{else};
		push @e, validate($root, $next, $v, $path) if $next;
	}
	return @e;
}

my $SCHEMA = decode_json(slurp($SCHEMA_FILE));

# Errors of a payload's text (decoded afresh, so no flag was touched).
sub schema_errors {
	my ($text) = @_;
	my $doc = eval { JSON::PP->new->decode($text) };
	return ("not JSON: $@") unless $doc;
	return validate($SCHEMA, $SCHEMA, $doc, '');
}

is($SCHEMA->{'$schema'}, 'https://json-schema.org/draft/2020-12/schema',
    'the schema is draft 2020-12');

# --- fakes ----------------------------------------------------------------

# Start a fake with env; returns its base URL once it says "listening".
sub start_fake {
	my ($script, $env, @args) = @_;
	local @ENV{keys %$env} = values %$env;
	my $pid = open(my $fh, '-|', 'node', $script, @args) or die "node: $!";
	push @fakes, $pid;
	my $line = <$fh> // '';
	$line =~ /^listening (\d+)/ or die "$script did not start: $line";
	# Closing a pipe waits for its process: keep it open until the end.
	push @fake_pipes, $fh;
	return wantarray ? ("http://127.0.0.1:$1", $pid) : "http://127.0.0.1:$1";
}

sub stop_fake {
	my ($pid) = @_;
	kill 'TERM', $pid;
	waitpid($pid, 0);
	@fakes = grep { $_ != $pid } @fakes;
}

my $http = HTTP::Tiny->new(timeout => 10);

sub get_json {
	my ($url) = @_;
	my $res = $http->get($url);
	die "GET $url: $res->{status}" unless $res->{success};
	return decode_json($res->{content});
}

my $GCP_EMAIL = 'cloudpam-collector@test-project.iam.gserviceaccount.com';
my $AZ_SECRET = 'Az~Collector/secret+form&chars=9';
my %AZ = (tenant => 'tenant-c001', client => 'client-c002');
my %AWS = (key => 'AKIDCOLLECTOR0001', secret => 'aws/Secret+Collector=0001',
    account => '111122223333');
my $TOKEN = 'cpc_Collector-Token/with+chars=42';

sh_ok("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $tmp/sa.pem");
sh_ok("openssl pkey -in $tmp/sa.pem -pubout -out $tmp/sa.pub");

my $aws = start_fake('t/cloud/fake-aws.mjs',
    { FAKE_AWS_TESTDATA => "$TESTDATA/ec2",
      FAKE_AWS_KEYS => "$AWS{key}:$AWS{secret}:$AWS{account}" }, 0);
my $gcp = start_fake('t/cloud/fake-gcp.mjs',
    { FAKE_TESTDATA => $TESTDATA, FAKE_GCP_PUBLIC_KEY => "$tmp/sa.pub",
      FAKE_GCP_CLIENT_EMAIL => $GCP_EMAIL, FAKE_PAGE_SIZE => 2,
      FAKE_FAULTS => '429@2,500@4' });
my $azure = start_fake('t/cloud/fake-azure.mjs',
    { FAKE_TESTDATA => $TESTDATA, FAKE_AZURE_TENANT_ID => $AZ{tenant},
      FAKE_AZURE_CLIENT_ID => $AZ{client},
      FAKE_AZURE_CLIENT_SECRET => $AZ_SECRET });

sub aws_control {
	my (%c) = @_;
	my $res = $http->post("$aws/__control", { content => encode_json(\%c),
	    headers => { 'Content-Type' => 'application/json' } });
	die "fake-aws control: $res->{status}" unless $res->{success};
}

open(my $kf, '>', "$tmp/sa.json") or die $!;
print $kf encode_json({ type => 'service_account', project_id => 'test-project',
    private_key_id => 'key-1', private_key => slurp("$tmp/sa.pem"),
    client_email => $GCP_EMAIL, token_uri => "$gcp/token" });
close $kf;

my %ENV_OF = (
	aws => { AWS_ACCESS_KEY_ID => $AWS{key},
	    AWS_SECRET_ACCESS_KEY => $AWS{secret}, AWS_REGION => 'us-east-1',
	    AWS_ENDPOINT_URL => $aws, AWS_EC2_METADATA_DISABLED => 'true' },
	gcp => { GOOGLE_APPLICATION_CREDENTIALS => "$tmp/sa.json",
	    CLOUDPAM_GCP_COMPUTE_ENDPOINT => "$gcp/compute/v1",
	    GCE_METADATA_HOST => '127.0.0.1:9' },
	azure => { AZURE_TENANT_ID => $AZ{tenant}, AZURE_CLIENT_ID => $AZ{client},
	    AZURE_CLIENT_SECRET => $AZ_SECRET, AZURE_AUTHORITY_HOST => "$azure/",
	    CLOUDPAM_AZURE_ARM_ENDPOINT => $azure,
	    CLOUDPAM_AZURE_IMDS_ENDPOINT => 'http://127.0.0.1:9' },
);

# --- running the collector --------------------------------------------------

my $all_output = '';
my $runs = 0;

# Run the collector in a clean environment; {rc, stdout, stderr, payload
# (text of --output when given), doc (decoded), logs (decoded lines)}.
sub collect {
	my ($env, @args) = @_;
	my $n = ++$runs;
	local %ENV = (PATH => $ENV{PATH}, HOME => "$tmp/home", %$env);
	my ($out) = map { $args[$_ + 1] } grep { $args[$_] eq '--output' } 0 .. $#args;
	unlink $out if defined $out;
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		# _exit: the child must not run END, which stops the fakes.
		open(STDOUT, '>', "$tmp/stdout.$n") or POSIX::_exit(127);
		open(STDERR, '>', "$tmp/stderr.$n") or POSIX::_exit(127);
		{ exec('timeout', '120', $BIN, @args) }
		POSIX::_exit(127);
	}
	waitpid($pid, 0);
	my %r = (rc => $? >> 8, stdout => slurp("$tmp/stdout.$n"),
	    stderr => slurp("$tmp/stderr.$n"));
	$all_output .= $r{stdout} . $r{stderr};
	if (defined $out && -e $out) {
		$r{payload} = slurp($out);
		$r{doc} = eval { JSON::PP->new->decode($r{payload}) };
	}
	my @lines = grep { length } split /\n/, $r{stderr};
	$r{logs} = [ map { my $l = eval { decode_json($_) }; ref $l ? $l : () } @lines ];
	$r{log_lines} = @lines;
	return \%r;
}

sub of_kind {
	my ($doc, $kind) = @_;
	return grep { $_->{kind} eq $kind } @{$doc->{records} // []};
}

sub field_set {
	my ($doc, $kind, $field) = @_;
	my %seen;
	return sorted(grep { !$seen{$_}++ } map { $_->{$field} } of_kind($doc, $kind));
}

# The checks every payload gets.
sub payload_ok {
	my ($name, $r, %want) = @_;
	ok(defined $r->{doc}, "$name: the payload parses")
	    or diag(substr($r->{payload} // '(no file)', 0, 500));
	my @errors = schema_errors($r->{payload} // '');
	ok(!@errors, "$name: the payload validates against the schema")
	    or diag(join("\n", @errors[0 .. ($#errors > 9 ? 9 : $#errors)]));
	my $doc = $r->{doc} // {};
	is($doc->{version}, $want{version}, "$name: version $want{version}");
	is($doc->{final}, JSON::PP::true, "$name: one payload, final");
	is($doc->{chunk}{index}, 0, "$name: chunk 0");
	my $rep = $doc->{report} // {};
	is_deeply([ map { $rep->{$_} // -1 } qw(networks subnets addresses record_errors) ],
	    [ (map { scalar of_kind($doc, $_) } qw(network subnet address)),
	      scalar @{$doc->{errors} // []} ],
	    "$name: the report counts what the payload holds");
	is($r->{log_lines}, scalar @{$r->{logs}}, "$name: every log line is JSON");
	ok(!grep({ !($_->{time} && $_->{level} && $_->{msg}) } @{$r->{logs}}),
	    "$name: ... with time, level and msg");
}

# --- AWS: what the fixtures hold --------------------------------------------

sub xml_values {
	my ($tag, @files) = @_;
	my %seen;
	my @v;
	for my $f (@files) {
		my $text = slurp("$TESTDATA/ec2/$f");
		push @v, grep { !$seen{$_}++ } $text =~ m{<$tag>([^<]+)</$tag>}g;
	}
	return @v;
}

# The ids inside <set>…</set> of a Describe answer.
sub set_ids {
	my ($set, $tag, @files) = @_;
	my %seen;
	my @v;
	for my $f (@files) {
		my ($body) = slurp("$TESTDATA/ec2/$f") =~ m{<$set>(.*)</$set>}s;
		my @items = split m{</item>\s*<item>}, $body // '';
		for my $item (@items) {
			my ($id) = $item =~ m{<$tag>([^<]+)</$tag>};
			push @v, $id if defined $id && !$seen{$id}++;
		}
	}
	return @v;
}

my @EC2_VPCS = ('libcloud/describe_vpcs.xml', 'botocore-response-parsing/ec2-describe-vpcs.xml');
my @EC2_SUBNETS = ('libcloud/describe_subnets.xml', 'botocore-response-parsing/ec2-describe-subnets.xml');
my @EC2_ENIS = ('libcloud/describe_network_interfaces.xml', 'botocore-response-parsing/ec2-describe-network-interfaces.xml');
my @EC2_EIPS = ('libcloud/describe_addresses_all.xml', 'botocore-response-parsing/ec2-describe-addresses.xml');
my %aws_want = (
	network => sorted(set_ids('vpcSet', 'vpcId', @EC2_VPCS)),
	subnet => sorted(set_ids('subnetSet', 'subnetId', @EC2_SUBNETS)),
	address => sorted(do { my %s; grep { !$s{$_}++ }
	    xml_values('privateIpAddress', @EC2_ENIS),
	    xml_values('publicIp', @EC2_ENIS, @EC2_EIPS) }),
);

# --- AWS --------------------------------------------------------------------

my @regions = ('eu-west-1', 'us-east-1');
my $r = collect($ENV_OF{aws}, 'discover', '--provider', 'aws', '--regions',
    join(',', @regions), '--addresses', '--output', "$tmp/aws.json", '--id', 'e2e-aws');
is($r->{rc}, 0, 'aws: exit 0') or diag($r->{stderr});
payload_ok('aws', $r, version => '2.0');
my $doc = $r->{doc} // {};
is($doc->{provider}, 'aws', 'aws: provider');
is($doc->{collector}{id}, 'e2e-aws', 'aws: --id is the collector id');
like($doc->{run_id} // '', qr/^[0-9a-f]{32}$/, 'aws: a 128-bit run id');
for my $region (@regions) {
	my %in = (records => [ grep { $_->{region} eq $region } @{$doc->{records} // []} ]);
	is_deeply(field_set(\%in, 'network', 'external_id'), $aws_want{network},
	    "aws $region: every VPC of the fixtures (" . @{$aws_want{network}} . ')');
	my $subnets = field_set(\%in, 'subnet', 'external_id');
	my %bad = map { $_->{resource} => 1 } grep { $_->{kind} eq 'subnet' } @{$doc->{errors} // []};
	is_deeply(sorted(do { my %s; grep { !$s{$_}++ } @$subnets, keys %bad }),
	    $aws_want{subnet}, "aws $region: every subnet, read or named as an error ("
	    . @{$aws_want{subnet}} . ')');
	is_deeply(field_set(\%in, 'address', 'ip'), $aws_want{address},
	    "aws $region: every interface and elastic address (" . @{$aws_want{address}} . ')');
}
my ($vpc) = grep { $_->{external_id} eq 'vpc-62ded30e' } of_kind($doc, 'network');
is_deeply([ $vpc->{name}, $vpc->{tags}{Name}, $vpc->{account}, $vpc->{cidrs}[0]{cidr} ],
    [ 'Test VPC', 'Test VPC', $AWS{account}, '192.168.52.0/24' ],
    'aws: a VPC with its Name tag, account and CIDR');
my ($eip) = grep { $_->{ip} eq '1.2.3.4' } of_kind($doc, 'address');
is_deeply([ map { $eip->{$_} } qw(is_public allocation_id attached_to) ],
    [ JSON::PP::true, 'eipalloc-602b5d01', 'i-4382922a' ],
    'aws: an elastic IP, public, with its allocation and instance');
like(join("\n", map { $_->{message} } @{$doc->{errors} // []}), qr/prefix length 64 exceeds 32/,
    'aws: an IPv4 /64 in the fixtures is a named record error');

$r = collect($ENV_OF{aws}, 'discover', '--provider', 'aws', '--regions',
    'eu-west-1', '--output', "$tmp/aws1.json");
is($r->{rc}, 0, 'aws 1.0: exit 0');
payload_ok('aws 1.0', $r, version => '1.0');
is_deeply($r->{doc}{collector}{capabilities}, [ 'networks', 'subnets' ],
    'aws 1.0: capabilities networks and subnets');
is(scalar of_kind($r->{doc}, 'address'), 0, 'aws 1.0: no address without --addresses');

# Organization mode: ListAccounts in our account, AssumeRole into the others.
aws_control(org_accounts => "$AWS{account}:ACTIVE,444455556666:ACTIVE,777788889999:SUSPENDED",
    role_name => 'CloudPAMRead');
$r = collect($ENV_OF{aws}, 'discover', '--provider', 'aws', '--regions', 'eu-west-1',
    '--accounts', 'organization', '--role', 'CloudPAMRead', '--output', "$tmp/org.json");
is($r->{rc}, 0, 'aws organization: exit 0') or diag($r->{stderr});
is_deeply(field_set($r->{doc}, 'network', 'account'), [ '111122223333', '444455556666' ],
    'aws organization: the active accounts, ours and one entered by role');
$r = collect($ENV_OF{aws}, 'discover', '--provider', 'aws', '--regions', 'eu-west-1',
    '--accounts', '444455556666', '--role', 'NotTheRole', '--output', "$tmp/role.json");
is($r->{rc}, 3, 'aws: a role that cannot be assumed: exit 3 (partial)');
like(join(' ', map { "$_->{scope} $_->{message}" } @{$r->{doc}{report}{failures} // []}),
    qr/aws:444455556666.*AccessDenied/, 'aws: ... the account and AccessDenied named in the payload');

aws_control(fail_region => 'us-east-1');
$r = collect($ENV_OF{aws}, 'discover', '--provider', 'aws', '--regions',
    'eu-west-1,us-east-1', '--output', "$tmp/aws3.json");
aws_control(fail_region => '');
is($r->{rc}, 3, 'aws: a region that fails: exit 3 (partial)');
ok(!schema_errors($r->{payload} // ''), 'aws partial: the payload still validates');
is_deeply(field_set($r->{doc}, 'network', 'region'), ['eu-west-1'],
    'aws partial: the other region is still there');
like(join(' ', map { "$_->{scope} $_->{message}" } @{$r->{doc}{report}{failures} // []}),
    qr/us-east-1.*OptInRequired/, 'aws partial: the failing region named, with the AWS code');

# --- GCP: what the fixtures hold ------------------------------------------

my %gcp_files = (
	project_name => [ 'gcp/libcloud/global_networks.json',
	    'gcp/libcloud/aggregated_subnetworks.json',
	    'gcp/libcloud/aggregated_instances.json',
	    'gcp/libcloud/aggregated_addresses.json' ],
	'cloud-custodian' => [
	    'gcp/cloud-custodian/test_vpc_firewall_filter_query__get-compute-v1-projects-cloud-custodian-global-networks_1.json',
	    'gcp/cloud-custodian/subnet-set-flow__get-compute-v1-projects-cloud-custodian-aggregated-subnetworks_1.json',
	    'gcp/cloud-custodian/instance-query__get-compute-v1-projects-cloud-custodian-aggregated-instances_1.json',
	    'gcp/cloud-custodian/loadbalancer-address-labels__get-compute-v1-projects-cloud-custodian-aggregated-addresses_1.json' ],
);

sub fixture {
	my ($path) = @_;
	my $doc = decode_json(slurp("$TESTDATA/$path"));
	return $doc->{headers} && $doc->{body} ? $doc->{body} : $doc;
}

sub gcp_items {
	my ($doc, $plural) = @_;
	return @{$doc->{items}} if ref $doc->{items} eq 'ARRAY';
	return map { @{$_->{$plural} // []} } values %{$doc->{items} // {}};
}

sub relative { my ($url) = @_; $url =~ s{^.*?/compute/v1/}{}; return $url }

my %gcp_want;
for my $p (sort keys %gcp_files) {
	my ($nets, $subs, $vms, $ips) = map { fixture($_) } @{$gcp_files{$p}};
	push @{$gcp_want{network}}, map { relative($_->{selfLink}) } gcp_items($nets, 'networks');
	push @{$gcp_want{subnet}}, map { relative($_->{selfLink}) } gcp_items($subs, 'subnetworks');
	for my $nic (map { @{$_->{networkInterfaces} // []} } gcp_items($vms, 'instances')) {
		push @{$gcp_want{address}}, $nic->{networkIP} // (),
		    map { $_->{natIP} // () } @{$nic->{accessConfigs} // []};
	}
	for my $a (gcp_items($ips, 'addresses')) {
		push @{$gcp_want{($a->{prefixLength} // 32) < 32 ? 'error' : 'address'}},
		    ($a->{prefixLength} // 32) < 32 ? relative($a->{selfLink}) : $a->{address};
	}
}
$gcp_want{$_} = sorted(@{$gcp_want{$_} // []}) for qw(network subnet address error);

# --- GCP ----------------------------------------------------------------------

$r = collect($ENV_OF{gcp}, 'discover', '--provider', 'gcp', '--accounts',
    'project_name,cloud-custodian', '--addresses', '--output', "$tmp/gcp.json");
is($r->{rc}, 0, 'gcp: exit 0 (a 429 and a 500 retried on the way)') or diag($r->{stderr});
payload_ok('gcp', $r, version => '2.0');
$doc = $r->{doc} // {};
is_deeply(field_set($doc, 'network', 'external_id'), $gcp_want{network},
    'gcp: every network of the fixtures (' . @{$gcp_want{network}} . ')');
is_deeply(field_set($doc, 'subnet', 'external_id'), $gcp_want{subnet},
    'gcp: every subnetwork (' . @{$gcp_want{subnet}} . ')');
is_deeply(sorted(map { $_->{ip} } of_kind($doc, 'address')), $gcp_want{address},
    'gcp: every instance and reserved address (' . @{$gcp_want{address}} . ')');
is_deeply(sorted(map { $_->{resource} } @{$doc->{errors} // []}), $gcp_want{error},
    'gcp: the reserved range is a record error naming it');
cmp_ok($doc->{report}{retries} // 0, '>=', 2, 'gcp: the retries are in the report');
my ($legacy) = grep { $_->{name} eq 'default' && $_->{account} eq 'project_name' }
    of_kind($doc, 'network');
is_deeply([ map { $_->{cidr} } @{$legacy->{cidrs} // []} ], ['10.240.0.0/16'],
    'gcp: the legacy network keeps its range');

$r = collect($ENV_OF{gcp}, 'discover', '--provider', 'gcp', '--accounts',
    'project_name,no-such-project', '--regions', 'us-central1', '--output', "$tmp/gcp3.json");
is($r->{rc}, 3, 'gcp: a project that fails: exit 3 (partial)');
ok(!schema_errors($r->{payload} // ''), 'gcp partial: the payload validates');
is_deeply(field_set($r->{doc}, 'subnet', 'region'), ['us-central1'],
    'gcp: --regions keeps the subnets of that region');
is_deeply([ map { $_->{scope} } @{$r->{doc}{report}{failures} // []} ],
    ['gcp:no-such-project'], 'gcp partial: the failing project named');

$r = collect({ %{$ENV_OF{gcp}}, GOOGLE_APPLICATION_CREDENTIALS => "$tmp/none.json" },
    'discover', '--provider', 'gcp', '--accounts', 'project_name', '--output', "$tmp/gcp1.json");
is($r->{rc}, 1, 'gcp: no credentials at all: exit 1');
ok(!schema_errors($r->{payload} // ''), 'gcp failed: a payload is still written and valid');
like(join(' ', map { "$_->{scope} $_->{message}" } @{$r->{doc}{report}{failures} // []}),
    qr/^gcp .*GOOGLE_APPLICATION_CREDENTIALS/, 'gcp failed: ... naming why');

# --- Azure: what the fixtures hold ------------------------------------------

my %az_files = (
	virtualNetworks => [
		[ 'azure/examples-2025-03-01/VirtualNetworkListAll.json', 'responses.200.body.value' ],
		[ 'azure/examples-2025-03-01/VirtualNetworkCreateSubnetWithAddressPrefixes.json', 'responses.200.body' ],
		[ 'azure/examples-2025-03-01/VirtualNetworkList.json', 'responses.200.body.value' ],
		[ 'azure/examples-2025-03-01/VirtualNetworkGetWithSubnetDelegation.json', 'responses.200.body' ],
		[ 'azure/libcloud/_subscriptions_99999999_providers_Microsoft_Network_virtualnetworks.json', 'value' ],
	],
	networkInterfaces => [
		[ 'azure/examples-2025-03-01/NetworkInterfaceList.json', 'responses.200.body.value' ],
		[ 'azure/libcloud/_subscriptions_99999999_providers_Microsoft_Network_networkInterfaces.json', 'value' ],
	],
	publicIPAddresses => [
		[ 'azure/examples-2025-03-01/PublicIpAddressListAll.json', 'responses.200.body.value' ],
		[ 'azure/libcloud/_subscriptions_99999999_resourceGroups_REVIZOR_providers_Microsoft_Network_publicIPAddresses_test_public_ip.json', '' ],
	],
);

sub az_resources {
	my ($type) = @_;
	my @out;
	for my $src (@{$az_files{$type}}) {
		my $v = fixture($src->[0]);
		$v = $v->{$_} for grep { length } split /\./, $src->[1];
		push @out, ref $v eq 'ARRAY' ? @$v : $v;
	}
	return @out;
}

my %az_want = (network => [], subnet => [], address => []);
my %az_subs;
for my $type (sort keys %az_files) {
	$az_subs{lc $_}++ for map { $_->{id} =~ m{^/subscriptions/([^/]+)/}i } az_resources($type);
}
for my $v (az_resources('virtualNetworks')) {
	push @{$az_want{network}}, $v->{id};
	# Subnets come out as a record or as a named record error.
	push @{$az_want{subnet}}, map { $_->{id} } @{$v->{properties}{subnets} // []};
}
for my $nic (az_resources('networkInterfaces')) {
	push @{$az_want{address}}, grep { !m{/} }
	    map { $_->{properties}{privateIPAddress} } @{$nic->{properties}{ipConfigurations}};
}
push @{$az_want{address}}, map { $_->{properties}{ipAddress} // () } az_resources('publicIPAddresses');
$az_want{$_} = sorted(@{$az_want{$_}}) for keys %az_want;

# --- Azure ----------------------------------------------------------------------

my @az_args = ('discover', '--provider', 'azure', '--accounts',
    join(',', sort keys %az_subs), '--addresses');
$r = collect($ENV_OF{azure}, @az_args, '--output', "$tmp/azure.json");
is($r->{rc}, 0, 'azure: exit 0') or diag($r->{stderr});
payload_ok('azure', $r, version => '2.0');
$doc = $r->{doc} // {};
my $azure_file = $doc;
is_deeply(field_set($doc, 'network', 'external_id'), $az_want{network},
    'azure: every VNet of the fixtures (' . @{$az_want{network}} . ')');
is_deeply(sorted(@{field_set($doc, 'subnet', 'external_id')},
    map { $_->{resource} } grep { $_->{kind} eq 'subnet' } @{$doc->{errors} // []}),
    $az_want{subnet}, 'azure: every subnet, read or named as an error ('
    . @{$az_want{subnet}} . ')');
is_deeply(sorted(map { $_->{ip} } of_kind($doc, 'address')), $az_want{address},
    'azure: every NIC and public address (' . @{$az_want{address}} . ')');

$r = collect($ENV_OF{azure}, 'discover', '--provider', 'azure', '--accounts',
    'subid,forbidden-sub', '--output', "$tmp/azure3.json");
is($r->{rc}, 3, 'azure: a subscription refused (403): exit 3 (partial)');
ok(!schema_errors($r->{payload} // ''), 'azure partial: the payload validates');
like(join(' ', map { "$_->{scope} $_->{message}" } @{$r->{doc}{report}{failures} // []}),
    qr/azure:forbidden-sub .*AuthorizationFailed/, 'azure partial: the subscription named');

# --- push to a server ---------------------------------------------------------

my ($server, $server_pid) = start_fake('t/cloud/fake-server.mjs', {},
    '--token', $TOKEN, '--fail-first', '1');
$r = collect($ENV_OF{azure}, @az_args, '--server', $server, '--token', $TOKEN,
    '--chunk-size', '2', '--id', 'e2e-push');
is($r->{rc}, 0, 'push: exit 0') or diag($r->{stderr});
my $got = get_json("$server/received");
my @chunks = @{$got->{chunks}};
cmp_ok(scalar @chunks, '>=', 3, 'push: several chunks (' . @chunks . ')');
is_deeply([ map { $_->{chunk}{index} } @chunks ], [ 0 .. $#chunks ],
    'push: chunk.index 0, 1, 2, … in the order they arrive');
is_deeply([ map { $_->{final} ? 1 : 0 } @chunks ], [ (0) x $#chunks, 1 ],
    'push: only the last chunk is final');
ok(!grep({ @{$_->{records}} != 2 } @chunks[0 .. $#chunks - 1]) && @{$chunks[-1]{records}} <= 2,
    'push: each chunk holds --chunk-size records, the last at most');
my @bad = map { my $i = $_; map { "chunk $i$_" } schema_errors(encode_json($chunks[$i])) } 0 .. $#chunks;
ok(!@bad, 'push: every chunk validates against the schema') or diag(join("\n", @bad[0 .. 4]));
is_deeply([ sort keys %{{ map { $_->{run_id} => 1 } @chunks, @{$got->{heartbeats}} }} ],
    [ $chunks[0]{run_id} ], 'push: one run id in every chunk and heartbeat');
sub record_key { my ($x) = @_; return join ' ', $x->{kind}, $x->{external_id}, $x->{ip} // '' }
is_deeply(sorted(map { record_key($_) } map { @{$_->{records}} } @chunks),
    sorted(map { record_key($_) } @{$azure_file->{records}}),
    'push: together the chunks hold the records of the file run');
is_deeply(sorted(map { $_->{resource} } map { @{$_->{errors}} } @chunks),
    sorted(map { $_->{resource} } @{$azure_file->{errors}}),
    'push: ... and its record errors');
my $total = @{$azure_file->{records}};
is_deeply([ map { $chunks[-1]{report}{$_} } qw(networks subnets addresses) ],
    [ map { scalar of_kind($azure_file, $_) } qw(network subnet address) ],
    'push: the last chunk reports the counts of the whole run');
my @attempts = grep { $_->{path} eq '/api/v1/discovery' } @{$got->{attempts}};
is_deeply([ map { $_->{status} } @attempts[0, 1] ], [ 503, 202 ],
    'push: the 503 on the first chunk was retried');
is($attempts[1]{chunk}, 0, 'push: ... with the same chunk 0');
ok(!grep({ $_->{content_type} !~ m{^application/json} } @{$got->{attempts}}),
    'push: sent as application/json');
my @beats = @{$got->{heartbeats}};
is_deeply([ map { $_->{status} } @beats ],
    [ 'started', ('running') x $#chunks, 'finished' ],
    'push: heartbeats started, running after each chunk, finished');
ok(!grep({ $_->{collector_id} ne 'e2e-push' } @beats), 'push: heartbeats name the collector');
is_deeply([ map { $_->{records} } @beats ],
    [ 0, (map { 2 * $_ } 1 .. $#chunks), $total ],
    'push: heartbeats count the records sent so far');
stop_fake($server_pid);

# The token from the environment, and a server that refuses it.
($server, $server_pid) = start_fake('t/cloud/fake-server.mjs', {}, '--token', $TOKEN);
$r = collect({ %{$ENV_OF{azure}}, CLOUDPAM_COLLECTOR_TOKEN => $TOKEN },
    'discover', '--provider', 'azure', '--accounts', 'subid', '--server', $server);
is($r->{rc}, 0, 'push: the token may come from CLOUDPAM_COLLECTOR_TOKEN');
is(scalar @{get_json("$server/received")->{chunks}}, 1, 'push: ... one chunk by default');

$r = collect($ENV_OF{azure}, @az_args, '--server', $server, '--token', 'wrong-token-0001',
    '--chunk-size', '2');
isnt($r->{rc}, 0, 'push: a refused token (401): exit non-zero');
is($r->{rc}, 1, 'push: ... exit 1 (failed)');
like($r->{stderr}, qr{^cloudpam-collector: .*401.*/api/v1/discovery}m,
    'push: ... with a clear message naming the status and the path');
$got = get_json("$server/received");
is(scalar @{$got->{chunks}}, 1, 'push: ... and nothing stored from it');
ok(!grep({ !$_->{json} } @{$got->{attempts}}),
    'push: nothing malformed is sent after a chunk is refused');
stop_fake($server_pid);

# --- usage: exit 2 ----------------------------------------------------------

my @usage = (
	[ 'no command', [] ],
	[ 'an unknown command', [ 'frobnicate' ] ],
	[ 'no --provider', [ 'discover' ] ],
	[ 'an unknown provider', [ 'discover', '--provider', 'oracle' ] ],
	[ 'an unknown option', [ 'discover', '--provider', 'aws', '--bogus', 'x' ] ],
	[ 'an option without its value', [ 'discover', '--provider', 'aws', '--regions' ] ],
	[ '--chunk-size 0', [ 'discover', '--provider', 'aws', '--chunk-size', '0' ] ],
	[ '--chunk-size 12abc', [ 'discover', '--provider', 'aws', '--chunk-size', '12abc' ] ],
	[ '--chunk-size past the limit', [ 'discover', '--provider', 'aws', '--chunk-size', '100001' ] ],
	[ '--server without a token', [ 'discover', '--provider', 'aws', '--server', 'http://127.0.0.1:9' ] ],
);
for my $u (@usage) {
	$r = collect({}, @{$u->[1]});
	is($r->{rc}, 2, "usage: $u->[0] exits 2");
	like($r->{stderr}, qr/usage: cloudpam-collector discover/, "usage: ... and says how");
}
$r = collect({}, 'version');
is($r->{rc}, 0, 'version: exit 0');
like($r->{stdout}, qr/^cloudpam-collector \d+\.\d+\.\d+/, 'version: prints the release');

# --- the validator is not vacuous ---------------------------------------------

my $good = slurp("$tmp/aws.json");
my @broken = (
	[ 'a missing field', sub { delete $_[0]{run_id} } ],
	[ 'an unknown field', sub { $_[0]{extra} = 1 } ],
	[ 'a version that is neither', sub { $_[0]{version} = '3.0' } ],
	[ 'an address in 1.0', sub { $_[0]{version} = '1.0';
	    $_[0]{collector}{capabilities} = [ 'networks', 'subnets' ] } ],
	[ 'a string where a boolean goes', sub { $_[0]{final} = 'true' } ],
	[ 'a negative chunk index', sub { $_[0]{chunk}{index} = -1 } ],
	[ 'a record of no known kind', sub { $_[0]{records}[0]{kind} = 'router' } ],
	[ 'a CIDR that is not one', sub { $_[0]{records}[0]{cidrs}[0]{cidr} = 'vpc-1' } ],
	[ 'a tag that is not a string', sub { $_[0]{records}[0]{tags}{n} = 1 } ],
	[ 'a stamp with a time zone', sub { $_[0]{started_at} = '2024-01-01T00:00:00+01:00' } ],
);
ok(!schema_errors($good), 'validator: the AWS payload passes');
for my $b (@broken) {
	my $doc2 = decode_json($good);
	$b->[1]->($doc2);
	ok(scalar schema_errors(encode_json($doc2)), "validator: refuses $b->[0]");
}

# --- nothing secret was printed ---------------------------------------------

my @secrets = ($AWS{secret}, $AZ_SECRET, $TOKEN, 'wrong-token-0001',
    @{get_json("$gcp/_fake/stats")->{tokens}}, @{get_json("$azure/_fake/stats")->{tokens}});
cmp_ok(scalar @secrets, '>=', 6, 'secrets to look for: ' . scalar @secrets);
is_deeply([ grep { index($all_output, $_) >= 0 } @secrets ], [],
    'no key, client secret, access token or collector token in any output');
unlike($all_output, qr/PRIVATE KEY|Bearer |Authorization/i,
    'no private key and no Authorization header in any output');

done_testing;
