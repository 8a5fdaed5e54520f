#!/bin/sh
# The gateway's own processes go through LOCAL_OUT: a connection to an
# outside port 25 is refused at once (connect() gets ECONNREFUSED), while
# 127.0.0.1:25, [::1]:25 and the gateway's own addresses (all over
# loopback) stay reachable and are not even inspected. Clients connecting to
# the gateway itself are inbound, not filtered.
# backends: kmod nft
. /vm/lib.sh
setup
listen gw 25
wait_listen gw 25

for f in 4 6; do
	fam $f
	expect gw "$INET" 25 refused 0.5
	expect gw "$INET" 587 ok
done
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | select(.source == "203.0.113.1") | .denied == 1 and .last_destination == detail("203.0.113.25") and .last_port == detail(25)] == [true]' \
	"203.0.113.1 (the gateway) denied once, to 203.0.113.25 port 25"
jq_check "$js" '[.sources[] | select(.source == "2001:db8:25::1") | .denied == 1 and .last_destination == detail("2001:db8:25::25") and .last_port == detail(25)] == [true]' \
	"2001:db8:25::1 (the gateway) denied once, to 2001:db8:25::25 port 25"
jq_check "$js" '.totals.inspected == 2' "2 inspected"

for a in 127.0.0.1 ::1 $V4_GW_CLIENT $V6_GW_CLIENT $V4_GW_INET $V6_GW_INET; do
	expect gw "$a" 25 ok
done
for f in 4 6; do
	fam $f
	expect client "$GW_CLIENT" 25 ok
done
jq_check "$(stats_json)" '.totals == {"inspected": 2, "allowed": 0, "denied": 2, "untracked": 0, "audited": 0, "exempt": 0}' \
	"loopback and inbound connections not inspected"

# the allowlist applies to the gateway's own addresses too
op25bctl allow 203.0.113.1
expect gw $V4_INET 25 ok
expect gw $V6_INET 25 refused 0.5
op25bctl allow 2001:db8:25::1
expect gw $V6_INET 25 ok
jq_check "$(stats_json)" '.totals.allowed == 2' "2 allowed"
