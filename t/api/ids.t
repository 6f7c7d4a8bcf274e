# Ids are never reused: a client (or the audit log) holding the id of a
# deleted object must never reach another object under it, even when the
# deleted one was the newest.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use CloudPAM::Test;

my $cp = CloudPAM::Test->start(workers => 1);
my $json = JSON::PP->new->utf8;

sub create {
	my ($path, $body) = @_;
	my $res = $cp->post($path, json => $body);
	is($res->{status}, 201, "POST $path") or diag($res->{content});
	return $json->decode($res->{content})->{id};
}

my @cases = (
	['/api/v1/pools', sub { { name => "p$_[0]", cidr => "10.$_[0].0.0/16" } }],
	['/api/v1/vrfs', sub { { name => "v$_[0]" } }],
	['/api/v1/accounts', sub { { provider => 'onprem', external_key => "dc$_[0]", name => "a$_[0]" } }],
	['/api/v1/users', sub { { username => "u$_[0]", role => 'viewer', password => 'a long passphrase' } }],
);
for my $c (@cases) {
	my ($path, $body) = @$c;
	my $first = create($path, $body->(1));
	my $newest = create($path, $body->(2));
	is($cp->request('DELETE', "$path/$newest")->{status}, 200, "delete the newest of $path")
	    or next;
	my $next = create($path, $body->(3));
	ok($next > $newest, "$path: the next id ($next) is past the deleted one ($newest)");
	is($cp->get("$path/$newest")->{status}, 404, "$path/$newest stays gone");
}

# Keys are revoked, not deleted, but their ids follow the same rule.
my $k1 = $json->decode($cp->post('/api/v1/keys', json => { name => 'k', scope => 'read' })->{content})->{id};
ok($k1, 'a key');
done_testing;
