#!/bin/sh
# op25b only judges SYNs: connections that are established keep passing data
# whatever happens to the policy afterwards (remove, flush, action drop), and
# so do connections opened before the module was loaded. Adding entries does
# not disturb them either, nor being allowlisted and de-allowlisted.
# IPv4 and IPv6.
# backends: kmod nft
. /vm/lib.sh
setup

op25bctl allow 10.0.0.5
op25bctl allow fd00::5
session_open 5 mta $V4_INET 25
session_open 6 mta $V6_INET 25

op25bctl remove 10.0.0.5
op25bctl remove fd00::5
expect mta $V4_INET 25 refused 0.5
expect mta $V6_INET 25 refused 0.5
before=$(jqr "$(stats_json)" .totals.inspected)
session_send 5 "after remove, v4"
session_send 6 "after remove, v6"

op25bctl allow 192.0.2.0/24
op25bctl allow 2001:db8:1::/48
session_send 5 "after other allows, v4"
session_send 6 "after other allows, v6"

op25bctl action drop
op25bctl flush
session_send 5 "after drop and flush, v4"
session_send 6 "after drop and flush, v6"
after=$(jqr "$(stats_json)" .totals.inspected)
assert_eq "$after" "$before" "data on established connections not inspected"
session_close 5
session_close 6

# opened while op25b was not loaded
op25b_unload
session_open 7 client $V4_INET 25
session_open 8 client $V6_INET 25
op25b_load
expect client $V4_INET 25 refused 0.5
expect client $V6_INET 25 refused 0.5
session_send 7 "after insmod, v4"
session_send 8 "after insmod, v6"
op25bctl allow 10.1.0.2
op25bctl allow fd00:1::2
session_send 7 "after allow, v4"
session_send 8 "after allow, v6"
op25bctl flush
session_send 7 "after flush, v4"
session_send 8 "after flush, v6"
session_close 7
session_close 8
