#!/bin/sh
# Every command, reading ones included, needs CAP_NET_ADMIN over the netns:
# nobody, and root without CAP_NET_ADMIN, get exit 1 and change nothing.
# Root of a user namespace that owns its own netns may manage that netns,
# not the gateway's.
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
EOT
set +f
# a user namespace without its own netns: still the gateway's netns
try "root of a new user namespace" unshare -U -r $CTL flush

assert_eq "$(list_json)" "$list_before" "list -j unchanged"
assert_eq "$(status_json)" "$status_before" "status -j unchanged"
assert_eq "$(stats_json)" "$stats_before" "stats -j unchanged"

# a user namespace with its own netns: its root manages that one
out=$(unshare -U -r -n sh -c "$CTL enable && $CTL allow 192.0.2.1 && $CTL -j list && $CTL -j status" 2>&1) ||
	fail "root of a user+net namespace could not manage its netns: $out"
log "in a new user+net namespace: $out"
case $out in *192.0.2.1*) ;; *) fail "list in the new netns lacks 192.0.2.1: $out" ;; esac
assert_eq "$(list_json)" "$list_before" "gateway list -j unchanged"
