#!/bin/sh
# Action reject (the default): a client's SYN to port 25 is answered with a
# RST at once ("Connection refused", no waiting) and counted against the
# client with the destination and port; 465 and 587 stay open. IPv4 and IPv6.
# backends: kmod nft
. /vm/lib.sh
setup

st=$(status_json)
log "status: $st"
jq_check "$st" '.enabled == true and .action == "reject" and .ports == [25]
	and .allow_entries == 0 and (.version | type) == "string"
	and .totals == {"inspected": 0, "allowed": 0, "denied": 0, "untracked": 0, "audited": 0, "exempt": 0}' \
	"fresh module: enabled, reject, port 25, empty allowlist, zero totals"

for f in 4 6; do
	fam $f
	expect client "$INET" 25 refused 0.5
	expect client "$INET" 25 refused 0.5
	expect client "$INET" 465 ok
	expect client "$INET" 587 ok
done

js=$(stats_json)
log "stats: $js"
jq_check "$js" '(.sources | length) == 2' "two sources"
jq_check "$js" '.sources[] | select(.source == "10.1.0.2")
	| .denied == 2 and .last_destination == '"$(detail '"203.0.113.25"')"' and .last_port == '"$(detail 25)" \
	"10.1.0.2: 2 denied, last 203.0.113.25 port 25"
jq_check "$js" '.sources[] | select(.source == "fd00:1::2")
	| .denied == 2 and .last_destination == '"$(detail '"2001:db8:25::25"')"' and .last_port == '"$(detail 25)" \
	"fd00:1::2: 2 denied, last 2001:db8:25::25 port 25"
jq_check "$js" '.totals == {"inspected": 4, "allowed": 0, "denied": 4, "untracked": 0, "audited": 0, "exempt": 0}' \
	"totals: 4 inspected, 4 denied (465 and 587 not inspected)"
check_totals "$js"
# times: RFC 3339 UTC, first <= last, and about now (nft: none, null)
if nft_run; then
	jq_check "$js" 'all(.sources[]; .first_seen == null and .last_seen == null)' \
		"nft: no first_seen/last_seen"
else
jq_check "$js" 'def t: sub("\\.[0-9]+"; "") | fromdateiso8601;
	all(.sources[];
		(.first_seen | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$"))
		and (.last_seen | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$"))
		and .first_seen <= .last_seen
		and ((.last_seen | t) - now | fabs) < 300)' \
	"first_seen/last_seen are RFC 3339 UTC, ordered, and recent"
fi

# the text forms name the source and the destination
txt=$(op25bctl stats)
log "op25bctl stats:"
printf '%s\n' "$txt" | sed 's/^/#   /'
if nft_run; then
	[ -n "$(printf '%s\n' "$txt" | awk '$1 == "10.1.0.2" && $2 == 2 && $4 $5 $6 == "---"')" ] ||
		fail "text stats: no 10.1.0.2 row with - for the unknown fields"
else
case $txt in *10.1.0.2*203.0.113.25* | *203.0.113.25*10.1.0.2*) ;; *) fail "text stats lacks 10.1.0.2 / 203.0.113.25" ;; esac
fi
case $txt in *fd00:1::2*) ;; *) fail "text stats lacks fd00:1::2" ;; esac
txt=$(op25bctl status)
case $txt in *reject*) ;; *) fail "text status does not say reject: $txt" ;; esac
