#!/bin/sh
# apache-conf.sh RUN LISTEN SOCKET STATIC USER GROUP: write RUN/apache.conf
# from t/tools/apache.conf.in (the Apache the tests may put in front of
# CloudPAM instead of nginx) and make the folders it needs.
set -eu
run=$1 listen=$2 socket=$3 static=$4 user=${5:-www-data} group=${6:-www-data}
modules=${CLOUDPAM_APACHE_MODULES:-/usr/lib/apache2/modules}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$run/log"
sed -e "s|@RUN@|$run|g" -e "s|@LISTEN@|$listen|g" \
    -e "s|@SOCKET@|$socket|g" -e "s|@STATIC@|$static|g" \
    -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g" \
    -e "s|@MODULES@|$modules|g" "$top/t/tools/apache.conf.in" > "$run/apache.conf"
