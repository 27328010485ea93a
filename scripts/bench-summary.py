#!/usr/bin/env python3
"""bench-summary.py: the table bench-dir.sh and bench-git.sh print.

Usage: bench-summary.py TMP RUNS dir|git TOOL...

Reads TMP/TOOL.RUN.time ("WALL_S RSS_KB"), TOOL.RUN.json (the tool's report)
and TOOL.RUN.log for RUN in 1..RUNS, and prints the median wall time, the
peak RSS over all runs and the findings of each tool, then the ratio.
"""
import json, re, statistics, sys

tmp, runs, mode, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]

def count(tool, path):
    with open(path) as f:
        doc = json.load(f)
    if tool == "gitleaks":
        return len(doc)           # gitleaks: a JSON array of findings
    return len(doc["findings"])   # scan: {"findings": [...], ...}

res = {}
for t in tools:
    walls, rss, counts = [], [], []
    for i in range(1, runs + 1):
        wall, kb = open(f"{tmp}/{t}.{i}.time").read().split()
        walls.append(float(wall))
        rss.append(int(kb))
        counts.append(count(t, f"{tmp}/{t}.{i}.json"))
    res[t] = dict(wall=statistics.median(walls), lo=min(walls), hi=max(walls),
                  rss=max(rss) / 1024, findings=counts[-1], counts=counts)

print(f"{'tool':<10} {'wall median s':>13} {'min s':>8} {'max s':>8} {'peak RSS MB':>12} {'findings':>9}")
for t, r in res.items():
    print(f"{t:<10} {r['wall']:>13.2f} {r['lo']:>8.2f} {r['hi']:>8.2f} {r['rss']:>12.0f} {r['findings']:>9}")
for t, r in res.items():
    if len(set(r["counts"])) > 1:
        print(f"warning: {t} finding counts differ between runs: {r['counts']}")

if "scan" in res:
    # Optional extras of scan's report: say when it did not see everything.
    stats = json.load(open(f"{tmp}/scan.{runs}.json")).get("stats") or {}
    if stats.get("incomplete"):
        print(f"scan reports an incomplete scan ({len(stats.get('warnings') or [])} warnings; KEEP=1 to read them)")

if "gitleaks" in res:
    log = re.sub(r"\x1b\[[0-9;]*m", "", open(f"{tmp}/gitleaks.{runs}.log").read())
    m = re.search(r"scanned ~(\d+) bytes", log)
    if mode == "git":
        c = re.search(r"(\d+) commits scanned", log)
        if c and m:
            print(f"gitleaks says it scanned {int(c.group(1))} commits (those with a diff), {int(m.group(1)) / 1e6:.1f} MB")
    elif m:
        print(f"gitleaks says it scanned {int(m.group(1)) / 1e6:.1f} MB")

if "scan" in res and "gitleaks" in res:
    s, g = res["scan"], res["gitleaks"]
    ratio = g["wall"] / s["wall"] if s["wall"] > 0 else float("inf")
    print(f"ratio (gitleaks / scan wall time): {ratio:.1f}x")
    print(f"peak RSS: scan {s['rss']:.0f} MB, gitleaks {g['rss']:.0f} MB")
else:
    only = tools[0]
    print(f"ratio (gitleaks / scan wall time): n/a (only {only} ran)")
    print(f"peak RSS: {only} {res[only]['rss']:.0f} MB")
