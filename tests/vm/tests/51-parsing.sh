#!/bin/sh
# Header parsing, forwarded (client) and local (gateway), IPv4 and IPv6:
# raw TCP segments cut after 1..20 bytes count as SYNs to port 25 as soon
# as the ports are there (fail closed), and not before; ACK and SYN|ACK are
# not inspected, SYN with ECN bits or FIN is; IPv4 options and IPv6
# extension headers do not hide a SYN. Nothing of it upsets the kernel.
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
dmesg_clean
