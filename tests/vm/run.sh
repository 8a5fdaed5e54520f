#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a QEMU (TCG) VM that plays the gateway and run the op25b VM tests in it.
#
#   tests/vm/run.sh [-v] [--demo] [TEST...]
#
# TEST selects scenario scripts in tests/vm/tests/ by substring of their name
# (e.g. "reject" or "10-"); default: all of them. --demo runs tests/vm/demo.sh
# instead and shows its narration. -v shows the output of passing tests too.
#
# The VM has no network device (-nic none): every address used lives in a
# network namespace inside it. The initramfs is built in build/vm/ from
# busybox-static, the real tools with their shared libraries, the kernel
# modules the tests need (resolved through modules.dep), op25b.ko and
# userspace/op25bctl from the repository; promtool too (48 MB) when a
# selected test mentions it.
#
# Results come back on the VM's second serial port (build/vm/results.log);
# the kernel console goes to build/vm/console.log. Each test prints
# "ok NAME" or "FAIL NAME" (with its output); a test that never reported
# (VM died, hung or timed out) counts as failed. The last line is
# "N passed, N failed"; the exit status is non-zero on any failure.
#
# Environment:
#   KERNEL=/boot/vmlinuz-...  kernel to boot (default: the one matching
#                             op25b.ko's vermagic, else the newest
#                             *-cloud-amd64)
#   KMODDIR=/lib/modules/...  where the kernel's own modules are (default:
#                             /lib/modules/<release>; absent = all built in)
#   VM_TIMEOUT=seconds        hard limit for the whole VM run
#   TEST_TIMEOUT=seconds      limit for one test inside the VM (default 90)
#   OP25B_SLOW=1              a slow (debug) kernel: TEST_TIMEOUT and
#                             VM_TIMEOUT default to 5 times as long, and
#                             the tests see OP25B_SLOW=1 (to scale loops)
#   KMEMLEAK=1                kmemleak checks the run: /init clears the
#                             boot's suspects, and after the last test and
#                             rmmod reports "ok kmemleak" or "FAIL kmemleak"
#                             with the unreferenced objects
#   OP25B_KO=, OP25BCTL=      the module and op25bctl to test (default: the
#                             ones built in the repository)
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/vm
root=$out/root

die() { echo "vm: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

mode=tests
verbose=0
sel=()
for a in "$@"; do
	case $a in
	--demo) mode=demo ;;
	-v|--verbose) verbose=1 ;;
	-h|--help) sed -n '4,/^set -u/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	-*) die "unknown option $a" ;;
	*) sel+=("$a") ;;
	esac
done

