#!/bin/sh
# The nft backend keeps to table inet op25b: an unrelated firewall (table
# inet filter with a chain, a set, a counter and rules; an ip nat table with
# a masquerade rule) is exactly as it was, `nft list table` before and after,
# across every op25bctl -b nft command (allow, remove, flush, scope, exempt,
# mode, action, port, load, reset, stats, save, status, list, disable,
# enable; monitor, which nft cannot do, exits 1 naming why), op25bctl and
# nft writing at the same time lose nothing, and the firewall keeps
# working: its drop rule still drops, its counter still counts, while op25b
# rejects port 25 beside it. The module is never loaded.
# backends: nft
. /vm/lib.sh
setup

$NFT -f - <<'EOF' || fail "loading the unrelated ruleset"
table inet filter {
	set blocked {
		type ipv4_addr
		flags interval
		elements = { 192.0.2.0/24, 198.51.100.7 }
	}
	counter to587 {
	}
	chain forward {
		type filter hook forward priority 0; policy accept;
		ip daddr @blocked drop
		tcp dport 587 counter name "to587" accept
		tcp dport 465 counter accept comment "submissions"
	}
	chain input {
		type filter hook input priority 0; policy accept;
		ct state established,related accept
	}
}
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "veth-mta" ip saddr 192.0.2.0/24 masquerade
	}
}
EOF

# the tables without their counter values, which traffic changes
snapshot() {
	{ $NFT list table inet filter; $NFT list table ip nat; } |
		sed -E 's/packets [0-9]+ bytes [0-9]+/packets - bytes -/'
}
before=$(snapshot) || fail "nft list"
log "unrelated tables:"
printf '%s\n' "$before" | sed 's/^/#   /'

cat >"$TMPDIR/p.conf" <<'EOF'
mode enforce
action reject
port 25
allow 10.0.0.5   # main MTA
allow fd00::5
exempt 10.0.0.0/8
scope 10.1.0.0/16
EOF

n=0
while read -r args; do
	# shellcheck disable=SC2086
	op25bctl $args >/dev/null
	assert_eq "$(snapshot)" "$before" "after op25bctl -b nft $args: unrelated tables unchanged"
	n=$((n + 1))
done <<EOT
allow 10.0.0.5 comment main MTA
allow 2001:db8::/32
remove 2001:db8::/32
list
flush
scope add 10.1.0.0/16
scope del 10.1.0.0/16
scope flush
exempt add 10.0.0.25 comment relay
exempt del 10.0.0.25
exempt flush
mode audit
mode enforce
action drop
action reject
port 25,2525
port 25
load $TMPDIR/p.conf
reset
stats
-j stats
stats --prometheus
save
status
-j status
disable
enable
EOT
log "$n commands, the unrelated tables the same after each"

# both filter side by side: op25b refuses 25, filter counts 587, and the
# other tables' verdicts still apply
op25bctl flush
op25bctl scope flush
op25bctl exempt flush
expect client $V4_INET 25 refused 0.5
expect client $V4_INET 587 ok
expect mta $V4_INET 25 refused 0.5
op25bctl allow 10.0.0.5
expect mta $V4_INET 25 ok
c=$($NFT list counter inet filter to587 | awk '/packets/ { print $2 }')
[ "${c:-0}" -ge 1 ] || fail "the unrelated counter to587 did not count: $c"
log "table inet filter counted $c packets to 587"
$NFT add element inet filter blocked '{ 203.0.113.25 }'
expect client $V4_INET 587 timeout "" 1
$NFT delete element inet filter blocked '{ 203.0.113.25 }'
jq_check "$(stats_json)" '.totals.denied == 2 and .totals.allowed == 1' \
	"op25b: 2 denied (client, mta before allow), 1 allowed"

# writers at once, op25bctl and nft: each op25bctl batch carries the
# ruleset generation it read and is retried if another came between, so
# none loses another's change
i=1
pids=
while [ $i -le 12 ]; do
	"$CTL" allow "198.18.0.$i" comment "writer $i" &
	pids="$pids $!"
	$NFT add element inet filter blocked "{ 198.51.100.$((100 + i)) }" &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do
	wait "$p" || fail "a concurrent writer failed (pid $p)"
done
jq_check "$(list_json)" '[.allow[] | select(startswith("198.18.0."))] | length == 12' \
	"12 concurrent allows: all 12 entries there"
n=$($NFT list set inet filter blocked | grep -o '198\.51\.100\.1[01][0-9]' | wc -l)
assert_eq "$n" 12 "12 concurrent nft add element: all there"
i=1
while [ $i -le 12 ]; do
	op25bctl remove "198.18.0.$i"
	$NFT delete element inet filter blocked "{ 198.51.100.$((100 + i)) }"
	i=$((i + 1))
done
assert_eq "$(snapshot)" "$before" "after the concurrent writers: unrelated tables as before"

# what nftables cannot do is refused by name, and changes nothing
ctl_expect 1 monitor
case $CTL_OUT in *"no event stream"*) ;; *) fail "monitor: the message does not name the limitation: $CTL_OUT" ;; esac
ctl_expect 1 -j monitor
assert_eq "$(snapshot)" "$before" "after op25bctl -b nft monitor: unrelated tables unchanged"

# op25bctl never touched anything but its table: deleting it leaves the rest
op25b_unload
after=$(snapshot)
assert_eq "$after" "$before" "after nft delete table inet op25b: unrelated tables unchanged"
! grep -q '^op25b ' /proc/modules || fail "op25b.ko was loaded"
dmesg_clean
