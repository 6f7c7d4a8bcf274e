# Browser test of single sign-on (t/browser/sso.mjs): Debian's Chromium
# signs in as alice through Apache + mod_auth_openidc and the test OpenID
# provider (the provider's login form and consent page), lands on
# CloudPAM's home page as an admin.  Screenshots land in
# build/test-output/screenshots.  Without Chromium or playwright-core the
# test is skipped like the other browser tests; without Apache,
# mod_auth_openidc or oidc-provider it fails (t/tools/deps.sh installs them).
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;
use CloudPAM::SSO;

my $top = $CloudPAM::Test::TOP;
if (!-x '/usr/bin/chromium' || !-d "$top/node_modules/playwright-core") {
	print "1..0 # SKIP chromium or playwright-core missing (make deps)\n";
	exit 0;
}
if (my @missing = CloudPAM::SSO::missing()) {
	print "1..1\nnot ok 1 - SSO needs: @missing (run t/tools/deps.sh)\n";
	exit 1;
}
my ($cp, $sso);
$SIG{INT} = $SIG{TERM} = sub { exit 130 };
END {
	local $?;
	$sso->stop if $sso;
	$cp->stop if $cp;
}
$cp = CloudPAM::Test->start(workers => 2, env => {
	CLOUDPAM_TRUST_SSO => 1,
	CLOUDPAM_SSO_ROLE_MAP => 'netadmins=admin,neteng=operator,viewers=viewer',
});
$sso = CloudPAM::SSO->start($cp);
my $out = "$top/build/test-output/screenshots";
my $rc = system('node', "$top/t/browser/sso.mjs", $sso->url, $out, 'alice');
exit($rc == 0 ? 0 : 1);
