#!/bin/sh
# nginx-conf.sh RUN LISTEN SOCKET STATIC USER: write RUN/nginx.conf from
# nginx/nginx.conf.in and make the folders nginx needs.
set -eu
run=$1 listen=$2 socket=$3 static=$4 user=${5:-nobody}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$run/log" "$run/tmp"
sed -e "s|@RUN@|$run|g" -e "s|@LISTEN@|$listen|g" \
    -e "s|@SOCKET@|$socket|g" -e "s|@STATIC@|$static|g" \
    -e "s|@USER@|$user|g" "$top/nginx/nginx.conf.in" > "$run/nginx.conf"
