#!/bin/sh
# An allowlisted MTA (a host entry) reaches port 25; everybody else is still
# refused. IPv4 and IPv6.
. /vm/lib.sh
setup

for f in 4 6; do
	fam $f
	expect mta "$INET" 25 refused 0.5
done

op25bctl allow 10.0.0.5
op25bctl allow fd00::5
lj=$(list_json)
log "list: $lj"
jq_check "$lj" '.allow | sort == ["10.0.0.5", "fd00::5"]' "list -j shows both hosts without /32 /128"
jq_check "$(status_json)" '.allow_entries == 2' "status: 2 entries"
txt=$(op25bctl list)
case $txt in *10.0.0.5*fd00::5* | *fd00::5*10.0.0.5*) ;; *) fail "text list: $txt" ;; esac

for f in 4 6; do
	fam $f
	expect mta "$INET" 25 ok
	expect mta "$INET" 587 ok
	expect client "$INET" 25 refused 0.5
done

js=$(stats_json)
log "stats: $js"
jq_check "$js" '.totals == {"inspected": 6, "allowed": 2, "denied": 4, "untracked": 0, "audited": 0, "exempt": 0}' \
	"totals: 6 inspected, 2 allowed, 4 denied"
jq_check "$js" '[.sources[] | select(.source == "10.0.0.5" or .source == "fd00::5") | .denied] == [1, 1]' \
	"the MTA's denials from before the allow are kept, no more"
check_totals "$js"
