#!/bin/sh
# Blocked ports: "port 25,2525" blocks both (counted with the port as
# last_port), 587 stays open; "port 587" alone opens 25 again; up to 8
# ports. Bad port lists are usage errors (exit 2) that change nothing.
# IPv4 and IPv6.
# backends: kmod nft
. /vm/lib.sh
setup
listen inet 2525
wait_listen inet 2525

expect client $V4_INET 2525 ok
jq_check "$(status_json)" '.ports == [25]' "status -j: ports [25]"

op25bctl port 25,2525
jq_check "$(status_json)" '.ports == [25, 2525]' "status -j: ports [25, 2525]"
txt=$(op25bctl status)
case $txt in *25*2525*) ;; *) fail "text status lacks the ports: $txt" ;; esac
for f in 4 6; do
	fam $f
	expect client "$INET" 25 refused 0.5
	expect client "$INET" 2525 refused 0.5
	expect client "$INET" 587 ok
	expect client "$INET" 465 ok
done
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | [.source, .denied, .last_port]] | sort == [["10.1.0.2", 2, detail(2525)], ["fd00:1::2", 2, detail(2525)]]' \
	"2 denied each, last port 2525"
jq_check "$js" '.totals.inspected == 4 and .totals.denied == 4' "465 and 587 not inspected"

op25bctl port 587
jq_check "$(status_json)" '.ports == [587]' "status -j: ports [587]"
for f in 4 6; do
	fam $f
	expect client "$INET" 25 ok
	expect client "$INET" 2525 ok
	expect client "$INET" 587 refused 0.5
done
jq_check "$(stats_json)" '[.sources[] | [.source, .denied, .last_port]] | sort == [["10.1.0.2", 3, detail(587)], ["fd00:1::2", 3, detail(587)]]' \
	"587 denied, last port 587"

# eight ports, the most
op25bctl port 2525,1,2,3,4,5,6,65535
jq_check "$(status_json)" '.ports == [2525, 1, 2, 3, 4, 5, 6, 65535]' "eight ports, in the order given"
expect client $V4_INET 2525 refused 0.5
expect client $V4_INET 25 ok

op25bctl port 25,2525
st=$(status_json)
set -f
for a in 0 65536 99999999999 1,2,3,4,5,6,7,8,9 25,25 25x x25 -1 +25 "" "," "25," ,25 25,,2525 "25 2525" 0x19 " 25"; do
	ctl_expect 2 port "$a"
	[ -n "$CTL_OUT" ] || fail "port '$a': exit 2 without a message"
done
ctl_expect 2 port
ctl_expect 2 port 25 2525
set +f
assert_eq "$(status_json)" "$st" "status -j unchanged by bad port lists"
expect client $V4_INET 2525 refused 0.5
expect client $V4_INET 587 ok
