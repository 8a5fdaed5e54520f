#!/bin/sh
# Every command, reading ones included, needs CAP_NET_ADMIN over the netns:
# nobody, and root without CAP_NET_ADMIN, get exit 1 and change nothing.
# Root of a user namespace that owns its own netns may manage that netns,
# not the gateway's. Checked through op25bctl (every subcommand) and at the
# netlink level (op25b-fuzz -P: each command, dumps, the events group).
# backends: kmod nft
. /vm/lib.sh
setup
op25bctl allow 10.0.0.5
expect client $V4_INET 25 refused 0.5
list_before=$(list_json)
status_before=$(status_json)
stats_before=$(stats_json)

try() {
	_how=$1
	shift
	CTL_OUT=$("$@" 2>&1 </dev/null)
	CTL_RC=$?
	[ "$CTL_RC" = 1 ] || fail "$_how: ${*##*/op25bctl}: exit $CTL_RC, want 1: $CTL_OUT"
	log "$_how: exit 1: $CTL_OUT"
}
printf 'mode enforce\naction drop\nport 25\nallow 10.9.9.9\n' >/tmp/op25b-perm.conf
set -f
while read -r args; do
	# shellcheck disable=SC2086
	try "nobody" setpriv --reuid 65534 --regid 65534 --clear-groups $CTL $args
	# shellcheck disable=SC2086
	try "root without CAP_NET_ADMIN" setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-net_admin $CTL $args
done <<'EOT'
status
list
stats
allow 10.9.9.9
remove 10.0.0.5
flush
action drop
reset
disable
enable
mode audit
port 587
scope add 10.1.0.0/16
scope list
exempt add 192.0.2.0/24
exempt flush
save
load /tmp/op25b-perm.conf
monitor
stats --prometheus
EOT
set +f
rm -f /tmp/op25b-perm.conf

userns=0
unshare -U -r -n true 2>/dev/null && userns=1
# The module only: the nft backend speaks nf_tables, whose permission
# checks are the kernel's own (the op25bctl checks above cover it).
if kmod_only "the netlink-level probe (op25b-fuzz -P)"; then
	# The same, command by command at the netlink level (op25b-fuzz -P): every
	# request, dumps as dumps, and joining the events group, gets EPERM.
	FUZZ=/usr/bin/op25b-fuzz
	[ -x "$FUZZ" ] || fail "op25b-fuzz is not in the VM (make fuzz)"
	CMDS="get_status set_config add_prefix del_prefix flush_prefixes get_prefixes get_sources reset_stats load events"
	# probe_expect PREFIX WANT OUTPUT: every command has result WANT ("!0": any
	# error) in OUTPUT's lines "PREFIXCMD RESULT"
	probe_expect() {
		for _c in $CMDS; do
			_r=$(printf '%s\n' "$3" | awk -v k="$1$_c" '$1 " " $2 == k || (k !~ / / && $1 == k) { print $NF }')
			case $2:$_r in
			"!0:0" | "!0:") fail "$1$_c: '$_r', want an error: $3" ;;
			"!0:"*) ;;
			"$2:$2") ;;
			*) fail "$1$_c: '$_r', want $2: $3" ;;
			esac
		done
		log "netlink: ${1:-}every command and the events group: $2"
	}
	out=$(setpriv --reuid 65534 --regid 65534 --clear-groups $FUZZ -P 2>&1) || fail "op25b-fuzz -P as nobody: $out"
	probe_expect "" EPERM "$out"
	out=$(setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-net_admin $FUZZ -P 2>&1) ||
		fail "op25b-fuzz -P without CAP_NET_ADMIN: $out"
	probe_expect "" EPERM "$out"

	# A socket opened in the gateway's netns stays the gateway's: after its
	# owner unshares a user and a network namespace (and is root there), that
	# socket still gets EPERM; a socket opened in the new netns manages that
	# netns's op25b; setns(2) back into the gateway's netns is refused. As
	# nobody and as root.
	if [ $userns = 1 ]; then
		for who in nobody root; do
			if [ $who = nobody ]; then
				out=$(setpriv --reuid 65534 --regid 65534 --clear-groups $FUZZ -P -U 2>&1)
			else
				out=$($FUZZ -P -U 2>&1)
			fi
			[ $? = 0 ] || fail "op25b-fuzz -P -U as $who: $out"
			log "$who, after unshare -U -n:"
			probe_expect "old " EPERM "$out"
			probe_expect "new " 0 "$out"
			r=$(printf '%s\n' "$out" | awk '$1 == "setns-init" { print $2 }')
			case $r in
			"" | 0) fail "$who: setns into the gateway's netns from a user namespace: '$r'" ;;
			esac
			log "setns into the gateway's netns: $r"
		done
	else
		log "no user namespaces in this kernel: unshare cases skipped"
	fi
fi
# a user namespace without its own netns: still the gateway's netns
[ $userns = 1 ] && try "root of a new user namespace" unshare -U -r $CTL flush

assert_eq "$(list_json)" "$list_before" "list -j unchanged"
assert_eq "$(status_json)" "$status_before" "status -j unchanged"
assert_eq "$(stats_json)" "$stats_before" "stats -j unchanged"

# a user namespace with its own netns: its root manages that one
[ $userns = 1 ] || exit 0
out=$(unshare -U -r -n sh -c "$CTL enable && $CTL allow 192.0.2.1 && $CTL -j list && $CTL -j status" 2>&1) ||
	fail "root of a user+net namespace could not manage its netns: $out"
log "in a new user+net namespace: $out"
case $out in *192.0.2.1*) ;; *) fail "list in the new netns lacks 192.0.2.1: $out" ;; esac
assert_eq "$(list_json)" "$list_before" "gateway list -j unchanged"
