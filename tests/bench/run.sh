#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# op25b benchmark (make bench): op25b side by side with the equivalent
# nftables and iptables+ipset rulesets (tests/bench/rules/), measured in one
# boot of a QEMU VM on identical traffic. Prints a table and writes the
# same figures as JSON (path printed at the end). A benchmark: it prints
# figures and fails only when it cannot measure, never on a slow result.
#
#   tests/bench/run.sh
#
# The VM is the test VM's initramfs (tests/vm/initramfs.sh) plus
# iptables-legacy, ipset and their kernel modules, booted with a single vCPU
# and QEMU's instruction counting (-smp 1 -icount shift=0,sleep=off): guest
# time then counts instructions, so rates repeat from run to run and compare
# configurations by instructions per packet (no cache or lock effects).
# Inside, tests/bench/bench.sh runs trafgen in a generator namespace,
# forwarding through a gateway namespace (the filter) to a sink.
#
# Environment:
#   REPS=5        runs per configuration
#   SECS=1        guest seconds per run
#   REPS_LOAD=3   runs of the load and memory-per-entry figures
#   KERNEL, KMODDIR, OP25B_KO, OP25BCTL   as for tests/vm/run.sh
#   KDIR=...      kernel build dir for tests/bench/noop (default KMODDIR/build)
#   BENCH_TIMEOUT=seconds   hard limit for the VM (default 2400)
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/bench
root=$out/root

die() { echo "bench: $*" >&2; exit 1; }
case ${1:-} in
-h|--help) sed -n '4,/^set -u/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
?*) die "no arguments (see --help)" ;;
esac

ko=${OP25B_KO:-$top/op25b.ko}
ctl=${OP25BCTL:-$top/userspace/op25bctl}
[ -f "$ko" ] || die "$ko missing (make module)"
[ -x "$ctl" ] || die "$ctl missing (make userspace)"
. "$top/tests/vm/initramfs.sh"
vm_kernel

REPS=${REPS:-5}
SECS=${SECS:-1}
REPS_LOAD=${REPS_LOAD:-3}

# ---- initramfs: the test VM's, plus the bench's tools -------------------------

mkdir -p "$out"
initramfs_base "ip nft jq timeout trafgen ipset xtables-legacy-multi" \
	"veth nf_reject_ipv4 nf_reject_ipv6 nf_tables nft_reject_inet
	 ip_tables iptable_filter ip6_tables ip6table_filter xt_tcpudp
	 xt_set ip_set_hash_net ip_set_hash_ip ipt_REJECT ip6t_REJECT"
for t in iptables-legacy iptables-legacy-restore ip6tables-legacy ip6tables-legacy-restore; do
	ln -s ../bin/xtables-legacy-multi "$root/usr/sbin/$t"
done
xtlib=/usr/lib/x86_64-linux-gnu/xtables
[ -d "$xtlib" ] || die "no $xtlib (iptables extensions; scripts/deps.sh installs iptables)"
mkdir -p "$root$xtlib"
for e in libxt_standard libxt_tcp libxt_set libxt_SET libipt_REJECT libip6t_REJECT; do
	cp "$xtlib/$e.so" "$root$xtlib/" || die "iptables extension $e missing"
done
# the bare-hook reference module, built against the booted kernel
kdir=${KDIR:-$KMODDIR/build}
rm -rf "$out/noop"
if [ -d "$kdir" ] && cp -r "$here/noop" "$out/noop" &&
	make -s -C "$kdir" M="$out/noop" modules >"$out/noop.log" 2>&1; then
	cp "$out/noop/noop_hook.ko" "$root/vm/noop_hook.ko"
else
	echo "bench: warning: noop_hook.ko not built (see $out/noop.log): no bare-hook figures" >&2
fi
install -m 755 "$here/init" "$root/init"
install -m 755 "$here/bench.sh" "$root/vm/bench.sh"
cp -r "$here/rules" "$root/vm/rules"
printf 'REPS=%s\nSECS=%s\nREPS_LOAD=%s\n' "$REPS" "$SECS" "$REPS_LOAD" >"$root/vm/bench.conf"
initramfs_pack "$out/initramfs.cpio"

# ---- boot ------------------------------------------------------------------
console=$out/console.log
results=$out/results.log
: >"$console"
: >"$results"
echo "bench: booting $krel with -smp 1 -icount shift=0,sleep=off ($REPS runs of ${SECS}s per configuration)"
t0=$(date +%s)
timeout -k 5 "${BENCH_TIMEOUT:-2400}" qemu-system-x86_64 \
	-accel tcg -icount shift=0,sleep=off -smp 1 -m 1G \
	-nographic -nic none -no-reboot \
	-monitor none -serial "file:$console" -serial "file:$results" \
	-kernel "$KERNEL" -initrd "$out/initramfs.cpio" \
	-append "console=ttyS0 init=/init rdinit=/init panic=-1" \
	</dev/null >"$out/qemu.log" 2>&1 &
qpid=$!
done_rc=
while IFS= read -r line || [ -n "$line" ]; do
	line=${line%$'\r'}
	case $line in
	"@@OP25B DONE "*) done_rc=${line##* } ;;
	"@@ERROR "*) echo "bench: VM: ${line#@@ERROR }" >&2 ;;
	"# "*) echo "  $line" ;;
	"@@"*) ;;
	*) echo "  # $line" ;;
	esac
done < <(tail -n +1 -F --pid="$qpid" "$results" 2>/dev/null)
wait "$qpid"
qrc=$?
echo "bench: VM ran $(($(date +%s) - t0)) s wall time"
if [ -z "$done_rc" ]; then
	echo "bench: the VM stopped before the end (qemu exit $qrc); last console lines:" >&2
	tail -n 20 "$console" | tr -d '\r' | sed 's/^/    /' >&2
fi

# ---- report ------------------------------------------------------------------
json=$out/bench.json
grep '^@@R ' "$results" | tr -d '\r' |
	awk -v json="$json" -v reps="$REPS" -v secs="$SECS" -f "$here/report.awk" ||
	die "no figures"
echo "bench: figures as JSON in $json"
[ "$done_rc" = 0 ] || die "the benchmark did not finish (see $results)"
