#!/bin/sh
# rmmod while SYNs to 25 and 587 flow (forwarded and local, IPv4 and IPv6,
# connects plus a trafgen SYN flood) and while several netns hold op25b
# state: rmmod succeeds, the kernel log stays clean, traffic then flows
# unfiltered; insmod brings filtering back. Two rounds.
. /vm/lib.sh
setup
op25bctl allow 10.0.0.5

connect_loop() {
	on "$1" sh -c "while :; do
		for p in 25 587; do
			/usr/bin/socat -T 1 /dev/null TCP:$2:\$p,connect-timeout=1 2>/dev/null
		done
	done" </dev/null >/dev/null 2>&1 &
	pids="$pids $!"
}

# a TCP SYN to 203.0.113.25:25 from random client ports
cat >"$TMPDIR/syn.cfg" <<'EOT'
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, drnd(2), 0x40, 0x00, 64, 6, csumip(14, 33),
  10, 1, 0, 2,  203, 0, 113, 25,
  drnd(2), 0x00, 25,  drnd(4),  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, csumtcp(14, 34), 0x00, 0x00
}
EOT

# the flood: 3000 SYNs at 1000 a second; a debug kernel (OP25B_SLOW)
# starves every process at that rate: 750 at 250 a second there
num=3000 rate=1000
[ "${OP25B_SLOW:-0}" = 0 ] || num=750 rate=250

for round in 1 2; do
	log "round $round"
	ip netns add "other$round"
	op25bctl -n "other$round" enable
	op25bctl -n "other$round" allow 192.0.2.0/24
	pids=
	connect_loop client $V4_INET
	connect_loop client "[$V6_INET]"
	connect_loop gw "[$V6_INET]"
	on client /usr/bin/timeout -s KILL 20 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/syn.cfg" \
		--num $num --rate ${rate}pps --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats \
		</dev/null >/dev/null 2>&1 &
	# until the flood is on
	n=0
	while before=$(jqr "$(stats_json)" .totals.inspected) && [ "$before" -lt 300 ]; do
		n=$((n + 1))
		[ "$n" -gt 20 ] && fail "too little traffic before rmmod: $before SYNs inspected"
		sleep 0.3
	done
	log "$before SYNs to blocked ports inspected so far"
	now_cs
	t0=$NOW
	rmmod op25b || fail "rmmod op25b under traffic failed"
	now_cs
	log "rmmod op25b: done in $((NOW - t0))0 ms"
	! op25b_loaded || fail "op25b still loaded"
	ctl_expect 1 status
	expect client $V4_INET 25 ok
	expect client $V6_INET 25 ok
	expect gw $V4_INET 25 ok
	op25b_load
	expect client $V4_INET 25 refused 0.5
	jq_check "$(list_json)" '.allow == []' "a fresh module: empty allowlist"
	op25bctl allow 10.0.0.5 >/dev/null
	# shellcheck disable=SC2086
	kill $pids 2>/dev/null
	dmesg_clean
done
