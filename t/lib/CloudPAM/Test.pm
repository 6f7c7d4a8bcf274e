package CloudPAM::Test;

# CloudPAM::Test: a real CloudPAM for one test file.
#
#   my $cp = CloudPAM::Test->start(workers => 2);
#   my $res = $cp->get('/healthz');
#   $cp->stop;                      # also done when $cp goes away
#
# start() makes a fresh folder, migrates a fresh SQLite database, starts
# `cloudpam serve` (its own supervisor and workers) on a unix socket and an
# nginx of its own on a free loopback port, and waits until /healthz
# answers through nginx.  Everything runs as in production; nothing is
# mocked.
#
# start(database_url => 'postgres://...') uses that database instead (for
# migrate, the CLI and serve).  With CLOUDPAM_TEST_DATABASE=postgres every
# start() gets a fresh database of its own in one throwaway PostgreSQL
# cluster per test file (CloudPAM::Pg), dropped again by stop().
#
# start(front => 'apache'), or CLOUDPAM_TEST_FRONT=apache, puts a
# standalone Apache with mod_proxy_fcgi (t/tools/apache-conf.sh) in front
# of the same socket instead of nginx.  $cp->backend and $cp->front say
# which ones a test got.  t/pg/*.t and t/apache/*.t run the t/api files
# again that way (run_again).

use strict;
use warnings;
use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use Cwd qw(getcwd abs_path);
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);

our $TOP = abs_path(getcwd());
our $BUILD = $ENV{CLOUDPAM_BUILD} // 'build';
our $BIN = "$TOP/$BUILD/cloudpam";

sub free_port {
	my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
	    LocalPort => 0, Proto => 'tcp', ReuseAddr => 1) or die "socket: $!";
	my $port = $s->sockport;
	close $s;
	return $port;
}

sub run_quiet {
	my (@cmd) = @_;
	my $out = `@cmd 2>&1`;
	return ($? >> 8, $out);
}

