#!/bin/sh
# tests/einvoice/conformance.sh — the e-invoice conformance test of issue 8.
#
#   sh tests/einvoice/conformance.sh [DIR...]
#
# Writes the conformance documents (build/einvoice-samples: one standard rate, two rates,
# zero-rated, exempt with reason, reverse charge, line and document discounts, a charge, a
# foreign-currency invoice with the VAT total in the accounting currency, a partially paid
# invoice, a credit note, KWD, JPY, intra-community, not subject to VAT, per-line VAT) and 12
# random documents of the round-trip test's generator into a temporary directory and runs the official validation kit ONCE over all of them (and over the
# .xml files of any DIR given, e.g. documents saved by the API tests) with --peppol: UBL 2.1 XSD,
# CEN EN 16931 rules and Peppol BIS Billing 3.0 rules. Fails on any failed file (an XSD error or a
# fatal assert) and prints the kit's lines. Ends with "einvoice: N passed, N failed".
#
# The kit lives outside the repository (REMIT_EINVOICE_KIT, default ../shared/einvoice beside the
# checkout); without it this script says clearly that it SKIPPED, and exits 0.
set -eu
cd "$(dirname "$0")/../.."
kit=${REMIT_EINVOICE_KIT:-../shared/einvoice}
if [ ! -x "$kit/validate" ]; then
    echo "einvoice: SKIPPED: the validation kit is not at $kit (set REMIT_EINVOICE_KIT); no document was validated"
    echo "einvoice: 0 passed, 0 failed"
    exit 0
fi
make -s build/einvoice-samples

tmp=$(mktemp -d /tmp/remit-einvoice.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/docs"
if ! ./build/einvoice-samples "$tmp/docs" "${REMIT_EINVOICE_RANDOM:-12}"; then
    echo "einvoice: the sample writer refused a fixture (see above)"
    echo "einvoice: 0 passed, 1 failed"
    exit 1
fi
for d in "$@"; do
    for f in "$d"/*.xml; do
        [ -f "$f" ] && cp "$f" "$tmp/docs/$(basename "$d")-$(basename "$f")"
    done
done

status=0
"$kit/validate" --peppol "$tmp"/docs/*.xml >"$tmp/out" 2>&1 || status=$?
cat "$tmp/out"
passed=$(grep -c '=> PASS' "$tmp/out" || true)
failed=$(grep -c '=> FAIL' "$tmp/out" || true)
if [ "$status" -ne 0 ]; then
    echo "einvoice: the validator failed (exit $status); fatal asserts:"
    grep -E '^  (FATAL|XSD)' "$tmp/out" | grep -v '^  XSD ok' || true
    [ "$failed" -gt 0 ] || failed=1
fi
echo "einvoice: $passed passed, $failed failed"
[ "$status" -eq 0 ]
