#!/bin/sh
# remove: the source is blocked again at once; removing an absent entry
# (also a different length, or a host inside a listed prefix) exits 1 and
# changes nothing.
# backends: kmod nft
. /vm/lib.sh
setup

op25bctl allow 10.0.0.5
op25bctl allow fd00::5
op25bctl allow 10.1.0.0/24
expect mta $V4_INET 25 ok
expect mta $V6_INET 25 ok
expect client $V4_INET 25 ok

op25bctl remove 10.0.0.5
expect mta $V4_INET 25 refused 0.5
expect mta $V6_INET 25 ok
op25bctl remove fd00::5
expect mta $V6_INET 25 refused 0.5

before=$(list_json)
jq_check "$before" '.allow == ["10.1.0.0/24"]' "list -j: only 10.1.0.0/24 left"
ctl_expect 1 remove 10.0.0.5
ctl_expect 1 remove fd00::5
ctl_expect 1 remove 10.1.0.0/28
ctl_expect 1 remove 10.1.0.0/16
ctl_expect 1 remove 10.1.0.2
assert_eq "$(list_json)" "$before" "list unchanged by failed removes"
expect client $V4_INET 25 ok

op25bctl remove 10.1.0.0/24
expect client $V4_INET 25 refused 0.5
jq_check "$(list_json)" '.allow == []' "list -j empty"
jq_check "$(status_json)" '.allow_entries == 0' "status: 0 entries"
