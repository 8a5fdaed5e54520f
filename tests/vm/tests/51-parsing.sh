#!/bin/sh
# Header parsing, forwarded (client) and local (gateway), IPv4 and IPv6:
# raw TCP segments cut after 1..20 bytes count as SYNs to port 25 as soon
# as the ports are there (fail closed), and not before; ACK and SYN|ACK are
# not inspected, SYN with ECN bits or FIN is; IPv4 options and IPv6
# extension headers do not hide a SYN. Malformed headers (IPv4 IHL below
# 5 or past the packet, truncated, overlong, out-of-order, long and unknown
# IPv6 extension header chains, payload lengths past the end) are dropped
# on input or passed as no SYN, and no segment to port 25 reaches inet
# (its Tcp InSegs). Nothing of it upsets the kernel.
. /vm/lib.sh
setup

# SYN from port 40001 to 25: 9c41 0019 seq ack 50 flags 7210 csum urg
SYN='\234\101\000\031\000\000\000\001\000\000\000\000\120\002\162\020\000\000\000\000'
# raw TCP: send NS DEST BYTES [SOCAT OPTIONS]
raw() {
	_a=$2
	case $_a in
	*:*) _addr="IP6-SENDTO:[$_a]:6" ;;
	*) _addr="IP4-SENDTO:$_a:6" ;;
	esac
	# shellcheck disable=SC2059
	printf "$3" | on "$1" /usr/bin/socat -u - "$_addr${4:+,$4}" 2>/dev/null
}
# first N bytes of the SYN
cut_syn() {
	_s=$SYN
	_out=
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_rest=${_s#????}
		_out=$_out${_s%"$_rest"}
		_s=$_rest
		_i=$((_i + 1))
	done
	printf '%s' "$_out"
}
with_flags() {
	printf '%s' '\234\101\000\031\000\000\000\001\000\000\000\000\120'"$1"'\162\020\000\000\000\000'
}

for ns in client gw; do
	for f in 4 6; do
		fam $f
		for len in 1 3 4 8 12 13 14 20; do
			raw $ns "$INET" "$(cut_syn $len)"
		done
		raw $ns "$INET" "$(with_flags '\020')"	# ACK
		raw $ns "$INET" "$(with_flags '\022')"	# SYN|ACK
		raw $ns "$INET" "$(with_flags '\302')"	# SYN|ECE|CWR
		raw $ns "$INET" "$(with_flags '\003')"	# SYN|FIN
	done
	# IPv4 options: NOP NOP NOP EOL
	raw $ns $V4_INET "$SYN" ip-options=x01010100
done
sleep 0.3
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | [.source, .denied]] | sort ==
	[["10.1.0.2", 9], ["2001:db8:25::1", 8], ["203.0.113.1", 9], ["fd00:1::2", 8]]' \
	"per source: 6 cut SYNs with ports, ECN SYN, SYN|FIN (+1 with IPv4 options)"
jq_check "$js" '.totals.inspected == 34 and .totals.denied == 34' "34 inspected and denied"

# IPv6 destination options header before the TCP SYN (trafgen, forwarded)
cat >"$TMPDIR/f.cfg" <<-EOT
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02,  0x86, 0xdd,
  0x60, 0x00, 0x00, 0x00,  0x00, 28, 60, 64,
  0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25,
  6, 0, 0x01, 0x04, 0, 0, 0, 0,
  0x9c, 0x42, 0x00, 25,  0, 0, 0, 1,  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, 0, 0, 0, 0
}
EOT
on client /usr/bin/timeout -k 1 10 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/f.cfg" \
	--num 1 --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats >"$TMPDIR/t.out" 2>&1 ||
	fail "trafgen: $(cat "$TMPDIR/t.out")"
sleep 0.3
jq_check "$(stats_json)" '[.sources[] | select(.source == "fd00:1::2") | .denied] == [9]' \
	"SYN behind an IPv6 destination options header: denied"
