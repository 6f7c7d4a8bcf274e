package CloudPAM::Pg;

# CloudPAM::Pg: a throwaway PostgreSQL 15 cluster for one test file.
#
#   my $pg = CloudPAM::Pg->start or plan skip_all => CloudPAM::Pg->why_not;
#   my $url = $pg->create_database;   # postgres://postgres@127.0.0.1:P/D
#   $pg->drop_database($url);
#   $pg->stop;                         # also done at exit, even on die
#
# As ../shared/COMPONENTS.md says: Debian's server binaries (not on PATH),
# initdb in a fresh folder that the postgres user can reach (initdb refuses
# root, so as root everything runs as postgres), trust authentication on
# 127.0.0.1 only, a free port, the socket in the folder, fsync off.
# CloudPAM::Pg->shared is one cluster for the whole test file, started on
# first use; CloudPAM::Test uses it when CLOUDPAM_TEST_DATABASE=postgres.

use strict;
use warnings;
use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep);

our $PGBIN = $ENV{CLOUDPAM_PGBIN} // '/usr/lib/postgresql/15/bin';
our $SHARED;
my $serial = 0;
my @clusters;

# Why a cluster cannot start here, or undef when it can.
sub why_not {
	return "no PostgreSQL server in $PGBIN (Debian: postgresql-15)"
	    unless -x "$PGBIN/initdb" && -x "$PGBIN/pg_ctl"
	    && -x "$PGBIN/psql";
	return 'running as root but there is no postgres user'
	    if $> == 0 && !defined getpwnam('postgres');
	return undef;
}

# As root, the server's commands run as postgres.
sub as_owner {
	my (@cmd) = @_;
	return $> == 0 ? ('runuser', '-u', 'postgres', '--', @cmd) : @cmd;
}

sub run {
	my ($self, @cmd) = @_;
	my $out = '';
	my $pid = open(my $fh, '-|') // die "fork: $!";
	if ($pid == 0) {
		open STDERR, '>&', \*STDOUT;
		exec as_owner(@cmd) or print "exec $cmd[0]: $!\n";
		POSIX::_exit(127);
	}
	local $/;
	$out = <$fh> // '';
	close $fh;
	return ($? >> 8, $out);
}

sub free_port {
	my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
	    LocalPort => 0, Proto => 'tcp', ReuseAddr => 1) or die "socket: $!";
	my $port = $s->sockport;
	close $s;
	return $port;
}

# A running cluster, or undef (why_not or the error says why).
sub start {
	my ($class) = @_;
	return undef if defined $class->why_not;
	my $dir = tempdir('cloudpam-pg-XXXXXX', TMPDIR => 1, CLEANUP => 0);
	chmod 0755, $dir;
	if ($> == 0) {
		my (undef, undef, $uid, $gid) = getpwnam('postgres');
		chown $uid, $gid, $dir;
	}
	my $self = bless { dir => $dir, owner => $$, port => free_port() },
	    $class;
	push @clusters, $self;
	my ($rc, $out) = $self->run("$PGBIN/initdb", '-D', "$dir/data",
	    '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale');
	die "initdb failed: $out" if $rc;
	eval { $self->server_start; 1 } or do {
		my $why = $@;
		$self->stop;
		die $why;
	};
	return $self;
}

# Start the server of an initialised cluster (again).
sub server_start {
	my ($self) = @_;
	my $dir = $self->{dir};
	my ($rc, $out) = $self->run("$PGBIN/pg_ctl", '-D', "$dir/data", '-l',
	    "$dir/log", '-w', '-t', '30', '-o',
	    "-c listen_addresses=127.0.0.1 -p $self->{port} -k $dir "
	    . '-c fsync=off -c full_page_writes=off', 'start');
	return 1 unless $rc;
	my $log = -f "$dir/log" ? `tail -20 $dir/log` : '';
	die "pg_ctl start failed: $out$log";
}

# Stop the server, keeping the cluster: a fault test (server_start again).
sub server_stop {
	my ($self) = @_;
	my ($rc, $out) = $self->run("$PGBIN/pg_ctl", '-D', "$self->{dir}/data",
	    '-m', 'fast', '-w', 'stop');
	die "pg_ctl stop failed: $out" if $rc;
}

# One cluster for the whole test file.
sub shared {
	my ($class) = @_;
	$SHARED //= $class->start
	    // die 'PostgreSQL: ' . ($class->why_not // 'cannot start') . "\n";
	return $SHARED;
}

sub port { $_[0]{port} }
sub dir { $_[0]{dir} }

sub url {
	my ($self, $db) = @_;
	return "postgres://postgres\@127.0.0.1:$self->{port}/"
	    . ($db // 'postgres');
}

# Run SQL as the superuser over TCP; dies on error, returns the output
# (unaligned, tuples only, columns joined by separator, "|" unless given).
sub psql {
	my ($self, $sql, $db, $separator) = @_;
	my ($rc, $out) = $self->run("$PGBIN/psql", '-X', '-q', '-A', '-t',
	    '-F', $separator // '|', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1',
	    '-p', $self->{port}, '-U', 'postgres', '-d', $db // 'postgres',
	    '-c', $sql);
	die "psql failed: $out" if $rc;
	$out =~ s/\n+\z//;
	return $out;
}

# A new empty database; returns its URL.
sub create_database {
	my ($self) = @_;
	my $name = sprintf 'cloudpam_%d_%d', $$, ++$serial;
	$self->psql(qq{CREATE DATABASE "$name"});
	return $self->url($name);
}

sub drop_database {
	my ($self, $url) = @_;
	my ($name) = $url =~ m{/(cloudpam_\d+_\d+)$} or return;
	return if $self->{stopped};
	eval { $self->psql(qq{DROP DATABASE IF EXISTS "$name" WITH (FORCE)}) };
}

# Restart the server (drops every connection): a fault test.
sub restart {
	my ($self) = @_;
	my ($rc, $out) = $self->run("$PGBIN/pg_ctl", '-D',
	    "$self->{dir}/data", '-l', "$self->{dir}/log", '-m', 'fast', '-w',
	    'restart');
	die "pg_ctl restart failed: $out" if $rc;
}

sub stop {
	my ($self) = @_;
	return if $self->{stopped}++ || $self->{owner} != $$;
	$self->run("$PGBIN/pg_ctl", '-D', "$self->{dir}/data", '-m', 'fast',
	    '-w', 'stop') if -d "$self->{dir}/data";
	remove_tree($self->{dir}) unless $ENV{CLOUDPAM_KEEP};
}

sub DESTROY { $_[0]->stop }

# Stop what this process started, even when the test died; a signal
# becomes an exit so that this runs then too.
END {
	local $?;
	$_->stop for grep { defined } @clusters;
}
for my $sig (qw(INT TERM HUP PIPE)) {
	$SIG{$sig} = sub { exit 128 } if ($SIG{$sig} // 'DEFAULT') eq 'DEFAULT';
}

1;
