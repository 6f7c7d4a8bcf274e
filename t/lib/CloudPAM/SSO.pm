package CloudPAM::SSO;

# CloudPAM::SSO: single sign-on in front of a test CloudPAM, for real.
#
#   my $cp  = CloudPAM::Test->start(env => { CLOUDPAM_TRUST_SSO => 1, ... });
#   my $sso = CloudPAM::SSO->start($cp);
#   my $s   = $sso->login('alice');         # curl + cookie jar, no browser
#   my $res = $sso->curl($s->{jar}, GET => '/api/v1/me');
#   $sso->set_groups(alice => ['viewers']); # read by the provider at login
#   $sso->stop;                             # also done when $sso goes away
#
# start($cp, scheme => 'https', conf => sub { ... }) runs another Apache
# configuration instead of the test one (see start_apache).
#
# start() runs t/tools/oidc-provider.mjs (the npm package oidc-provider: a
# real OpenID provider) and a standalone Apache with mod_proxy_fcgi and
# mod_auth_openidc (t/tools/apache-sso.conf.in) in front of the test
# CloudPAM's unix socket, each on a free loopback port.  Nothing is mocked:
# logins run the whole authorization code flow (PKCE S256).  A missing
# apache2, mod_auth_openidc, node or oidc-provider is an error: run
# t/tools/deps.sh (make deps).

use strict;
use warnings;
use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);
use CloudPAM::Test;

our $TOP = $CloudPAM::Test::TOP;
our $MOD_OIDC = '/usr/lib/apache2/modules/mod_auth_openidc.so';
our $APACHE = '/usr/sbin/apache2';

# What is missing to run SSO tests, as a list of messages (empty: nothing).
sub missing {
	my @m;
	push @m, "$APACHE (apt-get install apache2)" unless -x $APACHE;
	push @m, "$MOD_OIDC (apt-get install libapache2-mod-auth-openidc)"
	    unless -f $MOD_OIDC;
	push @m, 'node' if system('node --version >/dev/null 2>&1');
	push @m, 'curl' if system('curl --version >/dev/null 2>&1');
	push @m, 'sqlite3' if system('sqlite3 --version >/dev/null 2>&1');
	push @m, "$TOP/node_modules/oidc-provider (npm ci)"
	    unless -d "$TOP/node_modules/oidc-provider";
	return @m;
}

sub start {
	my ($class, $cp, %opt) = @_;
	my @missing = missing();
	die "SSO test needs: " . join(', ', @missing)
	    . " (run t/tools/deps.sh)\n" if @missing;
	my $self = bless { cp => $cp, owner => $$, jars => 0 }, $class;
	$self->{dir} = tempdir('cloudpam-sso-XXXXXX', TMPDIR => 1, CLEANUP => 0);
	chmod 0755, $self->{dir};
	$self->{port} = CloudPAM::Test::free_port();
	$self->{op_port} = CloudPAM::Test::free_port();
	$self->{op_port} = CloudPAM::Test::free_port()
	    while $self->{op_port} == $self->{port};
	$self->{scheme} = $opt{scheme} // 'http';
	$self->{url} = "$self->{scheme}://127.0.0.1:$self->{port}";
	$self->{op_url} = "http://127.0.0.1:$self->{op_port}";
	$self->{groups} = "$self->{dir}/groups.json";
	$self->{conf} = "$self->{dir}/apache.conf";
	$self->{pidfile} = "$self->{dir}/httpd.pid";
	$self->set_groups();
	# A failure half-way stops what did start.
	eval { $self->start_provider; $self->start_apache(%opt); 1 } or do {
		my $e = $@;
		local $ENV{CLOUDPAM_KEEP} = 1;
		$self->stop;
		die $e . "(logs kept in $self->{dir})\n";
	};
	return $self;
}

