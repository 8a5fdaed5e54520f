#!/bin/sh
# Every usage error exits 2, names the bad input and changes nothing.
. /vm/lib.sh
setup
op25bctl allow 10.0.0.5
op25bctl allow fd00::5/128
op25bctl allow 10.1.0.0/24
expect client $V4_INET 25 ok
expect mta $V6_INET 25 ok
list_before=$(list_json)
status_before=$(status_json)
stats_before=$(stats_json)

# one case per line: the arguments, then | and a word the message must hold
set -f
while IFS='|' read -r args word; do
	# shellcheck disable=SC2086
	ctl_expect 2 $args
	[ -n "$CTL_OUT" ] || fail "op25bctl $args: exit 2 without a message"
	if [ -n "$word" ]; then
		case $CTL_OUT in *"$word"*) ;; *) fail "op25bctl $args: message does not name '$word': $CTL_OUT" ;; esac
	fi
done <<'EOT'
|
bogus|bogus
-x status|-x
--bogus status|--bogus
allow|
remove|
action|
allow 10.0.0.300|10.0.0.300
allow 10.0.0.5/33|33
allow fd00::5/129|129
allow 10.0.0.5x|10.0.0.5x
allow 10.0.0.5 extra|extra
allow 192.0.2.1/28|192.0.2.1/28
allow 2001:db8::1/64|2001:db8::1/64
allow 10.0.0.5/|10.0.0.5/
allow /24|/24
allow 10.0.0.5/-1|-1
allow 10.0.0.5/3x|3x
allow 10.0.0.5/024x|024x
allow 10.0.0|10.0.0
allow 1.2.3.4.5|1.2.3.4.5
allow fd00::5::1|fd00::5::1
allow fd00::g|fd00::g
allow example.com|example.com
allow -5|-5
remove 10.0.0.300|10.0.0.300
remove 10.0.0.5 extra|extra
remove 10.1.0.1/24|10.1.0.1/24
action foo|foo
action drop extra|extra
action REJECT|REJECT
list extra|extra
flush extra|extra
stats extra|extra
reset extra|extra
status extra|extra
enable extra|extra
disable extra|extra
EOT
set +f

assert_eq "$(list_json)" "$list_before" "list -j unchanged"
assert_eq "$(status_json)" "$status_before" "status -j unchanged"
assert_eq "$(stats_json)" "$stats_before" "stats -j unchanged"
expect client $V4_INET 25 ok
