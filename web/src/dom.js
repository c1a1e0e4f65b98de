// Small DOM helpers: h() builds elements, so no text is ever parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function toast(message, kind = "info") {
  const t = document.getElementById("toast");
  t.textContent = message;
  t.className = "show " + kind;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.className = ""), 5000);
}

// "3 min", "2 h", "4 d" since an ISO time.
export function age(iso) {
  const ms = Date.now() - Date.parse(iso);
  const m = Math.max(0, Math.round(ms / 60000));
  if (m < 60) return m + " min";
  if (m < 48 * 60) return Math.round(m / 60) + " h";
  return Math.round(m / 1440) + " d";
}

export function confidenceClass(c) {
  if (c === null || c === undefined) return "conf-none";
  if (c >= 0.9) return "conf-high";
  if (c >= 0.6) return "conf-mid";
  return "conf-low";
}

export const DOCUMENT_TYPES = ["invoice", "receipt", "letter", "form", "other"];
