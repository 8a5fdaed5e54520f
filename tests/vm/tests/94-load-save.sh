#!/bin/sh
# load FILE replaces the whole configuration (mode, action, ports, allow,
# scope, exempt) and leaves the counters alone; save prints it back and
# "save | load -" is an identity. A broken file (any line) exits 2, names
# FILE:LINE and applies nothing at all. "load -" reads stdin.
# backends: kmod nft
. /vm/lib.sh
setup
listen mta 25
wait_listen mta 25
C=$TMPDIR/op25b.conf

# a policy that the file must replace entirely, and some counts
op25bctl allow 192.0.2.1
expect client $V4_INET 25 refused 0.5
op25bctl mode audit
op25bctl action drop
op25bctl port 2525
op25bctl scope add 198.51.100.0/24
op25bctl exempt add 198.18.0.0/15
totals=$(jqc "$(stats_json)" .totals) || fail "stats -j: $totals"

cat >"$C" <<-'EOT'
# op25b policy of the test gateway
mode enforce
action reject
port 25

allow 10.0.0.5            # main MTA
allow fd00::5 comment backup MTA
exempt 10.0.0.0/24        # internal relays
exempt fd00::/64
scope 10.1.0.0/16         # pilot segment
scope fd00:1::/64
EOT
op25bctl load "$C"
st=$(status_json)
log "status: $st"
jq_check "$st" '.enabled == true and .mode == "enforce" and .action == "reject" and .ports == [25]
	and .allow_entries == 2 and .scope == ["10.1.0.0/16", "fd00:1::/64"]
	and .exempt == ["10.0.0.0/24", "fd00::/64"]' \
	"status -j: exactly the file's policy"
lj=$(list_json)
log "list: $lj"
jq_check "$lj" '.allow | map(if type == "object" then .prefix else . end) == ["10.0.0.5", "fd00::5"]' \
	"list -j: the file's allowlist"
jq_check "$lj" '.comments == {"10.0.0.5": "main MTA", "fd00::5": "backup MTA"}' \
	"list -j: the comments, from '# TEXT' and 'comment TEXT'"
txt=$(op25bctl list)
case $txt in *"backup MTA"*) ;; *) fail "list does not show the comment: $txt" ;; esac
assert_eq "$(jqc "$(stats_json)" .totals)" "$totals" "counters left alone by load"

for f in 4 6; do
	fam $f
	expect mta "$INET" 25 ok
	expect client "$INET" 25 refused 0.5
	expect client "$MTA" 25 ok
done

# save: the same policy in the file format, and an identity through load -
s1=$(op25bctl save) || fail "$s1"
log "save:"
printf '%s\n' "$s1" | sed 's/^/#   /'
for re in '^mode enforce$' '^action reject$' '^port 25$' '^allow 10\.0\.0\.5 .*main MTA$' \
	'^allow fd00::5 .*backup MTA$' '^exempt 10\.0\.0\.0/24 .*internal relays$' '^exempt fd00::/64$' \
	'^scope 10\.1\.0\.0/16 .*pilot segment$' '^scope fd00:1::/64$'; do
	n=$(printf '%s\n' "$s1" | grep -cE "$re")
	assert_eq "$n" 1 "save: one line matching $re"
done
n=$(printf '%s\n' "$s1" | grep -cvE '^(#|$)')
assert_eq "$n" 9 "save: 9 directives"
st1=$(status_json)
out=$($CTL save | $CTL load - 2>&1) || fail "save | load -: $out"
assert_eq "$(op25bctl save)" "$s1" "save after save | load -"
assert_eq "$(status_json)" "$st1" "status -j after save | load -"
printf '%s\n' "$s1" >"$TMPDIR/saved.conf"
op25bctl load "$TMPDIR/saved.conf"
assert_eq "$(op25bctl save)" "$s1" "save after loading the saved file"

# comments as the command line gives them survive save | load - unchanged,
# and none can smuggle a directive into the saved file
op25bctl allow 192.0.2.7 comment 'a # b "quoted" back\slash ünïcode' >/dev/null
op25bctl exempt add 192.0.2.0/28 comment 'relay # 2' >/dev/null
ctl allow 192.0.2.8 comment "$(printf 'x\nmode audit')"
log "comment with a newline: exit $CTL_RC"
s3=$(op25bctl save) || fail "$s3"
out=$($CTL save | $CTL load - 2>&1) || fail "save | load - with odd comments: $out"
assert_eq "$(op25bctl save)" "$s3" "save after save | load - with odd comments"
jq_check "$(status_json)" '.mode == "enforce"' "still enforce"
jq_check "$(list_json)" '.comments["192.0.2.7"] == "a # b \"quoted\" back\\slash ünïcode"' "the comment, byte for byte"
op25bctl load "$C"

