#!/bin/sh
# scripts/web-build.sh — builds the web console (web/) into web/dist, which `make` embeds into
# the remit binary (scripts/embed-web.sh -> web/assets.c).
#
#   sh scripts/web-build.sh
#
# Idempotent and quick when nothing changed: `npm ci` runs only when package-lock.json differs
# from the one node_modules was installed from, and `vite build` only when a source file
# (src/, index.html, public/, vite.config.js, the lock) differs from the last build's. Both are
# decided by a SHA-256 over those files, kept in web/node_modules/.remit-stamp and
# web/node_modules/.remit-dist-stamp (outside dist, which is embedded whole; the stamp is removed
# before a build, so a failed build is never taken for a good one).
# Node.js and npm come from scripts/deps.sh (Debian's packages) when missing.
set -eu
cd "$(dirname "$0")/../web"

if ! command -v npm >/dev/null 2>&1; then
    sh ../scripts/deps.sh build
fi

lock_sum=$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -f node_modules/.remit-stamp ] || [ "$(cat node_modules/.remit-stamp)" != "$lock_sum" ]; then
    echo "web: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_sum" > node_modules/.remit-stamp
fi

src_sum=$( (find src public -type f 2>/dev/null; echo index.html; echo vite.config.js) | LC_ALL=C sort |
          xargs sha256sum | sha256sum | cut -d' ' -f1)
src_sum="$src_sum-$lock_sum"
stamp=node_modules/.remit-dist-stamp
if [ -f dist/index.html ] && [ -f $stamp ] && [ "$(cat $stamp)" = "$src_sum" ]; then
    echo "web: dist is up to date"
    exit 0
fi
echo "web: vite build"
rm -f $stamp
npx --no-install vite build --logLevel warn
echo "$src_sum" > $stamp
