# Remit — build. `make` builds build/remit; `make test` runs every test (see scripts/test);
# `make bench` runs the benchmarks. Objects are kept per variant:
#   build/obj/    release (-O2)                 -> build/remit
#   build/asan/   AddressSanitizer + UBSan (-O1) -> build/asan/remit, build/asan/unit-tests
# Sources are every .c under the layer folders; a new file needs no Makefile change.

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium libcurl pangocairo fontconfig icu-i18n
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral -Wvla
CFLAGS_BASE := -std=gnu11 $(WARN) -I. -D_GNU_SOURCE $(PKG_CFLAGS) -pthread -MMD -MP
CFLAGS_REL  := $(CFLAGS_BASE) -O2 -g
CFLAGS_SAN  := $(CFLAGS_BASE) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined -DREMIT_ARENA_DEBUG=1
LDLIBS  := $(PKG_LIBS) -pthread -lm

LAYERS  := core store model domain api
LIB_SRC := $(foreach d,$(LAYERS),$(wildcard $(d)/*.c)) web/assets.c
CLI_SRC := $(wildcard cli/*.c)
UNIT_SRC:= $(wildcard tests/unit/*.c)
APIT_SRC:= $(wildcard tests/api/*.c)
SCEN_SRC:= $(wildcard tests/scenario/*.c)

REL_LIB := $(LIB_SRC:%.c=build/obj/%.o)
REL_CLI := $(CLI_SRC:%.c=build/obj/%.o)
SAN_LIB := $(LIB_SRC:%.c=build/asan/%.o)
SAN_CLI := $(CLI_SRC:%.c=build/asan/%.o)
SAN_UNIT:= $(UNIT_SRC:%.c=build/asan/%.o)
APIT_OBJ:= $(APIT_SRC:%.c=build/obj/%.o)
SCEN_OBJ:= $(SCEN_SRC:%.c=build/obj/%.o) build/obj/tests/api/client.o

.PHONY: all test unit api-test check-banned bench clean web run fuzz
all: build/remit

build/remit: $(REL_LIB) $(REL_CLI)
	$(CC) $(CFLAGS_REL) -o $@ $^ $(LDLIBS)

build/asan/remit: $(SAN_LIB) $(SAN_CLI)
	$(CC) $(CFLAGS_SAN) -o $@ $^ $(LDLIBS)

build/asan/unit-tests: $(SAN_LIB) $(SAN_UNIT)
	$(CC) $(CFLAGS_SAN) -o $@ $^ $(LDLIBS) -lcriterion

# The API test client is not sanitized: it is the server under test that must be clean.
build/api-tests: $(APIT_OBJ)
	$(CC) $(CFLAGS_REL) -o $@ $^ $(LDLIBS)

# Scenario tests (Criterion) talk HTTP to a running server through tests/api/client.c.
build/api-scenarios: $(SCEN_OBJ)
	$(CC) $(CFLAGS_REL) -o $@ $^ $(LDLIBS) -lcriterion

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang: the library objects with
# -fsanitize=fuzzer-no-link, each target linked with libFuzzer's main. `make fuzz` builds them,
# tests/fuzz/run.sh runs them (see tests/fuzz/README.md).
CLANG   ?= clang
CFLAGS_FUZZ := $(CFLAGS_BASE) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link \
               -fno-sanitize-recover=undefined -DREMIT_ARENA_DEBUG=1
FUZZ_SRC:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN:= $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB:= $(LIB_SRC:%.c=build/fuzz/obj/%.o)

fuzz: $(FUZZ_BIN)

build/fuzz/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(CLANG) $(CFLAGS_FUZZ) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(CLANG) $(CFLAGS_FUZZ) -c -o $@ $<

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_REL) -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS_SAN) -c -o $@ $<

# The web console's build output, embedded in the binary (generated, do not edit).
web/assets.c: scripts/embed-web.sh $(wildcard web/dist/*) $(wildcard web/dist/*/*)
	sh scripts/embed-web.sh web/dist > $@.tmp && mv $@.tmp $@

unit: build/asan/unit-tests
	./build/asan/unit-tests

check-banned:
	sh scripts/check-banned.sh

test:
	sh scripts/test

bench: build/remit
	sh bench/run.sh

run: build/remit
	sh scripts/start

clean:
	rm -rf build web/assets.c

-include $(shell find build -name '*.d' 2>/dev/null)
