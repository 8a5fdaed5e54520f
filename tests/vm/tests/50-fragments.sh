#!/bin/sh
# Tiny-fragment evasion: a first fragment (offset 0, more fragments) whose
# TCP header stops after the ports carries no readable flags; to port 25 it
# must be treated as a SYN: denied (it never reaches inet) and counted. The
# same fragment to port 587, and a later fragment, pass untouched. Frames
# are crafted with trafgen in the client netns. IPv4 and IPv6. Also: a
# first fragment without the ports, overlapping first fragments (a SYN to
# 587 rewritten to 25 by a second offset-0 fragment) and an IPv6 flag-
# rewriting fragment at offset 8: nothing to port 25 reaches inet's TCP.
. /vm/lib.sh
setup

# learn the neighbours (the gateway's MAC is fixed: 02:00:00:00:01:01)
expect client $V4_INET 587 ok
expect client $V6_INET 587 ok

ETH='0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02'
# frag4 DPORT FRAGOFF: IPv4, MF set, 8 bytes of TCP: ports and sequence number
frag4() {
	cat >"$TMPDIR/f.cfg" <<-EOT
	{
	  $ETH, 0x08, 0x00,
	  0x45, 0x00, 0x00, 28, 0x4f, 0x32, $((0x20 | ($2 >> 8))), $(($2 & 255)), 64, 6, csumip(14, 33),
	  10, 1, 0, 2,  203, 0, 113, 25,
	  0x9c, 0x41, $(($1 >> 8)), $(($1 & 255)),  0x00, 0x00, 0x00, 0x01
	}
	EOT
	send_cfg
}
# frag6_noports: IPv6 first fragment whose header chain (fragment header,
# destination options) ends before the TCP header: RFC 8200 forbids it, a
# lenient receiver may still take it for a SYN
frag6_noports() {
	cat >"$TMPDIR/f.cfg" <<-EOT
	{
	  $ETH, 0x86, 0xdd,
	  0x60, 0x00, 0x00, 0x00,  0x00, 16, 44, 64,
	  0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25,
	  60, 0, 0x00, 0x01,  0x00, 0x00, 0x4f, 0x33,
	  6, 0, 0x01, 0x04, 0, 0, 0, 0
	}
	EOT
	send_cfg
}
# frag6 DPORT: IPv6 with a fragment header (offset 0, M set), 8 bytes of TCP
frag6() {
	cat >"$TMPDIR/f.cfg" <<-EOT
	{
	  $ETH, 0x86, 0xdd,
	  0x60, 0x00, 0x00, 0x00,  0x00, 16, 44, 64,
	  0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25,
	  6, 0, 0x00, 0x01,  0x00, 0x00, 0x4f, 0x32,
	  0x9c, 0x41, $(($1 >> 8)), $(($1 & 255)),  0x00, 0x00, 0x00, 0x01
	}
	EOT
	send_cfg
}
send_cfg() {
	on client /usr/bin/timeout -k 1 10 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/f.cfg" \
		--num 1 --cpus 1 \
		--no-sock-mem --notouch-irq --no-cpu-stats >"$TMPDIR/trafgen.out" 2>&1 ||
		fail "trafgen: $(cat "$TMPDIR/trafgen.out")"
	sleep 0.3
}

# control: a tiny first fragment to 587 is forwarded and not inspected
r4=$(snmp inet Ip:ReasmReqds)
frag4 587 0
assert_eq "$(snmp inet Ip:ReasmReqds)" $((r4 + 1)) "IPv4 tiny fragment to 587 reached inet (ReasmReqds)"
r6=$(snmp inet Ip6ReasmReqds)
frag6 587
assert_eq "$(snmp inet Ip6ReasmReqds)" $((r6 + 1)) "IPv6 tiny fragment to 587 reached inet (Ip6ReasmReqds)"
jq_check "$(stats_json)" '.totals.inspected == 0' "not inspected"

# a later fragment (offset 16) has no TCP header at all: passes
frag4 25 2
assert_eq "$(snmp inet Ip:ReasmReqds)" $((r4 + 2)) "IPv4 non-first fragment reached inet"
# a TCP fragment at offset 8 could only rewrite the flags of a first
# fragment already judged (RFC 1858 3.2): dropped, and not a SYN to count
frag4 25 1
assert_eq "$(snmp inet Ip:ReasmReqds)" $((r4 + 2)) "IPv4 TCP fragment at offset 8 dropped"
jq_check "$(stats_json)" '.totals.inspected == 0' "not inspected"

# the tiny first fragment to port 25: denied and counted
frag4 25 0
assert_eq "$(snmp inet Ip:ReasmReqds)" $((r4 + 2)) "IPv4 tiny fragment to 25 did not reach inet"
frag6 25
assert_eq "$(snmp inet Ip6ReasmReqds)" $((r6 + 1)) "IPv6 tiny fragment to 25 did not reach inet"

