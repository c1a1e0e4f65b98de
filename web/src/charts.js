// Small inline SVG charts (no library): a bar chart and a line over time.
import { h, s } from "./dom.js";

export function barChart(title, rows, { unit = "" } = {}) {
  const w = 320;
  const rowH = 20;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = s("svg", { viewBox: `0 0 ${w} ${Math.max(1, rows.length) * rowH}`, width: w,
    height: Math.max(1, rows.length) * rowH, role: "img", "aria-label": title },
  rows.map((r, i) => [
    s("text", { x: 0, y: i * rowH + 14, class: "chart-label" }, r.label),
    s("rect", { x: 150, y: i * rowH + 4, height: 12, width: Math.max(1, (r.value / max) * 120), class: "bar" }),
    s("text", { x: 276, y: i * rowH + 14, class: "chart-value" }, fmt(r.value) + unit),
  ]));
  return h("figure", { class: "chart" }, h("figcaption", {}, title),
    rows.length ? svg : h("p", { class: "muted" }, "none yet"));
}

export function lineChart(title, points, { unit = "" } = {}) {
  const w = 320;
  const hgt = 90;
  if (points.length < 2) {
    return h("figure", { class: "chart" }, h("figcaption", {}, title),
      h("p", { class: "muted" }, "collecting (one point every 10 s)…"));
  }
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t;
  const max = Math.max(1e-9, ...points.map((p) => p.v));
  const xy = points.map((p) => [((p.t - t0) / Math.max(1, t1 - t0)) * (w - 10) + 5,
    hgt - 5 - (p.v / max) * (hgt - 20)]);
  return h("figure", { class: "chart" }, h("figcaption", {}, `${title} (now ${fmt(points[points.length - 1].v)}${unit}, max ${fmt(max)}${unit})`),
    s("svg", { viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, role: "img", "aria-label": title },
      s("polyline", { points: xy.map((p) => p.join(",")).join(" "), class: "line" })));
}

function fmt(v) {
  if (!isFinite(v)) return "—";
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return String(Math.round(v * 100) / 100);
}
