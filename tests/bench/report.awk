# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/report.awk: the bench's figures from the VM's "@@R FIGURE
# CONFIG UNIT VALUE" lines (one per run): a table on stdout, the same as
# JSON in the file named by -v json=FILE. Derived figures pair the i-th run
# of one configuration with the i-th run of another (measured the same way
# in the same boot), then take median, min and max over the pairs.

function sortv(a, k,    i, j, t) {
	for (i = 2; i <= k; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}

# fig NAME CONFIG UNIT TARGET: record the figure in vals[1..nv]
function fig(name, config, unit, target,    i, med) {
	if (nv == 0)
		return
	sortv(vals, nv)
	med = (nv % 2) ? vals[(nv + 1) / 2] : (vals[nv / 2] + vals[nv / 2 + 1]) / 2
	nf++
	F_name[nf] = name; F_cfg[nf] = config; F_unit[nf] = unit; F_target[nf] = target
	F_med[nf] = med; F_min[nf] = vals[1]; F_max[nf] = vals[nv]; F_runs[nf] = nv
	nv = 0
}

# raw FIG CFG: the runs of one configuration into vals
function raw(f, c,    i) {
	nv = 0
	for (i = 1; i <= n[f, c]; i++)
		vals[++nv] = v[f, c, i]
}

# over FIG CFG BASE: per-packet cost in ns, 1/pps(CFG) - 1/pps(BASE)
function over(f, c, b,    i, k) {
	nv = 0
	k = n[f, c] < n[f, b] ? n[f, c] : n[f, b]
	for (i = 1; i <= k; i++)
		if (v[f, c, i] > 0 && v[f, b, i] > 0)
			vals[++nv] = 1e9 / v[f, c, i] - 1e9 / v[f, b, i]
}

# ratio_over FIG A B BASE: (1/pps(A) - 1/pps(BASE)) / (1/pps(B) - 1/pps(BASE))
function ratio_over(f, a, b, base,    i, k, x, y) {
	nv = 0
	k = n[f, a]
	if (n[f, b] < k) k = n[f, b]
	if (n[f, base] < k) k = n[f, base]
	for (i = 1; i <= k; i++) {
		x = 1 / v[f, a, i] - 1 / v[f, base, i]
		y = 1 / v[f, b, i] - 1 / v[f, base, i]
		if (y > 0)
			vals[++nv] = x / y
	}
}

# ratio FA CA FB CB: value(FA, CA) / value(FB, CB), run by run
function ratio(fa, ca, fb, cb,    i, k) {
	nv = 0
	k = n[fa, ca] < n[fb, cb] ? n[fa, ca] : n[fb, cb]
	for (i = 1; i <= k; i++)
		if (v[fb, cb, i] > 0)
			vals[++nv] = v[fa, ca, i] / v[fb, cb, i]
}

$1 == "@@R" {
	f = $2; c = $3
	if (!((f, c) in n)) { order[++no] = f SUBSEP c; n[f, c] = 0 }
	n[f, c]++
	v[f, c, n[f, c]] = $5 + 0
	unit[f, c] = $4
}

END {
	if (no == 0)
		exit 1
	title["pass"] = "pass path: SYN/s (to 443)"
	title["deny-drop"] = "deny path, drop: SYN/s"
	title["deny6-drop"] = "deny path IPv6, drop: SYN/s"
	title["deny-reject"] = "deny path, reject: SYN/s"
	title["allow"] = "allow path: SYN/s (16 listed sources)"
	for (i = 1; i <= no; i++) {
		split(order[i], fc, SUBSEP)
		if (!(fc[1] in title))
			continue
		raw(fc[1], fc[2])
		fig(title[fc[1]], fc[2], unit[fc[1], fc[2]], "")
	}

	# pass path: overhead over no filter, and over an empty hook
	split("op25b nft iptables empty-hook bare-hook", fl, " ")
	for (j = 1; j <= 5; j++) {
		over("pass", fl[j], "none")
		fig("pass path: overhead per SYN", fl[j], "ns", "")
	}
	ratio_over("pass", "op25b", "nft", "none")
	fig("pass path: overhead op25b / nft", "op25b/nft", "ratio", "<= 0.3")
	ratio_over("pass", "op25b", "iptables", "none")
	fig("pass path: overhead op25b / iptables", "op25b/iptables", "ratio", "")
	for (j = 1; j <= 2; j++) {
		over("pass", fl[j], "empty-hook")
		fig("pass path: overhead above an empty hook", fl[j], "ns", "")
	}
	ratio_over("pass", "op25b", "nft", "empty-hook")
	fig("pass path: above an empty hook, op25b / nft", "op25b/nft", "ratio", "")
	for (j = 1; j <= 2; j++) {
		over("pass", fl[j], "bare-hook")
		fig("pass path: overhead above a bare hook", fl[j], "ns", "")
	}
	ratio_over("pass", "op25b", "nft", "bare-hook")
	fig("pass path: above a bare hook, op25b / nft", "op25b/nft", "ratio", "")

	split("deny-drop deny6-drop deny-reject", df, " ")
	dname["deny-drop"] = "deny path, drop"
	dname["deny6-drop"] = "deny path IPv6, drop"
	dname["deny-reject"] = "deny path, reject"
	for (d = 1; d <= 3; d++) {
		for (j = 1; j <= 3; j++) {
			over(df[d], fl[j], "floor")
			fig(dname[df[d]] ": cost above the floor", fl[j], "ns", "")
		}
		ratio_over(df[d], "op25b", "nft", "floor")
		fig(dname[df[d]] ": above floor, op25b / nft", "op25b/nft", "ratio", "<= 0.5")
		ratio_over(df[d], "op25b", "iptables", "floor")
		fig(dname[df[d]] ": above floor, op25b / iptables", "op25b/iptables", "ratio", "")
	}

	ratio("allow", "op25b-100k", "allow", "op25b-16")
	fig("allow path: pps 100,000 entries / 16", "op25b", "ratio", ">= 0.95")
	ratio("allow", "nft-100k", "allow", "nft-16")
	fig("allow path: pps 100,000 entries / 16", "nft", "ratio", "")

	raw("load", "op25b")
	fig("load 100,000 entries: time", "op25b", "ms", "")
	raw("load", "nft")
	fig("load 100,000 entries: time", "nft", "ms", "")
	raw("load-user", "op25b")
	fig("load 100,000 entries: user CPU time", "op25b", "ms", "")
	raw("load-user", "nft")
	fig("load 100,000 entries: user CPU time", "nft", "ms", "")
	raw("load-sys", "op25b")
	fig("load 100,000 entries: system CPU time", "op25b", "ms", "")
	raw("load-sys", "nft")
	fig("load 100,000 entries: system CPU time", "nft", "ms", "")
	ratio("load", "nft", "load", "op25b")
	fig("load 100,000 entries: time nft / op25b", "nft/op25b", "ratio", ">= 5")

	raw("mem-entry", "op25b")
	fig("memory per allowlist entry (meminfo)", "op25b", "B", "<= 64")
	raw("mem-entry", "nft")
	fig("memory per allowlist entry (meminfo)", "nft", "B", "")
	raw("mem-source", "op25b")
	fig("memory per tracked source (meminfo)", "op25b", "B", "<= 128")
	raw("mem-source-slab", "op25b")
	fig("memory per tracked source (slabinfo)", "op25b", "B", "<= 128")
	raw("mem-source", "nft")
	fig("memory per tracked source (meminfo)", "nft", "B", "")

	note = "Rates are guest-time rates under QEMU TCG with -icount shift=0,sleep=off, one vCPU: " \
		"guest time counts instructions (1 ns each), not wall time; cache and lock effects do not show. " \
		"Only ratios between configurations of one run mean something."
	printf "\n%-52s %-15s %10s %10s %10s %-6s %4s  %s\n", "figure", "configuration", "median", "min", "max", "unit", "runs", "target"
	for (i = 1; i <= nf; i++) {
		fmt = (F_unit[i] == "ratio") ? "%10.3f %10.3f %10.3f" : "%10.0f %10.0f %10.0f"
		met = ""
		if (F_target[i] != "") {
			split(F_target[i], tg, " ")
			ok = (tg[1] == "<=") ? F_med[i] <= tg[2] + 0 : F_med[i] >= tg[2] + 0
			met = ok ? " (met)" : " (missed)"
		}
		printf "%-52s %-15s " fmt " %-6s %4d  %s%s\n", F_name[i], F_cfg[i], F_med[i], F_min[i], F_max[i], F_unit[i], F_runs[i], F_target[i], met
	}
	printf "\nNote: %s\n", note
	printf "{\n  \"note\": \"%s\",\n  \"runs_per_configuration\": %d,\n  \"seconds_per_run\": %s,\n  \"figures\": [\n", note, reps, secs >json
	for (i = 1; i <= nf; i++)
		printf "    {\"name\": \"%s\", \"configuration\": \"%s\", \"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"unit\": \"%s\", \"runs\": %d%s}%s\n",
			F_name[i], F_cfg[i], F_med[i], F_min[i], F_max[i], F_unit[i], F_runs[i],
			F_target[i] == "" ? "" : ", \"target\": \"" F_target[i] "\"",
			i < nf ? "," : "" >json
	printf "  ]\n}\n" >json
	close(json)
}
