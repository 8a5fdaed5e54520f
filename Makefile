# SPDX-License-Identifier: GPL-2.0
#
# op25b: make            build the module and op25bctl
#        make demo       boot a VM gateway and show op25b at work
#        make check      unit tests on the host, then the VM suite
#        make lint       checkpatch, sparse, W=1, gcc and clang -Werror
#        make check-debug  the VM suite under a debug kernel (KASAN, lockdep...)
#        make install    the module and the tools (see "Installing" below)
#
# KDIR: the kernel build dir; default the running kernel's if it has one,
# else the newest installed one (the Debian cloud kernel the VM boots).

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)

.PHONY: all bench module userspace fuzz unit vm check check-debug demo deps \
	lint lint-run clean \
	install install-module install-tools install-dkms-src \
	uninstall uninstall-module uninstall-tools uninstall-dkms-src

all: module userspace fuzz

bench: deps
	$(MAKE) all
	tests/bench/run.sh

module:
	@test -n "$(KDIR)" || { echo "no kernel build dir: install linux-headers-cloud-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

# the VM suite's netlink fuzzer (tests/vm/tests/62-, 63-)
fuzz:
	$(MAKE) -C tests/fuzz

deps:
	scripts/deps.sh

unit: userspace
	$(MAKE) -C tests/unit run

vm: all
	tests/vm/run.sh

check: deps
	$(MAKE) all
	tests/run.sh

demo: deps
	$(MAKE) all
	tests/vm/run.sh --demo

# make lint: checkpatch.pl --strict, W=1 and sparse on the module, gcc and
# clang -Werror on userspace (scripts/lint.sh); about a minute.
# (a sub-make, so that KDIR is looked for after deps.sh installed headers)
lint:
	scripts/deps.sh lint
	$(MAKE) lint-run

lint-run:
	KDIR=$(KDIR) scripts/lint.sh

# make check-debug: the VM suite under a debug kernel (KASAN, lockdep,
# PROVE_RCU, kmemleak, UBSAN, ...) built from linux-source-6.1 and cached
# (tests/debug/run.sh); the first build takes 15-25 minutes.
check-debug:
	scripts/deps.sh debug
	$(MAKE) userspace fuzz
	tests/debug/run.sh

# ---- Installing ------------------------------------------------------------
#
#   make install            the module (for KDIR's kernel) and the tools
#   make install-tools      op25bctl, its man page and bash completion, the
#                           systemd unit and /etc/op25b.conf (only if absent:
#                           an admin's file is never overwritten); no module
#                           (the nft backend, DKMS, packaging)
#   make install-module     op25b.ko into /lib/modules/KREL/extra, depmod
#   make install-dkms-src   the module's source for DKMS, in
#                           /usr/src/op25b-VERSION (then dkms add/build/install)
#   make uninstall          the module and the tools again; /etc/op25b.conf
#                           only if unchanged (uninstall-tools, -module,
#                           -dkms-src: each part)
#
# DESTDIR (a staging root), PREFIX (default /usr/local) and the directories
# below may be set on the command line. The version is OP25B_VERSION in
# kmod/op25b.h; dkms.conf and debian/changelog must agree (tests/pkg checks).

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
DKMSSRCDIR ?= /usr/src
MODPROBE ?= /sbin/modprobe
DEPMOD ?= /sbin/depmod
INSTALL ?= install
PKG_VERSION := $(shell sed -n 's/^\#define OP25B_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/op25b.h)
# The release KDIR is for (Debian's kernel.release there says otherwise)
KREL = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
CONF := $(SYSCONFDIR)/op25b.conf
DKMS_FILES := dkms.conf Kbuild $(wildcard kmod/*.[ch]) include/uapi/linux/op25b.h

install: install-module install-tools

install-tools: userspace
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)
	$(INSTALL) -m 755 userspace/op25bctl $(DESTDIR)$(SBINDIR)/op25bctl
	$(INSTALL) -m 644 docs/op25bctl.8 $(DESTDIR)$(MANDIR)/man8/op25bctl.8
	$(INSTALL) -m 644 completion/op25bctl $(DESTDIR)$(BASHCOMPDIR)/op25bctl
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@CONF@|$(CONF)|g' \
		-e 's|@MODPROBE@|$(MODPROBE)|g' systemd/op25b.service.in \
		>$(DESTDIR)$(UNITDIR)/op25b.service
	chmod 644 $(DESTDIR)$(UNITDIR)/op25b.service
	@if [ -e $(DESTDIR)$(CONF) ]; then \
		echo "install: $(DESTDIR)$(CONF) exists: left as it is (the example: etc/op25b.conf)"; \
	else \
		echo "$(INSTALL) -m 644 etc/op25b.conf $(DESTDIR)$(CONF)"; \
		$(INSTALL) -m 644 etc/op25b.conf $(DESTDIR)$(CONF); \
	fi
ifeq ($(DESTDIR),)
	@echo "install: then: systemctl daemon-reload; review $(CONF); systemctl enable --now op25b"
endif

install-module: module
	@test -n "$(KREL)" || { echo "install: no UTS_RELEASE in $(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KREL) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra modules_install
ifeq ($(DESTDIR),)
	$(DEPMOD) -a $(KREL)
endif

install-dkms-src:
	$(INSTALL) -d $(DESTDIR)$(DKMSSRCDIR)/op25b-$(PKG_VERSION)
	tar -cf - $(DKMS_FILES) | tar -xf - -C $(DESTDIR)$(DKMSSRCDIR)/op25b-$(PKG_VERSION)

uninstall: uninstall-module uninstall-tools

uninstall-tools:
	rm -f $(DESTDIR)$(SBINDIR)/op25bctl $(DESTDIR)$(MANDIR)/man8/op25bctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/op25bctl $(DESTDIR)$(UNITDIR)/op25b.service
	@if [ -e $(DESTDIR)$(CONF) ] && ! cmp -s etc/op25b.conf $(DESTDIR)$(CONF); then \
		echo "uninstall: $(DESTDIR)$(CONF) was edited: left in place"; \
	else \
		echo "rm -f $(DESTDIR)$(CONF)"; rm -f $(DESTDIR)$(CONF); \
	fi

uninstall-dkms-src:
	rm -rf $(DESTDIR)$(DKMSSRCDIR)/op25b-$(PKG_VERSION)

uninstall-module:
	@test -n "$(KREL)" || { echo "uninstall: no UTS_RELEASE in $(KDIR)" >&2; exit 1; }
	rm -f $(DESTDIR)/lib/modules/$(KREL)/extra/op25b.ko
ifeq ($(DESTDIR),)
	$(DEPMOD) -a $(KREL)
endif

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/fuzz clean
	rm -rf build
