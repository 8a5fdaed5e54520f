#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The op25b benchmark, inside the bench VM (busybox sh, PID 1's child).
# tests/bench/run.sh builds the VM and summarises what this prints:
#	@@R FIGURE CONFIG UNIT VALUE     one measurement (one run)
#	# text                           progress, for the log
#
# Three namespaces: gen (trafgen) -> gw (forwarding: the filter under test)
# -> sink. Every packet rate is the count of SYNs the gateway received
# (gw's veth-gen rx_packets) over a fixed window of guest time. Under
# -icount shift=0,sleep=off guest time counts instructions, so 1/pps is
# the instructions spent per packet by the whole path (trafgen, the
# gateway, the sink) on the single vCPU, and the difference between two
# configurations is the cost of the filter alone.
#
# Environment (from /vm/bench.conf): REPS, SECS (window per run).

. /vm/bench.conf
IP=/usr/sbin/ip
CTL=/usr/bin/op25bctl
NFT=/usr/bin/nft
IPT=/usr/sbin/iptables-legacy
IPT6=/usr/sbin/ip6tables-legacy
IPTR=/usr/sbin/iptables-legacy-restore
IPT6R=/usr/sbin/ip6tables-legacy-restore
IPSET=/usr/bin/ipset
R=/vm/rules
T=/tmp/bench
mkdir -p $T

log() { echo "# $*"; }
rec() { echo "@@R $*"; }
gw() { $IP netns exec gw "$@"; }
die() {
	echo "@@ERROR $*"
	exit 1
}

# ---- time and counters, without starting a process -----------------------

# now_ns: NOW = guest time in ns (CLOCK_MONOTONIC, from /proc/timer_list)
now_ns() {
	{
		read -r _l
		read -r _l
		read -r _l _l NOW _l
	} </proc/timer_list
}
now_ns
case $NOW in
[0-9]*) ;;
*) die "no time in /proc/timer_list" ;;
esac

# rx_gw: RX = packets the gateway received from gen (veth-gen rx_packets)
rx_gw() {
	while read -r _n _b _p _rest; do
		[ "$_n" = veth-gen: ] && RX=$_p && return
	done </proc/$GWPID/net/dev
	RX=
}

# mem_kb: MEM = Slab + VmallocUsed in kB
mem_kb() {
	MEM=0
	while read -r _k _v _u; do
		case $_k in Slab: | VmallocUsed:) MEM=$((MEM + _v)) ;; esac
	done </proc/meminfo
}

