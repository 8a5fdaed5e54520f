#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install / uninstall into a DESTDIR: exactly the expected files, with
# the paths substituted; the installed op25bctl runs; an existing
# /etc/op25b.conf is never overwritten; uninstall removes every file, and
# keeps an edited /etc/op25b.conf.
. "$TOP/tests/pkg/lib.sh"
cloud_kernel
M="make -s -C $TOP KDIR=$KDIR"
D=$TMPDIR/root

# files under DIR, one per line, sorted, relative
files() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort); }

$M install DESTDIR="$D" >"$TMPDIR/install.log" 2>&1 || fail "make install: $(cat "$TMPDIR/install.log")"
got=$(files "$D")
want="etc/op25b.conf
lib/modules/$KREL/extra/op25b.ko
usr/local/lib/systemd/system/op25b.service
usr/local/sbin/op25bctl
usr/local/share/bash-completion/completions/op25bctl
usr/local/share/man/man8/op25bctl.8"
[ "$got" = "$want" ] || fail "make install DESTDIR: files
$got
want
$want"
log "make install DESTDIR: $(echo $got)"
cmp -s "$D/etc/op25b.conf" "$TOP/etc/op25b.conf" || fail "etc/op25b.conf differs from the example"
grep -q '^mode audit$' "$D/etc/op25b.conf" || fail "the example config does not start in audit mode"
assert_eq "$(stat -c %a "$D/usr/local/sbin/op25bctl")" 755 "op25bctl mode"
assert_eq "$(stat -c %a "$D/etc/op25b.conf")" 644 "op25b.conf mode"
U=$D/usr/local/lib/systemd/system/op25b.service
grep -q '@' "$U" && fail "op25b.service: an unsubstituted @VAR@: $(grep '@' "$U")"
assert_eq "$(sed -n 's/^ExecStart=//p' "$U")" "/usr/local/sbin/op25bctl load /etc/op25b.conf" "op25b.service ExecStart"
assert_eq "$(sed -n 's/^ExecReload=//p' "$U")" "/usr/local/sbin/op25bctl load /etc/op25b.conf" "op25b.service ExecReload"
assert_eq "$(sed -n 's/^ExecStartPre=//p' "$U")" "/sbin/modprobe op25b" "op25b.service ExecStartPre"
assert_eq "$(modinfo -F vermagic "$D/lib/modules/$KREL/extra/op25b.ko" | awk '{print $1}')" "$KREL" "installed op25b.ko vermagic"
assert_eq "$(modinfo -F depends "$D/lib/modules/$KREL/extra/op25b.ko" | tr ',' '\n' | sort | tr '\n' ' ')" \
	"nf_reject_ipv4 nf_reject_ipv6 " "installed op25b.ko depends (modprobe loads them first)"
"$D/usr/local/sbin/op25bctl" help >/dev/null || fail "the installed op25bctl help: exit $?"
cmp -s "$D/usr/local/share/man/man8/op25bctl.8" "$TOP/docs/op25bctl.8" || fail "man page differs"

# an admin's config is never overwritten, and uninstall keeps it
echo "mode enforce # mine" >"$D/etc/op25b.conf"
$M install-tools DESTDIR="$D" >"$TMPDIR/install2.log" 2>&1 || fail "make install-tools again: $(cat "$TMPDIR/install2.log")"
assert_eq "$(cat "$D/etc/op25b.conf")" "mode enforce # mine" "an existing op25b.conf after make install"
$M uninstall DESTDIR="$D" >"$TMPDIR/uninstall.log" 2>&1 || fail "make uninstall: $(cat "$TMPDIR/uninstall.log")"
assert_eq "$(files "$D")" "etc/op25b.conf" "after make uninstall, an edited op25b.conf only"
grep -q 'left in place' "$TMPDIR/uninstall.log" || fail "uninstall does not say it kept the config"

# an unchanged example goes with uninstall; nothing else remains
rm -rf "$D"
$M install DESTDIR="$D" >/dev/null 2>&1 || fail "make install (2)"
$M uninstall DESTDIR="$D" >/dev/null 2>&1 || fail "make uninstall (2)"
assert_eq "$(files "$D")" "" "after make install; make uninstall: files left"

# PREFIX=/usr and the tools alone (what the Debian package takes), and the
# DKMS source tree
rm -rf "$D"
$M install-tools install-dkms-src DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system >/dev/null 2>&1 ||
	fail "make install-tools install-dkms-src PREFIX=/usr"
got=$(files "$D" | grep -v '^usr/src/')
want="etc/op25b.conf
lib/systemd/system/op25b.service
usr/sbin/op25bctl
usr/share/bash-completion/completions/op25bctl
usr/share/man/man8/op25bctl.8"
[ "$got" = "$want" ] || fail "install-tools PREFIX=/usr: files
$got
want
$want"
assert_eq "$(sed -n 's/^ExecStart=//p' "$D/lib/systemd/system/op25b.service")" \
	"/usr/sbin/op25bctl load /etc/op25b.conf" "PREFIX=/usr: ExecStart"
S=$D/usr/src/op25b-$VERSION
for f in dkms.conf Kbuild kmod/main.c kmod/op25b.h include/uapi/linux/op25b.h; do
	[ -f "$S/$f" ] || fail "install-dkms-src: $S/$f missing"
done
log "install-dkms-src: /usr/src/op25b-$VERSION with dkms.conf, Kbuild, kmod/, the uapi header"
$M uninstall-tools DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system >/dev/null 2>&1 || fail "make uninstall-tools PREFIX=/usr"
assert_eq "$(files "$D" | grep -v '^usr/src/')" "" "after uninstall-tools PREFIX=/usr: files left"
$M uninstall-dkms-src DESTDIR="$D" >/dev/null 2>&1 || fail "make uninstall-dkms-src"
assert_eq "$(files "$D")" "" "after uninstall-dkms-src: files left"
