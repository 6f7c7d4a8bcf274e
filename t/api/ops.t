# Operating CloudPAM: /readyz when the database goes bad, /metrics as
# promtool reads it, configuration errors, migrations, and the other two
# ways to run a worker (spawn-fcgi with the socket on fd 0, plain CGI).
# On either backend (CLOUDPAM_TEST_DATABASE, t/pg/ops.t): a bad database
# is an unreadable SQLite file or a stopped PostgreSQL server.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use CloudPAM::Test;
use File::Temp qw(tempdir);
use HTTP::Tiny;
use Time::HiRes qw(sleep time);

my $BIN = $CloudPAM::Test::BIN;
my $J = 'CloudPAM::Test';
my $promtool = "$CloudPAM::Test::TOP/build/tools/promtool";
my $PG = ($ENV{CLOUDPAM_TEST_DATABASE} // '') eq 'postgres';

# --- /metrics through promtool
{
	my $cp = CloudPAM::Test->start(workers => 2);
	$cp->get($_) for ('/', '/healthz', '/nope', '/api/v1/status');
	$cp->request('DELETE', '/healthz');
	my $res = $cp->get('/metrics');
	is($res->{status}, 200, '/metrics answers');
	like($res->{headers}{'content-type'}, qr{^text/plain; version=0\.0\.4},
	    'exposition content type');
	my $text = $res->{content};
	like($text, qr/^cloudpam_http_requests_total\{route="\/healthz",status="200"\} \d+/m,
	    'requests by route pattern and status');
	like($text, qr/^cloudpam_http_requests_total\{route="\/healthz",status="405"\} 1$/m,
	    '405 counted under its route');
	like($text, qr/^cloudpam_http_requests_total\{route="unmatched",status="404"\} 1$/m,
	    'unmatched paths counted apart');
	like($text, qr/^cloudpam_http_request_duration_seconds_bucket\{route="\/",le="\+Inf"\} 1$/m,
	    'latency histogram per route');
	like($text, qr/^cloudpam_build_info\{version="[^"]+",revision="[^"]+"\} 1$/m,
	    'build info');
	like($text, qr/^cloudpam_workers 2$/m, 'workers gauge');
	like($text, qr/^cloudpam_database_errors_total 0$/m,
	    'database errors counter');
	my %series;
	my @dups = grep { !/^#/ && $series{ (split / /)[0] }++ } split /\n/, $text;
	is(scalar @dups, 0, 'no duplicate series');
	SKIP: {
		skip 'promtool not installed (make deps fetches it)', 2
		    unless -x $promtool;
		open my $fh, '|-', "$promtool check metrics > $cp->{dir}/promtool.out 2>&1";
		print $fh $text;
		close $fh;
		is($? >> 8, 0, 'promtool check metrics accepts it');
		open my $out, '<', "$cp->{dir}/promtool.out";
		my $said = join '', <$out>;
		is($said, '', 'promtool has nothing to say') or diag $said;
	}

	# --- /readyz: unreadable database.  Root reads any file, so the
	# workers run as nobody there, as they would in production.
	$cp->stop;
}
{
	my $user = $> == 0 && !$PG ? 'nobody' : undef;
	my $cp = CloudPAM::Test->start(workers => 1, user => $user);
	is($cp->get('/readyz')->{status}, 200, 'ready before');
	# SQLite: the file unreadable; PostgreSQL: the server stopped.
	if ($PG) { $cp->{pg}->server_stop } else { chmod 0000, $cp->db }
	my $res = $cp->get('/readyz');
	is($res->{status}, 503, '/readyz 503 when the database is unavailable');
	my $body = $J->json($res) // {};
	is($body->{error}, 'database_unavailable', 'reason code');
	like($body->{message}, qr/database/, 'reason for a person');
	# As a load balancer asks: without a key (checking one needs the
	# database, and a PostgreSQL that is down answers no key).
	is($cp->get('/healthz', anon => 1)->{status}, 200,
	    '/healthz still 200 (alive)');
	if ($PG) { $cp->{pg}->server_start } else { chmod 0644, $cp->db }
	is($cp->get('/readyz')->{status}, 200, 'ready again once available');
	$cp->stop;
}

# --- configuration errors name the variable
sub run_cmd {
	my ($env, @cmd) = @_;
	my $pid = open(my $fh, '-|') // die;
	if ($pid == 0) {
		$ENV{$_} = $env->{$_} for keys %$env;
		open STDERR, '>&', \*STDOUT;
		exec @cmd or exit 127;
	}
	my $out = join '', <$fh>;
	close $fh;
	return ($? >> 8, $out);
}

my $dir = tempdir(CLEANUP => 1);
my ($rc, $out) = run_cmd({ CLOUDPAM_WORKERS => 'lots' }, $BIN, 'serve');
is($rc, 2, 'bad CLOUDPAM_WORKERS: exit 2');
like($out, qr/CLOUDPAM_WORKERS: "lots" is not a whole number/,
    'message names CLOUDPAM_WORKERS');
($rc, $out) = run_cmd({}, $BIN, 'serve', '--max-body', '12x');
like($out, qr/--max-body: "12x"/, 'bad flag value names the flag');
($rc, $out) = run_cmd({ CLOUDPAM_LOG_LEVEL => 'loud' }, $BIN, 'serve');
like($out, qr/CLOUDPAM_LOG_LEVEL: "loud"/, 'bad log level named');
($rc, $out) = run_cmd({ CLOUDPAM_LISTEN => 'http://x' }, $BIN, 'serve');
like($out, qr/CLOUDPAM_LISTEN/, 'bad listen address named');
($rc, $out) = run_cmd({ CLOUDPAM_DEV => 'maybe' }, $BIN, 'serve');
like($out, qr/CLOUDPAM_DEV: "maybe" is not a boolean/, 'bad boolean named');
($rc, $out) = run_cmd({}, $BIN, 'serve', '--bogus');
is($rc, 2, 'unknown flag: exit 2');
like($out, qr/unknown command or argument: --bogus/, 'unknown flag named');

# --- migrations
my $db = CloudPAM::Test->scratch_database('m', $dir);
($rc, $out) = run_cmd({}, $BIN, 'migrate', 'status', '--database-url', $db);
is($rc, 3, 'status of an empty database: exit 3 (pending)');
like($out, qr/0001 init\s+pending/, 'pending migration listed');
($rc, $out) = run_cmd({}, $BIN, 'migrate', 'up', '--database-url', $db);
is($rc, 0, 'migrate up');
like($out, qr/applied [1-9]\d* migrations?/, 'says how many');
($rc, $out) = run_cmd({}, $BIN, 'migrate', 'up', '--database-url', $db);
like($out, qr/applied 0 migrations/, 'a second run applies nothing');
($rc, $out) = run_cmd({}, $BIN, 'migrate', 'status', '--database-url', $db);
is($rc, 0, 'status of a current database: exit 0');
like($out, qr/0001 init\s+\d{4}-\d\d-\d\dT/, 'applied time shown');
SKIP: {
	skip 'WAL is how SQLite journals; PostgreSQL has its own', 1 if $PG;
	is(CloudPAM::Test::sql_at($db, 'PRAGMA journal_mode'), 'wal',
	    'database in WAL mode');
}
CloudPAM::Test::sql_at($db,
    "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')");
($rc, $out) = run_cmd({}, $BIN, 'serve', '--database-url', $db,
    '--listen', "unix:$dir/s.sock");
is($rc, 1, 'serve refuses a database newer than the binary');
like($out, qr/schema version 999 but this binary knows only up to \d+/,
    'and says why');
($rc, $out) = run_cmd({}, $BIN, 'migrate', 'up', '--database-url', $db);
isnt($rc, 0, 'migrate up refuses it too');

# --- a second pool on a socket in use
{
	my $cp = CloudPAM::Test->start(workers => 1);
	($rc, $out) = run_cmd({}, $BIN, 'serve', '--listen',
	    "unix:$cp->{sock}", '--database-url', $cp->database_url);
	is($rc, 1, 'a socket in use: exit 1');
	like($out, qr/is in use/, 'socket in use: clear message');
	$cp->stop;
}

# --- spawn-fcgi: one worker on fd 0, no supervisor of ours
my $spawn_db = CloudPAM::Test->scratch_database('spawn', $dir);
SKIP: {
	skip 'spawn-fcgi or cgi-fcgi missing', 4
	    unless -x '/usr/bin/spawn-fcgi' && -x '/usr/bin/cgi-fcgi';
	my $sock = "$dir/spawn.sock";
	system("$BIN migrate up --database-url $spawn_db >/dev/null 2>&1");
	system("$BIN user add ops --role admin --database-url $spawn_db >/dev/null 2>&1");
	my ($key) = `$BIN token create --owner ops --name ops --scope read --database-url $spawn_db 2>/dev/null` =~ /(cpk_\S+)/;
	my $pid = fork // die;
	if ($pid == 0) {
		$ENV{CLOUDPAM_DATABASE_URL} = $spawn_db;
		$ENV{CLOUDPAM_LOG_FILE} = "$dir/spawn.log";
		exec 'spawn-fcgi', '-n', '-s', $sock, '--', $BIN, 'serve';
	}
	my $deadline = time + 5;
	sleep 0.05 until -S $sock || time > $deadline;
	local $ENV{REQUEST_METHOD} = 'GET';
	local $ENV{REQUEST_URI} = '/api/v1/status';
	local $ENV{SCRIPT_NAME} = '/';
	local $ENV{HTTP_AUTHORIZATION} = "Bearer $key";
	my $answer = `cgi-fcgi -bind -connect $sock 2>&1`;
	like($answer, qr/^Status: 200 OK/m, 'spawn-fcgi: worker on fd 0 answers');
	like($answer, qr/"schema_version":[1-9]/, 'spawn-fcgi: with the database');
	$ENV{REQUEST_URI} = '/nope';
	$answer = `cgi-fcgi -bind -connect $sock 2>&1`;
	like($answer, qr/^Status: 404/m, 'spawn-fcgi: 404 too');
	kill 'TERM', $pid;
	waitpid($pid, 0);
	ok(1, 'spawn-fcgi worker stopped on SIGTERM');
}
system("$BIN migrate up --database-url $spawn_db >/dev/null 2>&1");
system("$BIN user add ops --role admin --database-url $spawn_db >/dev/null 2>&1");
my ($cgi_key) = `$BIN token create --owner ops --name cgi --scope write --database-url $spawn_db 2>/dev/null` =~ /(cpk_\S+)/;

# --- plain CGI
{
	my ($rc2, $cgi) = run_cmd({
		GATEWAY_INTERFACE => 'CGI/1.1', REQUEST_METHOD => 'GET',
		REQUEST_URI => '/api/v1/status',
		HTTP_AUTHORIZATION => "Bearer $cgi_key",
		CLOUDPAM_DATABASE_URL => $spawn_db,
		CLOUDPAM_LOG_FILE => "$dir/cgi.log",
	    }, $BIN, 'serve');
	is($rc2, 0, 'CGI: exit 0');
	like($cgi, qr/^Status: 200 OK\r$/m, 'CGI: status line');
	like($cgi, qr/\r\n\r\n\{"name":"CloudPAM"/, 'CGI: JSON body');
	($rc2, $cgi) = run_cmd({
		GATEWAY_INTERFACE => 'CGI/1.1', REQUEST_METHOD => 'PATCH',
		REQUEST_URI => '/api/v1/settings',
		CONTENT_TYPE => 'application/json', CONTENT_LENGTH => 5,
		HTTP_AUTHORIZATION => "Bearer $cgi_key",
		CLOUDPAM_DATABASE_URL => $spawn_db,
		CLOUDPAM_LOG_FILE => "$dir/cgi.log",
	    }, 'sh', '-c', "printf '{\"a\":' | $BIN serve");
	like($cgi, qr/^Status: 400/m, 'CGI: body read from stdin and checked');
}

done_testing;
