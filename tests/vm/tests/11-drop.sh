#!/bin/sh
# Action drop: the SYN vanishes, the client waits (here: until its 2 s
# connect timeout); still counted. Other ports are unaffected, and reject
# brings the fast refusal back. IPv4 and IPv6, forwarded and local.
# backends: kmod nft
. /vm/lib.sh
setup

op25bctl action drop
jq_check "$(status_json)" '.action == "drop"' "status: action drop"

for f in 4 6; do
	fam $f
	expect client "$INET" 25 timeout "" 2
	[ "$CONN_CS" -ge 195 ] || fail "timed out after $CONN_SECS s only"
	expect client "$INET" 587 ok
	expect gw "$INET" 25 timeout "" 1
done

js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | select(.source == "10.1.0.2" and .denied >= 1
	and .last_destination == detail("203.0.113.25") and .last_port == detail(25))] | length == 1' \
	"10.1.0.2 denied, last 203.0.113.25 port 25"
jq_check "$js" '[.sources[] | select(.source == "fd00:1::2" and .denied >= 1
	and .last_destination == detail("2001:db8:25::25") and .last_port == detail(25))] | length == 1' \
	"fd00:1::2 denied, last 2001:db8:25::25 port 25"
jq_check "$js" '[.sources[] | select(.source == "203.0.113.1" or .source == "2001:db8:25::1")] | length == 2' \
	"the gateway's own SYNs denied too"
jq_check "$js" '.totals.allowed == 0 and .totals.denied >= 4' "totals: nothing allowed"
check_totals "$js"

op25bctl action reject
jq_check "$(status_json)" '.action == "reject"' "status: action reject"
for f in 4 6; do
	fam $f
	expect client "$INET" 25 refused 0.5
done
