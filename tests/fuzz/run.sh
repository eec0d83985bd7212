#!/bin/sh
# tests/fuzz/run.sh — builds the libFuzzer targets (make fuzz, clang) and runs each on its
# checked-in corpus (tests/fuzz/corpus/<target>/).
#
#   sh tests/fuzz/run.sh            smoke run: a fixed number of inputs per target, fixed seed
#                                   (what scripts/test runs; deterministic, a few seconds each)
#   sh tests/fuzz/run.sh SECONDS    fuzz each target for SECONDS, new inputs kept in
#                                   build/fuzz/found/<target>/ (copy the useful ones into the corpus)
#   FUZZ_TARGETS="fuzz_codec" ...   only these targets
#
# A crash leaves its input in build/fuzz/crashes/ and fails the run; replay it with
# build/fuzz/<target> build/fuzz/crashes/<file>. Ends with "fuzz: N passed, N failed".
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:-}
jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs" fuzz
targets=${FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.c | sed 's|tests/fuzz/||; s|\.c$||')}
mkdir -p build/fuzz/crashes
passed=0
failed=0
for t in $targets; do
    corpus=tests/fuzz/corpus/$t
    # The smoke run's input count, per target: the parsers run millions a second, the codec
    # and the list query (which runs SQL) far fewer.
    case $t in
        fuzz_list_query) runs=4000 ;;
        fuzz_codec) runs=30000 ;;
        *) runs=100000 ;;
    esac
    if [ -n "$seconds" ]; then
        found=build/fuzz/found/$t
        mkdir -p "$found"
        set -- -max_total_time="$seconds" "$found" "$corpus"
    else
        # libFuzzer adds what it finds to the first directory: a scratch one, so the smoke run
        # never changes the checked-in corpus
        scratch=build/fuzz/smoke/$t
        rm -rf "$scratch"
        mkdir -p "$scratch"
        set -- -runs="$runs" -seed=1 "$scratch" "$corpus"
    fi
    log=build/fuzz/$t.log
    if ASAN_OPTIONS=detect_leaks=1 ./build/fuzz/"$t" -artifact_prefix=build/fuzz/crashes/"$t"- \
        -max_len=4096 -timeout=10 -print_final_stats=1 "$@" >"$log" 2>&1; then
        echo "ok   $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') inputs"
        passed=$((passed + 1))
    else
        echo "FAIL $t (log: $log)"
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
