#!/bin/sh
# run.sh: what `make run` does after building: migrate var/cloudpam.db,
# start the worker pool and an nginx of its own, print the URL, and stop
# both cleanly on Ctrl-C.  CLOUDPAM_PORT (default 8080), CLOUDPAM_WORKERS
# (default: the number of cores), CLOUDPAM_VAR (default var/) and
# CLOUDPAM_BIN (default build/cloudpam) may be set.
set -eu
top=$(pwd)
var=${CLOUDPAM_VAR:-$top/var}
bin=${CLOUDPAM_BIN:-./build/cloudpam}
port=${CLOUDPAM_PORT:-8080}
workers=${CLOUDPAM_WORKERS:-$(nproc 2>/dev/null || echo 2)}
sock="$var/cloudpam.sock"
user=$(id -un)
[ "$user" = root ] && user="nobody nogroup"

mkdir -p "$var/log"
if ! "$bin" migrate up --database-url "sqlite:$var/cloudpam.db" \
    >"$var/log/migrate.log" 2>&1; then
	cat "$var/log/migrate.log" >&2
	exit 1
fi

# A port in use gets a clear message instead of an nginx stack of errors.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
	echo "make run: port $port is already in use on 127.0.0.1." >&2
	echo "  Stop what listens there, or choose another: CLOUDPAM_PORT=8081 make run" >&2
	exit 1
fi

# A pid file left by a run that was killed is stale: remove it.
for f in "$var/cloudpam.pid" "$var/nginx.pid"; do
	if [ -f "$f" ] && ! kill -0 "$(cat "$f")" 2>/dev/null; then
		rm -f "$f"
	fi
done

sh t/tools/nginx-conf.sh "$var" "127.0.0.1:$port" "unix:$sock" \
    "$top/static" "$user"

"$bin" serve --listen "unix:$sock" --workers "$workers" \
    --socket-mode 0666 --pid-file "$var/cloudpam.pid" \
    --database-url "sqlite:$var/cloudpam.db" \
    --log-file "$var/log/cloudpam.log" 2>"$var/log/serve.out" &
pool=$!
nginx -c "$var/nginx.conf" -p "$var" -e "$var/log/nginx-error.log" &
web=$!

stop() {
	trap - INT TERM EXIT
	trap '' PIPE # a closed terminal must not stop the clean-up
	echo
	echo "stopping nginx and the worker pool..."
	kill -QUIT "$web" 2>/dev/null || true
	kill -TERM "$pool" 2>/dev/null || true
	wait "$web" 2>/dev/null || true
	wait "$pool" 2>/dev/null || true
	echo "stopped."
	exit 0
}
trap stop INT TERM EXIT

# Wait until both answer, then say where.
i=0
until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pool" 2>/dev/null ||
	    ! kill -0 "$web" 2>/dev/null; then
		echo "make run: CloudPAM did not start; see var/log/" >&2
		tail -n 5 "$var/log/serve.out" "$var/log/cloudpam.log" \
		    "$var/log/nginx-error.log" >&2 || true
		exit 1
	fi
	sleep 0.1
done
echo
echo "  CloudPAM is running at http://127.0.0.1:$port/"
echo "  $workers workers on $sock; logs in var/log/. Press Ctrl-C to stop."
# On a first start (no user yet) serve issued a one-time setup token.
token=$(sed -n 's/.*first start: open \/setup .* setup token \([A-Za-z0-9_-]*\).*/\1/p' \
    "$var/log/serve.out" | tail -n 1)
if [ -n "$token" ]; then
	echo
	echo "  First start: create the first admin at"
	echo "    http://127.0.0.1:$port/setup"
	echo "  with the one-time setup token"
	echo "    $token"
	echo "  (or from a shell: ./build/cloudpam user add NAME --role admin)"
fi
echo
wait "$pool"
