#!/bin/sh
# A flood of SYNs to port 25 from 1,000,000 distinct spoofed IPv4 sources
# (and 100,000 IPv6 ones), forwarded from the client netns (trafgen, one
# pre-built frame with counted source bytes), against max_sources=1024:
#  - the table holds exactly max_sources sources, the rest is `untracked`;
#  - counts are exact: every SYN the gateway received is denied once, and
#    sum(per-source denied) + untracked == denied == the SYNs to port 25
#    that entered the gateway from veth-client (an nft counter at
#    prerouting, ahead of op25b; not Ip InReceives, which also counts
#    whatever else reaches the gateway, and once counted one packet more
#    than the flood), with one denial per tracked source;
#  - kernel memory stays bounded: Slab grows by far less than one record
#    per source would take;
#  - the kernel log stays clean, reset and rmmod free everything.
# OP25B_FLOOD_N overrides the IPv4 count (default 1000000, IPv6 a tenth
# of it; both a quarter with OP25B_SLOW). trafgen is not rate-limited:
# what the client's veth drops under load never reaches the gateway and is
# not counted; the checks use what the gateway received, and at least
# half must arrive.
. /vm/lib.sh
MAX=1024
setup max_sources=$MAX
op25bctl action drop
N=${OP25B_FLOOD_N:-1000000}
N6=$((N / 10))
[ "${OP25B_SLOW:-0}" != 0 ] && N=$((N / 4)) N6=$((N6 / 4))
echo 10000 >/proc/sys/net/core/netdev_max_backlog
for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 >"$f"; done

# 10.(2..102).(0..102).(0..96): 101 * 103 * 97 = 1,009,091 distinct sources
# in a row (the three byte counters have coprime periods)
cat >"$TMPDIR/syn4.cfg" <<'EOT'
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, 0x00, 0x00, 0x40, 0x00, 64, 6, csumip(14, 33),
  10, dinc(2, 102), dinc(0, 102), dinc(0, 96),  203, 0, 113, 25,
  0x9c, 0x41, 0x00, 25,  0x00, 0x00, 0x00, 0x01,  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10,
  0x00, 0x00, 0x00, 0x00
}
EOT
# fd00:2::(2..102):(0..102):(0..96): the same 1,009,091 distinct sources
cat >"$TMPDIR/syn6.cfg" <<'EOT'
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x86, 0xdd,
  0x60, 0x00, 0x00, 0x00,  0x00, 20, 6, 64,
  0xfd, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, dinc(2, 102), dinc(0, 102), dinc(0, 96),
  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25,
  0x9c, 0x41, 0x00, 25,  0x00, 0x00, 0x00, 0x01,  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10,
  0x00, 0x00, 0x00, 0x00
}
EOT

slab_kb() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }
rx() { cat /sys/class/net/veth-client/statistics/rx_packets; }

# The independent count: SYNs to port 25 in from veth-client, at
# prerouting (before routing, so before op25b's FORWARD hook)
/usr/sbin/nft -f - <<'EOT' || fail "nft: the test's counter table"
table inet op25b_test {
	counter syn4 { }
	counter syn6 { }
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		iifname "veth-client" meta nfproto ipv4 tcp dport 25 tcp flags & (syn | ack) == syn counter name syn4
		iifname "veth-client" meta nfproto ipv6 tcp dport 25 tcp flags & (syn | ack) == syn counter name syn6
	}
}
EOT
# syns FAMILY: packets counted so far
syns() {
	/usr/sbin/nft -j list counter inet op25b_test "syn$1" |
		/usr/bin/jq '.nftables[] | select(.counter) | .counter.packets'
}

# flood FAMILY CFG COUNT INRECEIVES: one trafgen run; checks the counts
flood() {
	_v=$1
	op25bctl reset >/dev/null
	_c0=$(syns "$_v")
	sync
	echo 2 >/proc/sys/vm/drop_caches
	_slab0=$(slab_kb)
	_in0=$(snmp gw "$4")
	_rx0=$(rx)
	now_cs
	_t0=$NOW
	on client /usr/bin/timeout -s KILL 600 /usr/sbin/trafgen --dev eth0 --in "$2" \
		--num "$3" --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats \
		</dev/null >"$TMPDIR/trafgen.out" 2>&1 ||
		fail "trafgen: $(cat "$TMPDIR/trafgen.out")"
	now_cs
	_secs=$(((NOW - _t0) / 100))
	# until the backlog is drained: the counters stop moving
	_last=-1
	while _in=$(snmp gw "$4") && [ "$_in" != "$_last" ]; do
		_last=$_in
		sleep 0.5
	done
	_recv=$(($(syns "$_v") - _c0))
	_rxd=$(($(rx) - _rx0))
	log "IPv$_v: $3 SYNs sent in ${_secs} s, $_recv received by the gateway ($_rxd frames on veth-client, $((_in - _in0)) packets in all)"
	[ "$_recv" -ge $(($3 / 2)) ] || fail "IPv$_v: only $_recv of $3 SYNs reached the gateway"
	_js=$(stats_json)
	# sources without the per-source list, which jq would take a while on
	jq_check "$_js" "(.sources | length) == $MAX and all(.sources[]; .denied == 1)" \
		"IPv$_v: $MAX sources tracked, one denial each"
	jq_check "$_js" ".totals.denied == $_recv
		and .totals.inspected == .totals.denied and .totals.untracked == .totals.denied - $MAX" \
		"IPv$_v: denied == inspected == the $_recv SYNs received, untracked == denied - $MAX"
	check_totals "$_js"
	jq_check "$(status_json)" ".sources == $MAX and .sources_max == $MAX" "IPv$_v: status: $MAX of $MAX sources"
	echo 2 >/proc/sys/vm/drop_caches
	_slab1=$(slab_kb)
	log "IPv$_v: Slab ${_slab0} kB before, ${_slab1} kB after"
	# one 100-byte record per source would be ~100 MB for 1M; the table
	# may take MAX records (a few hundred kB); allow 8 MB of noise
	[ $((_slab1 - _slab0)) -le 8192 ] ||
		fail "IPv$_v: Slab grew by $((_slab1 - _slab0)) kB for $_recv SYNs"
}

expect client $V4_INET 25 timeout "" 1	# learn the neighbours; denied
flood 4 "$TMPDIR/syn4.cfg" "$N" Ip:InReceives
flood 6 "$TMPDIR/syn6.cfg" "$N6" Ip6InReceives
op25bctl reset
jq_check "$(status_json)" '.sources == 0 and .totals.denied == 0' "reset: all forgotten"
op25b_unload
/usr/sbin/nft delete table inet op25b_test
dmesg_clean
