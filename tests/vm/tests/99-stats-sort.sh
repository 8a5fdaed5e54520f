#!/bin/sh
# stats --sort denied|last|source and --top N, JSON and text: four sources
# with 3, 2, 1 and 1 denials. --top 2 keeps the two most denied; --sort
# source orders by address (numerically, IPv4 first); --sort last puts the
# latest denial first; the totals stay those of all sources. Bad values are
# usage errors.
. /vm/lib.sh
setup
ip -n client -batch - <<-EOT || fail "client addresses"
addr add 10.1.0.9/24 dev eth0
addr add 10.1.0.10/24 dev eth0
addr add 10.1.0.100/24 dev eth0
EOT

# in this order: the latest denial is 10.1.0.10's, then 10.1.0.9's,
# fd00:1::2's, 10.1.0.100's
for src in 10.1.0.10 10.1.0.10 10.1.0.100 10.1.0.100 fd00:1::2 10.1.0.9 10.1.0.10; do
	case $src in *:*) dst=$V6_INET ;; *) dst=$V4_INET ;; esac
	expect client "$dst" 25 refused 0.5 3 "$src"
done

# order ARGS...: the sources of "op25bctl -j stats ARGS", in order
order() {
	ctl -j stats "$@"
	[ "$CTL_RC" = 0 ] || fail "op25bctl -j stats $*: exit $CTL_RC: $CTL_OUT"
	printf '%s\n' "$CTL_OUT" | /usr/bin/jq -c '[.sources[].source]'
}
js=$(stats_json)
log "stats: $js"
jq_check "$js" '[.sources[] | [.source, .denied]] | .[0:2] == [["10.1.0.10", 3], ["10.1.0.100", 2]]
	and (.[2:] | sort) == [["10.1.0.9", 1], ["fd00:1::2", 1]]' "default: most denied first"
assert_eq "$(order --sort denied)" "$(jqc "$js" '[.sources[].source]')" "--sort denied: the default order"
assert_eq "$(order --top 2)" '["10.1.0.10","10.1.0.100"]' "--top 2"
assert_eq "$(order --sort denied --top 2)" '["10.1.0.10","10.1.0.100"]' "--sort denied --top 2"
assert_eq "$(order --sort source)" '["10.1.0.9","10.1.0.10","10.1.0.100","fd00:1::2"]' "--sort source"
assert_eq "$(order --top 2 --sort source)" '["10.1.0.9","10.1.0.10"]' "--top 2 --sort source"
assert_eq "$(order --sort last)" '["10.1.0.10","10.1.0.9","fd00:1::2","10.1.0.100"]' "--sort last"
assert_eq "$(order --sort last --top 1)" '["10.1.0.10"]' "--sort last --top 1"
assert_eq "$(order --top 10)" "$(jqc "$js" '[.sources[].source]')" "--top 10: all four"

ctl -j stats --top 1
[ "$CTL_RC" = 0 ] || fail "op25bctl -j stats --top 1: exit $CTL_RC: $CTL_OUT"
jq_check "$CTL_OUT" '.totals == {"inspected": 7, "allowed": 0, "denied": 7, "untracked": 0, "audited": 0, "exempt": 0}' \
	"--top 1: the totals of all sources"

# text
rows() { printf '%s\n' "$CTL_OUT" | grep -oE '^(10\.1\.0\.[0-9]+|fd00:1::2) ' | tr -d ' ' | tr '\n' ' '; }
op25bctl stats --top 2 >/dev/null
assert_eq "$(rows)" "10.1.0.10 10.1.0.100 " "text --top 2"
op25bctl stats --sort source >/dev/null
assert_eq "$(rows)" "10.1.0.9 10.1.0.10 10.1.0.100 fd00:1::2 " "text --sort source"
op25bctl stats --sort last --top 3 >/dev/null
assert_eq "$(rows)" "10.1.0.10 10.1.0.9 fd00:1::2 " "text --sort last --top 3"

js=$(stats_json)
set -f
for a in "--sort bogus" "--sort" "--sort DENIED" "--top" "--top x" "--top -1" "--top 2x" "--top 1 extra"; do
	# shellcheck disable=SC2086
	ctl_expect 2 stats $a
done
set +f
assert_eq "$(stats_json)" "$js" "stats -j unchanged"
