#!/bin/sh
# scripts/check-banned.sh — the banned-function check of STYLE.md (make check-banned).
#
#   sh scripts/check-banned.sh [ROOT]      ROOT defaults to the repository holding this script
#
# Scans every .c and .h file on disk (tracked or not) under core/ store/ model/ domain/ api/
# cli/ tests/ bench/ of ROOT, leaving out build/ and node_modules/ directories, for:
#   - calls to sprintf, vsprintf, strcpy, strcat, atoi, atol, atoll, strtok, strtok_r, gets
#     (snprintf, vsnprintf, fgets and friends are fine: the name must stand alone before "(");
#   - float or double in core/money.c, core/decimal.c, domain/ and model/ (money is never
#     floating point).
# Comments and string literals are ignored. Prints each offence as "file:line: banned: name"
# and exits 1, or prints "banned-function check: N files clean" and exits 0.
set -eu

if [ $# -gt 1 ]; then
    echo "usage: sh scripts/check-banned.sh [ROOT]" >&2
    exit 2
fi
ROOT=${1:-$(dirname "$0")/..}
cd "$ROOT" || exit 2

DIRS="core store model domain api cli tests bench"
CALLS='vsprintf|sprintf|strcpy|strcat|atoi|atoll|atol|strtok_r|strtok|gets'
FLOATS='float|double'

# Blanks out comments and string/char literals, keeping line numbers.
strip() {
    awk '
    {
        line = $0
        if (!inc && line !~ /["'\''\/]/) { print line; next }
        out = ""; i = 1; n = length(line)
        while (i <= n) {
            c = substr(line, i, 1); d = substr(line, i, 2)
            if (inc) { if (d == "*/") { inc = 0; i += 2 } else i++; continue }
            if (d == "/*") { inc = 1; i += 2; out = out " "; continue }
            if (d == "//") break
            if (c == "\"" || c == "'\''") {
                q = c; i++
                while (i <= n) {
                    c = substr(line, i, 1)
                    if (c == "\\") { i += 2; continue }
                    i++
                    if (c == q) break
                }
                out = out q q
                continue
            }
            out = out c; i++
        }
        print out
    }' "$1"
}

# file, ERE alternatives, suffix ERE: prints "file:line: banned: name" per match.
scan() {
    strip "$1" |
        grep -noE "(^|[^A-Za-z0-9_])($2)$3" |
        sed -E "s/^([0-9]+):[^A-Za-z0-9_]?($2)$3.*/\\1 \\2/" |
        while read -r line name; do
            echo "$1:$line: banned: $name"
        done
}

existing=
for d in $DIRS; do
    [ -d "$d" ] && existing="$existing $d"
done

list=$(mktemp)
report=$(mktemp)
trap 'rm -f "$list" "$report"' EXIT INT TERM
if [ -n "$existing" ]; then
    # shellcheck disable=SC2086 # $existing is a list of plain directory names
    find $existing \( -name build -o -name node_modules \) -prune -o \
        -type f \( -name '*.c' -o -name '*.h' \) -print | LC_ALL=C sort > "$list"
fi

files=0
while IFS= read -r f; do
    files=$((files + 1))
    scan "$f" "$CALLS" '[[:space:]]*\(' >> "$report"
    case $f in
        core/money.c | core/decimal.c | domain/* | model/*)
            scan "$f" "$FLOATS" '([^A-Za-z0-9_]|$)' >> "$report"
            ;;
    esac
done < "$list"

if [ -s "$report" ]; then
    cat "$report"
    exit 1
fi
echo "banned-function check: $files files clean"
