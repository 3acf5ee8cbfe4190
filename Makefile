# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds libmultipath, its checker plugins, the test suite's plugins and
# tests. Everything is built under $(O) (the tree itself by default); the
# sanitizer targets use their own O= so their objects never mix.
#
#   make                  library, plugins, multipathd, man pages, systemd
#                         units, test helpers (the target all)
#   make test             the whole test suite (tests/run-tests.sh)
#   make test-asan        the suite built with ASan + UBSan
#   make test-tsan        the suite built with TSan
#   make test-kernel      the real-kernel tier: multipathd, its checkers and
#                         dm-multipath on scsi_debug paths in a QEMU guest
#   make valgrind         the suite under valgrind
#   make soak             multipathd (ASan) under churn, SOAK_SECONDS (600)
#   make bench            benchmarks; writes bench/REPORT.md
#   make fuzz             libFuzzer targets (tests/fuzz), FUZZ_SECONDS each
#   make demo, make run   multipathd on loop devices with injected faults
#   make run, make demo   the demo: multipathd and injected faults (root)
#   make install          PREFIX, DESTDIR, libdir, includedir, plugindir,
#                         sbindir, mandir, unitdir
#   make uninstall        removes what make install installed
#   make clean

PREFIX       ?= /usr/local
libdir       ?= $(PREFIX)/lib
includedir   ?= $(PREFIX)/include
plugindir    ?= $(libdir)/multipath
pkgconfigdir ?= $(libdir)/pkgconfig
sbindir      ?= $(PREFIX)/sbin
mandir       ?= $(PREFIX)/share/man

O        ?= .
SANITIZE ?=
# Not 0: upstream multipath-tools' libmultipath.so.0 is another library with
# another ABI, and a distribution ships it; with the same SONAME, whichever
# the loader finds first would break the other's programs (README,
# "Next to the distribution's multipath-tools"; tests/t-install.sh).
MAJOR    := 1
VERSION  := 0.1.0

CC     ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

# `make` alone builds what `all` says, whatever rule comes first below.
.DEFAULT_GOAL := all

# systemd's unit directory for this PREFIX. For PREFIX=/usr, the one
# systemd.pc names (/lib/systemd/system on Debian 12). For another prefix,
# that same path under the prefix (/usr/local/lib/systemd/system, which
# systemd searches before the distribution's directory): never the
# directory of the distribution's own units, whose multipathd.service a
# `make install` to /usr/local must not overwrite.
ifeq ($(PREFIX),/usr)
SYSTEMD_PC_DEFS :=
else
SYSTEMD_PC_DEFS := --define-variable=prefix=$(PREFIX) \
		   --define-variable=root_prefix=$(PREFIX) \
		   --define-variable=rootprefix=$(PREFIX)
endif
ifeq ($(origin unitdir),undefined)
unitdir := $(or $(shell $(PKG_CONFIG) $(SYSTEMD_PC_DEFS) \
		--variable=systemdsystemunitdir systemd 2>/dev/null),$(PREFIX)/lib/systemd/system)
endif

URCU_CFLAGS := $(shell $(PKG_CONFIG) --cflags liburcu-memb)
URCU_LIBS   := $(shell $(PKG_CONFIG) --libs liburcu-memb)
FUSE_CFLAGS := $(shell $(PKG_CONFIG) --cflags fuse3)
FUSE_LIBS   := $(shell $(PKG_CONFIG) --libs fuse3)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)
UDEV_LIBS   := $(shell $(PKG_CONFIG) --libs libudev)
DM_LIBS     := $(shell $(PKG_CONFIG) --libs devmapper)
SYSTEMD_LIBS := $(shell $(PKG_CONFIG) --libs libsystemd)

ifeq ($(SANITIZE),address)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer
else ifeq ($(SANITIZE),thread)
SAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
else ifneq ($(SANITIZE),)
$(error SANITIZE must be address, thread or empty)
endif

