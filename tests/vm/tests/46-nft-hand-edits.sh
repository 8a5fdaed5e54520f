#!/bin/sh
# table inet op25b edited by hand (nft delete set, flush chain, delete
# chain): op25bctl says what is missing and that `load` makes the table
# anew; a change other than load exits 1 and changes nothing; `load` then
# replaces the table in one batch: the policy is the file's, the verdicts
# right, and the counters restart from zero (docs/backends.md). An
# unrelated table is untouched throughout.
# backends: nft
. /vm/lib.sh
setup

$NFT -f - <<'EOF' || fail "loading the unrelated table"
table inet filter {
	chain forward {
		type filter hook forward priority 10; policy accept;
		tcp dport 587 counter accept
	}
}
EOF
other() { $NFT list table inet filter | sed -E 's/packets [0-9]+ bytes [0-9]+/-/'; }
other0=$(other)

cat >"$TMPDIR/p.conf" <<'EOF'
mode enforce
action reject
port 25
allow 10.0.0.5 comment main MTA
allow fd00::5
scope 10.1.0.0/16
scope fd00:1::/64
EOF
ctl_expect 0 load "$TMPDIR/p.conf"
ctl_expect 0 load "$TMPDIR/p.conf"
assert_eq "$CTL_OUT" "" "a load of a sound table says nothing"
saved=$(op25bctl save)

# denied once, then repaired: the counters restart
broken() {
	expect client $V4_INET 25 refused 0.5
	jq_check "$(stats_json)" '.totals.denied >= 1' "$1: a denial counted"
}
repaired() {
	ctl_expect 0 load "$TMPDIR/p.conf"
	case $CTL_OUT in
	*"made anew, its counters restart from zero"*) ;;
	*) fail "$1: load did not say it made the table anew: $CTL_OUT" ;;
	esac
	assert_eq "$(op25bctl save)" "$saved" "$1: after load, save is the file's"
	jq_check "$(stats_json)" '.totals.inspected == 0 and .sources == []' \
		"$1: after load, the counters restart from zero"
	expect mta $V6_INET 25 ok
	expect client $V6_INET 25 refused 0.5
	expect client $V4_INET 465 ok
	assert_eq "$(other)" "$other0" "$1: the unrelated table is as it was"
}

# 1. a set deleted: the spare generation of allow4, which no rule uses
broken "set deleted"
n=0
for s in allow4_a allow4_b; do
	$NFT delete set inet op25b "$s" 2>/dev/null && n=$((n + 1)) && gone=$s
done
assert_eq "$n" 1 "nft deletes the one allow4 set no rule uses ($gone), not the other"
ctl_expect 1 allow 10.0.0.6
case $CTL_OUT in
*"no set $gone"*"load FILE"*) ;;
*) fail "allow: the message does not name set $gone and load: $CTL_OUT" ;;
esac
assert_eq "$(op25bctl save)" "$saved" "set deleted: allow changed nothing"
repaired "set deleted"

# 2. the settings comment gone with the judge chain's rules
broken "judge flushed"
$NFT flush chain inet op25b judge || fail "nft flush chain"
for c in status list save "mode audit"; do
	# shellcheck disable=SC2086
	ctl_expect 1 $c
	case $CTL_OUT in
	*"no settings comment"*"load FILE"*) ;;
	*) fail "$c: the message does not name the settings comment and load: $CTL_OUT" ;;
	esac
done
repaired "judge flushed"

# 3. a hooked chain deleted: the read cannot tell, the batch fails
broken "chain deleted"
$NFT delete chain inet op25b output || fail "nft delete chain"
ctl_expect 1 mode audit
case $CTL_OUT in
*"lacks a chain or a set"*"load FILE"*) ;;
*) fail "mode audit: the message does not say what is missing and load: $CTL_OUT" ;;
esac
assert_eq "$(op25bctl save)" "$saved" "chain deleted: mode audit changed nothing"
repaired "chain deleted"
$NFT list chain inet op25b output >/dev/null || fail "load did not make chain output again"

$NFT delete table inet filter
op25b_unload
dmesg_clean
