# Browser test of a first start, as a new user meets it: the setup token
# from the server's log, /setup, the dashboard, signing out and in, an API
# key made on the Users and keys page and used by a script, and the audit
# log holding all of it.  Screenshots in build/test-output/screenshots.
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;

my $top = $CloudPAM::Test::TOP;
if (!-x '/usr/bin/chromium' || !-d "$top/node_modules/playwright-core") {
	print "1..0 # SKIP chromium or playwright-core missing (make deps)\n";
	exit 0;
}
my $cp = CloudPAM::Test->start(workers => 2, no_admin => 1);
my $log = do { local $/; open my $fh, '<', "$cp->{dir}/log/pool.out"; <$fh> // '' };
my ($token) = $log =~ /setup token ([A-Za-z0-9_-]{43})/;
die "no setup token in the log\n" unless $token;
my $out = "$top/build/test-output/screenshots";
my $rc = system('node', "$top/t/browser/firstrun.mjs", $cp->url, $out, $token);
$cp->stop;
exit($rc == 0 ? 0 : 1);
