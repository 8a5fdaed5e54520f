# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the op25b VM tests (busybox sh inside the test VM).
#
# Topology (setup): the VM's initial netns is the gateway, where op25b
# filters from the moment it loads. Three namespaces hang off it, each by a
# veth pair (gateway side veth-NS, namespace side eth0):
#
#   client  10.1.0.2/24     fd00:1::2/64       via 10.1.0.1     fd00:1::1
#   mta     10.0.0.5/24     fd00::5/64         via 10.0.0.1     fd00::1
#   inet    203.0.113.25/24 2001:db8:25::25/64 via 203.0.113.1  2001:db8:25::1
#
# inet runs echo servers on TCP 25, 465 and 587 (IPv4 and IPv6): whatever a
# client sends comes back. In the tests "gw" names the gateway (init netns).

# Busybox sh runs its own applets before PATH: call the real tools.
ip() { /usr/sbin/ip "$@"; }
timeout() { /usr/bin/timeout "$@"; }
setpriv() { /usr/bin/setpriv "$@"; }
unshare() { /usr/bin/unshare "$@"; }
CTL=/usr/sbin/op25bctl
KO=/vm/op25b.ko
TMPDIR=${TMPDIR:-/tmp}

V4_CLIENT=10.1.0.2 V6_CLIENT=fd00:1::2
V4_MTA=10.0.0.5 V6_MTA=fd00::5
V4_INET=203.0.113.25 V6_INET=2001:db8:25::25
V4_GW_INET=203.0.113.1 V6_GW_INET=2001:db8:25::1
V4_GW_CLIENT=10.1.0.1 V6_GW_CLIENT=fd00:1::1

# fam 4|6: sets INET, CLIENT, MTA, GW_INET, GW_CLIENT for that family
fam() {
	eval "INET=\$V$1_INET CLIENT=\$V$1_CLIENT MTA=\$V$1_MTA" \
		"GW_INET=\$V$1_GW_INET GW_CLIENT=\$V$1_GW_CLIENT"
}

# ---- reporting -----------------------------------------------------------

log() { echo "# $*"; }

fail() {
	echo "FAIL: $*"
	exit 1
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
	log "$3: $1"
}

# ---- running things in namespaces ------------------------------------------

# on NS CMD...: run CMD in namespace NS ("gw": the gateway, init netns)
on() {
	_ns=$1
	shift
	if [ "$_ns" = gw ]; then
		"$@"
	else
		/usr/sbin/ip netns exec "$_ns" "$@"
	fi
}

# now_cs: sets $NOW to /proc/uptime in centiseconds (no process started)
now_cs() {
	read -r _up _ </proc/uptime
	NOW=${_up%.*}${_up#*.}
}

# ---- op25b and op25bctl ------------------------------------------------------

# ---- backends (nft: the same scenarios through op25bctl -b nft) ----------
# /init runs a test that has a line "# backends: kmod nft" once per backend,
# with OP25B_BACKEND set; for nft, "loading op25b" means creating table
# inet op25b with op25bctl, and op25b.ko must stay out of the kernel.
BACKEND=${OP25B_BACKEND:-kmod}
NFT=/usr/sbin/nft
if [ "$BACKEND" = nft ]; then
	# $CTL is op25bctl -b nft, for the tests that run it themselves too
	CTL=/run/op25bctl-nft
	[ -x "$CTL" ] || {
		printf '#!/bin/sh\nexec /usr/sbin/op25bctl -b nft "$@"\n' >"$CTL" &&
			chmod 755 "$CTL"
	} || fail "cannot write $CTL"
fi

# nft_run: this run is the nft backend's
nft_run() { [ "$BACKEND" = nft ]; }

# detail JSON: JSON, or null where the backend cannot tell (nft has no
# first/last seen or last destination): for jq filters
detail() { if nft_run; then echo null; else echo "$1"; fi; }

# jq filters may say detail(V) for a value nft cannot tell: V, or null
JQ_DEFS='def detail(v): v;'
nft_run && JQ_DEFS='def detail(v): null;'

# kmod_only WHAT: true for the kmod run; the nft run logs that it skips WHAT
kmod_only() {
	nft_run || return 0
	log "nft backend: skipped (kmod only): $*"
	return 1
}

op25b_loaded() {
	if nft_run; then
		$NFT list table inet op25b >/dev/null 2>&1
	else
		grep -q '^op25b ' /proc/modules
	fi
}

# op25b_load [PARAM=VALUE...]: insmod op25b.ko (nft: the table, fresh,
# mode=X as "op25bctl mode X", max_sources=N as OP25B_NFT_MAX_SOURCES)
op25b_load() {
	if nft_run; then
		! grep -q '^op25b ' /proc/modules || fail "op25b.ko is loaded in an nft run"
		_max=
		for _p in "$@"; do
			case $_p in max_sources=*) _max=${_p#max_sources=} ;; esac
		done
		OP25B_NFT_MAX_SOURCES=$_max "$CTL" enable || fail "op25bctl -b nft enable failed"
		for _p in "$@"; do
			case $_p in
			mode=*) "$CTL" mode "${_p#mode=}" || fail "op25bctl -b nft mode ${_p#mode=} failed" ;;
			max_sources=*) ;;
			*) fail "op25b_load $_p: no nft equivalent (mark the test kmod only)" ;;
			esac
		done
		return 0
	fi
	[ -f "$KO" ] || fail "op25b.ko is not in the VM (build it: make module)"
	insmod "$KO" "$@" || fail "insmod op25b.ko $* failed"
}

