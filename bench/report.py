#!/usr/bin/env python3
"""Turns the benchmark's CSV into a Markdown table.

CSV rows: scenario, tool, rep, wall seconds, max RSS KiB, fetched (backup-router's own count from its
restore summary, e.g. "180 KiB"; empty otherwise), bytes the S3 server sent during the run.
Arguments: the CSV, scale, size, files, the three tools' versions, then notes (one paragraph each).
"""
import csv, datetime, os, statistics, sys

UNITS = ["B", "KiB", "MiB", "GiB", "TiB"]

def parse_size(text):
    """ "1.2 MiB" -> bytes (as backup-router's ByteSize writes them)."""
    value, unit = text.split()
    return float(value) * 1024 ** UNITS.index(unit)

def format_size(n):
    """Bytes the way backup-router writes them: 180 KiB, 1.2 MiB."""
    unit = 0
    while n >= 1024 and unit < len(UNITS) - 1:
        n /= 1024
        unit += 1
    return f"{n:.0f} {UNITS[unit]}" if unit == 0 or n == int(n) else f"{n:.1f} {UNITS[unit]}"

results, scale, size, files, java, restic, rclone = sys.argv[1:8]
notes = sys.argv[8:]
rows = {}
for scenario, tool, rep, wall, rss, fetched, sent, stored in csv.reader(open(results)):
    rows.setdefault((scenario, tool), []).append((float(wall), int(rss), fetched, int(sent), int(stored)))
print(f"# backup-router benchmark, {datetime.date.today()} ({scale} data set: {size}, {files} files)\n")
print(f"{os.cpu_count()} cores. {java}; {restic}; {rclone}. Median of the repetitions, with min-max; peak RSS is the maximum.\n")
print("For restores: *fetched* is what backup-router's summary says it read from the target; *server sent* is how much"
      " the S3 server wrote during the run (the change in its /proc/PID/io wchar: response bodies and headers; during a"
      " restore it writes nothing else of note), for every tool. For backups: *stored* is how much the server's storage"
      " grew during the run (what the tool uploaded and kept).\n")
for note in notes:
    print(note + "\n")
print("| scenario | tool | wall (s) | min-max (s) | ratio to backup-router | peak RSS (MiB) | fetched | server sent | stored |")
print("|---|---|---|---|---|---|---|---|---|")
for scenario in ["first-backup", "no-change", "one-percent", "one-file", "restore", "restore-one-small", "restore-one-large",
                 "mirror", "huge-file"]:
    ours = rows.get((scenario, "backup-router"))
    base = statistics.median(r[0] for r in ours) if ours else None
    for tool in ["backup-router", "restic", "rclone", "rclone-crypt"]:
        data = rows.get((scenario, tool))
        if not data:
            continue
        walls = [r[0] for r in data]
        med = statistics.median(walls)
        ratio = f"{med / base:.2f}x" if base else "-"
        fetched = sent = stored = ""
        if scenario in ("first-backup", "no-change", "one-percent", "one-file", "huge-file"):
            stored = format_size(statistics.median(r[4] for r in data))
        if scenario.startswith("restore"):
            own = [r[2] for r in data if r[2]]
            fetched = format_size(statistics.median(parse_size(f) for f in own)) if own else "n/a"
            sent = format_size(statistics.median(r[3] for r in data))
        print(f"| {scenario} | {tool} | {med:.2f} | {min(walls):.2f}-{max(walls):.2f} | {ratio} | "
              f"{max(r[1] for r in data) // 1024} | {fetched} | {sent} | {stored} |")
