#!/bin/sh
# Install, with apt-get and only where missing, every Debian package that
# building ferry, running its tests and its demo needs; with --bench, also
# pgloader, pgcopydb and mydumper, which `make bench` measures ferry
# against.
# Safe to run again: it does nothing when everything is present.
set -eu

PKGS="
build-essential
pkg-config
clang
libclang-rt-14-dev
libzstd-dev
libxxhash-dev
xxhash
zstd
libcjson-dev
libpq-dev
libssl-dev
openssl
tzdata
default-libmysqlclient-dev
mariadb-server
mariadb-client
postgresql
postgresql-client
postgresql-postgis
perl
mandoc
time
gawk
bsdutils
bsdextrautils
jq
parallel
util-linux
"

# --bench: also what `make bench` compares ferry with
if [ "${1:-}" = "--bench" ]; then
	PKGS="$PKGS pgloader pgcopydb mydumper"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# Services must not start at install time: the tests run their own
# throwaway servers in a temporary folder.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
