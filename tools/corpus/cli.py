# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line: generates a corpus folder (documents, manifest.jsonl, details.jsonl)."""

import argparse
import json
import os
import random
import sys
from multiprocessing import Pool

from .fonts import pdf_fontset, raster_fontset
from .render import write_pdf, write_scan
from .world import _letters, fmt_date, pick, rand_date
from .receipts import build_receipt
from .invoices import build_invoice
from .forms import build_form
from .letters import build_letter
from .other import build_other
from .truth import truth_of

LABELS = ["invoice", "receipt", "form", "letter", "other"]

BUILDERS = {"invoice": build_invoice, "receipt": build_receipt, "form": build_form, "letter": build_letter, "other": build_other}
_CONFUSABLE = [("l", "1"), ("1", "l"), ("O", "0"), ("0", "O"), ("rn", "m"), ("m", "rn"), ("I", "l"), ("S", "5"), ("B", "8"), ("e", "c"), ("cl", "d")]


def add_ocr_noise(layout, rng, rate):
    """Swaps look-alike characters in the text layer, as in PDFs made by an OCR step."""
    for items in layout.pages:
        for i, it in enumerate(items):
            if it[0] != "text":
                continue
            text = it[3]
            out, j = [], 0
            while j < len(text):
                for a, b in _CONFUSABLE:
                    if text.startswith(a, j) and rng.random() < rate:
                        out.append(b)
                        j += len(a)
                        break
                else:
                    out.append(text[j])
                    j += 1
            items[i] = it[:3] + ("".join(out),) + it[4:]


STAMPS = ["RECEIVED", "CONFIDENTIAL", "COPY", "FILE COPY", "DRAFT", "URGENT", "ORIGINAL", "DUPLICATE", "FOR YOUR INFORMATION",
          "RECEIVED {d}", "Eingegangen {d}", "Reçu le {d}", "ENTERED", "CHECKED", "PROCESSED {d}"]


def decorate(layout, rng, label):
    """Marks that any kind of paper collects: archive numbers, stamps, page numbers. Applied with
    the same odds to every label except receipts (narrow slips rarely get them)."""
    small = layout.w < 300
    if rng.random() < (0.05 if small else 0.25):
        style = rng.choice(["digits", "prefix", "spaced"])
        base = rng.randint(10 ** 7, 10 ** 10)
        for i, items in enumerate(layout.pages):
            n = base + i
            t = {"digits": str(n), "prefix": "%s %d" % (_letters(rng, rng.randint(2, 3)), n), "spaced": " ".join(str(n)[j:j + 4] for j in range(0, len(str(n)), 4))}[style]
            x = layout.w - layout.mr - 8 * len(t) if not small else layout.ml
            items.append(("text", x, layout.h - rng.uniform(12, 30), t, rng.choice(["mono", "sans", "serif"]), rng.random() < 0.5, rng.uniform(8, 13), 0.0))
    if rng.random() < (0.03 if small else 0.1):
        t = pick(rng, STAMPS).replace("{d}", fmt_date(rng, rand_date(rng, 1970, 2025), rng.choice(["dmon", "mdy", "dmy."])))
        page = layout.pages[0]
        page.append(("text", rng.uniform(layout.ml, max(layout.ml + 1, layout.w * 0.6)), rng.uniform(20, max(21, layout.h * 0.3)), t, "sans", True,
                     rng.uniform(10, 18), rng.choice([0.0, 0.3])))
    if not small and len(layout.pages) > 1 and rng.random() < 0.3:
        fmt = rng.choice(["- %d -", "Page %d", "%d", "Seite %d", "p. %d"])
        for i, items in enumerate(layout.pages):
            if i:
                items.append(("text", layout.w / 2 - 10, layout.mt * 0.6, fmt % (i + 1), layout.family, False, layout.size * 0.9, 0.0))


