# The answer to COMMIT is the truth about a change.  Between CloudPAM and
# PostgreSQL this test puts a proxy that reads the server's side of the
# protocol and, when told to, cuts the connection right after forwarding
# the server's "COMMIT" command-complete message, before anything else
# (as a server shutting down does when it ends the session in place of
# the next ready-for-query).  The allocation committed, so it must be
# answered 201, with its pool and audit event in the database, and the
# next request must find a fresh connection.  Before the fix it was
# answered 500 with the pool left behind (found by t/api/faults.t).
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Pg;
use CloudPAM::Test;
use IO::Select;
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep time);

plan skip_all => CloudPAM::Pg->why_not if defined CloudPAM::Pg->why_not;

my $pg = CloudPAM::Pg->start;
my $direct = $pg->create_database;
my ($db) = $direct =~ m{/([^/]+)$};
my $J = 'CloudPAM::Test';

# --- the proxy ------------------------------------------------------------------

my $listen = IO::Socket::INET->new(Listen => 16, LocalAddr => '127.0.0.1',
    LocalPort => 0, Proto => 'tcp', ReuseAddr => 1) or die "listen: $!";
my $port = $listen->sockport;
my $flag = "/tmp/cloudpam-cut-$$";
unlink $flag;

# Forward both ways; the server's side message by message (type, length),
# so that a cut falls exactly after one.  With sslmode and gssencmode
# disabled the server's first byte already begins a message.
sub proxy {
	my $sel = IO::Select->new($listen);
	my (%peer, %from_server, %buf);
	my $drop = sub {
		my ($s) = @_;
		my $p = delete $peer{$s};
		for my $h (grep { defined } $s, $p) {
			$sel->remove($h);
			delete $buf{$h};
			delete $from_server{$h};
			delete $peer{$h};
			close $h;
		}
	};
	for (;;) {
		for my $s ($sel->can_read) {
			if ($s == $listen) {
				my $c = $listen->accept or next;
				my $u = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
				    PeerPort => $pg->port, Proto => 'tcp') or do {
					close $c;
					next;
				};
				$peer{$c} = $u;
				$peer{$u} = $c;
				$from_server{$u} = 1;
				$buf{$u} = '';
				$sel->add($c, $u);
				next;
			}
			my $n = sysread($s, my $data, 65536);
			if (!$n) {
				$drop->($s);
				next;
			}
			my $to = $peer{$s};
			if (!$from_server{$s}) {
				syswrite($to, $data);
				next;
			}
			$buf{$s} .= $data;
			while (length $buf{$s} >= 5) {
				my ($type, $len) = unpack 'a1 N', $buf{$s};
				last if length $buf{$s} < 1 + $len;
				my $msg = substr($buf{$s}, 0, 1 + $len, '');
				syswrite($to, $msg);
				if ($type eq 'C' && substr($msg, 5, 7) eq "COMMIT\0"
				    && unlink $flag) {
					$drop->($s);
					last;
				}
			}
		}
	}
}

my $proxy = fork // die "fork: $!";
if ($proxy == 0) {
	proxy();
	POSIX::_exit(0);
}
END { kill 'KILL', $proxy if $proxy; unlink $flag if $flag }

# --- CloudPAM through it ----------------------------------------------------------

my $url = "postgres://postgres\@127.0.0.1:$port/$db"
    . '?sslmode=disable&gssencmode=disable';
is(system("$CloudPAM::Test::BIN migrate up --database-url '$url' "
    . '--log-level error >/dev/null'), 0, 'migrate up through the proxy');
my $cp = CloudPAM::Test->start(database_url => $url, workers => 1);
my $res = $cp->post('/api/v1/pools',
    json => { name => 'corp', cidr => '10.0.0.0/8' });
is($res->{status}, 201, 'a pool through the proxy');
my $corp = $J->json($res) // {};

sub sql { return $pg->psql($_[0], $db) }

for my $round (1 .. 3) {
	open my $fh, '>', $flag or die;
	close $fh;
	$res = $cp->post("/api/v1/pools/$corp->{id}/allocate",
	    json => { prefix_len => 24, name => "cut-$round" });
	ok(!-e $flag, "round $round: the connection was cut after COMMIT");
	is($res->{status}, 201, "round $round: the committed allocation is "
	    . 'answered 201') or diag($res->{content});
	my $got = $J->json($res) // {};
	is(sql("SELECT count(*) FROM pools WHERE name = 'cut-$round'"), 1,
	    "round $round: its pool is in the database");
	is(sql('SELECT count(*) FROM audit_events WHERE action = '
	    . "'pool.allocate' AND object_id = '" . ($got->{id} // 0) . "'"),
	    1, "round $round: with its audit event");
	my $next = $cp->get("/api/v1/pools/$corp->{id}");
	is($next->{status}, 200, "round $round: the next request connects "
	    . 'again') or diag($next->{content});
	is(($J->json($next) // {})->{children_count}, $round,
	    "round $round: the parent counts every allocation once");
}
like($cp->log_tail, qr/connection ended after the answers/,
    'the log says the connection ended after its answers');

$cp->stop;
done_testing;