# ---- malformed headers: nothing to port 25 may reach inet's TCP ------------
# Tcp InSegs in inet counts every TCP segment delivered there, bad ones too;
# from here on only the controls (to 587) may add to it.
op25bctl reset >/dev/null
segs0=$(snmp inet Tcp:InSegs)
ETH='0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02'
V6SRC='0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02'
V6DST='0x20, 0x01, 0x0d, 0xb8, 0x00, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25'
TCP25='0x9c, 0x43, 0x00, 25,  0, 0, 0, 1,  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, 0, 0, 0, 0'
TCP587='0x9c, 0x44, 0x02, 0x4b,  0, 0, 0, 1,  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, csumtcp(14, 54), 0, 0'
PAD='0x01, 0x04, 0, 0, 0, 0'
# send CFG-BODY: one frame from the client (trafgen)
send() {
	printf '{\n  %s\n}\n' "$1" >"$TMPDIR/m.cfg"
	on client /usr/bin/timeout -k 1 10 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/m.cfg" \
		--num 1 --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats >"$TMPDIR/t.out" 2>&1 ||
		fail "trafgen: $(cat "$TMPDIR/t.out")"
}
# ip6 NEXTHDR PAYLOAD [PLEN]: an IPv6 frame, fd00:1::2 -> 2001:db8:25::25;
# the payload length field is PLEN, or the payload's real length
ip6() {
	_n=$(printf '%s\n' "$2" | tr ',' '\n' | grep -c '[0-9a-z]')
	_pl=${3:-$_n}
	send "$ETH, 0x86, 0xdd, 0x60, 0, 0, 0, $((_pl >> 8)), $((_pl & 255)), $1, 64, $V6SRC, $V6DST, $2"
}
# ip4 VERSION_IHL TOTLEN PAYLOAD: an IPv4 frame, 10.1.0.2 -> 203.0.113.25
ip4() {
	send "$ETH, 0x08, 0x00, $1, 0x00, 0x00, $2, 0x12, 0x34, 0x40, 0x00, 64, 6, csumip(14, 33),
	  10, 1, 0, 2,  203, 0, 113, 25, $3"
}
inhdr4=$(snmp gw Ip:InHdrErrors)
inhdr6=$(snmp gw Ip6InHdrErrors)

# IPv4 IHL below 5 (a SYN to 25 right after 16 bytes), and IHL 15 in a
# 40-byte packet: the gateway's IP input drops both before FORWARD
ip4 0x44 0x00,40 "$TCP25"
ip4 0x4f 0x00,40 "$TCP25"
assert_eq "$(snmp gw Ip:InHdrErrors)" $((inhdr4 + 2)) "IPv4 IHL 4 and IHL 15 (in 40 bytes): header errors at the gateway"
# IPv6 hop-by-hop options running past the packet's end: dropped on input
ip6 0 "6, 2, $PAD"
assert_eq "$(snmp gw Ip6InHdrErrors)" $((inhdr6 + 1)) "IPv6 truncated hop-by-hop header: header error at the gateway"
# a chain of hop-by-hop, destination options, a routing header (type 253,
# no segments left) and destination options again before the SYN: denied
ip6 0 "60, 0, $PAD,  43, 0, $PAD,  60, 0, 253, 0, 0, 0, 0, 0,  6, 0, $PAD,  $TCP25"
# hop-by-hop out of place (after destination options): still a SYN, denied
ip6 60 "0, 0, $PAD,  6, 0, $PAD,  $TCP25"
# twenty destination options headers in a row: denied
chain=
for _ in $(seq 19); do chain="$chain 60, 0, $PAD,"; done
ip6 60 "$chain 6, 0, $PAD, $TCP25"
# destination options claiming 48 bytes of 8 (the chain ends early, no
# fragment): not judged, and no receiver takes it for a SYN
ip6 60 "6, 5, $PAD, $TCP25"
# an unknown next header (253) after destination options
ip6 60 "253, 0, $PAD, $TCP25"
# payload length past the frame's end: dropped on input
ip6 6 "$TCP25" 200
# controls: a SYN to 587 behind the same chain as above arrives
ip6 0 "60, 0, $PAD,  43, 0, $PAD,  60, 0, 253, 0, 0, 0, 0, 0,  6, 0, $PAD,  $TCP587"
sleep 0.5
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | [.source, .denied, .last_port]] == [["fd00:1::2", 3, 25]]
	and .totals.inspected == 3' "the three SYNs behind odd but complete chains: denied"
assert_eq "$(snmp inet Tcp:InSegs)" $((segs0 + 1)) "TCP segments reaching inet: the control to 587 only"
dmesg_clean