# ms_of XmY.ZZZs (times' format): milliseconds
ms_of() {
	_m=${1%%m*}
	_s=${1#*m}
	_s=${_s%s}
	_f=${_s#*.}000
	_f=${_f%"${_f#???}"}
	echo $((_m * 60000 + ${_s%.*} * 1000 + $(echo "$_f" | sed 's/^0*//;s/^$/0/')))
}

# timed CMD...: run CMD; T_MS = guest ms it took, T_USER and T_SYS = its
# user and system CPU time in ms (tick-sampled: a few ms of resolution)
timed() {
	now_ns
	_t0=$NOW
	("$@" >$T/timed.out 2>&1 || exit 1; times >$T/times) || return 1
	now_ns
	T_MS=$(((NOW - _t0) / 1000000))
	{
		read -r _l
		read -r _u _s
	} <$T/times
	T_USER=$(ms_of "$_u")
	T_SYS=$(ms_of "$_s")
}

# slab_bytes CACHE: bytes in the slabs of CACHE (/proc/slabinfo), 0 if none
slab_bytes() {
	awk -v c="$1" '$1 == c { b = $15 * $6 * 4096 } END { print b + 0 }' /proc/slabinfo
}

# settle: let RCU callbacks and deferred frees run, then read MEM
settle() {
	sleep 0.5
	echo 3 >/proc/sys/vm/drop_caches
	sleep 0.5
	mem_kb
}

# ---- topology ----------------------------------------------------------------

echo 1 >/proc/sys/net/core/devconf_inherit_init_net
$IP -batch - <<EOF || die "topology"
netns add gen
netns add gw
netns add sink
link add veth-gen netns gw address 02:00:00:00:00:01 type veth peer name eth0 netns gen address 02:00:00:00:00:02
link add veth-sink netns gw address 02:00:00:00:01:01 type veth peer name eth0 netns sink address 02:00:00:00:01:02
EOF
$IP -n gw -batch - <<EOF || die "topology: gw"
link set lo up
addr add 10.9.0.1/24 dev veth-gen
addr add fd09::1/64 dev veth-gen nodad
addr add 203.0.113.1/24 dev veth-sink
addr add 2001:db8:25::1/64 dev veth-sink nodad
link set veth-gen up
link set veth-sink up
route add 10.0.0.0/8 via 10.9.0.2
route add 172.16.0.0/12 via 10.9.0.2
route add fd00::/8 via fd09::2
neigh replace 10.9.0.2 lladdr 02:00:00:00:00:02 dev veth-gen nud permanent
neigh replace fd09::2 lladdr 02:00:00:00:00:02 dev veth-gen nud permanent
neigh replace 203.0.113.25 lladdr 02:00:00:00:01:02 dev veth-sink nud permanent
neigh replace 2001:db8:25::25 lladdr 02:00:00:00:01:02 dev veth-sink nud permanent
EOF
# gen sends raw frames and has no route back: the RSTs of the reject
# figures end there, at its reverse path filter. The sink has no route to
# the sources either: the SYNs that get through end at its reverse path
# filter (IPv4) or its route lookup (IPv6), the same cheap way each time.
for ns in gen sink; do
	$IP -n $ns link set lo up
	$IP -n $ns link set eth0 up
	$IP netns exec $ns sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/rp_filter
		echo 1 >/proc/sys/net/ipv4/conf/eth0/rp_filter'
done
$IP -n gen addr add 10.9.0.2/24 dev eth0
$IP -n gen addr add fd09::2/64 dev eth0 nodad
$IP -n sink addr add 203.0.113.25/24 dev eth0
$IP -n sink addr add 2001:db8:25::25/64 dev eth0 nodad
gw sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward
	echo 1 >/proc/sys/net/ipv6/conf/all/forwarding'
# a process that lives in gw: /proc/$GWPID/net/dev is gw's view
$IP netns exec gw sleep 1000000 &
GWPID=$!
sleep 0.2
rx_gw
[ -n "$RX" ] || die "no veth-gen in gw's /proc/net/dev"

# ---- traffic -----------------------------------------------------------------

# trafgen configurations: SYNs from gen to the sink, through gw
ETH='eth(da=02:00:00:00:00:01, sa=02:00:00:00:00:02)'
# 65,536 unlisted sources, 10.2.0.0/16, to port 25 (deny) and 443 (pass)
for port in 25 443; do
	cat >$T/v4-$port.trafgen <<EOF
{ $ETH, ipv4(sa=10.2.0.0, sa[2:2]=dinc(0, 65535), da=203.0.113.25, ttl=64, df, id=1),
  tcp(sp=40000, dp=$port, seq=1, syn, win=29200) }
EOF
done
# the same from fd00:2::/112
cat >$T/v6-25.trafgen <<EOF
{ $ETH, ipv6(sa=fd00:2::, sa[14:2]=dinc(0, 65535), da=2001:db8:25::25, hl=64),
  tcp(sp=40000, dp=25, seq=1, syn, win=29200) }
EOF
# the 16 listed sources, 10.0.0.1-16, to port 25 (allow)
cat >$T/allow-25.trafgen <<EOF
{ $ETH, ipv4(sa=10.0.0.1, sa[3]=dinc(1, 16), da=203.0.113.25, ttl=64, df, id=1),
  tcp(sp=40000, dp=25, seq=1, syn, win=29200) }
EOF

TG_OPTS="--dev eth0 --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats"

# traffic_start TRAFGEN: trafgen in gen, as its own process group
traffic_start() {
	setsid $IP netns exec gen /usr/bin/trafgen $TG_OPTS --in "$T/$1.trafgen" \
		>$T/trafgen.out 2>&1 </dev/null &
	TGPID=$!
}
traffic_stop() {
	kill -9 -- -$TGPID 2>/dev/null
	wait $TGPID 2>/dev/null
}

# send TRAFGEN N: N packets, as fast as they go (fills the dynamic sets)
send() {
	timeout -k 2 120 setsid $IP netns exec gen /usr/bin/trafgen $TG_OPTS \
		--in "$T/$1.trafgen" --num "$2" >$T/trafgen.out 2>&1 </dev/null ||
		log "trafgen --num $2: $(cat $T/trafgen.out)"
}

# measure FIGURE CONFIG TRAFGEN: REPS runs of SECS guest seconds each;
# one record per run, in SYN/s received by the gateway
measure() {
	_i=0
	_all=
	while [ $_i -lt "$REPS" ]; do
		traffic_start "$3"
		sleep 0.2
		rx_gw
		_r0=$RX
		now_ns
		_t0=$NOW
		sleep "$SECS"
		rx_gw
		_r1=$RX
		now_ns
		_t1=$NOW
		traffic_stop
		[ -n "$_r0" ] && [ -n "$_r1" ] || die "$1 $2: no counter"
		_pps=$(((_r1 - _r0) * 1000000000 / (_t1 - _t0)))
		rec "$1" "$2" SYN/s "$_pps"
		_all="$_all $_pps"
		_i=$((_i + 1))
	done
	log "$1 $2:$_all SYN/s"
}

# check_path TRAFGEN WANT WHAT: 1000 packets; WANT (pass|stop) at the sink
check_path() {
	_s0=$($IP -n sink -s -j link show eth0 | jq '.[0].stats64.rx.packets')
	send "$1" 1000
	sleep 0.2
	_s1=$($IP -n sink -s -j link show eth0 | jq '.[0].stats64.rx.packets')
	_n=$((_s1 - _s0))
	case $2 in
	pass) [ "$_n" -ge 1000 ] || log "WARNING: $3: only $_n of 1000 reached the sink" ;;
	stop) [ "$_n" -eq 0 ] || log "WARNING: $3: $_n of 1000 reached the sink" ;;
	esac
	log "$3: $_n of 1000 reached the sink"
}

