#!/bin/sh
# Loaded with all_netns=1, op25b filters in every netns, from its creation
# for new ones.
# The gateway's own netns can be disabled and enabled again too.
. /vm/lib.sh
setup all_netns=1

ip -batch - <<-EOT || fail "namespaces"
netns add a
netns add b
link add eth0 netns a type veth peer name eth0 netns b
EOT
ip -n a -batch - <<-EOT || fail "a"
link set lo up
link set eth0 up
addr add 192.0.2.1/24 dev eth0
EOT
ip -n b -batch - <<-EOT || fail "b"
link set lo up
link set eth0 up
addr add 192.0.2.2/24 dev eth0
EOT
listen b 25
wait_listen b 25
jq_check "$(status_json a)" '.enabled == true' "new netns: enabled from creation"
expect a 192.0.2.2 25 refused 0.5
op25bctl -n a disable
expect a 192.0.2.2 25 ok

# namespaces that existed before the module loaded: every netns
jq_check "$(status_json client)" '.enabled == true' "client (older than the module): enabled"
expect client $V4_INET 25 refused 0.5
op25bctl -n client disable

# the gateway itself
op25bctl disable
jq_check "$(status_json)" '.enabled == false' "gateway: disabled"
expect client $V4_INET 25 ok
expect gw $V6_INET 25 ok
op25bctl enable
jq_check "$(status_json)" '.enabled == true' "gateway: enabled"
expect client $V4_INET 25 refused 0.5
expect gw $V6_INET 25 refused 0.5
