// Inbox: the review queue (urgent first, then oldest: the API's order), live by SSE.
import { afterWrites, request, reviewerName } from "./api.js";
import { age, confidenceClass, h } from "./dom.js";
import { addTypeOptions } from "./typepick.js";
import { onEvent } from "./events.js";

// Why review is needed: the failing rules and the lowest field confidence.
export function whyReview(task) {
  const out = [];
  const result = task.result || {};
  for (const rule of result.validation || []) {
    if (rule.status === "fail" || rule.status === "failed") out.push(rule.message || rule.rule);
  }
  for (const r of task.review_reasons || []) if (!out.includes(r)) out.push(r);
  return out;
}

export function lowestField(task) {
  const fields = (task.result && task.result.fields) || {};
  let low = null;
  for (const [name, f] of Object.entries(fields)) {
    if (typeof f.confidence === "number" && (!low || f.confidence < low.confidence)) {
      low = { name, confidence: f.confidence };
    }
  }
  return low;
}

// Who holds a task for review (POST/PUT /v1/review/claims): "" when no one; "you" when this
// page's key does. A task someone else holds is shown but not offered as the next one.
export function holderOf(task) {
  if (!task.claimed_by) return "";
  return task.claimed_by === reviewerName() ? "you" : task.claimed_by;
}

export function heldByOther(task) {
  const who = holderOf(task);
  return who !== "" && who !== "you";
}

// "14:05": the time of day of an ISO time, in the browser's time zone.
export function clockTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function claimText(task) {
  const who = holderOf(task);
  if (!who) return "";
  const until = task.claim_expires_at ? " until " + clockTime(task.claim_expires_at) : "";
  return "held by " + who + until;
}

export async function loadQueue() {
  await afterWrites();
  const r = await request("GET", "/v1/review/tasks?limit=200");
  return r.tasks;
}

const CLAIMS_POLL_MS = 20000;

export function renderInbox(main, { open, setCount }) {
  const type = h("select", { id: "inbox-type" },
    h("option", { value: "" }, "All types"));
  addTypeOptions(type);
  const priority = h("select", { id: "inbox-priority" },
    h("option", { value: "" }, "All priorities"),
    ["urgent", "high", "normal"].map((p) => h("option", { value: p }, p)));
  const search = h("input", { id: "inbox-search", type: "search", placeholder: "file name" });
  const body = h("tbody");
  const status = h("p", { class: "muted", role: "status", id: "inbox-status" });
  let tasks = [];

  function draw() {
    const q = search.value.trim().toLowerCase();
    const shown = tasks.filter((t) =>
      (!type.value || t.document_type === type.value) &&
      (!priority.value || t.priority === priority.value) &&
      (!q || (t.filename || "").toLowerCase().includes(q)));
    body.replaceChildren(...shown.map((t) => {
      const low = lowestField(t);
      const why = whyReview(t);
      return h("tr", { dataset: { id: t.id }, class: heldByOther(t) ? "held" : null },
        h("td", {}, h("span", { class: "pill prio-" + t.priority }, t.priority)),
        h("td", {}, h("a", { href: "#/review/" + t.id, class: "doc-link" }, t.filename || t.id)),
        h("td", {}, t.document_type || "—"),
        h("td", { class: "why" }, why.length ? why.join("; ") : "—",
          low ? h("span", { class: "conf " + confidenceClass(low.confidence) },
            ` lowest: ${low.name} ${Math.round(low.confidence * 100)}%`) : null),
        h("td", {}, age(t.created_at)),
        h("td", { class: "claim" }, claimText(t)));
    }));
    status.textContent = `${shown.length} of ${tasks.length} documents need review`;
  }

  async function refresh() {
    try {
      tasks = await loadQueue();
      setCount(tasks.length);
      draw();
    } catch (e) {
      status.textContent = "Could not load the queue: " + e.message;
    }
  }

  for (const el of [type, priority]) el.addEventListener("change", draw);
  search.addEventListener("input", draw);
  main.replaceChildren(
    h("section", { class: "card", "aria-labelledby": "inbox-title" },
      h("h1", { id: "inbox-title" }, "Inbox"),
      h("div", { class: "filters", role: "group", "aria-label": "Filters" },
        h("label", { for: "inbox-type" }, "Type"), type,
        h("label", { for: "inbox-priority" }, "Priority"), priority,
        h("label", { for: "inbox-search" }, "Search"), search,
        h("button", { type: "button", id: "review-first", onclick: () => {
          // The first task no one else holds.
          const free = tasks.find((t) => !heldByOther(t));
          if (free) open(free.id);
          else status.textContent = "Every document in the queue is held by another reviewer";
        } }, "Review first")),
      status,
      h("table", { class: "grid", id: "inbox-table" },
        h("thead", {}, h("tr", {}, ["Priority", "Document", "Type", "Why review", "Age", "Claim"]
          .map((c) => h("th", { scope: "col" }, c)))),
        body)));
  refresh();
  // A claim changes no document, so it sends no event: who holds what is read again every
  // 20 s while the inbox is open.
  const poll = setInterval(refresh, CLAIMS_POLL_MS);
  const stop = onEvent((kind) => kind === "review" && refresh());
  return () => {
    clearInterval(poll);
    stop();
  };
}
