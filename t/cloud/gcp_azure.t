# GCP and Azure discovery end to end: app/cloud/gcp.c and azure.c, through
# the real HTTP client, against loopback fakes that check credentials the
# way the clouds do (t/cloud/fake-gcp.mjs verifies the RS256 assertion with
# the `jose` library) and serve the recorded answers of ../shared/testdata
# a page at a time, with a 429, a 500 and a body cut in half injected.
#
# What is expected is worked out here from the fixture files themselves,
# not from the C parsers: every network, subnet and address they hold comes
# out once, the data quirks come out as per-record errors naming the
# resource, every page is asked for, faults are retried, failures of one
# project or subscription are reported and the rest goes on, a token
# renewed between two pages leaves the next page's URL alone, a JWT signed
# with another key or a wrong identity header is refused, and no secret or
# token is ever printed.
#
# The service-account key pair is made here with openssl, in a temporary
# folder, and never written into the repository.
use strict;
use warnings;
use Test::More;
use Cwd qw(getcwd abs_path);
use File::Temp qw(tempdir);
use HTTP::Tiny;
use JSON::PP;

my $TOP = abs_path(getcwd());
my $TESTDATA = $ENV{CLOUDPAM_TESTDATA} // "$TOP/../shared/testdata";
my $B = $ENV{CLOUDPAM_BUILD} // 'build';
my $DRIVER = "$B/t/cloud/gcp_azure_driver";
my $EMAIL = 'cloudpam-test@test-project.iam.gserviceaccount.com';
my $SECRET = 'Az~Secret/with+form&chars=1';
my %AZ = (tenant => 'tenant-0001', client => 'client-0002');
my $IDENTITY_HEADER = 'id-header-5f1c0e9a7b';
my $WRONG_HEADER = 'id-header-wrong-3d2a';
my $JSON = JSON::PP->new->canonical;

plan skip_all => 'node not installed' if system('node --version >/dev/null 2>&1');
plan skip_all => 'openssl not installed'
    if system('openssl version >/dev/null 2>&1');
plan skip_all => 'npm package jose not installed (make deps)'
    unless -d "$TOP/node_modules/jose";
plan skip_all => "no testdata at $TESTDATA" unless -d "$TESTDATA/gcp";

my $tmp = tempdir('cloudpam-cloud-XXXXXX', TMPDIR => 1, CLEANUP => 1);
# Pids and pipes of the fakes: a pipe closed before its fake ends would
# wait for it, so they are kept until the fakes are told to stop.
my (@fakes, @pipes);
END {
	kill 'TERM', $_ for @fakes;
	close $_ for @pipes;
}

# --- build --------------------------------------------------------------

# make test-build builds the driver; build it here only when run alone.
sub build {
	return 1 if -x $DRIVER;
	for my $cmd ("make -j2 B=$B $DRIVER") {
		my $out = `$cmd 2>&1`;
		if ($?) {
			my @lines = split /\n/, $out;
			diag(join "\n", grep({ /error|Error/ } @lines) ? grep({ /error|Error/ } @lines) : @lines[-20 .. -1]);
			return 0;
		}
	}
	return 1;
}
ok(build(), "driver built against $B/libcloudpam.a") or BAIL_OUT('no driver');

# --- keys, fakes, driver ------------------------------------------------

sub sh_ok {
	my ($cmd) = @_;
	my $out = `$cmd 2>&1`;
	die "$cmd: $out" if $?;
}
sh_ok("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $tmp/sa.pem");
sh_ok("openssl pkey -in $tmp/sa.pem -pubout -out $tmp/sa.pub");
sh_ok("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $tmp/other.pem");

sub slurp {
	my ($path) = @_;
	open(my $fh, '<:raw', $path) or die "$path: $!";
	local $/;
	return scalar <$fh>;
}

sub fixture {
	my ($path) = @_;
	my $doc = decode_json(slurp("$TESTDATA/$path"));
	return $doc->{headers} && $doc->{body} ? $doc->{body} : $doc;
}

# Start a fake with env; returns its base URL once it says "listening".
sub start_fake {
	my ($script, %env) = @_;
	local @ENV{keys %env} = values %env;
	my $pid = open(my $fh, '-|', 'node', $script) or die "node: $!";
	push @fakes, $pid;
	push @pipes, $fh;
	my $line = <$fh> // '';
	$line =~ /^listening (\d+)/ or die "$script did not start: $line";
	return "http://127.0.0.1:$1";
}

