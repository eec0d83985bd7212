#!/bin/sh
# bench/einvoice.sh — e-invoices: how many UBL documents Remit writes per second, and the official
# validator's time for the same batch, side by side (issue 8). Run by bench/run.sh (make bench),
# or alone: sh bench/einvoice.sh.
#
# build/einvoice-bench builds BENCH_EINVOICE_DOCS random documents (default 500: 1-12 lines,
# several rates and categories, discounts, charges, EUR/USD/GBP/JPY/KWD/SEK/INR, credit notes),
# times einv_check + ubl_write over all of them (median of BENCH_EINVOICE_ROUNDS passes, default
# 20, after one untimed pass that writes the files) and the GST e-invoice JSON likewise; then the
# kit's validate --peppol runs once over the same files (REMIT_EINVOICE_KIT, default
# ../shared/einvoice; skipped, saying so, when absent). Figures only: nothing passes or fails.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init
docs=${BENCH_EINVOICE_DOCS:-500}
rounds=${BENCH_EINVOICE_ROUNDS:-20}
kit=${REMIT_EINVOICE_KIT:-../shared/einvoice}
make -s build/einvoice-bench >/dev/null

tmp=$BENCH_TMP
mkdir "$tmp/docs"
./build/einvoice-bench "$docs" "$tmp/docs" "$rounds" > "$tmp/gen"
get() { sed -n "s/^$1 //p" "$tmp/gen"; }
ubl_rate=$(get ubl_docs_per_s)
gst_rate=$(get gst_docs_per_s)
kb=$(( $(get ubl_bytes) / 1024 ))
gen_ms=$(awk -v n="$docs" -v r="$ubl_rate" 'BEGIN { printf "%.1f", n * 1000 / r }')

echo "batch: $docs UBL documents, $(get ubl_lines) lines, $kb KiB; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %12s %14s\n' "" "time" "documents/s"
printf '%-44s %10s ms %14s\n' "remit: einv_check + ubl_write (median)" "$gen_ms" "$ubl_rate"
printf '%-44s %10s    %14s\n' "remit: GST e-invoice JSON, check + write" "" "$gst_rate"
if [ -x "$kit/validate" ]; then
    start=$(date +%s%N)
    "$kit/validate" --peppol "$tmp"/docs/*.xml > "$tmp/val" 2>&1 || true
    end=$(date +%s%N)
    val_ms=$(( (end - start) / 1000000 ))
    val_rate=$(awk -v n="$docs" -v ms="$val_ms" 'BEGIN { printf "%.1f", n * 1000 / ms }')
    printf '%-44s %10s ms %14s\n' "validator: XSD + CEN + Peppol, one JVM" "$val_ms" "$val_rate"
    echo "ratio: remit writes documents $(awk -v a="$ubl_rate" -v b="$val_rate" 'BEGIN { printf "%.0f", a / b }')x faster than the validator checks them"
    echo "validator: $(tail -n 1 "$tmp/val")"
else
    echo "validator: SKIPPED (no kit at $kit)"
fi
