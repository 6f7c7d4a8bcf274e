# AWS discovery end to end: cloud_aws.discover() (through the small driver
# t/cloud/aws_driver.c) against fake-aws.mjs, which checks every signature
# with the npm package aws4 and answers with the recorded EC2 answers of
# ../shared/testdata/ec2, page by page, with faults on demand.
#
# The records are compared, field by field, with what the fixture answers
# hold as read here by a small XML reader of our own (not the C parser).
#
# What it proves:
#   - the fake: aws4 accepts a request it signed and refuses it with one
#     byte changed;
#   - A: keys from the shared credentials file, profile AWS_PROFILE (the
#     [default] key is unknown to the fake); DescribeRegions' 8 regions,
#     one failing (OptInRequired) and reported as aws:<acct>/<region> while
#     the others are read; every VPC, subnet, ENI address and EIP of every
#     page of the 7 others, counted and field by field; the /64 subnet a
#     named record error; a 429 and a 400 RequestLimitExceeded (both with
#     Retry-After: 1, waited for), a 500 and a body cut short in the middle
#     each retried as the same request, counted in the report (calls +
#     retries = what the fake saw), and no record handed over twice although
#     the cut half held a whole one;
#   - B: a wrong secret is refused (SignatureDoesNotMatch) and reported,
#     the run finishing;
#   - C: member accounts through STS AssumeRole (EC2 signed with the role's
#     keys and session token), one given a wrong secret by STS: its regions
#     reported with SignatureDoesNotMatch, the accounts after it read;
#   - D: "organization": ListAccounts followed over 3 pages, our own
#     account read with our keys, a suspended one skipped;
#   - E, F: web identity (AssumeRoleWithWebIdentity) and IMDSv2;
#   - G: no credentials anywhere stops the run with no_credentials;
#   - H, I, J: throttled past the last retry, and a body cut short on every
#     attempt, fail the region with a clear message; a timeout is retried;
#   - K: keys only from the container credentials endpoint (ECS task role,
#     EKS Pod Identity) through AWS_CONTAINER_CREDENTIALS_FULL_URI on
#     loopback, its token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, then
#     from AWS_CONTAINER_AUTHORIZATION_TOKEN; L: a wrong token stops the run
#     with container_refused, IMDS not asked; M: a full URI that is plain
#     http to another host is refused before any call;
#   - no secret, web identity token, container token or session token in
#     any output;
#   - valgrind: no invalid access and no leak over a run with retries.
use strict;
use warnings;
use Test::More;
use Cwd qw(abs_path getcwd);
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Handle;
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);

my $TOP = abs_path(getcwd());
my $B = $ENV{CLOUDPAM_BUILD} // 'build';
my $TESTDATA = abs_path("$TOP/../shared/testdata/ec2");
my $DRIVER = "$TOP/$B/t/cloud/aws_driver";

plan skip_all => 'node not installed'
    unless system('node --version >/dev/null 2>&1') == 0;
plan skip_all => 'npm package aws4 not installed (make deps)'
    unless -f "$TOP/node_modules/aws4/aws4.js";
