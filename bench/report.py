#!/usr/bin/env python3
"""Turns the benchmark's CSV (scenario,tool,rep,wall seconds,max RSS KB) into a Markdown table."""
import csv, datetime, os, statistics, sys
results, scale, size, files, java, restic, rclone = sys.argv[1:8]
rows = {}
for scenario, tool, rep, wall, rss in csv.reader(open(results)):
    rows.setdefault((scenario, tool), []).append((float(wall), int(rss)))
print(f"# backup-router benchmark, {datetime.date.today()} ({scale} data set: {size}, {files} files)\n")
print(f"{os.cpu_count()} cores. {java}; {restic}; {rclone}. Median of the repetitions, with min-max; peak RSS is the maximum.\n")
print("| scenario | tool | wall (s) | min-max (s) | ratio to backup-router | peak RSS (MiB) |")
print("|---|---|---|---|---|---|")
for scenario in ["first-backup", "no-change", "one-percent", "restore", "mirror", "huge-file"]:
    ours = rows.get((scenario, "backup-router"))
    base = statistics.median(w for w, _ in ours) if ours else None
    for tool in ["backup-router", "restic", "rclone", "rclone-crypt"]:
        data = rows.get((scenario, tool))
        if not data:
            continue
        walls = [w for w, _ in data]
        med = statistics.median(walls)
        ratio = f"{med / base:.2f}x" if base else "-"
        print(f"| {scenario} | {tool} | {med:.2f} | {min(walls):.2f}-{max(walls):.2f} | {ratio} | {max(r for _, r in data) // 1024} |")
