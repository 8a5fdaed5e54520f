#!/bin/sh
# Per-source counters: exact counts, most denied first (text and JSON);
# with the source table full (max_sources=2) a new source is still denied
# and counted as untracked.
# backends: kmod nft
. /vm/lib.sh
setup max_sources=2
ip -n client -batch - <<-EOT || fail "client addresses"
addr add 10.1.0.3/24 dev eth0
addr add 10.1.0.4/24 dev eth0
EOT

expect client $V4_INET 25 refused 0.5 3 10.1.0.2
for i in 1 2 3; do
	expect client $V4_INET 25 refused 0.5 3 10.1.0.3
done
# the table is full now: 10.1.0.4 is refused all the same
expect client $V4_INET 25 refused 0.5 3 10.1.0.4
expect client $V6_INET 25 refused 0.5
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | [.source, .denied]] == [["10.1.0.3", 3], ["10.1.0.2", 1]]' \
	"two sources tracked, most denied first"
jq_check "$js" '.totals == {"inspected": 6, "allowed": 0, "denied": 6, "untracked": 2, "audited": 0, "exempt": 0}' \
	"6 denied, 2 of them untracked"
check_totals "$js"
jq_check "$(status_json)" '.sources == 2 and .sources_max == 2' "status: 2 of max 2 sources"
txt=$(op25bctl stats)
printf '%s\n' "$txt" | sed 's/^/#   /'
case $txt in *10.1.0.3*10.1.0.2*) ;; *) fail "text stats: 10.1.0.3 (3 denied) not before 10.1.0.2" ;; esac
case $txt in *10.1.0.4*) fail "text stats shows the untracked 10.1.0.4" ;; esac

# the tracked ones keep counting
expect client $V4_INET 25 refused 0.5 3 10.1.0.2
expect client $V4_INET 25 refused 0.5 3 10.1.0.2
expect client $V4_INET 25 refused 0.5 3 10.1.0.2
js=$(stats_json)
jq_check "$js" '[.sources[] | [.source, .denied]] == [["10.1.0.2", 4], ["10.1.0.3", 3]]' \
	"order follows the counts"
if kmod_only "first_seen <= last_seen"; then
	jq_check "$js" '.sources[0] | .first_seen < .last_seen or .first_seen == .last_seen' "first_seen <= last_seen"
fi
check_totals "$js"
