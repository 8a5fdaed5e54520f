#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian source package builds op25b-dkms and op25b-tools with
# dpkg-buildpackage -us -uc (source and binaries, in a copy of the tree),
# lintian finds no error or warning, and the packages hold what they should:
# the module's source with dkms.conf and the dkms hooks; op25bctl, its man
# page, completion, the systemd unit and /etc/op25b.conf as a conffile.
. "$TOP/tests/pkg/lib.sh"
need dpkg-buildpackage lintian dpkg-deb
B=$TMPDIR/b
copy_tree "$B/op25b"
cd "$B/op25b" || fail "cd"
dpkg-checkbuilddeps >"$TMPDIR/deps.log" 2>&1 || fail "build dependencies: $(cat "$TMPDIR/deps.log")"
dpkg-buildpackage -us -uc >"$TMPDIR/build.log" 2>&1 ||
	fail "dpkg-buildpackage -us -uc: $(tail -n 40 "$TMPDIR/build.log")"
cd "$B" || fail "cd"
changes=op25b_${VERSION}_$(dpkg --print-architecture).changes
[ -f "$changes" ] || fail "no $changes: $(ls)"
log "built: $(ls ./*.deb ./*.dsc ./*.tar.* | tr '\n' ' ')"

# lintian: errors and warnings fail the test (--pedantic shown, not fatal)
lintian --pedantic --display-info "$changes" >"$TMPDIR/lintian.log" 2>&1
grep -v 'running with root privileges' "$TMPDIR/lintian.log" | sed 's/^/#   /'
bad=$(grep -E '^[EW]: ' "$TMPDIR/lintian.log")
[ -z "$bad" ] || fail "lintian: $bad"
log "lintian: no error, no warning"

tools=op25b-tools_${VERSION}_$(dpkg --print-architecture).deb
dk=op25b-dkms_${VERSION}_all.deb
c=$(dpkg-deb -c "$tools" | awk '{print $6}')
for f in ./usr/sbin/op25bctl ./usr/share/man/man8/op25bctl.8 ./lib/systemd/system/op25b.service \
	./usr/share/bash-completion/completions/op25bctl ./etc/op25b.conf \
	./usr/share/doc/op25b-tools/deployment.md ./usr/share/doc/op25b-tools/troubleshooting.md; do
	printf "%s\n" "$c" | grep -qxE "${f//./\\.}(\\.gz)?" || fail "$tools lacks $f"
done
log "$tools: op25bctl, man page, completion, unit, config, docs"
dpkg-deb --ctrl-tarfile "$tools" | tar -xOf - ./conffiles >"$TMPDIR/conffiles" || fail "no conffiles in $tools"
assert_eq "$(cat "$TMPDIR/conffiles")" /etc/op25b.conf "$tools conffiles"
dpkg-deb --fsys-tarfile "$tools" | tar -xOf - ./etc/op25b.conf | cmp -s - "$TOP/etc/op25b.conf" ||
	fail "$tools: /etc/op25b.conf is not the example"
dpkg-deb --fsys-tarfile "$tools" | tar -xOf - ./lib/systemd/system/op25b.service >"$TMPDIR/unit"
assert_eq "$(sed -n 's/^ExecStart=//p' "$TMPDIR/unit")" "/usr/sbin/op25bctl load /etc/op25b.conf" "$tools: ExecStart"
dpkg-deb --ctrl-tarfile "$tools" | tar -xOf - ./postinst >"$TMPDIR/postinst" 2>/dev/null
grep -q 'deb-systemd-invoke.*start' "$TMPDIR/postinst" &&
	fail "$tools: postinst starts op25b.service (it must wait for the admin)"
log "$tools: installing it starts nothing"

c=$(dpkg-deb -c "$dk" | awk '{print $6}')
for f in dkms.conf Kbuild kmod/main.c kmod/hook.c include/uapi/linux/op25b.h; do
	printf '%s\n' "$c" | grep -qxF "./usr/src/op25b-$VERSION/$f" || fail "$dk lacks /usr/src/op25b-$VERSION/$f"
done
dep=$(dpkg-deb -f "$dk" Depends)
case $dep in *dkms*) ;; *) fail "$dk does not depend on dkms: $dep" ;; esac
dpkg-deb --ctrl-tarfile "$dk" | tar -xOf - ./postinst | grep -q "DKMS_NAME=op25b" ||
	fail "$dk: no dkms postinst"
dpkg-deb --ctrl-tarfile "$dk" | tar -xOf - ./postinst | grep -q "DKMS_VERSION=$VERSION" ||
	fail "$dk: the dkms postinst has another version"
log "$dk: /usr/src/op25b-$VERSION, Depends: $dep, dkms postinst/prerm"
