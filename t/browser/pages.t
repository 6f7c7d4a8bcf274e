# Browser test: Debian's Chromium driven by playwright-core through the
# platform's pages.  Screenshots land in build/test-output/screenshots.
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
my $rc = system('node', "$top/t/browser/pages.mjs", $cp->url, $out,
    'admin', $CloudPAM::Test::ADMIN_PASSWORD);
$cp->stop;
exit($rc == 0 ? 0 : 1);
