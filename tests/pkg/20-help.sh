#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# op25bctl's command table is the list: "op25bctl help" shows every
# command, "help COMMAND" and "COMMAND --help" each one's usage; the man
# page documents each under COMMANDS and the bash completion offers each,
# so none of the three can drift from the others.
. "$TOP/tests/pkg/lib.sh"
cmds=$(commands)
n=$(printf '%s\n' "$cmds" | grep -c .)
[ "$n" -ge 15 ] || fail "op25bctl help lists $n commands: $cmds"
log "op25bctl help lists $n commands: $(echo $cmds)"

out=$("$CTL" --help) || fail "op25bctl --help: exit $?"
[ "$out" = "$("$CTL" help)" ] || fail "op25bctl --help differs from op25bctl help"
"$CTL" >/dev/null 2>"$TMPDIR/err" && fail "op25bctl without a command: exit 0"
[ $? = 2 ] || fail "op25bctl without a command: exit status not 2"
grep -q '^usage: op25bctl' "$TMPDIR/err" || fail "op25bctl without a command: no usage on stderr"

# the COMMANDS section of the man page, and the completion's list
man_cmds=$(awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH/ { on = 0 }
	on && /^\.TP/ { getline; print }' "$TOP/docs/op25bctl.8" |
	sed -e 's/^\.B[IR]* *//' -e 's/^"//' -e 's/[ "\\].*//')
comp_cmds=$(sed -n '/local commands="/,/"/p' "$TOP/completion/op25bctl" |
	sed -e 's/.*commands="//' -e 's/".*//' | tr -s ' \t' '\n' | grep .)
for c in $cmds; do
	out=$("$CTL" help "$c") || fail "op25bctl help $c: exit $?"
	case $out in "usage: op25bctl "*" $c"*) ;; *) fail "op25bctl help $c: $out" ;; esac
	[ "$("$CTL" "$c" --help)" = "$out" ] || fail "op25bctl $c --help differs from help $c"
	printf '%s\n' "$man_cmds" | grep -qx -- "$c" || fail "docs/op25bctl.8 does not document '$c' under COMMANDS"
	printf '%s\n' "$comp_cmds" | grep -qx -- "$c" || fail "completion/op25bctl does not offer '$c'"
done
log "every command: help, --help, man page, completion"
for c in $man_cmds $comp_cmds; do
	printf '%s\n' "$cmds" | grep -qx -- "$c" || fail "'$c' is documented or completed but op25bctl has no such command"
done
log "no command documented or completed that op25bctl lacks"

"$CTL" help bogus >/dev/null 2>"$TMPDIR/err"
assert_eq "$?" 2 "help bogus: exit status"
grep -q bogus "$TMPDIR/err" || fail "help bogus: the message does not name it: $(cat "$TMPDIR/err")"

# every global option in the usage is in the man page and the completion
for o in $("$CTL" help | sed -n '/^options:/,/^$/p' | grep -oE -- '--?[a-z]+' | sort -u); do
	grep -qF -- "${o//-/\\-}" "$TOP/docs/op25bctl.8" ||
		fail "option $o is not in docs/op25bctl.8"
	grep -qE -- "(^|[ '\"])$o([ '\"]|$)" "$TOP/completion/op25bctl" ||
		fail "option $o is not in completion/op25bctl"
done
log "every option in the usage: man page, completion"