sub start {
	my ($class, %opt) = @_;
	my $self = bless {
		workers => $opt{workers} // 2,
		env => $opt{env} // {},
		args => $opt{args} // [],
		user => $opt{user},
		bin => $opt{bin},
		owner => $$,
		front => $opt{front} // ($ENV{CLOUDPAM_TEST_FRONT} || 'nginx'),
	}, $class;
	die "unknown front server $self->{front}\n"
	    unless $self->{front} =~ /^(?:nginx|apache)$/;
	$self->{dir} = tempdir('cloudpam-test-XXXXXX', TMPDIR => 1,
	    CLEANUP => 0);
	chmod 0755, $self->{dir};
	$self->{db} = "$self->{dir}/cloudpam.db";
	$self->{database_url} = $opt{database_url} // "sqlite:$self->{db}";
	if (!defined $opt{database_url}
	    && ($ENV{CLOUDPAM_TEST_DATABASE} // '') eq 'postgres') {
		require CloudPAM::Pg;
		$self->{pg} = CloudPAM::Pg->shared;
		$self->{pg_url} = $self->{database_url} =
		    $self->{pg}->create_database;
	}
	$self->{sock} = "$self->{dir}/cloudpam.sock";
	$self->{log} = "$self->{dir}/log/cloudpam.log";
	$self->{port} = free_port();
	$self->{url} = "http://127.0.0.1:$self->{port}";
	mkdir "$self->{dir}/log";
	my ($rc, $out) = run_quiet($BIN, 'migrate', 'up', '--database-url',
	    $self->{database_url});
	die "migrate failed: $out" if $rc;
	$self->setup_admin unless $opt{no_admin};
	if (defined $self->{user}) {
		my (undef, undef, $uid, $gid) = getpwnam($self->{user});
		chown $uid, $gid, $self->{dir}, $self->{db};
	}
	$self->start_pool;
	if ($self->{front} eq 'apache') {
		$self->start_apache;
	} else {
		$self->start_nginx;
	}
	$self->wait_ready;
	return $self;
}

# The first admin and a write key of theirs: every request of the test
# carries the key unless it asks to be anonymous (see anon, request).
our $ADMIN_PASSWORD = 'admin-password-for-tests';

sub cli {
	my ($self, $stdin, @args) = @_;
	my $cmd = join ' ', map { quotemeta } $BIN, @args, '--database-url',
	    $self->{database_url};
	$cmd = "printf '%s\\n' " . quotemeta($stdin) . " | $cmd"
	    if defined $stdin;
	my $out = `$cmd 2>&1`;
	return wantarray ? ($? >> 8, $out) : $out;
}

sub setup_admin {
	my ($self) = @_;
	my ($rc, $out) = $self->cli($ADMIN_PASSWORD, 'user', 'add', 'admin',
	    '--role', 'admin', '--password-stdin');
	die "user add failed: $out" if $rc;
	$self->{key} = $self->make_key('admin', 'write');
}

# A new user of role; returns its password.
sub make_user {
	my ($self, $name, $role, $password) = @_;
	$password //= "pw-of-$name-0123456789";
	my ($rc, $out) = $self->cli($password, 'user', 'add', $name,
	    '--role', $role, '--password-stdin');
	die "user add $name failed: $out" if $rc;
	return $password;
}

# A new API key of owner with scope; returns the token.
sub make_key {
	my ($self, $owner, $scope, @more) = @_;
	my ($rc, $out) = $self->cli(undef, 'token', 'create', '--owner', $owner,
	    '--name', "key-$scope", '--scope', $scope, @more);
	die "token create failed: $out" if $rc;
	my ($token) = $out =~ /^(cpk_\d+_\S+)$/m or die "no token in: $out";
	return $token;
}

sub key { $_[0]{key} }

sub start_pool {
	my ($self) = @_;
	my @cmd = ($self->{bin} // $BIN, 'serve', '--listen', "unix:$self->{sock}",
	    '--workers', $self->{workers}, '--socket-mode', '0666',
	    '--database-url', $self->{database_url},
	    '--template-dir', "$TOP/templates", '--static-dir', "$TOP/static",
	    '--log-file', $self->{log}, @{ $self->{args} });
	push @cmd, '--user', $self->{user} if defined $self->{user};
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		$ENV{$_} = $self->{env}{$_} for keys %{ $self->{env} };
		open STDOUT, '>>', "$self->{dir}/log/pool.out";
		open STDERR, '>>', "$self->{dir}/log/pool.out";
		exec @cmd or die "exec: $!";
	}
	$self->{pool_pid} = $pid;
}

sub start_nginx {
	my ($self) = @_;
	my $user = $> == 0 ? 'nobody nogroup' : scalar getpwuid($>);
	system('sh', "$TOP/t/tools/nginx-conf.sh", $self->{dir},
	    "127.0.0.1:$self->{port}", "unix:$self->{sock}", "$TOP/static",
	    $user) == 0 or die "nginx-conf failed";
	open my $fh, '>', "$self->{dir}/bench-static.json";
	print $fh '{"status":"ok"}', "\n";
	close $fh;
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		open STDOUT, '>>', "$self->{dir}/log/nginx.out";
		open STDERR, '>>', "$self->{dir}/log/nginx.out";
		exec 'nginx', '-c', "$self->{dir}/nginx.conf", '-p', $self->{dir},
		    '-e', "$self->{dir}/log/nginx-error.log" or die "exec: $!";
	}
	$self->{nginx_pid} = $pid;
}

# A standalone Apache with mod_proxy_fcgi, in the foreground as a child:
# t/tools/apache-conf.sh writes its configuration (t/tools/apache.conf.in).
our $APACHE = '/usr/sbin/apache2';
our $APACHE_MODULES = '/usr/lib/apache2/modules';

# Why Apache cannot be the front here, or undef when it can.
sub apache_why_not {
	return "$APACHE not installed (apt-get install apache2)"
	    unless -x $APACHE;
	for my $m (qw(mpm_event authz_core alias mime headers proxy
	    proxy_fcgi)) {
		return "$APACHE_MODULES/mod_$m.so missing"
		    unless -f "$APACHE_MODULES/mod_$m.so";
	}
	return undef;
}

