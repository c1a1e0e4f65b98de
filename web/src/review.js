// Review: one document's page images with its OCR words, and its fields as a form. Changed
// fields are sent as a correction (action "correct"), unchanged as "approve"; reject too.
// Opening a document in review claims it for this page's key (PUT /v1/review/claims/{id}), so
// no other reviewer works on it; the hold is renewed while the screen is open and given back
// when the reviewer leaves without deciding (a decision ends it; a closed tab lets it lapse).
import { afterWrites, before, request, session } from "./api.js";
import { confidenceClass, h, toast } from "./dom.js";
import { clockTime, heldByOther, loadQueue } from "./inbox.js";
import { lineItemsEditor } from "./lineitems.js";
import { documentTypes, typePicker } from "./typepick.js";
import { PageViewer } from "./viewer.js";

export const SHORTCUTS = [
  ["Ctrl+Enter", "approve (with your corrections)"],
  ["Alt+Shift+R", "reject"],
  ["Alt+N", "next document"],
  ["Alt+PageDown / Alt+PageUp", "next / previous page"],
  ["+ / -", "zoom (page focused)"],
  ["Click a word", "fill the focused field or line-item cell"],
  ["Alt+click a word", "show the field read from it"],
  ["Shift+drag", "lasso words into the focused field"],
  ["Enter in a line item", "next line (a new one after the last)"],
];

// How long a claim holds a document, and how often the open screen renews it.
const CLAIM_SECONDS = 900;
const RENEW_MS = 5 * 60 * 1000;

// Claims the document for this page's key: {task} when held, {holder} (the API's message,
// which names the holder) when another reviewer holds it or it left review, {error} else.
async function claim(id) {
  await afterWrites();  // after a hold this page gave back
  try {
    const task = await request("PUT", "/v1/review/claims/" + encodeURIComponent(id),
      { json: { lease_seconds: CLAIM_SECONDS } });
    return { task };
  } catch (e) {
    return e.status === 409 ? { holder: e.message } : { error: e.message };
  }
}

// Gives the hold back; `leaving` (the tab closes) sends it even as the page unloads.
function release(id, leaving = false) {
  const path = "/v1/review/claims/" + encodeURIComponent(id);
  if (!leaving) return before(request("DELETE", path)).catch(() => {});
  const s = session();
  return fetch(path, { method: "DELETE", keepalive: true, credentials: "same-origin",
    headers: s ? { "X-CSRF-Token": s.csrf } : {} }).catch(() => {});
}

function fieldPercent(c) {
  return typeof c === "number" ? Math.round(c * 100) + "%" : "—";
}

