#!/bin/sh
# Every change is atomic for the packet path, measured with a stream of
# lookups: raw SYNs to port 25 from the MTA (10.0.0.5, fd00::5) and from
# the client (10.1.0.2, fd00:1::2), IPv4 and IPv6, some 500 per second
# each, while one writer loads two files in turn (each allows the MTA; they
# differ in 1000 other entries, scope, exempt, ports and action) and adds
# an entry, changes the ports and flushes the exempt list between loads.
# Thousands of lookups fall inside the commits. Exact counts, against an
# nft counter at prerouting that sees every SYN first:
#  - allowed == the MTA's SYNs, and the MTA is never among the sources;
#  - denied == the client's SYNs, all of them from the client's addresses;
#  - (nft) no set the rules do not use is left holding elements.
# The nft backend once flushed and refilled the set the rules look up in
# one transaction, and lookups during the commit missed: the MTA was denied
# 29 times in 16,000 SYNs over 250 loads. It now fills a second set and
# switches the rules to it (docs/backends.md).
# backends: kmod nft
. /vm/lib.sh
setup
SECS=15
[ "${OP25B_SLOW:-0}" = 0 ] || SECS=30
two_policies

# syn_cfg V SRC...: a trafgen frame, a SYN from SRC (bytes) to inet's
# port 25 (gateway MAC GWMAC, host MAC HMAC)
syn_cfg() {
	_v=$1 _gw=$2 _h=$3
	shift 3
	_src=$(echo "$*" | sed 's/ /, /g')
	if [ "$_v" = 4 ]; then
		printf '{ %s, %s, 0x08, 0x00,\n  0x45, 0x00, 0x00, 40, 0x00, 0x00, 0x40, 0x00, 64, 6, csumip(14, 33),\n  %s,  203, 0, 113, 25,\n' "$_gw" "$_h" "$_src"
	else
		printf '{ %s, %s, 0x86, 0xdd,\n  0x60, 0x00, 0x00, 0x00,  0x00, 20, 6, 64,\n  %s,\n  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25,\n' "$_gw" "$_h" "$_src"
	fi
	printf '  0x9c, 0x41, 0x00, 25,  0x00, 0x00, 0x00, 0x01,  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10,\n  0x00, 0x00, 0x00, 0x00 }\n'
}
MTA_MACS="0x02,0x00,0x00,0x00,0x02,0x01 0x02,0x00,0x00,0x00,0x02,0x02"
CL_MACS="0x02,0x00,0x00,0x00,0x01,0x01 0x02,0x00,0x00,0x00,0x01,0x02"
# shellcheck disable=SC2086
{
	syn_cfg 4 $MTA_MACS 10 0 0 5 >"$TMPDIR/mta4.cfg"
	syn_cfg 6 $MTA_MACS 0xfd 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5 >"$TMPDIR/mta6.cfg"
	syn_cfg 4 $CL_MACS 10 1 0 2 >"$TMPDIR/client4.cfg"
	syn_cfg 6 $CL_MACS 0xfd 0 0 1 0 0 0 0 0 0 0 0 0 0 0 2 >"$TMPDIR/client6.cfg"
}
# what the gateway received: an nft counter per sender and family at
# prerouting, before routing and so before op25b
/usr/sbin/nft -f - <<'EOT' || fail "nft: the test's counter table"
table inet op25b_test {
	counter mta4 { }
	counter mta6 { }
	counter client4 { }
	counter client6 { }
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		tcp dport 25 tcp flags & (syn | ack) == syn ip saddr 10.0.0.5 counter name mta4
		tcp dport 25 tcp flags & (syn | ack) == syn ip6 saddr fd00::5 counter name mta6
		tcp dport 25 tcp flags & (syn | ack) == syn ip saddr 10.1.0.2 counter name client4
		tcp dport 25 tcp flags & (syn | ack) == syn ip6 saddr fd00:1::2 counter name client6
	}
}
EOT
received() {
	/usr/sbin/nft -j list counter inet op25b_test "$1" |
		/usr/bin/jq '.nftables[] | select(.counter) | .counter.packets'
}

