#!/bin/sh
# bench/engine.sh — the rating engine micro-benchmark (bench/engine_bench.c) in `make bench`:
# builds it with bench/engine.mk and runs it; REMIT_BENCH_CUSTOMERS as there. No server, no
# database, nothing to clean up.
set -eu
make -s -f bench/engine.mk
