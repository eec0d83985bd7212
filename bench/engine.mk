# bench/engine.mk — the rating engine micro-benchmark. Not part of `make` or `make test`:
#
#   make -f bench/engine.mk          build build/bench/engine-bench (-O2) and run it
#   REMIT_BENCH_CUSTOMERS=100000 make -f bench/engine.mk
#
# The engine is pure (domain/engine*.c over core's decimals, money, dates and arenas), so the
# benchmark links only those files: no database, no HTTP, nothing else to start.

CC      ?= cc
CFLAGS  := -std=gnu11 -O2 -g -fno-omit-frame-pointer -I. -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter
SRC     := bench/engine_bench.c $(wildcard domain/engine*.c) \
           core/arena.c core/date.c core/decimal.c core/error.c core/money.c
BIN     := build/bench/engine-bench

.PHONY: run
run: $(BIN)
	./$(BIN)

$(BIN): $(SRC) domain/engine.h $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(SRC)
