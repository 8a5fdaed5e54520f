#!/bin/sh
# The installed tree, as "make install" puts it in the VM's root (tests/vm/
# run.sh): the steps of the installed op25b.service run as systemd would run
# them. Start: modprobe op25b (the module from /lib/modules/KREL/extra, its
# dependencies through modules.dep), the installed op25bctl loads the
# shipped /etc/op25b.conf (audit mode): a client's SYN to port 25 passes and
# is counted as audited. Reload of a broken file: exit 2, FILE:LINE, the
# running policy unchanged; of a good one: applied. Stop: filtering stops.
. /vm/lib.sh
UNIT=/usr/local/lib/systemd/system/op25b.service
CONF=/etc/op25b.conf
for f in /usr/local/sbin/op25bctl "$CONF" "$UNIT" "/lib/modules/$(uname -r)/extra/op25b.ko" \
	/usr/local/share/man/man8/op25bctl.8 /usr/local/share/bash-completion/completions/op25bctl; do
	[ -f "$f" ] || fail "$f is not installed in the VM (make install into the VM root failed: build/vm/install.log)"
done
log "installed: op25bctl, $CONF, the unit, op25b.ko, the man page, the completion"
# the installed op25bctl, not the harness's copy
CTL=/usr/local/sbin/op25bctl

# unit KEY: run the unit's KEY= command line (a leading '-' ignored, as
# systemd does, but the status is kept); UNIT_OUT, UNIT_RC. The VM has no
# /sbin/modprobe (nothing may load modules behind the tests' back):
# busybox's /bin/modprobe stands in, with the same modules.dep.
unit() {
	_l=$(sed -n "s/^$1=//p" "$UNIT")
	[ -n "$_l" ] || fail "no $1= in $UNIT"
	_l=${_l#-}
	case $_l in /sbin/modprobe\ *) _l="/bin/modprobe ${_l#/sbin/modprobe }" ;; esac
	UNIT_OUT=$(eval "$_l" 2>&1 </dev/null)
	UNIT_RC=$?
	log "$1: $_l: exit $UNIT_RC${UNIT_OUT:+: $UNIT_OUT}"
}
unit_ok() {
	unit "$1"
	[ "$UNIT_RC" = 0 ] || fail "$1 failed"
}

topo_setup
op25b_loaded && op25b_unload
grep -q '^mode audit$' "$CONF" || fail "the shipped $CONF is not in audit mode"

# start; modprobe must load what op25b depends on (modinfo: depends) first
deps=$(modinfo -F depends "/lib/modules/$(uname -r)/extra/op25b.ko" | tr ',' ' ')
# (none on a kernel with everything built in: the debug kernel)
[ -n "$deps" ] || [ ! -s /vm/modules.list ] || fail "op25b.ko depends on nothing?"
for m in $deps; do
	rmmod "$m" 2>/dev/null || log "$m could not be unloaded (in use): modprobe finds it loaded"
done
unit ExecStartPre
if [ "$UNIT_RC" != 0 ]; then
	# leave the modules the next tests need as /init loaded them
	while read -r m; do insmod "/vm/modules/$m" 2>/dev/null; done </vm/modules.list
	fail "ExecStartPre failed"
fi
op25b_loaded || fail "op25b not loaded after ExecStartPre"
for m in $deps; do
	grep -q "^$m " /proc/modules || fail "$m not loaded by modprobe op25b"
done
log "loaded by modprobe op25b: op25b $deps"
unit_ok ExecStart
unit_ok ExecStartPost
st=$(status_json)
log "status: $st"
jq_check "$st" '.enabled == true and .mode == "audit" and .action == "reject" and .ports == [25]
	and .allow_entries == 0 and .scope == [] and .exempt == []' "status: the shipped file's policy (audit)"
txt=$(op25bctl status)
case $txt in *"mode: audit"*) ;; *) fail "status does not say audit: $txt" ;; esac
for f in 4 6; do
	fam $f
	expect client "$INET" 25 ok
done
sj=$(stats_json)
jq_check "$sj" '.totals.audited == 2 and .totals.denied == 0' "2 SYNs audited, none denied"
jq_check "$sj" '[.sources[] | select(.source == "10.1.0.2" or .source == "fd00:1::2") | .audited] == [1, 1]' \
	"the client's SYNs counted against it as audited"
check_totals "$sj"

# reload with a broken file: fails, says where, the running policy stays
s1=$(op25bctl save) || fail "$s1"
cp "$CONF" "$TMPDIR/good.conf"
{ cat "$TMPDIR/good.conf"; echo "allow 10.0.0.300"; } >"$CONF"
n=$(wc -l <"$CONF")
unit ExecReload
assert_eq "$UNIT_RC" 2 "ExecReload of a broken file: exit status"
case $UNIT_OUT in *"$CONF:$n:"*) ;; *) fail "ExecReload of a broken file does not name $CONF:$n: $UNIT_OUT" ;; esac
assert_eq "$(op25bctl save)" "$s1" "save unchanged by the broken file"
jq_check "$(status_json)" '.mode == "audit" and .enabled == true' "still audit, enabled"

# reload with an edited file: enforce, the MTA allowed, the relay exempt
sed -e 's/^mode audit$/mode enforce/' -e 's/^#allow 192.0.2.25 .*/allow 10.0.0.5/' \
	-e 's/^#exempt 10.0.0.25 .*/exempt 10.0.0.0\/24/' "$TMPDIR/good.conf" >"$CONF"
unit_ok ExecReload
jq_check "$(status_json)" '.mode == "enforce" and .allow_entries == 1 and .exempt == ["10.0.0.0/24"]' \
	"the edited file applied"
listen mta 25
wait_listen mta 25
expect client $V4_INET 25 refused 0.5
expect mta $V4_INET 25 ok
expect client $V4_MTA 25 ok

# stop: filtering stops, the module and the counters stay
unit_ok ExecStop
jq_check "$(status_json)" '.enabled == false' "disabled after ExecStop"
expect client $V4_INET 25 ok
op25b_loaded || fail "op25b unloaded by ExecStop"
# start again (restart): enforcing again, modprobe of a loaded module is fine
unit_ok ExecStartPre
unit_ok ExecStart
unit_ok ExecStartPost
jq_check "$(status_json)" '.enabled == true and .mode == "enforce"' "enabled again after a restart"
expect client $V4_INET 25 refused 0.5
dmesg_clean
