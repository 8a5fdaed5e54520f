#!/bin/sh
# monitor under a flood: 5000 SYNs to port 25 as fast as trafgen sends them
# while "op25bctl -j monitor" listens. Events are rate-limited (some are
# suppressed), and nothing is lost uncounted: the events printed plus the
# "suppressed" counts they carry add up to every denial, once a last event
# after the flood has brought the pending count.
#
# PENDING (not run, not committed): fails at 4fe1395: events that overflow
# the listener's receive buffer are lost uncounted (genlmsg_multicast_netns's
# result is ignored in kmod/netlink.c, and op25bctl's monitor socket sets
# neither NETLINK_BROADCAST_ERROR nor a receive buffer that holds a second's
# budget). Move it to tests/vm/tests/ once fixed.
. /vm/lib.sh
setup
M=$TMPDIR/mon.json
N=5000

$CTL -j monitor >"$M" 2>"$TMPDIR/mon.err" </dev/null &
mon=$!
n=0
while ! grep -q '"203\.0\.113\.1"' "$M"; do
	expect gw $V4_INET 25 refused 0.5 >/dev/null
	sleep 0.3
	n=$((n + 1))
	[ "$n" -gt 10 ] && fail "the monitor printed nothing for 10 denials: $(cat "$M" "$TMPDIR/mon.err")"
done
op25bctl reset

cat >"$TMPDIR/syn.cfg" <<'EOT'
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, 0x00, 0x00, 0x40, 0x00, 64, 6, csumip(14, 33),
  10, 1, 0, 2,  203, 0, 113, 25,
  drnd(2), 0x00, 25,  drnd(4),  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, csumtcp(14, 34), 0x00, 0x00
}
EOT
now_cs
t0=$NOW
on client /usr/bin/timeout -k 1 30 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/syn.cfg" \
	--num $N --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats \
	>"$TMPDIR/trafgen.out" 2>&1 || fail "trafgen: $(cat "$TMPDIR/trafgen.out")"
now_cs
sent_cs=$((NOW - t0))
[ "$sent_cs" -gt 0 ] || sent_cs=1
log "$N SYNs sent in ${sent_cs}0 ms"
# a new budget second, then one more denial: its event carries what is pending
sleep 1.2
expect client $V4_INET 25 refused 0.5
n=0
until [ "$(grep -c '"10\.1\.0\.2"' "$M")" = "$last" ] && [ "$n" -gt 2 ]; do
	last=$(grep -c '"10\.1\.0\.2"' "$M")
	n=$((n + 1))
	sleep 0.3
done
kill -TERM $mon
wait $mon
assert_eq "$?" 0 "monitor exit status after SIGTERM"
[ -s "$TMPDIR/mon.err" ] && log "monitor said: $(cat "$TMPDIR/mon.err")"

js=$(stats_json)
jq_check "$js" "[.sources[] | [.source, .denied]] == [[\"10.1.0.2\", $N + 1]]" "$N + 1 denials from 10.1.0.2"
total=$((N + 1))
got=$(/usr/bin/jq -s -c '[.[] | select(.source == "10.1.0.2")]
	| {events: length, suppressed: (map(.suppressed // 0) | add)}' "$M") ||
	fail "monitor output is not JSON: $(head -c 1000 "$M")"
log "denied: $total; printed: $got"
if [ "${OP25B_SLOW:-0}" != 0 ] && [ $((N * 100 / sent_cs)) -le 1000 ]; then
	# a debug kernel may not send faster than the budget of 1000 events a
	# second: nothing to suppress then (make check asserts it)
	log "$((N * 100 / sent_cs)) SYNs a second, within the budget: the rate limit not exercised"
else
	jq_check "$got" '.suppressed > 0' "the rate limit engaged: some events suppressed"
fi
# the flood lasts under a second; on a debug kernel as long as it takes
max=2001
[ "${OP25B_SLOW:-0}" = 0 ] || max=$((1000 * (sent_cs / 100 + 2) + 1))
jq_check "$got" ".events <= $max" "at most 1000 events a second"
jq_check "$got" ".events + .suppressed == $total" \
	"events printed + suppressed == denials ($total): none lost uncounted"