WARN_FLAGS := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	      -Wmissing-prototypes -Wno-unused-parameter
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE -fPIC -pthread $(WARN_FLAGS) \
	      $(CFLAGS) $(SAN_FLAGS) $(URCU_CFLAGS) \
	      -DDEFAULT_PLUGIN_DIR='"$(plugindir)"' -Ilibmultipath
SO_LDFLAGS := -shared -pthread -Wl,-z,defs -Wl,-z,relro -Wl,-z,now \
	      $(SAN_FLAGS) $(LDFLAGS)

# --- the library -------------------------------------------------------------

LIB_SRCS    := $(wildcard libmultipath/*.c)
LIB_OBJS    := $(LIB_SRCS:%.c=$(O)/%.o)
LIB_SO      := $(O)/libmultipath/libmultipath.so.$(MAJOR)
LIB_DEVLINK := $(O)/libmultipath/libmultipath.so
LIB_HEADERS := libmultipath/checkers.h libmultipath/libmultipath.h libmultipath/mpath_scsi.h \
	       libmultipath/mpath_time.h

# Plugins link against the library with -z defs: an undefined symbol fails
# the link instead of a dlopen() on a production host.
PLUGIN_LDFLAGS = $(SO_LDFLAGS) -L$(O)/libmultipath -lmultipath

CHECKER_SRCS := $(wildcard libmultipath/checkers/*.c)
CHECKERS     := $(patsubst libmultipath/checkers/%.c,$(O)/libmultipath/checkers/libcheck%.so,$(CHECKER_SRCS))

# --- multipathd ------------------------------------------------------------------

MPATHD_SRCS := $(wildcard multipathd/*.c)
MPATHD_OBJS := $(MPATHD_SRCS:%.c=$(O)/%.o)
MPATHD      := $(O)/multipathd/multipathd
# Built once every module exists (the daemon is being written module by module).
MPATHD_MODULES := main daemon paths checkloop commands config blacklist cli dm discovery
MPATHD_BIN  := $(if $(filter $(words $(MPATHD_MODULES)),$(words $(wildcard $(MPATHD_MODULES:%=multipathd/%.c)))),$(MPATHD))

$(O)/multipathd/%.o: multipathd/%.c $(wildcard multipathd/*.h) $(LIB_HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Imultipathd -c -o $@ $<

# Relative rpath: the build tree's library when run from the tree; installed,
# it points nowhere and the system's library paths apply.
$(MPATHD): $(MPATHD_OBJS) $(LIB_DEVLINK)
	$(CC) -pthread -Wl,-z,defs -Wl,-z,relro -Wl,-z,now -o $@ $(MPATHD_OBJS) \
		-L$(O)/libmultipath -lmultipath -Wl,-rpath,'$$ORIGIN/../libmultipath' \
		$(UDEV_LIBS) $(DM_LIBS) $(SYSTEMD_LIBS) $(SAN_FLAGS) $(LDFLAGS)

# The installed multipathd: the same objects, linked with a RUNPATH of
# $(libdir) instead of the build tree's, so that it finds its own library
# under any prefix, before the loader's cache (which may hold another
# libmultipath) and without ldconfig. Relinked when libdir changes.
MPATHD_INST   := $(O)/multipathd/multipathd.install
LIBDIR_STAMP  := $(O)/multipathd/.libdir
$(LIBDIR_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(libdir)' | cmp -s - $@ || echo '$(libdir)' > $@

$(MPATHD_INST): $(MPATHD_OBJS) $(LIB_DEVLINK) $(LIBDIR_STAMP)
	$(CC) -pthread -Wl,-z,defs -Wl,-z,relro -Wl,-z,now -o $@ $(MPATHD_OBJS) \
		-L$(O)/libmultipath -lmultipath -Wl,-rpath,'$(libdir)' \
		$(UDEV_LIBS) $(DM_LIBS) $(SYSTEMD_LIBS) $(SAN_FLAGS) $(LDFLAGS)

# --- man pages and systemd units ------------------------------------------------
#
# Made from man/*.in and systemd/*.in with the configured paths filled in;
# tests/t-man.sh lints the pages, tests/t-systemd.sh checks the units.
MAN_PAGES := $(patsubst man/%.in,$(O)/man/%,$(wildcard man/*.in))
UNITS     := $(patsubst systemd/%.in,$(O)/systemd/%,$(wildcard systemd/*.in))
PATHS_STAMP := $(O)/man/.paths
$(PATHS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(sbindir) $(plugindir) $(libdir)' | cmp -s - $@ || \
		echo '$(sbindir) $(plugindir) $(libdir)' > $@

subst_paths = sed -e 's|@sbindir@|$(sbindir)|g; s|@plugindir@|$(plugindir)|g' \
		  -e 's|@libdir@|$(libdir)|g; s|@VERSION@|$(VERSION)|g' \
		  -e 's|@MAJOR@|$(MAJOR)|g'

$(O)/man/%: man/%.in $(PATHS_STAMP)
	@mkdir -p $(@D)
	$(subst_paths) $< > $@

$(O)/systemd/%: systemd/%.in $(PATHS_STAMP)
	@mkdir -p $(@D)
	$(subst_paths) $< > $@

# --- tests --------------------------------------------------------------------

TEST_PLUGIN_SRCS := $(wildcard tests/plugins/*.c)
TEST_PLUGINS     := $(patsubst tests/plugins/%.c,$(O)/tests/plugins/libcheck%.so,$(TEST_PLUGIN_SRCS))
TEST_SRCS        := $(wildcard tests/test-*.c)
TEST_BINS        := $(TEST_SRCS:%.c=$(O)/%)
# The hostile-clients test drives the benchmark daemon (synthetic paths).
TEST_TOOLS       := $(O)/tests/load-plugin $(O)/tests/faultfs $(O)/tests/hostile-client \
		    $(O)/bench/multipathd-bench

# A test that defines __wrap_NAME gets -Wl,--wrap=NAME, and is linked with
# the library's objects, because --wrap only replaces references between
# object files. It is also linked with --export-dynamic, so that a real
# plugin it loads binds to these objects rather than to libmultipath.so.
# The __wrap_ functions may also live in a local header the test includes.
local_headers = $(wildcard $(addprefix tests/,$(shell sed -n 's/^\#include "\(.*\)"/\1/p' $(1))))
wrap_flags = $(sort $(patsubst __wrap_%,-Wl$(comma)--wrap=%,$(shell grep -ho '__wrap_[A-Za-z0-9_]\+' $(1) $(call local_headers,$(1)))))
comma := ,
test_link = $(if $(call wrap_flags,$(1)),\
	$(LIB_OBJS) $(call wrap_flags,$(1)) -Wl$(comma)--export-dynamic $(URCU_LIBS),\
	-L$(O)/libmultipath -lmultipath -Wl$(comma)-rpath$(comma)$(abspath $(O))/libmultipath)

# FORCE is a prerequisite only, to re-check the stamp on every run.
.PHONY: FORCE all lib checkers test-helpers test test-asan test-tsan valgrind bench run demo soak \
	install uninstall clean test-kernel
.DELETE_ON_ERROR:

all: lib checkers $(MPATHD_BIN) test-helpers $(MAN_PAGES) $(UNITS)

lib: $(LIB_SO) $(LIB_DEVLINK)
checkers: $(CHECKERS)
test-helpers: $(TEST_PLUGINS) $(TEST_BINS) $(TEST_TOOLS)

# The plugin directory is compiled in: rebuild when it changes.
PLUGINDIR_STAMP := $(O)/libmultipath/.plugindir
$(PLUGINDIR_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(plugindir)' | cmp -s - $@ || echo '$(plugindir)' > $@
FORCE:

$(O)/libmultipath/%.o: libmultipath/%.c $(wildcard libmultipath/*.h) Makefile $(PLUGINDIR_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_SO): $(LIB_OBJS) libmultipath.version
	$(CC) $(SO_LDFLAGS) -Wl,-soname,libmultipath.so.$(MAJOR) \
		-Wl,--version-script=libmultipath.version \
		-o $@ $(LIB_OBJS) $(URCU_LIBS) -ldl

$(LIB_DEVLINK): $(LIB_SO)
	ln -sf $(notdir $<) $@

# Libraries a checker needs beyond libmultipath: LIBS_<name>.
LIBS_directio := -laio

$(O)/libmultipath/checkers/libcheck%.so: libmultipath/checkers/%.c $(LIB_HEADERS) $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(PLUGIN_LDFLAGS) $(LIBS_$*)

# Test plugins also load into test binaries that carry the library's objects
# instead of linking libmultipath.so, so they say where to find it. Libraries
# a test plugin needs beyond libmultipath: LIBS_plugin-<name>.
$(O)/tests/plugins/libcheck%.so: tests/plugins/%.c $(LIB_HEADERS) $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS_plugin-$*) $(PLUGIN_LDFLAGS) \
		-Wl,-rpath,$(abspath $(O))/libmultipath

# The origin plugin finds its helper library beside it, through a RUNPATH
# of $ORIGIN, the way vendors ship helpers (tests/test-plugin-files.c).
# $ORIGIN comes first in the RUNPATH: at its end, ld.so's word-wise strncmp
# reads past the string while expanding it, which valgrind reports.
TEST_PLUGIN_HELPER := $(O)/tests/plugins/libmpathtesthelper.so
TEST_PLUGINS += $(TEST_PLUGIN_HELPER)
LIBS_plugin-origin := -L$(O)/tests/plugins -lmpathtesthelper -Wl,-rpath,'$$ORIGIN'
$(O)/tests/plugins/libcheckorigin.so: $(TEST_PLUGIN_HELPER)

$(TEST_PLUGIN_HELPER): tests/plugins/helper/mpathtesthelper.c $(LIB_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(SO_LDFLAGS) -Wl,-soname,$(@F)

# A checker's unit test #includes the checker's source, so that its calls
# into the library (ioctl in the SG_IO helper, libaio) can be wrapped; it
# links what the checker links (LIBS_<name>, via LIBS_test-<name>).
LIBS_test-directio := $(LIBS_directio)
# multipathd's modules are tested the same way: the test includes the source.
LIBS_test-dm        := $(DM_LIBS)
LIBS_test-discovery := $(UDEV_LIBS)

$(O)/tests/test-%: tests/test-%.c $(wildcard tests/*.h) $(CHECKER_SRCS) $(MPATHD_SRCS) $(wildcard multipathd/*.h) $(LIB_OBJS) $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(call test_link,$<) \
		$(LIBS_test-$*) $(CMOCKA_LIBS) -ldl $(SAN_FLAGS) $(LDFLAGS)

$(O)/tests/load-plugin: tests/load-plugin.c $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(O)/libmultipath -lmultipath \
		-Wl,-rpath,$(abspath $(O))/libmultipath $(SAN_FLAGS) $(LDFLAGS)

# Misbehaving CLI clients for tests/t-hostile-clients.sh.
$(O)/tests/hostile-client: tests/hostile-client.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(SAN_FLAGS) $(LDFLAGS)

# The FUSE file system that gives test-faults real I/O errors and hangs.
$(O)/tests/faultfs: tests/faultfs.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(FUSE_CFLAGS) -o $@ $< $(FUSE_LIBS) $(SAN_FLAGS) $(LDFLAGS)

$(O)/examples/plugin-example/libcheckexample.so: examples/plugin-example/example.c $(LIB_HEADERS) $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(PLUGIN_LDFLAGS)

# --- benchmarks (not tests: they measure and report) --------------------------------

# Each benchmark plugin is built twice: its check returns at once, or blocks 1 ms.
BENCH_PLUGINS := $(foreach k,exec thread,$(O)/bench/plugins/libcheckb$(k)0.so \
		   $(O)/bench/plugins/libcheckb$(k)1ms.so)
BENCH_PLUGINS += $(O)/bench/plugins/libcheckbhang.so
BENCH_BINS    := $(O)/bench/bench-async $(O)/bench/bench-dispatch \
		 $(O)/bench/bench-daemon $(O)/bench/multipathd-bench \
		 $(O)/bench/bench-directio

$(O)/bench/plugins/libcheckb%0.so: bench/plugins/bench-%.c $(LIB_HEADERS) $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DBLOCK_US=0 -o $@ $< $(PLUGIN_LDFLAGS)

$(O)/bench/plugins/libcheckb%1ms.so: bench/plugins/bench-%.c $(LIB_HEADERS) $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DBLOCK_US=1000 -o $@ $< $(PLUGIN_LDFLAGS)

$(O)/bench/plugins/libcheckbhang.so: bench/plugins/bench-hang.c $(LIB_HEADERS) $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(PLUGIN_LDFLAGS)

# multipathd with synthetic paths (bench/synthetic-paths.c) for the daemon
# benchmarks: the same objects plus that file, which multipathd itself
# never contains, entered through the daemon's call to notify_ready() when
# it is set up (--wrap). Never installed.
$(O)/bench/synthetic-paths.o: bench/synthetic-paths.c $(wildcard multipathd/*.h) $(LIB_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Imultipathd -c -o $@ $<

$(O)/bench/multipathd-bench: $(MPATHD_OBJS) $(O)/bench/synthetic-paths.o $(LIB_DEVLINK)
	$(CC) -pthread -Wl,-z,defs -Wl,-z,relro -Wl,-z,now -Wl,--wrap=notify_ready \
		-o $@ $(MPATHD_OBJS) \
		$(O)/bench/synthetic-paths.o -L$(O)/libmultipath -lmultipath \
		-Wl,-rpath,'$$ORIGIN/../libmultipath' $(UDEV_LIBS) $(DM_LIBS) $(SYSTEMD_LIBS) \
		$(SAN_FLAGS) $(LDFLAGS)

# The driver of the daemon benchmarks talks to it with the CLI's own code.
$(O)/bench/bench-daemon: bench/bench-daemon.c bench/bench-util.h $(O)/multipathd/cli.o $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Imultipathd -o $@ $< $(O)/multipathd/cli.o \
		-L$(O)/libmultipath -lmultipath \
		-Wl,-rpath,$(abspath $(O))/libmultipath $(SAN_FLAGS) $(LDFLAGS)

$(O)/bench/%: bench/%.c bench/bench-util.h $(LIB_HEADERS) $(LIB_DEVLINK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(O)/libmultipath -lmultipath \
		-Wl,-rpath,$(abspath $(O))/libmultipath $(SAN_FLAGS) $(LDFLAGS)

# bench-directio attaches loop devices with the tests' helper.
$(O)/bench/bench-directio: tests/loop-util.h

# The daemon figures also need multipathd, the checkers and tests/faultfs.
bench: all $(BENCH_PLUGINS) $(BENCH_BINS)
	O=$(O) bench/run-bench.sh

# --- fuzzing (clang libFuzzer) -------------------------------------------------------

# Each tests/fuzz/fuzz-NAME.c #includes the multipathd sources it fuzzes and
# is linked with the library's objects, built here with clang and the same
# sanitizers, into build/fuzz (never mixed with gcc's objects). An archive,
# so that a target pulls in only the objects it uses (mpath_log() and its
# handler, for most). `make fuzz` runs every target for FUZZ_SECONDS from a
# copy of its seeds tests/fuzz/corpus-NAME/ and fails on any crash, leak,
# sanitizer report or slow input (tests/fuzz/run-fuzz.sh). Extra libraries
# for a target: LIBS_fuzz-NAME.
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 30
FUZZ_O        := build/fuzz
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all \
		 -fno-omit-frame-pointer
FUZZ_CFLAGS    = $(filter-out $(SAN_FLAGS),$(ALL_CFLAGS)) $(FUZZ_SAN)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_O)/%.o)
FUZZ_LIB      := $(FUZZ_O)/libmultipath.a
FUZZ_SRCS     := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BINS     := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_O)/%)

$(FUZZ_O)/libmultipath/%.o: libmultipath/%.c $(wildcard libmultipath/*.h) Makefile $(PLUGINDIR_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_O)/fuzz-%: tests/fuzz/fuzz-%.c $(MPATHD_SRCS) $(wildcard multipathd/*.h) $(wildcard tests/*.h) $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Imultipathd -Itests -o $@ $< \
		$(FUZZ_LIB) $(URCU_LIBS) -ldl $(LIBS_fuzz-$*) $(LDFLAGS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run-fuzz.sh $(FUZZ_BINS)

# --- running the suite ----------------------------------------------------------

# The README's two commands. Both install missing build dependencies first
# (scripts/install-deps.sh does nothing when all are there), then build in a
# fresh make, whose $(shell pkg-config ...) sees what was just installed.
test:
	scripts/install-deps.sh
	$(MAKE) all
	O=$(O) tests/run-tests.sh

# The main job: the demo, multipathd monitoring loop devices over
# tests/faultfs while an EIO and a hang are injected and released
# (scripts/demo.sh; as root, else multipathd briefly on its defaults).
run: demo

demo:
	scripts/install-deps.sh
	$(MAKE) all
	O=$(O) scripts/demo.sh

test-asan:
	$(MAKE) O=build/asan SANITIZE=address test

# Not a test of make test: multipathd (ASan + UBSan) under device churn and
# fault flips for SOAK_SECONDS, failing on growth, sanitizer reports or a
# wrong path list (tests/soak.sh).
SOAK_SECONDS ?= 600
soak:
	scripts/install-deps.sh
	$(MAKE) O=build/asan SANITIZE=address all
	O=build/asan SOAK_SECONDS=$(SOAK_SECONDS) tests/soak.sh

test-tsan:
	$(MAKE) O=build/tsan SANITIZE=thread test

valgrind: all
	O=$(O) VALGRIND=1 tests/run-tests.sh

# --- installation -----------------------------------------------------------------

# Everything make install puts in place, for make uninstall to remove: the
# files, then the directories it may have made below the prefix's own
# (only if empty, so that nobody's file goes with them).
INST_LIB     := $(DESTDIR)$(libdir)/libmultipath.so.$(MAJOR) $(DESTDIR)$(libdir)/libmultipath.so
INST_FILES    = $(INST_LIB) $(DESTDIR)$(pkgconfigdir)/libmultipath.pc \
		$(addprefix $(DESTDIR)$(plugindir)/,$(notdir $(CHECKERS))) \
		$(addprefix $(DESTDIR)$(includedir)/libmultipath/,$(notdir $(LIB_HEADERS))) \
		$(DESTDIR)$(sbindir)/multipathd \
		$(foreach m,$(notdir $(MAN_PAGES)),$(DESTDIR)$(mandir)/man$(subst .,,$(suffix $(m)))/$(m)) \
		$(addprefix $(DESTDIR)$(unitdir)/,$(notdir $(UNITS)))
INST_MANDIRS  = $(sort $(foreach m,$(MAN_PAGES),$(DESTDIR)$(mandir)/man$(subst .,,$(suffix $(m)))))
INST_DIRS     = $(DESTDIR)$(plugindir) $(DESTDIR)$(includedir)/libmultipath \
		$(DESTDIR)$(unitdir) $(DESTDIR)$(patsubst %/,%,$(dir $(unitdir))) \
		$(DESTDIR)$(pkgconfigdir) $(INST_MANDIRS)

# ldconfig only for a real install by root: it updates the loader's cache
# (for other programs linking the daemon API; multipathd has its RUNPATH),
# and again on uninstall, so that no stale entry is left behind.
run_ldconfig = if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && \
		  command -v ldconfig >/dev/null; then ldconfig; fi

install: lib checkers $(MPATHD_INST) $(MAN_PAGES) $(UNITS)
	install -d $(DESTDIR)$(libdir) $(DESTDIR)$(plugindir) \
		$(DESTDIR)$(includedir)/libmultipath $(DESTDIR)$(pkgconfigdir) \
		$(DESTDIR)$(sbindir) $(DESTDIR)$(unitdir) $(INST_MANDIRS)
	install -m 0755 $(LIB_SO) $(DESTDIR)$(libdir)/
	ln -sf libmultipath.so.$(MAJOR) $(DESTDIR)$(libdir)/libmultipath.so
	$(if $(CHECKERS),install -m 0755 $(CHECKERS) $(DESTDIR)$(plugindir)/)
	install -m 0644 $(LIB_HEADERS) $(DESTDIR)$(includedir)/libmultipath/
	sed -e 's|@libdir@|$(libdir)|; s|@includedir@|$(includedir)|' \
	    -e 's|@plugindir@|$(plugindir)|; s|@VERSION@|$(VERSION)|' \
		libmultipath.pc.in > $(DESTDIR)$(pkgconfigdir)/libmultipath.pc
	install -m 0755 $(MPATHD_INST) $(DESTDIR)$(sbindir)/multipathd
	$(foreach m,$(MAN_PAGES),install -m 0644 $(m) \
		$(DESTDIR)$(mandir)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)) &&) true
	$(if $(UNITS),install -m 0644 $(UNITS) $(DESTDIR)$(unitdir)/)
	@$(run_ldconfig)

uninstall:
	rm -f $(INST_FILES)
	for d in $(INST_DIRS); do rmdir "$$d" 2>/dev/null || true; done
	@$(run_ldconfig)

clean:
	rm -f $(LIB_OBJS) $(O)/libmultipath/libmultipath.so.* $(LIB_DEVLINK) $(CHECKERS) $(PLUGINDIR_STAMP) \
	      $(MPATHD_OBJS) $(MPATHD) $(MPATHD_INST) $(LIBDIR_STAMP) \
	      $(MAN_PAGES) $(UNITS) $(PATHS_STAMP) \
	      $(O)/examples/plugin-example/libcheckexample.so \
	      $(TEST_PLUGINS) $(TEST_BINS) $(TEST_TOOLS) \
	      $(BENCH_PLUGINS) $(BENCH_BINS) $(O)/bench/synthetic-paths.o
	rm -rf build

# --- the real-kernel tier --------------------------------------------------------------
#
# multipathd, the checker plugins and tests/load-plugin from $(O) against a
# real SCSI layer and device-mapper: Debian's kernel (downloaded once into
# /var/cache/libmultipath-kernel-tier, or MPATH_KERNEL_CACHE) booted under
# QEMU with an initramfs built from the tree, scsi_debug paths under a
# dm-multipath map (tests/kernel/run-guest.sh). Needs qemu-system-x86,
# busybox-static, sg3-utils, cpio, kmod and dmsetup (scripts/install-deps.sh),
# and root for the default cache. About a minute under TCG. Exit status 77
# is a skip, with the reason printed (no QEMU, no kernel to be had, QEMU
# unable to start a guest here): not a failure here. Under CI=true only the
# last is a skip; a missing QEMU or kernel fails the run.
test-kernel: all
	O=$(O) tests/kernel/run-guest.sh || [ $$? -eq 77 ]