plan skip_all => "no test data in $TESTDATA" unless -d ($TESTDATA // '');

# --- build -----------------------------------------------------------------

# make test-build builds the driver; build it here only when run alone.
unless (-x $DRIVER) {
	my $out = `make -j2 B=$B $B/t/cloud/aws_driver 2>&1`;
	BAIL_OUT("driver build failed:\n$out") if $?;
}
pass('driver built');

# --- the fake --------------------------------------------------------------

my $dir = tempdir('cloudpam-aws-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $SECRET = 'kT9vQ2+Lz8/Wm4RcXy7NbHp3sDfGjK0aE5uVoI1n';
my $WRONG = 'kT9vQ2+Lz8/Wm4RcXy7NbHp3sDfGjK0aE5uVoI1X';
my $KEY = 'AKIDCLOUDPAMCOLLECT';
my $OWN = '999999999999';
my $WEB_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjb2xsZWN0b3IifQ.c2lnbmF0dXJl';
my $CONTAINER_TOKEN = 'eksPodIdentityTokenQ2hhbmdlTWUuLi4uZm9yIHRlc3Rz';
my $CONTAINER_WRONG = 'eksPodIdentityTokenV3JvbmcgdG9rZW4gZm9yIHRlc3Rz';
my $CONTAINER_SECRET = 'cT4nQ8+Ry2/Xk6WmZb9LhP5sDfGjK3aE7uVoI0e1';

pipe(my $from_fake, my $fake_out) or die "pipe: $!";
my $fake_pid = fork // die "fork: $!";
if ($fake_pid == 0) {
	close $from_fake;
	open STDOUT, '>&', $fake_out or die;
	$ENV{FAKE_AWS_TESTDATA} = $TESTDATA;
	$ENV{FAKE_AWS_KEYS} = "$KEY:$SECRET:$OWN";
	exec 'node', "$TOP/t/cloud/fake-aws.mjs", '0' or die "exec: $!";
}
close $fake_out;
my $line = <$from_fake>;
BAIL_OUT('fake-aws did not start') unless defined $line
    && $line =~ /^listening (\d+)$/;
my $PORT = $1;
my $URL = "http://127.0.0.1:$PORT";
pass("fake-aws listening on $PORT");

END {
	if ($fake_pid) {
		kill 'TERM', $fake_pid;
		waitpid($fake_pid, 0);
	}
}

my $http = HTTP::Tiny->new(timeout => 10);
my $json = JSON::PP->new->canonical;

sub control {
	my (%c) = @_;
	my $res = $http->post("$URL/__control", {
		content => $json->encode({ reset => JSON::PP::true, faults => '',
		    fail_region => '', bad_secret_account => '',
		    container_token => '', container_secret => '', %c }) });
	die "control: $res->{status}" unless $res->{success};
}

sub calls { $json->decode($http->get("$URL/__stats")->{content})->{calls} }

open my $fh, '>', "$dir/credentials" or die;
print $fh <<"EOF";
# CloudPAM collector test credentials
[default]
aws_access_key_id = AKIDDEFAULTNOTKNOWN
aws_secret_access_key = defaultSecretTheFakeDoesNotKnow00000000

[collector]
aws_access_key_id = $KEY
aws_secret_access_key = $SECRET

[wrong]
aws_access_key_id = $KEY
aws_secret_access_key = $WRONG
EOF
close $fh;
open $fh, '>', "$dir/web-token" or die;
print $fh "$WEB_TOKEN\n";
close $fh;
open $fh, '>', "$dir/container-token" or die;
print $fh "$CONTAINER_TOKEN\n";
close $fh;
mkdir "$dir/home";

# Run the driver with only the environment given; returns what it said.
my @outputs;
sub run_driver {
	my ($env, @args) = @_;
	my %run = (out => "$dir/out", err => "$dir/err");
	my $t0 = time;
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		my %given = %$env;
		my $wrap = delete $given{_wrap} // [];
		%ENV = (PATH => $ENV{PATH}, HOME => "$dir/home",
		    AWS_ENDPOINT_URL => $URL, AWS_EC2_METADATA_DISABLED => 'true',
		    AWS_REGION => 'us-east-1', %given);
		delete $ENV{$_} for grep { !defined $ENV{$_} } keys %ENV;
		open STDOUT, '>', $run{out} or die;
		open STDERR, '>', $run{err} or die;
		exec @$wrap, $DRIVER, @args or die "exec: $!";
	}
	waitpid($pid, 0);
	$run{exit} = $? >> 8;
	$run{seconds} = time - $t0;
	for my $k (qw(out err)) {
		open my $f, '<', $run{$k} or die;
		local $/;
		$run{$k} = <$f> // '';
	}
	push @outputs, $run{out}, $run{err};
	for my $l (split /\n/, $run{out}) {
		my $o = eval { $json->decode($l) } or next;
		if ($o->{kind} eq 'report') { $run{report} = $o }
		elsif ($o->{kind} eq 'fatal') { $run{fatal} = $o }
		else { push @{ $run{records} }, $o }
	}
	$run{records} //= [];
	return \%run;
}

# --- what the fixtures hold (our own reading) -------------------------------

sub xml_tree {
	my ($text) = @_;
	my $root = { name => '', kids => [], text => '' };
	my @stack = ($root);
	my %ent = (lt => '<', gt => '>', amp => '&', quot => '"', apos => "'");
	while ($text =~ m{(<\?.*?\?>|<!--.*?-->)|<(/?)([\w:.-]+)[^>]*?(/?)>|([^<]+)}gs) {
		next if defined $1;
		if (defined $5) {
			(my $t = $5) =~ s/&(\w+);/$ent{$1}/g;
			$stack[-1]{text} .= $t;
			next;
		}
		my ($close, $name, $empty) = ($2, $3, $4);
		$name =~ s/^.*://;
		if ($close) { pop @stack; next }
		my $el = { name => $name, kids => [], text => '' };
		push @{ $stack[-1]{kids} }, $el;
		push @stack, $el unless $empty;
	}
	return $root;
}

sub kid { my ($e, $n) = @_; (grep { $_->{name} eq $n } @{ $e->{kids} })[0] }
sub txt {
	my ($e, @path) = @_;
	for my $n (@path) { $e = kid($e, $n) or return undef }
	(my $t = $e->{text}) =~ s/^\s+|\s+$//g;
	return $t;
}
sub items {
	my ($e, $set) = @_;
	my $s = kid($e, $set) or return ();
	return grep { $_->{name} eq 'item' } @{ $s->{kids} };
}
sub tags {
	my ($item) = @_;
	my %t = map { (txt($_, 'key') => txt($_, 'value') // '') }
	    items($item, 'tagSet');
	return \%t;
}
sub fixture {
	my ($file) = @_;
	open my $f, '<', "$TESTDATA/$file" or die "$file: $!";
	local $/;
	my $root = xml_tree(scalar <$f>);
	return (grep { $_->{name} ne '' } @{ $root->{kids} })[0];
}
my $T = JSON::PP::true;
my $F = JSON::PP::false;
sub bool { $_[0] ? $T : $F }

# Records in one region of one account, as the fixture pages hold them.
sub expected {
	my ($account, $region, $with_addresses) = @_;
	my (@want, @errors);
	for my $f ('libcloud/describe_vpcs.xml',
	    'botocore-response-parsing/ec2-describe-vpcs.xml') {
		for my $v (items(fixture($f), 'vpcSet')) {
			my $tags = tags($v);
			push @want, { kind => 'network', id => txt($v, 'vpcId'),
			    account => txt($v, 'ownerId') // $account,
			    region => $region, zone => '', state => txt($v, 'state'),
			    name => $tags->{Name} // '', tags => $tags,
			    cidrs => [txt($v, 'cidrBlock')],
			    is_default => bool(txt($v, 'isDefault') eq 'true') };
		}
	}
	for my $f ('libcloud/describe_subnets.xml',
	    'botocore-response-parsing/ec2-describe-subnets.xml') {
		for my $s (items(fixture($f), 'subnetSet')) {
			my $cidr = txt($s, 'cidrBlock');
			if ($cidr =~ m{/(\d+)$} && $1 > 32) {
				push @errors, "subnet " . txt($s, 'subnetId');
				next;
			}
			my $tags = tags($s);
			push @want, { kind => 'subnet', id => txt($s, 'subnetId'),
			    account => txt($s, 'ownerId') // $account,
			    region => $region, zone => txt($s, 'availabilityZone'),
			    state => txt($s, 'state'), name => $tags->{Name} // '',
			    tags => $tags, network_id => txt($s, 'vpcId'),
			    cidrs => [$cidr] };
		}
	}
	return (\@want, \@errors) unless $with_addresses;
	for my $f ('libcloud/describe_network_interfaces.xml',
	    'botocore-response-parsing/ec2-describe-network-interfaces.xml') {
		for my $n (items(fixture($f), 'networkInterfaceSet')) {
			for my $p (items($n, 'privateIpAddressesSet')) {
				push @want, { kind => 'address',
				    id => txt($n, 'networkInterfaceId'),
				    account => txt($n, 'ownerId') // $account,
				    region => $region,
				    zone => txt($n, 'availabilityZone'),
				    state => txt($n, 'status'), name => '', tags => {},
				    ip => txt($p, 'privateIpAddress'),
				    is_public => $F,
				    is_primary => bool(txt($p, 'primary') eq 'true'),
				    network_id => txt($n, 'vpcId'),
				    subnet_id => txt($n, 'subnetId'),
				    interface_id => txt($n, 'networkInterfaceId'),
				    attached_to => txt($n, 'attachment', 'instanceId'),
				    allocation_id => '' };
			}
		}
	}
	for my $f ('libcloud/describe_addresses_all.xml',
	    'botocore-response-parsing/ec2-describe-addresses.xml') {
		for my $e (items(fixture($f), 'addressesSet')) {
			my $alloc = txt($e, 'allocationId') // '';
			push @want, { kind => 'address',
			    id => $alloc ne '' ? $alloc : txt($e, 'publicIp'),
			    account => $account, region => $region, zone => '',
			    state => '', name => '', tags => {},
			    ip => txt($e, 'publicIp'), is_public => $T,
			    is_primary => $F, network_id => '', subnet_id => '',
			    interface_id => txt($e, 'networkInterfaceId') // '',
			    attached_to => txt($e, 'instanceId') // '',
			    allocation_id => $alloc };
		}
	}
	return (\@want, \@errors);
}

# The fields compared, from a driver record.
sub project {
	my ($r) = @_;
	my %p = map { exists $r->{$_} ? ($_ => $r->{$_}) : () }
	    qw(kind id account region zone state name tags is_default
	    network_id ip is_public is_primary subnet_id interface_id
	    attached_to allocation_id);
	$p{cidrs} = [map { $_->{cidr} } @{ $r->{cidrs} }] if $r->{cidrs};
	return \%p;
}

sub same_records {
	my ($run, $want, $name) = @_;
	my @have = sort map { $json->encode(project($_)) }
	    grep { $_->{kind} ne 'error' } @{ $run->{records} };
	my @exp = sort map { $json->encode($_) } @$want;
	is(scalar @have, scalar @exp, "$name: record count")
	    or diag("have " . scalar(@have) . ", want " . scalar(@exp));
	is_deeply(\@have, \@exp, "$name: every record, field by field");
}

sub count_kind {
	my ($want, $kind) = @_;
	return scalar grep { $_->{kind} eq $kind } @$want;
}

# --- the fake itself: aws4 refuses a changed byte ---------------------------

my $selftest = <<'JS';
import aws4 from 'aws4';
const [url, key, secret] = process.argv.slice(1);
const u = new URL(url);
const body = 'Action=DescribeVpcs&Version=2016-11-15';
const send = async (tamper) => {
  const o = aws4.sign({ host: u.host, path: '/', method: 'POST', body,
    service: 'ec2', region: 'us-east-1', headers: { 'Content-Type':
    'application/x-www-form-urlencoded; charset=utf-8' } },
    { accessKeyId: key, secretAccessKey: secret });
  const res = await fetch(url + '/', { method: 'POST', headers: o.headers,
    body: tamper ? body.replace('Vpcs', 'Vpct') : body });
  return res.status + ' ' + (await res.text()).match(/<Code>(\w+)/)?.[1];
};
console.log(await send(false));
console.log(await send(true));
JS
control();
open my $node, '-|', 'node', '--input-type=module', '-e', $selftest, $URL,
    $KEY, $SECRET or die "node: $!";
my @self = <$node>;
close $node;
chomp @self;
like($self[0] // '', qr/^200 /, 'fake: a request signed by aws4 is served');
is($self[1] // '', '403 SignatureDoesNotMatch',
    'fake: the same request with one byte changed is refused');

# --- A: a profile from the shared file, every region, faults ----------------

my $faults = '429@4,500@7,truncate@11,throttle400@16';
control(faults => $faults, fail_region => 'sa-east-1');
my $ra = run_driver({ AWS_SHARED_CREDENTIALS_FILE => "$dir/credentials",
    AWS_PROFILE => 'collector' }, '-A', '-n', '3');
my $calls = calls();
is($ra->{exit}, 0, 'A: the run finishes') or diag($ra->{err});
ok($ra->{report}, 'A: a report');
my @regions = map { txt($_, 'regionName') }
    items(fixture('botocore-response-parsing/ec2-describe-regions.xml'),
    'regionInfo');
my @good = grep { $_ ne 'sa-east-1' } @regions;
is(scalar @regions, 8, 'A: DescribeRegions gave 8 regions');
my (@want, $errors);
for my $r (@good) {
	my ($w, $e) = expected($OWN, $r, 1);
	push @want, @$w;
	$errors += @$e;
}
same_records($ra, \@want, 'A');
my $rep = $ra->{report};
is($rep->{networks}, count_kind(\@want, 'network'), 'A: report networks')
    and is($rep->{networks}, 21, 'A: 21 VPCs (3 in each of 7 regions)');
is($rep->{subnets}, 14, 'A: 14 subnets');
is($rep->{addresses}, 98, 'A: 98 addresses (7 ENI, 7 EIP per region)');
is($rep->{record_errors}, 7, 'A: the /64 subnet refused in every region');
my @errs = grep { $_->{kind} eq 'error' } @{ $ra->{records} };
is(scalar(grep { $_->{resource} eq 'subnet-ce0e7ce6'
    && $_->{message} =~ /64/ } @errs), 7, 'A: named, with the reason');

my @failures = @{ $rep->{failures} };
is(scalar @failures, 1, 'A: one failure');
is($failures[0]{scope}, "aws:$OWN/sa-east-1", 'A: it names account/region');
like($failures[0]{message}, qr/DescribeVpcs: HTTP 400 OptInRequired/,
    'A: with the call, status and AWS code');
my $after = 0;
for my $i (0 .. $#regions) {
	next unless $regions[$i] eq 'sa-east-1';
	my %after = map { $_ => 1 } @regions[$i + 1 .. $#regions];
	$after = grep { $after{ $_->{region} // '' } } @{ $ra->{records} };
}
ok($after > 0, 'A: regions after the failed one were still read');

# Pages: every page of every action in every good region, answered 200.
my %served;
for my $c (@$calls) {
	next unless ($c->{service} // '') eq 'ec2' && ($c->{status} // '') eq '200'
	    && !$c->{fault};
	$served{"$c->{region} $c->{action} " . ($c->{page} // 1)}++;
}
my @missing;
for my $r (@good) {
	for my $p ('DescribeVpcs 1', 'DescribeVpcs 2', 'DescribeSubnets 1',
	    'DescribeSubnets 2', 'DescribeNetworkInterfaces 1',
	    'DescribeNetworkInterfaces 2', 'DescribeAddresses 1') {
		push @missing, "$r $p" unless $served{"$r $p"};
	}
}
is_deeply(\@missing, [], 'A: every page of every region was followed');
is($rep->{pages}, 7 * @good, 'A: report pages = 7 per region');
ok(!grep({ $_->{token} && $_->{action} eq 'DescribeAddresses' } @$calls),
    'A: DescribeAddresses is not paginated (no NextToken sent)');

# Faults: each retried, counted, and the retry is the same request.
my %fault = map { ($_->{fault} => $_) } grep { $_->{fault} } @$calls;
is_deeply([sort keys %fault], [sort qw(429 500 truncate throttle400)],
    'A: the four faults were served');
for my $kind (sort keys %fault) {
	my $f = $fault{$kind};
	my ($next) = grep { $_->{n} == $f->{n} + 1 } @$calls;
	ok($next && $next->{action} eq $f->{action}
	    && ($next->{token} // '') eq ($f->{token} // '')
	    && $next->{region} eq $f->{region} && $next->{status} eq '200',
	    "A: $kind on $f->{action} in $f->{region} retried as the same "
	    . "request") or diag($json->encode([$f, $next]));
}
ok($fault{429} && (grep { $_->{n} == $fault{429}{n} + 1 } @$calls)[0]{t}
    - $fault{429}{t} >= 950, 'A: Retry-After: 1 was waited for');
is($rep->{retries}, 4, 'A: report retries = 4');
is($rep->{calls} + $rep->{retries}, scalar @$calls,
    'A: report calls + retries = requests the fake saw');
is($fault{truncate}{action}, 'DescribeAddresses',
    'A: the truncated body was an elastic IP answer');
{
	# What the first half held: complete records a naive retry doubles.
	my $all = do { local $/; open my $f, '<',
	    "$TESTDATA/libcloud/describe_addresses_all.xml"; <$f> };
	my $half = substr($all, 0, int(length($all) / 2));
	my $whole = () = $half =~ m{</item>}g;
	ok($whole >= 1, "A: its first half held $whole whole record(s)");
	my %seen;
	my @twice = grep { $seen{$_}++ } map { $json->encode(project($_)) }
	    grep { $_->{kind} ne 'error' } @{ $ra->{records} };
	is_deeply(\@twice, [], 'A: ... yet no record came twice');
}
is(scalar(grep { ($_->{akid} // $KEY) ne $KEY } @$calls), 0,
    'A: every signed call used the [collector] profile key');
like($ra->{err}, qr/"source":"shared_file"/, 'A: credentials from the file');

# --- B: a wrong secret -----------------------------------------------------

control();
my $rb = run_driver({ AWS_SHARED_CREDENTIALS_FILE => "$dir/credentials",
    AWS_PROFILE => 'wrong' }, '-r', 'us-east-1', '-r', 'eu-west-1', '-A');
$calls = calls();
is($rb->{exit}, 0, 'B: the run finishes');
ok((grep { ($_->{refused} // '') eq 'SignatureDoesNotMatch' } @$calls),
    'B: the fake refused the signature');
is(scalar @{ $rb->{records} }, 0, 'B: no records');
like($rb->{report}{failures}[0]{message} // '', qr/SignatureDoesNotMatch/,
    'B: reported with the code SignatureDoesNotMatch');

# --- C: member accounts through AssumeRole, one given a wrong secret --------

control(bad_secret_account => '222222222222');
my $c = run_driver({ AWS_ACCESS_KEY_ID => $KEY,
    AWS_SECRET_ACCESS_KEY => $SECRET }, '-a', '111111111111', '-a',
    '222222222222', '-a', '333333333333', '-R', 'CloudPAMRead', '-r',
    'us-east-1', '-r', 'eu-west-1', '-A');
$calls = calls();
is($c->{exit}, 0, 'C: the run finishes');
@want = ();
for my $acct ('111111111111', '333333333333') {
	for my $r ('us-east-1', 'eu-west-1') {
		my ($w) = expected($acct, $r, 1);
		push @want, @$w;
	}
}
same_records($c, \@want, 'C');
my @assumed = grep { $_->{action} eq 'AssumeRole' } @$calls;
is(scalar @assumed, 3, 'C: one AssumeRole per account');
ok(!grep({ $_->{akid} ne $KEY } @assumed), 'C: signed with the base key');
ok(!grep({ $_->{service} eq 'ec2' && $_->{akid} !~ /^ASIA/ } @$calls),
    'C: EC2 calls made with the role keys (and their session token)');
my @cf = @{ $c->{report}{failures} };
is_deeply([sort map { $_->{scope} } @cf],
    ['aws:222222222222/eu-west-1', 'aws:222222222222/us-east-1'],
    'C: both regions of the account with the wrong secret failed');
ok(!grep({ $_->{message} !~ /SignatureDoesNotMatch.*refused/ } @cf),
    'C: each says SignatureDoesNotMatch and that the keys were refused');

# --- D: the organization ---------------------------------------------------

control(org_accounts => "$OWN:ACTIVE,111111111111:ACTIVE,"
    . '333333333333:ACTIVE,444444444444:SUSPENDED,555555555555:ACTIVE');
my $d = run_driver({ AWS_ACCESS_KEY_ID => $KEY,
    AWS_SECRET_ACCESS_KEY => $SECRET }, '-a', 'organization', '-R',
    'CloudPAMRead', '-r', 'us-east-1');
$calls = calls();
is($d->{exit}, 0, 'D: the run finishes');
@want = ();
for my $acct ($OWN, '111111111111', '333333333333', '555555555555') {
	my ($w) = expected($acct, 'us-east-1', 0);
	push @want, @$w;
}
same_records($d, \@want, 'D');
is(scalar(grep { $_->{action} eq 'ListAccounts' && $_->{status} eq '200' }
    @$calls), 3, 'D: ListAccounts followed to its third page');
is_deeply([sort map { $_->{account} } grep { $_->{action} eq 'AssumeRole' }
    @$calls], ['111111111111', '333333333333', '555555555555'],
    'D: roles assumed in the members, not in our own or a suspended one');
ok(!grep({ ($_->{action} // '') =~ /NetworkInterfaces|Addresses/ } @$calls),
    'D: no address calls without -A');
is_deeply($d->{report}{failures}, [], 'D: no failures');

# --- E: web identity, F: IMDSv2, G: nothing --------------------------------

control(web_token => $WEB_TOKEN);
my $e = run_driver({ AWS_WEB_IDENTITY_TOKEN_FILE => "$dir/web-token",
    AWS_ROLE_ARN => 'arn:aws:iam::777777777777:role/eks-collector' },
    '-r', 'us-east-1');
my ($w) = expected('777777777777', 'us-east-1', 0);
same_records($e, $w, 'E (web identity)');
like($e->{err}, qr/"source":"web_identity"/, 'E: credentials from STS');

control();
my $f = run_driver({ AWS_EC2_METADATA_DISABLED => undef,
    AWS_EC2_METADATA_SERVICE_ENDPOINT => $URL }, '-r', 'us-east-1');
$calls = calls();
($w) = expected($OWN, 'us-east-1', 0);
same_records($f, $w, 'F (IMDSv2)');
is_deeply([map { $_->{action} } grep { ($_->{service} // '') eq 'imds' }
    @$calls], ['PUT /latest/api/token',
    'GET /latest/meta-data/iam/security-credentials/',
    'GET /latest/meta-data/iam/security-credentials/cloudpam-instance-role'],
    'F: a session token first, then the role and its keys');

my $g = run_driver({}, '-r', 'us-east-1');
is($g->{exit}, 1, 'G: no credentials at all stops the run');
is($g->{fatal}{code}, 'no_credentials', 'G: no_credentials');

# --- H: throttled past the last retry --------------------------------------

control(faults => '429@2,429@3,429@4');
my $h = run_driver({ AWS_ACCESS_KEY_ID => $KEY,
    AWS_SECRET_ACCESS_KEY => $SECRET }, '-r', 'us-east-1', '-n', '2');
like($h->{report}{failures}[0]{message} // '', qr/still throttled.*3 attempts/,
    'H: still throttled after 3 attempts is a failure, not an empty region');
is(scalar @{ $h->{records} }, 0, 'H: and no records');

# --- I: cut short on every attempt, J: a timeout, then an answer ------------

control(faults => 'truncate@2,truncate@3');
my $i = run_driver({ AWS_ACCESS_KEY_ID => $KEY,
    AWS_SECRET_ACCESS_KEY => $SECRET }, '-r', 'us-east-1', '-n', '1');
like($i->{report}{failures}[0]{message} // '',
    qr/^DescribeVpcs: POST http:\S+: transfer closed.* \(2 attempts\)$/,
    'I: a body cut short twice fails the region (never a short answer)');
is($i->{report}{retries}, 1, 'I: after one retry');

control(faults => 'hang@3');
my $j = run_driver({ AWS_ACCESS_KEY_ID => $KEY,
    AWS_SECRET_ACCESS_KEY => $SECRET }, '-r', 'us-east-1', '-t', '500');
($w) = expected($OWN, 'us-east-1', 0);
same_records($j, $w, 'J (a timeout retried)');
is($j->{report}{retries}, 1, 'J: one retry');

# --- K: the container credentials endpoint, L: a wrong token, M: refused ---

my $FULL_URI = "$URL/v2/credentials/3f1c0a7e-task";
for my $via ('file', 'variable') {
	control(container_token => $CONTAINER_TOKEN,
	    container_secret => $CONTAINER_SECRET);
	my $k = run_driver({ AWS_CONTAINER_CREDENTIALS_FULL_URI => $FULL_URI,
	    $via eq 'file'
	    ? (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE => "$dir/container-token")
	    : (AWS_CONTAINER_AUTHORIZATION_TOKEN => $CONTAINER_TOKEN) },
	    '-r', 'us-east-1');
	$calls = calls();
	($w) = expected($OWN, 'us-east-1', 0);
	same_records($k, $w, "K (container, token $via)");
	like($k->{err}, qr/"source":"container"/,
	    "K: credentials from the container endpoint (token $via)");
	my @cc = grep { ($_->{service} // '') eq 'container' } @$calls;
	ok(@cc == 1 && $cc[0]{authorized} && $cc[0]{action} eq
	    'GET /v2/credentials/3f1c0a7e-task',
	    "K: one GET of the full URI, with the token ($via)")
	    or diag($json->encode(\@cc));
	my @ec2 = grep { ($_->{service} // '') eq 'ec2' } @$calls;
	ok(@ec2 && !grep({ ($_->{akid} // '') !~ /^ASIA/
	    || ($_->{status} // '') ne '200' } @ec2),
	    "K: EC2 signed with the container's keys and session token ($via)");
}

control(container_token => $CONTAINER_TOKEN);
my $l = run_driver({ AWS_CONTAINER_CREDENTIALS_FULL_URI => $FULL_URI,
    AWS_CONTAINER_AUTHORIZATION_TOKEN => $CONTAINER_WRONG,
    AWS_EC2_METADATA_DISABLED => undef,
    AWS_EC2_METADATA_SERVICE_ENDPOINT => $URL }, '-r', 'us-east-1');
$calls = calls();
is($l->{exit}, 1, 'L: a refused container token stops the run');
is($l->{fatal}{code}, 'container_refused', 'L: container_refused');
like($l->{fatal}{message} // '', qr/^container credentials: \S+FULL_URI answered HTTP 401: the authorization token of AWS_CONTAINER_AUTHORIZATION_TOKEN was refused$/,
    'L: names the endpoint variable, the status and the token variable');
is_deeply([map { $_->{service} } @$calls], ['container'],
    'L: the container endpoint asked once; IMDS and EC2 never');

control();
my $m = run_driver({ AWS_CONTAINER_CREDENTIALS_FULL_URI =>
    'http://192.0.2.10/v2/credentials/x',
    AWS_CONTAINER_AUTHORIZATION_TOKEN => $CONTAINER_TOKEN },
    '-r', 'us-east-1');
is($m->{exit}, 1, 'M: a full URI over plain http to another host stops');
is($m->{fatal}{code}, 'invalid_config', 'M: invalid_config');
like($m->{fatal}{message} // '', qr/FULL_URI must be https, or http to a loopback/,
    'M: says what is allowed');
is(scalar @{ calls() }, 0, 'M: before any call');

# --- no secret anywhere ----------------------------------------------------

my @secrets = ($SECRET, $WRONG, $WEB_TOKEN, $CONTAINER_TOKEN,
    $CONTAINER_WRONG, $CONTAINER_SECRET, 'FwoG');
my @leaks = grep { my $o = $_; grep { index($o, $_) >= 0 } @secrets } @outputs;
is(scalar @leaks, 0, 'no secret, token or session token in any output');

# --- valgrind, once --------------------------------------------------------

SKIP: {
	skip 'valgrind not installed', 2
	    unless system('valgrind --version >/dev/null 2>&1') == 0;
	control(faults => '500@3,truncate@8');
	my $v = run_driver({ AWS_ACCESS_KEY_ID => $KEY,
	    AWS_SECRET_ACCESS_KEY => $SECRET, _wrap => ['valgrind', '-q',
	    '--leak-check=full', '--errors-for-leak-kinds=definite,indirect',
	    '--error-exitcode=99'] }, '-r', 'us-east-1', '-A');
	is($v->{exit}, 0, 'valgrind: no invalid access, no leak')
	    or diag(substr($v->{err}, 0, 3000));
	($w) = expected($OWN, 'us-east-1', 1);
	is(scalar(grep { $_->{kind} ne 'error' } @{ $v->{records} }),
	    scalar @$w, 'valgrind: every record, retries included');
}

done_testing;
