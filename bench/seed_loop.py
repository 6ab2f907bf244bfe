#!/usr/bin/python3
"""The seed's own billing loop (report_sum in ../shared/seed), over many
files: python3-rrdtool's fetch and summing of the AVERAGE rows.
usage: seed_loop.py sum|fetch START END FILE..."""
import sys

import rrdtool


def _sum_none(header, row, names):
    s = 0
    for n in names:
        v = row[header.index(n)]
        if v is not None:
            s += v
    return s


def report_sum(path, start, end):
    (fs, fe, step), header, rows = rrdtool.fetch(path, "AVERAGE", "--start", start, "--end", end)
    header = list(header)
    r = {"ticks": 0, "vm": 0, "rss": 0, "in": 0, "out": 0, "disk": 0}
    for row in rows:
        r["ticks"] += _sum_none(header, row, ["vs_uticks", "vs_sticks"])
        r["vm"] += _sum_none(header, row, ["vs_vm"])
        r["rss"] += _sum_none(header, row, ["vs_rss"])
        r["in"] += _sum_none(header, row, ["vs_in"])
        r["out"] += _sum_none(header, row, ["vs_out"])
        r["disk"] += _sum_none(header, row, ["vs_disk_b_used"])
    r["ticks"] *= step
    r["in"] *= step
    r["out"] *= step
    for k in ("vm", "rss", "disk"):
        r[k] *= step / 60
    return r


mode, start, end, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
for f in files:
    if mode == "sum":
        report_sum(f, start, end)
    else:
        rrdtool.fetch(f, "AVERAGE", "--start", start, "--end", end)
