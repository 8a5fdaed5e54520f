# SPDX-License-Identifier: GPL-2.0
#
# op25b: make            build the module and op25bctl
#        make demo       boot a VM gateway and show op25b at work
#        make check      unit tests on the host, then the VM suite
#        make lint       checkpatch, sparse, W=1, gcc and clang -Werror
#        make check-debug  the VM suite under a debug kernel (KASAN, lockdep...)
#
# KDIR: the kernel build dir; default the running kernel's if it has one,
# else the newest installed one (the Debian cloud kernel the VM boots).

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)

.PHONY: all bench module userspace unit vm check check-debug demo deps lint lint-run clean

all: module userspace

bench: deps
	$(MAKE) all
	tests/bench/run.sh

module:
	@test -n "$(KDIR)" || { echo "no kernel build dir: install linux-headers-cloud-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

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
	$(MAKE) userspace
	tests/debug/run.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/unit clean
	rm -rf build
