# CloudPAM — build, run, test, bench.
#
# Sources are found by wildcard: a new app/<layer>/x.c joins the library,
# a new t/unit/x.c becomes a unit test, a new t/fuzz/x.c a fuzz target.
# The two user-facing commands are `make run` and `make test` (README.md).

CC      ?= cc
CLANG   ?= clang
PKGS    := json-c sqlite3 libpq libcrypto expat libcurl libargon2
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
DEFS    := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -DCLOUDPAM_VERSION='"$(VERSION)"' -DCLOUDPAM_REVISION='"$(GIT_REV)"'
OPT     ?= -O2 -g
HARDEN  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  := -std=c11 $(WARN) $(DEFS) $(OPT) -Iapp -Ibuild/gen $(PKG_CFLAGS)
LDLIBS  = -lfcgi $(PKG_LIBS) -lm

B       ?= build
BUILD_CFLAGS := $(CFLAGS) $(HARDEN) -MMD -MP
BUILD_LDFLAGS := -pie -Wl,-z,relro,-z,now

LIB_SRC := $(sort $(filter-out app/cmd/%,$(wildcard app/*/*.c)))
CMD_SRC := $(sort $(filter-out app/cmd/collector%,$(wildcard app/cmd/*.c)))
GEN_SRC := $(B)/gen/migrations.c
UNIT_SRC := $(sort $(wildcard t/unit/*.c))
FUZZ_SRC := $(sort $(wildcard t/fuzz/*.c))

GEN_OBJ := $(B)/gen/migrations.o $(B)/gen/openapi.o
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(GEN_OBJ)
CMD_OBJ := $(CMD_SRC:%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:t/unit/%.c=$(B)/t/unit/%.t)
FUZZ_BIN := $(FUZZ_SRC:t/fuzz/%.c=$(B)/fuzz/%)

# Keep intermediate objects (fuzz builds reuse them).
.SECONDARY:

.PHONY: all deps run stop test unit bench asan fuzz lint format clean \
        test-build migrate

COLLECTOR_SRC := $(sort $(wildcard app/cmd/collector*.c))
COLLECTOR_OBJ := $(COLLECTOR_SRC:%.c=$(B)/%.o)

all: $(B)/cloudpam $(B)/cloudpam-collector

$(B)/cloudpam-collector: $(COLLECTOR_OBJ) $(B)/libcloudpam.a
	$(CC) $(BUILD_LDFLAGS) -o $@ $(COLLECTOR_OBJ) $(B)/libcloudpam.a $(LDLIBS)

$(B)/cloudpam: $(CMD_OBJ) $(B)/libcloudpam.a
	$(CC) $(BUILD_LDFLAGS) -o $@ $(CMD_OBJ) $(B)/libcloudpam.a $(LDLIBS)

$(B)/libcloudpam.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BUILD_CFLAGS) -c -o $@ $<

# Migrations are compiled into the binary, so a binary always knows which
# schema versions it understands (and refuses a newer database).
# Both backends' sets go into one file: store_migrations_sqlite and
# store_migrations_postgres.
$(B)/gen/migrations.c: $(sort $(wildcard sql/sqlite/*.sql)) \
    $(sort $(wildcard sql/postgres/*.sql)) t/tools/embed-sql.sh
	@mkdir -p $(dir $@)
	{ sh t/tools/embed-sql.sh sqlite sql/sqlite/*.sql && \
	  sh t/tools/embed-sql.sh postgres sql/postgres/*.sql; } > $@.tmp && \
	    mv $@.tmp $@

$(B)/gen/openapi.c: docs/openapi.yaml t/tools/embed-text.sh
	@mkdir -p $(dir $@)
	sh t/tools/embed-text.sh cloudpam_openapi_yaml docs/openapi.yaml > $@.tmp && mv $@.tmp $@

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(BUILD_CFLAGS) -Wno-missing-variable-declarations -c -o $@ $<

$(B)/t/unit/%.t: t/unit/%.c t/unit/tap.h $(B)/libcloudpam.a
	@mkdir -p $(dir $@)
	$(CC) $(BUILD_CFLAGS) -It -o $@ $< $(B)/libcloudpam.a $(LDLIBS)

BENCH_BIN := $(patsubst t/bench/%.c,$(B)/bench/%,$(wildcard t/bench/*.c))
CLOUD_DRIVERS := $(patsubst t/cloud/%.c,$(B)/t/cloud/%,$(wildcard t/cloud/*_driver.c))

# Small programs the cloud tests run against the fake clouds.
$(B)/t/cloud/%: t/cloud/%.c $(B)/libcloudpam.a
	@mkdir -p $(dir $@)
	$(CC) $(BUILD_CFLAGS) -o $@ $< $(B)/libcloudpam.a $(LDLIBS)

$(B)/bench/%: t/bench/%.c $(B)/libcloudpam.a
	@mkdir -p $(dir $@)
	$(CC) $(BUILD_CFLAGS) -It -o $@ $< $(B)/libcloudpam.a $(LDLIBS)

test-build: $(B)/cloudpam $(B)/cloudpam-collector $(UNIT_BIN) $(FUZZ_BIN) \
    $(CLOUD_DRIVERS)

# --- fuzzing: libFuzzer with Debian's clang, sanitizers on -------------
FUZZ_CFLAGS := -std=c11 $(DEFS) -g -O1 -Iapp -Ibuild/gen $(PKG_CFLAGS) \
               -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ := $(LIB_SRC:%.c=$(B)/fuzzobj/%.o)
FUZZ_SECONDS ?= 60

$(B)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

FUZZ_GEN := $(B)/fuzzobj/gen/migrations.o $(B)/fuzzobj/gen/openapi.o

$(B)/fuzzobj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c -o $@ $<

$(B)/fuzz/%: t/fuzz/%.c $(FUZZ_OBJ) $(FUZZ_GEN)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) \
	    $(FUZZ_GEN) $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
	    n=$$(basename $$f); mkdir -p $(B)/corpus/$$n; \
	    echo "fuzz $$n for $(FUZZ_SECONDS) s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
	        -artifact_prefix=$(B)/ $(B)/corpus/$$n t/fuzz/corpus/$$n \
	        2>$(B)/fuzz-$$n.log || { tail -40 $(B)/fuzz-$$n.log; exit 1; }; \
	done

# --- sanitizers: the same sources, ASan + UBSan, unit and HTTP tests --
asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    BUILD_LDFLAGS="-fsanitize=address,undefined" HARDEN="-fPIE" test-build
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 CLOUDPAM_BUILD=build/asan \
	    PERL5LIB=t/lib prove -I t/lib --formatter TAP::Formatter::CloudPAM -j2 \
	    build/asan/t/unit/*.t t/api/*.t

# --- everyday commands ------------------------------------------------
deps:
	@sh t/tools/deps.sh

run: deps all
	@bash t/tools/run.sh

lint:
	@clang-format --dry-run --Werror $$(find app t/unit t/fuzz -name '*.[ch]')

format:
	clang-format -i $$(find app t/unit t/fuzz -name '*.[ch]')

NPROC := $(shell nproc 2>/dev/null || echo 2)

test: deps
	@$(MAKE) --no-print-directory -j$(NPROC) test-build
	@sh t/tools/test.sh

# The same server with the identity step compiled out (every request is
# an anonymous admin): only for `make bench`, to measure what
# authentication costs.  Never installed, never used by tests.
$(B)/bench/auth-noauth.o: app/api/auth.c
	@mkdir -p $(dir $@)
	$(CC) $(BUILD_CFLAGS) -DCLOUDPAM_BENCH_NO_AUTH -c -o $@ $<

$(B)/bench/cloudpam-noauth: $(CMD_OBJ) $(B)/bench/auth-noauth.o $(B)/libcloudpam.a
	$(CC) $(BUILD_LDFLAGS) -o $@ $(CMD_OBJ) $(B)/bench/auth-noauth.o \
	    $(B)/libcloudpam.a $(LDLIBS)

# And with audit writes compiled out, to measure what they cost.
$(B)/bench/audit-noaudit.o: app/ipam/audit.c
	@mkdir -p $(dir $@)
	$(CC) $(BUILD_CFLAGS) -DCLOUDPAM_BENCH_NO_AUDIT -c -o $@ $<

$(B)/bench/cloudpam-noaudit: $(CMD_OBJ) $(B)/bench/audit-noaudit.o $(B)/libcloudpam.a
	$(CC) $(BUILD_LDFLAGS) -o $@ $(CMD_OBJ) $(B)/bench/audit-noaudit.o \
	    $(B)/libcloudpam.a $(LDLIBS)

bench: deps all $(BENCH_BIN) $(B)/bench/cloudpam-noauth $(B)/bench/cloudpam-noaudit
	@perl t/bench/bench.pl
	@perl t/bench/ipam.pl
	@perl t/bench/auth.pl

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)
