# SPDX-License-Identifier: GPL-3.0-or-later
"""Fonts: which TrueType faces rasterise scans and which PDF standard fonts write text layers."""

import os
import sys
from PIL import ImageFont


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
