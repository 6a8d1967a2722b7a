#!/usr/bin/env python3
"""Generates the benchmark's reference data set, the same for every run with the same seed.

full: ~5,000 text/JSON files of 1-50 KB in nested folders, ~50 files of 1-10 MB (half random,
half text), and two ~300 MB files (one random, one compressible): about 1 GiB.
small: a tenth of that, for trying the benchmark quickly.
many: --files small text files (default 100,000) of 1-7 KB (~400 MB) in nested folders, nothing large:
the scale scenario, where the listing of the tree costs more than its content.
"""
import argparse, json, os, random

def text(rng, words, size):
    out, n = [], 0
    while n < size:
        w = rng.choice(words); out.append(w); n += len(w) + 1
    return (" ".join(out))[:size]

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--scale", choices=["full", "small", "many"], default="full")
    p.add_argument("--files", type=int, default=100_000)
    a = p.parse_args()
    rng = random.Random(a.seed)
    if a.scale == "many":
        many(a, rng)
        return
    k = 1 if a.scale == "full" else 10
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(5000)]
    for i in range(5000 // k):
        d = os.path.join(a.out, "notes", "y%d" % (2020 + i % 6), "m%02d" % (i % 12 + 1), "d%02d" % (i % 28 + 1))
        os.makedirs(d, exist_ok=True)
        size = rng.randint(1024, 50 * 1024)
        if i % 4 == 0:
            body = json.dumps({"id": i, "title": text(rng, words, 40), "body": text(rng, words, size)})
            open(os.path.join(d, "n%05d.json" % i), "w").write(body)
        else:
            open(os.path.join(d, "n%05d.md" % i), "w").write(text(rng, words, size))
    media = os.path.join(a.out, "media"); os.makedirs(media, exist_ok=True)
    for i in range(50 // k):
        size = rng.randint(1, 10) * 1024 * 1024
        if i % 2 == 0:
            open(os.path.join(media, "blob%02d.bin" % i), "wb").write(rng.randbytes(size))
        else:
            open(os.path.join(media, "log%02d.txt" % i), "w").write(text(rng, words, size))
    big = 300 * 1024 * 1024 // k
    with open(os.path.join(a.out, "disk.img"), "wb") as f:
        for _ in range(big // (1 << 20)):
            f.write(rng.randbytes(1 << 20))
    with open(os.path.join(a.out, "dump.sql"), "w") as f:
        chunk = text(rng, words, 1 << 20)
        for i in range(big // (1 << 20)):
            f.write(chunk[:-10] + "%10d" % i)

def many(a, rng):
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(5000)]
    for i in range(a.files):
        d = os.path.join(a.out, "notes", "p%02d" % (i % 50), "q%02d" % (i // 50 % 40))
        if i < 2000:
            os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "n%07d.md" % i), "w").write(text(rng, words, rng.randint(1024, 7 * 1024)))

if __name__ == "__main__":
    main()