op25b_unload() {
	if nft_run; then
		$NFT delete table inet op25b || fail "nft delete table inet op25b failed"
		return 0
	fi
	rmmod op25b || fail "rmmod op25b failed"
}

# op25b_fresh [PARAM=VALUE...]: a freshly loaded module
op25b_fresh() {
	if op25b_loaded; then op25b_unload; fi
	op25b_load "$@"
}

# ctl [-n NS] ARGS...: run op25bctl (in the gateway, or in NS); sets
# CTL_OUT (stdout+stderr) and CTL_RC, prints nothing
ctl() {
	_ns=gw
	if [ "$1" = -n ]; then
		_ns=$2
		shift 2
	fi
	[ -x "$CTL" ] || fail "op25bctl is not in the VM (build it: make userspace)"
	CTL_OUT=$(on "$_ns" "$CTL" "$@" 2>&1 </dev/null)
	CTL_RC=$?
}

# op25bctl [-n NS] ARGS...: op25bctl that must succeed; prints its output
op25bctl() {
	_where=
	[ "$1" = -n ] && _where=" (in $2)"
	ctl "$@"
	[ "$CTL_RC" = 0 ] || fail "op25bctl $*$_where: exit $CTL_RC: $CTL_OUT"
	[ -n "$CTL_OUT" ] && printf '%s\n' "$CTL_OUT"
	return 0
}

# ctl_expect RC [-n NS] ARGS...: op25bctl must exit RC; output in CTL_OUT
ctl_expect() {
	_want=$1
	shift
	ctl "$@"
	[ "$CTL_RC" = "$_want" ] ||
		fail "op25bctl $*: exit $CTL_RC, want $_want: $CTL_OUT"
	log "op25bctl $*: exit $CTL_RC: $(printf '%s' "$CTL_OUT" | head -n 1)"
}

# stats_json [NS], list_json [NS], status_json [NS]: print the JSON
stats_json() { _j stats "${1:-gw}"; }
list_json() { _j list "${1:-gw}"; }
status_json() { _j status "${1:-gw}"; }
_j() {
	ctl -n "$2" -j "$1"
	[ "$CTL_RC" = 0 ] || fail "op25bctl -j $1 (in $2): exit $CTL_RC: $CTL_OUT"
	printf '%s\n' "$CTL_OUT"
}

# jq_check JSON FILTER WHAT: FILTER (jq -e) must be true on JSON
jq_check() {
	if printf '%s\n' "$1" | /usr/bin/jq -e "${JQ_DEFS:-} $2" >/dev/null 2>"$TMPDIR/jq.err"; then
		log "$3: yes"
	else
		fail "$3: jq '$2' is not true on: $1 $(cat "$TMPDIR/jq.err")"
	fi
}

# jqr JSON FILTER: jq -r output
jqr() { printf '%s\n' "$1" | /usr/bin/jq -r "$2"; }

# jqc JSON FILTER: jq -c output; fails (exit status) if jq does
jqc() { printf '%s\n' "$1" | /usr/bin/jq -c "$2"; }

