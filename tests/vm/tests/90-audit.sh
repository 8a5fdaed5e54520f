#!/bin/sh
# Audit mode: a SYN that enforce would deny passes, and is counted against
# its source as audited (not denied) and in totals.audited, whatever the
# action; allowlisted sources still count as allowed. Back to enforce: refused
# at once. The module parameter mode=audit starts every netns in audit, and
# a bad mode= is refused at insmod. IPv4 and IPv6.
# backends: kmod nft
. /vm/lib.sh
setup

jq_check "$(status_json)" '.mode == "enforce"' "a fresh module enforces"
op25bctl allow 10.0.0.5
op25bctl mode audit
jq_check "$(status_json)" '.mode == "audit" and .action == "reject"' "status: mode audit, action kept"

for f in 4 6; do
	fam $f
	expect client "$INET" 25 ok
	expect client "$INET" 587 ok
done
expect mta $V4_INET 25 ok
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | [.source, .denied, .audited, .last_destination, .last_port]] | sort ==
	[["10.1.0.2", 0, 1, detail("203.0.113.25"), detail(25)], ["fd00:1::2", 0, 1, detail("2001:db8:25::25"), detail(25)]]' \
	"each client address: 1 audited, 0 denied, last destination and port; the MTA not a source"
jq_check "$js" '.totals == {"inspected": 3, "allowed": 1, "denied": 0, "untracked": 0, "audited": 2, "exempt": 0}' \
	"totals: 3 inspected, 1 allowed, 2 audited"
check_totals "$js"

# action drop changes nothing while auditing
op25bctl action drop
expect client $V4_INET 25 ok
op25bctl action reject

op25bctl mode enforce
jq_check "$(status_json)" '.mode == "enforce"' "status: mode enforce"
for f in 4 6; do
	fam $f
	expect client "$INET" 25 refused 0.5
done
expect mta $V4_INET 25 ok
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | [.source, .denied, .audited]] | sort == [["10.1.0.2", 1, 2], ["fd00:1::2", 1, 1]]' \
	"after enforce: denied and audited counted apart"
jq_check "$js" '.totals == {"inspected": 7, "allowed": 2, "denied": 2, "untracked": 0, "audited": 3, "exempt": 0}' \
	"totals: 7 inspected, 2 allowed, 2 denied, 3 audited"
check_totals "$js"
txt=$(op25bctl status)
case $txt in *enforce*) ;; *) fail "text status does not say enforce: $txt" ;; esac

# usage errors change nothing
st=$(status_json)
ctl_expect 2 mode
ctl_expect 2 mode bogus
ctl_expect 2 mode AUDIT
ctl_expect 2 mode audit extra
assert_eq "$(status_json)" "$st" "status -j unchanged by bad mode commands"

# insmod mode=audit: every netns starts in audit
op25b_fresh mode=audit
st=$(status_json)
log "status: $st"
jq_check "$st" '.mode == "audit" and .totals.inspected == 0' "mode=audit: a fresh module in audit"
for f in 4 6; do
	fam $f
	expect client "$INET" 25 ok
done
jq_check "$(stats_json)" '.totals.audited == 2 and .totals.denied == 0' "2 audited, 0 denied"
if kmod_only "module parameter mode: a new netns starts in audit"; then
	ip netns add other
	jq_check "$(status_json other)" '.mode == "audit"' "a new netns starts in audit too"
fi
op25bctl mode enforce
expect client $V4_INET 25 refused 0.5
if kmod_only "module parameter mode: the other netns, mode=bogus"; then
jq_check "$(status_json other)" '.mode == "audit"' "the other netns keeps its own mode"
op25b_unload

if insmod "$KO" mode=bogus 2>/dev/null; then
	fail "insmod op25b.ko mode=bogus succeeded"
fi
! op25b_loaded || fail "op25b loaded with mode=bogus"
log "insmod mode=bogus refused"
op25b_load mode=enforce
jq_check "$(status_json)" '.mode == "enforce"' "mode=enforce: enforce"
expect client $V4_INET 25 refused 0.5
fi
