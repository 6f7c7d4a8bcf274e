#!/bin/sh
# deps.sh: install what CloudPAM needs to build, run and test, on Debian 12.
# Quiet when everything is there.  Run as root, or with sudo available.
set -eu

PACKAGES="build-essential pkg-config nginx libfcgi-dev libfcgi-bin spawn-fcgi
libsqlite3-dev sqlite3 libjson-c-dev libssl-dev libcurl4-openssl-dev
libexpat1-dev libargon2-dev libpq-dev wrk clang libclang-rt-14-dev valgrind
clang-format chromium apache2 apache2-utils libapache2-mod-auth-openidc
postgresql-15 curl ca-certificates
perl procps"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# Node.js may come from elsewhere than Debian (a newer build); any will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
	echo "deps: installing Debian packages:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null
fi

# promtool alone (48 MB) rather than the whole prometheus package (377 MB).
if [ ! -x build/tools/promtool ]; then
	echo "deps: fetching promtool from Debian's prometheus package"
	mkdir -p build/tools
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download prometheus >/dev/null 2>&1 ||
	    { $SUDO apt-get update -qq && apt-get download prometheus >/dev/null; })
	dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb |
	    tar -x -C "$tmp" ./usr/bin/promtool
	mv "$tmp/usr/bin/promtool" build/tools/promtool
	rm -rf "$tmp"
fi

# npm packages, exactly as package-lock.json pins them.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
