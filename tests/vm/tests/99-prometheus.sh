#!/bin/sh
# stats --prometheus: the Prometheus text exposition format, checked by
# promtool (Debian's prometheus, when run.sh could put it in the VM) and by
# a strict check of our own: every line a HELP, a TYPE, or a sample
# "name{label="value",...} value"; HELP and TYPE once per family, before
# its samples; a family's samples together; counters named *_total and not
# negative; no series twice. The values agree with stats -j: per source
# (label source) denied and audited, and the totals.
. /vm/lib.sh
setup
listen mta 25
wait_listen mta 25
P=$TMPDIR/metrics.prom

# an empty table first: the format holds without any source
$CTL stats --prometheus >"$P" 2>"$TMPDIR/err" || fail "stats --prometheus: $(cat "$TMPDIR/err")"

# check_format FILE: the strict check; prints the problems
check_format() {
	awk '
	function err(m) { printf "line %d: %s: %s\n", NR, m, $0; bad = 1 }
	function family(n,   b) {
		if (n in type) return n
		b = n
		if (sub(/_(bucket|sum|count)$/, "", b) && (type[b] == "histogram" || type[b] == "summary")) return b
		return n
	}
	BEGIN {
		NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*"
		LNAME = "[a-zA-Z_][a-zA-Z0-9_]*"
		LVAL = "\"([^\"\\\\\n]|\\\\[\\\\\"n])*\""
		LABEL = LNAME "=" LVAL
		VALUE = "([-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?Inf|NaN)"
		SAMPLE = "^" NAME "(\\{(" LABEL "(," LABEL ")*,?)?\\})? " VALUE "( -?[0-9]+)?$"
	}
	/^# HELP / {
		n = $3
		if (n !~ "^" NAME "$") err("bad metric name")
		if (NF < 4) err("HELP without text")
		if (n in help) err("second HELP for " n)
		if (n in sampled) err("HELP after samples of " n)
		help[n] = 1
		next
	}
	/^# TYPE / {
		n = $3
		if (NF != 4) err("TYPE wants a name and a type")
		if ($4 !~ /^(counter|gauge|untyped|summary|histogram)$/) err("unknown type")
		if (n in type) err("second TYPE for " n)
		if (n in sampled) err("TYPE after samples of " n)
		if ($4 == "counter" && n !~ /_total$/) err("counter not named *_total")
		type[n] = $4
		next
	}
	/^#/ { err("comment that is neither HELP nor TYPE"); next }
	/^$/ { err("empty line"); next }
	{
		if ($0 !~ SAMPLE) { err("not a sample line"); next }
		n = $0
		sub(/[{ ].*/, "", n)
		f = family(n)
		if (!(f in help)) err("no HELP before the samples of " f)
		if (!(f in type)) err("no TYPE before the samples of " f)
		if (f != last && (f in sampled)) err("samples of " f " not together")
		sampled[f] = 1
		last = f
		if (index($0, "{")) {
			match($0, /\}[^}]*$/)
			series = substr($0, 1, RSTART)
		} else {
			series = $1
		}
		if (series in seen) err("series twice")
		seen[series] = 1
		v = substr($0, length(series) + 2)
		sub(/ .*/, "", v)
		if (type[f] == "counter" && (v ~ /^-/ || v == "NaN")) err("negative counter")
		# label names once per sample
		l = series
		sub(/^[^{]*\{?/, "", l)
		delete lab
		while (match(l, "^" LNAME "=")) {
			ln = substr(l, 1, RLENGTH - 1)
			if (ln in lab) err("label " ln " twice")
			lab[ln] = 1
			l = substr(l, RLENGTH + 1)
			match(l, "^" LVAL ",?")
			l = substr(l, RLENGTH + 1)
		}
		samples++
	}
	END {
		if (NR == 0) { print "no output"; bad = 1 }
		if (!bad) printf "%d lines, %d samples\n", NR, samples
		exit bad
	}' "$1"
}

# check FILE WHAT: both checks must pass
check() {
	[ -s "$1" ] || fail "$2: no output"
	[ -z "$(tail -c 1 "$1")" ] || fail "$2: the last line does not end with a newline"
	out=$(check_format "$1") || fail "$2: not the Prometheus text format:
$out
$(cat "$1")"
	log "$2: format check: $out"
	if [ -x /usr/bin/promtool ]; then
		out=$(/usr/bin/promtool check metrics <"$1" 2>&1) ||
			fail "$2: promtool check metrics: $out
$(cat "$1")"
		log "$2: promtool check metrics: ok"
	else
		log "$2: promtool not in the VM (scripts/deps.sh installs prometheus)"
	fi
}

