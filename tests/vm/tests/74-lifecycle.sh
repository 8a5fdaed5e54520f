#!/bin/sh
# Module lifecycle: 50 rounds of insmod and rmmod (20 with OP25B_SLOW),
# module parameters varying (mode, all_netns, max_allow, max_sources):
# 45% idle, 45% with traffic flowing (a SYN flood to port 25 and
# connections), the rest with namespaces alive across unloads, op25b
# enabled in them and a 1,000-entry configuration loaded, a namespace
# created and one destroyed while loaded. Every rmmod succeeds with no
# reference left (/proc/modules), the module's slab cache goes with it,
# the namespaces survive and start afresh, and at the end kernel memory is
# back near where it began: Slab within 2 MB and no net namespace left
# behind (net_namespace objects in /proc/slabinfo at most the baseline's,
# which counted keep1 and keep2, deleted at the end: the kernel may defer
# freeing a namespace or two, with or without op25b, but not the 20 made
# and deleted in the rounds). Slab catches gross leaks (per packet, per
# source, per namespace); small ones are kmemleak's, in the debug-kernel
# tier.
. /vm/lib.sh
topo_setup
op25b_loaded && op25b_unload
ROUNDS=50
[ "${OP25B_SLOW:-0}" != 0 ] && ROUNDS=20

awk 'BEGIN { print "mode enforce"; print "action reject"; print "port 25"
	print "allow 10.0.0.5 comment MTA"; print "allow fd00::5"
	for (i = 0; i < 500; i++) printf "allow 198.18.%d.%d comment host %d\n", int(i / 200), i % 200, i
	for (i = 0; i < 500; i++) printf "exempt 2001:db8:%x::/48\n", i }' >"$TMPDIR/big.conf"

# after the caches give back what they can (per-CPU slabs flushed)
slab_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for _c in /sys/kernel/slab/*/shrink; do echo 1 >"$_c"; done 2>/dev/null
	awk '$1 == "Slab:" { print $2 }' /proc/meminfo
}
netns_objs() { awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo 2>/dev/null; }

# params ROUND: module parameters that vary with the round
params() {
	case $(($1 % 4)) in
	0) echo "" ;;
	1) echo "mode=audit max_sources=64" ;;
	2) echo "all_netns=1 max_allow=4096" ;;
	3) echo "all_netns=1 mode=audit max_allow=100000 max_sources=100000" ;;
	esac
}

# unload ROUND: rmmod with no reference left; the slab cache goes too
unload() {
	_m=$(grep '^op25b ' /proc/modules)
	case $_m in
	"op25b "[0-9]*" 0 "*) ;;
	*) fail "round $1: op25b still referenced before rmmod: $_m" ;;
	esac
	rmmod op25b || fail "round $1: rmmod op25b failed"
	! op25b_loaded || fail "round $1: op25b still loaded after rmmod"
	[ ! -e /sys/kernel/slab/op25b_source ] || fail "round $1: slab cache op25b_source left behind"
}

ip netns add keep1
ip netns add keep2
ip -n keep1 link set lo up
# a first round, so that lazily allocated kernel state exists before the
# baseline
op25b_load
op25bctl load "$TMPDIR/big.conf"
op25bctl -n keep1 enable
op25bctl -n keep1 load "$TMPDIR/big.conf"
unload 0
slab0=$(slab_kb)
ns0=$(netns_objs)
log "baseline: Slab $slab0 kB, net_namespace objects ${ns0:-?}"

idle=$((ROUNDS * 9 / 20))
traffic=$((ROUNDS * 9 / 20))
pids=
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ "$r" = $((idle + 1)) ]; then
		log "rounds $r..: with traffic ($(cut -d' ' -f1 /proc/uptime) s)"
		cat >"$TMPDIR/syn.cfg" <<-'EOT'
		{
		  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x08, 0x00,
		  0x45, 0x00, 0x00, 40, drnd(2), 0x40, 0x00, 64, 6, csumip(14, 33),
		  10, 2, dinc(0, 3), drnd(1),  203, 0, 113, 25,
		  drnd(2), 0x00, 25,  drnd(4),  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, csumtcp(14, 34), 0x00, 0x00
		}
		EOT
		on client /usr/bin/timeout -s KILL 120 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/syn.cfg" \
			--rate 300pps --num 20000 --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats \
			</dev/null >/dev/null 2>&1 &
		on client /bin/sh -c "while [ ! -e $TMPDIR/stop ]; do
			for p in 25 587; do /usr/bin/socat -T 1 /dev/null TCP:$V4_INET:\$p,connect-timeout=1; done
			/usr/bin/socat -T 1 /dev/null TCP:[$V6_INET]:25,connect-timeout=1
		done" </dev/null >/dev/null 2>&1 &
		pids="$pids $!"
	fi
	if [ "$r" = $((idle + traffic + 1)) ]; then
		log "rounds $r..: with namespaces alive and loaded ($(cut -d' ' -f1 /proc/uptime) s)"
	fi
	# shellcheck disable=SC2046
	op25b_load $(params "$r")
	if [ "$r" -gt $((idle + traffic)) ]; then
		# the namespaces start afresh: nothing of the last round's state
		ctl -n keep1 list
		[ "$CTL_RC" = 0 ] && [ -z "$CTL_OUT" ] ||
			fail "round $r: keep1 does not start with an empty allowlist: $CTL_OUT"
		op25bctl -n keep1 enable
		op25bctl -n keep1 load "$TMPDIR/big.conf"
		op25bctl -n keep2 enable
		op25bctl -n keep2 allow 192.0.2.0/24
		# one namespace made and one destroyed while loaded
		ip netns add "new$r"
		op25bctl -n "new$r" enable
		[ "$r" -gt $((idle + traffic + 1)) ] && ip netns del "new$((r - 1))"
	elif [ $((r % 5)) = 0 ]; then
		op25bctl allow 10.0.0.5 >/dev/null
		ctl status
		[ "$CTL_RC" = 0 ] || fail "round $r: status: $CTL_OUT"
	fi
	unload "$r"
	r=$((r + 1))
done
log "$ROUNDS rounds of insmod and rmmod: every rmmod clean ($(cut -d' ' -f1 /proc/uptime) s)"
touch "$TMPDIR/stop"
# shellcheck disable=SC2086
wait $pids
ip netns del "new$ROUNDS" 2>/dev/null
ip netns del keep1
ip netns del keep2
expect client $V4_INET 25 ok
log "unloaded: port 25 open again"

# back near the baseline: namespaces are freed asynchronously
n=0
while :; do
	slab1=$(slab_kb)
	ns1=$(netns_objs)
	[ $((slab1 - slab0)) -le 2048 ] && [ "${ns1:-0}" -le "${ns0:-0}" ] && break
	n=$((n + 1))
	[ "$n" -le 40 ] || fail "after $ROUNDS rounds: Slab $slab1 kB (baseline $slab0 kB), net_namespace objects $ns1 (baseline $ns0)"
	log "waiting: Slab $slab1 kB, net_namespace objects $ns1"
	sleep 0.5
done
log "after $ROUNDS rounds: Slab $slab1 kB (baseline $slab0 kB), net_namespace objects ${ns1:-?} (baseline ${ns0:-?}, with keep1 and keep2)"
dmesg_clean