# ---- which tests -------------------------------------------------------
tests=()
for f in "$here"/tests/[0-9]*.sh; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .sh)
	if [ ${#sel[@]} -eq 0 ]; then
		tests+=("$n")
		continue
	fi
	for s in "${sel[@]}"; do
		case $n in *"${s%.sh}"*) tests+=("$n"); break ;; esac
	done
done
if [ "$mode" = tests ] && [ ${#tests[@]} -eq 0 ]; then
	die "no test matches: ${sel[*]}"
fi

# ---- which kernel ------------------------------------------------------
ko=${OP25B_KO:-$top/op25b.ko}
ctl=${OP25BCTL:-$top/userspace/op25bctl}
. "$top/tests/vm/initramfs.sh"
vm_kernel
slow=${OP25B_SLOW:-0}
[ "$slow" = 0 ] && scale=1 || scale=5
if [ -n "$rel" ] && [ "$rel" != "$krel" ]; then
	echo "vm: warning: op25b.ko is built for $rel, booting $krel" >&2
fi
[ -f "$ko" ] || echo "vm: warning: $ko missing (make module): tests that need it will fail" >&2
[ -x "$ctl" ] || echo "vm: warning: $ctl missing (make userspace): tests that need it will fail" >&2

# ---- initramfs ---------------------------------------------------------

build_initramfs() {
	# nf_tables, nft_reject_inet, nft_objref: the nft backend's runs; nft_chain_nat:
	# nft_masq, nft_ct: an unrelated firewall beside it (45-nft-coexist)
	initramfs_base "ip nft socat jq timeout setpriv unshare trafgen" \
		"veth nf_reject_ipv4 nf_reject_ipv6 nf_tables nft_reject_inet nft_objref nft_chain_nat nft_masq nft_ct"
	# promtool (48 MB, Debian's prometheus) only for the tests that use it
	local t p sel_files=()
	for t in "${tests[@]}"; do sel_files+=("$here/tests/$t.sh"); done
	if [ "$mode" = tests ] && grep -qs promtool "${sel_files[@]}"; then
		if p=$(command -v promtool); then
			install -m 755 "$p" "$root/usr/bin/promtool"
			copy_libs "$p"
		else
			echo "vm: warning: promtool missing (scripts/deps.sh installs prometheus): tests use their own checks only" >&2
		fi
	fi

	# make install into the VM's root, for the tests that check the
	# installed tree ("make install" in them): op25bctl in /usr/local/sbin
	# (the harness's copy stays in /usr/sbin), /etc/op25b.conf, the unit,
	# op25b.ko in /lib/modules/KREL/extra with the modules it depends on
	# and a modules.dep, so that the unit's modprobe works as on a gateway
	if [ "$mode" = tests ] && grep -qs 'make install' "${sel_files[@]}"; then
		install_into_root
	fi

	# the netlink fuzzer and permission probe (tests/fuzz, make fuzz)
	local fz=$top/tests/fuzz/op25b-fuzz
	if [ -x "$fz" ]; then
		install -m 755 "$fz" "$root/usr/bin/op25b-fuzz"
		copy_libs "$fz"
	else
		echo "vm: warning: $fz missing (make fuzz): tests that need it will fail" >&2
	fi

	install -m 755 "$here/init" "$root/init"
	cp "$here/lib.sh" "$root/vm/"
	[ -f "$here/demo.sh" ] && cp "$here/demo.sh" "$root/vm/"
	cp "$here"/tests/[0-9]*.sh "$root/vm/tests/" 2>/dev/null
	{
		echo "MODE=$mode"
		echo "TESTS='${tests[*]}'"
		echo "TEST_TIMEOUT=${TEST_TIMEOUT:-$((90 * scale))}"
		echo "VERBOSE=$verbose"
		echo "export OP25B_SLOW=$slow"
		echo "KMEMLEAK=${KMEMLEAK:-0}"
	} >"$root/vm/run.conf"
	initramfs_pack "$out/initramfs.cpio"
}

install_into_root() {
	local log=$out/install.log m rp what="install-tools install-module"
	# A kernel without modules (KMODDIR empty: the debug kernel) has no
	# build dir in /lib/modules: install its op25b.ko as modules_install
	# would, beside make install-tools.
	[ -n "$KMODDIR" ] || what=install-tools
	# shellcheck disable=SC2086
	if ! make -s -C "$top" $what DESTDIR="$root" \
		KDIR="/lib/modules/$krel/build" >"$log" 2>&1; then
		echo "vm: warning: make install into the VM root failed ($log):" >&2
		tail -n 5 "$log" | sed 's/^/    /' >&2
		return
	fi
	copy_libs "$root/usr/local/sbin/op25bctl"
	if [ -z "$KMODDIR" ]; then
		install -D -m 644 "$ko" "$root/lib/modules/$krel/extra/op25b.ko"
	else
		for m in $(modinfo -F depends "$root/lib/modules/$krel/extra/op25b.ko" | tr ',' ' '); do
			for rp in $(mod_with_deps "$m"); do
				install -D -m 644 "$KMODDIR/$rp" "$root/lib/modules/$krel/$rp"
			done
		done
	fi
	depmod -b "$root" "$krel" >>"$log" 2>&1 ||
		echo "vm: warning: depmod -b $root $krel failed ($log)" >&2
	# No /sbin/modprobe: the tests load every module themselves, and
	# nothing should load one behind their back (request_module). The
	# test calls busybox's (/bin/modprobe) where the unit says
	# /sbin/modprobe.
}

mkdir -p "$out"
build_initramfs

# ---- boot ----------------------------------------------------------------
n_tests=${#tests[@]}
[ "$mode" = demo ] && n_tests=3
# a test run for both backends counts twice
n_tests=$((n_tests + $(cd "$here/tests" && cat /dev/null $(printf '%s.sh ' "${tests[@]}") 2>/dev/null | grep -c '^# backends:.*nft')))
VM_TIMEOUT=${VM_TIMEOUT:-$(((120 + 30 * n_tests) * scale))}
console=$out/console.log
results=$out/results.log
: >"$console"
: >"$results"

timeout -k 5 "$VM_TIMEOUT" qemu-system-x86_64 \
	-accel tcg -smp 2 -m 1G -nographic -nic none -no-reboot \
	-monitor none -serial "file:$console" -serial "file:$results" \
	-kernel "$KERNEL" -initrd "$out/initramfs.cpio" \
	-append "console=ttyS0 init=/init rdinit=/init panic=-1" \
	</dev/null >"$out/qemu.log" 2>&1 &
qpid=$!

# ---- results ---------------------------------------------------------------
declare -A seen=()
passed=0
failed=0
done_marker=0
cur=

report() {
	local line=${1%$'\r'}
	if [ "$mode" = demo ]; then
		case $line in
		"@@OP25B DONE "*) done_marker=1; demo_rc=${line##* } ;;
		"@@OP25B "*) ;;
		*) printf '%s\n' "$line" ;;
		esac
		return
	fi
	case $line in
	"ok "*|"FAIL "*)
		set -- $line
		cur=$2
		seen[$2]=1
		if [ "$1" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
		printf '%s\n' "$line"
		;;
	"@@OP25B DONE"*) done_marker=1 ;;
	"@@OP25B "*) ;;
	"# "*) printf '    %s\n' "${line#\# }" ;;
	*) printf '    # %s\n' "$line" ;;
	esac
}

