#!/bin/sh
# Without the module every command that needs it exits 1 and says to load
# the module, or to use --backend nft; usage errors are still usage
# errors (2).
. /vm/lib.sh
setup --no-module

set -f
while read -r args; do
	# shellcheck disable=SC2086
	ctl_expect 1 $args
	case $CTL_OUT in
	*[Ll]oad*) ;;
	*) fail "op25bctl $args: message does not say to load the module: $CTL_OUT" ;;
	esac
	case $CTL_OUT in
	*"--backend nft"*) ;;
	*) fail "op25bctl $args: message does not name --backend nft: $CTL_OUT" ;;
	esac
done <<'EOT'
status
-j status
list
-j list
stats
-j stats
allow 10.0.0.5
remove 10.0.0.5
flush
action drop
reset
enable
disable
EOT
set +f
ctl_expect 2 allow 10.0.0.300
