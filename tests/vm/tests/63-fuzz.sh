#!/bin/sh
# Netlink fuzzing: op25b-fuzz (tests/fuzz) sends many thousands of random
# and mutated generic netlink messages to op25b (every command and unknown
# ones, every attribute and unknown ones, wrong types, lengths and
# nesting, truncated headers, bogus flags, abandoned dumps, several
# messages per send), each run from its own printed seed:
#   1. as nobody in the gateway's netns: nothing succeeds (-E);
#   2. as root in a netns of its own with op25b enabled, SYNs from random
#      sources flowing through its LOCAL_OUT meanwhile;
#   3. as root of a user namespace that owns its netns (if the kernel has
#      user namespaces);
#   4. as root in the gateway's netns itself.
# Runs 1, 3 and 4 send half, a quarter and a quarter as many messages as
# run 2; each stops early (and says so) past a time limit, so that a slow
# kernel does not hit the test's timeout.
# The gateway's configuration stays byte-identical (op25bctl save) through
# 1-3; after each run the fuzzed netns's configuration is one op25bctl can
# save and load back unchanged, its counters add up, the module answers,
# and after 4 and a reload the gateway still judges SYNs right. The kernel
# log stays clean and rmmod works. OP25B_FUZZ_N (messages per run, default
# 20000, a quarter with OP25B_SLOW) and OP25B_FUZZ_SEED override.
. /vm/lib.sh
setup
FUZZ=/usr/bin/op25b-fuzz
[ -x "$FUZZ" ] || fail "op25b-fuzz is not in the VM (make fuzz)"
N=${OP25B_FUZZ_N:-20000}
[ "${OP25B_SLOW:-0}" != 0 ] && N=$((N / 4))
SEED=${OP25B_FUZZ_SEED:-$(($(date +%s) % 1000000))}
log "$N messages per run, seeds from $SEED"

cat >"$TMPDIR/gw.conf" <<'EOT'
mode enforce
action reject
port 25
allow 10.0.0.5 comment main MTA
allow fd00::5
exempt 192.0.2.0/24
EOT
op25bctl load "$TMPDIR/gw.conf"
gw_saved=$(op25bctl save)

# fuzz_run NAME FUZZ-ARGS...: run the fuzzer, show its summary; its
# output stays in $TMPDIR/NAME.out
fuzz_run() {
	_name=$1
	shift
	"$@" >"$TMPDIR/$_name.out" 2>&1
	_rc=$?
	sed 's/^/    /' "$TMPDIR/$_name.out" | grep -v '^    msg ' | head -n 20
	[ "$_rc" = 0 ] || fail "$_name: op25b-fuzz exited $_rc"
}

# fuzz_ok NAME CMD...: each command succeeded at least once in run NAME
fuzz_ok() {
	_name=$1
	shift
	_line=$(grep '^op25b-fuzz: ok by command:' "$TMPDIR/$_name.out")
	for _c in "$@"; do
		case " ${_line#*:} " in
		*" $_c=0 "*) fail "$_name: no $_c ever succeeded: the fuzz did not reach it ($_line)" ;;
		*" $_c="*) ;;
		*) fail "$_name: no count for $_c in: $_line" ;;
		esac
	done
	log "$_name: every one of $* succeeded at least once"
}

# roundtrip [NS]: save | load - | save changes nothing; status agrees with
# save; the counters add up
roundtrip() {
	_ns=${1:-gw}
	ctl -n "$_ns" save
	[ "$CTL_RC" = 0 ] || fail "save in $_ns after fuzzing: exit $CTL_RC: $CTL_OUT"
	_s1=$CTL_OUT
	printf '%s\n' "$_s1" >"$TMPDIR/rt.conf"
	ctl -n "$_ns" load "$TMPDIR/rt.conf"
	[ "$CTL_RC" = 0 ] || fail "load of the saved configuration in $_ns: exit $CTL_RC: $CTL_OUT
$_s1"
	ctl -n "$_ns" save
	[ "$CTL_RC" = 0 ] && [ "$CTL_OUT" = "$_s1" ] ||
		fail "save | load - | save changed the configuration in $_ns:
$_s1
---
$CTL_OUT"
	_st=$(status_json "$_ns")
	_na=$(printf '%s\n' "$_s1" | grep -c '^allow ')
	_nsc=$(printf '%s\n' "$_s1" | grep -c '^scope ')
	_ne=$(printf '%s\n' "$_s1" | grep -c '^exempt ')
	jq_check "$_st" ".allow_entries == $_na and (.scope | length) == $_nsc
		and (.exempt | length) == $_ne" \
		"$_ns: status agrees with save ($_na allow, $_nsc scope, $_ne exempt)"
	check_totals "$(stats_json "$_ns")"
}

gw_same() {
	assert_eq "$(op25bctl save)" "$gw_saved" "gateway configuration byte-identical (save) after $1"
}

