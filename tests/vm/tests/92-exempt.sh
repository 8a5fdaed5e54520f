#!/bin/sh
# Exempt destinations (internal relays): any source reaches them on the
# blocked ports, counted in totals.exempt and against no source, while the
# internet stays refused. The exempt list matches destinations only, and it
# comes first: before the allowlist and before audit. IPv4 and IPv6.
# backends: kmod nft
. /vm/lib.sh
setup
listen mta 25
wait_listen mta 25

expect client $V4_MTA 25 refused 0.5
expect client $V6_MTA 25 refused 0.5
op25bctl reset

op25bctl exempt add 10.0.0.0/24
op25bctl exempt add fd00::/64
st=$(status_json)
log "status: $st"
jq_check "$st" '.exempt == ["10.0.0.0/24", "fd00::/64"] and .scope == []' "status -j: the exempt list"
txt=$(op25bctl exempt list)
case $txt in *10.0.0.0/24*fd00::/64*) ;; *) fail "exempt list: $txt" ;; esac

for f in 4 6; do
	fam $f
	expect client "$MTA" 25 ok
	expect client "$INET" 25 refused 0.5
	expect gw "$MTA" 25 ok
done
js=$(stats_json)
log "stats: $js"
jq_check "$js" '.totals == {"inspected": 6, "allowed": 0, "denied": 2, "untracked": 0, "audited": 0, "exempt": 4}' \
	"totals: 6 inspected, 4 exempt, 2 denied"
jq_check "$js" '[.sources[] | [.source, .denied, .audited, .last_destination]] | sort ==
	[["10.1.0.2", 1, 0, detail("203.0.113.25")], ["fd00:1::2", 1, 0, detail("2001:db8:25::25")]]' \
	"exempt connections counted against no source"
check_totals "$js"

# a prefix holding the source does not exempt anything
op25bctl exempt add 10.1.0.0/24
expect client $V4_INET 25 refused 0.5

# exempt comes before the allowlist and before audit
op25bctl allow 10.1.0.2
op25bctl mode audit
op25bctl reset
expect client $V4_MTA 25 ok
expect client $V6_MTA 25 ok
expect client $V6_INET 25 ok
jq_check "$(stats_json)" '.totals == {"inspected": 3, "allowed": 0, "denied": 0, "untracked": 0, "audited": 1, "exempt": 2}' \
	"allowlisted or audited sources to an exempt destination: counted as exempt"
op25bctl mode enforce
op25bctl remove 10.1.0.2

# del and flush: the relay is refused again
st=$(status_json)
ctl_expect 1 exempt del 10.0.0.0/16
ctl_expect 1 exempt del 10.0.0.5
ctl_expect 2 exempt add 10.0.0.1/24
ctl_expect 2 exempt add fd00::g
ctl_expect 2 exempt
assert_eq "$(status_json)" "$st" "status -j unchanged by failed commands"
op25bctl exempt del 10.0.0.0/24
expect client $V4_MTA 25 refused 0.5
expect client $V6_MTA 25 ok
op25bctl exempt flush
jq_check "$(status_json)" '.exempt == []' "status -j: exempt list empty"
expect client $V6_MTA 25 refused 0.5
check_totals "$(stats_json)"
