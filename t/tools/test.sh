#!/bin/sh
# test.sh: what `make test` runs once everything is built: every test
# through prove, in parallel, ending with the line "N passed, N failed".
# The HTTP suite (t/api) runs three times: as it is (SQLite behind nginx),
# t/pg (the same files on PostgreSQL, a throwaway cluster per file) and
# t/apache (the same files behind Apache with mod_proxy_fcgi).
set -u
jobs=${CLOUDPAM_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
mkdir -p build/test-output
PERL5LIB=t/lib${PERL5LIB:+:$PERL5LIB} exec prove -I t/lib --formatter TAP::Formatter::CloudPAM -j "$jobs" \
    build/t/unit/*.t t/*.t t/api/*.t t/pg/*.t t/apache/*.t t/cloud/*.t \
    t/browser/*.t
