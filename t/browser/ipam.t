# Browser test of the core IPAM pages (t/browser/ipam.mjs): Debian's
# Chromium through playwright-core against a real nginx and worker pool.
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;

my $top = $CloudPAM::Test::TOP;
if (!-x '/usr/bin/chromium' || !-d "$top/node_modules/playwright-core") {
	print "1..0 # SKIP chromium or playwright-core missing (make deps)\n";
	exit 0;
}
my $cp = CloudPAM::Test->start(workers => 2);
my $out = "$top/build/test-output/screenshots";
my $rc = system('node', "$top/t/browser/ipam.mjs", $cp->url, $out,
    'admin', $CloudPAM::Test::ADMIN_PASSWORD);
$cp->stop;
exit($rc == 0 ? 0 : 1);