# check_totals JSON: the counting invariants of the uapi header hold
# (audited and exempt count as 0 where op25bctl does not show them)
check_totals() {
	jq_check "$1" '.totals as $t | ($t.exempt // 0) as $e | ($t.audited // 0) as $a
		| $t.inspected == $e + $t.allowed + $a + $t.denied
		and $a + $t.denied == $t.untracked + ([.sources[] | .denied + (.audited // 0)] | add // 0)' \
		"inspected == exempt + allowed + audited + denied, audited + denied == untracked + sum over sources"
}

# ---- topology --------------------------------------------------------------

# topo_setup: the gateway with client, mta and inet namespaces, listeners up
topo_setup() {
	ip -batch - <<-EOF || fail "topology: ip -batch failed"
	netns add client
	netns add mta
	netns add inet
	link add veth-client address 02:00:00:00:01:01 type veth peer name eth0 address 02:00:00:00:01:02 netns client
	link add veth-mta address 02:00:00:00:02:01 type veth peer name eth0 address 02:00:00:00:02:02 netns mta
	link add veth-inet address 02:00:00:00:03:01 type veth peer name eth0 address 02:00:00:00:03:02 netns inet
	addr add 10.1.0.1/24 dev veth-client
	addr add fd00:1::1/64 dev veth-client nodad
	addr add 10.0.0.1/24 dev veth-mta
	addr add fd00::1/64 dev veth-mta nodad
	addr add 203.0.113.1/24 dev veth-inet
	addr add 2001:db8:25::1/64 dev veth-inet nodad
	link set veth-client up
	link set veth-mta up
	link set veth-inet up
	EOF
	_host client 10.1.0.2/24 fd00:1::2/64 10.1.0.1 fd00:1::1
	_host mta 10.0.0.5/24 fd00::5/64 10.0.0.1 fd00::1
	_host inet 203.0.113.25/24 2001:db8:25::25/64 203.0.113.1 2001:db8:25::1
	echo 1 >/proc/sys/net/ipv4/ip_forward
	echo 1 >/proc/sys/net/ipv6/conf/all/forwarding
	for _p in 25 465 587; do
		listen inet "$_p"
	done
	wait_listen inet 25 465 587
}

# _host NS V4/LEN V6/LEN GW4 GW6
_host() {
	ip -n "$1" -batch - <<-EOF || fail "topology: $1: ip -batch failed"
	link set lo up
	addr add $2 dev eth0
	addr add $3 dev eth0 nodad
	link set eth0 up
	route add default via $4
	route add ::/0 via $5
	EOF
}

# listen NS PORT: a TCP echo server on PORT, IPv4 and IPv6, in NS
listen() {
	on "$1" /usr/bin/socat -t 0.2 "TCP6-LISTEN:$2,ipv6only=0,reuseaddr,fork" PIPE \
		</dev/null >/dev/null 2>&1 &
}

# wait_listen NS PORT...: until NS has a listening socket on every PORT
wait_listen() {
	_ns=$1
	shift
	_n=0
	while :; do
		_tcp=$(on "$_ns" cat /proc/net/tcp6)
		_missing=
		for _p in "$@"; do
			_hex=$(printf '%04X' "$_p")
			case $_tcp in
			*":$_hex 00000000000000000000000000000000:0000 0A"*) ;;
			*) _missing="$_missing $_p" ;;
			esac
		done
		[ -z "$_missing" ] && return 0
		_n=$((_n + 1))
		[ "$_n" -gt 50 ] && fail "no listener on$_missing in $_ns"
		sleep 0.1
	done
}

# setup [--no-module] [PARAM=VALUE...]: topology, then a fresh op25b
setup() {
	topo_setup
	if [ "${1:-}" = --no-module ]; then
		if op25b_loaded; then op25b_unload; fi
	else
		op25b_fresh "$@"
	fi
}

# ---- connections -------------------------------------------------------------

# to_cs SECONDS: sets $CS to SECONDS (e.g. 0.5) in centiseconds
to_cs() {
	_i=${1%%.*}
	_f=0
	case $1 in *.*) _f=${1#*.}00; _f=${_f%"${_f#??}"}; _f=${_f#0} ;; esac
	CS=$((${_i:-0} * 100 + ${_f:-0}))
}

# connect NS ADDR PORT [TIMEOUT [SRC]]: open a TCP connection from NS (from
# address SRC if given), send a line and read it back. Sets CONN_RESULT (ok,
# refused, timeout, unreachable or error), CONN_CS (centiseconds the whole
# attempt took, process starts included), CONN_MS (milliseconds connect()
# itself took, from socat's log) and CONN_OUT (socat's log); prints
# "RESULT SECONDS".
connect() {
	_ns=$1 _addr=$2 _port=$3 _to=${4:-3} _src=${5:-}
	case $_addr in *:*) _addr="[$_addr]" ;; esac
	case $_src in *:*) _src="[$_src]" ;; esac
	_opt=connect-timeout=$_to${_src:+,bind=$_src}
	# how long the echo may take once sent (a debug kernel forks slowly)
	_echo_wait=1
	[ "${OP25B_SLOW:-0}" = 0 ] || _echo_wait=4
	now_cs
	_t0=$NOW
	CONN_OUT=$(echo "hello from $_ns" |
		on "$_ns" /usr/bin/timeout -k 1 $((_to + 3)) \
			/usr/bin/socat -d -d -lu -t $_echo_wait -T $((_to + 2)) - "TCP:$_addr:$_port,$_opt" \
			2>&1 >"$TMPDIR/conn.data")
	_rc=$?
	now_cs
	CONN_CS=$((NOW - _t0))
	_data=
	read -r _data <"$TMPDIR/conn.data"
	case $_rc:$CONN_OUT in
	*"Connection refused"*) CONN_RESULT=refused ;;
	*"timed out"* | 124:*) CONN_RESULT=timeout ;;
	*"No route to host"* | *"nreachable"*) CONN_RESULT=unreachable ;;
	0:*"starting data transfer loop"*)
		if [ "$_data" = "hello from $_ns" ]; then
			CONN_RESULT=ok
		else
			CONN_RESULT=error
		fi
		;;
	*) CONN_RESULT=error ;;
	esac
	# connect() time: from "opening connection" to its outcome
	CONN_MS=
	_start=
	while read -r _d _t _rest; do
		case $_rest in
		*"opening connection to"*) _start=$_t ;;
		*"starting data transfer loop"* | *"connect("* | *"E connecting to"*) [ -n "$_start" ] && {
			_ms_of "$_start"
			_a=$MS
			_ms_of "$_t"
			CONN_MS=$((MS - _a))
			break
		} ;;
		esac
	done <<-EOF
	$CONN_OUT
	EOF
	CONN_SECS=$((CONN_CS / 100)).$(printf '%02d' $((CONN_CS % 100)))
	echo "$CONN_RESULT $CONN_SECS"
}

