# SPDX-License-Identifier: GPL-3.0-or-later
"""Layout: pages of positioned text runs, rules and boxes, in points from the top-left corner."""


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
        # Ground truth: schema field name -> the value exactly as printed on the page (receipts
        # and invoices; see corpus.truth). Builders fill it in as they print.
        self.fields = {}
        self.extra = {}  # printed facts that are no schema field (amount_paid, balance_due, ...)

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
        if w > self.w:  # wider than the paper: printed smaller, or its ends would be lost
            size *= self.w / w
            w = self.fonts.width(text, family, bold, size)
        ax = self.ml + x
        if align == "right":
            ax -= w
        elif align == "center":
            ax -= w / 2
        ax = min(max(ax, 0.0), self.w - w)  # past an edge of the paper: moved back onto it
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

    def logo(self, what, w=None, h=None, family=None):
        """A drawn mark at the current position, centred: what = (style, text, seed) for a logo
        or ("stamp", text, angle, seed) for a stamp laid over what is printed above. Rendered as
        shapes in PDFs (no text layer) and as pixels in scans (render.py)."""
        if what[0] == "stamp":
            h = h or 22
            w = w or min(self.inner * 0.8, 14 * len(what[1]) + 10)
            y = max(self.mt, self.y - h * 1.4)
            self.pages[-1].append(("logo", self.ml + (self.inner - w) / 2, y, w, h, what, family or self.family))
            return
        self.y += 3
        self.pages[-1].append(("logo", self.ml + (self.inner - w) / 2, self.y, w, h, what, family or self.family))
        self.y += h + 3

    def finish(self):
        if self.footer:
            self.footer(self, len(self.pages) - 1)
        if self.auto_height:
            self.h = self.y + self.mb
        return self