op25bctl load "$A"
expect mta $V4_INET 25 ok	# learn the neighbours
expect mta $V6_INET 25 ok
expect client $V4_INET 25 refused 0.5
expect client $V6_INET 25 refused 0.5
op25bctl load "$B"
op25bctl reset
/usr/sbin/nft reset counters table inet op25b_test >/dev/null

STOP=$TMPDIR/stop
(
	while [ ! -e "$STOP" ]; do
		for c in "load $A" "allow 198.51.100.7" "port 25,2526" \
			"load $B" "exempt flush" "allow 2001:db8:1::/48"; do
			# shellcheck disable=SC2086
			if out=$($CTL $c 2>&1); then
				echo "ok $c"
			else
				echo "FAIL $c: $out"
			fi
		done
	done >"$TMPDIR/changes.log" 2>&1 </dev/null
) &
pids=$!
for s in mta4 mta6 client4 client6; do
	on "${s%[46]}" /usr/bin/timeout -s INT "$SECS" /usr/sbin/trafgen --dev eth0 \
		--in "$TMPDIR/$s.cfg" --gap 2ms --cpus 1 --no-sock-mem --notouch-irq \
		--no-cpu-stats </dev/null >"$TMPDIR/$s.out" 2>&1 &
	pids="$pids $!"
done
sleep "$SECS"
touch "$STOP"
# shellcheck disable=SC2086
wait $pids
# until the last SYNs are through: the counters stop moving
last=
while now=$(op25bctl -j stats | /usr/bin/jq -c .totals) && [ "$now" != "$last" ]; do
	last=$now
	sleep 0.5
done

n=$(grep -c '^ok load' "$TMPDIR/changes.log")
log "$(grep -c '^ok' "$TMPDIR/changes.log") changes ($n loads) in $SECS s"
bad=$(grep -v '^ok' "$TMPDIR/changes.log" | head -n 5)
[ -z "$bad" ] || fail "changes failed: $bad"
[ "$n" -ge 6 ] || fail "only $n loads in $SECS s: too few to show anything"
n_mta4=$(received mta4)
n_mta6=$(received mta6)
n_client4=$(received client4)
n_client6=$(received client6)
for n in "mta4 $n_mta4" "mta6 $n_mta6" "client4 $n_client4" "client6 $n_client6"; do
	log "${n% *}: ${n#* } SYNs received"
	[ "${n#* }" -ge 500 ] || fail "${n% *}: too few SYNs to show anything"
done
js=$(stats_json)
log "totals: $(jqc "$js" .totals)"
jq_check "$js" '[.sources[] | select(.source == "10.0.0.5" or .source == "fd00::5")] == []' \
	"the MTA never denied nor audited"
jq_check "$js" ".totals.allowed == $n_mta4 + $n_mta6" "allowed == the MTA's $((n_mta4 + n_mta6)) SYNs"
jq_check "$js" ".totals.denied == $n_client4 + $n_client6 and .totals.audited == 0
	and ([.sources[] | {source, denied}] | sort_by(.source)) ==
	[{source: \"10.1.0.2\", denied: $n_client4}, {source: \"fd00:1::2\", denied: $n_client6}]" \
	"denied == the client's $((n_client4 + n_client6)) SYNs, per source"
check_totals "$js"

if nft_run; then
	# of each pair NAME_a, NAME_b, the one the rules do not use is empty
	spare=$(/usr/sbin/nft -j list table inet op25b | /usr/bin/jq -r '
		[.nftables[] | select(.set) | .set | select(.name | test("_[ab]$"))] as $s |
		[$s[] | select((.elem // []) | length > 0) | .name | sub("_[ab]$"; "")] |
		group_by(.) | map(select(length > 1) | .[0]) | join(" ")')
	assert_eq "$spare" "" "nft: no list or port set filled in both generations"
fi

op25bctl load "$A"
jq_check "$(status_json)" '.allow_entries == 1002 and .action == "reject" and .ports == [25]
	and .scope == [] and .exempt == []' "after the loop: a.conf's policy, nothing of b.conf left"
expect mta $V6_INET 25 ok
expect client $V4_INET 25 refused 0.5
/usr/sbin/nft delete table inet op25b_test