# _ms_of HH:MM:SS.uuuuuu: sets MS to milliseconds since midnight
_ms_of() {
	_h=${1%%:*}
	_r=${1#*:}
	_m=${_r%%:*}
	_s=${_r#*:}
	_u=${_s#*.}000
	_s=${_s%%.*}
	_u=${_u%"${_u#???}"}
	MS=$((($(_dec "$_h") * 3600 + $(_dec "$_m") * 60 + $(_dec "$_s")) * 1000 + $(_dec "$_u")))
}

# _dec DIGITS: DIGITS without leading zeros (not octal to the shell)
_dec() {
	_x=$1
	while :; do
		case $_x in 0?*) _x=${_x#0} ;; *) break ;; esac
	done
	echo "$_x"
}

# expect NS ADDR PORT RESULT [MAXSECONDS [TIMEOUT [SRC]]]: connect must give
# RESULT; connect() itself must have returned within MAXSECONDS if given
expect() {
	_what="$1 -> $2 port $3${7:+ from $7}"
	connect "$1" "$2" "$3" "${6:-3}" "${7:-}" >/dev/null
	[ "$CONN_RESULT" = "$4" ] ||
		fail "$_what: $CONN_RESULT after $CONN_SECS s, want $4; socat said:
$CONN_OUT"
	if [ -n "${5:-}" ]; then
		to_cs "$5"
		[ -n "$CONN_MS" ] || fail "$_what: no connect() timing in socat's log: $CONN_OUT"
		[ "$CONN_MS" -le "$((CS * 10))" ] ||
			fail "$_what: $CONN_RESULT but connect() took $CONN_MS ms, want at most $5 s"
	fi
	log "$_what: $CONN_RESULT (connect ${CONN_MS:-?} ms, $CONN_SECS s in all)"
}

# ---- long-lived connections ----------------------------------------------------

# session_open FD NS ADDR PORT: a TCP connection from NS that stays open,
# fed through shell descriptor FD (5..9); what comes back is collected in
# $TMPDIR/s$FD.out. The connection must come up (a line is echoed).
session_open() {
	_f=$TMPDIR/s$1
	rm -f "$_f.in"
	mkfifo "$_f.in"
	: >"$_f.out"
	_a=$3
	case $_a in *:*) _a="[$_a]" ;; esac
	on "$2" /usr/bin/socat -t 2 -T 300 - "TCP:$_a:$4,connect-timeout=3" \
		<"$_f.in" >"$_f.out" 2>"$_f.err" &
	eval "exec $1>\"\$_f.in\""
	# a write to a session that died must fail the test, not kill the shell
	trap '' PIPE
	session_send "$1" "open $2 -> $3 port $4"
}

# session_send FD LINE: LINE goes out on the session and must come back
session_send() {
	_f=$TMPDIR/s$1
	eval "echo \"\$2\" >&$1" 2>/dev/null
	_n=0
	while :; do
		while read -r _l; do
			[ "$_l" = "$2" ] && {
				log "session $1: '$2' echoed"
				return 0
			}
		done <"$_f.out"
		_n=$((_n + 1))
		[ "$_n" -gt 50 ] &&
			fail "session $1: '$2' not echoed within 5 s (socat: $(cat "$_f.err"))"
		sleep 0.1
	done
}

# session_close FD
session_close() { eval "exec $1>&-"; }

# two_policies: $A and $B, two files for load that both allow the MTA
# (10.0.0.5, fd00::5) and differ in all else: A has 1000 more allow entries,
# action reject, port 25; B a scope, exempts, ports 2525,25, action drop
# (the 95-load-* tests)
two_policies() {
	A=$TMPDIR/a.conf
	B=$TMPDIR/b.conf
	awk 'BEGIN {
		print "mode enforce"; print "action reject"; print "port 25"
		print "allow 10.0.0.5 comment main MTA"; print "allow fd00::5"
		for (i = 0; i < 500; i++) printf "allow 198.18.%d.%d\n", int(i / 250), i % 250 + 1
		for (i = 0; i < 500; i++) printf "allow 2001:db8:ffff::%x\n", i + 1
	}' >"$A"
	cat >"$B" <<-'EOT'
	mode enforce
	action drop
	port 2525,25
	allow fd00::5
	allow 10.0.0.5
	allow 10.0.0.0/30
	allow 10.1.0.128/25
	scope 10.1.0.0/16
	scope fd00:1::/64
	exempt 192.0.2.0/24
	exempt 2001:db8:ffff::/48
	EOT
}

# ---- inspecting packets --------------------------------------------------------

# snmp NS COUNTER: a counter of NS's /proc/net/snmp, named like
# "Ip:ReasmReqds", or of /proc/net/snmp6, named like "Ip6ReasmReqds"
snmp() {
	on "$1" awk -v f="$2" '
		FILENAME ~ /snmp6$/ { if ($1 == f) v = $2; next }
		seen[$1]++ { for (i = 2; i <= NF; i++) if ($1 name[$1, i] == f) v = $i; next }
		{ for (i = 2; i <= NF; i++) name[$1, i] = $i }
		END { print v + 0 }' /proc/net/snmp /proc/net/snmp6
}

# Kernel messages that mean a bug. "RCU" appears after boot only in reports
# (suspicious RCU usage, stalls); /init checks the boot messages apart.
# The debug kernel (make check-debug) adds KFENCE, debugobjects (ODEBUG),
# the netdev/netns reference trackers and kmemleak (which must stay on).
KERNEL_BAD='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|KFENCE|ODEBUG|ref_tracker|kmemleak|RCU|rcu.*(stall|detected)|lockdep|Call Trace|kernel BUG|segfault|unregister_netdevice: waiting|blocked for more than|refcount_t|list_(add|del) corruption|double free|use-after-free|memory leak|Kernel panic'

# dmesg_clean: no kernel report since the test began (/init clears the
# kernel log between tests)
dmesg_clean() {
	_bad=$(dmesg | grep -E "$KERNEL_BAD")
	[ -z "$_bad" ] || fail "kernel log: $_bad"
	log "kernel log clean"
}
