#!/bin/sh
# reset forgets every source and zeroes the totals; the allowlist and the
# action stay. Counting starts again from one.
# backends: kmod nft
. /vm/lib.sh
setup
op25bctl allow 10.0.0.5
for f in 4 6; do
	fam $f
	expect client "$INET" 25 refused 0.5
	expect mta "$INET" 25 "$([ $f = 4 ] && echo ok || echo refused)"
done
js=$(stats_json)
jq_check "$js" '(.sources | length) == 3 and .totals.inspected == 4 and .totals.allowed == 1' \
	"before reset: 3 sources, 4 inspected, 1 allowed"
list_before=$(list_json)

op25bctl reset
js=$(stats_json)
log "stats after reset: $js"
jq_check "$js" '.sources == [] and .totals == {"inspected": 0, "allowed": 0, "denied": 0, "untracked": 0, "audited": 0, "exempt": 0}' \
	"after reset: no source, zero totals"
jq_check "$(status_json)" '.allow_entries == 1 and .action == "reject"
	and .totals == {"inspected": 0, "allowed": 0, "denied": 0, "untracked": 0, "audited": 0, "exempt": 0}' \
	"status: allowlist and action kept, totals zero"
assert_eq "$(list_json)" "$list_before" "list -j unchanged"

expect client $V6_INET 25 refused 0.5
js=$(stats_json)
jq_check "$js" '[.sources[] | [.source, .denied]] == [["fd00:1::2", 1]]
	and .totals == {"inspected": 1, "allowed": 0, "denied": 1, "untracked": 0, "audited": 0, "exempt": 0}' \
	"counting starts again from one"
