# t/api/catalog.t again, on PostgreSQL: every CloudPAM it starts gets a fresh
# database in a throwaway cluster (CLOUDPAM_TEST_DATABASE=postgres).
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;
CloudPAM::Test->run_again('t/api/catalog.t', database => 'postgres');
