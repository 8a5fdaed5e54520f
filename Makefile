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

.PHONY: all module userspace unit vm check demo deps clean

all: module userspace

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

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/unit clean
	rm -rf build