# ---- configurations ------------------------------------------------------------

# op25b: loaded once, enabled in gw only while measured
insmod /vm/op25b.ko max_allow=131072 max_sources=131072 || die "insmod op25b"

# conf ACTION [BIG]: an op25bctl load file with the 16 entries (and the
# 99,984 more of the 100,000-entry figures with BIG)
conf() {
	sed "s/^action .*/action $1/" $R/op25b.conf
	[ -n "${2:-}" ] && cat $T/big.allow
}
# the 99,984 further hosts: 172.16.0.0 onwards
awk 'BEGIN { for (i = 0; i < 99984; i++)
	printf "allow 172.%d.%d.%d\n", 16 + int(i / 65536), int(i / 256) % 256, i % 256 }' >$T/big.allow
conf drop >$T/op25b-drop.conf
conf reject >$T/op25b-reject.conf
conf drop big >$T/op25b-drop-100k.conf
[ "$(grep -c '^allow' $T/op25b-drop-100k.conf)" = 100000 ] || die "100k conf"

op25b_on() {
	gw $CTL enable || die "op25bctl enable"
	gw $CTL load "$T/op25b-$1.conf" || die "op25bctl load $1"
	gw $CTL reset || die "op25bctl reset"
}
op25b_off() { gw $CTL disable || die "op25bctl disable"; }

