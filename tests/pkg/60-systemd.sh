#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# op25b.service as installed: systemd-analyze verify is quiet (the paths
# exist: installed under a temporary PREFIX), and the unit is what the
# issue asks: oneshot, loads the module then the policy, reload = load.
. "$TOP/tests/pkg/lib.sh"
need systemd-analyze
P=$TMPDIR/usr
make -s -C "$TOP" install-tools PREFIX="$P" SYSCONFDIR="$TMPDIR/etc" >"$TMPDIR/log" 2>&1 ||
	fail "make install-tools: $(cat "$TMPDIR/log")"
U=$P/lib/systemd/system/op25b.service
out=$(MANPATH=$P/share/man: SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "$U" 2>&1) ||
	fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"
log "systemd-analyze verify: quiet"
key() { sed -n "s/^$1=//p" "$U"; }
assert_eq "$(key Type)" oneshot "Type"
assert_eq "$(key RemainAfterExit)" yes "RemainAfterExit"
assert_eq "$(key ExecStartPre)" "/sbin/modprobe op25b" "ExecStartPre"
assert_eq "$(key ExecStart)" "$P/sbin/op25bctl load $TMPDIR/etc/op25b.conf" "ExecStart"
assert_eq "$(key ExecStartPost)" "$P/sbin/op25bctl enable" "ExecStartPost"
assert_eq "$(key ExecReload)" "$(key ExecStart)" "ExecReload"
assert_eq "$(key ExecStop)" "$P/sbin/op25bctl disable" "ExecStop"
assert_eq "$(key Before)" network-pre.target "Before"
grep -q '^Conflicts=.*shutdown' "$U" && fail "stopped at shutdown: enforcement would end before the network does"
# the installed example configuration parses (exit 1 here: no module on
# the host; 2 would be a parse error). The VM test loads it for real.
out=$($(key ExecStart) 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "ExecStart on the host: exit $rc, want 1 (module not loaded): $out"
log "ExecStart on the host: exit 1: $out"
