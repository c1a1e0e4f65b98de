// Documents: the tenant's documents, filtered by status, type, sender (server side), name and
// date; any document's result, with its JSON for download. A completed document's fields and
// line items can be corrected here (POST /v1/documents/{id}/corrections), and a completed or
// review document's type changed (typepick.js): it is read again as the new type. A finished
// document can be processed again (POST /v1/documents/{id}/reprocess). The list and the open
// document follow the live events (/v1/events), so a run started here is seen to its end.
import { request } from "./api.js";
import { age, h, toast } from "./dom.js";
import { onEvent } from "./events.js";
import { lineItemsEditor } from "./lineitems.js";
import { addTypeOptions, documentTypes, typePicker } from "./typepick.js";

const STATUSES = ["queued", "processing", "completed", "needs_review", "failed", "rejected"];
// The statuses from which a document may be processed again (the API refuses the others).
const FINISHED = ["completed", "needs_review", "failed", "rejected"];

export function renderDocuments(main, openId) {
  const status = h("select", { id: "docs-status" }, h("option", { value: "" }, "Any status"),
    STATUSES.map((s) => h("option", { value: s }, s)));
  const type = h("select", { id: "docs-type" }, h("option", { value: "" }, "Any type"));
  addTypeOptions(type);
  const senderInput = h("input", { id: "docs-sender", type: "search", placeholder: "e.g. name:acme trading",
    title: "The sender's identity key (a document's result shows it)" });
  const search = h("input", { id: "docs-search", type: "search", placeholder: "file name or id" });
  const since = h("input", { id: "docs-since", type: "date" });
  const body = h("tbody");
  const detail = h("div", { class: "detail", id: "doc-detail" });
  const more = h("button", { type: "button", hidden: true }, "More");
  let docs = [];
  let cursor = null;
  let shownId = null;  // the document whose detail is shown
  let opening = 0;     // the newest open(): an older answer arriving later is dropped

  async function load(append) {
    const q = new URLSearchParams({ limit: "100" });
    if (status.value) q.set("status", status.value);
    if (type.value) q.set("type", type.value);
    if (senderInput.value.trim()) q.set("sender", senderInput.value.trim());
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

  // Shows document `id`; `quiet` (a live update) keeps the old detail until the new one is
  // there and gives the focus back to the control that had it.
  async function open(id, quiet = false) {
    const seq = ++opening;
    shownId = id;
    const focused = detail.contains(document.activeElement) ? document.activeElement.id : "";
    if (!quiet) detail.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    try {
      const d = await request("GET", "/v1/documents/" + encodeURIComponent(id));
      if (seq !== opening) return;
      const json = JSON.stringify(d, null, 2);
      const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
      const fields = (d.result && d.result.fields) || {};
      const sender = d.result && d.result.sender;
      const correctable = d.status === "completed";
      const edit = h("button", { type: "button", id: "doc-edit", hidden: !correctable,
        onclick: () => editor(d) }, "Correct");
      // The type can be changed while the document is completed or in review.
      const retypable = correctable || d.status === "needs_review";
      const types = retypable ? await documentTypes() : [];
      if (seq !== opening) return;
      const typePick = retypable ? typePicker({ id: "doc-type", ids: "doc-type", label: "Document type",
        current: d.document_type, types, change: (to) => retype(d, to) }) : null;
      const again = FINISHED.includes(d.status) ? reprocessControl(d) : null;
      detail.replaceChildren(
        h("h2", { id: "doc-title", tabindex: "-1" }, d.filename || d.id),
        h("p", {}, h("span", { class: "pill status-" + d.status }, d.status), " ",
          h("a", { href: url, download: `${d.id}.json`, id: "download-json" }, "Download JSON"), " ",
          d.status === "needs_review" ? h("a", { href: "#/review/" + d.id }, "Review") : null, " ", edit,
          again ? [" ", again.button] : null),
        again ? again.question : null,
        typePick ? h("p", { class: "doc-type" }, typePick.el) : null,
        sender ? h("p", { class: "muted" }, "Sender: ",
          h("button", { type: "button", class: "linkish", id: "doc-sender",
            title: "Show this sender's documents", onclick: () => { senderInput.value = sender.key; load(false); } },
          sender.key)) : null,
        h("table", { class: "grid", id: "doc-fields" }, h("tbody", {}, Object.entries(fields).map(([n, f]) =>
          h("tr", {}, h("th", { scope: "row" }, n), h("td", {}, String(f.value ?? "")),
            h("td", {}, f.source || ""))))),
        h("details", {}, h("summary", {}, "Result JSON"), h("pre", { class: "json" }, json)));
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    } catch (e) {
      if (seq !== opening) return;
      detail.replaceChildren(h("p", { class: "error" }, e.message));
    }
  }

  // The type change: a completed document's is a correction, one in review's a review's
  // correction. That holds the document for this page's key while it still needs review (as
  // the review screen wants); here no one is reviewing it, so the hold is given back at once
  // and the document waits in the inbox for whoever opens it. Then the result shows the new
  // type's fields, and the list the new type.
  async function retype(d, to) {
    const path = d.status === "completed"
      ? `/v1/documents/${encodeURIComponent(d.id)}/corrections`
      : `/v1/review/tasks/${encodeURIComponent(d.id)}`;
    const body = d.status === "completed" ? { document_type: to } : { action: "correct", document_type: to };
    let after;
    try {
      after = await request("POST", path, { json: body });
    } catch (e) {
      toast("Type not changed: " + e.message, "error");
      throw e;
    }
    if (d.status !== "completed" && after.status === "needs_review") {
      await request("DELETE", `/v1/review/claims/${encodeURIComponent(d.id)}`).catch(() => {});
    }
    toast(after.status === "needs_review" ? `Now a ${to}; it needs review` : `Now a ${to}`, "ok");
    await open(d.id);
    load(false).catch(() => {});
  }

  // "Process again": the whole pipeline once more from the stored upload, its result replacing
  // this one. Asked first, inline (as the type change is): "Decide the type again" forgets a
  // type a reviewer gave the document ({"reclassify": true}); without it that type is kept.
  // Escape or Cancel takes the question back. Returns {button, question}.
  function reprocessControl(d) {
    const reclassify = h("input", { type: "checkbox", id: "doc-reprocess-reclassify" });
    const question = h("p", { id: "doc-reprocess-confirm", class: "type-confirm", role: "group",
      "aria-label": "Confirm processing again", hidden: true },
      h("span", { class: "type-question" }, "Run this document through the pipeline again? Its result is replaced."), " ",
      h("label", { for: reclassify.id }, reclassify, " Decide the type again"), " ",
      h("button", { type: "button", id: "doc-reprocess-go", class: "primary", onclick: () => go() }, "Process again"), " ",
      h("button", { type: "button", id: "doc-reprocess-cancel", onclick: () => ask(false) }, "Cancel"));
    const button = h("button", { type: "button", id: "doc-reprocess", "aria-expanded": "false",
      "aria-controls": question.id, onclick: () => ask(true) }, "Process again…");
    function ask(on) {
      question.hidden = !on;
      button.setAttribute("aria-expanded", String(on));
      (on ? reclassify : button).focus();
    }
    question.addEventListener("keydown", (e) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      ask(false);
    });
    let busy = false;
    async function go() {
      if (busy) return;
      busy = true;
      try {
        await request("POST", `/v1/documents/${encodeURIComponent(d.id)}/reprocess`,
          { json: { reclassify: reclassify.checked } });
        toast("Queued again" + (reclassify.checked ? "; its type is decided again" : ""), "ok");
        await open(d.id);
        detail.querySelector("#doc-title")?.focus();
      } catch (e) {
        toast("Not queued: " + e.message, "error");
      } finally {
        busy = false;
      }
    }
    return { button, question };
  }

  // Whether the open detail holds something the user is in the middle of (a correction, a
  // question), which a live update must not replace.
  function editing() {
    return Boolean(detail.querySelector("#doc-edit-form, .type-confirm:not([hidden])"));
  }

  // The completed document's fields and line items as a form; sending it is a correction
  // (recorded with the signed-in key, exported, learned from like a review's).
  function editor(d) {
    const result = d.result || {};
    const inputs = Object.entries(result.fields || {}).map(([n, f]) => {
      const input = h("input", { id: "edit-" + n, name: n, value: f.value ?? "", autocomplete: "off" });
      input.dataset.original = f.value ?? "";
      input.addEventListener("input", () => input.classList.toggle("changed", input.value !== input.dataset.original));
      return input;
    });
    const items = lineItemsEditor(result.line_items || [], { idPrefix: "edit-li" });
    const form = h("form", { class: "fields", id: "doc-edit-form", "aria-label": "Correct " + (d.filename || d.id) },
      inputs.map((input) => h("div", { class: "field" }, h("label", { for: input.id }, input.name), input)),
      h("h3", {}, "Line items"), items.el,
      h("div", { class: "edit-actions" },
        h("button", { type: "submit", class: "primary", id: "doc-edit-save" }, "Send correction"),
        h("button", { type: "button", id: "doc-edit-cancel", onclick: () => open(d.id) }, "Cancel")));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const changed = {};
      for (const input of inputs) {
        if (input.value !== input.dataset.original) changed[input.name] = input.value === "" ? null : input.value;
      }
      const body = { fields: changed };
      if (items.changed()) body.line_items = items.rows();
      if (!Object.keys(changed).length && !body.line_items) {
        toast("Nothing changed");
        return;
      }
      try {
        await request("POST", `/v1/documents/${encodeURIComponent(d.id)}/corrections`, { json: body });
        toast("Correction saved", "ok");
        await open(d.id);
      } catch (err) {
        toast("Not saved: " + err.message, "error");
      }
    });
    const table = detail.querySelector("#doc-fields");
    table.replaceWith(form);
    detail.querySelector("#doc-edit").hidden = true;
    if (inputs.length) inputs[0].focus();
    else items.el.querySelector("button").focus();
  }

  for (const el of [status, type, senderInput]) {
    el.addEventListener("change", () => load(false).catch((e) => toast("Could not list: " + e.message, "error")));
  }
  for (const el of [search, since]) el.addEventListener("input", draw);
  more.addEventListener("click", () => load(true));
  main.replaceChildren(
    h("section", { class: "card", "aria-labelledby": "docs-title" },
      h("h1", { id: "docs-title" }, "Documents"),
      h("div", { class: "filters", role: "group", "aria-label": "Filters" },
        h("label", { for: "docs-status" }, "Status"), status,
        h("label", { for: "docs-type" }, "Type"), type,
        h("label", { for: "docs-sender" }, "Sender"), senderInput,
        h("label", { for: "docs-search" }, "Search"), search,
        h("label", { for: "docs-since" }, "Since"), since),
      h("div", { class: "split" },
        h("div", {}, h("table", { class: "grid", id: "docs-table" },
          h("thead", {}, h("tr", {}, ["Document", "Status", "Type", "Priority", "Age"].map((c) => h("th", { scope: "col" }, c)))),
          body), more),
        detail)));
  load(false).catch((e) => detail.replaceChildren(h("p", { class: "error" }, e.message)));
  if (openId) open(openId);
  // Live events: a listed document's row takes its new status and type; the open document is
  // shown again unless the user is in the middle of something there.
  const stop = onEvent((kind, data) => {
    if (kind !== "document" || !data || !data.id) return;
    const row = docs.find((x) => x.id === data.id);
    if (row && (row.status !== data.status || row.document_type !== data.document_type)) {
      row.status = data.status;
      row.document_type = data.document_type;
      draw();
    }
    if (data.id === shownId && !editing()) open(data.id, true).catch(() => {});
  });
  return stop;
}