# nft_elements FILE SET: an nft command adding FILE's allow lines to SET
nft_elements() {
	awk -v set="$2" '/^allow / { e[n++] = $2 }
		END { for (i = 0; i < n; i += 1000) {
			printf "add element inet op25b %s {", set
			for (j = i; j < n && j < i + 1000; j++) printf "%s%s", (j > i ? ", " : " "), e[j]
			print " }" } }' "$1"
}
nft_elements $T/op25b-drop.conf allow4 >$T/allow16.nft
{ echo "flush set inet op25b allow4"; nft_elements $T/op25b-drop-100k.conf allow4; } >$T/allow100k.nft
{ echo "flush set inet op25b allow4"; cat $T/allow16.nft; } >$T/allow16-again.nft
sed 's/^\(\t*update @denied[46] { ip6\{0,1\} saddr }\) drop$/\1 reject with tcp reset/' $R/op25b.nft >$T/op25b-reject.nft
grep -q 'reject with tcp reset' $T/op25b-reject.nft || die "op25b-reject.nft"

nft_on() {
	if [ "$1" = reject ]; then
		gw $NFT -f $T/op25b-reject.nft || die "nft -f op25b-reject.nft"
	else
		gw $NFT -f $R/op25b.nft || die "nft -f op25b.nft"
	fi
	gw $NFT -f $T/allow16.nft || die "nft: allow16"
}
nft_off() { gw $NFT flush ruleset || die "nft flush ruleset"; }

floor_on() { gw $NFT -f "$R/$1.nft" || die "nft -f $1.nft"; }

awk '/^allow / { print "add op25b_allow4 " $2 }' $T/op25b-drop.conf >$T/ipset-allow16
ipt_on() {
	gw $IPSET restore -f $R/ipset.conf || die "ipset restore"
	gw $IPSET restore -f $T/ipset-allow16 || die "ipset restore allow16"
	if [ "$1" = reject ]; then
		sed 's/^-A SYN25 \(.*\)-j DROP$/-A SYN25 -p tcp \1-j REJECT --reject-with tcp-reset/' $R/op25b.ipt | gw $IPTR || die "iptables-restore (reject)"
	else
		gw $IPTR <$R/op25b.ipt || die "iptables-restore"
		gw $IPT6R <$R/op25b6.ipt || die "ip6tables-restore"
	fi
}
ipt_off() {
	for t in $IPT $IPT6; do
		gw $t -F
		gw $t -X
	done
	gw $IPSET destroy || die "ipset destroy"
}

# ---- the figures ---------------------------------------------------------------

log "runs of $SECS s guest time, $REPS per configuration"

# pass path: SYNs to 443 from 65,536 sources
check_path v4-443 pass "pass path, no filter"
measure pass none v4-443
floor_on empty-hook
measure pass empty-hook v4-443
nft_off
if [ -f /vm/noop_hook.ko ]; then
	insmod /vm/noop_hook.ko || die "insmod noop_hook.ko"
	measure pass bare-hook v4-443
	rmmod noop_hook || die "rmmod noop_hook"
fi
op25b_on drop
check_path v4-443 pass "pass path, op25b"
measure pass op25b v4-443
op25b_off
nft_on drop
measure pass nft v4-443
nft_off
ipt_on drop
measure pass iptables v4-443
ipt_off

# deny path, action drop: SYNs to 25 from 65,536 unlisted sources, each
# known to the filter's counters before the runs (steady state)
floor_on floor
check_path v4-25 stop "deny path, floor"
measure deny-drop floor v4-25
nft_off