# another file replaces everything, lists emptied included
cat >"$TMPDIR/other.conf" <<-'EOT'
mode audit
action drop
port 25,587
allow 192.0.2.1
EOT
op25bctl load "$TMPDIR/other.conf"
jq_check "$(status_json)" '.mode == "audit" and .action == "drop" and .ports == [25, 587]
	and .allow_entries == 1 and .scope == [] and .exempt == []' "status -j: the other file's policy"
jq_check "$(list_json)" '.allow | map(if type == "object" then .prefix else . end) == ["192.0.2.1"]' \
	"list -j: the other file's allowlist"
op25bctl load "$C"
assert_eq "$(op25bctl save)" "$s1" "loading the first file again"

# broken files: exit 2, FILE:LINE in the message, nothing applied
st1=$(status_json)
lj1=$(list_json)
cat >"$TMPDIR/base.conf" <<-'EOT'
mode enforce
action reject
port 25
allow 10.0.0.5 comment main MTA
allow fd00::5 comment backup MTA
exempt 10.0.0.0/24 comment internal relays
exempt fd00::/64
scope 10.1.0.0/16 comment pilot segment
scope fd00:1::/64
EOT
op25bctl load "$TMPDIR/base.conf"
assert_eq "$(op25bctl save)" "$s1" "base.conf (comment TEXT): the same policy as the file with # comments"
n=0
while IFS='|' read -r line text; do
	n=$((n + 1))
	F=$TMPDIR/bad$n.conf
	# the good file with line LINE replaced
	awk -v n="$line" -v t="$text" 'NR == n { print t; next } { print } END { if (n > NR) print t }' \
		"$TMPDIR/base.conf" >"$F"
	ctl_expect 2 load "$F"
	case $CTL_OUT in
	*"$F:$line:"*) ;;
	*) fail "load of a file broken on line $line ($text): message does not name $F:$line: $CTL_OUT" ;;
	esac
done <<-'EOT'
5|allow 10.0.0.300
5|allow 10.0.0.5/33
5|allow 10.0.0.1/24
5|allow
1|mode permissive
1|mode
2|action bounce
3|port 25,0
3|port 25,25
3|port 1,2,3,4,5,6,7,8,9
4|permit 10.0.0.5
4|allow 10.0.0.5 extra
6|exempt fd00::g
7|exempt
8|scope 10.1.0.1/16
9|scope fd00:1::/129
10|bogus
EOT
assert_eq "$(op25bctl save)" "$s1" "save unchanged by broken files"
assert_eq "$(status_json)" "$st1" "status -j unchanged by broken files"
assert_eq "$(list_json)" "$lj1" "list -j unchanged by broken files"

# a file that is not there
ctl load "$TMPDIR/missing.conf"
[ "$CTL_RC" = 1 ] || [ "$CTL_RC" = 2 ] || fail "load of a missing file: exit $CTL_RC: $CTL_OUT"
case $CTL_OUT in *missing.conf*) ;; *) fail "load of a missing file does not name it: $CTL_OUT" ;; esac
assert_eq "$(op25bctl save)" "$s1" "save unchanged by a missing file"

# load - reads stdin
out=$(printf 'mode enforce\naction drop\nport 25\nallow 10.0.0.5\n' | $CTL load - 2>&1) ||
	fail "load - from stdin: $out"
jq_check "$(status_json)" '.action == "drop" and .allow_entries == 1 and .scope == [] and .exempt == []' \
	"load -: stdin's policy"
expect mta $V4_INET 25 ok
expect mta $V6_INET 25 timeout "" 1
s2=$(op25bctl save) || fail "$s2"
out=$(printf 'mode enforce\naction reject\nbogus\n' | $CTL load - 2>&1)
rc=$?
assert_eq "$rc" 2 "load - of a broken stdin: exit status"
case $out in *:3:*) ;; *) fail "load - of a broken stdin does not name line 3: $out" ;; esac
assert_eq "$(op25bctl save)" "$s2" "save unchanged by a broken stdin"

# every netns has its own configuration
ip netns add other
op25bctl -n other load "$TMPDIR/base.conf"
assert_eq "$(op25bctl -n other save)" "$s1" "another netns: its own load"
assert_eq "$(op25bctl save)" "$s2" "the gateway's configuration unchanged"
check_totals "$(stats_json)"
