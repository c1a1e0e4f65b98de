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
"""

import argparse
import datetime
import json
import math
import os
import random
import sys
import zlib
from multiprocessing import Pool

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

LABELS = ["invoice", "receipt", "form", "letter", "other"]

# ---------------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------------

_FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/opentype/urw-base35",
              "/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/liberation"]

# Raster font candidates per family: (regular, bold) file names. Missing files are skipped.
_RASTER_FONTS = {
    "sans": [("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
             ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
             ("NimbusSans-Regular.otf", "NimbusSans-Bold.otf"),
             ("NimbusSansNarrow-Regular.otf", "NimbusSansNarrow-Bold.otf"),
             ("URWGothic-Book.otf", "URWGothic-Demi.otf"),
             ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf")],
    "serif": [("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
              ("NimbusRoman-Regular.otf", "NimbusRoman-Bold.otf"),
              ("C059-Roman.otf", "C059-Bold.otf"),
              ("P052-Roman.otf", "P052-Bold.otf"),
              ("URWBookman-Light.otf", "URWBookman-Demi.otf"),
              ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf")],
    "mono": [("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
             ("NimbusMonoPS-Regular.otf", "NimbusMonoPS-Bold.otf"),
             ("NotoMono-Regular.ttf", "NotoSansMono-Bold.ttf"),
             ("NotoSansMono-Regular.ttf", "NotoSansMono-Bold.ttf"),
             ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf")],
}

# Metric twins of the PDF standard fonts, used to measure text laid out for a PDF.
_PDF_METRIC_FONTS = {
    "sans": ("NimbusSans-Regular.otf", "NimbusSans-Bold.otf"),
    "serif": ("NimbusRoman-Regular.otf", "NimbusRoman-Bold.otf"),
    "mono": ("NimbusMonoPS-Regular.otf", "NimbusMonoPS-Bold.otf"),
}
_PDF_BASE_FONTS = {
    ("sans", False): "Helvetica", ("sans", True): "Helvetica-Bold",
    ("serif", False): "Times-Roman", ("serif", True): "Times-Bold",
    ("mono", False): "Courier", ("mono", True): "Courier-Bold",
}


def _find_font(name):
    for d in _FONT_DIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    return None


def available_raster_fonts():
    out = {}
    for fam, pairs in _RASTER_FONTS.items():
        ok = []
        for reg, bold in pairs:
            r, b = _find_font(reg), _find_font(bold)
            if r:
                ok.append((r, b or r))
        if not ok:
            fallback = _find_font("DejaVuSans.ttf")
            if not fallback:
                sys.exit("gen-doctype-corpus: no usable fonts found (install fonts-dejavu-core)")
            ok.append((fallback, _find_font("DejaVuSans-Bold.ttf") or fallback))
        out[fam] = ok
    return out


RASTER_FONTS = available_raster_fonts()

_font_cache = {}


def load_font(path, px):
    key = (path, px)
    f = _font_cache.get(key)
    if f is None:
        f = ImageFont.truetype(path, px)
        if len(_font_cache) > 400:
            _font_cache.clear()
        _font_cache[key] = f
    return f


class FontSet:
    """Maps (family, bold) to a font file and measures text in points."""

    def __init__(self, files):
        self.files = files  # {(family, bold): path}

    def width(self, text, family, bold, size):
        f = load_font(self.files[(family, bold)], 200)
        return f.getlength(text) * size / 200.0


def pdf_fontset():
    files = {}
    for fam, (reg, bold) in _PDF_METRIC_FONTS.items():
        r = _find_font(reg) or RASTER_FONTS[fam][0][0]
        b = _find_font(bold) or RASTER_FONTS[fam][0][1]
        files[(fam, False)], files[(fam, True)] = r, b
    return FontSet(files)


def raster_fontset(rng):
    files = {}
    for fam, pairs in RASTER_FONTS.items():
        reg, bold = rng.choice(pairs)
        files[(fam, False)], files[(fam, True)] = reg, bold
    return FontSet(files)


# ---------------------------------------------------------------------------------------------
# Layout: pages of positioned text runs, rules and boxes, in points from the top-left corner
# ---------------------------------------------------------------------------------------------

class Layout:
    """A flowing page layout. y is the baseline of the next line, in points from the page top."""

    def __init__(self, fonts, width, height, margins=(56, 56, 56, 56), family="sans", size=10,
                 auto_height=False):
        self.fonts = fonts
        self.w, self.h = width, height
        self.ml, self.mt, self.mr, self.mb = margins
        self.family, self.size = family, size
        self.auto_height = auto_height
        self.pages = [[]]
        self.y = self.mt
        self.footer = None  # callable(layout, page_index) drawing a per-page footer
        self.kind = ""  # what the builder made ("fax", "restaurant", "memo", ...), for the details file

    @property
    def inner(self):
        return self.w - self.ml - self.mr

    def measure(self, text, size=None, bold=False, family=None):
        return self.fonts.width(text, family or self.family, bold, size or self.size)

    def new_page(self):
        if self.footer:
            self.footer(self, len(self.pages) - 1)
        self.pages.append([])
        self.y = self.mt

    def ensure(self, height):
        if not self.auto_height and self.y + height > self.h - self.mb:
            self.new_page()

    def put(self, x, text, size=None, bold=False, family=None, align="left", y=None, gray=0.0):
        """Places `text` with its left edge (or right edge / centre) at x (relative to the left
        margin) on the current baseline, without advancing."""
        if not text:
            return
        size = size or self.size
        family = family or self.family
        w = self.fonts.width(text, family, bold, size)
        ax = self.ml + x
        if align == "right":
            ax -= w
        elif align == "center":
            ax -= w / 2
        self.pages[-1].append(("text", ax, self.y if y is None else y, text, family, bold, size,
                               gray))

    def line(self, text="", x=0, size=None, bold=False, family=None, align="left", lead=1.3,
             gray=0.0):
        size = size or self.size
        self.ensure(size * lead)
        self.y += size * lead * 0.8
        if align == "right":
            x = self.inner if x == 0 else x
        elif align == "center" and x == 0:
            x = self.inner / 2
        self.put(x, text, size, bold, family, align, gray=gray)
        self.y += size * lead * 0.2

    def cells(self, cells, size=None, bold=False, family=None, lead=1.3):
        """One row of cells: (x, text, align) where x is the left edge, or the right edge for
        align == "right"."""
        size = size or self.size
        self.ensure(size * lead)
        self.y += size * lead * 0.8
        for c in cells:
            x, text = c[0], c[1]
            align = c[2] if len(c) > 2 else "left"
            self.put(x, text, size, bold, family, align)
        self.y += size * lead * 0.2

    def wrap(self, text, width, size=None, bold=False, family=None):
        words = text.split()
        lines, cur = [], ""
        for w in words:
            cand = (cur + " " + w) if cur else w
            if cur and self.measure(cand, size, bold, family) > width:
                lines.append(cur)
                cur = w
            else:
                cur = cand
        if cur:
            lines.append(cur)
        return lines

    def paragraph(self, text, x=0, width=None, size=None, bold=False, family=None, lead=1.35,
                  indent_first=0, after=None):
        width = width or (self.inner - x)
        for i, ln in enumerate(self.wrap(text, width - indent_first, size, bold, family)):
            self.line(ln, x=x + (indent_first if i == 0 else 0), size=size, bold=bold,
                      family=family, lead=lead)
        self.space((size or self.size) * (0.6 if after is None else after))

    def space(self, pts):
        self.y += pts
        if not self.auto_height and self.y > self.h - self.mb:
            self.new_page()

    def rule(self, x0=0, x1=None, width=0.6, dy=3):
        x1 = self.inner if x1 is None else x1
        self.y += dy
        self.pages[-1].append(("line", self.ml + x0, self.y, self.ml + x1, self.y, width))
        self.y += dy

    def hline_at(self, x0, x1, y, width=0.6):
        self.pages[-1].append(("line", self.ml + x0, y, self.ml + x1, y, width))

    def box(self, x, y, w, h, width=0.6):
        self.pages[-1].append(("rect", self.ml + x, y, w, h, width))

    def finish(self):
        if self.footer:
            self.footer(self, len(self.pages) - 1)
        if self.auto_height:
            self.h = self.y + self.mb
        return self


# ---------------------------------------------------------------------------------------------
# PDF writer (a text layer in the 14 standard fonts, WinAnsi encoding)
# ---------------------------------------------------------------------------------------------

_WINANSI_FALLBACK = {"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                     "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u20b9": "Rs.",
                     "\u2610": "[ ]", "\u2611": "[X]", "\u2612": "[X]", "\u2022": "*"}


def winansi(text):
    out = bytearray()
    for ch in text:
        try:
            b = ch.encode("cp1252")
        except UnicodeEncodeError:
            b = _WINANSI_FALLBACK.get(ch, "?").encode("cp1252", "replace")
        for c in b:
            if c in (0x28, 0x29, 0x5C):
                out += b"\\" + bytes([c])
            else:
                out.append(c)
    return bytes(out)


def _num(x):
    s = "%.2f" % x
    return s.rstrip("0").rstrip(".") if "." in s else s


def write_pdf(path, layout, info_title=None):
    fonts = {}
    for (fam, bold), base in _PDF_BASE_FONTS.items():
        fonts[(fam, bold)] = "F%d" % (len(fonts) + 1)
    objs = []  # bytes of objects 1..n

    def add(b):
        objs.append(b)
        return len(objs)

    catalog = add(b"")
    pages_id = add(b"")
    font_ids = {}
    for (fam, bold), name in fonts.items():
        font_ids[name] = add(("<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding "
                              "/WinAnsiEncoding >>" % _PDF_BASE_FONTS[(fam, bold)]).encode())
    page_ids = []
    h = layout.h
    for items in layout.pages:
        ops = []
        for it in items:
            if it[0] == "text":
                _, x, y, text, fam, bold, size, gray = it
                col = ("%s g " % _num(gray)) if gray else ""
                ops.append(b"BT " + col.encode() + ("/%s %s Tf %s %s Td (" % (
                    fonts[(fam, bold)], _num(size), _num(x), _num(h - y))).encode() +
                           winansi(text) + b") Tj ET" + (b" 0 g" if gray else b""))
            elif it[0] == "line":
                _, x0, y0, x1, y1, wd = it
                ops.append(("%s w %s %s m %s %s l S" % (_num(wd), _num(x0), _num(h - y0),
                                                        _num(x1), _num(h - y1))).encode())
            elif it[0] == "rect":
                _, x, y, w, hh, wd = it
                ops.append(("%s w %s %s %s %s re S" % (_num(wd), _num(x), _num(h - y - hh),
                                                       _num(w), _num(hh))).encode())
        data = zlib.compress(b"\n".join(ops), 9)
        content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data +
                      b"\nendstream")
        res = " ".join("/%s %d 0 R" % (n, i) for n, i in font_ids.items())
        page_ids.append(add(("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources "
                             "<< /Font << %s >> >> /Contents %d 0 R >>" % (
                                 pages_id, _num(layout.w), _num(h), res, content)).encode()))
    objs[catalog - 1] = ("<< /Type /Catalog /Pages %d 0 R >>" % pages_id).encode()
    objs[pages_id - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (
        " ".join("%d 0 R" % i for i in page_ids), len(page_ids))).encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, b in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + b + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, catalog, xref)
    with open(path, "wb") as f:
        f.write(out)


# ---------------------------------------------------------------------------------------------
# Scan renderer
# ---------------------------------------------------------------------------------------------

def _noise_image(rng, w, h, amplitude):
    """Deterministic noise centred on 128: a random tile from `rng`, repeated over the page."""
    tile = Image.frombytes("L", (173, 149), rng.randbytes(173 * 149))
    tile = tile.point(lambda v: int(128 + (v - 128) * amplitude / 128))
    out = Image.new("L", (w, h), 128)
    for ty in range(0, h, 149):
        for tx in range(0, w, 173):
            out.paste(tile, (tx, ty))
    return out


def _scribble(d, rng, x, y, scale, ink):
    """A few pen strokes: initials, ticks or a signature, which OCR turns into odd characters."""
    pts = [(x, y)]
    for _ in range(rng.randint(3, 12)):
        x += rng.uniform(3, 14) * scale
        y += rng.uniform(-6, 6) * scale
        pts.append((x, y))
    d.line(pts, fill=ink, width=max(1, int(scale * rng.uniform(0.6, 1.4))), joint="curve")


def render_scan_pages(layout, rng):
    """Rasterises each page like a scan; returns a list of grayscale PIL images."""
    # Mostly 150-300 dpi; some low-resolution office scans and faxes.
    dpi = rng.choice([96, 100, 110, 120, 130, 140]) if rng.random() < 0.35 else \
        rng.choice([150, 150, 180, 200, 200, 240, 300])
    if layout.w < 300:  # receipts: small paper
        dpi = rng.choice([150, 180, 200, 220, 250, 300])
    scale = dpi / 72.0
    low_contrast = rng.random() < 0.12
    paper = rng.randint(205, 228) if low_contrast else rng.randint(232, 252)
    ink = rng.randint(70, 115) if low_contrast else rng.randint(0, 55)
    angle = rng.uniform(-1.0, 1.0) if rng.random() < 0.8 else 0.0
    blur = rng.choice([0, 0, 0.3, 0.5, 0.7, 0.9])
    noise = rng.choice([0, 4, 8, 12, 16])
    bilevel = not low_contrast and rng.random() < 0.3  # photocopy / fax look
    specks = rng.choice([0, 10, 40, 40, 100, 250]) if not bilevel else rng.choice([40, 150, 400])
    marks = rng.random() < 0.35  # pen marks, ticks and initials
    edge = rng.random() < 0.12  # dark scanner edge
    pad = 0
    if layout.w < 300 and rng.random() < 0.5:
        pad = int(rng.uniform(10, 40) * scale)  # receipt scanned with some bed around it
    images = []
    for items in layout.pages:
        W, H = int(layout.w * scale) + 2 * pad, int(layout.h * scale) + 2 * pad
        img = Image.new("L", (W, H), paper if not pad else min(255, paper + 3))
        d = ImageDraw.Draw(img)
        if pad:
            d.rectangle([pad, pad, W - pad, H - pad], fill=paper)
        for it in items:
            if it[0] == "text":
                _, x, y, text, fam, bold, size, gray = it
                px = max(6, int(round(size * scale)))
                f = load_font(layout.fonts.files[(fam, bold)], px)
                col = int(ink + (paper - ink) * gray * 0.8)
                d.text((pad + x * scale, pad + y * scale), text, fill=col, font=f, anchor="ls")
            elif it[0] == "line":
                _, x0, y0, x1, y1, wd = it
                d.line([pad + x0 * scale, pad + y0 * scale, pad + x1 * scale, pad + y1 * scale],
                       fill=ink, width=max(1, int(wd * scale)))
            elif it[0] == "rect":
                _, x, y, w, hh, wd = it
                d.rectangle([pad + x * scale, pad + y * scale, pad + (x + w) * scale,
                             pad + (y + hh) * scale], outline=ink, width=max(1, int(wd * scale)))
        if marks:
            for _ in range(rng.randint(1, 4)):
                _scribble(d, rng, rng.uniform(0.1, 0.8) * W, rng.uniform(0.05, 0.95) * H, scale,
                          rng.randint(0, 90))
        # Specks and the odd streak, as on photocopies and faxes.
        for _ in range(specks):
            sx, sy = rng.randint(0, W - 1), rng.randint(0, H - 1)
            r = rng.choice([1, 1, 1, 2, 3])
            d.ellipse([sx, sy, sx + r, sy + r], fill=ink)
        if rng.random() < 0.1:
            sx = rng.randint(0, W - 1)
            d.line([sx, 0, sx, H], fill=rng.randint(150, 200), width=1)
        if edge:
            wdt = int(rng.uniform(2, 10) * scale)
            if rng.random() < 0.5:
                d.rectangle([0, 0, wdt, H], fill=rng.randint(20, 90))
            else:
                d.rectangle([0, H - wdt, W, H], fill=rng.randint(20, 90))
        if angle:
            img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=paper)
        if blur:
            img = img.filter(ImageFilter.GaussianBlur(blur * scale / 3))
        if noise:
            img = ImageChops.add(img, _noise_image(rng, W, H, noise), 1.0, -128)
        if bilevel:
            cut = rng.randint(110, 170)
            img = img.point(lambda v: 0 if v < cut else 255)
        images.append(img)
    layout.scan_info = {"dpi": dpi, "bilevel": bilevel, "low_contrast": low_contrast, "marks": marks, "specks": specks,
                        "blur": blur, "noise": noise, "angle": round(angle, 2)}
    return images, dpi


def write_scan(path_base, layout, rng):
    images, dpi = render_scan_pages(layout, rng)
    if len(images) == 1 and rng.random() < 0.2:
        path = path_base + ".jpg"  # phone and office scanners often write JPEG
        images[0].save(path, dpi=(dpi, dpi), quality=rng.randint(55, 90))
    elif len(images) == 1:
        path = path_base + ".png"
        images[0].save(path, dpi=(dpi, dpi), optimize=False)
    else:
        path = path_base + ".tif"
        write_tiff(path, images, dpi)
    return path


def write_tiff(path, images, dpi):
    """Writes 8-bit grayscale pages as one multi-page TIFF (Deflate, one strip per page). Written
    by hand so that every byte, padding included, depends only on the pixels."""
    import struct
    out = bytearray(b"II*\x00\x00\x00\x00\x00")
    prev_next = 4  # where to patch the offset of the next IFD
    for img in images:
        w, h = img.size
        data = zlib.compress(img.tobytes(), 6)
        strip = len(out)
        out += data
        if len(out) % 2:
            out += b"\x00"
        res = len(out)
        out += struct.pack("<IIII", dpi, 1, dpi, 1)
        entries = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 8), (259, 3, 1, 8), (262, 3, 1, 1),
                   (273, 4, 1, strip), (277, 3, 1, 1), (278, 4, 1, h), (279, 4, 1, len(data)),
                   (282, 5, 1, res), (283, 5, 1, res + 8), (296, 3, 1, 2)]
        ifd = len(out)
        struct.pack_into("<I", out, prev_next, ifd)
        out += struct.pack("<H", len(entries))
        for tag, typ, count, value in entries:
            out += struct.pack("<HHI", tag, typ, count)
            out += struct.pack("<HH", value, 0) if typ == 3 else struct.pack("<I", value)
        prev_next = len(out)
        out += b"\x00\x00\x00\x00"
    with open(path, "wb") as f:
        f.write(out)


# ---------------------------------------------------------------------------------------------
# The made-up world: people, companies, places, money and dates
# ---------------------------------------------------------------------------------------------

FIRST = {
    "en": "James Mary Robert Linda Michael Susan David Karen Richard Nancy Thomas Betty Charles "
          "Helen Daniel Sandra Paul Donna Mark Carol George Ruth Kenneth Sharon Steven Laura "
          "Edward Emily Brian Rachel Kevin Megan Jason Olivia Ryan Chloe Gary Hannah Frank Alice "
          "Walter Joan Harold Grace Arthur Diane Oliver Sophie Henry Lucy Jack Amelia Samuel "
          "Leah Adam Ella Peter Claire Simon Fiona Neil Gemma Ian Heather Scott Wendy".split(),
    "de": "Hans Ursula Peter Monika Klaus Petra Jürgen Sabine Wolfgang Birgit Thomas Andrea "
          "Michael Claudia Stefan Katrin Andreas Susanne Frank Julia Markus Anja Jörg Heike "
          "Tobias Lena Florian Jana Matthias Nicole Uwe Karin Sven Miriam Lukas Franziska Jonas "
          "Greta Dieter Renate Günter Ingrid Björn Silke Ralf Tanja".split(),
    "fr": "Jean Marie Pierre Nathalie Michel Isabelle Philippe Sylvie Alain Catherine Nicolas "
          "Sophie Laurent Valérie Julien Céline Olivier Sandrine François Aurélie Thierry "
          "Émilie Mathieu Camille Stéphane Hélène Benoît Chloé Guillaume Manon Antoine Élodie "
          "Yves Brigitte Rémi Agnès Sébastien Margaux".split(),
    "nl": "Jan Anke Pieter Sanne Willem Eva Bram Femke Daan Lotte Joost Ingrid Sander "
          "Marieke Ruud Anouk Koen Lieke".split(),
    "ms": "Ahmad Siti Mohd Nur Aisyah Farid Zulkifli Aminah Hafiz Nurul Azman Faridah Ismail "
          "Rosnah Hakim Salmah Rizal Zainab Wei Ling Kok Meng Mei Ying Chee Keong Li Hua Jun Hao "
          "Rajesh Priya Suresh Kavitha Ganesh Anitha Arjun Deepa".split(),
}
LAST = {
    "en": "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
          "Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
          "Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips "
          "Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper "
          "Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett "
          "Gray Hughes Price Sanders Myers Long Ross Foster Fletcher Hayes Marsh Doyle".split(),
    "de": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
          "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger "
          "Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Köhler Maier Huber Kaiser "
          "Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel Friedrich Keller Günther "
          "Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht".split(),
    "fr": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
          "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André "
          "Lefèvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure "
          "Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément "
          "Gauthier Dumont Lopez Fontaine Chevalier Robin".split(),
    "nl": "de Jong Jansen de Vries van den Berg van Dijk Bakker Visser Smit Meijer de Boer "
          "Mulder de Groot Bos Vos Peters Hendriks Dekker Brouwer".split(),
    "ms": "bin Abdullah binti Ismail bin Hassan binti Yusof bin Ibrahim Tan Lim Lee Wong Ng "
          "Chong Goh Ong Teo Chan Leong Yap Low Kumar Raj Nair Pillai Subramaniam Krishnan "
          "bin Omar binti Ahmad".split(),
}
# Multi-word surnames are split above; rebuild the few that belong together.
for _k in ("nl", "ms"):
    _merged, _i = [], 0
    _words = LAST[_k]
    while _i < len(_words):
        w = _words[_i]
        if w in ("de", "van", "den", "bin", "binti") and _i + 1 < len(_words):
            nxt = _words[_i + 1]
            if w == "van" and nxt == "den":
                _merged.append("van den " + _words[_i + 2])
                _i += 3
                continue
            _merged.append(w + " " + nxt)
            _i += 2
            continue
        _merged.append(w)
        _i += 1
    LAST[_k] = _merged

TITLES_EN = ["Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Ms", "Prof."]

SYLL = ("al an ar as bel ben bor bra cal can car cor cre dal dan dor el en er fal fer fin "
        "gal gar gen hal har hel ian il in ka kel kor la lan lar len lin lor lu ma mar mel mer "
        "mon nor nov ol on or os pal par pel per quin ra ran rel rio ros sal san sel sol son "
        "ta tal tar tel ter tor tra ul va val ven ver vin vor wen xel zan zen zor").split()
BRAND_WORDS = ("Alpha Apex Atlas Beacon Blue Bright Cedar Clear Coastal Crown Crystal Delta "
               "Eagle East Evergreen Falcon First Golden Granite Green Harbor Harvest Highland "
               "Horizon Iron Jade Keystone Lake Liberty Lotus Maple Meridian Metro Nova North "
               "Oak Ocean Omega Orion Pacific Peak Pine Pioneer Prime Quantum Rapid Red River "
               "Royal Sapphire Silver Sky Star Sterling Stone Summit Sun Swift Titan Tri Union "
               "United Valley Vertex Vista West Willow Zenith Acorn Anchor Arrow Bay Bridge "
               "Canyon Circle Compass Copper Core Echo Elm Ember Fjord Forge Fox Frontier Globe "
               "Heron Hill Lantern Linden Mill Moon Oasis Orchard Pebble Pilot Prism Quarry "
               "Raven Ridge Rock Sage Signal Spring Spruce Tide Tower Trail Urban Wave").split()
BUSINESS_EN = ("Systems Solutions Trading Logistics Consulting Engineering Supplies Industries "
               "Foods Electronics Services Technologies Partners Holdings Manufacturing Media "
               "Design Software Pharma Textiles Motors Printing Packaging Labs Analytics Energy "
               "Construction Imports Distribution Interiors Security Networks Freight Plastics "
               "Instruments Furniture Medical Chemicals Paper Tools Marine Agri Telecom Studio "
               "Hospitality Cleaning Properties Finance Insurance Travel Outfitters").split()
BUSINESS_DE = ("Handels Technik Bau Elektro Maschinenbau Vertriebs Dienstleistungs Logistik "
               "Beratungs Software Metallbau Druck Werkzeug Medien Haustechnik Umwelt Sanitär "
               "Holzbau Gebäudereinigungs Transport Feinmechanik Energie Kunststoff Immobilien "
               "Steuerberatungs Ingenieur Anlagenbau Verpackungs Büro").split()
BUSINESS_FR = ("Transports Informatique Services Conseil Distribution Bâtiment Électricité "
               "Imprimerie Menuiserie Plomberie Nettoyage Ingénierie Logistique Emballages "
               "Équipements Fournitures Communication Télécom Expertise Métallerie").split()
BUSINESS_NL = "Techniek Bouw Installatie Handel Logistiek Advies Software Drukkerij".split()
SUFFIX = {"US": ["Inc.", "LLC", "Corp.", "Co.", "Inc", "Corporation", "Group", ""],
          "UK": ["Ltd", "Ltd.", "Limited", "PLC", "& Co.", "LLP", ""],
          "IE": ["Ltd", "Limited", "DAC", ""],
          "DE": ["GmbH", "GmbH & Co. KG", "AG", "e.K.", "KG", "OHG", "GmbH"],
          "AT": ["GmbH", "AG", "KG", "e.U."],
          "CH": ["AG", "GmbH", "SA", "Sàrl"],
          "FR": ["SARL", "SAS", "SA", "EURL", "SASU"],
          "BE": ["SPRL", "SA", "BV", "NV", "SRL"],
          "NL": ["B.V.", "BV", "N.V.", "V.O.F."],
          "MY": ["Sdn Bhd", "Sdn. Bhd.", "SDN BHD", "Enterprise", "Trading", "Bhd", ""],
          "SG": ["Pte Ltd", "Pte. Ltd.", "PTE LTD", "LLP", ""],
          "AU": ["Pty Ltd", "Pty. Ltd.", "Ltd", ""],
          "CA": ["Inc.", "Ltd.", "Corp.", ""],
          "IN": ["Pvt. Ltd.", "Private Limited", "LLP", "Ltd."]}
CN_SYLL = ("Hup Seng Huat Heng Lee Tat Kee Fook Yong Choon Wah Kim Ban Chuan Hin Leong Soon "
           "Thye Guan Loong Sin Hock Teck Aik Lian Joo Mun Poh Sang Yik").split()
MALAY_WORDS = ("Maju Jaya Bestari Sentosa Mutiara Perdana Indah Bahagia Permai Sri Damai Setia "
               "Harmoni Kenanga Cempaka Melati Sutera Impian Pelangi Murni Cahaya Bintang "
               "Mewah Sejahtera Utama Baru Gemilang Harapan Seri Mega Nusantara Kasih").split()


def pick(rng, seq):
    return seq[rng.randrange(len(seq))]


def coined(rng):
    n = rng.choice([2, 2, 2, 3])
    w = "".join(pick(rng, SYLL) for _ in range(n))
    return w[:1].upper() + w[1:]


def brand(rng):
    """A product or brand name with a variant, e.g. "ORVELA LIGHTS 100"."""
    b = coined(rng)
    b = b.upper() if rng.random() < 0.6 else b
    return b + rng.choice(["", "", " Lights", " 100", " Kings", " Plus", " Menthol", " II", " Ultra", " Classic", " Gold", " Original",
                           " Mild", " Select", " Light", " Regular", " Premium"])


def person(rng, lang, with_title=False):
    lg = lang if lang in FIRST else "en"
    first, last = pick(rng, FIRST[lg]), pick(rng, LAST[lg])
    r = rng.random()
    if r < 0.15:
        name = "%s. %s" % (first[0], last)
    elif r < 0.22 and lg in ("en",):
        name = "%s %s. %s" % (first, chr(65 + rng.randrange(26)), last)
    elif r < 0.3 and lg in ("en",):  # initials, as in older office papers
        name = rng.choice(["%s. %s. %s", "%s.%s. %s", "%s. %s. %s, Jr."]) % (first[0], chr(65 + rng.randrange(26)), last)
    else:
        name = "%s %s" % (first, last)
    if with_title and lg == "en":
        name = pick(rng, TITLES_EN) + " " + name
    elif with_title and lg == "de":
        name = rng.choice(["Herr", "Frau", "Dr.", "Herrn"]) + " " + name
    elif with_title and lg == "fr":
        name = rng.choice(["M.", "Mme", "Monsieur", "Madame"]) + " " + name
    return name


def company(rng, country):
    suf = pick(rng, SUFFIX.get(country, SUFFIX["US"]))
    r = rng.random()
    if country in ("DE", "AT", "CH") and r < 0.6:
        core = rng.choice([
            lambda: "%s %s" % (coined(rng), pick(rng, BUSINESS_DE) + rng.choice(["", "gesellschaft", "technik", "service"])),
            lambda: "%s & %s" % (pick(rng, LAST["de"]), pick(rng, LAST["de"])),
            lambda: "%s %s" % (pick(rng, LAST["de"]), pick(rng, BUSINESS_DE).rstrip("s")),
            lambda: "%s%s" % (pick(rng, BUSINESS_DE), pick(rng, ["partner", "werk", "haus", "team", "zentrum"]).capitalize()),
        ])()
    elif country in ("FR", "BE") and r < 0.6:
        core = rng.choice([
            lambda: "%s %s" % (pick(rng, BUSINESS_FR), coined(rng)),
            lambda: "%s %s" % (rng.choice(["Ets", "Société", "Groupe", "Atelier", "Cabinet"]), pick(rng, LAST["fr"])),
            lambda: "%s & Fils" % pick(rng, LAST["fr"]),
            lambda: "%s %s" % (coined(rng), pick(rng, BUSINESS_FR)),
        ])()
    elif country == "NL" and r < 0.6:
        core = "%s %s" % (coined(rng), pick(rng, BUSINESS_NL))
    elif country in ("MY", "SG") and r < 0.7:
        core = rng.choice([
            lambda: "%s %s" % (pick(rng, CN_SYLL), pick(rng, CN_SYLL)),
            lambda: "%s %s %s" % (pick(rng, CN_SYLL), pick(rng, CN_SYLL), pick(rng, ["Trading", "Hardware", "Enterprise", "Stationery", "Food Industries", "Marketing", "Motor", "Electrical"])),
            lambda: "%s %s" % (pick(rng, MALAY_WORDS), pick(rng, MALAY_WORDS)),
            lambda: "Syarikat %s %s" % (pick(rng, MALAY_WORDS), pick(rng, MALAY_WORDS)),
            lambda: "%s %s" % (pick(rng, BRAND_WORDS), pick(rng, BUSINESS_EN)),
        ])()
    else:
        core = rng.choice([
            lambda: "%s %s" % (pick(rng, BRAND_WORDS), pick(rng, BUSINESS_EN)),
            lambda: "%s %s" % (coined(rng), pick(rng, BUSINESS_EN)),
            lambda: coined(rng) + rng.choice(["", "ix", "ora", "tec", "lab", "ware"]),
            lambda: "%s & %s" % (pick(rng, LAST["en"]), pick(rng, LAST["en"])),
            lambda: "%s %s %s" % (pick(rng, BRAND_WORDS), pick(rng, BRAND_WORDS), pick(rng, BUSINESS_EN)),
            lambda: "%s Brothers" % pick(rng, LAST["en"]),
        ])()
    return (core + " " + suf).strip() if suf else core


# Places: (city, region/state code, postcode pattern). Postcodes: 9 digit, A letter.
US_PLACES = [("Springfield", "IL"), ("Portland", "OR"), ("Austin", "TX"), ("Denver", "CO"),
             ("Columbus", "OH"), ("Raleigh", "NC"), ("Madison", "WI"), ("Tucson", "AZ"),
             ("Richmond", "VA"), ("Albany", "NY"), ("Boston", "MA"), ("Atlanta", "GA"),
             ("Seattle", "WA"), ("Omaha", "NE"), ("Louisville", "KY"), ("Greensboro", "NC"),
             ("Winston-Salem", "NC"), ("Sacramento", "CA"), ("San Jose", "CA"), ("Dayton", "OH"),
             ("Trenton", "NJ"), ("Hartford", "CT"), ("Nashville", "TN"), ("Tampa", "FL"),
             ("Chicago", "IL"), ("New York", "NY"), ("Minneapolis", "MN"), ("Kansas City", "MO"),
             ("Salt Lake City", "UT"), ("Baltimore", "MD"), ("Pittsburgh", "PA"), ("Memphis", "TN")]
UK_PLACES = ["London", "Manchester", "Leeds", "Bristol", "Glasgow", "Edinburgh", "Cardiff",
             "Birmingham", "Nottingham", "Sheffield", "York", "Reading", "Oxford", "Cambridge",
             "Norwich", "Exeter", "Brighton", "Leicester", "Coventry", "Aberdeen", "Bath"]
DE_PLACES = ["Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart",
             "Düsseldorf", "Leipzig", "Dortmund", "Essen", "Bremen", "Dresden", "Hannover",
             "Nürnberg", "Duisburg", "Bochum", "Wuppertal", "Bielefeld", "Bonn", "Münster",
             "Karlsruhe", "Mannheim", "Augsburg", "Wiesbaden", "Freiburg", "Kiel", "Lübeck",
             "Regensburg", "Ulm", "Kassel", "Erfurt", "Rostock", "Mainz", "Heidelberg"]
AT_PLACES = ["Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt", "Villach", "Wels"]
CH_PLACES = ["Zürich", "Bern", "Basel", "Luzern", "St. Gallen", "Winterthur", "Genève",
             "Lausanne", "Lugano", "Zug", "Biel/Bienne", "Fribourg"]
FR_PLACES = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg",
             "Montpellier", "Bordeaux", "Lille", "Rennes", "Reims", "Grenoble", "Dijon",
             "Angers", "Nîmes", "Clermont-Ferrand", "Le Mans", "Tours", "Limoges", "Amiens",
             "Metz", "Besançon", "Orléans", "Rouen", "Caen", "Nancy", "Annecy"]
BE_PLACES = ["Bruxelles", "Liège", "Namur", "Charleroi", "Antwerpen", "Gent", "Leuven"]
NL_PLACES = ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen",
             "Tilburg", "Almere", "Breda", "Nijmegen", "Arnhem", "Haarlem", "Zwolle"]
MY_PLACES = [("Johor Bahru", "Johor"), ("Skudai", "Johor"), ("Batu Pahat", "Johor"),
             ("Kluang", "Johor"), ("Muar", "Johor"), ("Kuala Lumpur", "Wilayah Persekutuan"),
             ("Petaling Jaya", "Selangor"), ("Shah Alam", "Selangor"), ("Subang Jaya", "Selangor"),
             ("Klang", "Selangor"), ("Puchong", "Selangor"), ("Seri Kembangan", "Selangor"),
             ("Kajang", "Selangor"), ("Rawang", "Selangor"), ("Ipoh", "Perak"),
             ("Taiping", "Perak"), ("George Town", "Pulau Pinang"), ("Bukit Mertajam", "Pulau Pinang"),
             ("Melaka", "Melaka"), ("Seremban", "Negeri Sembilan"), ("Kuantan", "Pahang"),
             ("Alor Setar", "Kedah"), ("Kota Kinabalu", "Sabah"), ("Kuching", "Sarawak"),
             ("Kota Bharu", "Kelantan"), ("Kuala Terengganu", "Terengganu")]
AU_PLACES = [("Sydney", "NSW"), ("Melbourne", "VIC"), ("Brisbane", "QLD"), ("Perth", "WA"),
             ("Adelaide", "SA"), ("Hobart", "TAS"), ("Canberra", "ACT")]
CA_PLACES = [("Toronto", "ON"), ("Ottawa", "ON"), ("Montréal", "QC"), ("Vancouver", "BC"),
             ("Calgary", "AB"), ("Halifax", "NS"), ("Winnipeg", "MB")]
IN_PLACES = [("Bengaluru", "Karnataka"), ("Mumbai", "Maharashtra"), ("Pune", "Maharashtra"),
             ("Chennai", "Tamil Nadu"), ("Hyderabad", "Telangana"), ("New Delhi", "Delhi")]

STREET_EN = ("Main Oak Maple Park Pine Cedar Elm Washington Lake Hill Church Mill Station "
             "Market Bridge Victoria King Queen High Green Chestnut Walnut Spring Willow River "
             "Franklin Lincoln Jefferson Madison Highland Forest Meadow Sunset Ridge Harbour "
             "Albert Castle Manor Orchard Kingsway Commerce Industrial Airport").split()
STREET_EN_T = ["Street", "St.", "Avenue", "Ave", "Road", "Rd", "Lane", "Drive", "Dr.",
               "Boulevard", "Blvd", "Way", "Place", "Court", "Parkway", "Close", "Crescent"]
STREET_DE = ("Haupt Bahnhof Schiller Goethe Garten Berg Linden Kirch Wald Mühlen Schul Ring "
             "Friedrich Industrie Markt Rosen Birken Wiesen Buchen Eichen Post Sonnen Feld "
             "Hafen Mozart Kant Lessing Bismarck Tal Brunnen Gewerbe Dorf Kastanien").split()
STREET_DE_T = ["straße", "str.", "weg", "allee", "platz", "gasse", "ring", "damm"]
STREET_FR = ["rue de la République", "rue Victor Hugo", "avenue Jean Jaurès", "rue de Paris",
             "boulevard Pasteur", "rue des Lilas", "rue du Moulin", "place de la Gare",
             "avenue de la Liberté", "rue Nationale", "chemin des Vignes", "rue de l'Église",
             "allée des Tilleuls", "rue Gambetta", "quai des Chartrons", "rue du Commerce",
             "avenue Foch", "rue Saint-Michel", "impasse des Roses", "boulevard Voltaire"]
STREET_NL = ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat",
             "Industrieweg", "Marktplein", "Nieuwstraat", "Julianalaan", "Havenkade"]


def _digits(rng, n):
    return "".join(str(rng.randrange(10)) for _ in range(n))


def _letters(rng, n):
    return "".join(chr(65 + rng.randrange(26)) for _ in range(n))


def address(rng, country, upper=False):
    """Returns a list of address lines (without the name)."""
    c = country
    if c == "US" or c == "CA":
        city, st = pick(rng, US_PLACES if c == "US" else CA_PLACES)
        l1 = "%d %s %s" % (rng.randint(1, 9999), pick(rng, STREET_EN), pick(rng, STREET_EN_T))
        lines = [l1]
        if rng.random() < 0.3:
            lines.append(rng.choice(["Suite %d" % rng.randint(100, 2400), "Floor %d" % rng.randint(2, 30),
                                     "Unit %d" % rng.randint(1, 80), "P.O. Box %d" % rng.randint(100, 99999)]))
        pc = _digits(rng, 5) if c == "US" else "%s%d%s %d%s%d" % (_letters(rng, 1), rng.randrange(10), _letters(rng, 1), rng.randrange(10), _letters(rng, 1), rng.randrange(10))
        if c == "US" and rng.random() < 0.2:
            pc += "-" + _digits(rng, 4)
        lines.append("%s, %s %s" % (city, st, pc))
        if rng.random() < 0.2:
            lines.append("USA" if c == "US" else "Canada")
    elif c in ("UK", "IE"):
        l1 = "%d %s %s" % (rng.randint(1, 250), pick(rng, STREET_EN), pick(rng, STREET_EN_T))
        lines = [l1]
        if rng.random() < 0.3:
            lines.insert(0, rng.choice(["Unit %d" % rng.randint(1, 40), "%s House" % pick(rng, BRAND_WORDS),
                                        "Flat %d" % rng.randint(1, 60)]))
        town = pick(rng, UK_PLACES) if c == "UK" else rng.choice(["Dublin", "Cork", "Galway", "Limerick"])
        if c == "UK":
            pc = "%s%d %d%s" % (_letters(rng, rng.choice([1, 2])), rng.randint(1, 20), rng.randrange(10), _letters(rng, 2))
            lines += [town, pc] if rng.random() < 0.5 else ["%s %s" % (town, pc)]
        else:
            lines.append("%s %s" % (town, rng.choice(["", "D%02d" % rng.randint(1, 24)])))
        if rng.random() < 0.25:
            lines.append("United Kingdom" if c == "UK" else "Ireland")
    elif c in ("DE", "AT", "CH"):
        st = pick(rng, STREET_DE) + pick(rng, STREET_DE_T)
        if rng.random() < 0.2:
            st = rng.choice(["Am ", "Im ", "An der ", "Auf dem "]) + pick(rng, STREET_DE) + rng.choice(["feld", "hof", "berg", "tor", "graben"])
        l1 = "%s %d%s" % (st, rng.randint(1, 180), rng.choice(["", "", "", "a", "b"]))
        places = {"DE": DE_PLACES, "AT": AT_PLACES, "CH": CH_PLACES}[c]
        pc = _digits(rng, 5) if c == "DE" else _digits(rng, 4)
        lines = [l1, "%s%s %s" % (rng.choice(["", "", "D-", "A-", "CH-"]) if rng.random() < 0.15 else "", pc, pick(rng, places))]
        if rng.random() < 0.2:
            lines.append({"DE": "Deutschland", "AT": "Österreich", "CH": "Schweiz"}[c])
    elif c in ("FR", "BE"):
        l1 = "%d%s %s" % (rng.randint(1, 200), rng.choice(["", "", " bis", " ter"]), pick(rng, STREET_FR))
        lines = [l1]
        if rng.random() < 0.25:
            lines.append(rng.choice(["BP %d" % rng.randint(10, 999), "Bâtiment %s" % _letters(rng, 1),
                                     "ZI des %s" % rng.choice(["Chênes", "Pins", "Sablons"]), "CS %d" % rng.randint(10000, 99999)]))
        if c == "FR":
            lines.append("%s %s%s" % (_digits(rng, 5), pick(rng, FR_PLACES), rng.choice(["", "", " Cedex"])))
        else:
            lines.append("%s %s" % (_digits(rng, 4), pick(rng, BE_PLACES)))
        if rng.random() < 0.2:
            lines.append("France" if c == "FR" else "Belgique")
    elif c == "NL":
        lines = ["%s %d" % (pick(rng, STREET_NL), rng.randint(1, 300)),
                 "%s %s %s" % (_digits(rng, 4), _letters(rng, 2), pick(rng, NL_PLACES))]
    elif c == "MY":
        city, state = pick(rng, MY_PLACES)
        no = rng.choice(["No. %d" % rng.randint(1, 200), "No.%d" % rng.randint(1, 200), "Lot %d" % rng.randint(1, 9000),
                         "%d" % rng.randint(1, 120), "No. %d-%d" % (rng.randint(1, 80), rng.randint(1, 30)),
                         "PTD %d" % rng.randint(1000, 99999), "G-%02d" % rng.randint(1, 40)])
        road = rng.choice(["Jalan %s %d/%d" % (pick(rng, MALAY_WORDS), rng.randint(1, 30), rng.randint(1, 12)),
                           "Jalan %s" % pick(rng, MALAY_WORDS), "Jalan %s %d" % (pick(rng, MALAY_WORDS), rng.randint(1, 60)),
                           "Jln %s %d" % (pick(rng, MALAY_WORDS), rng.randint(1, 40)),
                           "Lorong %s %d" % (pick(rng, MALAY_WORDS), rng.randint(1, 20)),
                           "Persiaran %s" % pick(rng, MALAY_WORDS), "Jalan SS %d/%d" % (rng.randint(1, 25), rng.randint(1, 40))])
        area = rng.choice(["Taman %s" % pick(rng, MALAY_WORDS), "Taman %s %s" % (pick(rng, MALAY_WORDS), pick(rng, MALAY_WORDS)),
                           "Bandar %s" % pick(rng, MALAY_WORDS), "Kawasan Perindustrian %s" % pick(rng, MALAY_WORDS),
                           "Pusat Perdagangan %s" % pick(rng, MALAY_WORDS), ""])
        pc = "%05d" % rng.randint(10000, 98999)
        lines = ["%s, %s," % (no, road)] if rng.random() < 0.6 else [no + ",", road + ","]
        if area:
            lines.append(area + ",")
        lines.append("%s %s," % (pc, city) if rng.random() < 0.7 else "%s %s, %s." % (pc, city, state))
        if rng.random() < 0.6:
            lines.append(state + ".")
    elif c == "SG":
        lines = [rng.choice(["Blk %d %s Ave %d" % (rng.randint(1, 999), rng.choice(["Ang Mo Kio", "Bedok North", "Tampines", "Jurong West", "Woodlands", "Toa Payoh"]), rng.randint(1, 10)),
                             "%d %s Road" % (rng.randint(1, 400), rng.choice(["Orchard", "Bukit Timah", "Serangoon", "Changi", "Alexandra", "Tanjong Katong"])),
                             "%d %s Street %d" % (rng.randint(1, 90), rng.choice(["Ubi", "Kaki Bukit", "Tai Seng", "Kallang"]), rng.randint(1, 90))]),
                 "#%02d-%02d %s" % (rng.randint(1, 30), rng.randint(1, 300), rng.choice(["", pick(rng, BRAND_WORDS) + " Centre", pick(rng, BRAND_WORDS) + " Building"])),
                 "Singapore %s" % _digits(rng, 6)]
    elif c == "AU":
        city, st = pick(rng, AU_PLACES)
        lines = ["%d %s %s" % (rng.randint(1, 400), pick(rng, STREET_EN), pick(rng, STREET_EN_T)),
                 "%s %s %s" % (city.upper() if rng.random() < 0.5 else city, st, _digits(rng, 4))]
    else:  # IN
        city, st = pick(rng, IN_PLACES)
        lines = ["%s, %d%s %s" % (rng.choice(["Plot No. %d" % rng.randint(1, 500), "#%d" % rng.randint(1, 300), "No. %d" % rng.randint(1, 99)]),
                                  rng.randint(1, 20), rng.choice(["th", "st", "nd"]), rng.choice(["Cross", "Main Road", "Floor"])),
                 "%s, %s - %s" % (city, st, _digits(rng, 6))]
    lines = [l.replace("  ", " ").strip() for l in lines if l.strip()]
    if upper:
        lines = [l.upper() for l in lines]
    return lines


def phone(rng, country):
    c = country
    if c in ("US", "CA"):
        return rng.choice(["(%s) %s-%s", "%s-%s-%s", "%s.%s.%s", "+1 %s %s %s"]) % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 4))
    if c in ("UK", "IE"):
        return rng.choice(["0%s %s %s" % (_digits(rng, 2), _digits(rng, 4), _digits(rng, 4)), "+44 (0)%s %s %s" % (_digits(rng, 2), _digits(rng, 4), _digits(rng, 4)),
                           "0%s %s" % (_digits(rng, 4), _digits(rng, 6))])
    if c in ("DE", "AT", "CH"):
        return rng.choice(["0%s / %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3)), "+49 %s %s-%s" % (_digits(rng, 2), _digits(rng, 4), _digits(rng, 2)),
                           "0%s-%s" % (_digits(rng, 4), _digits(rng, 6)), "+41 %s %s %s %s" % (_digits(rng, 2), _digits(rng, 3), _digits(rng, 2), _digits(rng, 2)),
                           "+43 %s %s" % (_digits(rng, 3), _digits(rng, 6))])
    if c in ("FR", "BE"):
        return rng.choice(["0%d %s %s %s %s" % (rng.randint(1, 9), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2)),
                           "+33 %d %s %s %s %s" % (rng.randint(1, 9), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2)),
                           "0%d.%s.%s.%s.%s" % (rng.randint(1, 9), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2))])
    if c == "NL":
        return "0%s-%s" % (_digits(rng, 2), _digits(rng, 7))
    if c == "MY":
        return rng.choice(["0%d-%s %s" % (rng.randint(3, 9), _digits(rng, 4), _digits(rng, 4)), "0%d-%s%s" % (rng.randint(3, 9), _digits(rng, 3), _digits(rng, 4)),
                           "01%d-%s %s" % (rng.randint(0, 9), _digits(rng, 3), _digits(rng, 4)), "+60 %d-%s %s" % (rng.randint(3, 9), _digits(rng, 4), _digits(rng, 4))])
    if c == "SG":
        return rng.choice(["+65 %s %s", "%s %s", "6%s-%s"]) % (_digits(rng, 4) if rng.random() < 0.5 else _digits(rng, 3), _digits(rng, 4))
    if c == "AU":
        return "(0%d) %s %s" % (rng.randint(2, 8), _digits(rng, 4), _digits(rng, 4))
    return "+91 %s %s" % (_digits(rng, 5), _digits(rng, 5))


def web(rng, name):
    base = "".join(ch for ch in name.lower().split(" ")[0] if ch.isalnum() and ch.isascii()) or coined(rng).lower()
    tld = rng.choice([".com", ".com", ".net", ".de", ".fr", ".co.uk", ".com.my", ".sg", ".nl", ".ch", ".io", ".org"])
    return rng.choice(["www.", "", "https://www."]) + base + tld


def email(rng, name, who=None):
    dom = "".join(ch for ch in name.lower().split(" ")[0] if ch.isalnum() and ch.isascii()) or "mail"
    user = rng.choice(["info", "sales", "accounts", "billing", "office", "contact", "service",
                       "kontakt", "rechnung", "facturation", "admin", "hello"])
    if who:
        parts = [p for p in who.lower().replace(".", "").split() if p.isascii() and p.isalpha()]
        if parts:
            user = rng.choice([".".join(parts[-2:]), parts[-1], parts[0][0] + parts[-1]])
    return "%s@%s%s" % (user, dom, rng.choice([".com", ".de", ".fr", ".co.uk", ".com.my", ".net", ".ch", ".nl"]))


# Country profiles: language, currency, number style, tax label(s) and rates, date orders.
COUNTRIES = {
    "US": dict(lang="en", cur="USD", num="en", tax=["Sales Tax", "Tax", "TAX", "State Tax"], rates=[4, 5, 6, 6.25, 7, 7.5, 8, 8.875, 9.5], dates=["mdy", "long_en", "iso"]),
    "UK": dict(lang="en", cur="GBP", num="en", tax=["VAT", "V.A.T.", "VAT @ 20%"], rates=[20, 20, 5, 0], dates=["dmy/", "long_en_d", "iso"]),
    "IE": dict(lang="en", cur="EUR", num="en", tax=["VAT"], rates=[23, 13.5, 9], dates=["dmy/", "long_en_d"]),
    "DE": dict(lang="de", cur="EUR", num="de", tax=["MwSt.", "USt.", "Umsatzsteuer", "MwSt", "Mehrwertsteuer"], rates=[19, 19, 7], dates=["dmy.", "long_de", "iso"]),
    "AT": dict(lang="de", cur="EUR", num="de", tax=["USt.", "MwSt.", "Umsatzsteuer"], rates=[20, 10, 13], dates=["dmy.", "long_de"]),
    "CH": dict(lang="de", cur="CHF", num="ch", tax=["MWST", "MwSt.", "TVA"], rates=[8.1, 7.7, 2.6], dates=["dmy.", "long_de"]),
    "FR": dict(lang="fr", cur="EUR", num="fr", tax=["TVA", "T.V.A."], rates=[20, 20, 10, 5.5], dates=["dmy/", "long_fr", "iso"]),
    "BE": dict(lang="fr", cur="EUR", num="fr", tax=["TVA", "BTW"], rates=[21, 6], dates=["dmy/", "long_fr"]),
    "NL": dict(lang="nl", cur="EUR", num="de", tax=["BTW"], rates=[21, 9], dates=["dmy-", "iso"]),
    "MY": dict(lang="ms", cur="MYR", num="en", tax=["GST", "SST", "Service Tax", "GST 6%", "SR"], rates=[6, 6, 8, 10], dates=["dmy/", "dmy-", "dmon"]),
    "SG": dict(lang="en", cur="SGD", num="en", tax=["GST", "GST 7%", "GST 9%"], rates=[7, 8, 9], dates=["dmy/", "dmon", "long_en_d"]),
    "AU": dict(lang="en", cur="AUD", num="en", tax=["GST"], rates=[10], dates=["dmy/", "long_en_d"]),
    "CA": dict(lang="en", cur="CAD", num="en", tax=["GST/HST", "HST", "GST", "TPS/TVQ"], rates=[5, 13, 15], dates=["iso", "mdy", "long_en"]),
    "IN": dict(lang="en", cur="INR", num="en", tax=["CGST", "IGST", "GST"], rates=[9, 18, 12, 5], dates=["dmy-", "dmy/", "dmon"]),
}
CUR_SYMBOLS = {"USD": ["$", "USD", "US$"], "GBP": ["£", "GBP"], "EUR": ["€", "EUR"],
               "CHF": ["CHF", "Fr."], "MYR": ["RM", "MYR"], "SGD": ["S$", "SGD", "$"],
               "AUD": ["$", "AUD", "A$"], "CAD": ["$", "CAD", "C$"], "INR": ["Rs.", "INR", "₹"]}


def fmt_num(x, style, decimals=2):
    neg = x < 0
    x = abs(x)
    s = "%.*f" % (decimals, x)
    whole, _, frac = s.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    sep, dec = {"en": (",", "."), "de": (".", ","), "fr": (" ", ","),
                "ch": ("'", "."), "plain": ("", "."), "plain_de": ("", ",")}[style]
    out = sep.join(groups) + ((dec + frac) if decimals else "")
    return ("-" if neg else "") + out


class Money:
    """Formats amounts consistently within one document."""

    def __init__(self, rng, country):
        prof = COUNTRIES[country]
        self.cur = prof["cur"]
        self.style = prof["num"]
        if rng.random() < 0.3:
            self.style = "plain" if self.style in ("en", "ch") else "plain_de"
        self.symbol = pick(rng, CUR_SYMBOLS[self.cur])
        self.where = rng.choice(["pre", "post", "none", "none"]) if self.symbol.isalpha() else rng.choice(["pre", "pre", "none"])
        if self.cur == "EUR" and self.style in ("de", "fr", "plain_de"):
            self.where = rng.choice(["post", "post", "none", "pre"])

    def num(self, x):
        return fmt_num(x, self.style)

    def __call__(self, x, force_symbol=False):
        s = self.num(x)
        where = self.where if not (force_symbol and self.where == "none") else "pre"
        if where == "pre":
            return self.symbol + ("" if self.symbol in ("$", "£", "€", "S$", "A$", "C$", "US$", "₹") else " ") + s
        if where == "post":
            return s + " " + self.symbol
        return s


MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
}


def rand_date(rng, y0=2012, y1=2025):
    start = datetime.date(y0, 1, 1).toordinal()
    end = datetime.date(y1, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def fmt_date(rng, d, kind=None, lang="en"):
    kinds = ["dmy/", "mdy", "iso", "dmy.", "dmy-", "dmon", "long_en", "long_en_d", "long_de",
             "long_fr", "yy"]
    kind = kind or pick(rng, kinds)
    if kind == "mdy":
        return rng.choice(["%02d/%02d/%04d", "%d/%d/%04d"]) % (d.month, d.day, d.year) if rng.random() < 0.85 else "%02d/%02d/%02d" % (d.month, d.day, d.year % 100)
    if kind == "mdy_short":
        return rng.choice(["%d/%d/%02d", "%d-%d-%02d", "%d/%d/%02d"]) % (d.month, d.day, d.year % 100)
    if kind == "dmy_short":
        return rng.choice(["%d/%d/%02d", "%d.%d.%02d"]) % (d.day, d.month, d.year % 100)
    if kind == "dmy/":
        return "%02d/%02d/%04d" % (d.day, d.month, d.year) if rng.random() < 0.8 else "%02d/%02d/%02d" % (d.day, d.month, d.year % 100)
    if kind == "dmy.":
        return "%02d.%02d.%04d" % (d.day, d.month, d.year) if rng.random() < 0.85 else "%d.%d.%02d" % (d.day, d.month, d.year % 100)
    if kind == "dmy-":
        return "%02d-%02d-%04d" % (d.day, d.month, d.year)
    if kind == "iso":
        return d.isoformat()
    if kind == "dmon":
        m = MONTHS["en"][d.month - 1][:3]
        return rng.choice(["%02d %s %04d" % (d.day, m, d.year), "%02d-%s-%04d" % (d.day, m.upper(), d.year),
                           "%d-%s-%02d" % (d.day, m, d.year % 100), "%02d %s %d" % (d.day, m.upper(), d.year)])
    if kind == "long_en":
        return "%s %d, %d" % (MONTHS["en"][d.month - 1], d.day, d.year)
    if kind == "long_en_d":
        return "%d %s %d" % (d.day, MONTHS["en"][d.month - 1], d.year)
    if kind == "long_de":
        return "%d. %s %d" % (d.day, MONTHS["de"][d.month - 1], d.year)
    if kind == "long_fr":
        return "%s %s %d" % ("1er" if d.day == 1 else str(d.day), MONTHS["fr"][d.month - 1], d.year)
    if kind == "long_nl":
        return "%d %s %d" % (d.day, MONTHS["nl"][d.month - 1], d.year)
    return "%02d%02d%02d" % (d.year % 100, d.month, d.day)


def date_kind_for(rng, country, lang=None):
    kinds = list(COUNTRIES[country]["dates"])
    if lang == "de":
        kinds += ["long_de", "dmy."]
    elif lang == "fr":
        kinds += ["long_fr", "dmy/"]
    elif lang == "nl":
        kinds += ["long_nl"]
    return pick(rng, kinds)


def rand_time(rng, seconds=None):
    h, m, s = rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59)
    if seconds is None:
        seconds = rng.random() < 0.5
    if rng.random() < 0.3:
        ap = "AM" if h < 12 else "PM"
        hh = h if h <= 12 else h - 12
        return ("%d:%02d:%02d %s" % (hh, m, s, ap)) if seconds else ("%d:%02d %s" % (hh, m, ap))
    return ("%02d:%02d:%02d" % (h, m, s)) if seconds else ("%02d:%02d" % (h, m))


def tax_id(rng, country):
    c = country
    if c == "DE":
        return rng.choice(["USt-IdNr.: DE%s" % _digits(rng, 9), "USt-ID: DE %s %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3)),
                           "Steuernummer: %s/%s/%s" % (_digits(rng, 2), _digits(rng, 3), _digits(rng, 5)), "St.-Nr. %s/%s/%s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 5))])
    if c == "AT":
        return "UID: ATU%s" % _digits(rng, 8)
    if c == "CH":
        return "CHE-%s.%s.%s MWST" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3))
    if c == "FR":
        return rng.choice(["N° TVA intracom. : FR%s" % _digits(rng, 11), "SIRET : %s %s %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3), _digits(rng, 5)),
                           "TVA : FR %s %s" % (_digits(rng, 2), _digits(rng, 9)), "SIREN %s %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3))])
    if c == "BE":
        return "TVA BE 0%s.%s.%s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3))
    if c == "NL":
        return rng.choice(["BTW: NL%sB0%d" % (_digits(rng, 9), rng.randint(1, 9)), "KvK: %s" % _digits(rng, 8)])
    if c in ("UK", "IE"):
        return rng.choice(["VAT Reg. No. GB %s %s %s" % (_digits(rng, 3), _digits(rng, 4), _digits(rng, 2)), "VAT No: GB%s" % _digits(rng, 9),
                           "Company No. %s" % _digits(rng, 8), "VAT Registration: %s" % _digits(rng, 9)])
    if c == "MY":
        return rng.choice(["GST ID: %s" % _digits(rng, 12), "GST REG NO: %s" % _digits(rng, 12), "GST No: %s" % _digits(rng, 12),
                           "SST ID: W10-%s-%s" % (_digits(rng, 4), _digits(rng, 8)), "SST REG NO : B16-%s-%s" % (_digits(rng, 4), _digits(rng, 8)),
                           "(%s-%s)" % (_digits(rng, rng.choice([6, 7])), _letters(rng, 1)), "Co. Reg. No. %s-%s" % (_digits(rng, 6), _letters(rng, 1)),
                           "TIN: C%s" % _digits(rng, 10)])
    if c == "SG":
        return rng.choice(["GST Reg No: M%d-%s-%d" % (rng.randint(1, 9), _digits(rng, 7), rng.randint(0, 9)), "UEN: %s%s" % (_digits(rng, 9), _letters(rng, 1)),
                           "GST Reg. No. %s%s" % (_digits(rng, 9), _letters(rng, 1))])
    if c == "AU":
        return "ABN %s %s %s %s" % (_digits(rng, 2), _digits(rng, 3), _digits(rng, 3), _digits(rng, 3))
    if c == "IN":
        return "GSTIN: %s%s%s%s1Z%d" % (_digits(rng, 2), _letters(rng, 5), _digits(rng, 4), _letters(rng, 1), rng.randint(1, 9))
    if c == "CA":
        return "GST/HST No. %sRT0001" % _digits(rng, 9)
    return rng.choice(["EIN %s-%s" % (_digits(rng, 2), _digits(rng, 7)), "Tax ID: %s-%s" % (_digits(rng, 2), _digits(rng, 7)),
                       "Federal Tax ID %s-%s" % (_digits(rng, 2), _digits(rng, 7))])


def iban(rng, country):
    cc = {"DE": ("DE", 20), "AT": ("AT", 18), "CH": ("CH", 19), "FR": ("FR", 25), "BE": ("BE", 14),
          "NL": ("NL", 16), "UK": ("GB", 20), "IE": ("IE", 20)}.get(country, ("DE", 20))
    body = "%s%s" % (_digits(rng, 2), (_letters(rng, 4) if cc[0] in ("NL", "GB", "IE") else "") + _digits(rng, cc[1] - (4 if cc[0] in ("NL", "GB", "IE") else 0)))
    s = cc[0] + body
    if rng.random() < 0.7:
        s = " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s


def bic(rng):
    return _letters(rng, 4) + rng.choice(["DE", "FR", "GB", "NL", "CH", "AT", "BE"]) + _letters(rng, 2) + rng.choice(["", "XXX", _letters(rng, 3)])


def doc_number(rng, prefixes=("INV", "RE", "F", "", "", "")):
    p = pick(rng, list(prefixes))
    n = rng.choice([_digits(rng, rng.randint(4, 8)), "%d-%s" % (rng.randint(2015, 2025), _digits(rng, rng.randint(3, 6))),
                    "%s/%s" % (_digits(rng, 4), _digits(rng, 2)), _letters(rng, 2) + _digits(rng, 6)])
    return (p + rng.choice(["-", "", " ", "/"]) + n) if p else n


# ---------------------------------------------------------------------------------------------
# Prose: a small template grammar. "{slot}" is replaced by a random expansion of GRAMMAR[slot]
# (recursively); "{slot}" names missing from the grammar are looked up in the call's extras.
# ---------------------------------------------------------------------------------------------

G_EN = {
    # Business correspondence.
    "we": ["we", "our team", "our company", "the undersigned", "my colleagues and I", "our office", "our department", "I"],
    "pleased": ["are pleased to", "would like to", "are writing to", "wish to", "are happy to", "must", "want to", "are glad to"],
    "inform": ["inform you", "let you know", "confirm", "advise you", "notify you", "remind you", "point out"],
    "thing": ["the project", "the proposal", "the agreement", "your request", "the shipment", "the meeting", "the study", "the new procedure",
              "the contract", "the programme", "the review", "our cooperation", "the application", "the evaluation", "the campaign", "the renovation",
              "the audit", "the annual report", "the draft", "the samples", "the training course", "the conference", "the survey results", "the revised schedule",
              "the test panel", "the research grant", "the laboratory analysis", "the consumer study", "the product test", "the new filter design",
              "the marketing plan", "the advertising campaign", "the field trial", "the regulatory submission", "the litigation", "the sales promotion",
              "the pilot study", "the toxicology review", "the quality programme", "the distribution agreement", "the price increase",
              "the test cigarettes", "the new flavor", "the sample packs", "the product", "the packaging", "the new brand", "the smoking study"],
    "status": ["has been approved", "has been completed", "is now under way", "will be delayed", "has been postponed", "is progressing well",
               "has been received", "requires further discussion", "was reviewed by the committee", "will start next month", "has been signed",
               "was well received", "has been rescheduled", "is on track", "has been forwarded to the appropriate department"],
    "when": ["last week", "on Monday", "at the end of the month", "in the coming weeks", "by the end of the quarter", "earlier this year",
             "as soon as possible", "before the deadline", "next Tuesday", "during our recent visit", "in the spring", "shortly", "on {date}"],
    "adv": ["Unfortunately", "As discussed", "As you know", "In addition", "Furthermore", "However", "As a result", "In the meantime",
            "Following our conversation", "With reference to your letter", "As requested", "At your convenience", "Please note that",
            "Regarding your enquiry", "For your information", "Accordingly", "To that end", "Nevertheless"],
    "ask": ["Please let us know", "We would appreciate it if you could tell us", "Could you please confirm", "Kindly advise",
            "I would be grateful if you could indicate", "Please inform me", "Would you be so kind as to let me know"],
    "q": ["whether this date is convenient for you", "if you require any further information", "which option you prefer",
          "when we can expect your reply", "if the terms are acceptable", "whether you will be able to attend", "how you wish to proceed",
          "if any changes are needed", "who will be the contact person on your side"],
    "close_s": ["Thank you for your attention to this matter.", "We look forward to hearing from you.", "Thank you once again for your support.",
                "Please do not hesitate to contact me should you have any questions.", "I look forward to working with you.",
                "We appreciate your patience and understanding.", "Thank you for your continued cooperation.",
                "I hope this information is helpful.", "We value our relationship and hope to continue it for many years.",
                "Should you need anything further, please call me directly.", "With many thanks in advance."],
    "topic_s": [
        "{adv}, {thing} {status} {when}.",
        "{we} {pleased} {inform} that {thing} {status}.",
        "{adv}, {we} {pleased} {inform} that {thing} {status} {when}.",
        "Thank you for your letter of {date} concerning {thing}.",
        "I am writing with regard to {thing} that we discussed {when}.",
        "{ask} {q}.",
        "Enclosed please find {enclosure} for your review.",
        "We have enclosed {enclosure}, which sets out the main points.",
        "{adv}, we need {need} before we can proceed.",
        "It was a pleasure to meet you {when} and to learn more about {org_thing}.",
        "Our records show that {record}.",
        "We are confident that {benefit}.",
        "{adv}, I would like to thank you for {thanks_for}.",
        "As agreed, {action} {when}.",
        "The {role} will contact you {when} to arrange {arrange}.",
        "We regret to inform you that {bad}.",
        "I would welcome the opportunity to discuss {thing} with you in person.",
        "{adv}, the costs will be shared as set out in {enclosure}.",
        "If you have any questions, please call me at {phone} or write to {email}.",
        "Your comments on {thing} would be most welcome.",
        "I have asked {person} to send you {enclosure} {when}.",
        "We understand that {understand} and have taken steps to {steps}.",
        "As you may know, {r_s_l}",
        "Our preliminary results show that {r_s_l}",
        "I thought you would be interested to learn that {r_s_l}",
        "You will recall that {r_s_l}",
        "In your last letter you asked whether {r_subj} had changed; {r_s_l}",
        "I am enclosing {enclosure}, which shows that {r_s_l}",
        "We would like to invite you to {invite}.",
        "Your paper on {r_subj} was of great interest to {we}.",
        "I should be grateful for your views on {thing}.",
        "{we_c} plan to discuss {thing} at the meeting on {date}.",
        "We are sending you samples of {brand} for evaluation.",
        "The results for {brand} will be available {when}.",
    ],
    "r_s_l": ["{r_subj} {r_verb} by {pct} {r_cmp}.", "{r_subj} is closely related to {r_subj2}.", "the committee recommends that {recommend}.",
              "{num} {units} were examined during the study period.", "{reason} has had a considerable effect on {r_subj}."],
    "invite": ["attend our annual meeting", "speak at the conference in {month}", "visit our laboratories", "join the advisory board",
               "review the enclosed manuscript", "participate in the study", "lunch with our research staff"],
    "enclosure": ["a copy of the signed agreement", "the revised proposal", "our latest brochure", "the minutes of the meeting",
                  "a summary of the results", "the completed questionnaire", "two copies of the contract", "the draft report",
                  "our price list for the coming year", "the documents you requested", "a detailed schedule", "my curriculum vitae",
                  "the technical specifications", "the certificate of insurance", "a map of the site"],
    "need": ["your written approval", "the signed copies", "a few more details", "confirmation of the delivery address",
             "the final figures", "your comments on the draft", "an updated estimate", "the name of your representative"],
    "org_thing": ["your organisation", "your plans for the new facility", "the work of your department", "your research programme",
                  "your company's products", "the activities of your association", "your recent expansion"],
    "record": ["the matter was resolved on {date}", "your account was updated last month", "the goods were dispatched on {date}",
               "no reply has yet been received", "the original order was placed in {month}", "the request was registered under reference {ref}"],
    "benefit": ["the new arrangement will benefit both parties", "this approach will reduce costs considerably",
                "the changes will improve the service you receive", "the results will be of interest to your members",
                "the proposal meets all of your requirements", "our experience in this field will prove valuable"],
    "thanks_for": ["your kind hospitality", "the time you spent with us", "your prompt reply", "your generous contribution",
                   "your helpful suggestions", "the excellent presentation", "your interest in our work", "your support over the past year"],
    "action": ["we will send the revised documents", "the meeting will take place at our offices", "a representative will visit your site",
               "the first delivery will be made", "the agreement will be renewed for a further year", "the new rates will apply"],
    "role": ["project manager", "account manager", "office manager", "secretary of the committee", "head of purchasing", "regional director", "personnel officer"],
    "arrange": ["a suitable date", "the installation", "a visit to the plant", "the next steps", "a short presentation", "the transfer of the files"],
    "bad": ["we are unable to accept your proposal at this time", "the position has already been filled", "the event has been cancelled",
            "the product has been discontinued", "your application was not successful on this occasion", "the deadline cannot be extended"],
    "understand": ["the delay has caused you some inconvenience", "the instructions were not clear", "your needs have changed",
                   "several customers have raised the same concern"],
    "steps": ["prevent this from happening again", "review our internal procedures", "speed up the process", "inform all staff concerned"],

    # Reports, articles, science.
    "r_subj": ["sales in the northern region", "the response rate", "average processing time", "customer satisfaction", "energy consumption",
               "the number of participants", "operating costs", "the proportion of defective units", "market share", "staff turnover",
               "the mean concentration", "total revenue", "the incidence of complaints", "production volume", "website traffic",
               "the number of new accounts", "freight costs", "the error rate", "average attendance", "water usage",
               "nicotine delivery", "tar yield", "the moisture content", "brand awareness", "the smoking rate", "trial purchase",
               "the pressure drop", "puff count", "the particulate matter", "retail distribution", "the awareness score"],
    "r_verb": ["increased", "decreased", "remained stable", "rose sharply", "fell slightly", "doubled", "improved", "declined", "grew steadily", "fluctuated"],
    "r_cmp": ["compared with the previous year", "over the reporting period", "relative to the control group", "since the last survey",
              "in the second quarter", "against the budget", "across all sites", "during the pilot phase", "between {year} and {year2}"],
    "r_s": [
        "{r_subj_c} {r_verb} by {pct} {r_cmp}.",
        "As shown in Table {n}, {r_subj} {r_verb} {r_cmp}.",
        "The data suggest that {r_subj} is closely related to {r_subj2}.",
        "{r_subj_c} {r_verb} {r_cmp}, mainly because of {reason}.",
        "Further analysis is required to determine whether {r_subj} will continue to change.",
        "The committee recommends that {recommend}.",
        "Figure {n} presents {r_subj} for each {unit}.",
        "In total, {num} {units} were examined during the study period.",
        "No significant difference was found between the two groups (p = 0.{n}{n}).",
        "These findings are consistent with earlier work by {last} et al. ({year}).",
        "The main limitation of this analysis is {limitation}.",
        "Most respondents ({pct}) indicated that {opinion}.",
        "The new system was introduced in {month} and has since been adopted by {num} {units}.",
        "Samples were collected at {num} locations and analysed in the laboratory.",
        "The results were evaluated using {method}.",
        "According to the survey, {r_subj} {r_verb} {r_cmp}.",
        "Overall, the outlook for the coming year remains {outlook}.",
        "Section {n} describes {describes}; Section {n2} discusses {describes2}.",
        "A total of {num} {units} took part, of whom {pct} completed all stages.",
        "{reason_c} has had a considerable effect on {r_subj}.",
        "Panelists rated {brand} {higher} than {brand} on {attribute}.",
        "Sales of {brand} {r_verb} {r_cmp}.",
        "The {attribute} of the test product was judged {judged}.",
        "{brand} was preferred by {pct} of the respondents.",
    ],
    "higher": ["higher", "lower", "significantly higher", "slightly lower", "about the same"],
    "attribute": ["strength", "smoothness", "taste", "aftertaste", "draw", "mildness", "harshness", "flavor", "freshness", "aroma",
                  "burn rate", "firmness", "irritation", "satisfaction", "overall quality", "value for money", "appearance"],
    "judged": ["acceptable", "too strong", "satisfactory", "inferior to the control", "comparable to the leading brand", "excellent"],
    "r_subj2": ["the size of the sample", "seasonal demand", "the level of training", "the age of the equipment", "regional differences", "the price of raw materials"],
    "reason": ["higher raw material prices", "the introduction of the new process", "seasonal effects", "improved training", "changes in demand",
               "the reorganisation of the department", "unfavourable weather conditions", "lower interest rates", "new regulations"],
    "recommend": ["the programme be continued for another year", "additional staff be recruited", "the procedure be reviewed annually",
                  "further tests be carried out", "the budget be increased by {pct}", "a working group be set up to study the issue"],
    "unit": ["region", "month", "product line", "site", "department", "age group", "quarter"],
    "units": ["samples", "patients", "households", "companies", "subjects", "stores", "respondents", "schools", "vehicles", "units"],
    "limitation": ["the small sample size", "the short observation period", "the lack of a control group", "incomplete records", "self-reported data"],
    "opinion": ["the service had improved", "prices were too high", "they would recommend the product", "more information was needed", "the new format was easier to use"],
    "method": ["analysis of variance", "a linear regression model", "standard statistical methods", "a paired t-test", "gas chromatography", "a structured interview"],
    "outlook": ["positive", "uncertain", "cautiously optimistic", "favourable", "challenging"],
    "describes": ["the methods used", "the background", "the main results", "the data sources", "the cost estimates"],
    "describes2": ["the implications", "the limitations", "possible next steps", "the recommendations", "related work"],
    "news_s": [
        "{city} - {org_c} announced on {weekday} that it will {news_act}.",
        "The decision follows months of {news_bg}, a spokesperson said.",
        "\"{quote}\", said {person}, {pos} at {org}.",
        "Officials expect the {news_thing} to be completed by {month} {year}.",
        "The announcement was welcomed by local business leaders.",
        "Critics argue that the plan does not go far enough.",
        "The company employs about {num} people in the region.",
        "Shares rose {pct} in early trading.",
        "The city council is expected to vote on the proposal next week.",
        "{person} told reporters that {opinion}.",
        "The event attracted more than {num} visitors over the weekend.",
        "Further details will be announced at a press conference on {weekday}.",
        "The company said sales of {brand} {r_verb} {r_cmp}.",
        "{org_c} plans to introduce {brand} in {num} markets.",
    ],
    "news_act": ["open a new plant near the city", "cut {num} jobs", "expand its research centre", "merge with a competitor",
                 "invest {num} million in new equipment", "launch a new product line", "close two of its stores", "move its headquarters"],
    "news_bg": ["negotiations", "speculation", "declining sales", "public debate", "planning", "legal uncertainty"],
    "news_thing": ["project", "new building", "merger", "construction work", "road", "study"],
    "quote": ["This is an important step for our company", "We are very pleased with the results", "We will continue to listen to our customers",
              "The situation remains difficult but we are confident", "It is too early to draw conclusions"],
    "pos": ["chief executive", "a spokesperson", "director of operations", "the mayor", "head of research", "a senior analyst"],
    "manual_s": ["Make sure the unit is switched off before {maint}.", "Press the {button} button to {func}.",
                 "Do not {warn}.", "Clean the {part} regularly with a soft, dry cloth.", "If the {part} does not {func2}, check {check}.",
                 "Insert the {part} until it clicks into place.", "Wait at least {n} minutes before {maint}.",
                 "Keep this manual for future reference.", "The indicator light turns green when {cond}.",
                 "Refer to Section {n} for the list of spare parts."],
    "maint": ["opening the cover", "replacing the filter", "cleaning the device", "moving the unit", "changing the battery"],
    "button": ["START", "MODE", "RESET", "POWER", "SET", "MENU"],
    "func": ["select the program", "start the cycle", "adjust the temperature", "reset the counter", "confirm the setting"],
    "warn": ["immerse the unit in water", "use abrasive cleaners", "block the ventilation openings", "operate the device with wet hands", "exceed the maximum load"],
    "part": ["filter", "battery", "cartridge", "cover", "cable", "tray", "nozzle", "display"],
    "func2": ["start", "respond", "light up", "close properly", "heat up"],
    "check": ["the power supply", "the fuse", "that the cover is closed", "the connection", "the water supply"],
    "cond": ["the device is ready", "charging is complete", "the cycle has finished", "the filter is clean"],
}

G_DE = {
    "we": ["wir", "unser Team", "unser Unternehmen", "ich"],
    "topic_s": [
        "vielen Dank für Ihr Schreiben vom {date} bezüglich {de_thing}.",
        "Hiermit bestätigen wir {de_thing} vom {date}.",
        "Wie telefonisch besprochen, übersenden wir Ihnen {de_encl}.",
        "Leider müssen wir Ihnen mitteilen, dass {de_bad}.",
        "Wir freuen uns, Ihnen mitteilen zu können, dass {de_good}.",
        "Bitte teilen Sie uns bis zum {date} mit, {de_q}.",
        "Für Rückfragen stehe ich Ihnen gerne unter {phone} zur Verfügung.",
        "Anbei erhalten Sie {de_encl} mit der Bitte um Prüfung.",
        "Im Rahmen unserer Zusammenarbeit möchten wir Sie über {de_topic} informieren.",
        "Wir bedanken uns für {de_thanks} und hoffen auf eine weitere gute Zusammenarbeit.",
        "Die Änderungen treten zum {date} in Kraft.",
        "Sollten Sie Fragen haben, wenden Sie sich bitte an {person}.",
        "Bezüglich {de_thing} möchten wir noch einmal auf die vereinbarten Termine hinweisen.",
        "Wir würden uns freuen, Sie bei unserer Veranstaltung am {date} begrüßen zu dürfen.",
        "Die Unterlagen wurden an die zuständige Abteilung weitergeleitet.",
        "Unser Mitarbeiter wird sich in den nächsten Tagen mit Ihnen in Verbindung setzen.",
    ],
    "de_thing": ["Ihre Anfrage", "den Vertrag", "das Angebot", "die Bestellung", "das Projekt", "Ihre Bewerbung", "die Besprechung", "die Lieferung", "den Wartungsvertrag"],
    "de_encl": ["die gewünschten Unterlagen", "eine Kopie des Vertrages", "unser aktuelles Angebot", "das Protokoll der Sitzung", "den überarbeiteten Entwurf", "unsere Preisliste"],
    "de_bad": ["wir Ihr Angebot nicht annehmen können", "sich die Lieferung verzögert", "die Veranstaltung verschoben werden muss", "die Stelle bereits besetzt ist"],
    "de_good": ["Ihr Antrag genehmigt wurde", "das Projekt erfolgreich abgeschlossen wurde", "wir Ihre Bewerbung in die engere Auswahl genommen haben", "die Arbeiten planmäßig verlaufen"],
    "de_q": ["ob Ihnen der Termin passt", "wie Sie weiter verfahren möchten", "wer Ihr Ansprechpartner ist", "ob Sie weitere Informationen benötigen"],
    "de_topic": ["die neuen Öffnungszeiten", "die Umstellung unseres Systems", "die geänderten Lieferbedingungen", "unseren Umzug", "die neuen Ansprechpartner"],
    "de_thanks": ["Ihr Vertrauen", "das angenehme Gespräch", "Ihre schnelle Rückmeldung", "Ihre Unterstützung"],
    "r_s": ["Im Berichtszeitraum ist {de_rsubj} um {pct} {de_rverb}.", "Die Ergebnisse zeigen, dass {de_rsubj} deutlich {de_rverb} ist.",
            "Wie Tabelle {n} zeigt, ist {de_rsubj} im Vergleich zum Vorjahr {de_rverb}.", "Insgesamt wurden {num} Proben untersucht.",
            "Die Geschäftsführung empfiehlt, das Programm fortzuführen.", "Weitere Untersuchungen sind erforderlich.",
            "Die wichtigsten Ergebnisse sind in Abschnitt {n} zusammengefasst.", "Der Umsatz entwickelte sich im Jahr {year} positiv."],
    "de_rsubj": ["der Umsatz", "die Zahl der Mitarbeiter", "der Energieverbrauch", "die Kundenzufriedenheit", "die Fehlerquote", "die Produktion"],
    "de_rverb": ["gestiegen", "gesunken", "gewachsen", "zurückgegangen"],
}

G_FR = {
    "topic_s": [
        "Nous vous remercions de votre courrier du {date} concernant {fr_thing}.",
        "Nous avons le plaisir de vous informer que {fr_good}.",
        "Nous avons le regret de vous informer que {fr_bad}.",
        "Vous trouverez ci-joint {fr_encl}.",
        "Nous vous prions de bien vouloir nous indiquer {fr_q}.",
        "Pour toute information complémentaire, vous pouvez me joindre au {phone}.",
        "Suite à notre entretien téléphonique, je vous confirme {fr_thing}.",
        "Les modifications entreront en vigueur le {date}.",
        "Notre responsable prendra contact avec vous dans les prochains jours.",
        "Nous restons à votre disposition pour tout renseignement.",
        "Dans le cadre de notre collaboration, nous souhaitons vous présenter {fr_thing}.",
        "Nous vous serions reconnaissants de bien vouloir nous retourner le document signé.",
    ],
    "fr_thing": ["votre demande", "le contrat", "notre proposition", "la commande", "le projet", "votre candidature", "la réunion", "la livraison"],
    "fr_good": ["votre demande a été acceptée", "le projet est terminé", "votre dossier est complet", "les travaux avancent comme prévu"],
    "fr_bad": ["nous ne pouvons pas donner suite à votre demande", "la livraison sera retardée", "la réunion est reportée", "le poste a déjà été pourvu"],
    "fr_encl": ["une copie du contrat", "notre nouvelle offre", "le compte rendu de la réunion", "les documents demandés", "notre catalogue"],
    "fr_q": ["si cette date vous convient", "la suite que vous souhaitez donner", "le nom de votre interlocuteur", "vos disponibilités"],
    "r_s": ["Au cours de la période, {fr_rsubj} a {fr_rverb} de {pct}.", "Les résultats montrent que {fr_rsubj} a nettement {fr_rverb}.",
            "Au total, {num} échantillons ont été analysés.", "Le comité recommande de poursuivre le programme.",
            "Comme le montre le tableau {n}, {fr_rsubj} a {fr_rverb} par rapport à l'année précédente.", "Des études complémentaires sont nécessaires."],
    "fr_rsubj": ["le chiffre d'affaires", "le nombre de clients", "la consommation d'énergie", "la production", "le taux d'erreur"],
    "fr_rverb": ["augmenté", "diminué", "progressé", "baissé"],
}

GRAMMARS = {"en": G_EN, "de": G_DE, "fr": G_FR}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def expand(rng, template, lang="en", extras=None, depth=0):
    g = GRAMMARS.get(lang, G_EN)
    out, i = [], 0
    while i < len(template):
        j = template.find("{", i)
        if j < 0:
            out.append(template[i:])
            break
        k = template.find("}", j)
        out.append(template[i:j])
        key = template[j + 1:k]
        out.append(_slot(rng, key, g, lang, extras or {}, depth))
        i = k + 1
    s = "".join(out)
    return s


def _slot(rng, key, g, lang, extras, depth):
    cap = key.endswith("_c")
    base = key[:-2] if cap else key
    if base in extras:
        v = extras[base]
        v = v(rng) if callable(v) else v
    elif base in g and depth < 6:
        v = expand(rng, pick(rng, g[base]), lang, extras, depth + 1)
    elif base in G_EN and depth < 6:
        v = expand(rng, pick(rng, G_EN[base]), "en", extras, depth + 1)
    elif base == "date":
        v = fmt_date(rng, rand_date(rng, 1975, 2025), rng.choice(["long_en", "long_en_d", "dmy/", "mdy"]) if lang == "en" else ("long_de" if lang == "de" else "long_fr"))
    elif base == "month":
        v = pick(rng, MONTHS.get(lang, MONTHS["en"]))
        v = v[:1].upper() + v[1:] if lang != "fr" else v
    elif base in ("year", "year2"):
        v = str(rng.randint(1975, 2025))
    elif base == "pct":
        v = rng.choice(["%d%%" % rng.randint(2, 60), "%.1f%%" % rng.uniform(0.5, 40), "%d percent" % rng.randint(2, 60)])
    elif base in ("n", "n2"):
        v = str(rng.randint(1, 9))
    elif base == "num":
        v = str(rng.choice([rng.randint(12, 99), rng.randint(100, 999), rng.randint(1000, 25000)]))
    elif base == "brand":
        v = brand(rng)
    elif base == "person":
        v = person(rng, lang if lang in FIRST else "en")
    elif base == "last":
        v = pick(rng, LAST["en"] + LAST["de"])
    elif base == "org":
        v = company(rng, rng.choice(["US", "UK", "DE", "FR"]))
    elif base == "city":
        v = rng.choice([c for c, _ in US_PLACES] + UK_PLACES + DE_PLACES[:10] + FR_PLACES[:8]).upper()
    elif base == "weekday":
        v = pick(rng, WEEKDAYS)
    elif base == "phone":
        v = phone(rng, rng.choice(["US", "UK", "DE", "FR"]))
    elif base == "email":
        v = email(rng, company(rng, "US"), person(rng, "en"))
    elif base == "ref":
        v = doc_number(rng, ("REF", "Ref.", "AZ", ""))
    else:
        v = base
    if cap and v:
        v = v[:1].upper() + v[1:]
    return v


def sentence(rng, lang, kind="topic_s", extras=None):
    g = GRAMMARS.get(lang, G_EN)
    pool = g.get(kind) or G_EN[kind]
    s = expand(rng, pick(rng, pool), lang if kind in g else "en", extras)
    return s[:1].upper() + s[1:]


def prose(rng, lang, n_sent, kind="topic_s", extras=None):
    return " ".join(sentence(rng, lang, kind, extras) for _ in range(n_sent))


# ---------------------------------------------------------------------------------------------
# Goods and services
# ---------------------------------------------------------------------------------------------

SHOP_ITEMS = {
    "grocery_en": ("Full Cream Milk 1L|Wholemeal Bread|Eggs 12pk|Bananas|Apples Gala|Long Grain Rice 5kg|Cooking Oil 2L|Sugar 1kg|"
                   "Chicken Breast|Minced Beef 500g|Cheddar Cheese|Greek Yoghurt|Orange Juice 1L|Ground Coffee|Tea Bags 100s|Spaghetti 500g|"
                   "Pasta Sauce|Salted Butter|Potatoes 2kg|Onions|Garlic|Laundry Detergent|Toilet Rolls 10pk|Shampoo 400ml|Toothpaste|"
                   "Mineral Water 1.5L|Digestive Biscuits|Dark Chocolate|Instant Noodles 5s|Soy Sauce|Frozen Peas|Tomatoes|Carrots 1kg|"
                   "Cucumber|Lettuce|Canned Tuna|Baked Beans|Corn Flakes|Peanut Butter|Strawberry Jam|Paper Towels|Dish Soap|Bin Bags|"
                   "Cat Food|Sparkling Water|Cola 1.5L|Potato Chips|Frozen Pizza|Ice Cream 1L|Salmon Fillet|Sliced Ham|Honey 500g"),
    "grocery_de": ("Vollmilch 1,5%|Butter 250g|Bio Eier 10St|Brötchen|Roggenbrot|Bananen|Äpfel Elstar|Kartoffeln 2,5kg|Gouda jung|"
                   "Joghurt natur|Kaffee gemahlen|Mineralwasser|Apfelschorle|Nudeln Fusilli|Tomaten|Salatgurke|Pfand|Pfand Rückgabe|"
                   "Spülmittel|Toilettenpapier|Zahnpasta|Duschgel|Schokolade|Gummibärchen|Hackfleisch gem.|Leberwurst|Schinken|"
                   "Frischkäse|Sahne 200g|Quark|Zwiebeln|Paprika rot|Karotten|Orangensaft|Bier 0,5l|Weißwein|Haferflocken|Müsli|"
                   "Reis 1kg|Mehl Type 405|Zucker|Tiefkühlpizza|Brezel|Laugenstange|Tragetasche"),
    "grocery_fr": ("Baguette tradition|Lait demi-écrémé|Beurre doux|Oeufs x6|Pommes Golden|Bananes|Comté|Yaourt nature x4|Café moulu|"
                   "Eau minérale 6x1,5L|Pâtes coquillettes|Jambon blanc|Poulet fermier|Tomates grappe|Vin rouge AOC|Croissant|"
                   "Pain de mie|Camembert|Crème fraîche|Salade|Carottes|Pommes de terre|Huile d'olive|Moutarde|Sucre en poudre|"
                   "Papier toilette|Lessive|Liquide vaisselle|Chocolat noir|Jus d'orange|Biscuits|Riz basmati|Sac cabas"),
    "grocery_my": ("Beras Wangi 5kg|Gula Pasir 1kg|Minyak Masak 2kg|Telur Gred A 30bj|Roti Putih|Susu Pekat|Milo 1kg|Kopi 3in1|"
                   "Teh Serbuk|Mee Kuning|Bihun|Kicap Manis|Sos Cili|Ikan Bilis|Bawang Merah|Bawang Putih|Cili Kering|Santan Kotak|"
                   "Ayam Segar|Sayur Sawi|Kangkung|Tauhu|Tempe|Biskut Kering|Air Mineral 1.5L|Sabun Basuh|Ubat Gigi|Syampu|"
                   "Tisu Dapur|Plastik Sampah|Mee Segera 5s|Sardin Tin|Kacang Tanah|Gula Melaka|Tepung Gandum|Garam"),
    "restaurant_en": ("Caesar Salad|Grilled Salmon|Beef Burger|Fries|Margherita Pizza|Soup of the Day|Espresso|Cappuccino|Latte|"
                      "Iced Tea|Cola|Sparkling Water|House Wine (glass)|Pint Lager|Cheesecake|Fish & Chips|Steak Frites|Chicken Wings|"
                      "Pad Thai|Fried Rice|Garlic Bread|Tiramisu|Club Sandwich|Veggie Wrap|Lemonade|Chocolate Brownie|Tomato Soup|"
                      "Spring Rolls|Green Curry|Lamb Chops|Mushroom Risotto|Side Salad|Onion Rings|Mineral Water|Americano|Flat White"),
    "restaurant_my": ("Nasi Lemak Ayam|Teh Tarik|Kopi O|Milo Ais|Roti Canai|Roti Telur|Mee Goreng Mamak|Nasi Goreng Kampung|"
                      "Char Kuey Teow|Ayam Goreng|Teh O Ais Limau|Maggi Goreng|Sirap Bandung|Nasi Putih|Sayur Campur|Ikan Bakar|"
                      "Tom Yam Campur|Laksa|Wantan Mee|Chicken Rice|Kopi Peng|Barley Ais|Cham Ping|Nasi Kerabu|Satay (10 cucuk)|"
                      "Mee Rebus|Cendol|Air Kosong|Roti Bakar|Half Boiled Eggs|Kuey Teow Soup|Yong Tau Foo"),
    "restaurant_de": ("Schnitzel Wiener Art|Currywurst mit Pommes|Bratwurst|Kartoffelsalat|Apfelschorle 0,4l|Pils 0,5l|Weizen 0,5l|"
                      "Cola 0,33l|Kaffee|Cappuccino|Latte Macchiato|Apfelstrudel|Käsespätzle|Salatteller|Tagessuppe|Flammkuchen|"
                      "Rinderroulade|Forelle Müllerin|Mineralwasser 0,75l|Schorle rot|Espresso|Kuchen des Tages"),
    "restaurant_fr": ("Menu du jour|Entrée|Plat du jour|Dessert|Café|Carafe de vin|Verre de vin blanc|Croque-monsieur|Salade niçoise|"
                      "Steak frites|Moules frites|Crème brûlée|Tarte Tatin|Eau gazeuse|Coca-Cola|Pression 25cl|Quiche lorraine|"
                      "Soupe à l'oignon|Confit de canard|Omelette|Planche mixte|Café gourmand"),
    "hardware": ("Wood Screws 4x40 (100)|Wall Plugs 6mm|Claw Hammer 500g|Paint Brush 50mm|Emulsion Paint 5L|Masking Tape 25mm|"
                 "Sandpaper P120|HSS Drill Bit Set|PVC Pipe 20mm|Cable Ties 200mm|Extension Lead 3m|LED Bulb E27 9W|Padlock 40mm|"
                 "Silicone Sealant|Tape Measure 5m|Work Gloves|Spanner 13mm|Hose Clip|Wood Glue|Paint Roller Set|Screwdriver Set|"
                 "Hinges 75mm|Door Handle|Cement 25kg|Tile Adhesive|Cutting Disc 115mm|Spirit Level|Hacksaw Blade|Wire Brush|"
                 "Plumbers Tape|Switch Socket|Circuit Breaker 16A|Nails 50mm 1kg|Bolt M8x40|Washer M8|Nut M8|Rubber Mallet"),
    "pharmacy": ("Paracetamol 500mg 20s|Ibuprofen 200mg|Vitamin C 1000mg|Cough Syrup 100ml|Plasters Assorted|Antiseptic Cream|"
                 "Hand Sanitizer 500ml|Face Masks 50pcs|Digital Thermometer|Antihistamine Tablets|Eye Drops 10ml|Throat Lozenges|"
                 "Multivitamin 30s|Cotton Wool|Bandage 5cm|Sunscreen SPF50|Lip Balm|Calcium + D3|Fish Oil 1000mg|Nasal Spray|"
                 "Oral Rehydration Salts|Insect Repellent|Medicated Oil|Pain Relief Patch|Contact Lens Solution"),
    "stationery": ("A4 Paper 80gsm 500s|Ballpoint Pen Blue 10s|Notebook A5|Stapler|Staples 26/6|Highlighter Set|Envelope C5 50s|"
                   "Glue Stick|Arch File|Scissors|Calculator|Exercise Book|Colour Pencils 12s|Correction Tape|Sticky Notes|Ruler 30cm|"
                   "Eraser|Pencil 2B|Marker Permanent|Binder Clips|Clear Folder|Printer Ink Black|Whiteboard Marker|Paper Clips|Sharpener"),
    "electronics": ("USB-C Cable 1m|Wall Charger 20W|Wired Earphones|AA Batteries 4pk|HDMI Cable 2m|Power Bank 10000mAh|"
                    "microSD Card 64GB|Wireless Mouse|Keyboard|Screen Protector|Phone Case|Bluetooth Speaker|Extension Socket 4-way|"
                    "Light Bulb LED|Car Charger|Ethernet Cable 5m|USB Flash Drive 32GB|Smart Plug|Headphones"),
    "bakery": ("Croissant|Pain au Chocolat|Blueberry Muffin|Bagel|Flat White|Americano|Hot Chocolate|Ham & Cheese Sandwich|"
               "Cinnamon Roll|Sourdough Loaf|Baguette|Danish Pastry|Carrot Cake|Scone|Chai Latte|Fruit Tart|Egg Tart|Curry Puff|"
               "Kaya Toast|Butter Bun|Donut|Apple Turnover|Orange Juice"),
    "fuel": ("Unleaded 95|RON95|RON97|Super E10|Super 95|Diesel|Premium Diesel|Gazole|SP95-E10|AdBlue 10L|Car Wash Premium|"
             "Engine Oil 1L|Screen Wash|Coffee To Go|Snack Bar|Newspaper|Air Freshener|Bottled Water"),
    "clothing": ("T-Shirt Cotton|Jeans Slim Fit|Socks 3pk|Hoodie|Dress Shirt|Leather Belt|Baseball Cap|Scarf|Sneakers|Rain Jacket|"
                 "Polo Shirt|Shorts|Sweater|Underwear 2pk|Kids T-Shirt|Shopping Bag"),
}

INVOICE_ITEMS = {
    "en": ("Consulting services|Software licence (annual)|Website maintenance - monthly|Hosting package Business|Installation and setup|"
           "Travel expenses|Toner cartridge black|Office chair, ergonomic|Steel bracket 40x40 mm|Freight and handling|Project management|"
           "Translation services|Office cleaning|Monthly retainer|Training workshop (1 day)|Cloud storage 1 TB|Domain registration|"
           "Technical support (hours)|Spare parts|Laptop 14\" i5 16GB|Monitor 27\" LED|Network switch 24-port|Graphic design|"
           "Copywriting|Photography session|Legal advice|Accounting services Q{q}|Payroll processing|Equipment rental|Scaffolding hire|"
           "Electrical works|Plumbing repairs|Painting and decorating|Catering for {n} persons|Conference room hire|Shipping container 20ft|"
           "Packaging materials|Printing of brochures (1,000)|Business cards (500)|Annual maintenance contract|Data migration|"
           "Security audit|Server rack 42U|Cable installation|Pallet transport|Courier service|Subscription - Premium plan|"
           "API usage (per 1,000 calls)|Compute hours|Storage GB-month|Data transfer out|Support plan Business|Marketing campaign|"
           "Recruitment fee|Temporary staff (hours)|Landscaping services|Window cleaning|Pest control|HVAC service visit|Calibration"),
    "de": ("Beratungsleistung|Wartungsvertrag (jährlich)|Montagearbeiten|Versandkosten|Fahrtkosten|Lizenzgebühr|Reparatur|"
           "Stundensatz Techniker|Materialkosten|Entsorgung|Schrauben M8x40 verzinkt|Kabel NYM-J 3x1,5 (100 m)|Softwareentwicklung|"
           "Projektleitung|Schulung (Tagessatz)|Druckerpatrone schwarz|Büromöbel|Gerüstmiete|Malerarbeiten|Elektroinstallation|"
           "Heizungswartung|Reinigung Büroräume|Webhosting Paket|Domain .de|Übersetzung|Grafikdesign|Anfahrtspauschale|Kleinmaterial|"
           "Verpackung|Frachtkosten|Lagerkosten|Steuerberatung|Buchhaltung Monat {m}|Miete Stellplatz|Nebenkostenabrechnung|"
           "Fliesenarbeiten|Dachreparatur|Kranarbeiten|Stahlträger IPE 200|Holzpaneele Eiche|Sanitärinstallation|Prüfung nach DGUV V3"),
    "fr": ("Prestation de conseil|Maintenance annuelle|Frais de port|Main d'oeuvre|Déplacement|Licence logicielle|Installation|"
           "Fournitures de bureau|Formation (journée)|Développement web|Hébergement|Nettoyage des locaux|Transport|Location de matériel|"
           "Travaux de peinture|Travaux d'électricité|Réparation|Pièces détachées|Traduction|Conception graphique|Abonnement mensuel|"
           "Gestion de projet|Audit de sécurité|Expertise comptable|Frais de dossier|Impression de flyers|Remise commerciale"),
    "nl": ("Advieswerkzaamheden|Onderhoudscontract|Verzendkosten|Arbeidsloon|Reiskosten|Softwarelicentie|Installatie|Materiaal|"
           "Schoonmaakwerkzaamheden|Hosting|Projectmanagement|Training"),
}
UNITS = {"en": ["pcs", "ea", "h", "hrs", "days", "m", "kg", "set", "lot", "month", "units", ""],
         "de": ["Stk.", "Std.", "h", "Tag", "m", "kg", "Pauschal", "psch.", "Monat", "St", "lfm", ""],
         "fr": ["u", "h", "jour", "forfait", "m", "kg", "mois", "pce", ""],
         "nl": ["st", "uur", "dag", "m", "stuks", ""]}


def item_name(rng, pool):
    s = pick(rng, pool.split("|"))
    return s.replace("{n}", str(rng.randint(10, 200))).replace("{q}", str(rng.randint(1, 4))).replace("{m}", "%02d" % rng.randint(1, 12))


# ---------------------------------------------------------------------------------------------
# Shared helpers for builders
# ---------------------------------------------------------------------------------------------

def weighted(rng, table):
    """table: list of (value, weight)."""
    total = sum(w for _, w in table)
    r = rng.uniform(0, total)
    for v, w in table:
        r -= w
        if r <= 0:
            return v
    return table[-1][0]


def lang_of(rng, country):
    lang = COUNTRIES[country]["lang"]
    if country == "CH":
        return rng.choice(["de", "de", "fr"])
    if country == "BE":
        return rng.choice(["fr", "fr", "nl"])
    if country == "CA":
        return "fr" if rng.random() < 0.2 else "en"
    return lang


def T(lang, **variants):
    """Picks the label for `lang` (falls back to English)."""
    return variants.get(lang, variants.get("en"))


def round_to(x, step):
    return round(round(x / step) * step, 2)


# ---------------------------------------------------------------------------------------------
# Receipts: narrow till slips
# ---------------------------------------------------------------------------------------------

RECEIPT_COUNTRIES = [("MY", 30), ("SG", 8), ("US", 12), ("UK", 10), ("DE", 12), ("FR", 8), ("AU", 4),
                     ("CH", 3), ("NL", 3), ("IN", 3), ("CA", 3), ("AT", 2), ("IE", 2)]
SHOP_KINDS = [("grocery", 28), ("restaurant", 24), ("hardware", 10), ("pharmacy", 7), ("stationery", 8),
              ("electronics", 5), ("bakery", 8), ("fuel", 6), ("clothing", 4)]


class Slip:
    """Writes receipt lines either as fixed-width text (monospace) or as positioned cells."""

    def __init__(self, L, rng, mono):
        self.L, self.rng, self.mono = L, rng, mono
        self.cols = int(L.inner / (0.6 * L.size)) if mono else 0

    def text(self, s, align="left", bold=False, size=None):
        if self.mono and align == "center":
            s = s.center(self.cols).rstrip() if len(s) < self.cols else s
            self.L.line(s, bold=bold, size=size)
        else:
            self.L.line(s, align=align, bold=bold, size=size)

    def lr(self, left, right, bold=False):
        if self.mono:
            gap = self.cols - len(left) - len(right)
            if gap < 1:
                self.L.line(left, bold=bold)
                self.L.line(right.rjust(self.cols), bold=bold)
            else:
                self.L.line(left + " " * gap + right, bold=bold)
        else:
            self.L.cells([(0, left), (self.L.inner, right, "right")], bold=bold)

    def cols3(self, a, b, c, bold=False):
        if self.mono:
            wa = max(8, self.cols - 20)
            s = a[:wa].ljust(wa) + b.rjust(10) + c.rjust(self.cols - wa - 10)
            self.L.line(s, bold=bold)
        else:
            self.L.cells([(0, a), (self.L.inner * 0.68, b, "right"), (self.L.inner, c, "right")], bold=bold)

    def cols4(self, a, b, c, d, bold=False):
        if self.mono:
            wa = max(6, self.cols - 24)
            s = a[:wa].ljust(wa) + b.rjust(5) + c.rjust(9) + d.rjust(self.cols - wa - 14)
            self.L.line(s, bold=bold)
        else:
            self.L.cells([(0, a), (self.L.inner * 0.55, b, "right"), (self.L.inner * 0.78, c, "right"),
                          (self.L.inner, d, "right")], bold=bold)

    def rule(self, ch=None):
        if self.mono or ch:
            ch = ch or self.rng.choice(["-", "=", "-", "*", "."])
            n = self.cols if self.mono else int(self.L.inner / self.L.measure(ch))
            self.L.line(ch * n)
        else:
            self.L.rule(dy=2)


def build_receipt(rng, fonts):
    country = weighted(rng, RECEIPT_COUNTRIES)
    lang = lang_of(rng, country)
    if country == "MY":
        lang = "ms"
    money = Money(rng, country)
    if rng.random() < 0.5:
        money.where = "none"
    kind = weighted(rng, SHOP_KINDS)
    width = rng.choice([164, 190, 204, 216, 227, 227, 240])
    mono = rng.random() < 0.6
    family = "mono" if mono else rng.choice(["sans", "sans", "serif"])
    size = rng.uniform(6.8, 9.0) if width > 180 else rng.uniform(6.0, 7.6)
    m = rng.uniform(6, 14)
    L = Layout(fonts, width, 5000, (m, rng.uniform(10, 30), m, rng.uniform(10, 30)), family, size,
               auto_height=True)
    S = Slip(L, rng, mono)
    up = rng.random() < 0.45  # shouting till printers
    U = (lambda s: s.upper()) if up else (lambda s: s)
    tiny = rng.random() < 0.08

    # Header
    name = company(rng, country)
    shop = name
    if kind == "restaurant" and rng.random() < 0.6:
        shop = rng.choice({"ms": ["Restoran %s", "Kedai Makan %s", "%s Cafe", "Warung %s", "%s Kopitiam"],
                           "de": ["Gasthaus %s", "Restaurant %s", "Café %s", "Bistro %s"],
                           "fr": ["Restaurant %s", "Brasserie %s", "Café %s", "Bistrot %s"]}.get(lang, ["%s Restaurant", "%s Grill", "%s Diner", "The %s Kitchen", "%s Cafe"])) % (
            pick(rng, MALAY_WORDS) if lang == "ms" else coined(rng))
    elif kind in ("grocery", "pharmacy", "hardware", "bakery", "stationery") and rng.random() < 0.5:
        word = {"grocery": {"ms": "Kedai Runcit", "de": "Markt", "fr": "Supermarché", "en": "Supermarket"},
                "pharmacy": {"ms": "Farmasi", "de": "Apotheke", "fr": "Pharmacie", "en": "Pharmacy"},
                "hardware": {"ms": "Hardware", "de": "Baumarkt", "fr": "Bricolage", "en": "Hardware"},
                "bakery": {"ms": "Bakery", "de": "Bäckerei", "fr": "Boulangerie", "en": "Bakery"},
                "stationery": {"ms": "Stationery & Books", "de": "Schreibwaren", "fr": "Papeterie", "en": "Stationers"}}[kind]
        w = word.get(lang, word["en"])
        shop = (w + " " + coined(rng)) if lang in ("ms", "fr") or rng.random() < 0.5 else (coined(rng) + " " + w)
    elif kind == "fuel":
        shop = rng.choice(["%s Petrol Station", "%s Service Station", "Tankstelle %s", "Station %s", "%s Fuel", "Stesen Minyak %s"]) % coined(rng)
    big = min(size * rng.uniform(1.1, 1.6), L.inner / max(1, len(shop)) / 0.62)
    S.text(U(shop), align="center", bold=rng.random() < 0.7, size=big)
    if shop != name and rng.random() < 0.6:
        S.text(U(name), align="center")
    if country == "MY" and rng.random() < 0.6:
        S.text("(%s-%s)" % (_digits(rng, rng.choice([6, 7])), _letters(rng, 1)) if rng.random() < 0.6 else "Co. No: %s-%s" % (_digits(rng, 6), _letters(rng, 1)), align="center")
    if not tiny or rng.random() < 0.4:
        for a in address(rng, country, upper=up):
            S.text(a, align="center")
    if rng.random() < 0.75:
        S.text(U(rng.choice(["Tel: ", "TEL : ", "Tel. ", "Phone: ", "Tél. : ", "Tel "]) + phone(rng, country)), align="center")
    if rng.random() < 0.2:
        S.text(U("Fax: " + phone(rng, country)), align="center")
    if rng.random() < 0.65:
        S.text(U(tax_id(rng, country)), align="center")
    if rng.random() < 0.2:
        S.text(web(rng, shop), align="center")

    # Title and meta
    titles = {"ms": ["TAX INVOICE", "TAX INVOICE", "SIMPLIFIED TAX INVOICE", "CASH BILL", "RECEIPT", "OFFICIAL RECEIPT", "INVOICE", "CASH SALES", "RESIT", "BILL", "CASH RECEIPT"],
              "en": ["RECEIPT", "SALES RECEIPT", "TAX INVOICE", "CASH RECEIPT", "CUSTOMER COPY", "INVOICE", "SALE", "BILL", "TAX RECEIPT", "Order #%d" % rng.randint(10, 999)],
              "de": ["Kassenbon", "Quittung", "Beleg", "Rechnung", "Bon", "Kassenbeleg", "Barbeleg"],
              "fr": ["Ticket de caisse", "TICKET", "Facture", "Note", "Reçu", "Facturette"],
              "nl": ["Kassabon", "Bon", "Factuur"]}
    if rng.random() < 0.8:
        if rng.random() < 0.5:
            S.rule()
        S.text(pick(rng, titles.get(lang, titles["en"])), align="center", bold=rng.random() < 0.5)
    d = rand_date(rng, 2014, 2025)
    dt = fmt_date(rng, d, date_kind_for(rng, country, lang))
    tm = rand_time(rng)
    no_lab = pick(rng, {"ms": ["Invoice No", "Receipt No", "Bill No", "Doc No", "Document No", "No. Resit", "Inv No", "Trans No", "Slip No"],
                        "de": ["Beleg-Nr.", "Bon-Nr.", "Rechnung Nr.", "Bon", "Trans.-Nr."],
                        "fr": ["Ticket N°", "N° ticket", "Facture N°", "Transaction"]}.get(lang, ["Receipt #", "Receipt No", "Trans #", "Check #", "Invoice No", "Order No", "Ref"]))
    meta = [(no_lab, doc_number(rng, ("", "", "CS", "R", "T", "INV", "OR", "CB")))]
    date_lab = T(lang, en="Date", ms=rng.choice(["Date", "Tarikh", "DATE"]), de="Datum", fr="Date", nl="Datum")
    if rng.random() < 0.5:
        meta.append((date_lab, dt + " " + tm))
    else:
        meta += [(date_lab, dt), (T(lang, en="Time", ms="Time", de="Uhrzeit", fr="Heure", nl="Tijd"), tm)]
    if rng.random() < 0.6:
        meta.append((pick(rng, {"de": ["Kasse", "Bediener", "Kassierer"], "fr": ["Caisse", "Caissier", "Vendeur", "Hôte"],
                                "ms": ["Cashier", "Kasyer", "Staff", "Salesperson", "Counter"]}.get(lang, ["Cashier", "Server", "Served by", "Clerk", "Operator"])),
                     rng.choice([person(rng, "ms" if lang == "ms" else ("en" if lang not in FIRST else lang)).split(" ")[0].upper(), _digits(rng, rng.randint(2, 4)), "POS%02d" % rng.randint(1, 20)])))
    if kind == "restaurant" and rng.random() < 0.6:
        meta.append((rng.choice(["Table", "Table No", "Tisch", "Table N°", "Meja", "TBL"]), str(rng.randint(1, 60))))
        if rng.random() < 0.5:
            meta.append((rng.choice(["Pax", "Guests", "Covers", "Pers."]), str(rng.randint(1, 8))))
    if rng.random() < 0.2:
        meta.append((rng.choice(["Member", "Member No", "Card", "Kundenkarte", "Carte fidélité"]), _digits(rng, rng.randint(6, 12))))
    if rng.random() < 0.25:
        meta.append((rng.choice(["Terminal", "POS", "Till", "Register", "Station", "Kasse"]), str(rng.randint(1, 30))))
    if rng.random() < 0.3:
        rng.shuffle(meta)
    if rng.random() < 0.3 and len(meta) >= 2 and not tiny:
        S.rule()
    for k, v in (meta[:2] if tiny else meta):
        if rng.random() < 0.6:
            S.text("%s%s%s" % (U(k), rng.choice([": ", " : ", ":", "  "]), v))
        else:
            S.lr(U(k) + rng.choice([":", " :", ""]), v)
    if rng.random() < 0.1 and not tiny:  # service and repair shops note who the customer is
        for k, v in [(rng.choice(["Customer", "Bill To", "Name", "Kunde", "Client"]), person(rng, "ms" if lang == "ms" else "en").upper() if up else person(rng, "en")),
                     (rng.choice(["Address", "Addr"]), ", ".join(address(rng, country)[:2])), (rng.choice(["Tel", "Contact", "H/P"]), phone(rng, country)),
                     (rng.choice(["Job Type", "Service", "Work Order", "Job No"]), rng.choice(["MAINTENANCE", "REPAIR", "INSTALLATION", "SERVICE", _digits(rng, 6)]))][:rng.randint(2, 4)]:
            for ln in L.wrap("%s : %s" % (U(k), v), L.inner, family=family):
                S.text(ln)
    if rng.random() < 0.6:
        S.rule()

    # Items
    pool_key = {"grocery": {"ms": "grocery_my", "de": "grocery_de", "fr": "grocery_fr"}.get(lang, "grocery_en"),
                "restaurant": {"ms": "restaurant_my", "de": "restaurant_de", "fr": "restaurant_fr"}.get(lang, "restaurant_en")}.get(kind, kind)
    if kind == "bakery" and lang == "ms" and rng.random() < 0.5:
        pool_key = "restaurant_my"
    pool = SHOP_ITEMS[pool_key]
    n_items = 1 if tiny else weighted(rng, [(1, 8), (2, 12), (3, 14), (4, 12), (5, 10), (6, 8), (8, 8), (10, 6), (14, 4), (20, 2)])
    style = rng.choice(["one", "two", "qty_first", "table", "code"])
    if style == "table" and rng.random() < 0.7:
        hdr = {"ms": ["Item", "Qty", "Price", "Amt"], "de": ["Artikel", "Menge", "Preis", "Betrag"],
               "fr": ["Article", "Qté", "P.U.", "Montant"]}.get(lang, ["Description", "Qty", "Price", "Total"])
        if rng.random() < 0.4:
            hdr = [rng.choice(["CODE/DESC", "ITEM", "DESCRIPTION"]), "QTY", rng.choice(["U/P", "PRICE", "U.PRICE"]), rng.choice(["AMOUNT", "AMT", "TOTAL"])]
        if rng.random() < 0.3 and country == "MY":
            hdr[3] = hdr[3] + "(RM)"
        S.cols4(*[U(h) for h in hdr], bold=rng.random() < 0.4)
        if rng.random() < 0.5:
            S.rule()
    tax_codes = rng.random() < 0.35
    subtotal = 0.0
    n_qty = 0
    for _ in range(n_items):
        nm = item_name(rng, pool)
        if up or rng.random() < 0.2:
            nm = nm.upper()
        qty = rng.choice([1, 1, 1, 1, 2, 2, 3, 4, 6]) if kind != "fuel" else 1
        base = {"restaurant": (2, 45), "grocery": (0.5, 25), "hardware": (1, 80), "pharmacy": (2, 40), "stationery": (0.5, 30),
                "electronics": (5, 120), "bakery": (1, 9), "fuel": (20, 110), "clothing": (8, 90)}[kind]
        unit = round(rng.uniform(*base), 2)
        if country in ("IN",):
            unit = round(unit * 40, 0)
        if country == "MY" and kind == "restaurant":
            unit = round(rng.uniform(1.2, 25), 1)
        amount = round(unit * qty, 2)
        subtotal += amount
        n_qty += qty
        code = (" " + rng.choice(["SR", "ZR", "S", "Z", "A", "B", "T", "*", "E", "1", "2"])) if tax_codes else ""
        if kind == "fuel" and rng.random() < 0.8:
            litres = round(amount / rng.uniform(1.2, 2.2), 2)
            S.text(U("Pump %02d %s" % (rng.randint(1, 16), nm)) if rng.random() < 0.6 else U(nm))
            S.lr("  %s L @ %s" % (fmt_num(litres, money.style if money.style != "plain" else "en", 2), money.num(round(amount / litres, 3))), money.num(amount) + code)
            continue
        if style == "one" or (style == "two" and qty == 1 and rng.random() < 0.6):
            S.lr(nm if qty == 1 else "%d %s" % (qty, nm), money(amount) + code)
        elif style == "two":
            S.text(nm)
            S.lr("   %d %s %s" % (qty, rng.choice(["x", "X", "@", "*"]), money.num(unit)), money.num(amount) + code)
        elif style == "qty_first":
            S.lr("%d%s%s" % (qty, rng.choice(["  ", " x ", " "]), nm), money.num(amount) + code)
        elif style == "table":
            S.cols4(nm, str(qty), money.num(unit), money.num(amount) + code)
        else:
            S.text(_digits(rng, rng.choice([8, 12, 13])) + ("  " + nm if rng.random() < 0.5 else ""))
            if rng.random() < 0.5:
                S.text(nm)
            S.cols3("  %d x %s" % (qty, money.num(unit)), "", money.num(amount) + code)
        if rng.random() < 0.06:
            disc = round(amount * rng.choice([0.1, 0.2, 0.3, 0.5]), 2)
            subtotal -= disc
            S.lr("  " + rng.choice(["Discount", "Rabatt", "Remise", "Promo", "DISC", "Member Price"]), "-" + money.num(disc))

    # Totals
    if not tiny and rng.random() < 0.7:
        S.rule()
    prof = COUNTRIES[country]
    rate = pick(rng, prof["rates"])
    tax_inclusive = country in ("DE", "AT", "CH", "FR", "BE", "NL", "UK", "IE", "AU", "SG") and rng.random() < 0.7
    if country == "MY" and rng.random() < 0.4:
        tax_inclusive = True
    tax = round(subtotal * rate / (100 + rate), 2) if tax_inclusive else round(subtotal * rate / 100, 2)
    service = round(subtotal * 0.10, 2) if (kind == "restaurant" and country in ("MY", "SG", "IN") and rng.random() < 0.5) else 0
    total = subtotal + service + (0 if tax_inclusive else tax)
    rounding = 0.0
    if country in ("MY", "SG", "CH", "AU", "NL", "BE") and rng.random() < 0.6:
        rounding = round(round_to(total, 0.05) - total, 2)
    total = round(total + rounding, 2)
    if n_qty and rng.random() < 0.3:
        S.lr(U(rng.choice(["Total Qty", "Item(s)", "No. of Items", "Anzahl Artikel", "Nb articles", "Total Item"])), str(n_qty))
    if not tiny and (service or not tax_inclusive or rng.random() < 0.6):
        S.lr(U(pick(rng, {"de": ["Zwischensumme", "Summe netto", "Zw.-Summe"], "fr": ["Sous-total", "Total HT", "S/Total"]}.get(
            lang, ["Subtotal", "Sub Total", "Sub-Total", "Total Sales (Excl GST)", "Total Excl. Tax", "Amount"]))), money(subtotal if not tax_inclusive else subtotal - tax))
    if service:
        S.lr(U(rng.choice(["Service Charge 10%", "Svc Chg 10%", "Service Charge"])), money.num(service))
    tax_label = pick(rng, prof["tax"])
    if not tiny and rng.random() < 0.9:
        lab = "%s %s%%" % (tax_label, ("%g" % rate)) if "%" not in tax_label else tax_label
        if tax_inclusive:
            lab = pick(rng, ["%s incl." % lab, "incl. %s" % lab, "%s (incl)" % lab, "enth. %s" % lab if lang == "de" else "dont %s" % lab if lang == "fr" else "Incl. %s" % lab])
        S.lr(U(lab), money.num(tax))
    if rounding or (country == "MY" and rng.random() < 0.4):
        S.lr(U(rng.choice(["Rounding", "Rounding Adj", "Rounding Adjustment", "Penggenapan", "Rundung"])), money.num(rounding))
    tot_lab = pick(rng, {"de": ["SUMME", "Gesamt", "Total", "Zu zahlen", "Summe EUR", "GESAMTBETRAG"],
                         "fr": ["TOTAL", "TOTAL TTC", "Net à payer", "A PAYER", "Total EUR"],
                         "ms": ["TOTAL", "Total", "GRAND TOTAL", "Total Amount", "TOTAL (RM)", "Total Inclusive GST", "NETT TOTAL", "JUMLAH", "Total Sales"],
                         "nl": ["TOTAAL", "Totaal", "Te betalen"]}.get(lang, ["TOTAL", "Total", "GRAND TOTAL", "Amount Due", "TOTAL DUE", "Balance Due", "Total (incl. VAT)"]))
    S.lr(U(tot_lab), money(total, force_symbol=rng.random() < 0.5), bold=rng.random() < 0.6)

    # Payment
    method = pick(rng, {"de": ["BAR", "Bar", "EC-Karte", "Girocard", "Kreditkarte", "VISA"], "fr": ["ESPECES", "Espèces", "CB", "Carte Bancaire", "CB SANS CONTACT"],
                        "ms": ["CASH", "Cash", "Tunai", "VISA", "MASTER", "Touch 'n Go", "DuitNow QR", "Debit Card"],
                        "nl": ["Contant", "PIN", "Pinbetaling"]}.get(lang, ["CASH", "Cash", "VISA", "MASTERCARD", "AMEX", "Debit", "Credit Card", "NETS", "PayNow", "Apple Pay", "EFTPOS"]))
    cashlike = method.lower() in ("cash", "bar", "tunai", "especes", "espèces", "contant")
    if not tiny or rng.random() < 0.5:
        if cashlike:
            paid = round(math.ceil(total / rng.choice([1, 5, 10, 20, 50])) * rng.choice([1, 5, 10, 20, 50]), 2) if total > 0 else 0
            paid = max(paid, total)
            S.lr(U(method), money.num(paid))
            S.lr(U(pick(rng, {"de": ["Rückgeld", "Zurück", "RÜCKGELD"], "fr": ["Rendu", "Monnaie rendue"], "ms": ["CHANGE", "Change", "Baki", "CHANGE DUE"]}.get(lang, ["CHANGE", "Change", "Change Due"]))), money.num(paid - total))
        else:
            S.lr(U(method), money.num(total))
            if rng.random() < 0.5:
                S.text("%s %s" % (pick(rng, {"de": ["Karte:", "Karten-Nr.:", "PAN:"], "fr": ["Carte :", "N° carte :"]}.get(lang, ["Card No:", "CARD:", "Acct:", "Card #"])), "*" * rng.choice([4, 8, 12]) + _digits(rng, 4)))
                if rng.random() < 0.6:
                    S.text("%s %s" % (pick(rng, {"de": ["Genehmigung:", "Autorisierung:"], "fr": ["Autorisation :", "N° autorisation :"]}.get(lang, ["Auth Code:", "APPR CODE:", "AUTH NO:", "Approval:"])), _digits(rng, 6)))
                if rng.random() < 0.5:
                    S.text("%s %s  %s %s" % (rng.choice(["TID:", "Terminal:", "T-ID"]), _digits(rng, 8), rng.choice(["MID:", "Merchant:", "VU-Nr."]), _digits(rng, rng.choice([9, 12, 15]))))
                if rng.random() < 0.4:
                    S.text(pick(rng, {"de": ["Zahlung erfolgt", "Kontaktlos", "PIN geprüft"], "fr": ["PAIEMENT ACCEPTE", "SANS CONTACT", "CODE VERIFIE"]}.get(lang, ["APPROVED", "TRANSACTION APPROVED", "CONTACTLESS", "NO SIGNATURE REQUIRED", "PIN VERIFIED"])), align="center")

    # Tax summary
    if not tiny and rng.random() < 0.35:
        if rng.random() < 0.5:
            S.rule()
        if lang == "de":
            S.cols4("MwSt", "Netto", "Steuer", "Brutto")
            S.cols4("A %g%%" % rate, money.num(total - tax), money.num(tax), money.num(total))
        elif lang == "fr":
            S.cols4("TVA", "HT", "TVA", "TTC")
            S.cols4("%g%%" % rate, money.num(total - tax), money.num(tax), money.num(total))
        else:
            S.text(U(rng.choice(["GST Summary", "Tax Summary", "%s Summary" % tax_label.split(" ")[0], "Summary"])))
            S.cols3(rng.choice(["Code", "Tax Code", ""]), rng.choice(["Amount", "Amt(%s)" % money.symbol, "Nett"]), rng.choice(["Tax", "GST", "Tax(%s)" % money.symbol]))
            S.cols3("%s @ %g%%" % (rng.choice(["SR", "S", "T", "Std"]), rate), money.num(total - tax), money.num(tax))
            if rng.random() < 0.3:
                S.cols3("ZR @ 0%", money.num(0), money.num(0))

    # Footer
    footers = {"ms": ["Thank You", "THANK YOU. PLEASE COME AGAIN", "Terima Kasih", "Terima kasih, sila datang lagi", "Goods sold are not returnable",
                      "Barang yang dijual tidak boleh dikembalikan", "Please keep this receipt", "Thank you & have a nice day",
                      "Exchange within 7 days with receipt", "No refund", "Price inclusive of GST", "Harga termasuk SST"],
               "de": ["Vielen Dank für Ihren Einkauf!", "Danke für Ihren Besuch", "Auf Wiedersehen", "Bitte Beleg aufbewahren",
                      "Umtausch nur mit Kassenbon", "Es bediente Sie: %s" % pick(rng, FIRST["de"]), "Öffnungszeiten Mo-Sa 8-20 Uhr",
                      "TSE-Transaktion: %s" % _digits(rng, 6), "TSE-Seriennummer: %s" % _letters(rng, 2) + _digits(rng, 10), "Steuer-Nr. %s/%s/%s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 5))],
               "fr": ["Merci de votre visite", "A bientôt !", "Merci et à bientôt", "Conservez votre ticket", "Ticket à conserver",
                      "Echange sous 15 jours avec ticket", "Horaires : 8h30 - 20h00", "Bonne journée"],
               "nl": ["Bedankt voor uw bezoek", "Tot ziens", "Bewaar uw bon"]}
    en_foot = ["THANK YOU!", "Thank you for shopping with us", "Please come again", "Have a nice day!", "Returns accepted within 30 days with receipt",
               "Keep your receipt", "Customer Copy", "*** CUSTOMER COPY ***", "Visit us at %s" % web(rng, shop), "Follow us on social media",
               "WiFi: %s  Password: %s" % (coined(rng), _digits(rng, 8)), "You saved %s today" % money(rng.uniform(0.5, 9)),
               "Points earned: %d   Balance: %d" % (rng.randint(1, 50), rng.randint(50, 3000)), "Tell us how we did: survey code %s" % _digits(rng, 10),
               "Gratuity not included", "Tip: ______", "Open daily 7am - 10pm"]
    promo = ["Did you enjoy your visit? Tell us at %s and get %d%% off your next purchase." % (web(rng, shop), rng.choice([5, 10, 15, 20, 30])),
             "Survey code: %s" % _digits(rng, 14), "We value your privacy. Our personal data policy is at %s." % web(rng, shop),
             "Exchange or refund within %d days with the original receipt." % rng.choice([3, 7, 14, 30]),
             "Owned and operated by %s (Co. No. %s-%s)" % (company(rng, country), _digits(rng, 6), _letters(rng, 1)),
             "Customer care hotline: %s" % phone(rng, country), "Scan the QR code on the back to earn points.",
             "Join our loyalty club and save on every visit.", "Delivery available - order online at %s" % web(rng, shop),
             "Sale items cannot be exchanged.", "Please check your change before leaving the counter.",
             "This is a computer generated receipt.", "No signature required.", "Prices are inclusive of tax where applicable."]
    if not tiny and rng.random() < 0.35:
        for p in rng.sample(promo, rng.randint(1, 3)):
            for ln in L.wrap(p, L.inner, family=family):
                S.text(ln, align="center")
    nf = 1 if tiny else rng.randint(0, 4)
    if nf and rng.random() < 0.5:
        S.rule()
    pool_f = footers.get(lang, []) + (en_foot if lang in ("en", "ms") else [])
    for f in rng.sample(pool_f, min(nf, len(pool_f))):
        S.text(U(f) if rng.random() < 0.5 else f, align="center")
    if not tiny and rng.random() < 0.25:
        S.text(_digits(rng, rng.randint(12, 22)), align="center")
    L.kind = kind + ("-tiny" if tiny else "")
    return L.finish()


# ---------------------------------------------------------------------------------------------
# Invoices: A4/Letter business invoices and credit notes
# ---------------------------------------------------------------------------------------------

INVOICE_COUNTRIES = [("DE", 26), ("US", 15), ("UK", 12), ("FR", 11), ("AT", 4), ("CH", 5), ("NL", 5), ("BE", 3),
                     ("MY", 5), ("SG", 4), ("AU", 3), ("IN", 3), ("IE", 2), ("CA", 2)]

INV_LABELS = {
    "en": dict(title=["INVOICE", "Invoice", "TAX INVOICE", "Tax Invoice", "Commercial Invoice", "PROFORMA INVOICE", "Sales Invoice", "Invoice"],
               credit=["CREDIT NOTE", "Credit Note", "Credit Memo"],
               no=["Invoice No.", "Invoice Number", "Invoice #", "Invoice no:", "Inv. No."], date=["Invoice Date", "Date", "Date of issue", "Invoice date"],
               due=["Due Date", "Payment Due", "Due", "Due date"], cust=["Customer No.", "Customer ID", "Account No.", "Client ID", "Customer Number"],
               order=["Order No.", "PO Number", "Your Order", "Purchase Order", "P.O. #", "Reference"], deliv=["Delivery Date", "Ship Date", "Service Period", "Shipped Via"],
               billto=["Bill To", "Invoice To", "BILL TO:", "Customer", "Sold To", "Billed To"], shipto=["Ship To", "Deliver To", "Delivery Address"],
               cols=[["Description", "Qty", "Unit Price", "Amount"], ["Item", "Description", "Quantity", "Rate", "Total"], ["#", "Product", "Qty", "Price", "Line Total"],
                     ["Pos", "Article", "Description", "Qty", "Unit", "Price", "Amount"], ["Description", "Hours", "Rate", "Amount"], ["Qty", "Item Code", "Description", "Unit Price", "Ext. Price"]],
               sub=["Subtotal", "Sub-total", "Net Total", "Total excl. VAT", "Net amount"], total=["Total", "TOTAL", "Amount Due", "Total Due", "Balance Due", "Invoice Total", "Grand Total", "Total incl. VAT"],
               paid=["Amount Paid", "Payments/Credits", "Paid"], ship=["Shipping", "Freight", "Delivery", "Shipping & Handling"], disc=["Discount", "Less discount"],
               terms=["Payment terms: {d} days net.", "Payment is due within {d} days of the invoice date.", "Please pay within {d} days.",
                      "Terms: Net {d}", "Please quote the invoice number with your payment.", "Thank you for your business!",
                      "Make all checks payable to {co}.", "A late fee of 1.5% per month will be charged on overdue balances.",
                      "Goods remain our property until paid in full.", "If you have any questions about this invoice, please contact {person}, {phone}.",
                      "Reverse charge: VAT to be accounted for by the recipient.", "Payment by bank transfer to the account below."],
               bank=["Bank details", "Payment details", "Remit to", "Banking information"], intro=["Thank you for your order. We are pleased to invoice the following:", "For services rendered:", "", "", ""],
               page="Page {p} of {n}", carried="Carried forward"),
    "de": dict(title=["Rechnung", "RECHNUNG", "Rechnung", "Abschlagsrechnung", "Schlussrechnung", "Proforma-Rechnung"], credit=["Gutschrift", "Rechnungskorrektur", "Stornorechnung"],
               no=["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr.", "Beleg-Nr."], date=["Rechnungsdatum", "Datum", "Belegdatum"],
               due=["Fällig am", "Zahlbar bis", "Fälligkeit"], cust=["Kundennummer", "Kunden-Nr.", "Kd.-Nr."], order=["Auftragsnummer", "Bestellnummer", "Ihre Bestellung", "Auftrag", "Ihr Zeichen"],
               deliv=["Lieferdatum", "Leistungsdatum", "Leistungszeitraum", "Lieferschein-Nr."], billto=["Rechnungsempfänger", "Rechnungsadresse", "Kunde", ""], shipto=["Lieferadresse", "Lieferanschrift"],
               cols=[["Pos.", "Bezeichnung", "Menge", "Einheit", "Einzelpreis", "Gesamtpreis"], ["Pos", "Art.-Nr.", "Beschreibung", "Menge", "E-Preis", "Betrag"],
                     ["Leistung", "Menge", "Preis", "Summe"], ["Pos.", "Artikel", "Anzahl", "Preis netto", "MwSt.", "Gesamt"]],
               sub=["Nettobetrag", "Summe netto", "Zwischensumme", "Gesamt netto", "Warenwert"], total=["Rechnungsbetrag", "Gesamtbetrag", "Bruttobetrag", "Gesamtsumme", "Zu zahlender Betrag", "Endbetrag"],
               paid=["Bereits bezahlt", "Abschlagszahlung"], ship=["Versandkosten", "Fracht", "Porto und Verpackung"], disc=["Rabatt", "Nachlass"],
               terms=["Zahlbar innerhalb von {d} Tagen ohne Abzug.", "Bitte überweisen Sie den Betrag bis zum {due} auf das unten genannte Konto.",
                      "Bei Zahlung innerhalb von 10 Tagen gewähren wir 2 % Skonto.", "Vielen Dank für Ihren Auftrag!", "Die Leistung wurde im {month} {year} erbracht.",
                      "Es gelten unsere Allgemeinen Geschäftsbedingungen.", "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
                      "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet.", "Bitte geben Sie bei Zahlung die Rechnungsnummer an.", "Die Ware bleibt bis zur vollständigen Bezahlung unser Eigentum."],
               bank=["Bankverbindung", "Zahlungsinformationen", "Konto"], intro=["Vielen Dank für Ihren Auftrag. Wir berechnen Ihnen wie folgt:", "Sehr geehrte Damen und Herren, für unsere Leistungen erlauben wir uns zu berechnen:", "", ""],
               page="Seite {p} von {n}", carried="Übertrag"),
    "fr": dict(title=["FACTURE", "Facture", "Facture", "Facture d'acompte", "Facture proforma"], credit=["Avoir", "AVOIR", "Facture d'avoir"],
               no=["Facture N°", "N° de facture", "Numéro", "Réf. facture"], date=["Date de facture", "Date", "Date d'émission"], due=["Échéance", "Date d'échéance", "A régler avant le"],
               cust=["N° client", "Code client", "Client N°"], order=["Commande N°", "Votre commande", "Bon de commande", "Réf. commande"], deliv=["Date de livraison", "Période", "Bon de livraison"],
               billto=["Facturé à", "Client", "Adresse de facturation", "Destinataire"], shipto=["Livré à", "Adresse de livraison"],
               cols=[["Désignation", "Qté", "P.U. HT", "Montant HT"], ["Réf.", "Désignation", "Quantité", "Prix unitaire", "TVA", "Total HT"], ["Description", "Qté", "Prix", "Total"]],
               sub=["Total HT", "Montant HT", "Sous-total"], total=["Total TTC", "Net à payer", "Montant TTC", "TOTAL TTC", "Reste à payer"], paid=["Acompte versé", "Déjà réglé"],
               ship=["Frais de port", "Livraison"], disc=["Remise", "Escompte"],
               terms=["Paiement à {d} jours date de facture.", "Conditions de paiement : à réception.", "Pas d'escompte pour paiement anticipé.",
                      "En cas de retard de paiement, une indemnité forfaitaire de 40 € pour frais de recouvrement sera exigée.", "TVA non applicable, art. 293 B du CGI.",
                      "Merci de votre confiance.", "Règlement par virement bancaire.", "Autoliquidation de la TVA."],
               bank=["Coordonnées bancaires", "RIB", "Règlement"], intro=["Nous vous remercions de votre commande.", "", ""], page="Page {p}/{n}", carried="Report"),
    "nl": dict(title=["FACTUUR", "Factuur"], credit=["Creditnota", "CREDITFACTUUR"], no=["Factuurnummer", "Factuurnr."], date=["Factuurdatum", "Datum"], due=["Vervaldatum"],
               cust=["Klantnummer"], order=["Ordernummer", "Uw referentie"], deliv=["Leverdatum"], billto=["Factuuradres", "Aan"], shipto=["Afleveradres"],
               cols=[["Omschrijving", "Aantal", "Prijs", "Bedrag"], ["Artikel", "Omschrijving", "Aantal", "Stukprijs", "Totaal"]], sub=["Subtotaal", "Totaal excl. BTW"],
               total=["Totaal", "Te betalen", "Totaal incl. BTW"], paid=["Betaald"], ship=["Verzendkosten"], disc=["Korting"],
               terms=["Gelieve binnen {d} dagen te betalen.", "Betaling binnen {d} dagen na factuurdatum o.v.v. het factuurnummer.", "Bedankt voor uw bestelling."],
               bank=["Bankgegevens"], intro=["", ""], page="Pagina {p} van {n}", carried="Transport"),
}


def _fill(rng, s, **kw):
    for k, v in kw.items():
        s = s.replace("{%s}" % k, str(v))
    return s


def footer_lines(rng, country, lang, seller, addr, tel, mail):
    parts = [seller + " · " + ", ".join(addr[:2])] if rng.random() < 0.6 else [seller, ", ".join(addr)]
    if lang == "de":
        parts.append("Geschäftsführer: %s · Amtsgericht %s HRB %s · %s" % (person(rng, "de"), pick(rng, DE_PLACES), _digits(rng, 5), tax_id(rng, country)))
    elif lang == "fr":
        parts.append("%s au capital de %s € · RCS %s %s · %s" % (rng.choice(["SARL", "SAS", "SA"]), fmt_num(rng.choice([1000, 5000, 10000, 50000, 150000]), "fr", 0), pick(rng, FR_PLACES), _digits(rng, 9), tax_id(rng, country)))
    else:
        parts.append(rng.choice(["Registered in %s No. %s" % (rng.choice(["England and Wales", "Scotland", "Delaware"]), _digits(rng, 8)), tax_id(rng, country), "Registered office: " + ", ".join(addr)]))
    parts.append("Tel. %s · %s · %s" % (tel, mail, web(rng, seller)))
    return parts


def party_block(rng, country, lang):
    if rng.random() < 0.75:
        co = company(rng, country)
        lines = [co]
        if rng.random() < 0.5:
            lines.append(rng.choice([T(lang, en="Attn: ", de="z. Hd. ", fr="À l'attention de ", nl="T.a.v. ") + person(rng, lang if lang in FIRST else "en"),
                                     T(lang, en="Accounts Payable", de="Buchhaltung", fr="Service comptabilité", nl="Crediteurenadministratie")]))
    else:
        co = person(rng, lang if lang in FIRST else "en", with_title=rng.random() < 0.5)
        lines = [co]
    lines += address(rng, country)
    return co, lines


def build_invoice(rng, fonts):
    country = weighted(rng, INVOICE_COUNTRIES)
    lang = lang_of(rng, country)
    if lang == "ms":
        lang = "en"
    lab = INV_LABELS.get(lang, INV_LABELS["en"])
    money = Money(rng, country)
    letter_paper = country in ("US", "CA") and rng.random() < 0.8
    W, H = (612, 792) if letter_paper else (595, 842)
    family = rng.choice(["sans", "sans", "sans", "serif", "mono"] if rng.random() < 0.9 else ["mono"])
    size = rng.uniform(8.0, 10.5) if family != "mono" else rng.uniform(7.5, 9.0)
    mg = rng.uniform(36, 70)
    L = Layout(fonts, W, H, (mg, rng.uniform(30, 60), mg, rng.uniform(45, 70)), family, size)
    credit = rng.random() < 0.1
    seller = company(rng, country)
    s_addr = address(rng, country)
    tel = phone(rng, country)
    mail = email(rng, seller)
    foot = footer_lines(rng, country, lang, seller, s_addr, tel, mail)
    page_fmt = lab["page"]
    show_foot = rng.random() < 0.6
    show_pages = rng.random() < 0.5

    def footer(Lo, idx):
        y0 = Lo.h - Lo.mb + 12
        if show_foot:
            for i, fl in enumerate(foot):
                Lo.put(Lo.inner / 2, fl, size=size * 0.72, align="center", y=y0 + i * size * 0.9)
        if show_pages:
            Lo.put(Lo.inner, page_fmt.replace("{p}", str(idx + 1)).replace("{n}", "%N%"), size=size * 0.75, align="right",
                   y=y0 - size * 1.2 if show_foot else y0)
    L.footer = footer

    # Letterhead
    head_style = rng.choice(["left", "right", "center", "din"])
    big = size * rng.uniform(1.4, 2.4)
    if head_style == "center":
        L.line(seller, bold=True, size=big, align="center")
        L.line("  ·  ".join(s_addr), size=size * 0.85, align="center")
        L.line("%s %s  ·  %s" % (T(lang, en="Tel", de="Tel.", fr="Tél.", nl="Tel."), tel, mail), size=size * 0.85, align="center")
    elif head_style == "right":
        L.line(seller, bold=True, size=big, align="right")
        for a in s_addr + [tel, mail]:
            L.line(a, size=size * 0.9, align="right")
    else:
        L.line(seller, bold=True, size=big)
        for a in s_addr:
            L.line(a, size=size * 0.9)
        L.line("%s %s" % (T(lang, en=rng.choice(["Phone:", "Tel:", "T:"]), de="Tel.:", fr="Tél. :", nl="Tel:"), tel), size=size * 0.9)
        if rng.random() < 0.6:
            L.line(mail, size=size * 0.9)
    if rng.random() < 0.5:
        L.line(tax_id(rng, country), size=size * 0.85, align="right" if head_style == "right" else "left")
    L.space(size * rng.uniform(1.0, 3.0))

    # Buyer and meta, side by side.
    buyer, b_lines = party_block(rng, country if rng.random() < 0.8 else weighted(rng, INVOICE_COUNTRIES), lang)
    y_top = L.y
    if head_style == "din" or rng.random() < 0.3:
        L.line("%s · %s" % (seller, ", ".join(s_addr[:2])), size=size * 0.65)
    bt = pick(rng, lab["billto"])
    if bt:
        L.line(bt + ("" if bt.endswith(":") else rng.choice([":", ""])), bold=True)
    for b in b_lines:
        L.line(b)
    y_left = L.y
    d = rand_date(rng, 2012, 2025)
    dk = date_kind_for(rng, country, lang)
    term_days = rng.choice([7, 10, 14, 14, 21, 30, 30, 30, 45, 60])
    due = d + datetime.timedelta(days=term_days)
    meta = [(pick(rng, lab["no"]), doc_number(rng, ("INV", "RE", "R", "F", "FA", "", "", "", "GS" if credit else "RG"))),
            (pick(rng, lab["date"]), fmt_date(rng, d, dk))]
    if rng.random() < 0.7:
        meta.append((pick(rng, lab["due"]), fmt_date(rng, due, dk)))
    if rng.random() < 0.6:
        meta.append((pick(rng, lab["cust"]), rng.choice([_digits(rng, rng.randint(4, 7)), "K" + _digits(rng, 5), "C-" + _digits(rng, 4)])))
    if rng.random() < 0.5:
        meta.append((pick(rng, lab["order"]), doc_number(rng, ("PO", "A", "B", "", ""))))
    if rng.random() < 0.4:
        meta.append((pick(rng, lab["deliv"]), fmt_date(rng, d - datetime.timedelta(days=rng.randint(0, 20)), dk)))
    if rng.random() < 0.2:
        meta.append((T(lang, en="Sales Rep", de="Bearbeiter", fr="Commercial", nl="Contactpersoon"), person(rng, lang if lang in FIRST else "en")))
    if rng.random() < 0.2 and lang != "nl":
        meta.append((T(lang, en="VAT No.", de="USt-IdNr. Kunde", fr="TVA client"), tax_id(rng, country).split(":")[-1].strip()))
    title = pick(rng, lab["credit"] if credit else lab["title"])
    meta_side = rng.random() < 0.65
    if meta_side:
        L.y = y_top
        x0 = L.inner * rng.uniform(0.55, 0.62)
        if rng.random() < 0.5:
            L.line(title, x=x0, bold=True, size=size * 1.5)
        for k, v in meta:
            L.cells([(x0, k + rng.choice([":", "", ":"])), (L.inner, v, "right")])
        L.y = max(L.y, y_left)
        L.space(size * 1.5)
        if rng.random() < 0.5:
            L.line(title + ((" " + meta[0][1]) if rng.random() < 0.5 else ""), bold=True, size=size * 1.4)
    else:
        L.space(size * 1.5)
        L.line(title, bold=True, size=size * rng.uniform(1.3, 2.0))
        for k, v in meta:
            if rng.random() < 0.5:
                L.line("%s: %s" % (k, v))
            else:
                L.cells([(0, k + ":"), (L.inner * 0.3, v)])
    L.space(size)
    intro = pick(rng, lab["intro"])
    if intro:
        L.paragraph(intro)

    # Line items
    cols = list(pick(rng, lab["cols"]))
    n = weighted(rng, [(1, 12), (2, 14), (3, 14), (4, 11), (5, 9), (7, 9), (10, 8), (15, 6), (25, 6), (40, 5), (60, 3)])
    pool = INVOICE_ITEMS.get(lang, INVOICE_ITEMS["en"])
    units = UNITS.get(lang, UNITS["en"])
    prof = COUNTRIES[country]
    rate = pick(rng, prof["rates"])
    # Column positions: description gets the room, numbers are right-aligned on the right.
    ncol = len(cols)
    numeric = {"qty", "quantity", "menge", "anzahl", "qté", "quantité", "aantal", "hours", "unit", "einheit", "unit price", "rate",
               "price", "amount", "total", "line total", "ext. price", "einzelpreis", "gesamtpreis", "e-preis", "betrag", "preis",
               "summe", "preis netto", "mwst.", "gesamt", "p.u. ht", "montant ht", "prix unitaire", "tva", "total ht", "prix",
               "stukprijs", "bedrag", "totaal", "prijs"}
    n_num = 0
    while n_num < ncol - 1 and cols[ncol - 1 - n_num].lower() in numeric:
        n_num += 1
    right_edges = {1: [1.0], 2: [0.8, 1.0], 3: [0.62, 0.8, 1.0], 4: [0.55, 0.68, 0.84, 1.0], 5: [0.5, 0.6, 0.72, 0.86, 1.0]}[max(1, n_num)]
    n_left = ncol - n_num
    left_x = {1: [0], 2: [0, 0.08], 3: [0, 0.07, 0.2]}[n_left]
    xs = [(L.inner * f, "left") for f in left_x] + [(L.inner * x, "right") for x in right_edges]
    grid = rng.random() < 0.4

    def header_row():
        if grid:
            L.rule(dy=2)
        L.cells([(x, c, a) for (x, a), c in zip(xs, cols)], bold=True)
        L.rule(dy=2)

    header_row()
    subtotal = 0.0
    desc_idx = n_left - 1
    for i in range(n):
        nm = item_name(rng, pool)
        qty = rng.choice([1, 1, 1, 2, 3, 4, 5, 10, 12, 20, 25, 50, 100]) if rng.random() < 0.8 else round(rng.uniform(0.5, 40), 1)
        price = round(rng.choice([rng.uniform(1, 50), rng.uniform(20, 300), rng.uniform(100, 2500)]), 2)
        if country == "IN":
            price = round(price * 50, 0)
        amt = round(qty * price, 2)
        subtotal += amt
        row = []
        for j, c in enumerate(cols):
            cl = c.lower()
            if j == desc_idx:
                v = nm
            elif cl in ("pos", "pos.", "#"):
                v = str(i + 1)
            elif cl in ("qty", "menge", "qté", "quantity", "anzahl", "quantité", "aantal", "hours"):
                v = fmt_num(qty, money.style, 0 if float(qty).is_integer() else 1) if not float(qty).is_integer() else str(int(qty))
            elif cl in ("unit", "einheit"):
                v = pick(rng, units)
            elif cl in ("art.-nr.", "item code", "réf.", "article", "item", "artikel", "product"):
                v = rng.choice([_digits(rng, 5), _letters(rng, 2) + "-" + _digits(rng, 4), _digits(rng, 3) + "." + _digits(rng, 3)])
            elif cl in ("mwst.", "tva"):
                v = "%g%%" % rate
            elif j == ncol - 1:
                v = money.num(amt)
            else:
                v = money.num(price)
            row.append(v)
        L.cells([(x, v, a) for (x, a), v in zip(xs, row)])
        if rng.random() < 0.15:
            L.line(expand(rng, rng.choice(["{thing_c}", "Ref. {ref}", "{date}", "incl. {thing}"]), "en"), x=xs[desc_idx][0] + 6, size=size * 0.85)
        if grid and rng.random() < 0.5:
            L.rule(dy=1, width=0.3)
        if L.y > L.h - L.mb - size * 3 and i < n - 1:
            L.cells([(0, lab["carried"]), (L.inner, money.num(subtotal), "right")], bold=True)
            L.new_page()
            L.cells([(0, lab["carried"]), (L.inner, money.num(subtotal), "right")], bold=True)
            header_row()
    L.rule(dy=3)

    # Totals
    x_lab = L.inner * rng.uniform(0.5, 0.62)
    def tot(label, value, bold=False):
        L.cells([(x_lab, label), (L.inner, value, "right")], bold=bold)
    total = subtotal
    tot(pick(rng, lab["sub"]), money(subtotal))
    if rng.random() < 0.15:
        disc = round(subtotal * rng.choice([0.02, 0.03, 0.05, 0.1]), 2)
        tot(pick(rng, lab["disc"]), "-" + money.num(disc))
        total -= disc
    if rng.random() < 0.2:
        sh = round(rng.uniform(4, 80), 2)
        tot(pick(rng, lab["ship"]), money.num(sh))
        total += sh
    no_tax = rng.random() < 0.08 or (country == "US" and rng.random() < 0.4)
    if not no_tax:
        tax_lab = pick(rng, prof["tax"])
        tax = round(total * rate / 100, 2)
        if country == "IN" and rng.random() < 0.6:
            half = round(tax / 2, 2)
            tot("CGST %g%%" % (rate / 2), money.num(half))
            tot("SGST %g%%" % (rate / 2), money.num(half))
        else:
            tot(rng.choice(["%s %g%%" % (tax_lab, rate), "%s (%g%%)" % (tax_lab, rate), "%g%% %s" % (rate, tax_lab), "zzgl. %g%% %s" % (rate, tax_lab) if lang == "de" else "%s %g %%" % (tax_lab, rate)]), money.num(tax))
        total += tax
    tot(pick(rng, lab["total"]), money(total, force_symbol=True), bold=True)
    if rng.random() < 0.12:
        paid = round(total * rng.choice([0.3, 0.5, 1.0]), 2)
        tot(pick(rng, lab["paid"]), "-" + money.num(paid))
        tot(T(lang, en="Balance Due", de="Restbetrag", fr="Reste à payer", nl="Openstaand"), money(total - paid), bold=True)
    L.space(size * 1.5)

    # Terms and bank details
    for t in rng.sample(lab["terms"], rng.randint(1, 3)):
        L.paragraph(_fill(rng, t, d=term_days, due=fmt_date(rng, due, dk), co=seller, person=person(rng, lang if lang in FIRST else "en"),
                          phone=tel, month=pick(rng, MONTHS.get(lang, MONTHS["en"])), year=d.year), after=0.3)
    if rng.random() < 0.7:
        L.space(size * 0.8)
        L.line(pick(rng, lab["bank"]) + ":", bold=True)
        if country in ("US", "CA"):
            rows = [("Bank", "%s Bank" % pick(rng, BRAND_WORDS)), ("Routing No.", _digits(rng, 9)), ("Account No.", _digits(rng, rng.randint(8, 12)))]
        elif country in ("UK",) and rng.random() < 0.6:
            rows = [("Bank", "%s Bank plc" % pick(rng, BRAND_WORDS)), ("Sort code", "%s-%s-%s" % (_digits(rng, 2), _digits(rng, 2), _digits(rng, 2))), ("Account", _digits(rng, 8))]
        elif country in ("MY", "SG", "AU", "IN"):
            rows = [("Bank", "%s Bank %s" % (pick(rng, BRAND_WORDS), rng.choice(["Berhad", "Ltd", ""]))), ("Account Name", seller), ("Account No.", _digits(rng, rng.randint(10, 14))), ("SWIFT", bic(rng))]
        else:
            rows = [(T(lang, en="Bank", de="Bank", fr="Banque", nl="Bank"), "%s %s" % (rng.choice(["Sparkasse", "Volksbank", "Banque", "Crédit", "Raiffeisenbank", "Deutsche", "Caisse"]), pick(rng, DE_PLACES + FR_PLACES))),
                    ("IBAN", iban(rng, country)), ("BIC", bic(rng))]
            if rng.random() < 0.3:
                rows.append((T(lang, en="Account holder", de="Kontoinhaber", fr="Titulaire", nl="Rekeninghouder"), seller))
        if rng.random() < 0.5:
            L.line("  ".join("%s: %s" % r for r in rows))
        else:
            for k2, v2 in rows:
                L.cells([(0, k2 + ":"), (L.inner * 0.22, v2)])
    if rng.random() < 0.25:
        # Another page: terms and conditions.
        L.new_page()
        L.line(T(lang, en="Terms and Conditions", de="Allgemeine Geschäftsbedingungen", fr="Conditions générales de vente", nl="Algemene voorwaarden"), bold=True, size=size * 1.3)
        for i in range(rng.randint(4, 9)):
            L.paragraph("%d. " % (i + 1) + " ".join(_fill(rng, pick(rng, lab["terms"]), d=term_days, due="", co=seller, person="", phone=tel, month="", year="") for _ in range(rng.randint(2, 4))), size=size * 0.85)
    L.finish()
    _fix_page_totals(L)
    L.kind = "credit-note" if credit else "invoice"
    return L


def _fix_page_totals(L):
    n = str(len(L.pages))
    for items in L.pages:
        for i, it in enumerate(items):
            if it[0] == "text" and "%N%" in it[3]:
                items[i] = it[:3] + (it[3].replace("%N%", n),) + it[4:]


# ---------------------------------------------------------------------------------------------
# Forms: fields, blanks, boxes and checkboxes
# ---------------------------------------------------------------------------------------------

FORM_COUNTRIES = [("US", 50), ("UK", 14), ("DE", 12), ("FR", 8), ("CA", 3), ("AU", 3), ("MY", 4), ("SG", 2), ("CH", 2), ("NL", 2)]

# Field kinds: name, date, text, phone, addr, num, money, check (options), sign, long, code, email, yn
F_PERSON_EN = [("Name", "name"), ("Full Name", "name"), ("Last Name", "last"), ("First Name", "first"), ("Date of Birth", "date"),
               ("Address", "addr"), ("City", "city"), ("State", "code"), ("ZIP Code", "num"), ("Telephone", "phone"), ("Phone", "phone"),
               ("E-mail", "email"), ("Social Security No.", "num"), ("Sex", "check:M|F"), ("Marital Status", "check:Single|Married|Divorced|Widowed"),
               ("Nationality", "text"), ("Occupation", "text"), ("Employer", "org"), ("Home Phone", "phone"), ("Work Phone", "phone"), ("Mobile", "phone")]
F_WORK_EN = [("Department", "dept"), ("Position", "text"), ("Employee No.", "num"), ("Supervisor", "name"), ("Cost Center", "num"),
             ("Account No.", "num"), ("Project No.", "code"), ("Budget Code", "code"), ("Location", "city"), ("Extension", "num"),
             ("Start Date", "date"), ("End Date", "date"), ("Requested by", "name"), ("Approved by", "name"), ("Date Required", "date"),
             ("Division", "dept"), ("Room No.", "num"), ("Mail Stop", "code"), ("Brand", "brand"), ("Program", "text"), ("Job Title", "text")]
_MORE_LABELS = ("Account Name|Agency|Applicant|Area Code|Authorized by|Batch No.|Birthplace|Branch|Building|Category|Certificate No.|"
                "Charge No.|Checked by|Claim No.|Client|Company Name|Completed by|Contract No.|Country|County|Course Title|Customer|"
                "Date Issued|Date Received|Date Shipped|Delivery Date|Description of Work|Destination|Document No.|Driver's License No.|"
                "Effective Date|Emergency Contact|Estimated Completion|Expiration Date|Fax Number|File No.|Grade|Group No.|Hours|ID Number|"
                "Insurance Carrier|Issue Date|Job Description|Last Day Worked|License Plate|Location Code|Lot No.|Make/Model|Manager|"
                "Meeting Date|Member ID|Middle Initial|Model No.|Name of Spouse|Nature of Business|Next Review Date|No. of Copies|Office|"
                "Order Date|Origin|Owner|Part No.|Payee|Period Covered|Place of Birth|Policy No.|Position Title|Prepared by|Previous Address|"
                "Project Title|Purpose of Trip|Quantity Ordered|Reason|Received by|Reference No.|Relationship|Reported by|Request Date|"
                "Requisition No.|Review Date|Salary|School|Serial No.|Shift|Ship Via|Site|Sponsor|Start Time|Station|Subject|Submitted by|"
                "Supervisor's Signature|Telephone No.|Term|Territory|Title|Total Hours|Type of Leave|Unit|Vehicle No.|Vendor No.|Verified by|"
                "Witness|Year|Room|Floor|Plant|Product|Formula No.|Test No.|Batch Size|Operator|Machine No.|Run No.|Inspector's Name|"
                "Date Completed|Originator|Authorization No.|Program Name|Event|Attendance|Location of Incident|Time of Incident|"
                "Nature of Injury|Body Part|Treatment|Physician|Hospital|Insurance No.|Group|Plan|Dependents|Beneficiary").split("|")


def _guess_kind(label):
    l = label.lower()
    for keys, kind in ((("date", "day", "year"), "date"), (("signature",), "sign"), (("phone", "fax"), "phone"),
                       (("no.", "number", "id", "code", "#"), "num"), (("by", "name", "manager", "witness", "payee", "owner", "physician", "operator",
                                                                             "originator", "inspector", "applicant", "beneficiary", "spouse"), "name"),
                       (("address", "destination", "origin", "location", "birthplace", "place"), "city"), (("salary",), "money"),
                       (("hours", "copies", "size", "attendance", "quantity", "room", "floor", "dependents"), "num"),
                       (("company", "agency", "carrier", "client", "customer", "sponsor", "hospital", "school"), "org")):
        if any(k in l for k in keys):
            return kind
    return "text"


F_MORE_EN = [(lab, _guess_kind(lab)) for lab in _MORE_LABELS]
# Labels that are phrases rather than single nouns.
F_PHRASES_EN = [("Date of Request", "date"), ("Name of Applicant", "name"), ("Number of Copies", "num"), ("Period from", "date"), ("to", "date"),
                ("From", "name"), ("To", "name"), ("Other (specify)", "text"), ("Reason for Request", "text"), ("Method of Shipment", "text"),
                ("Place of Work", "city"), ("Type of Product", "text"), ("Purpose of Visit", "text"), ("Description of Item", "text"),
                ("Result of Test", "text"), ("Name and Address of Employer", "addr"), ("Signature of Supervisor", "sign"),
                ("Date Approved", "date"), ("Approved by", "name"), ("Number of Units", "num"), ("Length of Service", "num"),
                ("Source of Funds", "text"), ("Date of Last Review", "date"), ("Name of Company", "org"), ("Area of Responsibility", "dept"),
                ("Total Number of Pages", "num"), ("Is this a Rush?", "check:Yes|No"), ("Initials", "initials"), ("Checked by (initials)", "initials"),
                ("Amount of Increase", "money"), ("Name of Product", "brand"), ("Code No. of Sample", "code"), ("Subject", "text"), ("Re", "text"),
                ("Copies to", "name"), ("Date of Issue", "date"), ("Effective from", "date"), ("Level of Priority", "check:A|B|C")]
DEPTS = ["Marketing", "Research & Development", "Finance", "Human Resources", "Purchasing", "Legal", "Quality Assurance", "Operations",
         "Sales", "Engineering", "Public Affairs", "Information Systems", "Manufacturing", "Logistics", "Customer Service", "Accounting"]
FORM_TEXT_VALUES = ["See attached", "N/A", "Yes", "No", "Pending", "As discussed", "Per request", "Approved", "Urgent", "Standard",
                    "Quarterly", "Monthly", "Completed", "In progress", "To be confirmed", "Same as above", "None"]

FORM_TYPES_EN = {
    "fax": ["FAX COVER SHEET", "FACSIMILE TRANSMITTAL", "Fax Transmission", "FAX", "TELECOPY COVER SHEET", "FACSIMILE COVER SHEET"],
    "request": ["REQUEST FOR {x}", "{x} REQUEST", "{x} Request", "APPLICATION FOR {x}", "{x} AUTHORIZATION", "{x} REQUEST FORM"],
    "survey": ["QUESTIONNAIRE", "Customer Satisfaction Survey", "{x} SURVEY", "Evaluation Form", "Feedback Form", "{x} QUESTIONNAIRE"],
    "checklist": ["INSPECTION CHECKLIST", "{x} Checklist", "Safety Inspection Report", "Quality Control Checklist", "Site Inspection Form", "Vehicle Inspection Report"],
    "registration": ["REGISTRATION", "{x} Registration", "Enrollment", "Membership Application", "New Patient Registration", "Course Registration"],
    "order": ["ORDER FORM", "PURCHASE REQUISITION", "Requisition", "Supply Request", "Material Requisition", "Stationery Order"],
    "routing": ["ROUTING SLIP", "Routing and Transmittal Slip", "Document Routing", "Circulation Slip", "Action Slip", "Transmittal"],
    "report": ["INCIDENT REPORT", "Accident Report Form", "{x} REPORT FORM", "Test Report", "Field Report", "Product Evaluation Form", "Daily Activity Report"],
    "application": ["APPLICATION", "Employment Application", "Application for Leave", "Grant Application", "Credit Application", "Permit Application"],
    "claim": ["EXPENSE CLAIM FORM", "Travel Expense Report", "Claim Form", "Reimbursement Request", "Mileage Claim"],
    "change": ["CHANGE OF ADDRESS", "Personnel Action", "Change Request", "Account Update", "Authorization Form", "Consent Form"],
}
FORM_X = ["PROPOSAL", "PROJECT", "INFORMATION", "ACCESS", "MAINTENANCE", "TRAVEL", "PURCHASE", "QUOTATION", "RESEARCH", "SAMPLE", "ANALYSIS",
          "CHECK", "PAYMENT", "LEAVE", "TRAINING", "PRINTING", "ARTWORK", "PRODUCT TEST", "CONSUMER RESEARCH", "ADVERTISING", "BUDGET",
          "EQUIPMENT", "SOFTWARE", "VISITOR", "FACILITY", "CAPITAL EXPENDITURE", "MEDIA", "PROMOTION", "MARKET RESEARCH", "LABORATORY"]

FORM_DE = {"title": ["Antrag auf {x}", "Anmeldeformular", "Fragebogen", "Bestellformular", "Erfassungsbogen", "Personalbogen", "Prüfprotokoll",
                     "Reisekostenabrechnung", "Schadensmeldung", "Änderungsmitteilung", "Urlaubsantrag", "Faxmitteilung", "Checkliste {x}"],
           "x": ["Zuschuss", "Genehmigung", "Erstattung", "Mitgliedschaft", "Zugang", "Wartung", "Beschaffung", "Dienstreise", "Abnahme"],
           "fields": [("Name", "last"), ("Vorname", "first"), ("Geburtsdatum", "date"), ("Straße, Hausnummer", "street"), ("PLZ, Ort", "city"),
                      ("Telefon", "phone"), ("E-Mail", "email"), ("Abteilung", "dept"), ("Personalnummer", "num"), ("Kostenstelle", "num"),
                      ("Datum", "date"), ("Ort, Datum", "city"), ("Unterschrift", "sign"), ("Genehmigt durch", "name"), ("Betrag", "money"),
                      ("Begründung", "long"), ("Bemerkungen", "long"), ("Staatsangehörigkeit", "text"), ("Familienstand", "check:ledig|verheiratet|geschieden"),
                      ("Bankverbindung (IBAN)", "iban"), ("Zeitraum von", "date"), ("bis", "date"), ("Anzahl", "num"), ("Firma", "org"),
                      ("Ansprechpartner", "name"), ("Vorgesetzter", "name"), ("Zutreffendes bitte ankreuzen", "check:ja|nein")],
           "sections": ["Angaben zur Person", "Angaben zum Antrag", "Erklärung", "Bankverbindung", "Nur für interne Zwecke", "Genehmigung", "Anlagen"],
           "yes": "ja", "no": "nein", "sign": "Unterschrift", "date": "Datum", "office": "Vom Amt auszufüllen", "decl": "Ich versichere, dass die Angaben vollständig und richtig sind."}
FORM_FR = {"title": ["Formulaire de demande", "Fiche d'inscription", "Questionnaire", "Bon de commande", "Demande de {x}", "Fiche de renseignements",
                     "Déclaration de sinistre", "Note de frais", "Demande de congé", "Bordereau de transmission", "Fiche de contrôle", "Télécopie"],
           "x": ["remboursement", "subvention", "autorisation", "adhésion", "accès", "intervention", "matériel", "formation"],
           "fields": [("Nom", "last"), ("Prénom", "first"), ("Date de naissance", "date"), ("Adresse", "street"), ("Code postal / Ville", "city"),
                      ("Téléphone", "phone"), ("Courriel", "email"), ("Service", "dept"), ("Matricule", "num"), ("Date", "date"), ("Fait à", "city"),
                      ("Signature", "sign"), ("Montant", "money"), ("Motif", "long"), ("Observations", "long"), ("Nationalité", "text"),
                      ("Situation familiale", "check:célibataire|marié(e)|divorcé(e)"), ("Société", "org"), ("Responsable", "name"), ("Visa du responsable", "sign")],
           "sections": ["Renseignements personnels", "Objet de la demande", "Pièces à joindre", "Cadre réservé à l'administration", "Engagement", "Validation"],
           "yes": "oui", "no": "non", "sign": "Signature", "date": "Date", "office": "Cadre réservé à l'administration", "decl": "Je certifie l'exactitude des renseignements fournis."}

SURVEY_Q = ["How satisfied are you with {s}?", "How often do you use {s}?", "Would you recommend {s} to a friend?", "How would you rate {s}?",
            "Did {s} meet your expectations?", "Please rate the quality of {s}.", "How likely are you to purchase {s} again?",
            "Was the information about {s} easy to understand?", "Which of the following best describes {s}?", "How important is {s} to you?",
            "What did you like most about {s}?", "What could be improved about {s}?", "Overall, how would you rate {s}?"]
SURVEY_S = ["our service", "the product", "the training course", "the taste", "the packaging", "the delivery time", "the staff", "the website",
            "the price", "the event", "the cigarette", "the new flavor", "the sample", "the instructions", "the facilities", "customer support",
            "{brand}"]
SCALES = [["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"], ["Excellent", "Good", "Fair", "Poor"],
          ["1", "2", "3", "4", "5"], ["Strongly agree", "Agree", "Disagree", "Strongly disagree"], ["Yes", "No", "Not sure"],
          ["Always", "Often", "Sometimes", "Rarely", "Never"], ["Too strong", "Just right", "Too mild"], ["Daily", "Weekly", "Monthly", "Never"]]
CHECK_ITEMS = ["Fire extinguishers charged and accessible", "Emergency exits clear", "First aid kit stocked", "Lighting adequate", "Floors clean and dry",
               "Guards in place", "Labels legible", "Electrical cords in good condition", "PPE available", "Ladders inspected", "Storage areas orderly",
               "Brakes", "Tyres / tread depth", "Lights and indicators", "Horn", "Wipers", "Oil level", "Seat belts", "Documents on file", "Calibration current",
               "Temperature log complete", "Samples labelled", "Hand washing facilities", "Waste disposal", "Signage posted", "Ventilation working",
               "Equipment cleaned", "Batch record signed", "Seals intact", "Packaging undamaged", "Quantity verified", "Spill kit available"]
F_RND_SHORT = [("Sample No.", "num"), ("Project No.", "code"), ("Requested by", "name"), ("Date Requested", "date"), ("Date Required", "date"),
               ("Brand", "brand"), ("Blend", "code"), ("Product Code", "code"), ("Test Type", "text"), ("Panel Size", "num"), ("No. of Samples", "num"),
               ("Laboratory", "dept"), ("Analyst", "name"), ("Approved by", "name"), ("Estimated Cost", "money"), ("Budget No.", "code"),
               ("Market", "city"), ("Test Market", "city"), ("Target Group", "text"), ("Media", "text"), ("Start Date", "date"),
               ("Completion Date", "date"), ("Supplier", "org"), ("Specification No.", "code"), ("Length", "num"), ("Circumference", "num"),
               ("Weight", "num"), ("Filter", "text"), ("Packing", "text"), ("Quantity", "num"), ("Charge to Account", "num"), ("Job No.", "code"),
               ("Priority", "check:High|Normal|Low"), ("Status", "check:New|Revised|Cancelled"), ("Department", "dept"), ("Program", "text"),
               ("Region", "city"), ("Agency", "org"), ("Contact", "name"), ("Phone", "phone"), ("Period", "date"), ("Reference", "code")]
F_RND_LONG = ["Objective", "Background", "Method", "Procedure", "Results", "Conclusions", "Recommendations", "Description", "Purpose",
              "Justification", "Comments", "Special Instructions", "Remarks", "Summary", "Action Required", "Scope of Work"]
F_RND_TITLES = ["{x} REQUEST", "PROJECT REQUEST", "TEST REQUEST", "ANALYTICAL REQUEST", "PRODUCT SPECIFICATION", "RESEARCH PROPOSAL",
                "PROMOTION EVALUATION", "SAMPLE REQUEST", "BUDGET REVISION", "CONTRACT SUMMARY", "MEDIA AUTHORIZATION", "LABORATORY REPORT",
                "PROJECT SUMMARY", "WORK ORDER", "{x} AUTHORIZATION FORM", "{x} PROPOSAL FORM", "REPORT OF {x}", "{x} DATA SHEET"]
ROUTING_ACTIONS = ["Approval", "Signature", "Comment", "Information", "File", "Note and Return", "Per Conversation", "Prepare Reply", "Investigate",
                   "Circulate", "Review", "Your Action", "See Me", "Call Me", "Coordination", "Necessary Action"]


class FormWriter:
    """Writes fields in one of several visual styles, filling some of them."""

    def __init__(self, L, rng, lang, country, fill, typed_family):
        self.L, self.rng, self.lang, self.country = L, rng, lang, country
        self.fill = fill  # probability that a field has a value
        self.typed_family = typed_family
        self.style = rng.choice(["colon_line", "underscores", "boxes", "above", "colon_only", "dots", "dashes", "dashes", "typed"])
        self.cols = rng.choice([1, 1, 2, 2, 3])
        self.checkbox = rng.choice(["drawn", "brackets", "brackets", "parens", "underscore", "blank"])
        self.up = rng.random() < 0.35
        self.caption = rng.uniform(0.5, 0.8)  # relative size of captions in boxed fields

    def value(self, kind):
        r, lg, c = self.rng, self.lang, self.country
        plang = lg if lg in FIRST else "en"
        if kind == "name":
            return person(r, plang)
        if kind == "first":
            return pick(r, FIRST[plang])
        if kind == "last":
            return pick(r, LAST[plang])
        if kind == "date":
            if r.random() < 0.4:
                return fmt_date(r, rand_date(r, 1960, 2000), "mdy_short" if c in ("US", "CA") else "dmy_short")
            return fmt_date(r, rand_date(r, 1970, 2025), date_kind_for(r, c, lg))
        if kind == "addr":
            return ", ".join(address(r, c)[:2])
        if kind == "street":
            return address(r, c)[0]
        if kind == "city":
            return address(r, c)[-1]
        if kind == "phone":
            return phone(r, c)
        if kind == "email":
            return email(r, company(r, c), person(r, plang))
        if kind == "num":
            return _digits(r, r.choice([1, 2, 2, 3, 3, 4, 5, 6, 7, 9])).lstrip("0") or "0"
        if kind == "code":
            return r.choice([_letters(r, 2) + "-" + _digits(r, 3), _digits(r, 4) + "-" + _digits(r, 2), _letters(r, 1) + _digits(r, 5)])
        if kind == "money":
            return Money(r, c)(r.uniform(5, 5000))
        if kind == "org":
            return company(r, c)
        if kind == "dept":
            return pick(r, DEPTS)
        if kind == "brand":
            return brand(r)
        if kind == "iban":
            return iban(r, c)
        if kind == "long":
            return sentence(r, lg if lg in GRAMMARS else "en")
        if kind == "sign":
            return ""
        if kind == "initials":
            return r.choice(["%s%s", "%s.%s.", "%s%s%s"]).replace("%s", "{}").format(*[chr(65 + r.randrange(26)) for _ in range(3)])
        return pick(r, FORM_TEXT_VALUES) if r.random() < 0.5 else expand(r, "{thing}", "en")

    def fit(self, text, width, family=None):
        """Drops words from the end of `text` until it fits in `width` points."""
        words = text.split(" ")
        while len(words) > 1 and self.L.measure(" ".join(words), family=family) > width:
            words.pop()
        return " ".join(words)

    def box(self, x, checked):
        L = self.L
        s = L.size
        if self.checkbox == "drawn":
            L.box(x, L.y - s * 0.75, s * 0.8, s * 0.8)
            if checked:
                L.put(x + s * 0.12, "X", size=s * 0.8, family=self.typed_family)
            return s * 1.3
        mark = "X" if checked else " "
        t = {"brackets": "[%s]", "parens": "(%s)", "underscore": "_%s_", "blank": "__%s"}[self.checkbox] % (mark if self.checkbox != "blank" else ("X" if checked else "_"))
        L.put(x, t)
        return L.measure(t) + s * 0.4

    def checks(self, label, options, x=0, width=None):
        L = self.L
        L.ensure(L.size * 1.5)
        L.y += L.size * 1.1
        lab = (label.upper() if self.up else label)
        if lab:
            L.put(x, lab + ":")
            cx = x + L.measure(lab + ":") + L.size
        else:
            cx = x
        if len(options) > 2 and "Other" not in options and self.rng.random() < 0.3:
            options = options + [self.rng.choice(["Other", "Other:", "Other (specify)"])]
        chosen = self.rng.randrange(len(options)) if self.rng.random() < self.fill else -1
        limit = x + (width or L.inner)
        for i, o in enumerate(options):
            need = L.size * 1.3 + L.measure(o) + L.size
            if cx + need > limit:
                L.y += L.size * 1.4
                cx = x + L.size * 2
            cx += self.box(cx, i == chosen)
            L.put(cx, o)
            cx += L.measure(o) + L.size * 1.2
        L.y += L.size * 0.5

    def field(self, label, kind, x=0, width=None):
        L, r = self.L, self.rng
        width = width or L.inner - x
        if kind.startswith("check:"):
            return self.checks(label, kind[6:].split("|"), x, width)
        lab = label.upper() if self.up else label
        val = self.value(kind) if (r.random() < self.fill and kind != "sign") else ""
        style = self.style
        if kind in ("sign", "long") and style not in ("boxes",):
            style = "colon_line"
        if style == "above":
            L.ensure(L.size * 3)
            L.y += L.size * 0.9
            L.put(x, lab, size=L.size * 0.8)
            L.y += L.size * 1.3
            if val:
                L.put(x + 3, self.fit(val, width - 12, self.typed_family), family=self.typed_family)
            L.hline_at(x, x + width - 8, L.y + 3)
            L.y += L.size * 0.9
            return
        if kind == "long" and style == "boxes":
            return self.long_answer(label, x, width)
        if style == "boxes":
            L.ensure(L.size * 2.6)
            top = L.y + 2
            h = L.size * 2.6
            L.box(x, top, width - 4, h)
            L.y = top + L.size * 0.95
            L.put(x + 3, lab, size=L.size * self.caption)
            L.y = top + L.size * 2.1
            if val:
                L.put(x + 6, self.fit(val, width - 14, self.typed_family), family=self.typed_family)
            L.y = top + h + 2
            return
        if kind == "long" and r.random() < 0.6:
            return self.long_answer(label, x, width)
        L.ensure(L.size * 1.8)
        L.y += L.size * 1.35
        if style in ("dashes", "typed"):
            lead = " " + "-" * r.randint(3, 12) + " " if style == "dashes" else ": "
            t = lab + lead
            L.put(x, t, family=self.typed_family if style == "typed" else None)
            if val:
                vx = x + L.measure(t) + 2
                L.put(vx, self.fit(val, x + width - vx - 6, self.typed_family), family=self.typed_family)
            elif style == "typed":
                L.put(x + L.measure(t) + 2, "_" * r.randint(8, 25))
            L.y += L.size * 0.4
            return
        sep = {"colon_line": ":", "underscores": ":", "colon_only": ":", "dots": ""}[style]
        if r.random() < 0.15:
            sep = ""
        L.put(x, lab + sep)
        vx = x + L.measure(lab + sep) + L.size * 0.6
        if style == "underscores" and not val:
            n = max(3, int((x + width - vx - 8) / L.measure("_")))
            L.put(vx, "_" * n)
        elif style == "dots" and not val:
            n = max(3, int((x + width - vx - 8) / L.measure(".")))
            L.put(vx, "." * n)
        elif style != "colon_only" or not val:
            L.hline_at(vx, x + width - 8, L.y + 2, width=0.5)
        if val:
            L.put(vx + 4, self.fit(val, x + width - vx - 10, self.typed_family), family=self.typed_family)
        if kind == "long":
            for _ in range(r.randint(1, 3)):
                L.y += L.size * 1.5
                L.hline_at(x, x + width - 8, L.y + 2, width=0.5)
        L.y += L.size * 0.4

    def long_answer(self, label, x=0, width=None):
        """A label followed by a typed, wrapped answer of a few sentences (or blank lines)."""
        L, r = self.L, self.rng
        width = width or L.inner - x
        lab = (label.upper() if self.up else label) + ":"
        L.ensure(L.size * 3)
        boxed = self.style == "boxes" and r.random() < 0.7
        text = ""
        if r.random() < self.fill:
            text = " ".join(sentence(r, "en" if self.lang not in GRAMMARS else self.lang, r.choice(["r_s", "topic_s", "r_s"])) for _ in range(r.randint(1, 4)))
            if r.random() < 0.3:
                text = text.upper()  # typewriter capitals
        if boxed:  # a tiny caption in the box corner, the answer below it
            top = L.y + 2
            L.y = top + L.size * 0.7
            L.put(x + 2, lab.rstrip(":").upper(), size=L.size * r.uniform(0.45, 0.7))
            lines = L.wrap(text, width - 16, family=self.typed_family) if text else ["", ""]
            for ln in lines:
                L.y += L.size * 1.25
                L.put(x + 8, ln, family=self.typed_family)
            L.y += L.size * r.uniform(0.6, 3)
            L.box(x, top, width - 4, L.y - top)
            L.y += 2
            return
        L.y += L.size * 1.35
        L.put(x, lab)
        ax = x + max(L.measure(lab) + L.size, width * r.choice([0.22, 0.28, 0.35]))
        if text:
            lines = L.wrap(text, x + width - ax - 6, family=self.typed_family)
            for i, ln in enumerate(lines):
                if i:
                    L.ensure(L.size * 1.3)
                    L.y += L.size * 1.25
                L.put(ax, ln, family=self.typed_family)
        else:
            for i in range(r.randint(1, 4)):
                if i:
                    L.y += L.size * 1.5
                L.hline_at(ax, x + width - 8, L.y + 2, width=0.5)
        L.y += L.size * 0.6

    def grid(self, fields):
        """Lays out fields in self.cols columns."""
        L = self.L
        gutter = 0
        if self.rng.random() < 0.25:
            fmt = self.rng.choice(["%d.", "%d)", "(%d)", "%d"])
            if self.rng.random() < 0.5:  # numbers in their own column at the margin
                gutter = L.size * self.rng.uniform(2.5, 4)
                self.first_number = getattr(self, "first_number", 0)
                fields = [(lab, kind, fmt % (self.first_number + i + 1)) for i, (lab, kind) in enumerate(fields)]
                self.first_number += len(fields)
            else:
                fields = [((fmt % (i + 1)) + " " + lab, kind) for i, (lab, kind) in enumerate(fields)]
        cols = self.cols if self.style != "above" else max(self.cols, 2)
        cw = L.inner / cols
        i = 0
        while i < len(fields):
            row = fields[i:i + cols]
            y0 = L.y
            ys = []
            for j, f in enumerate(row):
                L.y = y0
                if gutter:
                    self.field(f[0], f[1], x=j * cw + gutter, width=cw - gutter)
                    L.put(j * cw, f[2], y=L.y - L.size * 0.4)
                else:
                    self.field(f[0], f[1], x=j * cw, width=cw)
                ys.append(L.y)
            L.y = max(ys)
            i += cols

    def section(self, title):
        L = self.L
        L.space(L.size * 0.6)
        r = self.rng
        st = r.choice(["bold", "bar", "number", "upper"])
        t = title.upper() if st == "upper" else title
        if st == "bar":
            L.rule(width=1.2, dy=2)
        L.line(t, bold=st != "upper" or r.random() < 0.5, size=L.size * 1.05)
        if st == "bold" and r.random() < 0.5:
            L.rule(width=0.5, dy=1)


def build_form(rng, fonts):
    country = weighted(rng, FORM_COUNTRIES)
    lang = lang_of(rng, country)
    if lang in ("ms", "nl"):
        lang = "en"
    letter_paper = country in ("US", "CA") and rng.random() < 0.85
    W, H = (612, 792) if letter_paper else (595, 842)
    family = rng.choice(["sans", "sans", "serif", "mono"])
    size = rng.uniform(8.0, 11.0)
    mg = rng.uniform(30, 65)
    L = Layout(fonts, W, H, (mg, rng.uniform(30, 55), mg, rng.uniform(30, 55)), family, size)
    fill = weighted(rng, [(0.0, 18), (0.15, 10), (0.4, 16), (0.7, 22), (0.95, 34)])
    typed = rng.choice(["mono", "mono", family])
    Fw = FormWriter(L, rng, lang, country, fill, typed)
    L.kind = "form"
    org = company(rng, country)
    old_style = rng.random() < 0.45
    if lang == "en":
        ftype = weighted(rng, [("fax", 10), ("request", 12), ("survey", 9), ("checklist", 6), ("registration", 7), ("order", 6), ("routing", 5),
                               ("report", 9), ("application", 8), ("claim", 5), ("change", 6), ("rnd", 22)])
        title = pick(rng, FORM_TYPES_EN[ftype] if ftype != "rnd" else F_RND_TITLES).replace("{x}", pick(rng, FORM_X))
    else:
        dic = FORM_DE if lang == "de" else FORM_FR
        ftype = "generic_" + lang
        title = pick(rng, dic["title"]).replace("{x}", pick(rng, dic["x"]))

    # Header
    hs = rng.random()
    if hs < 0.4:
        L.line(org.upper() if old_style else org, bold=True, size=size * 1.2, align=rng.choice(["left", "center"]))
        if rng.random() < 0.5:
            L.line("  ".join(address(rng, country)[:2]), size=size * 0.8, align="left")
    elif hs < 0.6:
        L.line(pick(rng, DEPTS).upper() + " DEPARTMENT" if lang == "en" else pick(rng, DEPTS), size=size * 0.9)
    if rng.random() < 0.5:
        L.line(rng.choice(["Form %s-%d" % (_letters(rng, 2), rng.randint(10, 999)), "Form No. %d" % rng.randint(100, 9999), "Rev. %d/%02d" % (rng.randint(1, 12), rng.randint(70, 99)),
                           "FORM %s %s" % (_digits(rng, 3), _letters(rng, 1)), "Formular %s" % _digits(rng, 3), "Form %d-%d (Rev. %d/%02d)" % (rng.randint(1, 99), rng.randint(1, 999), rng.randint(1, 12), rng.randint(60, 99)),
                           "No. %d" % rng.randint(1, 99999), "Page 1 of %d" % rng.randint(1, 4)]), size=size * 0.75, align=rng.choice(["right", "left"]))
    L.space(size * 0.5)
    L.line(title.upper() if rng.random() < 0.5 else title, bold=True, size=size * rng.uniform(1.3, 1.9), align=rng.choice(["center", "center", "left"]))
    if rng.random() < 0.25 and lang == "en":
        L.paragraph(rng.choice(["Instructions: ", "INSTRUCTIONS: ", "Note: ", ""]) + " ".join(pick(rng, FORM_INSTR) for _ in range(rng.randint(1, 4))), size=size * 0.85)
    if rng.random() < 0.4:
        L.paragraph(rng.choice(["Please complete all sections and return to the %s office." % pick(rng, DEPTS),
                                "PLEASE TYPE OR PRINT CLEARLY IN BLACK INK.", "Complete in duplicate. Retain the yellow copy for your records.",
                                "Bitte in Druckbuchstaben ausfüllen und unterschrieben zurücksenden.", "Merci de remplir ce formulaire en lettres capitales.",
                                "All fields marked * are required.", "Return this form no later than %s." % fmt_date(rng, rand_date(rng), "long_en"),
                                "Attach supporting documents where applicable.", "This form must be approved before any commitment is made."]),
                    size=size * 0.85)
    L.space(size * 0.5)

    L.kind = ftype
    if lang == "en" and ftype not in ("fax", "routing") and rng.random() < 0.3:  # TO / FROM / DATE header, common on internal forms
        Fw.grid(rng.sample([("TO", "name"), ("FROM", "name"), ("DATE", "date"), ("SUBJECT", "text"), ("DEPT.", "dept"), ("CC", "name")], rng.randint(2, 5)))
    if rng.random() < 0.15:  # a small slip: a handful of fields and little else
        L.kind = "slip"
        pool = F_RND_SHORT + F_PERSON_EN + F_WORK_EN + F_MORE_EN + F_PHRASES_EN if lang == "en" else (FORM_DE if lang == "de" else FORM_FR)["fields"]
        Fw.grid(rng.sample(pool, rng.randint(2, 6)))
        if rng.random() < 0.5:
            L.paragraph(pick(rng, FORM_INSTR) if lang == "en" else sentence(rng, lang), size=size * 0.9)
        if rng.random() < 0.5:
            if rng.random() < 0.3:
                _form_data_block(rng, L, Fw)
            else:
                Fw.long_answer(pick(rng, F_RND_LONG))
    elif ftype == "fax":
        _form_fax(rng, L, Fw, org, country)
    elif ftype == "routing":
        _form_routing(rng, L, Fw)
    elif ftype == "survey":
        _form_survey(rng, L, Fw)
    elif ftype == "checklist":
        _form_checklist(rng, L, Fw)
    elif ftype in ("order", "claim"):
        _form_table(rng, L, Fw, country, ftype)
    elif ftype == "rnd":
        _form_rnd(rng, L, Fw)
    elif ftype.startswith("generic_"):
        _form_generic_local(rng, L, Fw, FORM_DE if lang == "de" else FORM_FR)
    else:
        _form_generic_en(rng, L, Fw, ftype)
    if rng.random() < 0.08:  # a continuation page
        L.new_page()
        if rng.random() < 0.5:
            L.line(rng.choice(["Page 2", "- 2 -", "Continued", "(continued)", "Seite 2", "Suite"]), size=size * 0.85, align="right")
        if lang == "en":
            if rng.random() < 0.5:
                _form_rnd(rng, L, Fw)
            else:
                _form_generic_en(rng, L, Fw, "request")
        else:
            _form_generic_local(rng, L, Fw, FORM_DE if lang == "de" else FORM_FR)
    # Signature block, office-use box, footer
    if rng.random() < 0.45:
        L.space(size)
        sig = {"de": FORM_DE["sign"], "fr": FORM_FR["sign"]}.get(lang, rng.choice(["Signature", "Signed", "Authorized Signature", "Applicant's Signature", "Signature of Employee"]))
        dte = {"de": "Datum", "fr": "Date"}.get(lang, "Date")
        if rng.random() < 0.3:
            L.paragraph({"de": FORM_DE["decl"], "fr": FORM_FR["decl"]}.get(lang, rng.choice([
                "I certify that the information given above is true and complete to the best of my knowledge.",
                "I authorize the verification of the information provided on this form.",
                "By signing below I agree to the terms stated overleaf."])), size=size * 0.85)
        L.space(size * 1.5)
        L.hline_at(0, L.inner * 0.45, L.y)
        L.hline_at(L.inner * 0.6, L.inner, L.y)
        L.y += size
        L.put(0, sig, size=size * 0.8)
        L.put(L.inner * 0.6, dte, size=size * 0.8)
        L.y += size * 0.5
        if rng.random() < 0.4:
            L.space(size * 1.5)
            L.hline_at(0, L.inner * 0.45, L.y)
            L.y += size
            L.put(0, {"de": "Genehmigt (Vorgesetzter)", "fr": "Visa du responsable"}.get(lang, rng.choice(["Approved by", "Supervisor", "Department Head", "Witness"])), size=size * 0.8)
    if rng.random() < 0.25:
        L.space(size)
        top = L.y
        L.line({"de": FORM_DE["office"], "fr": FORM_FR["office"]}.get(lang, rng.choice(["FOR OFFICE USE ONLY", "For Internal Use Only", "DO NOT WRITE BELOW THIS LINE"])), bold=True, size=size * 0.9)
        Fw2 = FormWriter(L, rng, lang, country, 0.2, typed)
        Fw2.style, Fw2.cols = "colon_line", 3
        Fw2.grid([(rng.choice(["Received", "Date rec'd", "Eingang"]), "date"), (rng.choice(["Ref. No.", "File No.", "Aktenzeichen"]), "code"), (rng.choice(["Initials", "Approved", "Entered"]), "text")])
        L.box(-4, top - 2, L.inner + 8, L.y - top + 6)
    if rng.random() < 0.3:
        L.line(rng.choice(["Distribution: White - Original  Yellow - Department  Pink - Applicant", "Page 1 of 1", "%s  %s" % (org, fmt_date(rng, rand_date(rng), "mdy")),
                           "Form revised %s" % fmt_date(rng, rand_date(rng, 1980, 2020), "mdy"), "Seite 1/1"]), size=size * 0.7)
    return L.finish()


def _form_fax(rng, L, Fw, org, country):
    lg = Fw.lang
    fields = [("To", "name"), ("From", "name"), ("Company", "org"), ("Fax", "phone"), ("Phone", "phone"), ("Date", "date"),
              ("Pages", "num"), ("Re", "text"), ("CC", "name"), ("Fax No.", "phone"), ("Number of pages (including cover)", "num"),
              ("Subject", "text"), ("Dept.", "dept"), ("Time", "num")]
    rng.shuffle(fields)
    Fw.grid(fields[:rng.randint(6, 11)])
    L.space(L.size)
    Fw.checks("", ["Urgent", "For Review", "Please Comment", "Please Reply", "Please Recycle", "FYI"][:rng.randint(3, 6)])
    L.space(L.size)
    L.line(rng.choice(["Comments:", "MESSAGE:", "Notes:", "Remarks:"]), bold=True)
    if rng.random() < Fw.fill:
        L.paragraph(prose(rng, "en", rng.randint(1, 3)), family=Fw.typed_family)
    else:
        for _ in range(rng.randint(2, 6)):
            L.space(L.size * 1.6)
            L.hline_at(0, L.inner, L.y)
    if rng.random() < 0.6:
        L.space(L.size)
        L.paragraph(rng.choice(["CONFIDENTIALITY NOTICE: The documents accompanying this facsimile transmission contain confidential information "
                                "which is legally privileged. If you have received this fax in error, please notify us by telephone immediately.",
                                "If you do not receive all pages, please call %s as soon as possible." % phone(rng, country),
                                "The information contained in this facsimile is intended only for the use of the addressee named above."]), size=L.size * 0.8)


def _form_routing(rng, L, Fw):
    L.cells([(0, "TO (Name, office symbol, room, building)"), (L.inner * 0.7, "Initials"), (L.inner * 0.85, "Date")], bold=True, size=L.size * 0.85)
    for i in range(rng.randint(3, 6)):
        val = person(rng, "en") + ", " + pick(rng, DEPTS) if rng.random() < Fw.fill else ""
        L.cells([(0, "%d. %s" % (i + 1, val)), (L.inner * 0.7, _letters(rng, 2) if val and rng.random() < 0.5 else "")])
        L.hline_at(0, L.inner, L.y + 2, 0.4)
    L.space(L.size)
    acts = rng.sample(ROUTING_ACTIONS, rng.randint(6, 12))
    for i in range(0, len(acts), 3):
        L.y += L.size * 1.5
        for j, a in enumerate(acts[i:i + 3]):
            x = j * L.inner / 3
            w = Fw.box(x, rng.random() < Fw.fill * 0.3)
            L.put(x + w, a)
    L.space(L.size)
    Fw.field("REMARKS", "long")
    Fw.grid([("FROM (Name, org. symbol, Agency/Post)", "name"), ("Room No.-Bldg.", "num"), ("Phone No.", "phone"), ("Date", "date")])


def _form_survey(rng, L, Fw):
    if rng.random() < 0.6:
        Fw.grid([("Respondent No.", "num"), ("Date", "date"), ("Interviewer", "name"), ("City", "city")][:rng.randint(2, 4)])
    subj = pick(rng, SURVEY_S)
    scale = pick(rng, SCALES)
    for i in range(rng.randint(4, 14)):
        q = pick(rng, SURVEY_Q).replace("{s}", subj if rng.random() < 0.6 else pick(rng, SURVEY_S)).replace("{brand}", brand(rng))
        L.space(L.size * 0.3)
        if rng.random() < 0.25:
            L.line("%d. %s" % (i + 1, q))
            for _ in range(rng.randint(1, 2)):
                L.space(L.size * 1.5)
                L.hline_at(L.size * 1.5, L.inner, L.y)
            if rng.random() < Fw.fill:
                L.put(L.size * 2, sentence(rng, "en", "r_s")[:70], family=Fw.typed_family, y=L.y - L.size * 0.4)
            L.space(L.size * 0.5)
        else:
            L.line("%d. %s" % (i + 1, q))
            Fw.checks("", scale if rng.random() < 0.8 else pick(rng, SCALES), x=L.size * 1.5)
    if rng.random() < 0.5:
        Fw.field("Additional comments", "long")


def _form_checklist(rng, L, Fw):
    Fw.grid([("Inspector", "name"), ("Date", "date"), ("Location", "city"), ("Area / Unit", "code")][:rng.randint(2, 4)])
    L.space(L.size)
    cols = rng.choice([["Item", "Yes", "No", "N/A", "Remarks"], ["Check", "OK", "Not OK", "Comments"], ["No.", "Description", "Pass", "Fail"]])
    xs = [0] + [L.inner * (0.55 + 0.1 * i) for i in range(len(cols) - 1)]
    L.cells([(x, c) for x, c in zip(xs, cols)], bold=True)
    L.rule(dy=1)
    for i, item in enumerate(rng.sample(CHECK_ITEMS, rng.randint(6, 16))):
        L.y += L.size * 1.5
        L.put(0, ("%d. " % (i + 1) if rng.random() < 0.5 else "") + item)
        mark = rng.randrange(len(cols) - 2) if rng.random() < Fw.fill else -1
        for j in range(1, len(cols) - 1):
            Fw.box(xs[j] + L.size, j - 1 == mark)
        if rng.random() < Fw.fill * 0.3:
            L.put(xs[-1], pick(rng, FORM_TEXT_VALUES), family=Fw.typed_family)
        L.hline_at(0, L.inner, L.y + 4, 0.3)
    L.space(L.size)


def _form_table(rng, L, Fw, country, ftype):
    money = Money(rng, country)
    Fw.grid(rng.sample([("Name", "name"), ("Department", "dept"), ("Date", "date"), ("Account No.", "num"), ("Cost Center", "num"),
                        ("Deliver to", "addr"), ("Phone", "phone"), ("Vendor", "org"), ("Purpose", "text"), ("Period", "date")], rng.randint(3, 6)))
    L.space(L.size)
    if ftype == "order":
        cols = rng.choice([["Qty", "Description", "Catalog No.", "Unit Cost", "Total"], ["Item No.", "Description", "Quantity", "Unit", "Est. Cost"]])
    else:
        cols = rng.choice([["Date", "Description", "Miles", "Amount"], ["Date", "Purpose", "Transport", "Meals", "Lodging", "Total"]])
    xs = [L.inner * f for f in [0, 0.14, 0.5, 0.66, 0.82][:len(cols)]] if len(cols) == 5 else [L.inner * f for f in [0, 0.14, 0.45, 0.6, 0.75, 0.88][:len(cols)]]
    L.cells([(x, c) for x, c in zip(xs, cols)], bold=True)
    L.rule(dy=1)
    rows = rng.randint(3, 10)
    filled = int(rows * Fw.fill)
    for i in range(rows):
        if i < filled:
            vals = []
            for c in cols:
                cl = c.lower()
                if cl in ("date",):
                    vals.append(fmt_date(rng, rand_date(rng), date_kind_for(rng, country)))
                elif cl in ("description", "purpose"):
                    vals.append(item_name(rng, INVOICE_ITEMS["en"]) if ftype == "order" else expand(rng, "{thing_c}", "en"))
                elif cl in ("qty", "quantity", "miles"):
                    vals.append(str(rng.randint(1, 120)))
                elif cl in ("catalog no.", "item no."):
                    vals.append(_digits(rng, 6))
                elif cl == "unit":
                    vals.append(pick(rng, UNITS["en"]))
                else:
                    vals.append(money.num(rng.uniform(3, 400)) if rng.random() < 0.8 else "")
            L.cells([(x, v) for x, v in zip(xs, vals)], family=Fw.typed_family)
        else:
            L.y += L.size * 1.3
        L.hline_at(0, L.inner, L.y + 3, 0.3)
    L.space(L.size * 0.8)
    L.cells([(xs[-2], "TOTAL"), (xs[-1], money.num(rng.uniform(50, 3000)) if filled else "")], bold=True)
    L.space(L.size)
    Fw.grid([("Requested by", "name"), ("Approved by", "name"), ("Budget approval", "name"), ("Date", "date")][:rng.randint(2, 4)])


def _form_generic_en(rng, L, Fw, ftype):
    sections = {"application": ["Personal Information", "Employment History", "Education", "References", "Declaration"],
                "registration": ["Participant Details", "Contact Information", "Program Selection", "Emergency Contact", "Payment"],
                "request": ["Requester Information", "Description of Request", "Justification", "Approvals", "Cost Estimate"],
                "report": ["General Information", "Description of Incident", "Persons Involved", "Corrective Action", "Sample Information", "Results"],
                "change": ["Current Information", "New Information", "Effective Date", "Authorization"]}.get(ftype, ["Section A", "Section B", "Section C"])
    nsec = rng.randint(1, min(4, len(sections)))
    pool = F_PERSON_EN + F_WORK_EN + F_MORE_EN + F_PHRASES_EN * 2
    for si in range(nsec):
        if nsec > 1 or rng.random() < 0.5:
            Fw.section(("%s. " % "ABCDE"[si] if rng.random() < 0.4 else ("%d. " % (si + 1) if rng.random() < 0.3 else "")) + sections[si])
        fields = rng.sample(pool, rng.randint(4, 12))
        if rng.random() < 0.4:
            fields.append((rng.choice(["Description", "Reason for request", "Details", "Comments", "Objective", "Background"]), "long"))
        if rng.random() < 0.3:
            fields.insert(rng.randrange(len(fields) + 1), (rng.choice(["Is this a new request?", "Previously employed here?", "Do you hold a valid licence?",
                                                                        "Budgeted?", "Confidential?", "Capital item?"]), "check:Yes|No"))
        if rng.random() < 0.25:
            fields.append((rng.choice(["Estimated cost", "Amount requested", "Budget", "Fee"]), "money"))
        Fw.grid(fields)
        if rng.random() < 0.2:
            Fw.style = rng.choice(["colon_line", "underscores", "boxes", "above", "colon_only", "dots"])


def _form_rnd(rng, L, Fw):
    if rng.random() < 0.5:
        L.cells([(0, rng.choice(["Date:", "DATE", "Date"]) + " " + (Fw.value("date") if rng.random() < Fw.fill else "________")),
                 (L.inner * 0.6, rng.choice(["No.", "Request No.", "File", "Log No."]) + " " + (_digits(rng, 4) if rng.random() < Fw.fill else "_______"))])
    Fw.grid(rng.sample(F_RND_SHORT + F_PHRASES_EN + F_MORE_EN[:rng.randint(0, len(F_MORE_EN))], rng.randint(5, 14)))
    if rng.random() < 0.35:
        _form_data_block(rng, L, Fw)
    if rng.random() < 0.25:
        Fw.section(rng.choice(["Check one", "Check all that apply", "Type of request", "Disposition", "Action taken", "Reason"]))
        opts = rng.sample(ROUTING_ACTIONS + CHECK_ITEMS + ["Other (specify)", "New product", "Line extension", "Replacement", "Not applicable"], rng.randint(3, 8))
        for o in opts:
            L.y += L.size * 1.45
            w = Fw.box(L.size * 2, rng.random() < Fw.fill * 0.4)
            L.put(L.size * 2 + w, o.upper() if Fw.up else o)
        L.y += L.size * 0.5
    for lab in rng.sample(F_RND_LONG, rng.randint(1, 4)):
        if rng.random() < 0.3:
            Fw.section(lab)
            if rng.random() < Fw.fill:
                L.paragraph(" ".join(sentence(rng, "en", rng.choice(["r_s", "topic_s"])) for _ in range(rng.randint(1, 4))), family=Fw.typed_family)
            else:
                for _ in range(rng.randint(2, 4)):
                    L.space(L.size * 1.5)
                    L.hline_at(0, L.inner, L.y)
        else:
            Fw.long_answer(lab)
    if rng.random() < 0.5:
        Fw.grid(rng.sample(F_RND_SHORT, rng.randint(2, 6)))
    if rng.random() < 0.5:
        L.space(L.size * 0.5)
        L.line(rng.choice(["Copies to:", "Distribution:", "cc:", "Route to:"]))
        for _ in range(rng.randint(1, 5)):
            L.line(person(rng, "en") + (", " + pick(rng, DEPTS) if rng.random() < 0.4 else ""), x=L.size * 4, family=Fw.typed_family)


FORM_INSTR = ["Complete this form in duplicate and forward the original to the %s department." % "Purchasing",
              "Attach a copy of the quotation or estimate.", "Allow ten working days for processing.", "Requests received after the deadline will not be considered.",
              "Questions regarding this form should be directed to your supervisor.", "Return the completed form to the Personnel Office.",
              "Incomplete forms will be returned to the sender.", "Type or print all entries.", "Use one form per sample.",
              "Items marked with an asterisk must be completed by the requester.", "Retain a copy for your files.",
              "The requesting department must obtain all approvals before submitting this form.", "Do not use this form for capital purchases.",
              "Enter all amounts in whole dollars.", "Submit a separate form for each project.", "Check the appropriate box.",
              "If additional space is needed, use a separate sheet and attach it to this form."]
ATTRIBUTES = ["Strength", "Smoothness", "Taste", "Aftertaste", "Draw", "Mildness", "Harshness", "Flavor", "Freshness", "Overall rating",
              "Appearance", "Aroma", "Burn rate", "Firmness", "Irritation", "Satisfaction", "Quality", "Value", "Preference", "Purchase intent"]


def _form_data_block(rng, L, Fw):
    """Typed results on a form: attribute rows with scores per group, and a legend."""
    groups = rng.sample(["Total", "Male", "Female", "18-24", "25-34", "35+", "Smokers", "Non-smokers", "Panel A", "Panel B", "Control", "Test"], rng.randint(2, 5))
    xs = [L.inner * (0.35 + 0.62 * (i + 1) / len(groups)) for i in range(len(groups))]
    L.space(L.size * 0.5)
    L.cells([(0, rng.choice(["ATTRIBUTE", "Attribute", "Measure", "Characteristic", ""]))] + [(x, g, "right") for x, g in zip(xs, groups)], bold=True, family=Fw.typed_family)
    if rng.random() < 0.4:
        L.cells([(0, "(n=)")] + [(x, "(%d)" % rng.randint(20, 400), "right") for x in xs], family=Fw.typed_family)
    for a in rng.sample(ATTRIBUTES, rng.randint(3, 10)):
        L.cells([(0, a.upper() if rng.random() < 0.5 else a)] + [(x, rng.choice(["%.2f", "%.1f", "%d%%"]) % (rng.uniform(1, 7) if rng.random() < 0.7 else rng.randint(1, 99)) + rng.choice(["", "", "*", "**"]), "right") for x in xs],
                family=Fw.typed_family)
        if rng.random() < 0.3:
            L.line("(%d=%s)" % (rng.choice([5, 7, 9, 10]), rng.choice(["Stronger", "Better", "More", "Easier", "Pleasant", "Higher"])), size=L.size * 0.8, family=Fw.typed_family)
    if rng.random() < 0.5:
        L.line(rng.choice(["* Significant at 90% confidence level", "** Significant at 95% level", "Scale: 1 = Poor, 7 = Excellent", "Base: all respondents"]), size=L.size * 0.8)


def _form_generic_local(rng, L, Fw, dic):
    nsec = rng.randint(1, 4)
    for si in range(nsec):
        if nsec > 1 or rng.random() < 0.5:
            Fw.section(pick(rng, dic["sections"]))
        Fw.grid(rng.sample(dic["fields"], rng.randint(3, 9)))
    if rng.random() < 0.4:
        Fw.checks(rng.choice(["Anlagen", "Pièces jointes", "Zutreffendes ankreuzen"]), rng.sample(["Kopie Ausweis", "Nachweis", "Rechnung", "Foto",
                  "Justificatif", "Copie", "RIB", "Attestation"], 3))


# ---------------------------------------------------------------------------------------------
# Letters: business and personal correspondence, memos, printed e-mails
# ---------------------------------------------------------------------------------------------

LETTER_COUNTRIES = [("US", 40), ("UK", 18), ("DE", 14), ("FR", 10), ("CA", 3), ("AU", 3), ("CH", 3), ("MY", 3), ("SG", 2), ("IE", 2), ("AT", 2)]


def salutation(rng, lang, name=None):
    if lang == "de":
        if name and rng.random() < 0.6:
            last = name.split()[-1]
            return rng.choice(["Sehr geehrter Herr %s," % last, "Sehr geehrte Frau %s," % last, "Liebe Frau %s," % last, "Hallo %s," % name.split()[0]])
        return rng.choice(["Sehr geehrte Damen und Herren,", "Sehr geehrte Damen und Herren,"])
    if lang == "fr":
        return rng.choice(["Madame, Monsieur,", "Monsieur,", "Madame,", "Cher Monsieur,", "Chère Madame,", "Chers collègues,"])
    if name and rng.random() < 0.75:
        last = name.split()[-1]
        return rng.choice(["Dear %s %s:" % (rng.choice(["Mr.", "Ms.", "Mrs.", "Dr."]), last), "Dear %s," % name.split()[0], "Dear %s %s," % (rng.choice(["Mr", "Ms", "Dr"]), last),
                           "Dear %s:" % name, "Hi %s," % name.split()[0], "Dear %s %s:" % (rng.choice(["Doctor", "Professor", "Senator", "Judge"]), last)])
    return rng.choice(["Dear Sir or Madam,", "Dear Sir:", "Gentlemen:", "To whom it may concern:", "Dear Colleagues,", "Dear Customer,", "Dear Members,"])


def closing(rng, lang):
    if lang == "de":
        return rng.choice(["Mit freundlichen Grüßen", "Mit freundlichen Grüßen", "Freundliche Grüße", "Beste Grüße", "Hochachtungsvoll", "Viele Grüße"])
    if lang == "fr":
        return rng.choice(["Cordialement,", "Bien cordialement,", "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
                           "Je vous prie d'agréer, Monsieur, mes salutations respectueuses.", "Sincères salutations,"])
    return rng.choice(["Sincerely,", "Sincerely yours,", "Yours sincerely,", "Yours faithfully,", "Best regards,", "Kind regards,", "Very truly yours,",
                       "Regards,", "Respectfully,", "With best wishes,", "Cordially,", "Yours truly,"])


def job_title(rng, lang):
    if lang == "de":
        return rng.choice(["Geschäftsführer", "Vertriebsleiterin", "Projektleiter", "Sachbearbeiterin", "Leiter Einkauf", "Assistenz der Geschäftsleitung", "Personalreferentin"])
    if lang == "fr":
        return rng.choice(["Directeur général", "Responsable commercial", "Chef de projet", "Assistante de direction", "Responsable des achats", "Gérant"])
    return rng.choice(["President", "Vice President, Marketing", "Director of Research", "Sales Manager", "Office Manager", "Chief Financial Officer",
                       "Senior Scientist", "Account Executive", "Human Resources Manager", "Secretary", "Chairman", "Project Coordinator",
                       "General Counsel", "Manager, Public Relations", "Executive Assistant", "Professor of Chemistry"])


def build_letter(rng, fonts):
    country = weighted(rng, LETTER_COUNTRIES)
    lang = lang_of(rng, country)
    if lang in ("ms", "nl"):
        lang = "en"
    plang = lang if lang in FIRST else "en"
    letter_paper = country in ("US", "CA") and rng.random() < 0.85
    W, H = (612, 792) if letter_paper else (595, 842)
    family = rng.choice(["serif", "sans", "mono", "mono", "serif", "sans"])  # many older letters were typed
    size = rng.uniform(9.5, 12.0)
    mg = rng.uniform(50, 85)
    L = Layout(fonts, W, H, (mg, rng.uniform(35, 70), mg, rng.uniform(45, 75)), family, size)
    kind = weighted(rng, [("letter", 62), ("memo", 14), ("email", 14), ("continuation", 10)])
    sender = person(rng, plang)
    org = company(rng, country) if rng.random() < 0.8 else ""
    recip = person(rng, plang)
    r_org = company(rng, country) if rng.random() < 0.6 else ""
    d = rand_date(rng, 1965 if rng.random() < 0.4 else 1990, 2025)
    dk = rng.choice(["long_en", "long_en", "long_en_d", "mdy", "dmy/"]) if lang == "en" else ("long_de" if lang == "de" and rng.random() < 0.6 else ("long_fr" if lang == "fr" else "dmy."))
    date_s = fmt_date(rng, d, dk)
    n_par = weighted(rng, [(1, 5), (2, 15), (3, 25), (4, 22), (5, 15), (7, 10), (10, 5), (14, 3)])

    if kind == "continuation":
        # A later page of a letter on its own: a short running head, prose, maybe the closing.
        if rng.random() < 0.7:
            head = rng.choice(["%s\n%s\nPage %d" % (recip, date_s, rng.randint(2, 4)), "%s - %d - %s" % (recip, rng.randint(2, 4), date_s),
                               "-%d-" % rng.randint(2, 4), "%s\nPage %d\n%s" % (recip, rng.randint(2, 4), date_s), "Seite %d" % rng.randint(2, 4)])
            for h in head.split("\n"):
                L.line(h, align=rng.choice(["left", "left", "right"]))
            L.space(size * 1.5)
        n_par = max(1, n_par - 1)
    elif kind == "letter":
        hs = rng.random()
        if org and hs < 0.8:
            al = rng.choice(["left", "center", "right"])
            L.line(org.upper() if rng.random() < 0.4 else org, bold=True, size=size * rng.uniform(1.3, 2.0), align=al)
            a = address(rng, country)
            if rng.random() < 0.5:
                L.line("  ·  ".join(a + [phone(rng, country)]), size=size * 0.75, align=al)
            else:
                for x in a:
                    L.line(x, size=size * 0.8, align=al)
                if rng.random() < 0.6:
                    L.line("%s %s   %s" % (T(lang, en="Tel.", de="Tel.", fr="Tél."), phone(rng, country), web(rng, org)), size=size * 0.8, align=al)
            if rng.random() < 0.3:
                L.rule(width=0.8)
        elif not org:
            for x in [sender] + address(rng, country):
                L.line(x, align="right" if rng.random() < 0.5 else "left")
        L.space(size * rng.uniform(1, 3))
        date_line = date_s
        if lang == "de" and rng.random() < 0.5:
            date_line = "%s, %s%s" % (pick(rng, DE_PLACES), rng.choice(["den ", ""]), date_s)
        elif lang == "fr" and rng.random() < 0.6:
            date_line = "%s, le %s" % (pick(rng, FR_PLACES), date_s)
        date_first = rng.random() < 0.5
        if date_first:
            L.line(date_line, align=rng.choice(["left", "right"]))
            L.space(size)
        if rng.random() < 0.15:
            L.line(rng.choice(["BY FAX", "PERSONAL AND CONFIDENTIAL", "VIA FEDERAL EXPRESS", "Registered Mail", "Per Einschreiben", "Lettre recommandée avec AR"]), bold=True)
        for x in [recip if rng.random() < 0.5 else person(rng, plang, True)] + ([job_title(rng, lang)] if rng.random() < 0.3 else []) + ([r_org] if r_org else []) + address(rng, country):
            L.line(x)
        L.space(size)
        if not date_first:
            L.line(date_line, align=rng.choice(["left", "right", "right"]))
            L.space(size * 0.5)
        if rng.random() < 0.6:
            ref = rng.choice([expand(rng, "{thing_c}", "en"), expand(rng, "{enclosure}", "en").capitalize(), "Your letter of " + fmt_date(rng, d - datetime.timedelta(days=rng.randint(3, 60)), dk),
                              "Account %s" % _digits(rng, 8), "Order %s" % doc_number(rng)])
            if lang == "de":
                ref = rng.choice(["Ihre Anfrage vom %s" % date_s, "Angebot Nr. %s" % _digits(rng, 5), "Vertrag %s" % _digits(rng, 6), "Ihre Bewerbung", "Unser Gespräch vom %s" % date_s])
            elif lang == "fr":
                ref = rng.choice(["Votre demande du %s" % date_s, "Dossier n° %s" % _digits(rng, 6), "Contrat %s" % _digits(rng, 5), "Candidature"])
            lab = {"de": rng.choice(["Betreff: ", "", ""]), "fr": rng.choice(["Objet : ", "Objet: "])}.get(lang, rng.choice(["Re: ", "RE: ", "Subject: ", "Ref: ", ""]))
            L.line(lab + ref, bold=rng.random() < 0.6)
            L.space(size * 0.5)
        L.line(salutation(rng, lang, recip if rng.random() < 0.7 else None))
        L.space(size * 0.4)
    elif kind == "memo":
        L.line(rng.choice(["MEMORANDUM", "Memorandum", "INTEROFFICE MEMORANDUM", "MEMO", "Inter-Office Correspondence", "Aktennotiz", "Note de service"]),
               bold=True, size=size * 1.6, align=rng.choice(["left", "center"]))
        if org and rng.random() < 0.5:
            L.line(org, size=size * 0.9, align="left")
        L.space(size)
        rows = [("TO", recip + (", " + pick(rng, DEPTS) if rng.random() < 0.3 else "")), ("FROM", sender), ("DATE", date_s),
                (rng.choice(["SUBJECT", "RE", "SUBJ"]), expand(rng, "{thing_c}", "en"))]
        if rng.random() < 0.4:
            rows.append(("CC", ", ".join(person(rng, plang) for _ in range(rng.randint(1, 3)))))
        if lang == "de":
            rows = [("An", recip), ("Von", sender), ("Datum", date_s), ("Betreff", pick(rng, G_DE["de_thing"]).capitalize())]
        elif lang == "fr":
            rows = [("À", recip), ("De", sender), ("Date", date_s), ("Objet", pick(rng, G_FR["fr_thing"]).capitalize())]
        up = rng.random() < 0.6
        for k, v in rows:
            L.cells([(0, (k.upper() if up else k.title()) + ":"), (size * 6, v)], bold=False)
        L.rule(width=1.0, dy=size * 0.6)
    else:  # printed e-mail
        if rng.random() < 0.5:
            L.line(sender, bold=True, size=size * 1.1)
            L.rule(width=1.2)
        rows = [("From", "%s <%s>" % (sender, email(rng, org or company(rng, country), sender))), ("Sent", "%s %s" % (date_s, rand_time(rng, False))),
                ("To", "%s <%s>" % (recip, email(rng, r_org or company(rng, country), recip))), ("Subject", rng.choice(["RE: ", "FW: ", "AW: ", ""]) + expand(rng, "{thing_c}", "en"))]
        if rng.random() < 0.4:
            rows.insert(3, ("Cc", person(rng, plang)))
        if lang == "de":
            rows = [("Von", rows[0][1]), ("Gesendet", rows[1][1]), ("An", rows[2][1]), ("Betreff", "AW: " + pick(rng, G_DE["de_thing"]).capitalize())]
        for k, v in rows:
            L.cells([(0, k + ":"), (size * 5, v)], bold=False)
        L.space(size)
        L.line(salutation(rng, lang, recip) if rng.random() < 0.7 else recip.split()[0] + ",")
        L.space(size * 0.4)

    indent = size * 2.5 if rng.random() < 0.3 else 0
    extras = {"phone": phone(rng, country)}
    topical = rng.random() < 0.5
    for p in range(n_par):
        if lang == "en" and topical and rng.random() < 0.5:
            text = " ".join(sentence(rng, "en", rng.choice(["topic_s", "r_s", "r_s", "news_s"]), extras) for _ in range(rng.randint(2, 6)))
        else:
            text = prose(rng, lang, rng.randint(2, 6), extras=extras)
        if rng.random() < 0.1:
            L.paragraph(text, indent_first=indent, after=0.4)
            for i in range(rng.randint(2, 4)):
                L.paragraph("%s  %s" % (rng.choice(["(%s)" % "abcdef"[i], "%d." % (i + 1), "-", "•"]), sentence(rng, "en", rng.choice(["r_s", "topic_s"]))), x=size * 2, after=0.3)
            continue
        L.paragraph(text, indent_first=indent, after=0.8)
    ending = kind != "continuation" or rng.random() < 0.6
    if ending and (kind != "memo" or rng.random() < 0.3):
        L.line(sentence(rng, lang) if lang != "en" else pick(rng, G_EN["close_s"]))
        L.space(size * 0.8)
    if ending and (kind in ("letter", "continuation") or rng.random() < 0.6):
        L.line(closing(rng, lang))
        if kind == "letter" and org and rng.random() < 0.3:
            L.line(org.upper())
        L.space(size * rng.uniform(2, 4))
        L.line(sender)
        if rng.random() < 0.7:
            L.line(job_title(rng, lang))
        if kind == "email" and rng.random() < 0.7:
            L.line(org or company(rng, country))
            L.line("%s %s" % (T(lang, en="Tel", de="Tel.", fr="Tél."), phone(rng, country)))
    elif ending and kind == "memo" and rng.random() < 0.6:
        L.space(size)
        L.line("".join(p[0] for p in sender.replace(".", "").split()[:2]).upper() + ":" + _letters(rng, 2).lower())
    L.space(size)
    if ending and rng.random() < 0.4:
        L.line(rng.choice(["Enclosure", "Enclosures (%d)" % rng.randint(2, 4), "Encl.", "Attachment", "Anlage", "Anlagen", "P.J. :", "Pièce jointe"]))
    if rng.random() < 0.35:
        L.line("cc: " + ", ".join(person(rng, plang) for _ in range(rng.randint(1, 3))))
    if rng.random() < 0.08:
        L.line("P.S. " + sentence(rng, lang))
    L.kind = kind
    if kind == "email" and rng.random() < 0.4:
        L.space(size)
        L.paragraph("This e-mail and any attachments are confidential and intended solely for the addressee. If you have received it in error, "
                    "please notify the sender and delete it.", size=size * 0.75)
    return L.finish()


# ---------------------------------------------------------------------------------------------
# Other: everything that is none of the four
# ---------------------------------------------------------------------------------------------

OTHER_COUNTRIES = [("US", 42), ("UK", 18), ("DE", 14), ("FR", 10), ("CA", 3), ("AU", 3), ("MY", 4), ("SG", 2), ("CH", 2), ("NL", 2)]
OTHER_KINDS = [("report", 17), ("minutes", 8), ("scientific", 13), ("pricelist", 4), ("datatable", 3), ("press", 7), ("manual", 7),
               ("resume", 9), ("agenda", 4), ("news", 12), ("policy", 6), ("statement", 2), ("menu", 1), ("contents", 2), ("advert", 3),
               ("schedule", 1), ("notes", 1)]
TOPICS = ["Annual Review", "Market Analysis", "Quarterly Results", "Product Development Update", "Environmental Assessment", "Consumer Study",
          "Project Status", "Budget Proposal", "Quality Audit", "Strategic Plan", "Safety Review", "Research Summary", "Sales Performance",
          "Field Trial Results", "Operational Review", "Customer Feedback Analysis", "Feasibility Study", "Progress Report"]


def build_other(rng, fonts):
    country = weighted(rng, OTHER_COUNTRIES)
    lang = lang_of(rng, country)
    if lang in ("ms", "nl"):
        lang = "en"
    if rng.random() < 0.35:
        lang = "en"
    plang = lang if lang in FIRST else "en"
    letter_paper = country in ("US", "CA") and rng.random() < 0.85
    W, H = (612, 792) if letter_paper else (595, 842)
    family = rng.choice(["serif", "sans", "mono", "serif", "sans", "mono"])
    size = rng.uniform(8.5, 11.5)
    mg = rng.uniform(40, 80)
    L = Layout(fonts, W, H, (mg, rng.uniform(35, 70), mg, rng.uniform(40, 70)), family, size)
    kind = weighted(rng, OTHER_KINDS)
    long_doc = rng.random() < 0.4  # reports, papers and manuals often run to several pages
    L.kind = kind
    money = Money(rng, country)
    org = company(rng, country)
    rs = "r_s"

    def heading(t, lvl=1):
        L.space(size * (0.8 if lvl > 1 else 1.2))
        L.line(t, bold=True, size=size * (1.5 if lvl == 1 else 1.15))
        L.space(size * 0.3)

    def paras(n, k=rs, nmin=2, nmax=6):
        for _ in range(n):
            L.paragraph(prose(rng, lang if k in GRAMMARS.get(lang, {}) else "en", rng.randint(nmin, nmax), k), indent_first=size * 2 if rng.random() < 0.2 else 0)

    def table(nrows, ncols, numeric=True, header=None):
        header = header or [rng.choice(["Region", "Product", "Site", "Year", "Group", "Category", "Item", "Month", "Country", "Sample"])] + \
            [rng.choice(["%d" % y for y in range(1985, 2025)] + ["Q1", "Q2", "Q3", "Q4", "Mean", "SD", "n", "Total", "Change", "%", "Units", "Share"]) for _ in range(ncols - 1)]
        xs = [0] + [L.inner * (0.35 + 0.65 * (i + 1) / (ncols - 1)) for i in range(ncols - 1)]
        L.cells([(xs[0], header[0])] + [(x, h, "right") for x, h in zip(xs[1:], header[1:])], bold=True)
        L.rule(dy=1, width=0.4)
        rowlab = rng.choice([["North", "South", "East", "West", "Central"], ["Control", "Group A", "Group B", "Placebo", "Treatment"],
                             rng.sample(G_EN["attribute"], 5), [brand(rng) for _ in range(4)],
                             [pick(rng, MONTHS["en"]) for _ in range(3)], [coined(rng) for _ in range(4)], [pick(rng, DEPTS) for _ in range(4)]])
        for i in range(nrows):
            lab = rowlab[i % len(rowlab)] + ("" if i < len(rowlab) else " %d" % (i // len(rowlab) + 1))
            vals = [rng.choice([fmt_num(rng.uniform(0, 999), "en", rng.choice([0, 1, 2])), "%d" % rng.randint(0, 99999), "%.1f%%" % rng.uniform(0, 100), "%.2f" % rng.uniform(0, 10)]) for _ in range(ncols - 1)]
            L.cells([(xs[0], lab)] + [(x, v, "right") for x, v in zip(xs[1:], vals)])
        L.rule(dy=1, width=0.4)
        L.line("Table %d. %s" % (rng.randint(1, 9), sentence(rng, "en", "r_s")[:90]), size=size * 0.85)

    if kind == "report":
        L.line(org.upper() if rng.random() < 0.5 else org, size=size * 0.9)
        L.space(size)
        L.line(pick(rng, TOPICS) + rng.choice(["", " %d" % rng.randint(1980, 2025), ": " + expand(rng, "{r_subj_c}", "en")]), bold=True, size=size * 1.8)
        if rng.random() < 0.6:
            L.line("%s  |  %s" % (rng.choice(["Prepared by", "Author", "Submitted by"]) + " " + person(rng, plang), fmt_date(rng, rand_date(rng, 1975, 2025), date_kind_for(rng, country, lang))), size=size * 0.9)
        secs = rng.sample(["Executive Summary", "Introduction", "Background", "Methodology", "Findings", "Discussion", "Recommendations", "Conclusion", "Next Steps", "Financial Overview", "Risks"], rng.randint(5, 11) if long_doc else rng.randint(2, 6))
        for i, s in enumerate(secs):
            heading(("%d. " % (i + 1) if rng.random() < 0.5 else "") + (s if lang == "en" else {"de": "Abschnitt %d" % (i + 1), "fr": "Partie %d" % (i + 1)}.get(lang, s)), 2)
            paras(rng.randint(1, 3))
            if rng.random() < 0.25:
                table(rng.randint(3, 8), rng.randint(3, 5))
            if rng.random() < 0.2:
                for _ in range(rng.randint(2, 5)):
                    L.paragraph("•  " + sentence(rng, "en", "r_s"), x=size)
    elif kind == "minutes":
        L.line(rng.choice(["MINUTES", "Minutes of the Meeting", "Meeting Minutes", "Protokoll", "Compte rendu de réunion"]) + rng.choice(["", " - " + pick(rng, DEPTS) + " Committee", " of the Board of Directors"]), bold=True, size=size * 1.6)
        L.line("%s, %s" % (fmt_date(rng, rand_date(rng, 1975, 2025), date_kind_for(rng, country, lang)), rng.choice(["10:00 a.m.", "2:30 p.m.", "09:30", "14:00 Uhr"])))
        L.line(rng.choice(["Present: ", "Attendees: ", "Anwesend: ", "Présents : "]) + ", ".join(person(rng, plang) for _ in range(rng.randint(3, 8))))
        if rng.random() < 0.5:
            L.line(rng.choice(["Apologies: ", "Absent: ", "Entschuldigt: "]) + ", ".join(person(rng, plang) for _ in range(rng.randint(1, 3))))
        for i in range(rng.randint(8, 14) if long_doc else rng.randint(3, 7)):
            heading("%d. %s" % (i + 1, expand(rng, "{thing_c}", "en")), 2)
            paras(1, nmin=1, nmax=4)
            if rng.random() < 0.4:
                L.line(rng.choice(["Action: ", "ACTION: ", "Decision: "]) + person(rng, plang) + " - " + expand(rng, "{action}", "en"))
        L.line(rng.choice(["The meeting adjourned at %d:%02d." % (rng.randint(11, 17), rng.choice([0, 15, 30, 45])), "Next meeting: " + fmt_date(rng, rand_date(rng), "long_en")]))
    elif kind == "scientific":
        L.line(sentence(rng, "en", "r_s").rstrip("."), bold=True, size=size * 1.5, align="center")
        L.line(", ".join(person(rng, rng.choice(["en", "de", "fr"])) + "%s" % rng.choice(["", "¹", "*", "a"]) for _ in range(rng.randint(1, 5))), align="center")
        L.line(rng.choice(["Department of Chemistry", "Institute of Pharmacology", "Research Center", "School of Public Health", "Laboratory of Biochemistry"]) + ", " + rng.choice(["University of ", "Universität ", "Université de "]) + pick(rng, DE_PLACES + FR_PLACES + UK_PLACES), size=size * 0.85, align="center")
        heading("Abstract", 2)
        paras(1, nmin=4, nmax=8)
        L.line("Keywords: " + ", ".join(rng.sample(["nicotine", "aerosol", "toxicology", "epidemiology", "regression", "sampling", "smoke chemistry", "exposure", "metabolism", "survey", "retail", "pricing"], 4)), size=size * 0.9)
        for s in rng.sample(["Introduction", "Materials and Methods", "Results", "Discussion", "Conclusions"], rng.randint(2, 4)):
            heading(s, 2)
            paras(rng.randint(3, 6) if long_doc else rng.randint(1, 3))
            if rng.random() < 0.3:
                table(rng.randint(3, 7), rng.randint(3, 5))
        if rng.random() < 0.7:
            heading("References", 2)
            for i in range(rng.randint(3, 10)):
                L.paragraph("%d. %s, %s. (%d) %s. %s %d:%d-%d." % (i + 1, pick(rng, LAST["en"] + LAST["de"]), _letters(rng, 1), rng.randint(1960, 2024), sentence(rng, "en", "r_s").rstrip("."),
                                                                 rng.choice(["J. Chem.", "Am. J. Epidemiol.", "Food Chem. Toxicol.", "Anal. Biochem.", "Science", "Lancet", "Nature"]), rng.randint(1, 120), rng.randint(1, 900), rng.randint(901, 1500)), size=size * 0.85, after=0.2)
    elif kind == "pricelist":
        L.line(org, bold=True, size=size * 1.6)
        L.line(rng.choice(["Price List", "PRICE LIST %d" % rng.randint(1990, 2025), "Product Catalogue", "Preisliste", "Tarifs", "Catalogue", "Rate Card"]), bold=True, size=size * 1.3)
        L.line(rng.choice(["Valid from ", "Effective ", "Gültig ab ", "Valable à partir du "]) + fmt_date(rng, rand_date(rng), date_kind_for(rng, country, lang)), size=size * 0.9)
        L.space(size)
        pool = pick(rng, list(SHOP_ITEMS.values()) + list(INVOICE_ITEMS.values()))
        L.cells([(0, rng.choice(["Code", "Art.-Nr.", "Ref.", "SKU"])), (L.inner * 0.18, rng.choice(["Description", "Bezeichnung", "Désignation", "Product"])),
                 (L.inner * 0.8, rng.choice(["Pack", "Unit", "VE", "Size"]), "right"), (L.inner, rng.choice(["Price", "Preis", "Prix", "List price"]), "right")], bold=True)
        for _ in range(rng.randint(10, 45)):
            if rng.random() < 0.08:
                heading(pick(rng, BUSINESS_EN + BRAND_WORDS), 2)
            L.cells([(0, _digits(rng, rng.choice([4, 5, 6]))), (L.inner * 0.18, item_name(rng, pool)), (L.inner * 0.8, rng.choice(["1", "10", "12", "1 kg", "5 L", "pack", "box"]), "right"),
                     (L.inner, money(rng.uniform(0.5, 900)), "right")])
        L.space(size)
        L.paragraph(rng.choice(["Prices exclude VAT and delivery. Subject to change without notice.", "Alle Preise zzgl. gesetzlicher MwSt. Irrtümer und Änderungen vorbehalten.",
                                "Prix HT, hors frais de port. Sous réserve de modifications.", "Minimum order quantity applies. Contact our sales team for volume discounts."]), size=size * 0.8)
    elif kind == "datatable":
        L.line(rng.choice(["Table", "Appendix", "Exhibit", "Schedule", "Annex"]) + " %s: %s" % (rng.choice(["1", "2", "A", "B", "C", "4.2"]), expand(rng, "{r_subj_c} by {unit}", "en")), bold=True, size=size * 1.3)
        for _ in range(rng.randint(1, 3)):
            table(rng.randint(5, 20), rng.randint(3, 7))
            L.space(size)
        if rng.random() < 0.5:
            L.paragraph("Source: " + org + ". " + sentence(rng, "en", "r_s"), size=size * 0.85)
    elif kind == "press":
        L.line(rng.choice(["FOR IMMEDIATE RELEASE", "PRESS RELEASE", "News Release", "Pressemitteilung", "Communiqué de presse"]), bold=True)
        L.space(size)
        L.line(org + " " + expand(rng, "{news_act}", "en"), bold=True, size=size * 1.4)
        paras(rng.randint(2, 5), "news_s", 2, 4)
        heading("About " + org, 2)
        L.paragraph("%s is a %s company based in %s. %s" % (org, rng.choice(["leading", "family-owned", "global", "regional"]), address(rng, country)[-1], sentence(rng, "en", "r_s")))
        L.line("Media contact: %s, %s, %s" % (person(rng, plang), phone(rng, country), email(rng, org)))
        L.line("###", align="center")
    elif kind == "manual":
        L.line(rng.choice(["Operating Instructions", "User Manual", "Installation Guide", "Bedienungsanleitung", "Mode d'emploi", "Quick Start Guide"]), bold=True, size=size * 1.7)
        L.line("%s %s-%d" % (org, _letters(rng, 2), rng.randint(100, 9999)), size=size * 1.1)
        for i in range(rng.randint(5, 9) if long_doc else rng.randint(2, 5)):
            heading("%d %s" % (i + 1, rng.choice(["Safety information", "Getting started", "Installation", "Operation", "Cleaning and care", "Troubleshooting", "Technical data"])), 2)
            for j in range(rng.randint(2, 6)):
                L.paragraph("%d.%d  %s" % (i + 1, j + 1, sentence(rng, "en", "manual_s")), after=0.3)
            if rng.random() < 0.3:
                L.paragraph(rng.choice(["WARNING: ", "CAUTION: ", "NOTE: ", "ACHTUNG: ", "ATTENTION : "]) + sentence(rng, "en", "manual_s"), bold=True)
    elif kind == "resume":
        name = person(rng, plang)
        L.line(name, bold=True, size=size * 1.8, align=rng.choice(["left", "center"]))
        L.line("  |  ".join([", ".join(address(rng, country)[-1:]), phone(rng, country), email(rng, "mail", name)]), size=size * 0.9, align="left")
        secs = [("Objective", None), ("Experience", "exp"), ("Education", "edu"), ("Skills", "skills"), ("Publications", "pub"), ("Professional Affiliations", "aff"), ("References", "ref")]
        if lang == "de":
            secs = [("Berufserfahrung", "exp"), ("Ausbildung", "edu"), ("Kenntnisse", "skills"), ("Sprachen", "skills")]
        elif lang == "fr":
            secs = [("Expérience professionnelle", "exp"), ("Formation", "edu"), ("Compétences", "skills"), ("Langues", "skills")]
        for s, k in secs:
            if rng.random() < 0.25 and k not in ("exp", "edu"):
                continue
            heading(s.upper() if rng.random() < 0.5 else s, 2)
            if k == "exp":
                for _ in range(rng.randint(1, 4)):
                    y1 = rng.randint(1960, 2020)
                    L.cells([(0, "%s, %s" % (job_title(rng, lang), company(rng, country)), "left"), (L.inner, "%d - %s" % (y1, rng.choice([str(y1 + rng.randint(1, 8)), "present", "heute", "aujourd'hui"])), "right")], bold=True)
                    for _ in range(rng.randint(1, 3)):
                        L.paragraph("•  " + rng.choice(["Responsible for ", "Managed ", "Developed ", "Coordinated ", "Led "]) + expand(rng, "{thing}", "en") + " " + rng.choice(["for the division", "across {num} sites", "with a team of {n}", "and reported to the director"]).replace("{num}", str(rng.randint(2, 40))).replace("{n}", str(rng.randint(2, 30))) + ".", x=size)
            elif k == "edu":
                for _ in range(rng.randint(1, 3)):
                    L.line("%s, %s %s, %d" % (rng.choice(["B.S. Chemistry", "M.B.A.", "Ph.D. Biochemistry", "B.A. Economics", "Diplom-Kaufmann", "Master Informatique", "M.Sc. Engineering", "A.A.S."]),
                                               rng.choice(["University of", "Universität", "Université de", "College of"]), pick(rng, [c for c, _ in US_PLACES] + DE_PLACES + FR_PLACES), rng.randint(1955, 2020)))
            elif k == "skills":
                L.paragraph(", ".join(rng.sample(["Project management", "Statistical analysis", "Laboratory techniques", "Negotiation", "Budgeting", "Public speaking", "SAP", "Microsoft Office",
                                                  "Python", "German (fluent)", "French (basic)", "English", "Team leadership", "Quality systems", "Regulatory affairs", "Chromatography"], rng.randint(4, 8))))
            elif k is None:
                L.paragraph("To obtain a position as " + job_title(rng, "en").lower() + " where " + expand(rng, "{benefit}", "en") + ".")
            else:
                for _ in range(rng.randint(1, 3)):
                    L.line(person(rng, plang) + ", " + job_title(rng, "en") + ", " + company(rng, country))
    elif kind == "agenda":
        L.line(rng.choice(["AGENDA", "Agenda", "Tagesordnung", "Ordre du jour", "Programme"]), bold=True, size=size * 1.7, align="center")
        L.line(expand(rng, "{thing_c}", "en") + " - " + fmt_date(rng, rand_date(rng), "long_en"), align="center")
        L.line(rng.choice(["Conference Room B", "Main Auditorium", "Hotel " + coined(rng), "Room %d" % rng.randint(100, 999)]) + ", " + address(rng, country)[-1], align="center")
        L.space(size)
        h, mnt = rng.randint(8, 10), 0
        for _ in range(rng.randint(5, 14)):
            L.cells([(0, "%02d:%02d" % (h, mnt)), (L.inner * 0.15, expand(rng, rng.choice(["{thing_c}", "Welcome and introductions", "Coffee break", "Lunch", "Discussion: {r_subj}", "Presentation: {thing}", "Report on {r_subj}"]), "en")),
                     (L.inner, person(rng, plang) if rng.random() < 0.6 else "", "right")])
            mnt += rng.choice([15, 30, 45, 60])
            h, mnt = h + mnt // 60, mnt % 60
    elif kind == "news":
        if rng.random() < 0.5:
            L.line(rng.choice(["The %s %s" % (pick(rng, [c for c, _ in US_PLACES]), rng.choice(["Times", "Herald", "Gazette", "Post", "Tribune", "Journal"])), "Business Weekly", "Trade News", "Industry Bulletin"]), bold=True, size=size * 1.3, align="center")
            L.rule(width=1.0)
        L.line(expand(rng, "{org} to {news_act}", "en").title(), bold=True, size=size * rng.uniform(1.6, 2.4))
        L.line("By " + person(rng, plang) + ("  ·  " + fmt_date(rng, rand_date(rng, 1970, 2025), "long_en") if rng.random() < 0.7 else ""), size=size * 0.9)
        L.space(size * 0.5)
        paras(rng.randint(8, 14) if long_doc else rng.randint(3, 8), "news_s", 2, 5)
    elif kind == "policy":
        L.line(rng.choice(["Privacy Policy", "Terms and Conditions", "Code of Conduct", "Travel Policy", "Allgemeine Geschäftsbedingungen", "Conditions générales", "Warranty Terms"]), bold=True, size=size * 1.6)
        for i in range(rng.randint(12, 24) if long_doc else rng.randint(4, 12)):
            L.paragraph("%d. %s" % (i + 1, prose(rng, lang, rng.randint(2, 4))), after=0.5)
    elif kind == "statement":
        L.line(org, bold=True, size=size * 1.4)
        L.line(rng.choice(["Account Statement", "Statement of Account", "Kontoauszug", "Relevé de compte", "Monthly Statement"]), bold=True, size=size * 1.2)
        L.line("%s: %s   %s: %s" % (rng.choice(["Account", "Konto", "Compte"]), _digits(rng, 10), rng.choice(["Period", "Zeitraum", "Période"]), fmt_date(rng, rand_date(rng), "dmy/")))
        L.space(size)
        L.cells([(0, "Date"), (L.inner * 0.15, "Description"), (L.inner * 0.75, "Debit", "right"), (L.inner * 0.88, "Credit", "right"), (L.inner, "Balance", "right")], bold=True)
        bal = rng.uniform(100, 20000)
        for _ in range(rng.randint(6, 30)):
            amt = rng.uniform(5, 2000)
            cr = rng.random() < 0.3
            bal += amt if cr else -amt
            L.cells([(0, fmt_date(rng, rand_date(rng), "dmy/")), (L.inner * 0.15, rng.choice(["Transfer ", "Direct debit ", "Card payment ", "Lastschrift ", "Virement ", "Standing order "]) + company(rng, country)[:28]),
                     (L.inner * 0.75, "" if cr else money.num(amt), "right"), (L.inner * 0.88, money.num(amt) if cr else "", "right"), (L.inner, money.num(bal), "right")])
    elif kind == "menu":
        L.line(rng.choice(["Menu", "Carte", "Speisekarte", "Lunch Menu", "Dinner"]), bold=True, size=size * 2, align="center")
        for sec in rng.sample(["Starters", "Mains", "Desserts", "Drinks", "Vorspeisen", "Hauptgerichte", "Entrées", "Plats", "Desserts"], 3):
            heading(sec, 2)
            for _ in range(rng.randint(3, 8)):
                L.cells([(0, item_name(rng, SHOP_ITEMS[pick(rng, ["restaurant_en", "restaurant_de", "restaurant_fr", "restaurant_my", "bakery"])])), (L.inner, money.num(rng.uniform(3, 40)), "right")])
    elif kind == "contents":
        L.line(rng.choice(["Contents", "Table of Contents", "Inhaltsverzeichnis", "Sommaire"]), bold=True, size=size * 1.6)
        p = 1
        for i in range(rng.randint(6, 20)):
            p += rng.randint(1, 12)
            L.cells([(0, "%d%s %s" % (i + 1, rng.choice([".", ""]), rng.choice(TOPICS + ["Introduction", "Appendix", "Index", "Glossary"]))), (L.inner, str(p), "right")])
    elif kind == "advert":
        L.line(rng.choice(["NEW!", "Introducing", "SALE", "Now available", "Special offer"]), bold=True, size=size * 2.2, align="center")
        L.line(coined(rng).upper(), bold=True, size=size * 3, align="center")
        L.paragraph(prose(rng, "en", rng.randint(1, 3), "news_s"))
        L.line(rng.choice(["Available at fine stores everywhere.", "Visit " + web(rng, org), "Call " + phone(rng, country) + " today!", "Limited time only."]), bold=True, align="center")
        if rng.random() < 0.5:
            L.line(rng.choice(["Only ", "From ", "Now "]) + money(rng.uniform(1, 99), force_symbol=True), size=size * 1.8, align="center")
    elif kind == "schedule":
        L.line(rng.choice(["Timetable", "Production Schedule", "Shift Roster", "Delivery Schedule", "Project Timeline"]), bold=True, size=size * 1.5)
        days = ["Mon", "Tue", "Wed", "Thu", "Fri"]
        xs = [0] + [L.inner * (0.25 + 0.15 * i) for i in range(5)]
        L.cells([(0, "")] + [(x, d2) for x, d2 in zip(xs[1:], days)], bold=True)
        for _ in range(rng.randint(5, 15)):
            L.cells([(0, person(rng, plang) if rng.random() < 0.5 else "%02d:00" % rng.randint(6, 20))] + [(x, rng.choice(["X", "-", "early", "late", "off", "A", "B", ""])) for x in xs[1:]])
    else:  # handwritten-style notes, short
        L.line(rng.choice(["Notes", "Note", "Notes from the meeting", "To do"]), bold=True, size=size * 1.3)
        for _ in range(rng.randint(3, 10)):
            L.line("- " + sentence(rng, "en", rng.choice(["r_s", "topic_s"]))[:80])
    return L.finish()


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------

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


def make_document(job):
    out, seed, label, k, index, scan_fraction = job
    rng = random.Random("sheaf-doctype/%d/%s/%d" % (seed, label, k))
    scan = rng.random() < scan_fraction
    fonts = raster_fontset(rng) if scan else pdf_fontset()
    layout = BUILDERS[label](rng, fonts)
    decorate(layout, rng, label)
    base = os.path.join(out, "docs", "%06d" % index)
    if scan:
        path = write_scan(base, layout, rng)
    else:
        if rng.random() < 0.15:  # a PDF whose text layer came from someone else's OCR
            add_ocr_noise(layout, rng, rng.uniform(0.01, 0.06))
        path = base + ".pdf"
        write_pdf(path, layout)
    info = {"file": os.path.relpath(path, out), "label": label, "kind": layout.kind, "pages": len(layout.pages), "scan": scan}
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
    a = ap.parse_args(argv)
    labels = [x for x in a.labels.split(",") if x]
    for x in labels:
        if x not in BUILDERS:
            ap.error("unknown label %r" % x)
    if a.per_class < 1 or not 0 <= a.scan_fraction <= 1:
        ap.error("--per-class must be >= 1 and --scan-fraction in [0, 1]")
    os.makedirs(os.path.join(a.out, "docs"), exist_ok=True)
    jobs = [(a.out, a.seed, label, k, k * len(LABELS) + LABELS.index(label), a.scan_fraction)
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
            f.write(json.dumps({"file": r["file"], "label": r["label"]}) + "\n")
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


if __name__ == "__main__":
    main()
