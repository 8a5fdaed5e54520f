#!/bin/sh
# Scope (staged rollout): once the scope list is not empty, only sources
# inside it are enforced; the others pass and are counted as audited. The
# prefix boundary holds (10.1.0.0/25 holds 10.1.0.2, not 10.1.0.200), inbound
# mail from inet to the MTA passes when the scope covers only inside
# networks, and flushing the scope enforces everywhere again. IPv4 and IPv6.
# backends: kmod nft
. /vm/lib.sh
setup
listen mta 25
wait_listen mta 25
# without a scope, everybody is enforced: the MTA (not allowlisted) and
# inbound connections to the MTA's port 25 alike
expect mta $V4_INET 25 refused 0.5
expect inet $V4_MTA 25 refused 0.5
op25bctl reset

op25bctl scope add 10.1.0.0/16
op25bctl scope add fd00:1::/64
st=$(status_json)
log "status: $st"
jq_check "$st" '.scope == ["10.1.0.0/16", "fd00:1::/64"] and .mode == "enforce"' \
	"status -j: the scope, mode enforce"
txt=$(op25bctl scope list)
case $txt in *10.1.0.0/16*fd00:1::/64*) ;; *) fail "scope list: $txt" ;; esac

for f in 4 6; do
	fam $f
	expect client "$INET" 25 refused 0.5
	expect mta "$INET" 25 ok
	expect inet "$MTA" 25 ok
done
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | [.source, .denied, .audited, .last_destination, .last_port]] | sort == [
	["10.0.0.5", 0, 1, detail("203.0.113.25"), detail(25)],
	["10.1.0.2", 1, 0, detail("203.0.113.25"), detail(25)],
	["2001:db8:25::25", 0, 1, detail("fd00::5"), detail(25)],
	["203.0.113.25", 0, 1, detail("10.0.0.5"), detail(25)],
	["fd00:1::2", 1, 0, detail("2001:db8:25::25"), detail(25)],
	["fd00::5", 0, 1, detail("2001:db8:25::25"), detail(25)]]' \
	"inside: denied; outside (the MTA, inbound from inet): audited"
jq_check "$js" '.totals == {"inspected": 6, "allowed": 0, "denied": 2, "untracked": 0, "audited": 4, "exempt": 0}' \
	"totals: 6 inspected, 2 denied, 4 audited"
check_totals "$js"

# a narrower scope: the boundary inside one subnet
ip -n client -batch - <<-EOT || fail "extra client addresses"
addr add 10.1.0.200/24 dev eth0
addr add fd00:1::200/64 dev eth0 nodad
EOT
op25bctl scope del 10.1.0.0/16
op25bctl scope del fd00:1::/64
op25bctl scope add 10.1.0.0/25
op25bctl scope add fd00:1::/121
jq_check "$(status_json)" '.scope == ["10.1.0.0/25", "fd00:1::/121"]' "status -j: the narrower scope"
expect client $V4_INET 25 refused 0.5 3 10.1.0.2
expect client $V4_INET 25 ok "" 3 10.1.0.200
expect client $V6_INET 25 refused 0.5 3 fd00:1::2
expect client $V6_INET 25 ok "" 3 fd00:1::200
jq_check "$(stats_json)" '[.sources[] | select(.source == "10.1.0.200" or .source == "fd00:1::200")
	| [.source, .denied, .audited]] | sort == [["10.1.0.200", 0, 1], ["fd00:1::200", 0, 1]]' \
	"10.1.0.200 and fd00:1::200 (outside): audited"

# allowed comes before the scope: an allowlisted source inside is allowed
op25bctl allow 10.1.0.2
before=$(jqr "$(stats_json)" '.totals.allowed')
expect client $V4_INET 25 ok "" 3 10.1.0.2
assert_eq "$(jqr "$(stats_json)" '.totals.allowed')" "$((before + 1))" "allowed"
op25bctl remove 10.1.0.2

# del of an absent prefix fails and changes nothing; bad prefixes are usage errors
st=$(status_json)
ctl_expect 1 scope del 10.1.0.0/16
ctl_expect 1 scope del 10.1.0.0/24
ctl_expect 2 scope add 10.1.0.1/24
ctl_expect 2 scope add 10.1.0.300
ctl_expect 2 scope add
ctl_expect 2 scope bogus 10.1.0.0/24
ctl_expect 2 scope add 10.1.0.0/24 extra
assert_eq "$(status_json)" "$st" "status -j unchanged"

# an empty scope enforces everywhere again
op25bctl scope flush
jq_check "$(status_json)" '.scope == []' "status -j: scope empty"
for f in 4 6; do
	fam $f
	expect mta "$INET" 25 refused 0.5
	expect inet "$MTA" 25 refused 0.5
done
check_totals "$(stats_json)"
