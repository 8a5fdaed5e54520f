# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154
#
# The common part of a test VM's initramfs, shared by tests/vm/run.sh and
# tests/bench/run.sh (sourced, bash). The caller sets:
#   root     the directory to fill (emptied first)
#   KMODDIR  where the booted kernel's modules are
#   ko, ctl  op25b.ko and op25bctl to copy (skipped if missing)
# and defines die().
#
#   initramfs_base "TOOLS" "MODULES"
#	the directory skeleton, busybox-static, each real tool in TOOLS at
#	/usr/bin/NAME (and /usr/sbin/NAME) with the libraries ldd lists,
#	op25bctl, the kernel modules in MODULES plus op25b.ko's dependencies,
#	each after its own (modules.dep order; /vm/modules.list says the
#	order), op25b.ko as /vm/op25b.ko, /etc/passwd and /etc/group
#   initramfs_pack CPIO
#	root packed as a newc cpio archive
#   vm_kernel
#	sets KERNEL (default: the one matching op25b.ko's vermagic, else the
#	newest *-cloud-amd64), krel (its release), KMODDIR (default
#	/lib/modules/$krel; set but empty: no modules), and rel (op25b.ko's
#	release)

initramfs_base() {
	local tools=$1 want=$2
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,run,tmp,vm/tests,vm/modules}
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	mkdir -p "$root/var"
	ln -s /run "$root/var/run"
	# The kernel opens /dev/console before /init runs; without root to make
	# the node, /init reopens it once devtmpfs is mounted.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

	# Real tools, at their own paths, with the libraries ldd lists. Busybox
	# supplies the rest; no busybox link shadows a real tool.
	# Each is reachable as /usr/bin/NAME and /usr/sbin/NAME.
	local t p
	for t in $tools; do
		p=$(command -v "$t") || die "$t not installed (scripts/deps.sh)"
		install -m 755 "$p" "$root/usr/bin/$t"
		ln -s "../bin/$t" "$root/usr/sbin/$t"
		copy_libs "$p"
	done
	if [ -x "$ctl" ]; then
		install -m 755 "$ctl" "$root/usr/bin/op25bctl"
		ln -s ../bin/op25bctl "$root/usr/sbin/op25bctl"
		copy_libs "$ctl"
	fi
	install -m 755 /bin/busybox "$root/bin/busybox"
	for t in $(/bin/busybox --list); do
		[ "$t" = busybox ] && continue
		[ -e "$root/usr/bin/$t" ] || [ -e "$root/usr/sbin/$t" ] && continue
		ln -s busybox "$root/bin/$t"
	done

	# Kernel modules, plus what op25b.ko depends on, each after its own
	# dependencies (modules.dep order).
	: >"$root/vm/modules.list"
	if [ -f "$KMODDIR/modules.dep" ]; then
		if [ -f "$ko" ]; then
			want="$want $(modinfo -F depends "$ko" | tr ',' ' ')"
		fi
		local m
		for m in $want; do
			mod_with_deps "$m"
		done | awk '!seen[$0]++' | while read -r rp; do
			cp "$KMODDIR/$rp" "$root/vm/modules/"
			echo "${rp##*/}" >>"$root/vm/modules.list"
		done
	fi
	[ -f "$ko" ] && cp "$ko" "$root/vm/op25b.ko"

	echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
	echo "nobody:x:65534:65534:nobody:/:/bin/false" >>"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
	echo "nogroup:x:65534:" >>"$root/etc/group"
}

initramfs_pack() {
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$1" ||
		die "cpio failed"
}

# copy_libs BINARY: the shared libraries ldd lists, at the same paths
copy_libs() {
	local l
	for l in $(ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'); do
		[ -e "$root$l" ] || install -D -m 755 "$(readlink -f "$l")" "$root$l"
	done
}

# mod_with_deps NAME: module paths (relative to KMODDIR), dependencies first
mod_with_deps() {
	local line path deps d
	line=$(grep -E "(^|/)$1\.ko(\.[a-z]+)?:" "$KMODDIR/modules.dep" | head -n 1)
	if [ -z "$line" ]; then
		# built in, or unknown: the kernel has it or insmod of op25b will say
		grep -qE "/$1\.ko" "$KMODDIR/modules.builtin" 2>/dev/null ||
			echo "vm: warning: module $1 not found in $KMODDIR" >&2
		return
	fi
	path=${line%%:*}
	deps=${line#*:}
	# modules.dep lists dependencies nearest first: load them in reverse
	for d in $(echo $deps | tr ' ' '\n' | tac); do
		echo "$d"
	done
	echo "$path"
}

vm_kernel() {
	rel=
	if [ -f "$ko" ]; then
		rel=$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')
	fi
	if [ -z "${KERNEL:-}" ]; then
		if [ -n "$rel" ] && [ -f "/boot/vmlinuz-$rel" ]; then
			KERNEL=/boot/vmlinuz-$rel
		else
			KERNEL=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1)
		fi
	fi
	[ -n "$KERNEL" ] && [ -r "$KERNEL" ] ||
		die "no kernel to boot (install linux-image-cloud-amd64 or set KERNEL)"
	krel=$(kernel_release "$KERNEL")
	[ -n "$krel" ] || krel=${KERNEL##*/vmlinuz-}
	# KMODDIR set but empty: a kernel with everything built in, no modules
	KMODDIR=${KMODDIR-/lib/modules/$krel}
}

# kernel_release BZIMAGE: the release string in a bzImage's header (the
# x86 boot protocol's kernel_version field), e.g. 6.1.0-57-cloud-amd64
kernel_release() {
	local off
	off=$(od -An -tu2 -j 526 -N 2 "$1" 2>/dev/null | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 0
	dd if="$1" bs=1 skip=$((off + 512)) count=128 2>/dev/null |
		tr '\0' '\n' | head -n 1 | awk '{ print $1 }'
}
