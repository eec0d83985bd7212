#!/bin/sh
# scripts/deps.sh — installs the Debian packages Remit needs, and only the missing ones.
#
#   sh scripts/deps.sh [build|test|bench]      (default: build)
#
#   build  compile build/remit and the web console
#   test   build + everything `make test` uses (Criterion, PostgreSQL, browser, validators)
#   bench  build + the load generators and reference servers of `make bench`
#
# Idempotent and quick: one dpkg-query decides what is missing; when nothing is, no apt-get
# runs at all. When something is, the package lists are refreshed first if they are absent
# or older than a day, and a failed install is retried once after a refresh. Node.js and npm
# installed outside Debian (e.g. under /usr/local) count as present when both are on PATH.
# Root installs directly; anyone else goes through sudo, or is told the command to run.
set -eu

BUILD="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3
       libpq-dev libsodium-dev libcurl4-openssl-dev libcairo2-dev libpango1.0-dev libicu-dev tzdata
       fonts-dejavu-core ca-certificates nodejs npm"
TEST="libcriterion-dev postgresql postgresql-client bc poppler-utils chromium libxml2-utils
      libsaxonhe-java default-jre-headless valgrind clang"
BENCH="wrk nginx-light sqlite3 hyperfine curl iproute2"

case ${1:-build} in
    build) wanted=$BUILD ;;
    test) wanted="$BUILD $TEST" ;;
    bench) wanted="$BUILD $BENCH" ;;
    *)
        echo "usage: sh scripts/deps.sh [build|test|bench]" >&2
        exit 2
        ;;
esac
[ $# -le 1 ] || { echo "usage: sh scripts/deps.sh [build|test|bench]" >&2; exit 2; }

have_node=
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    have_node=1
fi

# The wanted list without duplicates, and without nodejs/npm when they are already on PATH.
pkgs=
for p in $wanted; do
    case " $pkgs " in *" $p "*) continue ;; esac
    case $p in nodejs | npm) [ -z "$have_node" ] || continue ;; esac
    pkgs="$pkgs $p"
done

# Installed = status "<want> ok installed" (install or hold). Unknown packages print nothing.
# shellcheck disable=SC2086 # $pkgs is a list of package names
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null |
             awk '$3 == "ok" && $4 == "installed" { printf "%s ", $1 }' || true) "
missing=
for p in $pkgs; do
    case $installed in *" $p "*) ;; *) missing="$missing $p" ;; esac
done
missing=${missing# }

if [ -z "$missing" ]; then
    echo "deps: all dependencies present"
    exit 0
fi

APT_INSTALL="DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends $missing"
if [ "$(id -u)" = 0 ]; then
    run() { env DEBIAN_FRONTEND=noninteractive "$@"; }
elif command -v sudo >/dev/null 2>&1; then
    run() { sudo env DEBIAN_FRONTEND=noninteractive "$@"; }
else
    echo "deps: missing: $missing" >&2
    echo "deps: as root, run: apt-get update && $APT_INSTALL" >&2
    exit 1
fi

update() {
    run apt-get -o DPkg::Lock::Timeout=300 update -q >&2
}

install() {
    # shellcheck disable=SC2086 # $missing is a list of package names
    run apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing >&2
}

# Refresh first when the lists are missing or stale: an old list names versions the mirror
# no longer has.
lists=/var/lib/apt/lists
if ! ls "$lists"/*_Packages* >/dev/null 2>&1 ||
    [ -n "$(find "$lists" -maxdepth 1 -name '*_Packages*' -mtime +0 2>/dev/null | head -n 1)" ]; then
    update
fi
if ! install; then
    echo "deps: install failed; refreshing the package lists and trying once more" >&2
    update
    install || { echo "deps: could not install: $missing" >&2; exit 1; }
fi
echo "deps: installed $missing"
