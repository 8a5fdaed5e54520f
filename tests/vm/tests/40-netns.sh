#!/bin/sh
# Every netns has its own op25b: a new one starts disabled with an empty
# allowlist and zero counters, while the gateway (init netns) has entries;
# until enabled there it filters nothing; changes in one netns never show in
# another. Deleting a netns with op25b state is clean.
. /vm/lib.sh
setup

op25bctl allow 10.0.0.5
expect client $V4_INET 25 refused 0.5
gw_list=$(list_json)
gw_stats=$(stats_json)

# other <-> other2, a link that does not touch the gateway
ip -batch - <<-EOT || fail "other namespaces"
netns add other
netns add other2
link add eth0 netns other type veth peer name eth0 netns other2
EOT
ip -n other -batch - <<-EOT || fail "other"
link set lo up
link set eth0 up
addr add 192.0.2.1/24 dev eth0
addr add 2001:db8:99::1/64 dev eth0 nodad
EOT
ip -n other2 -batch - <<-EOT || fail "other2"
link set lo up
link set eth0 up
addr add 192.0.2.2/24 dev eth0
addr add 2001:db8:99::2/64 dev eth0 nodad
EOT
listen other2 25
wait_listen other2 25

st=$(status_json other)
log "status in other: $st"
jq_check "$st" '.enabled == false and .allow_entries == 0
	and .totals == {"inspected": 0, "allowed": 0, "denied": 0, "untracked": 0, "audited": 0, "exempt": 0}' \
	"other: disabled, empty allowlist, zero totals"
jq_check "$(list_json other)" '.allow == []' "other: list -j empty"
jq_check "$(stats_json other)" '.sources == [] and .totals.denied == 0' "other: stats -j empty"

# not enabled: not filtered, not even inspected
expect other 192.0.2.2 25 ok
expect other 2001:db8:99::2 25 ok
jq_check "$(status_json other)" '.totals.inspected == 0' "other: nothing inspected while disabled"

op25bctl -n other enable
jq_check "$(status_json other)" '.enabled == true and .action == "reject"' "other: enabled, reject"
expect other 192.0.2.2 25 refused 0.5
expect other 2001:db8:99::2 25 refused 0.5
js=$(stats_json other)
log "stats in other: $js"
jq_check "$js" '[.sources[] | [.source, .denied, .last_destination, .last_port]] | sort
	== [["192.0.2.1", 1, "192.0.2.2", 25], ["2001:db8:99::1", 1, "2001:db8:99::2", 25]]' \
	"other: its own two sources"

op25bctl -n other allow 192.0.2.1
expect other 192.0.2.2 25 ok
op25bctl -n other action drop
op25bctl remove 10.0.0.5
jq_check "$(list_json other)" '.allow == ["192.0.2.1"]' "other: list has only its entry"
jq_check "$(list_json)" '.allow == []' "gateway: list unaffected by other's allow"
jq_check "$(status_json)" '.action == "reject" and .enabled == true' "gateway: still reject"
assert_eq "$(stats_json)" "$gw_stats" "gateway stats untouched by other's traffic"
op25bctl -n other reset
assert_eq "$(stats_json)" "$gw_stats" "gateway stats untouched by other's reset"

op25bctl -n other disable
jq_check "$(status_json other)" '.enabled == false' "other: disabled again"
expect other 2001:db8:99::2 25 ok

# the client enables op25b for itself: its own LOCAL_OUT refuses, the
# gateway never sees the SYN
op25bctl -n client enable
expect client $V4_INET 25 refused 0.5
jq_check "$(stats_json client)" '[.sources[] | [.source, .denied, .last_destination]] == [["10.1.0.2", 1, "203.0.113.25"]]' \
	"client: counted in the client's own netns"
assert_eq "$(stats_json)" "$gw_stats" "gateway: did not see the client's SYN"
# the mta never enabled it: its filter is the gateway's
op25bctl allow 10.0.0.5
expect mta $V4_INET 25 ok

# netns with state go away cleanly
op25bctl -n other enable
op25bctl -n other allow 2001:db8:99::/64
ip netns del other
ip netns del other2
ip netns del client
sleep 1
dmesg_clean
