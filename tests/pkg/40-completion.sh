#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# completion/op25bctl in bash with bash-completion: commands, their
# subcommands and values, global options, stats options, files for load.
. "$TOP/tests/pkg/lib.sh"
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || fail "$BC missing (apt-get install bash-completion)"
mkdir -p w/dir && touch w/dir/a.conf w/dir/b.conf
cat >"$TMPDIR/t.bash" <<'EOT'
. /usr/share/bash-completion/bash_completion
. "$TOP/completion/op25bctl"
complete -p op25bctl >/dev/null || { echo "no completion registered"; exit 1; }
bad=0
# t "LINE" EXPECTED...: complete LINE (the cursor at its end; a trailing
# space starts a new word); COMPREPLY, sorted, must be EXPECTED
t() {
	local line=$1; shift
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line}
	COMPREPLY=()
	_op25bctl op25bctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	local got want
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ $# = 0 ] && want=" " && [ ${#COMPREPLY[@]} = 0 ] && got=" "
	if [ "$got" = "$want" ]; then
		echo "# '$line' -> $got"
	else
		echo "FAIL: '$line' -> '$got', want '$want'"
		bad=1
	fi
}
t "op25bctl " allow remove list flush scope exempt mode action port enable disable load save stats reset monitor status help
t "op25bctl s" scope save stats status
t "op25bctl -" -j --json -b --backend -h --help
t "op25bctl -b " kmod nft
t "op25bctl --backend n" nft
t "op25bctl -j -b kmod m" mode monitor
t "op25bctl scope " add del list flush
t "op25bctl exempt d" del
t "op25bctl exempt add 10.0.0.0/8 " comment
t "op25bctl allow 10.0.0.5 " comment
t "op25bctl mode " enforce audit
t "op25bctl action " reject drop
t "op25bctl stats --" --sort --top --prometheus --json --help
t "op25bctl stats --sort " denied last source
t "op25bctl stats --top 5 --p" --prometheus
t "op25bctl help st" stats status
t "op25bctl load dir/" dir/a.conf dir/b.conf
t "op25bctl load " - dir
t "op25bctl mode audit "
t "op25bctl status -" -j --json -h --help
exit $bad
EOT
(cd w && TOP=$TOP bash "$TMPDIR/t.bash") || fail "completions differ"
