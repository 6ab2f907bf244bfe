#!/usr/bin/env python3
"""Write a billrun config that lists a demo fleet's customers K times.

Usage: repeat_config.py BILLING_YAML K OUT_YAML

Each copy renames its customers' ids (R<k>C…) and VPS names (r<k>vps…)
and keeps their files, so the config names K times as many VPS over the
same RRD files: a fleet of any size without writing more files, for
measuring how billrun usage's memory grows with the fleet
(bench/memory.sh). The rest of the document is copied as it is.
"""
import sys

src, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = open(src, encoding="utf-8").read()
i = text.index("customers:\n")
head, customers = text[:i], text[i + len("customers:\n"):]
with open(out, "w", encoding="utf-8") as f:
    f.write(head + "customers:\n")
    for r in range(k):
        # block ("  - id: C…") or flow ("  - {id: C…", as billrun demo writes)
        renamed = customers.replace("  - id: C", f"  - id: R{r}C").replace("  - {id: C", f"  - {{id: R{r}C")
        f.write(renamed.replace("{name: vps", f"{{name: r{r}vps"))