def build_document(seed, label, k, scan_fraction, header_noise=False):
    """Document k of `label` under `seed`: (layout, whether it is a scan, its random stream, to
    go on rendering with). Depends on nothing else, so document k is the same in any corpus."""
    rng = random.Random("sheaf-doctype/%d/%s/%d" % (seed, label, k))
    scan = rng.random() < scan_fraction
    fonts = raster_fontset(rng) if scan else pdf_fontset()
    if label == "receipt":
        layout = build_receipt(rng, fonts, header_noise)
    else:
        layout = BUILDERS[label](rng, fonts)
    decorate(layout, rng, label)
    return layout, scan, rng


def make_document(job):
    out, seed, label, k, index, scan_fraction, header_noise = job
    layout, scan, rng = build_document(seed, label, k, scan_fraction, header_noise)
    base = os.path.join(out, "docs", "%06d" % index)
    if scan:
        path = write_scan(base, layout, rng)
    else:
        if rng.random() < 0.15:  # a PDF whose text layer came from someone else's OCR
            add_ocr_noise(layout, rng, rng.uniform(0.01, 0.06))
        path = base + ".pdf"
        write_pdf(path, layout)
    truth = truth_of(layout, label, os.path.basename(path))
    truth.update(seed=seed, index=k, scan=scan, pages=len(layout.pages))
    with open(base + ".json", "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    info = {"file": os.path.relpath(path, out), "label": label, "kind": layout.kind, "pages": len(layout.pages), "scan": scan,
            "truth": os.path.relpath(base + ".json", out)}
    info.update(getattr(layout, "scan_info", {}))
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a synthetic document-type corpus for Sheaf.")
    ap.add_argument("--out", required=True, help="output folder (created; docs/ and manifest.jsonl are written)")
    ap.add_argument("--per-class", type=int, required=True, help="documents per label")
    ap.add_argument("--seed", type=int, default=1, help="random seed (same seed, same corpus)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    ap.add_argument("--scan-fraction", type=float, default=0.5, help="share of documents rendered as scans, for every label")
    ap.add_argument("--labels", default=",".join(LABELS), help="comma-separated subset of %s" % ",".join(LABELS))
    ap.add_argument("--header-noise", action="store_true",
                    help="receipts print logos, slogans, registration lines and stamps around the shop's name "
                         "(for training the extractor's ranker; off for the document-type model's corpus)")
    a = ap.parse_args(argv)
    labels = [x for x in a.labels.split(",") if x]
    for x in labels:
        if x not in BUILDERS:
            ap.error("unknown label %r" % x)
    if a.per_class < 1 or not 0 <= a.scan_fraction <= 1:
        ap.error("--per-class must be >= 1 and --scan-fraction in [0, 1]")
    os.makedirs(os.path.join(a.out, "docs"), exist_ok=True)
    jobs = [(a.out, a.seed, label, k, k * len(LABELS) + LABELS.index(label), a.scan_fraction, a.header_noise)
            for k in range(a.per_class) for label in labels]
    stats = {}
    manifest = os.path.join(a.out, "manifest.jsonl")
    details = os.path.join(a.out, "details.jsonl")
    with open(manifest + ".tmp", "w", encoding="utf-8") as f, open(details, "w", encoding="utf-8") as g:
        if a.jobs > 1:
            pool = Pool(a.jobs)
            results = pool.imap(make_document, jobs, chunksize=4)
        else:
            pool, results = None, map(make_document, jobs)
        for r in results:
            f.write(json.dumps({"file": r["file"], "label": r["label"], "truth": r["truth"]}) + "\n")
            g.write(json.dumps(r, ensure_ascii=False) + "\n")
            s = stats.setdefault(r["label"], [0, 0, 0])
            s[0] += 1
            s[1] += r["scan"]
            s[2] += r["pages"]
        if pool:
            pool.close()
            pool.join()
    os.replace(manifest + ".tmp", manifest)
    for label in labels:
        n, scans, pages = stats[label]
        print("%-8s %5d documents, %3.0f%% scans, %.2f pages on average" % (label, n, 100.0 * scans / n, pages / n), file=sys.stderr)
    print("manifest: %s" % manifest, file=sys.stderr)
