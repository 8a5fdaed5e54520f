#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: every check must be silent, or the lint fails.
#   - checkpatch.pl --strict (from Debian's linux-source-6.1) on kmod/ and
#     include/
#   - the module built with W=1 and sparse (C=2) against KDIR, in
#     build/lint/mod (the repository's own op25b.ko is left alone)
#   - op25bctl, the unit tests and op25b-fuzz built with gcc and with clang,
#     -Werror
# Ends with "lint: ok" or "lint: N failed: NAMES"; exit status 1 on failure.
#
# Environment: KDIR (kernel build dir, as for make module), KSRC_TAR (the
# linux-source tarball checkpatch.pl comes from; default the newest
# /usr/src/linux-source-*.tar.xz).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/lint
cd "$top" || exit 1
mkdir -p "$out"

failed=()
step() { echo "== lint: $*"; }
bad() { echo "lint: FAIL $1${2:+ ($2)}" >&2; failed+=("$1"); }

# ---- checkpatch.pl --strict ----------------------------------------------------
tar=${KSRC_TAR:-$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)}
cp_dir=$out/ksrc
checkpatch=$cp_dir/scripts/checkpatch.pl
kfiles=(kmod/*.[ch] include/uapi/linux/op25b.h)
step "checkpatch.pl --strict ${kfiles[*]}"
if [ -z "$tar" ] || [ ! -r "$tar" ]; then
	bad "checkpatch" "no /usr/src/linux-source-*.tar.xz: scripts/deps.sh lint"
else
	if [ ! -f "$checkpatch" ] || [ "$tar" -nt "$checkpatch" ]; then
		rm -rf "$cp_dir"
		mkdir -p "$cp_dir"
		tar -xJf "$tar" -C "$cp_dir" --strip-components=1 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' || bad "checkpatch" "unpacking $tar"
		touch "$checkpatch" 2>/dev/null
	fi
	if [ -f "$checkpatch" ]; then
		perl "$checkpatch" --strict --no-tree --quiet --show-types -f "${kfiles[@]}" ||
			bad checkpatch
	fi
fi

# ---- W=1 and sparse ------------------------------------------------------------
step "module with W=1 C=2 (sparse) against ${KDIR:-?}"
if [ -z "${KDIR:-}" ] || [ ! -d "$KDIR" ]; then
	bad "sparse" "no kernel build dir: install linux-headers-cloud-amd64 or set KDIR"
elif ! command -v sparse >/dev/null; then
	bad "sparse" "not installed: scripts/deps.sh lint"
else
	mod=$out/mod
	rm -rf "$mod"
	mkdir -p "$mod"
	cp -r kmod include Kbuild "$mod/"
	make -C "$KDIR" M="$mod" W=1 C=2 modules >"$out/kbuild.log" 2>&1
	rc=$?
	# what the compiler and sparse said, minus kbuild's own progress lines
	grep -vE '^make(\[[0-9]+\])?: (Entering|Leaving) directory|^  [A-Z]+ +(\[M\] +)?/|^Skipping BTF generation' \
		"$out/kbuild.log" | sed "s|$mod/||g" >"$out/kbuild.msgs"
	cat "$out/kbuild.msgs"
	if [ "$rc" != 0 ]; then
		bad "W=1/sparse" "build failed, exit $rc; $out/kbuild.log"
	elif [ -s "$out/kbuild.msgs" ]; then
		bad "W=1/sparse" "compiler or sparse output above"
	fi
fi

# ---- userspace: gcc and clang, -Werror --------------------------------------------
for cc in gcc clang; do
	step "op25bctl, unit tests and op25b-fuzz with $cc -Werror"
	if ! command -v $cc >/dev/null; then
		bad "$cc" "not installed: scripts/deps.sh lint"
		continue
	fi
	make -s -C userspace clean >/dev/null
	make -s -C tests/unit clean >/dev/null
	make -s -C tests/fuzz clean >/dev/null
	if ! make -s -C userspace CC=$cc || ! make -s -C tests/unit CC=$cc all ||
		! make -s -C tests/fuzz CC=$cc; then
		bad "$cc"
	fi
done
# leave the default (cc) build in place
make -s -C userspace clean >/dev/null
make -s -C tests/unit clean >/dev/null
make -s -C tests/fuzz clean >/dev/null
make -s -C userspace || bad "userspace rebuild"
make -s -C tests/fuzz || bad "op25b-fuzz rebuild"

if [ ${#failed[@]} = 0 ]; then
	echo "lint: ok"
	exit 0
fi
echo "lint: ${#failed[@]} failed: ${failed[*]}"
exit 1
