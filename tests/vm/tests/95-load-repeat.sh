#!/bin/sh
# load is atomic for the packet path: two files that both allow the MTA
# (10.0.0.5, fd00::5) but differ otherwise (1000 more allow entries and
# action reject; scope, exempt, one more port and action drop) are loaded
# back to back for several seconds while the MTA and the client connect to
# port 25 in loops, IPv4 and IPv6. The MTA is never refused, the client
# never gets through, and no load fails.
# backends: kmod nft
# (95-load-stream measures the same with thousands of lookups per second.)
. /vm/lib.sh
setup
SECS=8
# a debug kernel (OP25B_SLOW) connects and loads several times slower
[ "${OP25B_SLOW:-0}" = 0 ] || SECS=24
two_policies
op25bctl load "$A"
jq_check "$(status_json)" '.allow_entries == 1002 and .action == "reject"' "a.conf: 1002 entries"
op25bctl load "$B"
jq_check "$(status_json)" '.allow_entries == 4 and .action == "drop" and .ports == [2525, 25]
	and (.scope | length) == 2 and (.exempt | length) == 2' "b.conf: 4 entries, scope, exempt, drop"

# loops that append one line per attempt to $TMPDIR/NAME.log, until
# $TMPDIR/stop exists (a kill would miss the loops that ip netns exec forks)
STOP=$TMPDIR/stop
loads() {
	while [ ! -e "$STOP" ]; do
		for f in "$A" "$B"; do
			if out=$($CTL load "$f" 2>&1); then
				echo ok
			else
				echo "FAIL load $f: $out"
			fi
		done
	done >"$TMPDIR/loads.log" 2>&1 </dev/null &
	pids="$pids $!"
}
# conn NAME NS ADDR WANT: WANT ok (every connect must succeed) or blocked
conn() {
	on "$2" /bin/sh -c "while [ ! -e $STOP ]; do
		if /usr/bin/socat -T 2 /dev/null TCP:$3:25,connect-timeout=1 2>\"$TMPDIR/$1.err\"; then
			echo ok
		else
			echo \"blocked: \$(cat \"$TMPDIR/$1.err\")\"
		fi
	done" >"$TMPDIR/$1.log" 2>&1 </dev/null &
	pids="$pids $!"
}
pids=
loads
conn mta4 mta $V4_INET
conn mta6 mta "[$V6_INET]"
conn client4 client $V4_INET
conn client6 client "[$V6_INET]"
sleep $SECS
touch "$STOP"
# shellcheck disable=SC2086
wait $pids

count() { grep -c "$2" "$TMPDIR/$1.log"; }
n_loads=$(count loads '^ok$')
log "$n_loads loads in ${SECS} s"
bad=$(grep -v '^ok$' "$TMPDIR/loads.log" | head -n 5)
[ -z "$bad" ] || fail "loads failed: $bad"
[ "$n_loads" -ge 6 ] || fail "only $n_loads loads in $SECS s: too few to show anything"
for c in mta4 mta6; do
	ok=$(count $c '^ok$')
	refused=$(count $c '^blocked')
	log "$c: $ok connected, $refused refused"
	[ "$refused" = 0 ] || fail "$c: the MTA was refused $refused times during loads: $(grep -m 3 '^blocked' "$TMPDIR/$c.log")"
	[ "$ok" -ge 5 ] || fail "$c: only $ok connections in $SECS s: too few to show anything"
done
for c in client4 client6; do
	ok=$(count $c '^ok$')
	blocked=$(count $c '^blocked')
	log "$c: $blocked blocked, $ok connected"
	[ "$ok" = 0 ] || fail "$c: the client got through $ok times during loads"
	[ "$blocked" -ge 3 ] || fail "$c: only $blocked attempts in $SECS s: too few to show anything"
done

js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[].source] | sort == ["10.1.0.2", "fd00:1::2"]' "only the client denied"
check_totals "$js"
op25bctl load "$A"
jq_check "$(status_json)" '.allow_entries == 1002 and .action == "reject" and .ports == [25]
	and .scope == [] and .exempt == []' "after the loop: a.conf's policy, nothing of b.conf left"
expect mta $V4_INET 25 ok
expect client $V6_INET 25 refused 0.5
