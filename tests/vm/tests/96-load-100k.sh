#!/bin/sh
# 100,000 allowlist entries (half IPv4, half IPv6) in one load, with
# max_allow=200000: status counts them all, save prints exactly them, the
# MTA passes and the client is still refused; loading a small file frees
# them. The load time is printed for the notes (a figure, not a threshold).
. /vm/lib.sh
setup max_allow=200000
N=100000
F=$TMPDIR/big.conf

awk -v n=$N 'BEGIN {
	print "mode enforce"; print "action reject"; print "port 25"
	print "allow 10.0.0.5"; print "allow fd00::5"
	h = (n - 2) / 2
	for (i = 0; i < h; i++)
		printf "allow 172.%d.%d.%d\n", 16 + int(i / 65536), int(i / 256) % 256, i % 256
	for (i = 1; i <= n - 2 - h; i++)
		printf "allow 2001:db8:1::%x\n", i
}' >"$F"
assert_eq "$(grep -c '^allow ' "$F")" "$N" "allow lines generated"
log "file: $(wc -c <"$F") bytes"

# timed: CS centiseconds of CMD...
timed() {
	now_cs
	_t0=$NOW
	"$@"
	_rc=$?
	now_cs
	CS=$((NOW - _t0))
	SECS=$((CS / 100)).$(printf '%02d' $((CS % 100)))
	return $_rc
}

timed $CTL load "$F" >"$TMPDIR/load.out" 2>&1 || fail "load of $N entries: $(cat "$TMPDIR/load.out")"
log "LOAD TIME: $N entries in $SECS s (empty -> $N)"
jq_check "$(status_json)" ".allow_entries == $N and .allow_max == 200000" "status -j: $N entries"
for f in 4 6; do
	fam $f
	expect mta "$INET" 25 ok
	expect client "$INET" 25 refused 0.5
done

timed $CTL load "$F" >"$TMPDIR/load.out" 2>&1 || fail "second load of $N entries: $(cat "$TMPDIR/load.out")"
log "LOAD TIME: $N entries in $SECS s ($N -> $N)"
jq_check "$(status_json)" ".allow_entries == $N" "status -j: still $N entries"

timed $CTL save >"$TMPDIR/saved.conf" 2>"$TMPDIR/save.err" || fail "save: $(cat "$TMPDIR/save.err")"
log "save of $N entries: $SECS s"
grep '^allow ' "$F" | sort >"$TMPDIR/want"
grep '^allow ' "$TMPDIR/saved.conf" | sort >"$TMPDIR/got"
cmp -s "$TMPDIR/want" "$TMPDIR/got" ||
	fail "save: allow lines differ from the file's: $(diff "$TMPDIR/want" "$TMPDIR/got" | head -n 5)"
log "save: the $N allow lines of the file"

printf 'mode enforce\naction reject\nport 25\nallow 10.0.0.5\n' >"$TMPDIR/small.conf"
timed $CTL load "$TMPDIR/small.conf" >"$TMPDIR/load.out" 2>&1 || fail "small load: $(cat "$TMPDIR/load.out")"
log "load of 1 entry over $N: $SECS s"
jq_check "$(status_json)" '.allow_entries == 1' "status -j: 1 entry"
expect mta $V4_INET 25 ok
expect mta $V6_INET 25 refused 0.5
dmesg_clean
