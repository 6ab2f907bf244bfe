#!/usr/bin/python3
"""Independent computation of billrun usage figures with rrdtool's own fetch
(python3-rrdtool), in the terms of the seed's report_sum: a counter total is
sum(AVERAGE * seconds), a gauge total sum(AVERAGE * seconds / 60); a row
stamped t covers (t-step, t] and counts by the share of it inside
[start, end); unknown rows are skipped (the seed's _sum_none).

usage: oracle.py FILE START END   -> JSON {metric: {total, coverage}} on stdout
"""
import json
import math
import sys

import rrdtool

METRICS = [
    ("ticks", ["vs_uticks", "vs_sticks"], "counter"),
    ("vm", ["vs_vm"], "gauge"),
    ("rss", ["vs_rss"], "gauge"),
    ("in", ["vs_in"], "counter"),
    ("out", ["vs_out"], "counter"),
    ("disk", ["vs_disk_b_used"], "gauge"),
]


def main():
    path, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    (fs, fe, step), names, rows = rrdtool.fetch(path, "AVERAGE", "-s", str(start), "-e", str(end))
    idx = {n: i for i, n in enumerate(names)}
    out = {}
    for name, dss, kind in METRICS:
        total = 0.0
        covered = 0
        for i, row in enumerate(rows):
            t = fs + (i + 1) * step
            overlap = min(t, end) - max(t - step, start)
            if overlap <= 0:
                continue
            vals = [row[idx[d]] for d in dss if row[idx[d]] is not None and not math.isnan(row[idx[d]])]
            if not vals:
                continue
            v = sum(vals)
            covered += overlap
            total += v * overlap / (60.0 if kind == "gauge" else 1.0)
        out[name] = {"total": total, "coverage": covered / (end - start)}
    json.dump(out, sys.stdout)


main()