# ---- 1. nobody, in the gateway's netns --------------------------------------
fuzz_run nobody setpriv --reuid 65534 --regid 65534 --clear-groups \
	$FUZZ -E -n $((N / 2)) -s $SEED -T 10
gw_same "fuzzing as nobody"

# ---- 2. root, in a netns of its own with traffic ------------------------------
ip netns add fuzz
ip -n fuzz -batch - <<-'EOT' || fail "fuzz netns: ip -batch failed"
link set lo up
link add fz0 type veth peer name fz1
addr add 192.0.2.1/24 dev fz0
addr add 2001:db8:f::1/64 dev fz0 nodad
link set fz0 up
link set fz1 up
neigh add 192.0.2.2 lladdr 02:00:00:00:0f:02 dev fz0 nud permanent
neigh add 2001:db8:f::2 lladdr 02:00:00:00:0f:02 dev fz0 nud permanent
EOT
op25bctl -n fuzz enable
awk 'BEGIN { print "mode enforce"; print "action drop"; print "port 25,587"
	for (i = 0; i < 300; i++) printf "allow 10.9.%d.%d\n", int(i / 200), i % 200
	for (i = 0; i < 100; i++) printf "scope 2001:db8:%x::/48\n", i }' >"$TMPDIR/fz.conf"
op25bctl -n fuzz load "$TMPDIR/fz.conf"
fuzz_run netns on fuzz $FUZZ -n $N -s $((SEED + 1)) -t 192.0.2.2,2001:db8:f::2 -T 30
fuzz_ok netns get_status set_config add_prefix del_prefix flush_prefixes reset_stats load
grep -q 'replies by command:.* get_prefixes=[1-9].* get_sources=[1-9]' "$TMPDIR/netns.out" ||
	fail "netns: no get_prefixes or get_sources dump ever answered"
grep -q ' [1-9][0-9]* dumps abandoned' "$TMPDIR/netns.out" || fail "netns: no dump abandoned"
ctl -n fuzz status
[ "$CTL_RC" = 0 ] || fail "status in the fuzzed netns: exit $CTL_RC: $CTL_OUT"
roundtrip fuzz
gw_same "fuzzing netns fuzz"

# ---- 3. root of a user namespace that owns its netns ---------------------------
if unshare -U -r -n true 2>/dev/null; then
	cat >"$TMPDIR/userns.sh" <<-EOT
	set -e
	/usr/sbin/ip link set lo up
	/usr/sbin/ip link add u0 type veth peer name u1
	/usr/sbin/ip addr add 198.51.100.1/24 dev u0
	/usr/sbin/ip addr add 2001:db8:e::1/64 dev u0 nodad
	/usr/sbin/ip link set u0 up
	/usr/sbin/ip link set u1 up
	/usr/sbin/ip neigh add 198.51.100.2 lladdr 02:00:00:00:0e:02 dev u0 nud permanent
	/usr/sbin/ip neigh add 2001:db8:e::2 lladdr 02:00:00:00:0e:02 dev u0 nud permanent
	$CTL enable
	$CTL allow 198.51.100.0/25
	$FUZZ -n $((N / 4)) -s $((SEED + 2)) -t 198.51.100.2,2001:db8:e::2 -T 12 >"$TMPDIR/userns.out" 2>&1
	$CTL status >/dev/null
	$CTL save >"$TMPDIR/u1.conf"
	$CTL load "$TMPDIR/u1.conf"
	$CTL save >"$TMPDIR/u2.conf"
	cmp "$TMPDIR/u1.conf" "$TMPDIR/u2.conf"
	EOT
	out=$(unshare -U -r -n sh "$TMPDIR/userns.sh" 2>&1)
	rc=$?
	sed 's/^/    /' "$TMPDIR/userns.out" 2>/dev/null | head -n 20
	[ "$rc" = 0 ] || fail "fuzzing in a user-owned netns: exit $rc: $out"
	fuzz_ok userns get_status add_prefix del_prefix load
	log "user-owned netns: save | load - | save round-trips"
	gw_same "fuzzing a user-owned netns"
else
	log "no user namespaces in this kernel: user-owned netns run skipped"
fi

# ---- 4. root, in the gateway's netns itself --------------------------------------
fuzz_run gw $FUZZ -n $((N / 4)) -s $((SEED + 3)) -T 12
fuzz_ok gw get_status load
roundtrip gw
# back to the known configuration: filtering and verdicts as before
op25bctl enable
op25bctl load "$TMPDIR/gw.conf"
gw_same "reloading it"
expect client $V4_INET 25 refused 0.5
expect client $V6_INET 25 refused 0.5
expect mta $V4_INET 25 ok
expect mta $V6_INET 25 ok
expect client $V4_INET 587 ok
dmesg_clean
ip netns del fuzz
op25b_unload
log "rmmod op25b after fuzzing: done"
dmesg_clean
