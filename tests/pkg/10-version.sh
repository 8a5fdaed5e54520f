#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The version is OP25B_VERSION in kmod/op25b.h; dkms.conf, debian/changelog
# and the man page's title line must say the same, or a package would name
# one version and hold another.
. "$TOP/tests/pkg/lib.sh"
log "kmod/op25b.h: $VERSION"
v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")
assert_eq "$v" "$VERSION" "dkms.conf PACKAGE_VERSION"
v=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$TOP/dkms.conf")
assert_eq "$v" op25b "dkms.conf PACKAGE_NAME"
v=$(cd "$TOP" && dpkg-parsechangelog -S Version)
assert_eq "$v" "$VERSION" "debian/changelog"
v=$(sed -n 's/^\.TH OP25BCTL 8 [^ ]* "op25b \([^"]*\)".*/\1/p' "$TOP/docs/op25bctl.8")
assert_eq "$v" "$VERSION" "docs/op25bctl.8 .TH"
v=$(make -s -C "$TOP" -p -n 2>/dev/null | sed -n 's/^PKG_VERSION := //p' | head -n 1)
assert_eq "$v" "$VERSION" "Makefile PKG_VERSION"