export async function renderReview(main, id, { go }) {
  main.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  const imageOf = (n) => `/v1/documents/${encodeURIComponent(id)}/pages/${n}/image`;
  const viewer = new PageViewer({
    onPick: (text, word, alt, lassoed) => {
      // The focused field, or the line-item cell focused last after it.
      const input = focusedCell || inputs.get(focusedField);
      if (!input || alt) {
        // Alt+click (or no field focused yet): a word inside a field's box shows that field.
        const c = word && [(word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2];
        const hit = c && Object.entries(fields).find(([, f]) => f.page === pageNumber && f.bbox &&
          c[0] >= f.bbox[0] && c[0] <= f.bbox[2] && c[1] >= f.bbox[1] && c[1] <= f.bbox[3]);
        if (hit && inputs.get(hit[0])) inputs.get(hit[0]).focus();
        else toast("Focus a field first, then pick words for it");
        return;
      }
      input.value = text;
      // A field filled from words remembers where they are: sent with its correction, it tells
      // Sheaf where the sender prints the field, even when the words were misread and the
      // reviewer then types the value right (docs/learning.md).
      const picked = lassoed || (word ? [word] : []);
      if (!focusedCell && picked.length) {
        pointed.set(focusedField, { page: pageNumber, bbox: [
          Math.min(...picked.map((w) => w.bbox[0])), Math.min(...picked.map((w) => w.bbox[1])),
          Math.max(...picked.map((w) => w.bbox[2])), Math.max(...picked.map((w) => w.bbox[3]))] });
      }
      input.dispatchEvent(new Event("input"));
      input.focus();
    },
    onFieldBox: (name) => inputs.get(name) && inputs.get(name).focus(),
  });

  // The first page's image is asked for beside the document, not after it: it is the slowest
  // answer the screen waits for (bench/review_interactive.py).
  viewer.show(imageOf(1), { number: 1, width: 1000, height: 1400 }, [], []);
  // The claim goes out beside the document (a document not in review answers 409, ignored).
  const claiming = claim(id);
  const typesAsked = documentTypes();  // asked once per page load
  let doc;
  try {
    doc = await request("GET", "/v1/documents/" + encodeURIComponent(id));
  } catch (e) {
    const c = await claiming;
    if (c.task) release(id);
    main.replaceChildren(h("p", { class: "error", role: "alert" }, "Could not open the document: " + e.message));
    return () => {};
  }
  const claimed = doc.status === "needs_review" ? await claiming : {};
  let held = Boolean(claimed.task);  // this page holds the document
  let decided = false;
  const result = doc.result || { fields: {}, pages: [], line_items: [], validation: [] };
  const fields = result.fields || {};
  const pages = result.pages || [];
  const inputs = new Map();  // field name -> input
  const pointed = new Map();  // field name -> {page, bbox} of the words it was filled from
  let focusedField = null;
  let focusedCell = null;  // a line-item cell, when one was focused after any field
  let pageNumber = 1;
  // Another reviewer's document is shown read-only (claiming is optional in the API: when the
  // claim failed for another reason, the reviewer may still decide).
  const reviewable = doc.status === "needs_review" && !claimed.holder;
  const claimStatus = h("p", { id: "claim-status", role: "status", class: "claim-status" });
  function showClaim(c) {
    if (c.task) {
      claimStatus.textContent = "Held by you until " + clockTime(c.task.claim_expires_at) +
        " (released when you decide or leave)";
      claimStatus.className = "claim-status mine";
    } else if (c.holder) {
      claimStatus.textContent = "Not yours to decide: " + c.holder;
      claimStatus.className = "claim-status other";
    } else if (c.error) {
      claimStatus.textContent = "Could not hold this document for you (" + c.error + "); others may open it too";
      claimStatus.className = "claim-status other";
    }
  }
  showClaim(claimed);
  // Renewed while the screen is open; a lapsed hold someone else took is shown.
  const renew = held ? setInterval(async () => {
    if (decided) return;
    const c = await claim(id);
    held = Boolean(c.task);
    showClaim(c);
    if (c.holder) toast("Your hold on this document ended: " + c.holder, "error");
  }, RENEW_MS) : null;
  const onLeave = () => held && !decided && release(id, true);
  window.addEventListener("pagehide", onLeave);

  // Messages of failing or warning rules, by the fields they name.
  const messages = new Map();
  const general = [];
  for (const rule of result.validation || []) {
    if (rule.status === "pass") continue;
    const text = `${rule.status === "fail" ? "✗" : "⚠"} ${rule.message || rule.rule}`;
    if (!rule.fields || rule.fields.length === 0) general.push(text);
    for (const f of rule.fields || []) {
      if (!messages.has(f)) messages.set(f, []);
      messages.get(f).push(text);
    }
  }

  function fieldRow(name, f) {
    const inputId = "field-" + name;
    const msgId = "msg-" + name;
    const input = h("input", {
      id: inputId, name, value: f.value ?? "", autocomplete: "off",
      "aria-describedby": `conf-${name} ${msgId}`,
      class: "field-input " + confidenceClass(f.confidence),
      disabled: !reviewable,
    });
    input.dataset.original = f.value ?? "";
    input.addEventListener("focus", () => {
      focusedField = name;
      focusedCell = null;
      for (const row of form.querySelectorAll(".field")) row.classList.toggle("active", row.dataset.field === name);
      if (f.page && f.page !== pageNumber) showPage(f.page).then(() => viewer.highlight(name));
      else viewer.highlight(name);
    });
    input.addEventListener("input", () => {
      input.classList.toggle("changed", input.value !== input.dataset.original);
    });
    inputs.set(name, input);
    const msgs = messages.get(name) || [];
    return h("div", { class: "field", dataset: { field: name } },
      h("label", { for: inputId }, name),
      input,
      h("span", { id: "conf-" + name, class: "conf " + confidenceClass(f.confidence),
        title: "confidence" }, fieldPercent(f.confidence)),
      h("div", { id: msgId, class: "field-msgs" }, msgs.map((m) => h("div", { class: "msg" }, m))));
  }

  const form = h("form", { class: "fields", id: "review-form", "aria-label": "Fields" },
    Object.entries(fields).map(([n, f]) => fieldRow(n, f)));
  // Enter in a field does not approve (Ctrl+Enter does): no implicit submission.
  form.addEventListener("submit", (e) => e.preventDefault());

  // A field the reader did not find (a missing total) can be added.
  const newName = h("input", { id: "new-field-name", placeholder: "field name", disabled: !reviewable });
  const addField = h("div", { class: "add-field" },
    h("label", { for: "new-field-name" }, "Add a field"), newName,
    h("button", { type: "button", disabled: !reviewable, onclick: () => {
      const n = newName.value.trim();
      if (!n || inputs.has(n)) return;
      const row = fieldRow(n, { value: "", confidence: null });
      form.append(row);
      newName.value = "";
      inputs.get(n).focus();
    } }, "Add"));

  const items = lineItemsEditor(result.line_items || [], { disabled: !reviewable, idPrefix: "li" });
  // Clicking a word fills the focused line-item cell too.
  items.el.addEventListener("focusin", (e) => {
    if (e.target.matches("input.cell")) focusedCell = e.target;
  });

  const thumbs = h("nav", { class: "thumbs", "aria-label": "Pages" });
  const pageLabel = h("span", { id: "page-label" });

  // The page's image starts loading at once; its words (the overlay) come beside it and are
  // drawn when they arrive, so neither waits for the other.
  async function showPage(n) {
    const page = { ...(pages.find((p) => p.number === n) || { number: n, width: 1000, height: 1400 }) };
    pageNumber = n;
    pageLabel.textContent = `Page ${n} of ${pages.length || 1}`;
    for (const b of thumbs.querySelectorAll("button")) b.setAttribute("aria-current", b.dataset.page == n ? "page" : "false");
    const onPage = Object.entries(fields).filter(([, f]) => f.page === n).map(([name, f]) => ({ name, bbox: f.bbox }));
    viewer.show(imageOf(n), page, [], onPage);
    let words = [];
    try {
      const w = await request("GET", `/v1/documents/${encodeURIComponent(id)}/pages/${n}/words`);
      words = w.words || [];
      if (w.width) Object.assign(page, { width: w.width, height: w.height });
    } catch (e) {
      toast("No OCR words for this page: " + e.message);
    }
    if (pageNumber === n) viewer.setWords(page, words);
  }

  for (const p of pages.length ? pages : [{ number: 1 }]) {
    thumbs.append(h("button", { type: "button", class: "thumb", dataset: { page: p.number },
      "aria-label": "Page " + p.number, onclick: () => showPage(p.number) },
      h("img", { dataset: { src: imageOf(p.number) }, alt: "", loading: "lazy" }),
      h("span", {}, String(p.number))));
  }

  function changedFields() {
    const out = {};
    for (const [name, input] of inputs) {
      if (input.value === input.dataset.original) continue;
      const at = pointed.get(name);
      out[name] = input.value === "" ? null : at ? { value: input.value, ...at } : input.value;
    }
    return out;
  }

  let busy = false;
  async function decide(kind) {
    if (!reviewable || busy) return;
    busy = true;
    const changed = changedFields();
    const itemsChanged = items.changed();
    const count = Object.keys(changed).length + (itemsChanged ? 1 : 0);
    const body = kind === "reject" ? { action: "reject" }
      : count ? { action: "correct", fields: changed } : { action: "approve" };
    if (body.action === "correct" && itemsChanged) body.line_items = items.rows();
    try {
      await request("POST", "/v1/review/tasks/" + encodeURIComponent(id), { json: body });
      decided = true;  // the decision ended the hold
      toast(kind === "reject" ? "Rejected" : body.action === "correct"
        ? `Approved with ${count} correction(s)` : "Approved", "ok");
      await next();
    } catch (e) {
      toast("Not saved: " + e.message, "error");
    } finally {
      busy = false;
    }
  }

  // The type: a labelled select (typepick.js); a confirmed change is sent as a correction
  // with "document_type" (and the fields changed so far). The document is read again as that
  // type; the screen reloads with the new type's fields (docs/review-page.md).
  const typePick = typePicker({ id: "review-type", ids: "type", current: doc.document_type,
    types: await typesAsked, disabled: !reviewable, change: retype });
  async function retype(to) {
    if (!reviewable || busy) throw new Error("busy");
    busy = true;
    const body = { action: "correct", document_type: to, fields: changedFields() };
    if (items.changed()) body.line_items = items.rows();
    try {
      const after = await request("POST", "/v1/review/tasks/" + encodeURIComponent(id), { json: body });
      toast(after.status === "needs_review"
        ? `Now a ${to}: check its fields` : `Now a ${to}; it needed no more review and is ${after.status}`, "ok");
      decided = true;  // the new screen holds the document on (a completed one is not held)
      go("#/review/" + encodeURIComponent(id));  // the same screen, with the new type's fields
    } catch (e) {
      toast("Type not changed: " + e.message, "error");
      throw e;
    } finally {
      busy = false;
    }
  }

  async function next() {
    try {
      // Not a document another reviewer holds.
      const tasks = (await loadQueue()).filter((t) => t.id !== id && !heldByOther(t));
      if (tasks.length) go("#/review/" + tasks[0].id);
      else go("#/inbox");
    } catch (_) {
      go("#/inbox");
    }
  }

  const keys = (e) => {
    if (e.ctrlKey && e.key === "Enter") decide("approve");
    else if (e.altKey && e.shiftKey && (e.key === "R" || e.key === "r")) decide("reject");
    else if (e.altKey && (e.key === "n" || e.key === "N")) next();
    else if (e.altKey && e.key === "PageDown" && pageNumber < pages.length) showPage(pageNumber + 1);
    else if (e.altKey && e.key === "PageUp" && pageNumber > 1) showPage(pageNumber - 1);
    else return;
    e.preventDefault();
  };
  document.addEventListener("keydown", keys);

  main.replaceChildren(
    h("section", { class: "review", "aria-labelledby": "review-title" },
      h("div", { class: "review-head" },
        h("h1", { id: "review-title" }, doc.filename || doc.id),
        typePick.el,
        h("span", { class: "pill status-" + doc.status, id: "review-status" }, doc.status),
        h("div", { class: "actions" },
          h("button", { type: "button", class: "primary", id: "approve", disabled: !reviewable, onclick: () => decide("approve") }, "Approve (Ctrl+Enter)"),
          h("button", { type: "button", class: "danger", id: "reject", disabled: !reviewable, onclick: () => decide("reject") }, "Reject (Alt+Shift+R)"),
          h("button", { type: "button", id: "next", onclick: next }, "Next (Alt+N)"))),
      h("div", { class: "review-body" },
        h("div", { class: "pane-page" },
          h("div", { class: "toolbar" }, pageLabel,
            h("button", { type: "button", "aria-label": "Zoom in", onclick: () => viewer.setZoom(viewer.zoom * 1.2) }, "+"),
            h("button", { type: "button", "aria-label": "Zoom out", onclick: () => viewer.setZoom(viewer.zoom / 1.2) }, "−"),
            h("button", { type: "button", onclick: () => viewer.fit() }, "Fit")),
          h("div", { class: "page-row" }, thumbs, viewer.el)),
        h("div", { class: "pane-form" },
          general.length ? h("div", { class: "general-msgs", role: "note" }, general.map((m) => h("div", { class: "msg" }, m))) : null,
          doc.status === "needs_review" ? claimStatus
            : h("p", { class: "muted" }, `This document is ${doc.status}; it is not in review.`),
          form, addField,
          h("h2", {}, "Line items"),
          (messages.get("line_items") || []).length
            ? h("div", { class: "field-msgs", id: "msg-line_items" }, messages.get("line_items").map((m) => h("div", { class: "msg" }, m)))
            : null,
          items.el,
          h("details", { class: "shortcuts", open: true },
            h("summary", {}, "Keyboard shortcuts"),
            h("dl", {}, SHORTCUTS.map(([k, v]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, v)])))))));
  // The form is usable at once; the thumbnails load after the first page's image (each is a
  // full page image: loaded together they would hold the first one back).
  const shown = showPage(1);
  const first = form.querySelector("input");
  if (first) first.focus();  // a field on another page turns to it
  const loadThumbs = () => {
    for (const img of thumbs.querySelectorAll("img[data-src]")) {
      img.src = img.dataset.src;
      img.removeAttribute("data-src");
    }
  };
  if (viewer.img.complete) {
    loadThumbs();  // the first page came before the document
  } else {
    viewer.img.addEventListener("load", loadThumbs, { once: true });
    viewer.img.addEventListener("error", loadThumbs, { once: true });
  }
  await shown;
  return () => {
    document.removeEventListener("keydown", keys);
    window.removeEventListener("pagehide", onLeave);
    if (renew) clearInterval(renew);
    if (held && !decided) release(id);
  };
}
