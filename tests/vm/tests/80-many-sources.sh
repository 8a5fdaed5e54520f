#!/bin/sh
# Many sources: 1750 distinct spoofed sources (10.2.0-6.x) each send one SYN
# to port 25 (trafgen). Every one is tracked and dumped (the dump spans many
# netlink messages), counts are exact, and reset and rmmod (nft: deleting
# the table) free them cleanly.
# backends: kmod nft
. /vm/lib.sh
setup
N=1750

cat >"$TMPDIR/syn.cfg" <<'EOT'
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x08, 0x00,
  0x45, 0x00, 0x00, 40, 0x00, 0x00, 0x40, 0x00, 64, 6, csumip(14, 33),
  10, 2, dinc(0, 6), dinc(1, 250),  203, 0, 113, 25,
  0x9c, 0x41, 0x00, 25,  0x00, 0x00, 0x00, 0x01,  0, 0, 0, 0,  0x50, 0x02, 0x72, 0x10,
  csumtcp(14, 34), 0x00, 0x00
}
EOT
on client /usr/bin/timeout -k 1 30 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/syn.cfg" \
	--num $N --rate 1000pps --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats \
	>"$TMPDIR/trafgen.out" 2>&1 || fail "trafgen: $(cat "$TMPDIR/trafgen.out")"
sleep 0.5

js=$(stats_json)
jq_check "$js" "(.sources | length) == $N and all(.sources[]; .denied == 1 and .last_port == detail(25))
	and ([.sources[].source] | unique | length) == $N
	and all(.sources[]; .source | startswith(\"10.2.\"))" \
	"$N distinct sources, one denial each"
jq_check "$js" ".totals == {\"inspected\": $N, \"allowed\": 0, \"denied\": $N, \"untracked\": 0, \"audited\": 0, \"exempt\": 0}" \
	"totals: $N inspected and denied"
jq_check "$(status_json)" ".sources == $N" "status: $N sources tracked"
lines=$(op25bctl stats | grep -c '^10\.2\.')
assert_eq "$lines" "$N" "text stats: one line per source"

op25bctl reset
jq_check "$(stats_json)" '.sources == [] and .totals.denied == 0' "reset: all forgotten"
on client /usr/bin/timeout -k 1 30 /usr/sbin/trafgen --dev eth0 --in "$TMPDIR/syn.cfg" \
	--num 500 --rate 1000pps --cpus 1 --no-sock-mem --notouch-irq --no-cpu-stats \
	>"$TMPDIR/trafgen.out" 2>&1 || fail "trafgen: $(cat "$TMPDIR/trafgen.out")"
sleep 0.5
jq_check "$(stats_json)" '(.sources | length) == 500' "500 sources again"
op25b_unload
dmesg_clean
