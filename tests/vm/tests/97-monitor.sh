#!/bin/sh
# monitor: "op25bctl -j monitor" streams one JSON object per denied or
# audited SYN (source, source port, destination, port, verdict, hook, output
# device), forwarded and local, IPv4 and IPv6; "op25bctl monitor" prints a
# line per event; allowed and exempt SYNs make no event. SIGTERM ends both
# with exit status 0.
. /vm/lib.sh
setup
op25bctl allow 10.0.0.5
op25bctl exempt add 192.0.2.0/24
M=$TMPDIR/mon.json
T=$TMPDIR/mon.txt

$CTL -j monitor >"$M" 2>"$TMPDIR/mon.err" </dev/null &
mon=$!
$CTL monitor >"$T" 2>"$TMPDIR/mont.err" </dev/null &
mont=$!

# events_of SOURCE: the JSON events from SOURCE so far, one per line
events_of() {
	/usr/bin/jq -c --arg s "$1" 'select(.source == $s)' "$M" 2>"$TMPDIR/jq.err" ||
		fail "monitor output is not one JSON object per line: $(cat "$TMPDIR/jq.err"): $(head -c 2000 "$M")"
}
# wait_event SOURCE: until the monitor printed an event from SOURCE (5 s)
wait_event() {
	_n=0
	while [ -z "$(events_of "$1")" ]; do
		_n=$((_n + 1))
		[ "$_n" -gt 25 ] && fail "no event from $1 within 5 s; monitor printed: $(cat "$M") $(cat "$TMPDIR/mon.err")"
		sleep 0.2
	done
}

# Until both monitors listen: denials from the gateway itself, one at a time,
# until both printed one (a SYN sent before they joined makes no event).
n=0
while :; do
	expect gw $V4_INET 25 refused 0.5 >/dev/null
	sleep 0.3
	[ -n "$(events_of 203.0.113.1)" ] && grep -q 203.0.113.1 "$T" && break
	n=$((n + 1))
	[ "$n" -gt 10 ] && fail "the monitors printed nothing for 10 denials: $(cat "$M" "$T" "$TMPDIR/mon.err" "$TMPDIR/mont.err")"
done
kill -0 $mon || fail "monitor -j is not running"
log "monitors listening after $((n + 1)) denials from the gateway"
ev=$(events_of 203.0.113.1 | tail -n 1)
log "event: $ev"
jq_check "$ev" '.verdict == "denied" and .destination == "203.0.113.25" and .port == 25
	and .hook != "forward" and (.hook | type) == "string" and .out == "veth-inet"
	and (.source_port | type) == "number" and .source_port > 0 and .time != null' \
	"a local denial: denied, 203.0.113.25:25, a local hook, out veth-inet"

# one event per denied connection, with its details (from a known port)
for f in 4 6; do
	fam $f
	a=$INET
	case $a in *:*) a="[$a]" ;; esac
	out=$(on client /usr/bin/timeout -k 1 5 /usr/bin/socat -T 1 /dev/null \
		"TCP:$a:25,connect-timeout=2,sourceport=4002$f" 2>&1) &&
		fail "client -> $INET port 25 from port 4002$f: connected"
	case $out in *refused*) ;; *) fail "client -> $INET port 25 from port 4002$f: $out" ;; esac
	wait_event "$CLIENT"
	ev=$(events_of "$CLIENT")
	log "event: $ev"
	assert_eq "$(printf '%s\n' "$ev" | wc -l)" 1 "events from $CLIENT"
	jq_check "$ev" ".verdict == \"denied\" and .destination == \"$INET\" and .port == 25
		and .source_port == 4002$f and .hook == \"forward\" and .out == \"veth-inet\"" \
		"$CLIENT:4002$f -> $INET:25: denied, forward, out veth-inet"
done
case $(cat "$T") in *10.1.0.2*203.0.113.25*) ;; *) fail "text monitor lacks 10.1.0.2 -> 203.0.113.25: $(cat "$T")" ;; esac
case $(cat "$T") in *fd00:1::2*2001:db8:25::25*) ;; *) fail "text monitor lacks fd00:1::2 -> 2001:db8:25::25: $(cat "$T")" ;; esac

# allowed, exempt and not blocked: no event
ip -n inet addr add 192.0.2.1/32 dev lo || fail "192.0.2.1 on inet"
ip route add 192.0.2.1/32 via $V4_INET || fail "route to 192.0.2.1"
expect mta $V4_INET 25 ok
expect client 192.0.2.1 25 ok
expect mta $V6_INET 587 ok
sleep 0.3
assert_eq "$(events_of 10.0.0.5)$(events_of fd00::5)$(events_of 10.1.0.2 | grep -c 192.0.2.1)" "0" \
	"no event for the allowed MTA, the exempt destination or a port not blocked"
jq_check "$(stats_json)" '.totals.exempt == 1 and .totals.allowed == 1' "1 exempt and 1 allowed SYN seen"

# audit: an "audited" event for a connection that passes
op25bctl mode audit
expect mta $V6_INET 25 ok
wait_event fd00::5
ev=$(events_of fd00::5)
log "event: $ev"
jq_check "$ev" '.verdict == "audited" and .destination == "2001:db8:25::25" and .port == 25
	and .hook == "forward" and .out == "veth-inet"' "fd00::5 in audit mode: an audited event"

lines=$(wc -l <"$M")
valid=$(/usr/bin/jq -c 'select(type == "object" and has("time") and has("verdict") and has("source")
	and has("source_port") and has("destination") and has("port") and has("hook") and has("out"))' "$M" | wc -l)
assert_eq "$valid" "$lines" "every line a JSON object with all the keys"

kill -TERM $mon
wait $mon
assert_eq "$?" 0 "monitor -j exit status after SIGTERM"
kill -TERM $mont
wait $mont
assert_eq "$?" 0 "monitor exit status after SIGTERM"
[ ! -s "$TMPDIR/mon.err" ] || fail "monitor -j wrote to stderr: $(cat "$TMPDIR/mon.err")"
