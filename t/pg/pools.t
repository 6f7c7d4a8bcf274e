# t/api/pools.t again, on PostgreSQL: every CloudPAM it starts gets a fresh
# database in a throwaway cluster (CLOUDPAM_TEST_DATABASE=postgres).
use strict;
use warnings;
use lib 't/lib';
use CloudPAM::Test;
CloudPAM::Test->run_again('t/api/pools.t', database => 'postgres');
