// The page viewer: the page image with zoom and pan, the OCR words as an SVG overlay (boxes in
// the page image's pixels), the focused field's box highlighted, and word picking: a click
// picks one word, Shift+drag lassoes several. Plain drag pans; the wheel and +/- zoom.
import { h, s } from "./dom.js";

export class PageViewer {
  constructor({ onPick, onFieldBox }) {
    this.onPick = onPick;          // (text, word?, alt?, words?) => void: words picked (word: a single click; words: a lasso's)
    this.onFieldBox = onFieldBox;  // (fieldName) => void: a field's box was clicked
    this.zoom = 1;
    this.x = 0;
    this.y = 0;
    this.img = h("img", { alt: "Page image", draggable: "false" });
    this.svg = s("svg", { class: "overlay", "aria-hidden": "true" });
    this.stage = h("div", { class: "stage" }, this.img, this.svg);
    this.el = h("div", { class: "viewer", tabindex: "0", role: "region",
      "aria-label": "Page image: drag to pan, Shift+drag to select words, + and - to zoom" },
      this.stage);
    this.words = [];
    this.fields = [];
    this.focused = null;
    this.bindPointer();
    this.el.addEventListener("wheel", (e) => {
      e.preventDefault();
      this.setZoom(this.zoom * (e.deltaY < 0 ? 1.15 : 1 / 1.15));
    }, { passive: false });
    this.el.addEventListener("keydown", (e) => {
      const step = 40;
      if (e.key === "+" || e.key === "=") this.setZoom(this.zoom * 1.2);
      else if (e.key === "-") this.setZoom(this.zoom / 1.2);
      else if (e.key === "ArrowLeft") this.pan(step, 0);
      else if (e.key === "ArrowRight") this.pan(-step, 0);
      else if (e.key === "ArrowUp") this.pan(0, step);
      else if (e.key === "ArrowDown") this.pan(0, -step);
      else return;
      e.preventDefault();
    });
  }

  // page: the result's page ({number, width, height}); words: [{text, bbox:[x0,y0,x1,y1]}].
  show(src, page, words, fields) {
    this.page = page;
    this.words = words;
    this.fields = fields;  // [{name, bbox}] on this page
    this.svg.setAttribute("viewBox", `0 0 ${page.width} ${page.height}`);
    if (this.img.getAttribute("src") !== src) {
      this.img.onload = () => this.fit();
      this.img.src = src;
    } else if (this.img.complete) {
      this.fit();  // already loaded (asked for early, before the page was laid out)
    }
    this.draw();
  }

  // The words (and the page's size as they were measured in) of the page shown, when they
  // arrive after its image started loading; the image is left as it is.
  setWords(page, words) {
    this.page = page;
    this.words = words;
    this.svg.setAttribute("viewBox", `0 0 ${page.width} ${page.height}`);
    this.draw();
  }

  fit() {
    const w = this.el.clientWidth || 600;
    this.zoom = Math.min(1, w / (this.page.width || w));
    this.x = 0;
    this.y = 0;
    this.apply();
  }

  setZoom(z) {
    this.zoom = Math.min(6, Math.max(0.1, z));
    this.apply();
  }

  pan(dx, dy) {
    this.x += dx;
    this.y += dy;
    this.apply();
  }

  apply() {
    const w = (this.page && this.page.width) || 0;
    const hgt = (this.page && this.page.height) || 0;
    this.stage.style.width = w * this.zoom + "px";
    this.stage.style.height = hgt * this.zoom + "px";
    this.stage.style.transform = `translate(${this.x}px, ${this.y}px)`;
  }

  highlight(fieldName) {
    this.focused = fieldName;
    this.draw();
    const f = this.fields.find((x) => x.name === fieldName);
    if (f && f.bbox) this.scrollTo(f.bbox);
  }

  scrollTo(b) {
    const cx = ((b[0] + b[2]) / 2) * this.zoom;
    const cy = ((b[1] + b[3]) / 2) * this.zoom;
    this.x = this.el.clientWidth / 2 - cx;
    this.y = this.el.clientHeight / 2 - cy;
    this.x = Math.min(0, this.x);
    this.y = Math.min(0, this.y);
    this.apply();
  }

  draw() {
    const rect = (b, cls, extra = {}) => s("rect", {
      x: b[0], y: b[1], width: Math.max(1, b[2] - b[0]), height: Math.max(1, b[3] - b[1]),
      class: cls, ...extra });
    const nodes = [];
    for (const f of this.fields) {
      if (!f.bbox) continue;
      nodes.push(rect(f.bbox, "field-box" + (f.name === this.focused ? " focused" : ""), {
        "data-field": f.name,
        onclick: (e) => { e.stopPropagation(); this.onFieldBox(f.name); },
      }, ));
    }
    this.words.forEach((w, i) => {
      nodes.push(rect(w.bbox, "word-box" + (w.selected ? " selected" : ""), {
        "data-word": i,
        onclick: (e) => {
          if (this.dragged) return;
          e.stopPropagation();
          this.onPick(w.text, w, e.altKey);
        },
      }));
      nodes[nodes.length - 1].append(s("title", {}, w.text));
    });
    this.svg.replaceChildren(...nodes);
  }

  // Client coordinates -> page pixels.
  toPage(cx, cy) {
    const r = this.svg.getBoundingClientRect();
    return [((cx - r.left) / r.width) * this.page.width, ((cy - r.top) / r.height) * this.page.height];
  }

  bindPointer() {
    let start = null;
    let lasso = null;
    this.el.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      this.dragged = false;
      start = { cx: e.clientX, cy: e.clientY, x: this.x, y: this.y, lasso: e.shiftKey };
      if (e.shiftKey && this.page) {
        const [px, py] = this.toPage(e.clientX, e.clientY);
        lasso = s("rect", { class: "lasso", x: px, y: py, width: 0, height: 0 });
        lasso.p0 = [px, py];
        this.svg.append(lasso);
      }
    });
    window.addEventListener("pointermove", (e) => {
      if (!start) return;
      const dx = e.clientX - start.cx;
      const dy = e.clientY - start.cy;
      if (Math.abs(dx) + Math.abs(dy) > 4) this.dragged = true;
      if (start.lasso && lasso) {
        const [px, py] = this.toPage(e.clientX, e.clientY);
        const [x0, y0] = lasso.p0;
        lasso.setAttribute("x", Math.min(x0, px));
        lasso.setAttribute("y", Math.min(y0, py));
        lasso.setAttribute("width", Math.abs(px - x0));
        lasso.setAttribute("height", Math.abs(py - y0));
      } else if (this.dragged) {
        this.x = start.x + dx;
        this.y = start.y + dy;
        this.apply();
      }
    });
    window.addEventListener("pointerup", () => {
      if (start && start.lasso && lasso && this.dragged) {
        const x0 = +lasso.getAttribute("x");
        const y0 = +lasso.getAttribute("y");
        const x1 = x0 + +lasso.getAttribute("width");
        const y1 = y0 + +lasso.getAttribute("height");
        const inside = this.words.filter((w) => {
          const cx = (w.bbox[0] + w.bbox[2]) / 2;
          const cy = (w.bbox[1] + w.bbox[3]) / 2;
          return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1;
        });
        if (inside.length) {
          const ordered = readingOrder(inside);
          this.onPick(ordered.map((w) => w.text).join(" "), null, false, ordered);
        }
      }
      if (lasso) lasso.remove();
      lasso = null;
      start = null;
    });
  }
}

// Words top to bottom by line, left to right within a line.
export function readingOrder(words) {
  return [...words].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.bbox[0] - b.bbox[0]);
}