demo_rc=1
# tail follows the results port live and ends when QEMU does
while IFS= read -r line || [ -n "$line" ]; do
	report "$line"
done < <(tail -n +1 -F --pid="$qpid" "$results" 2>/dev/null)
wait "$qpid"
qrc=$?

why=
if [ "$done_marker" != 1 ]; then
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		why="VM timed out after ${VM_TIMEOUT}s"
	else
		why="VM stopped before the end (qemu exit $qrc)"
	fi
	echo "vm: $why; last console lines ($console):"
	tail -n 25 "$console" | tr -d '\r' | sed 's/^/    /'
	if [ -s "$out/qemu.log" ]; then
		echo "vm: qemu said:"
		sed 's/^/    /' "$out/qemu.log"
	fi
fi

if [ "$mode" = demo ]; then
	[ "$done_marker" = 1 ] && exit "$demo_rc"
	exit 1
fi

# every backend's run of a test (/init: "# backends: kmod nft") reports
runs=()
for t in "${tests[@]}"; do
	b=$(sed -n 's/^# backends: *//p' "$here/tests/$t.sh" | head -n 1)
	for b in ${b:-kmod}; do
		if [ "$b" = kmod ]; then runs+=("$t"); else runs+=("$t[$b]"); fi
	done
done
expect=("${runs[@]}" dmesg-clean)
[ "${KMEMLEAK:-0}" = 1 ] && expect+=(kmemleak)
for t in "${expect[@]}"; do
	if [ -z "${seen[$t]:-}" ]; then
		echo "FAIL $t (never reported: ${why:-no result})"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$done_marker" = 1 ]
