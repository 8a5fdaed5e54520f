#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# docs/op25bctl.8: mandoc's lint and man-db's groff warnings are quiet, and
# the page has the sections an admin looks for.
. "$TOP/tests/pkg/lib.sh"
need mandoc man
M=$TOP/docs/op25bctl.8
out=$(mandoc -T lint -W warning "$M" 2>&1) || fail "mandoc -T lint: $out"
[ -z "$out" ] || fail "mandoc -T lint: $out"
log "mandoc -T lint -W warning: quiet"
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$M" 2>&1 >"$TMPDIR/page.txt") ||
	fail "man --warnings: $out"
[ -z "$out" ] || fail "man --warnings: $out"
log "man --warnings -l: quiet ($(wc -l <"$TMPDIR/page.txt") lines)"
for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "CONFIGURATION FILE" "EXIT STATUS" \
	FILES EXAMPLES "SEE ALSO"; do
	grep -q "^\.SH \"*$s\"*$" "$M" || fail "no section $s"
done
log "sections: NAME .. SEE ALSO"
# the example configuration in the page is one op25bctl load accepts: it
# gets as far as the backend (exit 1, module not loaded), not a parse error
awk '/^\.SH CONFIGURATION FILE/ { on = 1 } on && /^\.EX/ { ex = 1; next }
	ex && /^\.EE/ { exit } ex { print }' "$M" | sed 's/\\-/-/g' >"$TMPDIR/example.conf"
grep -q '^mode enforce' "$TMPDIR/example.conf" || fail "no example file in the page: $(cat "$TMPDIR/example.conf")"
"$CTL" -b nft --help >/dev/null 2>&1 && log "(op25bctl knows -b)"
out=$("$CTL" load "$TMPDIR/example.conf" 2>&1)
rc=$?
[ "$rc" != 2 ] || fail "the page's example file does not parse: $out"
log "the page's example file parses (exit $rc: $out)"
