#!/usr/bin/env python3
"""Changes about 1 % of the files of a data set made by gen_data.py: edits, additions and deletions."""
import os, random, sys
root, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
picked = rng.sample(files, max(1, len(files) // 100))
for i, path in enumerate(picked):
    if path.endswith((".img", ".sql")):
        continue
    if i % 5 == 0:
        os.remove(path)
    else:
        with open(path, "ab") as f:
            f.write(("\nedit %d-%d\n" % (seed, i)).encode())
for i in range(max(1, len(files) // 500)):
    open(os.path.join(root, "notes", "new-%d-%d.md" % (seed, i)), "w").write("new %d %d\n" % (seed, i) * 200)
