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
LIB_SRC    = $(wildcard lib/*.c)
LIB_HDR    = $(wildcard lib/*.h)
UNIT_SRC   = $(wildcard tests/unit/test-*.c)
FUZZ_SRC   = $(wildcard tests/fuzz/fuzz-*.c)

B          = build
BA         = build/asan

LIB_OBJ    = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
LIB_OBJ_A  = $(LIB_SRC:lib/%.c=$(BA)/lib/%.o)
FZ         = $(B)/fuzzlib
LIB_OBJ_F  = $(LIB_SRC:lib/%.c=$(FZ)/%.o)
BINS       = $(TOOLS:%=$(B)/ferry-%)
BINS_A     = $(TOOLS:%=$(BA)/ferry-%)
UNITS_A    = $(UNIT_SRC:tests/unit/%.c=$(BA)/tests/%)
REPLAY_A   = $(FUZZ_SRC:tests/fuzz/fuzz-%.c=$(BA)/tests/replay-%)

.PHONY: all check test deps deps-bench fuzz-smoke install uninstall clean demo bench fuzz lint-man \
        build-asan
.SUFFIXES:
.SECONDARY:

all: $(BINS)

$(B)/lib/%.o: lib/%.c $(LIB_HDR) | $(B)/lib
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -c $< -o $@

$(B)/ferry-%: cmd/%/main.c $(LIB_OBJ) $(LIB_HDR)
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) $< $(LIB_OBJ) -o $@ $(LDFLAGS) $(PKG_LIBS)

# the sanitizer build that `make check` tests; -Werror here
$(BA)/lib/%.o: lib/%.c $(LIB_HDR) | $(BA)/lib
	$(CC) $(WARN) -Werror $(CPPFLAGS_ALL) -O1 -g $(SANITIZE) -c $< -o $@

$(BA)/ferry-%: cmd/%/main.c $(LIB_OBJ_A) $(LIB_HDR)
	$(CC) $(WARN) -Werror $(CPPFLAGS_ALL) -O1 -g $(SANITIZE) $< $(LIB_OBJ_A) -o $@ $(PKG_LIBS)

$(BA)/tests/test-%: tests/unit/test-%.c tests/unit/tap.h $(LIB_OBJ_A) | $(BA)/tests
	$(CC) $(WARN) -Werror $(CPPFLAGS_ALL) -Itests/unit -O1 -g $(SANITIZE) $< $(LIB_OBJ_A) -o $@ $(PKG_LIBS)

# fuzz targets built as plain replay drivers (no libFuzzer needed)
$(BA)/tests/replay-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c tests/fuzz/fixture.h $(LIB_OBJ_A) | $(BA)/tests
	$(CC) $(WARN) -Werror $(CPPFLAGS_ALL) -O1 -g $(SANITIZE) $< tests/fuzz/replay.c $(LIB_OBJ_A) -o $@ $(PKG_LIBS)

$(B)/lib $(BA)/lib $(BA)/tests $(B)/fuzz $(FZ):
	mkdir -p $@

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

# libFuzzer (clang) on the stream reader, the transform spec, the
# expression language, the URI parser, the JSON-lines reader and the
# DDL of load --create (both engines), FUZZ_SECONDS each (default 600); FUZZ_TARGETS to choose.  New inputs go
# to build/fuzz/corpus-TARGET.  fuzz-smoke, part of make check: a few
# seconds each, on the seeds.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= stream spec expr uri jsonl ddl pgbin valtext encoders \
                verifymerge options resume
FUZZ_BINS = $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz-%)
fuzz: deps
	$(MAKE) $(FUZZ_BINS)
	for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(B)/fuzz/corpus-$$t && \
	    $(B)/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -print_final_stats=1 $(B)/fuzz/corpus-$$t testdata/fuzz/$$t \
	    || exit 1; \
	done

FUZZ_SMOKE_SECONDS ?= 5
fuzz-smoke: $(FUZZ_BINS)
	for t in $(FUZZ_TARGETS); do \
	    rm -rf $(B)/fuzz/smoke-$$t && mkdir -p $(B)/fuzz/smoke-$$t && \
	    $(B)/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SMOKE_SECONDS) \
	        -max_len=65536 $(B)/fuzz/smoke-$$t testdata/fuzz/$$t \
	        >$(B)/fuzz/smoke-$$t.log 2>&1 \
	    || { tail -40 $(B)/fuzz/smoke-$$t.log; exit 1; }; \
	    echo "fuzz-smoke: $$t: $$(grep -o "Done [0-9]* runs" $(B)/fuzz/smoke-$$t.log)"; \
	done

# the library once, instrumented for libFuzzer, for every target
$(FZ)/%.o: lib/%.c $(LIB_HDR) | $(FZ)
	$(CLANG) $(WARN) $(CPPFLAGS_ALL) -O1 -g \
	    -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize-recover=all -c $< -o $@

$(B)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fixture.h $(LIB_OBJ_F) | $(B)/fuzz
	$(CLANG) $(WARN) $(CPPFLAGS_ALL) -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all $< $(LIB_OBJ_F) -o $@ $(PKG_LIBS)

demo: deps
	$(MAKE) all
	sh scripts/with-testdb.sh sh scripts/demo.sh

# SCALE messages (a small one for a smoke run); RESULTS: where the JSON
# of the run goes; BASELINE: an earlier RESULTS to print the change against
SCALE ?= 1000000
RESULTS ?= bench/results.json
BASELINE ?=
bench: deps-bench
	$(MAKE) all
	sh scripts/bench-stream.sh $(SCALE)
	sh scripts/with-testdb.sh sh -c 'sh scripts/bench-extract.sh $(SCALE) && sh scripts/bench-load.sh $(SCALE) && sh scripts/bench-verify.sh $(SCALE) && sh scripts/bench-transform.sh $(SCALE) && sh scripts/bench-migrate.sh $(SCALE) && sh scripts/bench-sync.sh $(SCALE)'
	BASELINE='$(BASELINE)' sh scripts/bench-report.sh '$(RESULTS)'

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
