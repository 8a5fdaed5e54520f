# SPDX-License-Identifier: GPL-2.0
#
# op25b: make            build the module and op25bctl
#        make demo       boot a VM gateway and show op25b at work
#        make check      unit tests on the host, then the VM suite
#
# KDIR: the kernel build dir; default the running kernel's if it has one,
# else the newest installed one (the Debian cloud kernel the VM boots).

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)

.PHONY: all bench module userspace fuzz unit vm check demo deps lint clean

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

# checkpatch.pl comes from Debian's linux-source-6.1, unpacked once.
KSRC_TAR := $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))
CHECKPATCH := build/ksrc/scripts/checkpatch.pl
KFILES := $(wildcard kmod/*.[ch]) include/uapi/linux/op25b.h

$(CHECKPATCH):
	@test -n "$(KSRC_TAR)" || { echo "lint: install linux-source-6.1" >&2; exit 1; }
	mkdir -p build/ksrc
	tar -xJf $(KSRC_TAR) -C build/ksrc --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'

lint: $(CHECKPATCH)
	perl $(CHECKPATCH) --strict --no-tree --quiet -f $(KFILES)
	touch $(filter %.c,$(KFILES))
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules 2>&1 | \
		grep -v "directive in macro's argument list" | tee build/lint.log
	! grep -E "warning|error" build/lint.log
	$(MAKE) -C userspace clean
	$(MAKE) -C userspace CC=clang
	$(MAKE) -C userspace clean
	$(MAKE) -C userspace
	$(MAKE) -C tests/fuzz clean
	$(MAKE) -C tests/fuzz CC=clang
	$(MAKE) -C tests/fuzz clean
	$(MAKE) -C tests/fuzz

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/fuzz clean
	rm -rf build
