// Documents: the tenant's documents, filtered by status, type, name and date; any document's
// result, with its JSON for download.
import { request } from "./api.js";
import { age, h, DOCUMENT_TYPES } from "./dom.js";

const STATUSES = ["queued", "processing", "completed", "needs_review", "failed", "rejected"];

export function renderDocuments(main, openId) {
  const status = h("select", { id: "docs-status" }, h("option", { value: "" }, "Any status"),
    STATUSES.map((s) => h("option", { value: s }, s)));
  const type = h("select", { id: "docs-type" }, h("option", { value: "" }, "Any type"),
    DOCUMENT_TYPES.map((t) => h("option", { value: t }, t)));
  const search = h("input", { id: "docs-search", type: "search", placeholder: "file name or id" });
  const since = h("input", { id: "docs-since", type: "date" });
  const body = h("tbody");
  const detail = h("div", { class: "detail", id: "doc-detail" });
  const more = h("button", { type: "button", hidden: true }, "More");
  let docs = [];
  let cursor = null;

  async function load(append) {
    const q = new URLSearchParams({ limit: "100" });
    if (status.value) q.set("status", status.value);
    if (type.value) q.set("type", type.value);
    if (append && cursor) q.set("cursor", cursor);
    const r = await request("GET", "/v1/documents?" + q);
    docs = append ? docs.concat(r.documents) : r.documents;
    cursor = r.next_cursor;
    more.hidden = !cursor;
    draw();
  }

  function draw() {
    const text = search.value.trim().toLowerCase();
    const from = since.value ? Date.parse(since.value) : 0;
    const shown = docs.filter((d) =>
      (!text || (d.filename || "").toLowerCase().includes(text) || d.id.includes(text)) &&
      (!from || Date.parse(d.created_at) >= from));
    body.replaceChildren(...shown.map((d) => h("tr", {},
      h("td", {}, h("a", { href: "#/documents/" + d.id }, d.filename || d.id)),
      h("td", {}, h("span", { class: "pill status-" + d.status }, d.status)),
      h("td", {}, d.document_type || "—"),
      h("td", {}, d.priority),
      h("td", { title: d.created_at }, age(d.created_at)))));
  }

  async function open(id) {
    detail.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    try {
      const d = await request("GET", "/v1/documents/" + encodeURIComponent(id));
      const json = JSON.stringify(d, null, 2);
      const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
      const fields = (d.result && d.result.fields) || {};
      detail.replaceChildren(
        h("h2", {}, d.filename || d.id),
        h("p", {}, h("span", { class: "pill status-" + d.status }, d.status), " ",
          h("a", { href: url, download: `${d.id}.json`, id: "download-json" }, "Download JSON"), " ",
          d.status === "needs_review" ? h("a", { href: "#/review/" + d.id }, "Review") : null),
        h("table", { class: "grid" }, h("tbody", {}, Object.entries(fields).map(([n, f]) =>
          h("tr", {}, h("th", { scope: "row" }, n), h("td", {}, String(f.value ?? "")),
            h("td", {}, f.source || ""))))),
        h("details", {}, h("summary", {}, "Result JSON"), h("pre", { class: "json" }, json)));
    } catch (e) {
      detail.replaceChildren(h("p", { class: "error" }, e.message));
    }
  }

  for (const el of [status, type]) el.addEventListener("change", () => load(false));
  for (const el of [search, since]) el.addEventListener("input", draw);
  more.addEventListener("click", () => load(true));
  main.replaceChildren(
    h("section", { class: "card", "aria-labelledby": "docs-title" },
      h("h1", { id: "docs-title" }, "Documents"),
      h("div", { class: "filters", role: "group", "aria-label": "Filters" },
        h("label", { for: "docs-status" }, "Status"), status,
        h("label", { for: "docs-type" }, "Type"), type,
        h("label", { for: "docs-search" }, "Search"), search,
        h("label", { for: "docs-since" }, "Since"), since),
      h("div", { class: "split" },
        h("div", {}, h("table", { class: "grid", id: "docs-table" },
          h("thead", {}, h("tr", {}, ["Document", "Status", "Type", "Priority", "Age"].map((c) => h("th", { scope: "col" }, c)))),
          body), more),
        detail)));
  load(false).catch((e) => detail.replaceChildren(h("p", { class: "error" }, e.message)));
  if (openId) open(openId);
  return () => {};
}
