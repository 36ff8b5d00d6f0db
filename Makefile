# ferry - see README.md.  `make` builds, `make check` installs what the tests
# need (Debian packages), builds with ASan/UBSan and runs every test.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR     = $(PREFIX)/bin
MANDIR     = $(PREFIX)/share/man
DESTDIR   ?=

CC        ?= cc
CLANG     ?= clang
PKG_CONFIG ?= pkg-config
CFLAGS    ?= -O2 -g
LDFLAGS   ?=

PKGS       = libzstd libxxhash libcjson libpq mysqlclient libcrypto
WARN       = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wpointer-arith -Wwrite-strings \
             -Wformat=2 -Wvla
# recursive (=) so that pkg-config runs only when a rule needs it, after
# scripts/install-deps.sh has had its chance to install the -dev packages
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm -pthread
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -DFERRY_VERSION=\"$(VERSION)\" -Ilib $(PKG_CFLAGS)
SANITIZE   = -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

TOOLS      = cat extract load transform verify
LIB_SRC    = $(sort $(wildcard lib/*/*.c lib/*/*/*.c))
UNIT_SRC   = $(wildcard tests/unit/test-*.c)
FUZZ_SRC   = $(wildcard tests/fuzz/fuzz-*.c)

B          = build
BA         = build/asan

LIB_OBJ    = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
LIB_OBJ_A  = $(LIB_SRC:lib/%.c=$(BA)/lib/%.o)
FZ         = $(B)/fuzzlib
LIB_OBJ_F  = $(LIB_SRC:lib/%.c=$(FZ)/%.o)
LIB_A      = $(B)/libferry.a
LIB_A_A    = $(BA)/libferry.a
BINS       = $(TOOLS:%=$(B)/ferry-%)
BINS_A     = $(TOOLS:%=$(BA)/ferry-%)
UNITS_A    = $(UNIT_SRC:tests/unit/%.c=$(BA)/tests/%)
REPLAY_A   = $(FUZZ_SRC:tests/fuzz/fuzz-%.c=$(BA)/tests/replay-%)

# what each tool links: a tool takes from libferry.a only the objects it
# calls, and only the libraries those need (ferry-cat and
# ferry-transform no client library: tests/t0110-layers.sh checks)
LIBS_BASE  = libzstd libxxhash libcjson
LIBS_cat   = $(LIBS_BASE)
LIBS_transform = $(LIBS_BASE) libcrypto
LIBS_extract = $(PKGS)
LIBS_load  = $(PKGS)
LIBS_verify = $(PKGS)
tool_libs  = $(shell $(PKG_CONFIG) --libs $(LIBS_$(1))) -lm -pthread

# header dependencies, written by the compiler (-MMD -MP) next to each object
DEPFLAGS   = -MMD -MP

.PHONY: all check test deps deps-bench fuzz-smoke install uninstall clean demo bench bench-large fuzz lint-man \
        build-asan style layers longest
.SUFFIXES:
.SECONDARY:

all: $(BINS) $(B)/gen-chat

$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEPFLAGS) $(CPPFLAGS_ALL) $(CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $(LIB_OBJ)

$(B)/ferry-%: cmd/%/main.c $(LIB_A)
	$(CC) $(WARN) $(DEPFLAGS) -MF $(B)/ferry-$*.d $(CPPFLAGS_ALL) $(CFLAGS) $< $(LIB_A) -o $@ $(LDFLAGS) $(call tool_libs,$*)

# the chat data generator of scripts/load-chat.sh, with the same warnings
$(B)/gen-chat: scripts/gen-chat.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L $(CFLAGS) $< -o $@ $(LDFLAGS)

# the sanitizer build that `make check` tests; -Werror here
$(BA)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -Werror $(DEPFLAGS) $(CPPFLAGS_ALL) -O1 -g $(SANITIZE) -c $< -o $@

$(LIB_A_A): $(LIB_OBJ_A)
	rm -f $@ && $(AR) rcs $@ $(LIB_OBJ_A)

$(BA)/ferry-%: cmd/%/main.c $(LIB_A_A)
	$(CC) $(WARN) -Werror $(DEPFLAGS) -MF $(BA)/ferry-$*.d $(CPPFLAGS_ALL) -O1 -g $(SANITIZE) $< $(LIB_A_A) -o $@ $(call tool_libs,$*)

$(BA)/tests/test-%: tests/unit/test-%.c $(LIB_A_A) | $(BA)/tests
	$(CC) $(WARN) -Werror $(DEPFLAGS) $(CPPFLAGS_ALL) -Itests/unit -O1 -g $(SANITIZE) $< $(LIB_A_A) -o $@ $(PKG_LIBS)

# fuzz targets built as plain replay drivers (no libFuzzer needed)
$(BA)/tests/replay.o: tests/fuzz/replay.c | $(BA)/tests
	$(CC) $(WARN) -Werror $(DEPFLAGS) $(CPPFLAGS_ALL) -O1 -g $(SANITIZE) -c $< -o $@

$(BA)/tests/replay-%: tests/fuzz/fuzz-%.c $(BA)/tests/replay.o $(LIB_A_A) | $(BA)/tests
	$(CC) $(WARN) -Werror $(DEPFLAGS) $(CPPFLAGS_ALL) -O1 -g $(SANITIZE) $< $(BA)/tests/replay.o $(LIB_A_A) -o $@ $(PKG_LIBS)

$(BA)/tests $(B)/fuzz:
	mkdir -p $@

-include $(LIB_OBJ:.o=.d) $(LIB_OBJ_A:.o=.d) $(LIB_OBJ_F:.o=.d) \
	$(BINS:=.d) $(BINS_A:=.d) $(UNITS_A:=.d) $(REPLAY_A:=.d) $(BA)/tests/replay.d \
	$(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%.d)

# clang-format (.clang-format, the kernel style of STYLE.md) over every
# C file of ours; `make style` rewrites them in place
STYLE_SRC = $(shell find lib cmd tests/unit tests/fuzz tests/inject -name '*.[ch]') \
            scripts/gen-chat.c
style:
	clang-format -i $(STYLE_SRC)

# lib/README.md's include order, checked (tests/t0110-layers.sh runs it)
layers:
	sh scripts/check-layers.sh

# the ten longest functions of lib/ and cmd/
longest:
	sh scripts/longest-functions.sh 10

deps:
	sh scripts/install-deps.sh

deps-bench:
	sh scripts/install-deps.sh --bench

# the fault-injection shim is built without sanitizers: it is preloaded
$(BA)/tests/libinject.so: tests/inject/inject.c | $(BA)/tests
	$(CC) -std=c11 -Wall -Wextra -O1 -g -shared -fPIC $< -o $@ -ldl

build-asan: $(BINS_A) $(UNITS_A) $(REPLAY_A) $(BINS) $(BA)/tests/libinject.so

# the README's test command: install what is missing, build, test
check: deps
	$(MAKE) build-asan
	sh scripts/with-testdb.sh sh tests/run-all.sh
	$(MAKE) fuzz-smoke

# run the tests without the install step (for a machine that has it all)
test: build-asan
	sh scripts/with-testdb.sh sh tests/run-all.sh

# libFuzzer (clang) on every parser of untrusted input (tests/fuzz/),
# FUZZ_SECONDS each (default 600); FUZZ_TARGETS to choose.  New inputs go
# to build/fuzz/corpus-TARGET.  fuzz-smoke, part of make check: 20,000
# inputs each from the seeds, about 40 s in all.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= stream spec expr uri jsonl ddl pgbin valtext encoders sqlexpr \
                verifymerge options resume pgoutput binlog wkb sqlview checkpoint
FUZZ_BINS = $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz-%)
fuzz: deps
	$(MAKE) $(FUZZ_BINS)
	for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(B)/fuzz/corpus-$$t && \
	    $(B)/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -print_final_stats=1 $(B)/fuzz/corpus-$$t testdata/fuzz/$$t \
	    || exit 1; \
	done

# fuzz-smoke runs a fixed number of inputs from a fixed seed: the same
# inputs on every machine, so that make check passes or fails alike
# everywhere; finding new inputs is what make fuzz is for.
FUZZ_SMOKE_SECONDS ?= 30
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_SMOKE_SEED ?= 1
fuzz-smoke: $(FUZZ_BINS)
	for t in $(FUZZ_TARGETS); do \
	    rm -rf $(B)/fuzz/smoke-$$t && mkdir -p $(B)/fuzz/smoke-$$t && \
	    $(B)/fuzz/fuzz-$$t -seed=$(FUZZ_SMOKE_SEED) \
	        -runs=$(FUZZ_SMOKE_RUNS) \
	        -max_total_time=$(FUZZ_SMOKE_SECONDS) \
	        -max_len=65536 $(B)/fuzz/smoke-$$t testdata/fuzz/$$t \
	        >$(B)/fuzz/smoke-$$t.log 2>&1 \
	    || { tail -40 $(B)/fuzz/smoke-$$t.log; exit 1; }; \
	    echo "fuzz-smoke: $$t: $$(grep -o "Done [0-9]* runs" $(B)/fuzz/smoke-$$t.log)"; \
	done

# the library once, instrumented for libFuzzer, for every target
$(FZ)/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CLANG) $(WARN) $(DEPFLAGS) $(CPPFLAGS_ALL) -O1 -g \
	    -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize-recover=all -c $< -o $@

$(B)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_OBJ_F) | $(B)/fuzz
	$(CLANG) $(WARN) $(DEPFLAGS) $(CPPFLAGS_ALL) -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all $< $(LIB_OBJ_F) -o $@ $(PKG_LIBS)

demo: deps
	$(MAKE) all
	sh scripts/with-testdb.sh sh scripts/demo.sh

# SCALE messages (a small one for a smoke run); RESULTS: where the JSON
# of the run goes; BASELINE: an earlier RESULTS to print the change against
SCALE ?= 1000000
RESULTS ?= bench/results.json
BASELINE ?=
# the benchmark's servers: durable, as a real target is (fsync on), in a
# folder and on ports of their own, apart from the tests' servers
BENCH_DB = FERRY_TESTDB_DURABLE=1 FERRY_TESTDB_DIR=$${TMPDIR:-/tmp}/ferry-benchdb-$$(id -u) \
	FERRY_TEST_MYSQL_PORT=$$((33500 + $$(id -u) % 400)) FERRY_TEST_PG_PORT=$$((35500 + $$(id -u) % 400))
bench: deps-bench
	$(MAKE) all
	sh scripts/bench-stream.sh $(SCALE)
	$(BENCH_DB) sh scripts/with-testdb.sh sh -c 'sh scripts/bench-extract.sh $(SCALE) && sh scripts/bench-load.sh $(SCALE) && sh scripts/bench-verify.sh $(SCALE) && sh scripts/bench-transform.sh $(SCALE) && sh scripts/bench-migrate.sh $(SCALE) && sh scripts/bench-parallel.sh $(SCALE) && sh scripts/bench-engines.sh $(SCALE) && sh scripts/bench-sync.sh $(SCALE) && sh scripts/bench-follow.sh && sh scripts/bench-follow-mysql.sh'
	BASELINE='$(BASELINE)' sh scripts/bench-report.sh '$(RESULTS)'

# the whole-database comparison at ten million messages, run by hand
# (about two hours, one run of each path, most of it mydumper/myloader and
# mariadb-dump into MariaDB on durable settings; BENCH_RUNS=3 for medians)
LARGE ?= 10000000
bench-large: deps-bench
	$(MAKE) all
	$(BENCH_DB) BENCH_RUNS=$${BENCH_RUNS:-1} sh scripts/with-testdb.sh sh -c 'sh scripts/bench-migrate.sh $(LARGE) && sh scripts/bench-parallel.sh $(LARGE) && sh scripts/bench-engines.sh $(LARGE)'

lint-man:
	mandoc -Tlint -W warning man/man1/*.1 man/man5/*.5 man/man7/*.7

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	for t in $(TOOLS); do cp $(B)/ferry-$$t $(DESTDIR)$(BINDIR)/; done
	cp scripts/ferry-sync.sh $(DESTDIR)$(BINDIR)/ferry-sync
	chmod 755 $(DESTDIR)$(BINDIR)/ferry-sync
	mkdir -p $(DESTDIR)$(PREFIX)/share/ferry
	cp scripts/ferry-grafana-dashboard.json $(DESTDIR)$(PREFIX)/share/ferry/
	cp man/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	cp man/man5/*.5 $(DESTDIR)$(MANDIR)/man5/
	cp man/man7/*.7 $(DESTDIR)$(MANDIR)/man7/

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/ferry-$$t; done
	rm -f $(DESTDIR)$(BINDIR)/ferry-sync
	rm -rf $(DESTDIR)$(PREFIX)/share/ferry
	for f in man/man1/*.1 man/man5/*.5 man/man7/*.7; do \
	    rm -f $(DESTDIR)$(MANDIR)/$${f#man/}; done

clean:
	rm -rf $(B)
