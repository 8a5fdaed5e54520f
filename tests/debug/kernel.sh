#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The op25b debug kernel: Debian's linux-source-6.1 (tinyconfig, x86_64) with
# tests/debug/debug.config merged in (KASAN, lockdep, PROVE_RCU, kmemleak,
# UBSAN, KFENCE, DEBUG_ATOMIC_SLEEP, ... and every netfilter part the VM
# tests use, built in).
#
#   tests/debug/kernel.sh          build it, or reuse the cached build;
#                                  prints the kernel build directory (KDIR)
#   tests/debug/kernel.sh --key    prints the cache key only
#
# The whole build tree is cached in
#   ${OP25B_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/op25b}/debug-kernel-KEY
# where KEY hashes the fragment, this recipe's version, the linux-source
# package version and the gcc version: any change builds afresh (a rebuild
# after one changed option takes nearly as long as a clean build anyway).
# The tree is built in a temporary directory beside it and renamed into
# place when complete, so an interrupted build is never taken as cached.
# A build takes 15-25 minutes on two busy cores; about 3 GB of disk.
#
# Environment: OP25B_CACHE (above), JOBS (default: nproc),
# KSRC_TAR (default /usr/src/linux-source-6.1.tar.xz).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug.config
tarball=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
# bump when the build steps below change in a way the key does not see
recipe=1

die() { echo "debug kernel: $*" >&2; exit 1; }
say() { echo "debug kernel: $*" >&2; }

[ -r "$tarball" ] || die "$tarball missing: apt-get install linux-source-6.1 (scripts/deps.sh debug)"
for t in gcc make bc bison flex perl xz; do
	command -v "$t" >/dev/null || die "$t missing (scripts/deps.sh debug)"
done

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	srcver=$(stat -c '%s %Y' "$tarball")
gccver=$(gcc --version | head -n 1)
key=$( { echo "recipe $recipe"; echo "source $srcver"; echo "gcc $gccver"; cat "$frag"; } |
	sha256sum | cut -c 1-16)
if [ "${1:-}" = --key ]; then
	echo "$key"
	exit 0
fi

cache=${OP25B_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/op25b}
dir=$cache/debug-kernel-$key
if [ -f "$dir/arch/x86/boot/bzImage" ] && [ -f "$dir/Module.symvers" ]; then
	say "cached: $dir"
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
# leftovers of interrupted builds (their builder is gone)
for d in "$cache"/debug-kernel-*.tmp.*; do
	[ -e "$d" ] || continue
	p=${d##*.tmp.}
	p=${p%.log}
	kill -0 "$p" 2>/dev/null || rm -rf "$d"
done

tmp=$dir.tmp.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
log=$tmp.log
say "building in $tmp (log: $log); 15-25 minutes on two cores"
start=$SECONDS

k() { make -C "$tmp" ARCH=x86_64 "$@"; }

{
	echo "== unpack $tarball ($srcver)"
	tar -xJf "$tarball" -C "$tmp" --strip-components=1
	echo "== tinyconfig + debug.config"
	k tinyconfig
	"$tmp/scripts/kconfig/merge_config.sh" -m -O "$tmp" "$tmp/.config" "$frag"
	k olddefconfig
} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuration failed"; }

# merge_config.sh only warns when Kconfig drops a value: every option of the
# fragment must be in the final .config exactly as written.
bad=
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) opt=${line%%=*} want=$line ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} want=$line ;;
	*) continue ;;
	esac
	got=$(grep -E "^($opt=|# $opt is not set)" "$tmp/.config" || true)
	if [ "$got" != "$want" ] &&
		! { [ -z "$got" ] && [ "${want#\# }" != "$want" ]; }; then
		bad="$bad
    $want (got: ${got:-unset})"
	fi
done <"$frag"
[ -z "$bad" ] || die "options of $frag not taken by Kconfig (missing dependency or renamed?):$bad"

say "configured; compiling bzImage and modules"
k -j"${JOBS:-$(nproc)}" bzImage modules >>"$log" 2>&1 ||
	{ grep -E 'error|Error' "$log" | head -n 20 >&2; tail -n 30 "$log" >&2; die "build failed (log: $log)"; }

{
	echo "op25b debug kernel, built $(date -u '+%F %T') UTC in $((SECONDS - start)) s"
	echo "recipe $recipe; linux-source-6.1 $srcver; $gccver"
	echo "fragment: $frag"
} >"$tmp/op25b-debug-kernel.txt"
# an equal build that finished meanwhile wins; ours goes
if mv -T "$tmp" "$dir" 2>/dev/null; then
	trap - EXIT
	mv "$log" "$dir/build.log"
fi
say "built in $((SECONDS - start)) s: $dir"
echo "$dir"