js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | select(.source == "10.1.0.2") | [.denied, .last_destination, .last_port]] == [[1, "203.0.113.25", 25]]' \
	"10.1.0.2: 1 denied, to 203.0.113.25 port 25"
jq_check "$js" '[.sources[] | select(.source == "fd00:1::2") | [.denied, .last_destination, .last_port]] == [[1, "2001:db8:25::25", 25]]' \
	"fd00:1::2: 1 denied, to 2001:db8:25::25 port 25"
jq_check "$js" '.totals == {"inspected": 2, "allowed": 0, "denied": 2, "untracked": 0, "audited": 0, "exempt": 0}' "totals: 2 inspected, 2 denied"

# an allowlisted source's tiny fragment passes
op25bctl allow 10.1.0.2
frag4 25 0
assert_eq "$(snmp inet Ip:ReasmReqds)" $((r4 + 3)) "IPv4 tiny fragment from an allowed source reached inet"
jq_check "$(stats_json)" '.totals.allowed == 1' "counted as allowed"

# IPv6 first fragment without the TCP header: denied, port unknown (0)
r6=$(snmp inet Ip6ReasmReqds)
frag6_noports
assert_eq "$(snmp inet Ip6ReasmReqds)" "$r6" "IPv6 first fragment without TCP header did not reach inet"
jq_check "$(stats_json)" '[.sources[] | select(.source == "fd00:1::2") | [.denied, .last_port]] == [[2, 0]]' \
	"fd00:1::2: counted, last_port 0 (unknown)"

# ---- more tiny and overlapping fragments ------------------------------------
op25bctl remove 10.1.0.2 >/dev/null
op25bctl reset >/dev/null
segs0=$(snmp inet Tcp:InSegs)
ok0=$(snmp inet Ip:ReasmOKs)
r4=$(snmp inet Ip:ReasmReqds)
r6=$(snmp inet Ip6ReasmReqds)
# ip4frag ID FRAGFIELD BYTES: an IPv4 fragment 10.1.0.2 -> 203.0.113.25
ip4frag() {
	_n=$(printf '%s\n' "$3" | tr ',' '\n' | grep -c '[0-9a-z]')
	cat >"$TMPDIR/f.cfg" <<-EOT
	{
	  $ETH, 0x08, 0x00,
	  0x45, 0x00, 0x00, $((20 + _n)), 0x50, $1, $(($2 >> 8)), $(($2 & 255)), 64, 6, csumip(14, 33),
	  10, 1, 0, 2,  203, 0, 113, 25, $3
	}
	EOT
	send_cfg
}
# a first fragment with 2 bytes of TCP, no ports: judged, port unknown
ip4frag 1 0x2000 "0x9c, 0x45"
assert_eq "$(snmp inet Ip:ReasmReqds)" "$r4" "IPv4 first fragment without the ports did not reach inet"
# overlapping first fragments: a SYN to 587 passes, a second offset-0
# fragment of the same datagram rewriting it to port 25 is denied; with
# the tail inet reassembles the SYN to 587, nothing to 25
ip4frag 2 0x2000 "0x9c, 0x46, 0x02, 0x4b, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0x72, 0x10, 0, 0, 0, 0, 2, 4, 5, 0xb4"
ip4frag 2 0x2000 "0x9c, 0x46, 0x00, 25, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0x72, 0x10, 0, 0, 0, 0, 2, 4, 5, 0xb4"
ip4frag 2 0x0003 "1, 1, 1, 1, 1, 1, 1, 0"
assert_eq "$(snmp inet Ip:ReasmOKs)" $((ok0 + 1)) "IPv4: the SYN to 587 reassembled at inet, the overlapping fragment to 25 never arrived"
# IPv6: a TCP fragment at offset 8 (M set) could only rewrite flags: dropped
cat >"$TMPDIR/f.cfg" <<-EOT
{
  $ETH, 0x86, 0xdd,
  0x60, 0x00, 0x00, 0x00,  0x00, 16, 44, 64,
  0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25,
  6, 0, 0x00, 0x09,  0x00, 0x00, 0x4f, 0x34,
  0x50, 0x02, 0x72, 0x10, 0, 0, 0, 0
}
EOT
send_cfg
assert_eq "$(snmp inet Ip6ReasmReqds)" "$r6" "IPv6 TCP fragment at offset 8 dropped"
js=$(stats_json)
jq_check "$js" '[.sources[] | [.source, .denied, .last_port]] == [["10.1.0.2", 2, 25]]
	and .totals.inspected == 2' "denied: the fragment without ports and the overlapping one to 25"
assert_eq "$(snmp inet Tcp:InSegs)" $((segs0 + 1)) "TCP segments reaching inet: the reassembled SYN to 587 only"
dmesg_clean
