#!/bin/sh
# The allowlist holds at most max_allow entries: one more exits 1 and
# changes nothing; re-adding a present entry still succeeds; after a remove
# there is room again.
. /vm/lib.sh
setup max_allow=3
op25bctl allow 10.0.0.5
op25bctl allow fd00::5
op25bctl allow 10.1.0.0/28
before=$(list_json)
jq_check "$(status_json)" '.allow_entries == 3 and .allow_max == 3' "status: 3 of max 3 entries"
ctl_expect 1 allow 192.0.2.1
ctl_expect 1 allow 2001:db8::/32
assert_eq "$(list_json)" "$before" "list -j unchanged when full"
ctl_expect 0 allow 10.0.0.5
assert_eq "$(list_json)" "$before" "re-adding a present entry keeps the list"
expect mta $V4_INET 25 ok
expect client $V4_INET 25 ok
op25bctl remove 10.1.0.0/28
op25bctl allow 192.0.2.1
jq_check "$(list_json)" '.allow | sort == ["10.0.0.5", "192.0.2.1", "fd00::5"]' "room again after remove"
