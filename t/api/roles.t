# The route x role walk: every route the router knows (from `cloudpam
# routes`), tried with no credentials and with a key of each role.  The
# permission each route declares must hold exactly: without credentials an
# API route answers 401 with the JSON envelope and a page redirects to the
# login page; a role without the permission gets 403; a role with it gets
# past the gate (whatever the handler then says about the empty request).
# docs/roles.md must list the same matrix.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use CloudPAM::Test;

my $cp = CloudPAM::Test->start(workers => 2);
my $json = JSON::PP->new->utf8;

my %perms_of = (
	viewer   => [qw(signed_in read)],
	operator => [qw(signed_in read write)],
	auditor  => [qw(signed_in read audit)],
	admin    => [qw(signed_in read write audit admin)],
);
my %key = (admin => $cp->key);
for my $role (qw(viewer operator auditor)) {
	$cp->make_user("$role-user", $role);
	$key{$role} = $cp->make_key("$role-user", $role eq 'viewer' || $role eq 'auditor' ? 'read' : 'write');
}

# Something for {id} to point at.
my $vrf = $json->decode($cp->post('/api/v1/vrfs', json => { name => 'walk' })->{content});
my $pool = $json->decode($cp->post('/api/v1/pools',
    json => { name => 'walk', cidr => '10.99.0.0/16' })->{content});
ok($pool->{id}, 'a pool to walk over');

my @routes = map { [split / /] } split /\n/, `$CloudPAM::Test::BIN routes`;
ok(@routes > 60, scalar(@routes) . ' routes to walk');

# Route permissions are all known words.
my %known = map { $_ => 1 } qw(public signed_in read write audit admin);
for my $r (@routes) {
	my ($perm) = $r->[3] =~ /^([a-z_]+)/;
	ok($known{$perm}, "$r->[0] $r->[1] declares a known permission ($r->[3])");
}

sub path_of {
	my ($pattern) = @_;
	(my $p = $pattern) =~ s/\{id\}/99999/g;
	$p =~ s/\{[a-z_]+\}/x/g;
	return $p;
}

sub call {
	my ($method, $path, $kind, %who) = @_;
	my %opt = %who;
	if ($method ne 'GET') {
		if ($kind eq 'api') { $opt{json} = {} }
		else { $opt{form} = { csrf_token => 'none' } }
	}
	return $cp->request($method, $path, %opt);
}

my (%matrix, $walked);
for my $r (@routes) {
	my ($method, $pattern, $kind, $perm_text) = @$r;
	next if $method eq 'HEAD';
	my ($perm) = $perm_text =~ /^([a-z_]+)/;
	my $path = path_of($pattern);
	my $name = "$method $pattern";
	$walked++;

	# No credentials.
	my $res = call($method, $path, $kind, anon => 1);
	if ($perm eq 'public') {
		isnt($res->{status}, 401, "$name: public, no 401");
	} elsif ($kind eq 'api') {
		is($res->{status}, 401, "$name: anonymous gets 401");
		my $body = eval { $json->decode($res->{content}) } // {};
		is($body->{error}, 'unauthenticated', "$name: 401 in the JSON envelope");
		like($res->{headers}{'www-authenticate'} // '', qr/^Bearer/,
		    "$name: WWW-Authenticate: Bearer");
	} else {
		is($res->{status}, 303, "$name: anonymous page redirects");
		like($res->{headers}{location} // '', qr{^/login\?next=},
		    "$name: to the login page");
	}

	for my $role (qw(viewer operator auditor admin)) {
		my $may = $perm eq 'public' || grep { $_ eq $perm } @{ $perms_of{$role} };
		my $res = call($method, $path, $kind, key => $key{$role});
		$matrix{$name}{$role} = $may ? 'yes' : 'no';
		if ($may) {
			# A handler may refuse the empty request itself (the
			# sign-in form's own token, say); the gate's refusal
			# names the permission.
			my $gate = $res->{status} == 401 || ($res->{status} == 403
			    && $res->{content} =~ /may not do this/);
			ok(!$gate, "$name: $role passes the gate ($res->{status})")
			    or diag($res->{content});
		} else {
			is($res->{status}, 403, "$name: $role is refused 403");
			if ($kind eq 'api') {
				my $body = eval { $json->decode($res->{content}) } // {};
				is($body->{error}, 'forbidden', "$name: $role 403 envelope");
			}
		}
	}
}
ok($walked > 60, "walked $walked routes");

# docs/roles.md holds the same matrix, one row per route.
open my $fh, '<', "$CloudPAM::Test::TOP/docs/roles.md" or die "docs/roles.md: $!";
my %doc;
while (my $line = <$fh>) {
	next unless $line =~ /^\| `(\w+) ([^`]+)` \|(.*)\|\s*$/;
	my @cells = map { s/^\s+|\s+$//gr } split /\|/, $3;
	$doc{"$1 $2"} = [@cells];
}
for my $name (sort keys %matrix) {
	my $row = $doc{$name};
	ok($row, "docs/roles.md lists $name") or next;
	my @want = map { $matrix{$name}{$_} eq 'yes' ? 'yes' : '—' } qw(viewer operator auditor admin);
	is_deeply([@$row[1 .. 4]], \@want, "docs/roles.md: $name matrix");
}

# A wrong key is 401 even on a public route, with the reason.
my $res = $cp->get('/api/v1/status', key => 'cpk_1_' . ('A' x 43));
is($res->{status}, 401, 'a wrong secret: 401');
is($json->decode($res->{content})->{error}, 'invalid_key', 'invalid_key');
$res = $cp->get('/api/v1/status', key => 'not-a-key');
is($res->{status}, 401, 'a malformed key: 401');
like($json->decode($res->{content})->{message}, qr/cpk_<id>_<secret>/, 'says the form');

done_testing;