# the check itself must catch what it claims to
printf '# HELP op25b_x_total x\n# TYPE op25b_x_total counter\nop25b_x_total{source="a"} 1\n' >"$TMPDIR/good"
check_format "$TMPDIR/good" >/dev/null || fail "the format check refuses a good file: $(check_format "$TMPDIR/good")"
for bad in 'op25b_x_total{source="a"} 1' '# TYPE op25b_x counter\n# HELP op25b_x x\nop25b_x 1' \
	'# HELP op25b_x_total x\n# TYPE op25b_x_total counter\nop25b_x_total{source=a} 1' \
	'# HELP op25b_x_total x\n# TYPE op25b_x_total counter\nop25b_x_total{source="a"} 1x' \
	'# HELP op25b_x_total x\n# TYPE op25b_x_total counter\nop25b_x_total 1\n# HELP op25b_y y\n# TYPE op25b_y gauge\nop25b_y 1\nop25b_x_total 2' \
	'# HELP op25b_x_total x\n# TYPE op25b_x_total counter\nop25b_x_total{a="1"} 1\nop25b_x_total{a="1"} 2' \
	'# HELP op25b_x_total x\n# TYPE op25b_x_total counter\nop25b_x_total{a="1",a="2"} 1' \
	'# HELP op25b_x_total x\n# TYPE op25b_x_total counter\nop25b_x_total -1' \
	'# HELP op25b_x x\n# TYPE op25b_x counter\nop25b_x 1' \
	'# HELP op25b_x_total x\n# TYPE op25b_x_total counter\nop25b_x_total 1\n# HELP op25b_x_total x'; do
	# shellcheck disable=SC2059
	printf "$bad\n" >"$TMPDIR/bad"
	! check_format "$TMPDIR/bad" >/dev/null || fail "the format check passes a bad file: $bad"
done

if [ -x /usr/bin/promtool ]; then
	printf '# HELP op25b_x x\n# TYPE op25b_x counter\nop25b_x 1\n' | /usr/bin/promtool check metrics >/dev/null 2>&1 &&
		fail "promtool check metrics passes a counter not named *_total"
fi

check "$P" "no sources"

# traffic: denied, allowed, audited and exempt, IPv4 and IPv6
op25bctl allow 10.0.0.5
expect client $V4_INET 25 refused 0.5
expect client $V4_INET 25 refused 0.5
expect client $V6_INET 25 refused 0.5
expect mta $V4_INET 25 ok
op25bctl mode audit
expect mta $V6_INET 25 ok
expect client $V6_INET 25 ok
op25bctl mode enforce
op25bctl exempt add 10.0.0.0/24
expect client $V4_MTA 25 ok

js=$(stats_json)
log "stats: $js"
jq_check "$js" '.totals == {"inspected": 7, "allowed": 1, "denied": 3, "untracked": 0, "audited": 2, "exempt": 1}' \
	"totals: 7 inspected, 1 allowed, 3 denied, 2 audited, 1 exempt"
$CTL stats --prometheus >"$P" 2>"$TMPDIR/err" || fail "stats --prometheus: $(cat "$TMPDIR/err")"
sed 's/^/#   /' "$P"
check "$P" "3 sources"

# sample NAME-PART SOURCE VALUE: a sample whose name holds NAME-PART, with
# label source="SOURCE" (none if empty), of value VALUE
sample() {
	if [ -n "$2" ]; then
		_re="^op25b_[a-z0-9_]*$1[a-z0-9_]*\\{([^}]*,)?source=\"$2\"(,[^}]*)?\\} $3\$"
	else
		_re="^op25b_[a-z0-9_]*$1[a-z0-9_]*(\\{\\})? $3\$|^op25b_[a-z0-9_]*\\{[^}]*\"$1\"[^}]*\\} $3\$"
	fi
	grep -qE "$_re" "$P" || fail "no sample for $1${2:+ of $2} = $3 in the Prometheus output"
	log "sample: $(grep -E "$_re" "$P" | head -n 1)"
}
sample denied 10.1.0.2 2
sample audited 10.1.0.2 0
sample denied fd00:1::2 1
sample audited fd00:1::2 1
sample denied fd00::5 0
sample audited fd00::5 1
for k in inspected allowed denied untracked audited exempt; do
	sample "$k" "" "$(jqr "$js" ".totals.$k")"
done
n=$(grep -c 'source="' "$P")
[ "$n" -ge 6 ] || fail "only $n samples with a source label for 3 sources"
grep -q 'source="203\.0\.113\.25"\|source="10\.0\.0\.5"' "$P" && fail "a source that was never denied nor audited"
log "per-source samples: $n"
