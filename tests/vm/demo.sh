#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The op25b demo, narrated: runs inside the test VM (tests/vm/run.sh --demo).
# Exits non-zero if op25b does not behave as told.
. /vm/lib.sh

rc=0
say() { printf '%s\n' "$*"; }
run() {
	say "  gateway# $*"
	[ "$1" = op25bctl ] && shift && set -- "$CTL" "$@"
	out=$("$@" 2>&1)
	r=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/    /'
	if [ "$r" != 0 ]; then
		say "    <-- UNEXPECTED: exit status $r"
		rc=1
	fi
}

# try NS ADDR PORT WANT: connect, tell what happened
try() {
	connect "$1" "$2" "$3" 3 >/dev/null
	case $1 in
	client) who="client (10.1.0.2)" ;;
	mta) who="mta    (10.0.0.5)" ;;
	*) who=$1 ;;
	esac
	[ "$1" = client ] && case $2 in *:*) who="client (fd00:1::2)" ;; esac
	[ "$1" = mta ] && case $2 in *:*) who="mta    (fd00::5)" ;; esac
	case $CONN_RESULT in
	ok) what="connected" ;;
	refused) what="refused after ${CONN_MS} ms" ;;
	timeout) what="no answer, gave up after $CONN_SECS s" ;;
	*) what="$CONN_RESULT" ;;
	esac
	mark=
	if [ "$CONN_RESULT" != "$4" ]; then
		mark="   <-- UNEXPECTED (wanted $4)"
		rc=1
	fi
	case $2 in *:*) dst="[$2]:$3" ;; *) dst="$2:$3" ;; esac
	say "  $who -> $dst   $what$mark"
}

say "=== op25b: Outbound Port 25 Blocking on a Linux gateway ==="
say
say "This VM is the gateway. Three network namespaces hang off it:"
say "  client  10.1.0.2     fd00:1::2         an ordinary PC (perhaps infected)"
say "  mta     10.0.0.5     fd00::5           the organisation's own mail relay"
say "  inet    203.0.113.25 2001:db8:25::25   a mail server on the internet"
say "                                         (SMTP 25, submissions 465 and 587)"
topo_setup
if op25b_loaded; then rmmod op25b; fi
say
say "1. Without op25b, any host inside can speak SMTP to the internet:"
try client $V4_INET 25 ok

say
say "2. Load the module. It filters the gateway's traffic from this moment:"
run insmod /vm/op25b.ko
run op25bctl status

say
say "3. The client is refused on port 25 at once (the gateway answers its SYN"
say "   with a TCP RST, so nothing hangs waiting for a timeout):"
try client $V4_INET 25 refused
try client $V6_INET 25 refused

say
say "4. Even the MTA is refused until the administrator allowlists it:"
try mta $V4_INET 25 refused
run op25bctl allow 10.0.0.5
run op25bctl allow fd00::5
run op25bctl list
try mta $V4_INET 25 ok
try mta $V6_INET 25 ok

say
say "5. Mail submission with authentication (587, 465) stays open to everyone:"
try client $V4_INET 587 ok
try client $V4_INET 465 ok
try client $V6_INET 587 ok

say
say "6. Who still tries port 25 directly? (the PCs to look at)"
run op25bctl stats
say
run op25bctl status

say
if [ "$rc" = 0 ]; then
	say "Demo finished: everything behaved as described."
else
	say "Demo finished, but something did not behave as described (see UNEXPECTED)."
fi
exit "$rc"
