#!/bin/sh
# Prefix entries: members reach port 25, the addresses just outside do not.
# 10.1.0.0/28 holds 10.1.0.2 and 10.1.0.15 but not 10.1.0.16; fd00:1::/124
# holds fd00:1::2 and fd00:1::f but not fd00:1::10. /0 allows a whole family.
# backends: kmod nft
. /vm/lib.sh
setup
ip -n client -batch - <<-EOT || fail "extra client addresses"
addr add 10.1.0.15/24 dev eth0
addr add 10.1.0.16/24 dev eth0
addr add fd00:1::f/64 dev eth0 nodad
addr add fd00:1::10/64 dev eth0 nodad
EOT

op25bctl allow 10.1.0.0/28
op25bctl allow fd00:1::/124
lj=$(list_json)
log "list: $lj"
jq_check "$lj" '.allow | sort == ["10.1.0.0/28", "fd00:1::/124"]' "list -j shows the prefixes"

expect client $V4_INET 25 ok "" 3 10.1.0.2
expect client $V4_INET 25 ok "" 3 10.1.0.15
expect client $V4_INET 25 refused 0.5 3 10.1.0.16
expect client $V6_INET 25 ok "" 3 fd00:1::2
expect client $V6_INET 25 ok "" 3 fd00:1::f
expect client $V6_INET 25 refused 0.5 3 fd00:1::10
expect mta $V4_INET 25 refused 0.5
expect mta $V6_INET 25 refused 0.5

js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[].source] | sort == ["10.0.0.5", "10.1.0.16", "fd00:1::10", "fd00::5"]' \
	"denied sources: exactly the non-members"
jq_check "$js" '.totals.allowed == 4 and .totals.denied == 4' "4 allowed, 4 denied"

# the default route: every IPv4 source, no IPv6 one
op25bctl allow 0.0.0.0/0
expect mta $V4_INET 25 ok
expect mta $V6_INET 25 refused 0.5
op25bctl allow ::/0
expect mta $V6_INET 25 ok
jq_check "$(list_json)" '.allow | sort == ["0.0.0.0/0", "10.1.0.0/28", "::/0", "fd00:1::/124"]' \
	"list -j with /0 entries"
