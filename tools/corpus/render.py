# SPDX-License-Identifier: GPL-3.0-or-later
"""Rendering a Layout: a PDF with a text layer (standard 14 fonts, WinAnsi) or a noisy raster scan."""

import zlib
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .fonts import _PDF_BASE_FONTS, load_font

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
            elif it[0] == "logo":
                ops.append(_pdf_logo(it, h))
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


def _pdf_logo(it, page_h):
    """A logo or stamp in a PDF: its outline shapes only, no text (as a logo placed as a picture
    adds no words to a text layer)."""
    _, x, y, w, hh, what, _fam = it
    if what[0] == "stamp":
        return ("1.2 w %s %s %s %s re S" % (_num(x), _num(page_h - y - hh), _num(w), _num(hh))).encode()
    style = what[0]
    cx, cy, rx, ry = x + w / 2, page_h - y - hh / 2, w / 2, hh / 2
    if style in ("emblem", "marks"):  # an ellipse of four Bezier arcs, filled
        k = 0.5523
        pts = [(cx + rx, cy), (cx + rx, cy + k * ry), (cx + k * rx, cy + ry), (cx, cy + ry), (cx - k * rx, cy + ry),
               (cx - rx, cy + k * ry), (cx - rx, cy), (cx - rx, cy - k * ry), (cx - k * rx, cy - ry), (cx, cy - ry),
               (cx + k * rx, cy - ry), (cx + rx, cy - k * ry), (cx + rx, cy)]
        ops = "%s %s m " % (_num(pts[0][0]), _num(pts[0][1]))
        for i in range(1, 13, 3):
            ops += "%s %s %s %s %s %s c " % tuple(_num(v) for p in pts[i:i + 3] for v in p)
        return (ops + "f").encode()
    return ("1.5 w %s %s %s %s re S" % (_num(x), _num(page_h - y - hh), _num(w), _num(hh))).encode()


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


def _draw_logo(img, d, it, fonts, scale, pad, ink, paper):
    """A receipt's logo or stamp as pixels: shapes and stylised letters that OCR reads as noise or
    not at all. Its look comes from the item's own seed, so the page's stream is not used."""
    import random
    _, x, y, w, hh, what, fam = it
    X0, Y0, W, H = pad + x * scale, pad + y * scale, w * scale, hh * scale
    if what[0] == "stamp":
        _, text, angle, seed = what
        r = random.Random(seed)
        f = load_font(fonts.files[(fam, True)], max(8, int(H * 0.7)))
        tw = int(W) + 8
        stamp = Image.new("L", (tw, int(H) + 8), 0)
        sd = ImageDraw.Draw(stamp)
        sd.rectangle([1, 1, tw - 2, int(H) + 6], outline=255, width=max(1, int(scale)))
        sd.text((tw / 2, (H + 8) / 2), text, fill=255, font=f, anchor="mm")
        stamp = stamp.rotate(angle, expand=True, resample=Image.BICUBIC)
        shade = r.randint(min(ink + 40, 200), min(ink + 110, 220))
        img.paste(Image.new("L", stamp.size, shade), (int(X0), int(Y0)), stamp.point(lambda v: int(v * 0.8)))
        return
    style, text, seed = what
    r = random.Random(seed)
    bold_font = fonts.files[(fam, True)]
    if style == "emblem":  # initials knocked out of a filled ellipse or box
        if r.random() < 0.6:
            d.ellipse([X0, Y0, X0 + W, Y0 + H], fill=ink)
        else:
            d.rounded_rectangle([X0, Y0, X0 + W, Y0 + H], radius=H / 4, fill=ink)
        f = load_font(bold_font, max(8, int(H * 0.55)))
        d.text((X0 + W / 2, Y0 + H / 2), text, fill=paper, font=f, anchor="mm")
    elif style == "initials":  # large letters overlapping, a swoosh through them
        f = load_font(bold_font, max(8, int(H * 1.0)))
        cx = X0
        for ch in text:
            d.text((cx, Y0 + H), ch, fill=ink, font=f, anchor="ls")
            cx += f.getlength(ch) * r.uniform(0.45, 0.75)
        pts = [(X0 - 4, Y0 + H * r.uniform(0.3, 0.8))]
        for i in range(1, 6):
            pts.append((X0 + W * i / 5, Y0 + H * r.uniform(0.2, 0.9)))
        d.line(pts, fill=paper if r.random() < 0.5 else ink, width=max(2, int(H / 8)), joint="curve")
    elif style == "badge":  # a double frame with the letters and a star or two
        d.rectangle([X0, Y0, X0 + W, Y0 + H], outline=ink, width=max(1, int(scale * 1.5)))
        g = max(2, int(scale * 2))
        d.rectangle([X0 + g, Y0 + g, X0 + W - g, Y0 + H - g], outline=ink, width=max(1, int(scale)))
        f = load_font(bold_font, max(8, int(H * 0.5)))
        d.text((X0 + W / 2, Y0 + H / 2), text, fill=ink, font=f, anchor="mm")
        for _ in range(r.randint(1, 3)):
            sx, sy, sr = X0 + r.uniform(0.05, 0.95) * W, Y0 + r.uniform(0.1, 0.9) * H, H * 0.08
            d.polygon([(sx, sy - sr), (sx + sr, sy + sr), (sx - sr, sy + sr)], fill=ink)
    elif style == "stripes":  # big letters cut by paper-coloured lines
        f = load_font(bold_font, max(8, int(H * 0.95)))
        d.text((X0 + W / 2, Y0 + H / 2), text, fill=ink, font=f, anchor="mm")
        step = max(3, int(H / r.randint(4, 7)))
        for yy in range(int(Y0), int(Y0 + H), step):
            d.line([X0 - 2, yy, X0 + W + 2, yy], fill=paper, width=max(1, step // 3))
    elif style == "script":  # letters each tilted and shifted, as a hand-drawn word mark
        f = load_font(bold_font, max(8, int(H * 0.8)))
        cx = X0
        for ch in text:
            g = Image.new("L", (int(H * 1.2) + 4, int(H * 1.2) + 4), 0)
            ImageDraw.Draw(g).text((2, 2), ch, fill=255, font=f)
            g = g.rotate(r.uniform(-30, 30), expand=False, resample=Image.BICUBIC)
            img.paste(Image.new("L", g.size, ink), (int(cx), int(Y0 + r.uniform(-0.1, 0.15) * H)), g)
            cx += f.getlength(ch) * r.uniform(0.8, 1.05)
    else:  # marks: circles, triangles and diamonds
        n = r.randint(2, 5)
        for i in range(n):
            cx, cy, s = X0 + W * (i + 0.5) / n, Y0 + H / 2 + r.uniform(-0.2, 0.2) * H, min(W / n, H) * r.uniform(0.3, 0.5)
            shape = r.choice(["circle", "tri", "diamond", "ring"])
            if shape == "circle":
                d.ellipse([cx - s, cy - s, cx + s, cy + s], fill=ink)
            elif shape == "ring":
                d.ellipse([cx - s, cy - s, cx + s, cy + s], outline=ink, width=max(1, int(s / 3)))
            elif shape == "tri":
                d.polygon([(cx, cy - s), (cx + s, cy + s), (cx - s, cy + s)], fill=ink)
            else:
                d.polygon([(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)], fill=ink)


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
            elif it[0] == "logo":
                _draw_logo(img, d, it, layout.fonts, scale, pad, ink, paper)
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
