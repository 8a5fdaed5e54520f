#!/bin/sh
# Kernel log: the first denial from a new source always gives one line,
# e.g. "op25b: denied 10.1.0.2:51234 -> 203.0.113.25:25 (forward, out
# veth-inet)", IPv4 and IPv6, forwarded and local ("output"); audit mode
# logs "would deny"; allowed and exempt SYNs log nothing. Later denials share
# a budget of 10 lines a second: a flood from one source logs a few lines,
# while each new source in the flood still gets its own (150 of them, under
# the budget of 200 new-source lines a second). None of these lines looks
# like a kernel bug report.
. /vm/lib.sh
setup
ip -n client -batch - <<-EOT || fail "client addresses"
addr add 10.1.0.3/24 dev eth0
addr add 10.1.0.4/24 dev eth0
EOT
dmesg -c >/dev/null

# op25b_lines PATTERN: the op25b lines of the kernel log matching PATTERN
op25b_lines() { dmesg | grep -E "op25b: .*$1"; }
# n_lines PATTERN: how many
n_lines() { dmesg | grep -cE "op25b: .*$1"; }
# one_line PATTERN WHAT: exactly one op25b line matches PATTERN
one_line() {
	_n=$(n_lines "$1")
	[ "$_n" = 1 ] || fail "$2: $_n kernel log lines match '$1', want 1: $(dmesg | grep op25b)"
	_l=$(op25b_lines "$1")
	log "$2: ${_l#*] }"
}

# the first denial of each new source: one line
expect client $V4_INET 25 refused 0.5
one_line 'denied 10\.1\.0\.2:[0-9]+ -> 203\.0\.113\.25:25 \(forward, out veth-inet\)$' "first denial from 10.1.0.2"
expect mta $V4_INET 25 refused 0.5
one_line 'denied 10\.0\.0\.5:[0-9]+ -> 203\.0\.113\.25:25 \(forward, out veth-inet\)$' "a new source: 10.0.0.5"
expect client $V6_INET 25 refused 0.5
one_line 'denied \[fd00:1::2\]:[0-9]+ -> \[2001:db8:25::25\]:25 \(forward, out veth-inet\)$' "a new source: fd00:1::2"
expect gw $V6_INET 25 refused 0.5
one_line 'denied \[2001:db8:25::1\]:[0-9]+ -> \[2001:db8:25::25\]:25 \(output, out veth-inet\)$' "the gateway's own denial"
op25bctl port 25,2525
expect client $V4_INET 2525 refused 0.5 3 10.1.0.4
one_line 'denied 10\.1\.0\.4:[0-9]+ -> 203\.0\.113\.25:2525 \(forward, out veth-inet\)$' "10.1.0.4 to port 2525"

# later denials: a line each at most, in the same form
for _ in 1 2 3; do
	expect client $V4_INET 25 refused 0.5
done
n=$(n_lines 'denied 10\.1\.0\.2:[0-9]+ -> 203\.0\.113\.25:25 \(forward, out veth-inet\)$')
log "4 denials from 10.1.0.2: $n lines"
[ "$n" -ge 1 ] && [ "$n" -le 4 ] || fail "4 denials from 10.1.0.2 gave $n lines"
assert_eq "$(n_lines '10\.1\.0\.2:')" "$n" "no other line for 10.1.0.2"

# audit: "would deny"; the connection passes
op25bctl mode audit
expect client $V4_INET 25 ok "" 3 10.1.0.3
one_line 'would deny 10\.1\.0\.3:[0-9]+ -> 203\.0\.113\.25:25 \(forward, out veth-inet\)$' "audit: 10.1.0.3"
assert_eq "$(n_lines '10\.1\.0\.3:')" 1 "no other line for 10.1.0.3"

# allowed and exempt connections are not logged
op25bctl mode enforce
op25bctl allow fd00::5
op25bctl exempt add 10.0.0.0/24
listen mta 25
wait_listen mta 25
before=$(dmesg | grep -c 'op25b: ')
expect mta $V6_INET 25 ok
expect client $V4_MTA 25 ok
l=$(dmesg | grep 'op25b: ' | tail -n +$((before + 1)))
[ -z "$l" ] || fail "allowed or exempt connections logged: $l"

# A flood: 300 SYNs at 1000/s, every other one from 10.1.0.2, the others
# each from a new source (10.3.0.1-150). The new sources' first denials
# are all logged, budget or not; 10.1.0.2's are rate-limited (budget 10/s).
cat >"$TMPDIR/syn.cfg" <<'EOT'
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, 0x00, 0x00, 0x40, 0x00, 64, 6, csumip(14, 33),
  10, 1, 0, 2,  203, 0, 113, 25,
  drnd(2), 0x00, 25,  drnd(4),  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, csumtcp(14, 34), 0x00, 0x00
}
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, 0x00, 0x00, 0x40, 0x00, 64, 6, csumip(14, 33),
  10, 3, 0, dinc(1, 150),  203, 0, 113, 25,
  drnd(2), 0x00, 25,  drnd(4),  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10, csumtcp(14, 34), 0x00, 0x00
}
EOT
d0=$(jqr "$(stats_json)" .totals.denied)
n0=$(n_lines 'denied 10\.1\.0\.2:')
now_cs
t0=$NOW
on client /usr/bin/timeout -k 1 20 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/syn.cfg" \
	--num 300 --rate 1000pps --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats \
	>"$TMPDIR/trafgen.out" 2>&1 || fail "trafgen: $(cat "$TMPDIR/trafgen.out")"
now_cs
secs=$(((NOW - t0 + 99) / 100))
[ $((10 * (secs + 1))) -lt 150 ] || fail "the flood took $secs s: too slow to show a rate limit"
sleep 0.5
js=$(stats_json)
jq_check "$js" ".totals.denied == $d0 + 300 and ([.sources[] | select(.source | startswith(\"10.3.0.\"))] | length) == 150" \
	"300 SYNs denied, 150 new sources"
n=$(dmesg | grep -cE 'op25b: denied 10\.3\.0\.[0-9]+:[0-9]+ -> 203\.0\.113\.25:25 \(forward, out veth-inet\)$')
assert_eq "$n" 150 "lines for the 150 new sources"
n=$(($(n_lines 'denied 10\.1\.0\.2:') - n0))
log "lines for 150 denials from 10.1.0.2 in about $secs s: $n"
[ "$n" -le $((10 * (secs + 1))) ] || fail "150 denials from 10.1.0.2 in about $secs s gave $n log lines: not rate-limited to 10/s"

dmesg | grep op25b | grep -v 'op25b: denied 10\.3\.0\.' | sed 's/^/#   /'
dmesg_clean
