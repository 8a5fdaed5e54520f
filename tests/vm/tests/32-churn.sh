#!/bin/sh
# Allowlist changes are atomic for the packet path: while other entries
# (overlapping ones included) are added and removed in a loop, the
# allowlisted MTA is never refused and the client never let through.
# backends: kmod nft
. /vm/lib.sh
setup
op25bctl allow 10.0.0.5
op25bctl allow fd00::5

# none of these holds the client; several hold the MTA
P="10.0.0.0/29 10.0.0.0/24 10.0.0.4/31 10.0.0.6/32 192.0.2.0/24 128.0.0.0/1
	fd00::/64 fd00::4/126 fd00::6/128 2001:db8::/32 ::/1"
/bin/sh -c "while :; do
	for p in $P; do $CTL allow \$p; done
	for p in $P; do $CTL remove \$p; done
done" >/dev/null 2>&1 </dev/null &
churn=$!
sleep 0.5

i=0
while [ $i -lt 6 ]; do
	expect mta $V4_INET 25 ok
	expect mta $V6_INET 25 ok
	expect client $V4_INET 25 refused 0.5
	expect client $V6_INET 25 refused 0.5
	i=$((i + 1))
done
kill $churn
wait $churn 2>/dev/null
jq_check "$(list_json)" '.allow | index("10.0.0.5") != null and index("fd00::5") != null' \
	"the MTA entries are still there"
