#!/bin/sh
# Concurrency, on the VM's 2 vCPUs: for a fixed time (OP25B_CONC_SECS,
# default 20 s; 40 with OP25B_SLOW, where a round takes longer) traffic
# flows in both directions while other processes change everything they can:
#   traffic: the MTA connects to port 25 outside (must always succeed), the
#   client to port 25 (must always be refused) and 587 (must succeed),
#   inet to the MTA's port 25 inbound (exempt: must succeed), IPv4 and
#   IPv6, and trafgen sends SYNs to port 25 from random spoofed sources;
#   admin: entries added and removed, two configurations loaded in turn,
#   stats and status dumped, counters reset, a monitor listening, and
#   namespaces created with op25b enabled and a configuration, then
#   destroyed.
# No allowed connection is ever refused, no denied SYN ever gets through,
# no admin command fails unexpectedly, the counters add up once traffic
# stops; then rmmod under a SYN flood, with the monitor still listening.
# The kernel log stays clean (no oops, lockdep or RCU report).
. /vm/lib.sh
setup
SECS=${OP25B_CONC_SECS:-20}
[ "${OP25B_SLOW:-0}" != 0 ] && SECS=40
listen mta 25
wait_listen mta 25

A=$TMPDIR/a.conf
B=$TMPDIR/b.conf
awk 'BEGIN {
	print "mode enforce"; print "action reject"; print "port 25"
	print "allow 10.0.0.5 comment MTA"; print "allow fd00::5"
	print "exempt 10.0.0.0/8"; print "exempt fd00::/16"
	for (i = 0; i < 200; i++) printf "allow 198.19.%d.%d\n", int(i / 100), i % 100 + 1
}' >"$A"
cat >"$B" <<-'EOT'
mode enforce
action reject
port 2525,25
allow fd00::5
allow 10.0.0.4/30
exempt fd00::/16
exempt 10.0.0.0/8
exempt 192.0.2.0/24
EOT
op25bctl load "$A"

# every loop ends its round, then stops, once $STOP exists
STOP=$TMPDIR/stop
pids=
bg() { pids="$pids $!"; }

