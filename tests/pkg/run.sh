#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of how op25b is installed and packaged:
#
#   tests/pkg/run.sh [-v] [TEST...]
#
# Each tests/pkg/NN-*.sh runs on its own (bash, cwd a fresh temporary
# directory in $TMPDIR, TOP the repository): the version in one place,
# op25bctl's help against the man page and the completion, the man page's
# lint, the bash completion, make install/uninstall into a DESTDIR, the
# systemd unit, a DKMS build against the installed cloud kernel headers,
# and the Debian packages with lintian. None loads a module or touches the
# network; none leaves anything outside its temporary directory.
#
# Prints "ok NAME (T s)" or "FAIL NAME (T s)" with the test's output, then
# "N passed, N failed"; the exit status is non-zero on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
export TOP
TOP=$(cd "$here/../.." && pwd)

verbose=0
sel=()
for a in "$@"; do
	case $a in
	-v|--verbose) verbose=1 ;;
	-*) echo "pkg: unknown option $a" >&2; echo "0 passed, 1 failed"; exit 1 ;;
	*) sel+=("$a") ;;
	esac
done

passed=0
failed=0
for f in "$here"/[0-9]*.sh; do
	n=$(basename "$f" .sh)
	if [ ${#sel[@]} -gt 0 ]; then
		m=0
		for s in "${sel[@]}"; do
			case $n in *"$s"*) m=1 ;; esac
		done
		[ "$m" = 1 ] || continue
	fi
	tmp=$(mktemp -d)
	t0=$EPOCHREALTIME
	(cd "$tmp" && TMPDIR=$tmp exec bash "$f") >"$tmp.log" 2>&1 </dev/null
	rc=$?
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	if [ "$rc" = 0 ]; then
		echo "ok $n ($secs s)"
		passed=$((passed + 1))
		[ "$verbose" = 1 ] && sed 's/^/    # /' "$tmp.log"
	else
		echo "FAIL $n ($secs s)"
		tail -n 60 "$tmp.log" | sed 's/^/    # /'
		echo "    # exit status $rc"
		failed=$((failed + 1))
	fi
	rm -rf "$tmp" "$tmp.log"
done
if [ $((passed + failed)) = 0 ]; then
	echo "pkg: no test matches: ${sel[*]}"
	failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
