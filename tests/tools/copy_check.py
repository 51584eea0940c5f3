#!/usr/bin/env python3
"""Quick pre-check for authors: report any run of 12 consecutive words of a seed found in content/.

The real gate is the Rust test `tests/copy_check.rs`; this script applies the same normalisation
(lowercase, letters and digits only, words split on anything else) so authors can run it while writing.
Usage: python3 tests/tools/copy_check.py [SEEDS_DIR] [CONTENT_DIR]
"""
import os, re, sys

N = 12
seeds = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../shared/seeds")
content = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../content")

def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())

grams = set()
for name in os.listdir(seeds):
    if name.endswith(".txt"):
        w = words(open(os.path.join(seeds, name), encoding="utf-8").read())
        grams.update(" ".join(w[i:i + N]) for i in range(len(w) - N + 1))

bad = 0
for root, _, files in os.walk(content):
    for f in sorted(files):
        path = os.path.join(root, f)
        w = words(open(path, encoding="utf-8", errors="replace").read())
        for i in range(len(w) - N + 1):
            g = " ".join(w[i:i + N])
            if g in grams:
                print(f"{path}: copied run: {g}")
                bad += 1
                break
print("copy check:", "FAIL" if bad else "ok", f"({bad} files)")
sys.exit(1 if bad else 0)