sub start_apache {
	my ($self) = @_;
	my $why = apache_why_not();
	die "$why\n" if defined $why;
	my ($user, $group) = ('www-data', 'www-data');
	if ($> != 0) {
		$user = scalar getpwuid($>);
		$group = scalar getgrgid($) + 0);
	}
	system('sh', "$TOP/t/tools/apache-conf.sh", $self->{dir},
	    "127.0.0.1:$self->{port}", $self->{sock}, "$TOP/static", $user,
	    $group) == 0 or die "apache-conf failed";
	open my $fh, '>', "$self->{dir}/bench-static.json";
	print $fh '{"status":"ok"}', "\n";
	close $fh;
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		open STDOUT, '>>', "$self->{dir}/log/apache.out";
		open STDERR, '>>', "$self->{dir}/log/apache.out";
		exec $APACHE, '-f', "$self->{dir}/apache.conf", '-DFOREGROUND'
		    or die "exec: $!";
	}
	$self->{apache_pid} = $pid;
}

sub wait_ready {
	my ($self, $timeout) = @_;
	my $deadline = time + ($timeout // 20);
	my $http = HTTP::Tiny->new(timeout => 2);
	while (time < $deadline) {
		my $res = $http->get("$self->{url}/healthz");
		return 1 if $res->{status} == 200;
		die "cloudpam serve exited early:\n" . $self->log_tail
		    if waitpid($self->{pool_pid}, WNOHANG) > 0;
		die "apache2 exited early:\n" . $self->log_tail
		    if $self->{apache_pid}
		    && waitpid($self->{apache_pid}, WNOHANG) > 0
		    && !($self->{apache_pid} = 0);
		sleep 0.05;
	}
	die "CloudPAM did not become ready:\n" . $self->log_tail;
}

sub log_tail {
	my ($self) = @_;
	my $text = '';
	for my $f ("$self->{dir}/log/pool.out", $self->{log},
	    "$self->{dir}/log/nginx-error.log", "$self->{dir}/log/apache.out",
	    "$self->{dir}/log/apache-error.log") {
		next unless -f $f;
		open my $fh, '<', $f or next;
		my @lines = <$fh>;
		splice @lines, 0, @lines - 20 if @lines > 20;
		$text .= "== $f\n" . join('', @lines);
	}
	return $text;
}

sub url { $_[0]{url} . ($_[1] // '') }
sub dir { $_[0]{dir} }
sub db { $_[0]{db} }
sub database_url { $_[0]{database_url} }
sub front { $_[0]{front} }

# The backend of a database URL (or of the test): sqlite or postgres.
sub backend {
	my ($self) = @_;
	my $url = ref $self ? $self->{database_url} : $_[1];
	return $url =~ m{^postgres(?:ql)?://} ? 'postgres' : 'sqlite';
}

# The command that runs SQL on the database at url (sqlite3 or psql).
sub sql_command {
	my ($url, $query) = @_;
	if (__PACKAGE__->backend($url) eq 'postgres') {
		require CloudPAM::Pg;
		return ("$CloudPAM::Pg::PGBIN/psql", '-X', '-q', '-A', '-t',
		    '-v', 'ON_ERROR_STOP=1', '-d', $url, '-c', $query);
	}
	(my $file = $url) =~ s/^sqlite://;
	return ('sqlite3', '-cmd', '.timeout 10000', $file, $query);
}

# sql_at(url, query): as $cp->sql, on the database at url.
sub sql_at {
	my ($url, $query) = @_;
	my @cmd = sql_command($url, $query);
	open my $fh, '-|', @cmd or die "$cmd[0]: $!";
	local $/;
	my $out = <$fh> // '';
	close $fh;
	die "$cmd[0] failed: $query\n" if $?;
	$out =~ s/\n+\z//;
	return $out;
}

# SQL that may fail: (exit code, what it printed on stdout and stderr).
sub sql_try {
	my ($self, $query) = @_;
	my @cmd = sql_command($self->{database_url}, $query);
	my $pid = open(my $fh, '-|') // die "fork: $!";
	if ($pid == 0) {
		open STDERR, '>&', \*STDOUT;
		exec @cmd or print "exec $cmd[0]: $!\n";
		POSIX::_exit(127);
	}
	local $/;
	my $out = <$fh> // '';
	close $fh;
	return ($? >> 8, $out);
}

# Rows of a one-column query joined with sep (portable group_concat):
# $cp->sql_join(',', 'SELECT cidr FROM free_blocks ORDER BY first_key').
sub sql_join {
	my ($self, $sep, $query) = @_;
	my $out = $self->sql($query);
	return join $sep, length $out ? split(/\n/, $out, -1) : ();
}

# A new empty database of the test's backend (not migrated): a SQLite
# file in the test's folder or a database in the test file's PostgreSQL
# cluster, dropped by stop().  Returns its URL.  As a class method
# (CloudPAM::Test->scratch_database(NAME, DIR)) it follows
# CLOUDPAM_TEST_DATABASE, with the SQLite file in DIR.
sub scratch_database {
	my ($self, $name, $dir) = @_;
	my $pg = ref $self ? $self->{pg} : undef;
	if (!ref $self && ($ENV{CLOUDPAM_TEST_DATABASE} // '') eq 'postgres') {
		require CloudPAM::Pg;
		$pg = CloudPAM::Pg->shared;
	}
	if ($pg) {
		my $url = $pg->create_database;
		push @{ $self->{scratch} }, $url if ref $self;
		return $url;
	}
	$dir //= $self->{dir};
	$name //= 'scratch' . (ref $self ? ++$self->{nscratch} : $$);
	return "sqlite:$dir/$name.db";
}

# Run SQL on the test's database, whichever it is, with the sqlite3 CLI or
# psql; returns the rows as sqlite3 prints them (columns joined by "|",
# one row a line, no trailing newline).  Only SQL both dialects take.
sub sql {
	my ($self, $query) = @_;
	return sql_at($self->{database_url}, $query);
}

sub pool_pid { $_[0]{pool_pid} }

sub http {
	my ($self) = @_;
	$self->{http} //= HTTP::Tiny->new(timeout => 10, max_redirect => 0,
	    agent => 'cloudpam-test', default_headers => $self->{key}
	    ? { Authorization => "Bearer $self->{key}" } : {});
	return $self->{http};
}

# A client that sends no credentials.
sub anon {
	my ($self) = @_;
	$self->{anon} //= HTTP::Tiny->new(timeout => 10, max_redirect => 0,
	    agent => 'cloudpam-test');
	return $self->{anon};
}

# The Authorization header of the test's key, for wrk, ab and curl.
sub auth_header { "Authorization: Bearer $_[0]{key}" }

sub request {
	my ($self, $method, $path, %opt) = @_;
	my %args;
	$args{headers} = $opt{headers} if $opt{headers};
	if (exists $opt{json}) {
		$args{content} = ref $opt{json}
		    ? JSON::PP->new->utf8->canonical->encode($opt{json}) : $opt{json};
		$args{headers}{'Content-Type'} //= 'application/json';
	} elsif (exists $opt{form}) {
		$args{content} = $self->http->www_form_urlencode($opt{form});
		$args{headers}{'Content-Type'} =
		    'application/x-www-form-urlencoded';
	} elsif (exists $opt{body}) {
		$args{content} = $opt{body};
	}
	my $client = $opt{anon} ? $self->anon : $self->http;
	if (defined $opt{key}) {
		$client = $self->anon;
		$args{headers}{Authorization} = "Bearer $opt{key}";
	}
	if (defined $opt{cookie}) {
		$client = $self->anon;
		$args{headers}{Cookie} = $opt{cookie};
	}
	return $client->request($method, $self->url($path), \%args);
}

# Sign in through the login form; returns { cookie, csrf } or undef.
sub login {
	my ($self, $user, $password) = @_;
	my $page = $self->anon->get($self->url('/login'));
	my ($pre) = ($page->{headers}{'set-cookie'} // '') =~ /(cloudpam_login=[^;]+)/;
	my ($token) = $page->{content} =~ /name="csrf_token" value="([^"]+)"/;
	my $res = $self->request('POST', '/login', anon => 1,
	    headers => { Cookie => $pre // '' },
	    form => { username => $user, password => $password,
	        csrf_token => $token // '' });
	my $sc = $res->{headers}{'set-cookie'} // '';
	$sc = join ',', @$sc if ref $sc;
	my ($cookie) = $sc =~ /(cloudpam_session=[^;]+)/;
	return undef unless $res->{status} == 303 && $cookie;
	my $home = $self->request('GET', '/pools', cookie => $cookie);
	my ($csrf) = $home->{content} =~ /name="csrf_token" value="([^"]+)"/;
	return { cookie => $cookie, csrf => $csrf, response => $res };
}

sub get { my ($self, $path, %opt) = @_; $self->request('GET', $path, %opt) }
sub post { my ($self, $path, %opt) = @_; $self->request('POST', $path, %opt) }

# Decode a JSON body; undef when it is not JSON.
sub json {
	my ($class, $res) = @_;
	my $obj = eval { JSON::PP->new->utf8->decode($res->{content}) };
	return $obj;
}

# Worker pids: the children of the supervisor.
sub worker_pids {
	my ($self) = @_;
	my @pids;
	opendir my $d, '/proc' or return ();
	for my $p (grep { /^\d+$/ } readdir $d) {
		open my $fh, '<', "/proc/$p/stat" or next;
		my $stat = <$fh>;
		next unless defined $stat && $stat =~ /\)\s+\S+\s+(\d+)/;
		push @pids, $p + 0 if $1 == $self->{pool_pid};
	}
	return sort { $a <=> $b } @pids;
}

sub rss_kb {
	my ($class, $pid) = @_;
	open my $fh, '<', "/proc/$pid/status" or return undef;
	while (my $line = <$fh>) {
		return $1 if $line =~ /^VmRSS:\s+(\d+)/;
	}
	return undef;
}

sub stop {
	my ($self) = @_;
	return if $self->{stopped}++;
	# Run from DESTROY after END too: reaping must not change the exit
	# status of the test.
	local $?;
	if ($self->{nginx_pid}) {
		kill 'QUIT', $self->{nginx_pid};
		$self->reap($self->{nginx_pid}, 10);
	}
	if ($self->{apache_pid}) {
		kill 'TERM', $self->{apache_pid};
		$self->reap($self->{apache_pid}, 10);
	}
	if ($self->{pool_pid}) {
		kill 'TERM', $self->{pool_pid};
		$self->reap($self->{pool_pid}, 40);
	}
	if ($self->{pg} && !$ENV{CLOUDPAM_KEEP}) {
		$self->{pg}->drop_database($_)
		    for $self->{pg_url}, @{ $self->{scratch} // [] };
	}
	remove_tree($self->{dir}) unless $ENV{CLOUDPAM_KEEP};
}

sub reap {
	my ($self, $pid, $timeout) = @_;
	my $deadline = time + $timeout;
	while (time < $deadline) {
		return $? if waitpid($pid, WNOHANG) > 0;
		sleep 0.02;
	}
	kill 'KILL', $pid;
	waitpid($pid, 0);
	return -1;
}

# Run the test file again in this process with CLOUDPAM_TEST_DATABASE and
# CLOUDPAM_TEST_FRONT as given: what the wrappers in t/pg/ and t/apache/
# do.  Skips the whole file when that backend or front is missing here;
# a file that dies fails.
sub run_again {
	my ($class, $file, %want) = @_;
	require Test::More;
	if (($want{database} // '') eq 'postgres') {
		require CloudPAM::Pg;
		my $why = CloudPAM::Pg->why_not;
		Test::More::plan(skip_all => $why) if defined $why;
		$ENV{CLOUDPAM_TEST_DATABASE} = 'postgres';
	}
	if (($want{front} // '') eq 'apache') {
		my $why = apache_why_not();
		Test::More::plan(skip_all => $why) if defined $why;
		$ENV{CLOUDPAM_TEST_FRONT} = 'apache';
	}
	die "$file: no such test file\n" unless -f $file;
	local $0 = $file;
	{
		package main;    # as if prove ran it: its subs are main's
		do "./$file";
	}
	die "$file: $@" if $@;
	return 1;
}

# Only the process that started it stops it (not forked children).
sub DESTROY { $_[0]->stop if $_[0]{owner} == $$ }

# A test stopped by a signal (prove interrupted, a timeout's TERM) exits
# instead, so that DESTROY still stops its nginx or Apache and its pool.
for my $sig (qw(INT TERM HUP)) {
	$SIG{$sig} = sub { exit 128 } if ($SIG{$sig} // 'DEFAULT') eq 'DEFAULT';
}

1;