# conn NAME NS ADDR PORT: one line per attempt: ok, refused or other
conn() {
	on "$2" /bin/sh -c "while [ ! -e $STOP ]; do
		if /usr/bin/socat -T 3 /dev/null TCP:$3:$4,connect-timeout=10 2>\"$TMPDIR/$1.err\"; then
			echo ok
		elif grep -q 'Connection refused' \"$TMPDIR/$1.err\"; then
			echo refused
		else
			echo \"other: \$(cat \"$TMPDIR/$1.err\")\"
		fi
	done" >"$TMPDIR/$1.log" 2>&1 </dev/null &
	bg
}
# admin NAME COMMANDS: a shell loop of op25bctl calls; each call's
# unexpected failure (exit status other than the allowed ones) is a line
# "FAIL ..."; every round is a line "round"
admin() {
	/bin/sh -c "CTL=$CTL; A=$A; B=$B; TMPDIR=$TMPDIR
		run() { want=\$1; shift; read -r t0 _ </proc/uptime
			out=\$(\"\$@\" 2>&1 </dev/null); rc=\$?
			read -r t1 _ </proc/uptime
			echo \"took \$t0 \$t1 \$*\"
			case \" \$want \" in *\" \$rc \"*) ;; *) echo \"FAIL \$*: exit \$rc: \$out\" ;; esac; }
		i=0
		while [ ! -e $STOP ]; do i=\$((i + 1)); $2; echo round \$(cut -d' ' -f1 /proc/uptime); done" >"$TMPDIR/$1.log" 2>&1 </dev/null &
	bg
}

conn mta4 mta $V4_INET 25
conn mta6 mta "[$V6_INET]" 25
conn client4 client $V4_INET 25
conn client6 client "[$V6_INET]" 25
conn sub4 client $V4_INET 587
conn in4 inet $V4_MTA 25
conn in6 inet "[$V6_MTA]" 25
cat >"$TMPDIR/syn.cfg" <<'EOT'
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, drnd(2), 0x40, 0x00, 64, 6, csumip(14, 33),
  10, 2, dinc(0, 3), drnd(1),  203, 0, 113, 25,
  drnd(2), 0x00, 25,  drnd(4),  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, csumtcp(14, 34), 0x00, 0x00
}
EOT
# ends by itself (trafgen leaves a worker behind when killed)
on client /usr/bin/timeout -s KILL $((SECS + 30)) /usr/sbin/trafgen --dev eth0 \
	--in "$TMPDIR/syn.cfg" --rate 200pps --num $((SECS * 200)) --cpus 1 \
	--no-sock-mem --notouch-irq --no-cpu-stats </dev/null >/dev/null 2>&1 &
flood=$!
$CTL monitor >"$TMPDIR/monitor.log" 2>&1 </dev/null &
monitor=$!

admin churn 'n=$((i % 250 + 1))
	run "0" $CTL allow 198.18.0.$n comment churn
	run "0 1" $CTL exempt add 2001:db8:ffff::$n
	run "0 1" $CTL remove 198.18.0.$n
	run "0 1" $CTL exempt del 2001:db8:ffff::$n'
admin loads 'run 0 $CTL load $A; run 0 $CTL load $B'
admin dumps 'run 0 $CTL -j stats; run 0 $CTL status; run 0 $CTL list; run 0 $CTL save'
admin resets 'run 0 $CTL reset; sleep 0.3'
admin netns 'ns=conc$((i % 3))
	run 0 /usr/sbin/ip netns add $ns
	run 0 /usr/sbin/ip netns exec $ns $CTL enable
	run 0 /usr/sbin/ip netns exec $ns $CTL load $A
	run 0 /usr/sbin/ip -n $ns link set lo up
	run 0 /usr/sbin/ip netns exec $ns $CTL -j stats
	run 0 /usr/sbin/ip netns del $ns'

log "running for $SECS s"
sleep "$SECS"
touch "$STOP"
# shellcheck disable=SC2086
wait $pids
wait "$flood"

count() { grep -c "$2" "$TMPDIR/$1.log"; }
for a in churn loads dumps resets netns; do
	rounds=$(count $a '^round')
	bad=$(grep '^FAIL' "$TMPDIR/$a.log" | head -n 3)
	[ -z "$bad" ] || fail "$a: $bad"
	[ "$rounds" -ge 2 ] || fail "$a: only $rounds rounds in $SECS s: too few to show anything: $(tail -n 15 "$TMPDIR/$a.log")"
	slow=$(awk '$1 == "took" { d = $3 - $2; c = $0; sub(/^took [^ ]* [^ ]* /, "", c)
		if (d > max) { max = d; what = c } } END { printf "%.1f s: %s", max, what }' "$TMPDIR/$a.log")
	log "$a: $rounds rounds, no unexpected failure; slowest call $slow"
done
for c in mta4 mta6 sub4 in4 in6; do
	ok=$(count $c '^ok$')
	notok=$(grep -v '^ok$' "$TMPDIR/$c.log" | head -n 3)
	[ -z "$notok" ] || fail "$c: an allowed connection failed: $notok"
	[ "$ok" -ge 5 ] || fail "$c: only $ok connections in $SECS s: too few to show anything"
	log "$c: $ok connected, none failed"
done
for c in client4 client6; do
	ok=$(count $c '^ok$')
	refused=$(count $c '^refused$')
	[ "$ok" = 0 ] || fail "$c: a denied SYN got through $ok times"
	[ "$refused" -ge 5 ] || fail "$c: only $refused refusals in $SECS s: too few to show anything"
	log "$c: $refused refused, none got through"
done
for ns in /run/netns/conc*; do
	[ -e "$ns" ] && fail "namespace left behind: $ns"
done

# once the last connections have finished: the totals stop moving, and
# the stats read then agree with them
prev='' n=0
while :; do
	t=$(jqc "$(status_json)" .totals)
	if [ "$t" = "$prev" ]; then
		js=$(stats_json)
		[ "$(jqc "$js" .totals)" = "$t" ] && break
	fi
	prev=$t n=$((n + 1))
	[ "$n" -lt 20 ] || fail "counters still moving after the traffic stopped: $t"
	sleep 0.5
done
check_totals "$js"
jq_check "$js" '[.sources[].source] | all(. != "10.0.0.5" and . != "fd00::5")' "the MTA never counted as denied"

# rmmod under a flood, a monitor listening
on client /usr/bin/timeout -s KILL 30 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/syn.cfg" \
	--rate 1000pps --num 3000 --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats </dev/null >/dev/null 2>&1 &
flood=$!
sleep 1
grep -q '^op25b [0-9]* 0 ' /proc/modules || fail "op25b still referenced: $(grep '^op25b ' /proc/modules)"
op25b_unload
log "rmmod op25b under a SYN flood with a monitor listening: done"
kill "$monitor" 2>/dev/null
wait "$flood"
dmesg_clean