sub url { $_[0]{url} . ($_[1] // '') }
sub op_url { $_[0]{op_url} . ($_[1] // '') }
sub dir { $_[0]{dir} }
sub conf { $_[0]{conf} }

# Override users' groups at the provider (read at each login):
# set_groups(alice => ['viewers']).  No arguments: the built-in table.
sub set_groups {
	my ($self, %groups) = @_;
	$self->{group_table} = { %{ $self->{group_table} // {} }, %groups };
	%{ $self->{group_table} } = () unless %groups;
	my $tmp = "$self->{groups}.tmp";
	open my $fh, '>', $tmp or die "$tmp: $!";
	print $fh JSON::PP->new->canonical->encode($self->{group_table});
	close $fh or die "$tmp: $!";
	rename $tmp, $self->{groups} or die "rename: $!";
}

sub start_provider {
	my ($self) = @_;
	my $out = "$self->{dir}/provider.out";
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		open STDOUT, '>', $out or die "$out: $!";
		open STDERR, '>&', \*STDOUT;
		exec 'node', "$TOP/t/tools/oidc-provider.mjs", $self->{op_port},
		    "$self->{url}/sso/redirect_uri", $self->{groups}
		    or die "exec node: $!";
	}
	$self->{op_pid} = $pid;
	my $deadline = time + 20;
	while (time < $deadline) {
		if (waitpid($pid, WNOHANG) > 0) {
			delete $self->{op_pid};
			die "oidc-provider exited:\n" . slurp($out);
		}
		return if slurp($out) =~ /^ready$/m;
		sleep 0.05;
	}
	die "oidc-provider did not start:\n" . slurp($out);
}

# The Apache configuration: t/tools/apache-sso.conf.in filled in, or what
# $opt{conf}->($self) returns (a whole file that must use $self->{port},
# $self->{op_port}, $self->{pidfile} and error.log in $self->{dir}).
sub start_apache {
	my ($self, %opt) = @_;
	my $text;
	if ($opt{conf}) {
		$text = $opt{conf}->($self);
	} else {
		$text = slurp("$TOP/t/tools/apache-sso.conf.in");
		my %v = (RUN => $self->{dir}, PORT => $self->{port},
		    OP_PORT => $self->{op_port}, SOCKET => $self->{cp}{sock},
		    STATIC => "$TOP/static");
		$text =~ s/\@(RUN|PORT|OP_PORT|SOCKET|STATIC)\@/$v{$1}/g;
	}
	spew($self->{conf}, $text);
	my $out = `$APACHE -f $self->{conf} -k start 2>&1`;
	die "apache2 -k start failed: $out\n" . $self->error_log if $?;
	$self->{apache} = 1;
	my $deadline = time + 20;
	while (time < $deadline) {
		my $r = $self->curl(undef, GET => '/healthz');
		return if $r->{status} == 200;
		sleep 0.05;
	}
	die "Apache did not answer /healthz:\n" . $self->error_log;
}

sub error_log {
	my ($self) = @_;
	my $log = slurp("$self->{dir}/error.log");
	my @lines = split /\n/, $log;
	splice @lines, 0, @lines - 30 if @lines > 30;
	return join("\n", @lines) . "\n";
}

sub provider_log { slurp("$_[0]{dir}/provider.out") }

# A fresh, empty cookie jar.
sub new_jar {
	my ($self) = @_;
	return sprintf '%s/jar-%d.txt', $self->{dir}, ++$self->{jars};
}

# One request with curl (no redirects followed); with a jar, cookies are
# read from and written to it.  $target is a path on Apache or a full URL.
# opt: headers => { name => value } (or [[name, value], ...]), quiet => 1
#      (no curl error messages),
#      body => raw, form => { ... } / [k, v, ...], json => ref.
# Returns { status, redirect, url, body, headers => { lc name => value } }.
sub curl {
	my ($self, $jar, $method, $target, %opt) = @_;
	my $url = $target =~ m{^https?://} ? $target : $self->url($target);
	my $n = ++$self->{requests};
	my ($bodyf, $hdrf) = ("$self->{dir}/body-$n", "$self->{dir}/head-$n");
	my @cmd = ('curl', '-s', $opt{quiet} ? () : '-S', '--max-time', '15', '-o', $bodyf, '-D',
	    $hdrf, '-w', '%{http_code} %{redirect_url}', '-k', '-X', $method);
	push @cmd, '-c', $jar, '-b', $jar if defined $jar;
	my $h = $opt{headers} // {};
	my @h = ref $h eq 'HASH' ? map { [$_, $h->{$_}] } sort keys %$h : @$h;
	push @cmd, '-H', "$_->[0]: $_->[1]" for @h;
	my $body;
	if (exists $opt{json}) {
		$body = JSON::PP->new->canonical->encode($opt{json});
		push @cmd, '-H', 'Content-Type: application/json';
	} elsif (exists $opt{form}) {
		my @kv = ref $opt{form} eq 'HASH'
		    ? map { ($_, $opt{form}{$_}) } sort keys %{ $opt{form} }
		    : @{ $opt{form} };
		my @pairs;
		while (my ($k, $v) = splice @kv, 0, 2) {
			push @pairs, uri_escape($k) . '=' . uri_escape($v);
		}
		$body = join '&', @pairs;
		push @cmd, '-H', 'Content-Type: application/x-www-form-urlencoded';
	} elsif (exists $opt{body}) {
		$body = $opt{body};
	}
	push @cmd, '--data-binary', $body if defined $body;
	push @cmd, $url;
	open my $fh, '-|', @cmd or die "curl: $!";
	my $w = do { local $/; <$fh> } // '';
	close $fh;
	my ($status, $redirect) = $w =~ /^(\d+) ?(.*)$/s;
	my %headers;
	for my $line (split /\r?\n/, slurp($hdrf)) {
		%headers = () if $line =~ m{^HTTP/};
		next unless $line =~ /^([^:\s]+):\s*(.*)$/;
		my $k = lc $1;
		$headers{$k} = defined $headers{$k} ? "$headers{$k}, $2" : $2;
	}
	my $res = { status => $status // 0, redirect => $redirect // '',
	    url => $url, body => slurp($bodyf), headers => \%headers };
	unlink $bodyf, $hdrf;
	return $res;
}

sub uri_escape {
	my ($s) = @_;
	$s =~ s/([^A-Za-z0-9._~-])/sprintf '%%%02X', ord $1/ge;
	return $s;
}

# Sign in as $user through Apache, the provider's login form and consent,
# as a browser would, starting at $opt{path} (default /).  Returns
# { jar, response (the last one: CloudPAM's page), trail (status + URL of
# each step) }.  With no_final => 1 it stops at the redirect back from
# /sso/redirect_uri: the session exists, CloudPAM has seen no request yet.
sub login {
	my ($self, $user, %opt) = @_;
	my $jar = $opt{jar} // $self->new_jar;
	my $r = $self->curl($jar, GET => $opt{path} // '/');
	my @trail;
	my $op = $self->{op_url};
	for (1 .. 20) {
		push @trail, "$r->{status} $r->{url}";
		if ($r->{status} =~ /^30[1237]$/ && $r->{redirect} ne '') {
			last if $opt{no_final} && $r->{url} =~ m{/sso/redirect_uri\?};
			$r = $self->curl($jar, GET => $r->{redirect});
			next;
		}
		last unless $r->{status} == 200 && index($r->{url}, $op) == 0;
		my ($action) = $r->{body} =~ /<form[^>]*\saction="([^"]+)"/;
		last unless defined $action;
		$action = $op . $action if $action =~ m{^/};
		if ($r->{body} =~ /name="login"/) {
			$r = $self->curl($jar, POST => $action, form => [prompt =>
			    'login', login => $user, password => 'any-password']);
		} elsif ($r->{body} =~ /name="prompt" value="consent"/) {
			$r = $self->curl($jar, POST => $action,
			    form => [prompt => 'consent']);
		} else {
			last;
		}
	}
	my $last = "$r->{status} $r->{url}";
	push @trail, $last unless $trail[-1] eq $last;
	return { jar => $jar, response => $r, trail => \@trail };
}

# The csrf_token a CloudPAM page renders into its forms.
sub csrf_of {
	my ($class, $res) = @_;
	my ($t) = ($res->{body} // '') =~ /name="csrf_token" value="([^"]+)"/;
	return $t;
}

# Rows of an SQL query on the test database, each an array of columns.
sub sql {
	my ($self, $query) = @_;
	open my $fh, '-|', 'sqlite3', '-separator', "\t", $self->{cp}->db,
	    $query or die "sqlite3: $!";
	my @rows = map { chomp; [split /\t/, $_, -1] } <$fh>;
	close $fh;
	return @rows;
}

sub stop {
	my ($self) = @_;
	return if $self->{stopped}++;
	if ($self->{apache}) {
		system("$APACHE -f $self->{conf} -k stop >/dev/null 2>&1");
		my $deadline = time + 15;
		sleep 0.05 while -e $self->{pidfile} && time < $deadline;
		if (-e $self->{pidfile}) {
			my ($pid) = slurp($self->{pidfile}) =~ /(\d+)/;
			kill 'KILL', $pid if $pid;
			unlink $self->{pidfile};
		}
	}
	if ($self->{op_pid}) {
		kill 'TERM', $self->{op_pid};
		my $deadline = time + 10;
		sleep 0.02 while waitpid($self->{op_pid}, WNOHANG) == 0
		    && time < $deadline;
		if (waitpid($self->{op_pid}, WNOHANG) == 0) {
			kill 'KILL', $self->{op_pid};
			waitpid($self->{op_pid}, 0);
		}
	}
	remove_tree($self->{dir}) unless $ENV{CLOUDPAM_KEEP};
}

sub slurp {
	my ($f) = @_;
	open my $fh, '<', $f or return '';
	local $/;
	return <$fh> // '';
}

sub spew {
	my ($f, $text) = @_;
	open my $fh, '>', $f or die "$f: $!";
	print $fh $text;
	close $fh or die "$f: $!";
}

sub DESTROY { $_[0]->stop if $_[0]{owner} == $$ }

1;
