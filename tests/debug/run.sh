#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the whole VM suite under the debug kernel.
#
#   tests/debug/run.sh [-v] [TEST...]
#
# 1. tests/debug/kernel.sh builds the debug kernel (KASAN, lockdep,
#    PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN, KFENCE, debugobjects;
#    every netfilter part the tests use built in), or reuses the cached one.
# 2. op25b.ko is built against it in build/debug/mod (a copy of kmod/,
#    include/ and Kbuild; the repository's own op25b.ko, built for the cloud
#    kernel, is left alone).
# 3. tests/vm/run.sh boots it with that module and no kernel modules
#    (KMODDIR empty), OP25B_SLOW=1 (longer timeouts; tests may scale their
#    loops) and KMEMLEAK=1. Any kernel report (KASAN, lockdep, RCU, UBSAN,
#    KFENCE, sleeping in atomic context, list corruption, refcount, WARN,
#    BUG, Oops) fails "dmesg-clean"; a leak fails "kmemleak".
#
# Arguments go to tests/vm/run.sh. Ends with "N passed, N failed" (a failed
# kernel or module build counts as one failure); exit status non-zero on any
# failure. Logs: build/debug/module.log and build/vm/. Environment: as for
# tests/vm/run.sh (VM_TIMEOUT, TEST_TIMEOUT), OP25B_CACHE as for kernel.sh,
# CI_DEADLINE (below).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/debug
mkdir -p "$out"

die() { echo "check-debug: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

start=$SECONDS
echo "== debug kernel (tests/debug/kernel.sh)"
kdir=$("$top/tests/debug/kernel.sh") || die "the debug kernel did not build"
kernel=$kdir/arch/x86/boot/bzImage
echo "debug kernel: $kernel ($((SECONDS - start)) s)"

echo "== op25b.ko against it (build/debug/mod)"
mod=$out/mod
rm -rf "$mod"
mkdir -p "$mod"
cp -r "$top/kmod" "$top/include" "$top/Kbuild" "$mod/"
make -C "$kdir" M="$mod" modules >"$out/module.log" 2>&1 || {
	tail -n 30 "$out/module.log" >&2
	die "op25b.ko did not build against the debug kernel ($out/module.log)"
}
grep -E 'warning:|error:' "$out/module.log" >&2

# CI_DEADLINE (seconds since the epoch, from .ci/run): the VM run must
# end by then
if [ -n "${CI_DEADLINE:-}" ] && [ -z "${VM_TIMEOUT:-}" ]; then
	export VM_TIMEOUT=$((CI_DEADLINE - $(date +%s)))
	[ "$VM_TIMEOUT" -gt 60 ] || die "no time left for the VM run before CI's deadline"
fi

echo "== VM tests under the debug kernel (tests/vm/run.sh)"
KERNEL=$kernel KMODDIR='' OP25B_KO=$mod/op25b.ko OP25B_SLOW=1 KMEMLEAK=1 \
	exec "$top/tests/vm/run.sh" "$@"