op25b_on drop
settle
m0=$MEM
s0=$(slab_bytes op25b_source)
send v4-25 65536
settle
m1=$MEM
n=$(gw $CTL -j status | jq .sources)
log "op25b: $n sources tracked after the fill, Slab+VmallocUsed $m0 -> $m1 kB"
rec mem-source op25b B "$(((m1 - m0) * 1024 / 65536))"
grep '^op25b' /proc/slabinfo | sed 's/^/# slabinfo: /'
rec mem-source-slab op25b B "$((($(slab_bytes op25b_source) - s0) / 65536))"
check_path v4-25 stop "deny path, op25b"
measure deny-drop op25b v4-25
gw $CTL -j status | jq -c .totals | sed 's/^/# op25b totals: /'
op25b_off

nft_on drop
settle
m0=$MEM
send v4-25 65536
settle
m1=$MEM
n=$(gw $NFT -j list set inet op25b denied4 | jq '[.nftables[].set.elem // empty | length] | add')
log "nft: $n elements in denied4 after the fill, Slab+VmallocUsed $m0 -> $m1 kB"
rec mem-source nft B "$(((m1 - m0) * 1024 / 65536))"
check_path v4-25 stop "deny path, nft"
measure deny-drop nft v4-25
nft_off

ipt_on drop
send v4-25 65536
log "ipset: $(gw $IPSET list op25b_denied4 -t | grep 'Number of entries')"
measure deny-drop iptables v4-25
ipt_off

# deny path, IPv6, action drop
floor_on floor
measure deny6-drop floor v6-25
nft_off
op25b_on drop
send v6-25 65536
measure deny6-drop op25b v6-25
op25b_off
nft_on drop
send v6-25 65536
measure deny6-drop nft v6-25
nft_off
ipt_on drop
send v6-25 65536
measure deny6-drop iptables v6-25
ipt_off

# deny path, action reject (the floor: one reject rule)
floor_on floor-reject
measure deny-reject floor v4-25
nft_off
op25b_on reject
send v4-25 65536
measure deny-reject op25b v4-25
op25b_off
nft_on reject
send v4-25 65536
measure deny-reject nft v4-25
nft_off
ipt_on reject
send v4-25 65536
measure deny-reject iptables v4-25
ipt_off

# allow path, load times and memory per entry: op25b
op25b_on drop
check_path allow-25 pass "allow path, op25b, 16 entries"
measure allow op25b-16 allow-25
i=0
while [ $i -lt "$REPS_LOAD" ]; do
	gw $CTL load $T/op25b-drop.conf || die "load 16"
	settle
	m0=$MEM
	timed gw $CTL load $T/op25b-drop-100k.conf || die "op25b: load of 100,000 entries: $(cat $T/timed.out)"
	rec load op25b ms "$T_MS"
	rec load-user op25b ms "$T_USER"
	rec load-sys op25b ms "$T_SYS"
	settle
	m1=$MEM
	rec mem-entry op25b B "$(((m1 - m0) * 1024 / 99984))"
	i=$((i + 1))
done
log "op25b: $(gw $CTL -j status | jq .allow_entries) entries"
check_path allow-25 pass "allow path, op25b, 100,000 entries"
measure allow op25b-100k allow-25
op25b_off

# the same with nftables
nft_on drop
measure allow nft-16 allow-25
i=0
while [ $i -lt "$REPS_LOAD" ]; do
	gw $NFT -f $T/allow16-again.nft || die "nft -f allow16"
	settle
	m0=$MEM
	timed gw $NFT -f $T/allow100k.nft || die "nft: load of 100,000 entries: $(cat $T/timed.out)"
	rec load nft ms "$T_MS"
	rec load-user nft ms "$T_USER"
	rec load-sys nft ms "$T_SYS"
	settle
	m1=$MEM
	rec mem-entry nft B "$(((m1 - m0) * 1024 / 99984))"
	i=$((i + 1))
done
check_path allow-25 pass "allow path, nft, 100,000 entries"
measure allow nft-100k allow-25
nft_off

kill $GWPID
dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|Call Trace' | head -n 20 | sed 's/^/# KERNEL: /'
log "done"
