# The production examples in nginx/ and apache/ are valid configuration
# for the servers Debian ships: each is loaded with only its paths and
# ports moved into a temporary folder (and a self-signed certificate), and
# `nginx -t` / `apache2 -t` must accept it.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);

my $top = `pwd`;
chomp $top;
my $T = tempdir('cloudpam-deploy-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $T;
mkdir "$T/$_" for qw(static apache t_body t_proxy t_fastcgi t_uwsgi t_scgi);

sub slurp { local (@ARGV, $/) = @_; <> }
sub spew { my ($f, $t) = @_; open my $fh, '>', $f or die "$f: $!"; print $fh $t }

plan skip_all => 'openssl not installed'
    if system('openssl version >/dev/null 2>&1');
system("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
    . "-keyout $T/key.pem -out $T/cert.pem >/dev/null 2>&1") == 0
    or BAIL_OUT('openssl failed');

# Only paths and ports change.
sub localise {
	my ($text) = @_;
	$text =~ s{/etc/ssl/certs/cloudpam\.crt}{$T/cert.pem}g;
	$text =~ s{/etc/ssl/private/cloudpam\.key}{$T/key.pem}g;
	$text =~ s{/var/log/nginx/}{$T/}g;
	$text =~ s{unix:/run/cloudpam/}{unix:$T/}g;
	$text =~ s{/usr/share/cloudpam/static}{$T/static}g;
	return $text;
}

SKIP: {
	skip 'nginx not installed', 2 unless -x '/usr/sbin/nginx';
	my $conf = localise(slurp("$top/nginx/cloudpam.conf"));
	$conf =~ s/listen 80;/listen 127.0.0.1:1;/;
	$conf =~ s/listen \[::\]:80;//;
	$conf =~ s/listen 443 ssl http2;/listen 127.0.0.1:2 ssl http2;/;
	$conf =~ s/listen \[::\]:443 ssl http2;//;
	spew("$T/cloudpam-nginx.conf", $conf);
	spew("$T/nginx.conf", <<"EOF2");
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	access_log $T/access.log;
	client_body_temp_path $T/t_body;
	proxy_temp_path $T/t_proxy;
	fastcgi_temp_path $T/t_fastcgi;
	uwsgi_temp_path $T/t_uwsgi;
	scgi_temp_path $T/t_scgi;
	include $T/cloudpam-nginx.conf;
}
EOF2
	my $out = `nginx -t -c $T/nginx.conf -p $T/ 2>&1`;
	is($? >> 8, 0, 'nginx -t accepts nginx/cloudpam.conf') or diag($out);
	like($out, qr/test is successful/, 'nginx says so');
}

SKIP: {
	skip 'apache2 not installed', 2 unless -x '/usr/sbin/apache2';
	my $conf = localise(slurp("$top/apache/cloudpam.conf"));
	$conf =~ s/<VirtualHost \*:80>/<VirtualHost 127.0.0.1:18081>/;
	$conf =~ s/<VirtualHost \*:443>/<VirtualHost 127.0.0.1:18444>/;
	spew("$T/cloudpam-apache.conf", $conf);
	my $mods = '/usr/lib/apache2/modules';
	my $load = join '', map { "LoadModule ${_}_module $mods/mod_$_.so\n" }
	    qw(mpm_event authz_core authz_host alias mime filter deflate headers
	    unique_id socache_shmcb ssl http2 proxy proxy_fcgi rewrite);
	spew("$T/apache.conf", <<"EOF2");
ServerRoot "$T/apache"
ServerName 127.0.0.1
Listen 127.0.0.1:18081
Listen 127.0.0.1:18444
PidFile $T/apache/httpd.pid
DefaultRuntimeDir $T/apache
ErrorLog $T/apache/error.log
User www-data
Group www-data
Define APACHE_LOG_DIR $T/apache
$load
TypesConfig /etc/mime.types
SSLSessionCache shmcb:$T/apache/ssl_scache(512000)
Include $T/cloudpam-apache.conf
EOF2
	my $out = `apache2 -t -f $T/apache.conf 2>&1`;
	is($? >> 8, 0, 'apache2 -t accepts apache/cloudpam.conf') or diag($out);
	like($out, qr/Syntax OK/, 'Apache says so');
}
done_testing;
