# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the tests in tests/pkg (sourced; bash; TOP is the repository,
# the current directory a temporary one of the test's own).

set -u

log() { echo "# $*"; }

fail() {
	echo "FAIL: $*"
	exit 1
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
	log "$3: $1"
}

# need TOOL...: each must be installed (scripts/deps.sh installs them)
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || fail "$t is not installed (scripts/deps.sh)"
	done
}

CTL=$TOP/userspace/op25bctl
[ -x "$CTL" ] || fail "$CTL missing (make userspace)"

# the version of record: OP25B_VERSION in kmod/op25b.h
VERSION=$(sed -n 's/^#define OP25B_VERSION[[:space:]]*"\(.*\)"/\1/p' "$TOP/kmod/op25b.h")
[ -n "$VERSION" ] || fail "no OP25B_VERSION in kmod/op25b.h"

# the commands of op25bctl's command table, as "op25bctl help" lists them
commands() {
	"$CTL" help | awk '/^commands:/ { on = 1; next } /^$/ { on = 0 }
		on && /^  [a-z]/ { print $1 }'
}

# copy_tree DIR: the repository's files (tracked and new, not ignored) in DIR
copy_tree() {
	mkdir -p "$1"
	(cd "$TOP" && git ls-files -co --exclude-standard -z) |
		(cd "$TOP" && tar --null -T - -cf -) | tar -xf - -C "$1" ||
		fail "copying the tree to $1"
}

# the newest cloud kernel with headers installed: sets KREL, KDIR
cloud_kernel() {
	KDIR=$(ls -d /lib/modules/*-cloud-amd64/build 2>/dev/null | sort -V | tail -n 1)
	[ -n "$KDIR" ] || fail "no cloud kernel headers (apt-get install linux-headers-cloud-amd64)"
	KREL=${KDIR#/lib/modules/}
	KREL=${KREL%/build}
}
