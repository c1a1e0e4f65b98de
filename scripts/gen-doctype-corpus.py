#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generates a synthetic, redistributable corpus for Sheaf's document-type classifier.

Usage: gen-doctype-corpus.py --out DIR --per-class N [--seed S] [--jobs J] [--scan-fraction F]

Writes N documents for each of the labels invoice, receipt, form, letter and other into DIR/docs/
and lists them in DIR/manifest.jsonl as {"file": "docs/000123.pdf", "label": "invoice"}.

Every document is made up here from word lists, templates and random numbers (nothing is taken
from a real document or a data set), then rendered in one of two ways, picked independently of
its label so that "has a text layer" says nothing about the type:
  - a PDF with a real text layer (standard 14 fonts, WinAnsi encoding, one or more pages);
  - a "scan": a raster page rendered with PIL at 150-300 dpi, off-white paper, slight rotation,
    blur and noise (PNG for one page, multi-page TIFF for several), which Sheaf will OCR.
The output depends only on --seed and --per-class (and the installed fonts): the same arguments
give byte-identical files. Needs Python 3 and PIL (Debian: python3-pil, fonts-dejavu-core;
fonts-urw-base35 and fonts-noto-mono are used when present).

The generator itself is the package tools/corpus/ (one module per document family and idea);
this script only runs it.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))

from corpus.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
