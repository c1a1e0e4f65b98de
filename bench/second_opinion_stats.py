#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which contrast treatment the second opinion keeps, beside cheap image statistics.

Input: the JSONL of `sheaf process --jsonl --no-ocr-cache` over scanned pages (first page of
each document). For each page whose second opinion was tried (`preprocess.second_opinion`),
the treatment kept is `preprocess.background_normalized` (true: the first reading, contrast
normalised; false: the alternate reading won). The statistics are computed on the source image's
central 80% (scanner borders left out): gray mean and standard deviation, share of dark pixels
(< 128), background (90th percentile), contrast (90th - 5th percentile) and background variance
(standard deviation of the 90th percentiles of an 8 x 8 grid of blocks). Prints the medians and
ranges per outcome, and writes every page's row as JSON with --out.

Needs numpy and pillow (pip install numpy pillow). A tool for choosing the treatment before
reading (issue 11, README "Speed and memory"); nothing in Sheaf uses it.

Usage: bench/second_opinion_stats.py RESULTS.jsonl [--out rows.json]
"""
import argparse
import json
import os

import numpy as np
from PIL import Image


def stats(path):
    g = np.asarray(Image.open(path).convert("L"), dtype=np.float32)
    h, w = g.shape
    c = g[h // 10:h * 9 // 10, w // 10:w * 9 // 10]
    bh, bw = max(1, c.shape[0] // 8), max(1, c.shape[1] // 8)
    blocks = [np.percentile(c[i:i + bh, j:j + bw], 90)
              for i in range(0, c.shape[0] - bh + 1, bh) for j in range(0, c.shape[1] - bw + 1, bw)]
    bg = float(np.percentile(c, 90))
    return dict(mean=float(c.mean()), std=float(c.std()), dark=float((c < 128).mean()), bg=bg,
                contrast=bg - float(np.percentile(c, 5)), bgvar=float(np.std(blocks)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--out")
    a = ap.parse_args()
    rows = []
    with open(a.results) as f:
        for line in f:
            d = json.loads(line)
            if not d.get("pages") or d["pages"][0].get("source") != "ocr":
                continue
            p = d["pages"][0]
            pp = p["preprocess"]
            rows.append(dict(name=os.path.basename(d["source"]), tried=pp["second_opinion"],
                             first_kept=pp["background_normalized"], confidence=p["ocr_confidence"],
                             **stats(d["source"])))
    tried = [r for r in rows if r["tried"]]
    alt = [r for r in tried if not r["first_kept"]]
    first = [r for r in tried if r["first_kept"]]
    print(f"{len(rows)} pages, second opinion tried on {len(tried)}: the alternate reading kept on "
          f"{len(alt)}, the first on {len(first)}")
    for k in ("mean", "std", "dark", "bg", "contrast", "bgvar"):
        def desc(rs):
            v = [r[k] for r in rs]
            return f"{np.median(v):8.3f} [{min(v):.3f} - {max(v):.3f}]" if v else "-"
        print(f"{k:9s} alternate kept {desc(alt)}   first kept {desc(first)}")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
