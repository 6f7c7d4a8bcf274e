# `make run` as a new user meets it: it prints the URL, serves the styled
# home page through its own nginx, stops both on Ctrl-C, starts again at
# once (also after a crash left a stale socket and pid files), and says so
# clearly when the port is taken.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Test;
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Socket::INET;
use IO::Select;
use POSIX qw(:sys_wait_h setpgid);
use Time::HiRes qw(sleep time);

my $top = $CloudPAM::Test::TOP;
my $var = tempdir(CLEANUP => 1);
chmod 0755, $var;
my $port = CloudPAM::Test::free_port();
my $http = HTTP::Tiny->new(timeout => 5);

# Start run.sh in a process group of its own, as a terminal would; return
# its pid and the lines it printed up to the URL (or its exit).
sub start_run {
	pipe(my $r, my $w) or die;
	my $pid = fork // die;
	if ($pid == 0) {
		setpgid(0, 0);
		close $r;
		open STDOUT, '>&', $w;
		open STDERR, '>&', $w;
		$ENV{CLOUDPAM_PORT} = $port;
		$ENV{CLOUDPAM_VAR} = $var;
		$ENV{CLOUDPAM_WORKERS} = 2;
		$ENV{CLOUDPAM_BIN} = $CloudPAM::Test::BIN;
		chdir $top;
		exec 'bash', 't/tools/run.sh' or exit 127;
	}
	close $w;
	# Read with sysread: a buffered readline would take lines select()
	# can no longer see.  Up to the URL (or the end), then the lines after
	# it (the first-start box) until a second of silence.
	my ($out, $seen) = ('', 0);
	my $sel = IO::Select->new($r);
	my $deadline = time + 30;
	while (time < $deadline) {
		last unless $sel->can_read($seen ? 1 : $deadline - time);
		my $n = sysread($r, my $chunk, 4096);
		last unless $n;
		$out .= $chunk;
		$seen ||= $out =~ /running at.*\n.*\n/;
		last if $out =~ /user add NAME.*\n/;
	}
	return ($pid, $out, $r);
}

sub ctrl_c {
	my ($pid) = @_;
	kill 'INT', -$pid;
	my $deadline = time + 20;
	while (time < $deadline) {
		return $? >> 8 if waitpid($pid, WNOHANG) > 0;
		sleep 0.05;
	}
	kill 'KILL', -$pid;
	waitpid($pid, 0);
	return -1;
}

sub alive { my ($f) = @_; open my $fh, '<', $f or return 0; my $p = <$fh>;
	return $p && kill(0, $p + 0) }

my ($pid, $out, $pipe) = start_run();
like($out, qr{CloudPAM is running at http://127\.0\.0\.1:$port/},
    'make run prints the URL');
my ($token) = $out =~ /setup token\s+([A-Za-z0-9_-]{43})/;
ok($token, 'a first start prints the one-time setup token') or diag("[$out]");
like($out, qr{create the first admin at\s+http://127\.0\.0\.1:$port/setup},
    'and where to use it');
my $res = $http->get("http://127.0.0.1:$port/");
is($res->{status}, 200, 'the home page answers at that URL');
like($res->{content}, qr/Set up CloudPAM/, 'as the set-up page (no user yet)');
like($res->{content}, qr{<link rel="stylesheet" href="/static/css/app\.css},
    'styled with our CSS');
is($http->get("http://127.0.0.1:$port/static/css/app.css")->{status}, 200,
    'the CSS is served');
ok(-f "$var/cloudpam.db", 'database created in var/');
ok(-d "$var/log", 'logs in var/log');
# Create the admin the way a new user would, then restart.
my $setup = $http->get("http://127.0.0.1:$port/setup");
my ($pre) = ($setup->{headers}{'set-cookie'} // '') =~ /(cloudpam_login=[^;]+)/;
my ($ft) = $setup->{content} =~ /name="csrf_token" value="([^"]+)"/;
$res = HTTP::Tiny->new(max_redirect => 0)->post_form(
    "http://127.0.0.1:$port/setup", { csrf_token => $ft, token => $token,
    username => 'me', password => 'my first passphrase',
    password_confirm => 'my first passphrase' }, { headers => { Cookie => $pre } });
is($res->{status}, 303, 'the first admin is created with the token');
my $pool_pid = do { open my $f, '<', "$var/cloudpam.pid"; <$f> };
is(ctrl_c($pid), 0, 'Ctrl-C stops make run cleanly (exit 0)');
ok(!alive("$var/nginx.pid") && !kill(0, ($pool_pid // 0) + 0),
    'nginx and the pool are gone');
ok(!-e "$var/cloudpam.sock", 'socket removed');


($pid, $out, $pipe) = start_run();
like($out, qr/running at/, 'starts again right away');
unlike($out, qr/setup token/, 'with a user, no setup token is printed');
is($http->get("http://127.0.0.1:$port/healthz")->{status}, 200,
    'and answers');

# A crash: everything SIGKILLed leaves a socket and pid files behind.
kill 'KILL', -$pid;
waitpid($pid, 0);
sleep 0.2;
ok(-e "$var/cloudpam.sock", 'a crash leaves a stale socket');
($pid, $out, $pipe) = start_run();
like($out, qr/running at/, 'starts again over a stale socket and pid files')
    or diag($out);
is($http->get("http://127.0.0.1:$port/healthz")->{status}, 200,
    'and answers');
is(ctrl_c($pid), 0, 'Ctrl-C again');

# The port in use.
my $squat = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
    LocalPort => $port, ReuseAddr => 1) or die "listen: $!";
($pid, $out, $pipe) = start_run();
waitpid($pid, 0);
is($? >> 8, 1, 'port in use: exit 1');
like($out, qr/port $port is already in use/, 'with a clear message');
close $squat;
done_testing;