my %common = (FAKE_TESTDATA => $TESTDATA);
my $gcp = start_fake('t/cloud/fake-gcp.mjs', %common,
    FAKE_GCP_PUBLIC_KEY => "$tmp/sa.pub", FAKE_GCP_CLIENT_EMAIL => $EMAIL,
    FAKE_FAULTS => '429@2,500@4,truncate@6');
my $azure = start_fake('t/cloud/fake-azure.mjs', %common,
    FAKE_AZURE_TENANT_ID => $AZ{tenant}, FAKE_AZURE_CLIENT_ID => $AZ{client},
    FAKE_AZURE_CLIENT_SECRET => $SECRET,
    FAKE_AZURE_IDENTITY_HEADER => $IDENTITY_HEADER,
    FAKE_FAULTS => '429@2,500@5,truncate@8');

sub key_file {
	my ($name, $pem) = @_;
	open(my $fh, '>', "$tmp/$name") or die $!;
	print $fh $JSON->encode({ type => 'service_account',
	    project_id => 'test-project', private_key_id => 'key-1',
	    private_key => slurp($pem), client_email => $EMAIL,
	    token_uri => "$gcp/token" });
	close $fh;
	return "$tmp/$name";
}
my $good_key = key_file('sa.json', "$tmp/sa.pem");
my $bad_key = key_file('other.json', "$tmp/other.pem");

my @CLOUD_ENV = qw(GOOGLE_APPLICATION_CREDENTIALS CLOUDPAM_GCP_TOKEN_URL
    GCE_METADATA_HOST CLOUDPAM_GCP_COMPUTE_ENDPOINT AZURE_TENANT_ID
    AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_AUTHORITY_HOST
    AZURE_POD_IDENTITY_AUTHORITY_HOST CLOUDPAM_AZURE_IMDS_ENDPOINT
    CLOUDPAM_AZURE_ARM_ENDPOINT IDENTITY_ENDPOINT IDENTITY_HEADER);
my $all_output = '';

# Run the driver; returns {rc, records => [...], errors => [...], report}.
sub run {
	my ($env, @args) = @_;
	local %ENV = %ENV;
	delete @ENV{@CLOUD_ENV};
	# Never reach the real metadata services (link-local, not ours):
	# unless a run names a fake, they point at a closed loopback port.
	@ENV{qw(GCE_METADATA_HOST CLOUDPAM_AZURE_IMDS_ENDPOINT)} =
	    ('127.0.0.1:9', 'http://127.0.0.1:9');
	@ENV{keys %$env} = values %$env;
	delete $ENV{$_} for grep { !defined $ENV{$_} } keys %ENV;
	system("$DRIVER @args >$tmp/out 2>$tmp/err");
	my %r = (rc => $? >> 8, stdout => slurp("$tmp/out"),
	    stderr => slurp("$tmp/err"));
	$all_output .= $r{stdout} . $r{stderr};
	for my $line (split /\n/, $r{stdout}) {
		my $o = decode_json($line);
		if ($o->{kind} eq 'report') { $r{report} = $o }
		elsif ($o->{kind} eq 'error') { push @{$r{errors}}, $o }
		else { push @{$r{records}{$o->{kind}}}, $o }
	}
	$r{report} //= {};
	return \%r;
}

sub stats {
	my ($base) = @_;
	my $res = HTTP::Tiny->new->get("$base/_fake/stats");
	return decode_json($res->{content});
}

sub sorted { return [ sort @_ ] }

