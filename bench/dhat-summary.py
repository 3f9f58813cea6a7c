#!/usr/bin/env python3
"""Summarises dhat-heap.json (from examples/memory.rs): the bytes alive at the heap's peak,
grouped by the innermost attache function that allocated them.

    python3 bench/dhat-summary.py dhat-heap.json [--depth N]
"""
import json
import re
import sys
from collections import defaultdict


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "dhat-heap.json"
    depth = int(sys.argv[sys.argv.index("--depth") + 1]) if "--depth" in sys.argv else 1
    data = json.load(open(path))
    frames = data["ftbl"]
    groups = defaultdict(int)
    total = 0
    for pp in data["pps"]:
        gb = pp.get("gb", 0)
        if not gb:
            continue
        total += gb
        names = []
        for f in pp["fs"]:
            text = frames[f]
            m = re.search(r"(attache::[\w:]+)", text)
            if m and "examples" not in text:
                name = re.sub(r"::h[0-9a-f]{16}$", "", m.group(1))
                name = re.sub(r"::\{\{closure\}\}", "", name)
                if not names or names[-1] != name:
                    names.append(name)
            if len(names) >= depth:
                break
        groups[" <- ".join(names) or "(outside attache)"] += gb
    print(f"alive at the peak: {total / 1048576:.1f} MiB")
    for name, b in sorted(groups.items(), key=lambda kv: -kv[1])[:25]:
        print(f"{b / 1048576:8.1f} MiB  {b * 100 / total:5.1f} %  {name}")


main()
