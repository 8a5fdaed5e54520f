#!/bin/sh
# Adding an entry that is there already succeeds and keeps one entry (also
# written differently); adding other entries leaves the existing ones
# working; flush empties the list.
# backends: kmod nft
. /vm/lib.sh
setup

op25bctl allow 10.0.0.5
op25bctl allow 10.0.0.5
op25bctl allow 10.0.0.5/32
op25bctl allow fd00::5
op25bctl allow fd00:0:0:0::5/128
op25bctl allow FD00::5
lj=$(list_json)
log "list: $lj"
jq_check "$lj" '.allow | sort == ["10.0.0.5", "fd00::5"]' "one entry each"
jq_check "$(status_json)" '.allow_entries == 2' "status: 2 entries"

# many neighbours of every length, none of which holds the client
n=0
for p in 10.0.0.4/32 10.0.0.6/32 10.0.0.0/30 10.0.0.8/29 10.1.1.0/24 10.2.0.0/16 \
	11.0.0.0/8 192.0.2.0/24 198.51.100.128/25 10.1.0.64/26 10.1.0.128/25 10.1.0.4/30 \
	fd00::4/128 fd00::6/127 fd00:2::/32 fd00:1:0:1::/64 fe80::/10 2001:db8::/48 fd00:1::100/120; do
	op25bctl allow "$p" >/dev/null
	n=$((n + 1))
done
jq_check "$(list_json)" ".allow | length == $((n + 2))" "$((n + 2)) entries"
for f in 4 6; do
	fam $f
	expect mta "$INET" 25 ok
	expect client "$INET" 25 refused 0.5
done

op25bctl flush
jq_check "$(list_json)" '.allow == []' "flush: list -j empty"
jq_check "$(status_json)" '.allow_entries == 0' "flush: status 0 entries"
for f in 4 6; do
	fam $f
	expect mta "$INET" 25 refused 0.5
done