# The calls a fake answered after the first $mark.
sub calls_since {
	my ($base, $mark) = @_;
	my @calls = @{stats($base)->{calls}};
	return [ @calls[$mark .. $#calls] ];
}

# "project resource" or "subscription type" => the page offsets answered.
sub pages_seen {
	my ($calls, $account) = @_;
	my %seen;
	for my $c (grep { $_->{status} == 200 } @$calls) {
		$seen{"$c->{$account} $c->{resource}"}{$c->{offset}} = 1;
	}
	return { map { $_ => [ sort { $a <=> $b } keys %{$seen{$_}} ] } keys %seen };
}

sub kinds {
	my ($r, $kind, $field) = @_;
	return sorted(map { $_->{$field} } @{$r->{records}{$kind} // []});
}

# --- IPv4 arithmetic for the quirks -------------------------------------

sub ip_int { my @o = split /\./, $_[0]; return ($o[0] << 24) + ($o[1] << 16) + ($o[2] << 8) + $o[3] }

sub prefix {
	my ($cidr) = @_;
	my ($ip, $len) = split m{/}, $cidr;
	my $mask = $len == 0 ? 0 : (0xffffffff << (32 - $len)) & 0xffffffff;
	return (ip_int($ip), $len, $mask);
}

sub canonical { my ($ip, $len, $mask) = prefix($_[0]); return ($ip & $mask) == $ip }

sub inside {
	my ($inner, $outer) = @_;
	my ($i, $il) = prefix($inner);
	my ($o, $ol, $om) = prefix($outer);
	return $il >= $ol && ($i & $om) == $o;
}

# --- GCP: what the fixtures hold ----------------------------------------

my %gcp_files = (
	project_name => {
		networks => 'gcp/libcloud/global_networks.json',
		subnetworks => 'gcp/libcloud/aggregated_subnetworks.json',
		instances => 'gcp/libcloud/aggregated_instances.json',
		addresses => 'gcp/libcloud/aggregated_addresses.json',
	},
	'cloud-custodian' => {
		networks => 'gcp/cloud-custodian/test_vpc_firewall_filter_query__get-compute-v1-projects-cloud-custodian-global-networks_1.json',
		subnetworks => 'gcp/cloud-custodian/subnet-set-flow__get-compute-v1-projects-cloud-custodian-aggregated-subnetworks_1.json',
		instances => 'gcp/cloud-custodian/instance-query__get-compute-v1-projects-cloud-custodian-aggregated-instances_1.json',
		addresses => 'gcp/cloud-custodian/loadbalancer-address-labels__get-compute-v1-projects-cloud-custodian-aggregated-addresses_1.json',
	},
);

sub relative { my ($url) = @_; $url =~ s{^.*?/compute/v1/}{}; return $url }

# Items of an answer, whether a list or an aggregatedList.
sub gcp_items {
	my ($doc, $plural) = @_;
	return @{$doc->{items}} if ref $doc->{items} eq 'ARRAY';
	return map { @{$_->{$plural} // []} } values %{$doc->{items}};
}

sub gcp_pages {
	my ($doc) = @_;
	my $n = ref $doc->{items} eq 'ARRAY' ? @{$doc->{items}}
	    : keys %{$doc->{items}};
	return $n || 1;
}

sub gcp_expect {
	my (@projects) = @_;
	my %e = (pages => 0);
	for my $p (@projects) {
		my $f = $gcp_files{$p};
		my %doc = map { $_ => fixture($f->{$_}) } keys %$f;
		$e{pages} += gcp_pages($doc{$_}) for keys %doc;
		$e{pages_of}{$p}{$_} = gcp_pages($doc{$_}) for keys %doc;
		for my $n (gcp_items($doc{networks}, 'networks')) {
			push @{$e{network}}, relative($n->{selfLink});
		}
		for my $s (gcp_items($doc{subnetworks}, 'subnetworks')) {
			my $id = relative($s->{selfLink});
			push @{$e{subnet}}, $id;
			push @{$e{subnet_cidr}}, "$id $_" for $s->{ipCidrRange},
			    map { $_->{ipCidrRange} } @{$s->{secondaryIpRanges} // []};
		}
		for my $i (gcp_items($doc{instances}, 'instances')) {
			for my $nic (@{$i->{networkInterfaces} // []}) {
				push @{$e{address}}, $nic->{networkIP} // ();
				push @{$e{address}}, map { $_->{natIP} // () }
				    @{$nic->{accessConfigs} // []};
			}
		}
		for my $a (gcp_items($doc{addresses}, 'addresses')) {
			# A reserved range (VPC peering) is not one address.
			if (($a->{prefixLength} // 32) < 32) {
				push @{$e{error}}, relative($a->{selfLink});
			} else {
				push @{$e{address}}, $a->{address};
			}
		}
	}
	$e{$_} = sorted(@{$e{$_} // []}) for qw(network subnet subnet_cidr address error);
	return \%e;
}

# --- GCP: the main run --------------------------------------------------

my %gcp_env = (GOOGLE_APPLICATION_CREDENTIALS => $good_key,
    CLOUDPAM_GCP_COMPUTE_ENDPOINT => "$gcp/compute/v1");
my @projects = ('project_name', 'cloud-custodian');
my $want = gcp_expect(@projects);
my $r = run(\%gcp_env, 'gcp', @projects, 'no-such-project');
is($r->{rc}, 0, 'gcp: discover returns 0 though one project fails');
is_deeply(kinds($r, 'network', 'external_id'), $want->{network},
    'gcp: every network of the fixtures, once (' . @{$want->{network}} . ')');
is_deeply(kinds($r, 'subnet', 'external_id'), $want->{subnet},
    'gcp: every subnetwork, once (' . @{$want->{subnet}} . ')');
is_deeply(sorted(map { my $s = $_; map { "$s->{external_id} $_->{cidr}" } @{$s->{cidrs}} }
    @{$r->{records}{subnet}}), $want->{subnet_cidr},
    'gcp: subnet CIDRs, secondary ranges included (' . @{$want->{subnet_cidr}} . ')');
is_deeply(kinds($r, 'address', 'ip'), $want->{address},
    'gcp: every instance and reserved address (' . @{$want->{address}} . ')');
is_deeply(sorted(map { $_->{resource} } @{$r->{errors} // []}), $want->{error},
    'gcp: the reserved range is a per-record error naming it');
like($r->{errors}[0]{message} // '', qr/range/, 'gcp: ... saying it is a range');
my @net = @{$r->{records}{network} // []};
ok(@net && !grep({ !$_->{stamped} || $_->{provider} ne 'gcp' } @net),
    'gcp: records are stamped with discovered_at and provider');
my ($legacy) = grep { $_->{name} eq 'default' && $_->{account} eq 'project_name' } @net;
is_deeply([ map { $_->{cidr} } @{$legacy->{cidrs} // []} ], ['10.240.0.0/16'],
    'gcp: the legacy network keeps its IPv4Range');
my $rep = $r->{report};
is($rep->{networks} + $rep->{subnets} + $rep->{addresses},
    @{$want->{network}} + @{$want->{subnet}} + @{$want->{address}},
    'gcp: report counts the records');
is($rep->{record_errors}, scalar @{$want->{error}}, 'gcp: report counts record errors');
is($rep->{pages}, $want->{pages}, "gcp: report counts $want->{pages} pages");
is($rep->{progress}, $want->{pages}, 'gcp: progress called after each page');
is(scalar @{$rep->{failures}}, 1, 'gcp: one failure');
is($rep->{failures}[0]{scope}, 'gcp:no-such-project', 'gcp: ... scoped to its project');
like($rep->{failures}[0]{message}, qr/404.*not found/i, 'gcp: ... saying why');

my $st = stats($gcp);
my %seen;
for my $c (grep { $_->{status} == 200 } @{$st->{calls}}) {
	$seen{$c->{project}}{$c->{resource}}{$c->{offset}}++;
}
for my $p (@projects) {
	for my $res (sort keys %{$want->{pages_of}{$p}}) {
		my $n = $want->{pages_of}{$p}{$res};
		is_deeply([ sort { $a <=> $b } keys %{$seen{$p}{$res} // {}} ], [ 0 .. $n - 1 ],
		    "gcp: every page of $p $res followed ($n)");
	}
}
my @calls = @{$st->{calls}};
for my $fault ([ '429', 429 ], [ '500', 500 ], [ 'truncate', 200 ]) {
	my ($i) = grep { $calls[$_]{fault} eq $fault->[0] } 0 .. $#calls;
	ok(defined $i && $calls[$i]{status} == $fault->[1]
	    && $calls[$i + 1]{query} eq $calls[$i]{query}
	    && $calls[$i + 1]{status} == 200,
	    "gcp: $fault->[0] answer retried with the same request");
}
cmp_ok($rep->{retries}, '>=', 3, 'gcp: report counts the retries');
is($rep->{calls} + $rep->{retries}, scalar(@calls) + 1,
    'gcp: report counts every call and retry, the token call too');

# --- GCP: regions, metadata server, a key the fake does not know ---------

$r = run(\%gcp_env, '-n', '-r', 'us-central1', 'gcp', 'project_name');
is_deeply(kinds($r, 'subnet', 'region'), ['us-central1'],
    'gcp: -r keeps the subnets of the regions asked for');
is(scalar @{$r->{records}{address} // []}, 0, 'gcp: -n asks for no addresses');

$r = run({ GCE_METADATA_HOST => substr($gcp, 7),
    CLOUDPAM_GCP_COMPUTE_ENDPOINT => "$gcp/compute/v1" }, '-n', 'gcp', 'project_name');
is($r->{rc}, 0, 'gcp: metadata server token without a key file');
is(scalar @{$r->{records}{subnet} // []}, 4, 'gcp: ... and discovery with it');

my $before = @{stats($gcp)->{calls}};
$r = run({ %gcp_env, GOOGLE_APPLICATION_CREDENTIALS => $bad_key }, 'gcp', 'project_name');
is($r->{rc}, 1, 'gcp: a JWT signed with another key ends discovery');
like($r->{report}{error} // '', qr/token endpoint.*HTTP 400: invalid_grant/,
    'gcp: ... reported clearly (token endpoint, invalid_grant)');
is($r->{report}{error_code}, 'credentials_refused', 'gcp: ... with a stable code');
ok(!$r->{records}, 'gcp: ... and nothing discovered');
is(scalar @{stats($gcp)->{calls}}, $before, 'gcp: ... nor Compute asked');
ok(grep({ /SIGNATURE_VERIFICATION_FAILED/ } @{stats($gcp)->{refusals}}),
    'gcp: the fake refused it for its signature (jose)');

$r = run({ %gcp_env, GOOGLE_APPLICATION_CREDENTIALS => "$tmp/none.json" }, 'gcp', 'p');
like($r->{report}{error} // '', qr/cannot open GOOGLE_APPLICATION_CREDENTIALS/,
    'gcp: a missing key file is named');

# --- Azure: what the fixtures hold --------------------------------------

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

sub az_sub { my ($id) = @_; $id =~ m{^/subscriptions/([^/]+)/}i; return lc $1 }

sub az_expect {
	my %e;
	for my $v (az_resources('virtualNetworks')) {
		push @{$e{network}}, $v->{id};
		my @space = @{$v->{properties}{addressSpace}{addressPrefixes}};
		for my $s (@{$v->{properties}{subnets} // []}) {
			my $p = $s->{properties};
			my @cidrs = $p->{addressPrefix} // @{$p->{addressPrefixes} // []};
			my $good = !grep { my $c = $_; !canonical($c) || !grep { inside($c, $_) } @space } @cidrs;
			push @{$e{$good ? 'subnet' : 'error'}}, $s->{id};
		}
	}
	for my $nic (az_resources('networkInterfaces')) {
		for my $ipc (@{$nic->{properties}{ipConfigurations}}) {
			my $ip = $ipc->{properties}{privateIPAddress};
			push @{$e{$ip =~ m{/} ? 'error' : 'address'}},
			    $ip =~ m{/} ? $ipc->{id} : $ip;
		}
	}
	for my $pip (az_resources('publicIPAddresses')) {
		my $p = $pip->{properties};
		if (defined $p->{ipAddress}) { push @{$e{address}}, $p->{ipAddress} }
		elsif ($p->{publicIPAllocationMethod} eq 'Static') { push @{$e{error}}, $pip->{id} }
	}
	for my $type (keys %az_files) {
		$e{count}{az_sub($_->{id})}{$type}++ for az_resources($type);
	}
	$e{$_} = sorted(@{$e{$_}}) for qw(network subnet address error);
	return \%e;
}

# --- Azure: the main run ------------------------------------------------

my %az_env = (AZURE_TENANT_ID => $AZ{tenant}, AZURE_CLIENT_ID => $AZ{client},
    AZURE_CLIENT_SECRET => $SECRET, AZURE_AUTHORITY_HOST => "$azure/",
    CLOUDPAM_AZURE_ARM_ENDPOINT => $azure);
my $az = az_expect();
my @subs = sort keys %{$az->{count}};
$r = run(\%az_env, 'azure', @subs, 'forbidden-sub', 'off-host-link', 'no-such-sub');
is($r->{rc}, 0, 'azure: discover returns 0 though three subscriptions fail');
is_deeply(kinds($r, 'network', 'external_id'), $az->{network},
    'azure: every VNet of the fixtures, once (' . @{$az->{network}} . ')');
is_deeply(kinds($r, 'subnet', 'external_id'), $az->{subnet},
    'azure: every well-formed subnet (' . @{$az->{subnet}} . ')');
is_deeply(kinds($r, 'address', 'ip'), $az->{address},
    'azure: every NIC and public address (' . @{$az->{address}} . ')');
is_deeply(sorted(map { $_->{resource} } @{$r->{errors} // []}), $az->{error},
    'azure: the data quirks are per-record errors naming the resource ('
    . @{$az->{error}} . ')');
my %why = map { $_->{resource} => $_->{message} } @{$r->{errors} // []};
like($why{'/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/test-vnet/subnets/test-2'} // '',
    qr/10\.1\.0\.0\/28.*outside/, 'azure: subnet outside its VNet says so');
like($why{'/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/REVIZOR/providers/Microsoft.Network/virtualNetworks/test_network/subnets/Azure_VPC_Subnet'} // '',
    qr/host bits/, 'azure: host bits set says so');
like($why{'/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces/test-nic/ipConfigurations/ipconfig2'} // '',
    qr/prefix/, 'azure: a privateIPAddress that is a prefix says so');
$rep = $r->{report};
is($rep->{record_errors}, scalar @{$az->{error}}, 'azure: report counts record errors');
my %failed = map { $_->{scope} => $_->{message} } @{$rep->{failures}};
is_deeply([ sort keys %failed ], [ 'azure:forbidden-sub', 'azure:no-such-sub', 'azure:off-host-link' ],
    'azure: one failure per failing subscription');
like($failed{'azure:forbidden-sub'} // '', qr/403: AuthorizationFailed/, 'azure: 403 reported');
like($failed{'azure:no-such-sub'} // '', qr/SubscriptionNotFound/, 'azure: unknown subscription reported');
like($failed{'azure:off-host-link'} // '', qr/nextLink leads away/, 'azure: off-host nextLink refused');

$st = stats($azure);
ok(!grep({ $_->{offHost} } @{$st->{calls}}), 'azure: the token never went to another host');
%seen = ();
for my $c (grep { $_->{status} == 200 } @{$st->{calls}}) {
	$seen{$c->{subscription}}{$c->{resource}}{$c->{offset}}++;
}
my $pages = 0;
for my $sub (@subs) {
	for my $type (sort keys %az_files) {
		my $n = $az->{count}{$sub}{$type} // 0;
		my @want = $n > 1 ? (-1 .. $n - 1) : (0);
		$pages += @want;
		is_deeply([ sort { $a <=> $b } keys %{$seen{$sub}{$type} // {}} ], \@want,
		    "azure: every page of $sub $type followed, empty ones too ($n)");
	}
}
is($rep->{pages}, $pages + 1, "azure: report counts the pages ($pages, and the off-host one)");
@calls = @{$st->{calls}};
for my $fault ([ '429', 429 ], [ '500', 500 ], [ 'truncate', 200 ]) {
	my ($i) = grep { $calls[$_]{fault} eq $fault->[0] } 0 .. $#calls;
	ok(defined $i && $calls[$i]{status} == $fault->[1]
	    && $calls[$i + 1]{query} eq $calls[$i]{query}
	    && $calls[$i + 1]{status} == 200,
	    "azure: $fault->[0] answer retried with the same request");
}
cmp_ok($rep->{retries}, '>=', 3, 'azure: report counts the retries');

# --- Azure: managed identity, a wrong secret ----------------------------

$r = run({ CLOUDPAM_AZURE_IMDS_ENDPOINT => $azure,
    CLOUDPAM_AZURE_ARM_ENDPOINT => $azure }, '-n', 'azure', 'subid');
is($r->{rc}, 0, 'azure: managed identity token from IMDS');
is(scalar @{$r->{records}{network} // []}, $az->{count}{subid}{virtualNetworks},
    'azure: ... and discovery with it');
$r = run({ AZURE_POD_IDENTITY_AUTHORITY_HOST => $azure,
    CLOUDPAM_AZURE_IMDS_ENDPOINT => undef,
    CLOUDPAM_AZURE_ARM_ENDPOINT => $azure }, '-n', 'azure', 'subid');
is($r->{rc}, 0, 'azure: AZURE_POD_IDENTITY_AUTHORITY_HOST reaches IMDS too');

$r = run({ %az_env, AZURE_CLIENT_SECRET => 'wrong' }, 'azure', 'subid');
is($r->{rc}, 1, 'azure: a wrong client secret ends discovery');
like($r->{report}{error} // '', qr/HTTP 401: invalid_client: AADSTS7000215/,
    'azure: ... reported clearly');

# --- Azure: managed identity of App Service and Container Apps -----------

my %mi_env = (IDENTITY_ENDPOINT => "$azure/msi/token",
    IDENTITY_HEADER => $IDENTITY_HEADER, CLOUDPAM_AZURE_ARM_ENDPOINT => $azure);
my $asked = stats($azure)->{tokenCalls};
$r = run(\%mi_env, '-n', 'azure', 'subid');
is($r->{rc}, 0, 'azure: IDENTITY_ENDPOINT and IDENTITY_HEADER alone give a token');
is(scalar @{$r->{records}{network} // []}, $az->{count}{subid}{virtualNetworks},
    'azure: ... and discovery with it (expires_on, not expires_in)');
$st = stats($azure);
is($st->{tokenCalls}{identity}, $asked->{identity} + 1,
    'azure: ... asked the identity endpoint once');
$r = run({ %mi_env, CLOUDPAM_AZURE_IMDS_ENDPOINT => $azure }, '-n', 'azure', 'subid');
is_deeply([ @{stats($azure)->{tokenCalls}}{qw(identity imds)} ],
    [ $asked->{identity} + 2, $asked->{imds} ],
    'azure: the identity endpoint is asked before IMDS');

$before = @{stats($azure)->{calls}};
$r = run({ %mi_env, IDENTITY_HEADER => $WRONG_HEADER }, '-n', 'azure', 'subid');
is($r->{rc}, 1, 'azure: a wrong IDENTITY_HEADER ends discovery');
like($r->{report}{error} // '',
    qr/managed identity endpoint .*IDENTITY_ENDPOINT.*HTTP 401: .*X-IDENTITY-HEADER/,
    'azure: ... reported clearly (the endpoint, HTTP 401, the header)');
is($r->{report}{error_code}, 'credentials_refused', 'azure: ... with a stable code');
is(scalar @{stats($azure)->{calls}}, $before, 'azure: ... and ARM is not asked');

# A sovereign cloud's Resource Manager wants tokens for itself; every
# other run here asks for the public one, which is all the fake accepts.
# So no run below reaches ARM (nor the network): each ends at the token,
# and the fake names the resource or scope it was asked for.
my @sovereign = (
	[ 'IDENTITY_ENDPOINT', \%mi_env, 'https://management.usgovcloudapi.net',
	    'https://management.usgovcloudapi.net/' ],
	[ 'IMDS', { CLOUDPAM_AZURE_IMDS_ENDPOINT => $azure },
	    'https://Management.ChinaCloudAPI.cn/', 'https://management.chinacloudapi.cn/' ],
	[ 'a client secret', \%az_env, 'https://management.usgovcloudapi.net:443/',
	    'https://management.usgovcloudapi.net/.default' ],
);
for my $case (@sovereign) {
	my ($how, $env, $arm, $want) = @$case;
	$before = @{stats($azure)->{calls}};
	$r = run({ %$env, CLOUDPAM_AZURE_ARM_ENDPOINT => $arm }, '-n', 'azure', 'subid');
	is(stats($azure)->{resources}[-1], $want, "azure: ARM at $arm ($how) asks for $want");
	ok($r->{rc} == 1 && @{stats($azure)->{calls}} == $before,
	    '... refused by the fake, so ARM is not called');
}

# --- a token renewed between two pages -----------------------------------
#
# The client renews a token that expires within 300 seconds (TOKEN_MARGIN
# in app/cloud/cloud_common.c).  Fakes whose tokens live 60 seconds make it
# renew before every page, as a discovery longer than a token's life does
# now and then.  The renewal used to build its URL where the page loop kept
# the next page's, so the page went to the token endpoint instead.

my $gcp_short = start_fake('t/cloud/fake-gcp.mjs', %common,
    FAKE_GCP_PUBLIC_KEY => "$tmp/sa.pub", FAKE_GCP_CLIENT_EMAIL => $EMAIL,
    FAKE_TOKEN_EXPIRES_IN => 60);
my $az_short = start_fake('t/cloud/fake-azure.mjs', %common,
    FAKE_AZURE_TENANT_ID => $AZ{tenant}, FAKE_AZURE_CLIENT_ID => $AZ{client},
    FAKE_AZURE_CLIENT_SECRET => $SECRET,
    FAKE_AZURE_IDENTITY_HEADER => $IDENTITY_HEADER,
    FAKE_TOKEN_EXPIRES_IN => 60);

$want = gcp_expect('project_name');
my %want_pages = map { ("project_name $_" => [ 0 .. $want->{pages_of}{project_name}{$_} - 1 ]) }
    keys %{$want->{pages_of}{project_name}};
$r = run({ GCE_METADATA_HOST => substr($gcp_short, 7),
    CLOUDPAM_GCP_COMPUTE_ENDPOINT => "$gcp_short/compute/v1" }, 'gcp', 'project_name');
is_deeply([ $r->{rc}, $r->{report}{failures} ], [ 0, [] ],
    'renewal: gcp metadata run returns 0 with no failure');
is_deeply(pages_seen(calls_since($gcp_short, 0), 'project'), \%want_pages,
    "renewal: gcp follows every page ($want->{pages})");
is_deeply(kinds($r, 'subnet', 'external_id'), $want->{subnet},
    'renewal: gcp finds every subnetwork');
is(stats($gcp_short)->{tokenCalls}, $want->{pages} + 1,
    'renewal: gcp renewed its token before every page');

my %az_pages;
for my $sub (@subs) {
	for my $type (sort keys %az_files) {
		my $n = $az->{count}{$sub}{$type} // 0;
		$az_pages{"$sub $type"} = [ $n > 1 ? (-1 .. $n - 1) : (0) ];
	}
}
my $npages = 0;
$npages += @$_ for values %az_pages;
my @renewals = (
	[ 'a client secret', { %az_env, AZURE_AUTHORITY_HOST => $az_short }, 'platform' ],
	[ 'IMDS', { CLOUDPAM_AZURE_IMDS_ENDPOINT => $az_short }, 'imds' ],
	[ 'IDENTITY_ENDPOINT', { IDENTITY_ENDPOINT => "$az_short/msi/token",
	    IDENTITY_HEADER => $IDENTITY_HEADER }, 'identity' ],
);
for my $case (@renewals) {
	my ($how, $env, $route) = @$case;
	my $mark = @{stats($az_short)->{calls}};
	my $tokens = stats($az_short)->{tokenCalls}{$route};
	$r = run({ %$env, CLOUDPAM_AZURE_ARM_ENDPOINT => $az_short }, 'azure', @subs);
	is_deeply([ $r->{rc}, $r->{report}{failures} ], [ 0, [] ],
	    "renewal: azure ($how) run returns 0 with no failure");
	is_deeply(pages_seen(calls_since($az_short, $mark), 'subscription'), \%az_pages,
	    "renewal: azure ($how) follows every page ($npages)");
	is(stats($az_short)->{tokenCalls}{$route} - $tokens, $npages + 1,
	    "renewal: azure ($how) renewed its token before every page");
}

# --- nothing secret was printed -----------------------------------------

my @secrets = (map({ @{stats($_)->{tokens}} } $gcp, $azure, $gcp_short, $az_short),
    $SECRET, $IDENTITY_HEADER, $WRONG_HEADER);
cmp_ok(scalar @secrets, '>=', 6, 'tokens were issued: ' . scalar @secrets);
my @leaked = grep { index($all_output, $_) >= 0 } @secrets;
is_deeply(\@leaked, [], 'no token or client secret in any output');
my ($key_line) = slurp("$tmp/sa.pem") =~ /\n(\S{40})/;
unlike($all_output, qr/PRIVATE KEY|\Q$key_line\E|Bearer /,
    'no private key and no Authorization header in any output');

done_testing;
