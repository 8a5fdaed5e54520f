#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# All op25b tests: the unit tests on the host (cmocka, tests/unit), the
# install and packaging tests on the host (tests/pkg/run.sh: make install,
# DKMS, the Debian packages and lintian, the man page, the completion), then
# the VM suite (tests/vm/run.sh). Ends with one line "N passed, N failed"
# for all together; the exit status is non-zero on any failure. Arguments go
# to tests/vm/run.sh (e.g. a test name to run only that VM test).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- unit tests --------------------------------------------------------------
echo "== unit tests (make -C tests/unit run)"
make -C "$top/tests/unit" run 2>&1 | tee "$tmp/unit.log"
unit_rc=${PIPESTATUS[0]}
# cmocka: one "[       OK ]" per passing test; each failing group ends with
# "[  FAILED  ] N test(s), listed below:" (the names follow, not counted twice)
unit_pass=$(grep -c '^\[       OK \]' "$tmp/unit.log")
unit_fail=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below.*/\1/p' "$tmp/unit.log" |
	awk '{ n += $1 } END { print n + 0 }')
if [ "$unit_rc" != 0 ] && [ "$unit_fail" = 0 ]; then
	echo "unit tests: make exited $unit_rc without a cmocka failure: counted as one failure"
	unit_fail=1
fi
if [ "$unit_rc" = 0 ] && [ "$unit_pass" = 0 ]; then
	echo "unit tests: none ran: counted as one failure"
	unit_fail=1
fi
echo "unit: $unit_pass passed, $unit_fail failed"

# ---- install and packaging tests (host) ----------------------------------------
echo "== install and packaging tests (tests/pkg/run.sh)"
"$top/tests/pkg/run.sh" 2>&1 | tee "$tmp/pkg.log"
pkg_rc=${PIPESTATUS[0]}
last=$(tail -n 1 "$tmp/pkg.log")
if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
	pkg_pass=${BASH_REMATCH[1]}
	pkg_fail=${BASH_REMATCH[2]}
else
	pkg_pass=0
	pkg_fail=1
fi
if [ "$pkg_rc" != 0 ] && [ "$pkg_fail" = 0 ]; then
	pkg_fail=1
fi

# ---- VM tests ------------------------------------------------------------------
echo "== VM tests (tests/vm/run.sh)"
"$top/tests/vm/run.sh" "$@" 2>&1 | tee "$tmp/vm.log"
vm_rc=${PIPESTATUS[0]}
last=$(tail -n 1 "$tmp/vm.log")
if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
	vm_pass=${BASH_REMATCH[1]}
	vm_fail=${BASH_REMATCH[2]}
else
	vm_pass=0
	vm_fail=1
fi
if [ "$vm_rc" != 0 ] && [ "$vm_fail" = 0 ]; then
	vm_fail=1
fi

pass=$((unit_pass + pkg_pass + vm_pass))
fail=$((unit_fail + pkg_fail + vm_fail))
echo "== unit: $unit_pass passed, $unit_fail failed; pkg: $pkg_pass passed, $pkg_fail failed;" \
	"vm: $vm_pass passed, $vm_fail failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
