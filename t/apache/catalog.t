# t/api/catalog.t again, through Apache with mod_proxy_fcgi instead of nginx
# (CLOUDPAM_TEST_FRONT=apache, t/tools/apache.conf.in), on SQLite.
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;
CloudPAM::Test->run_again('t/api/catalog.t', front => 'apache');
