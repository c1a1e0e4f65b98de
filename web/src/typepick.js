// A document's type: the deployment's types (GET /v1/document-types) and the select that
// changes a document's type, shared by the review screen and Documents (docs/review-page.md,
// "Changing a document's type"). A change is confirmed by an inline question after the select
// (the keyboard reaches it with Tab, and a mistaken arrow key sends nothing); Escape in the
// question or on the select, or Cancel, takes it back.
import { request } from "./api.js";
import { h, DOCUMENT_TYPES } from "./dom.js";

let asked = null;  // the pending or answered call; reset when it fails, so it is asked again
const described = new Map();  // name -> the type as listed (description, fields, ...)

// The names of the types this deployment reads, asked once per page load; the fixed list of
// the types Sheaf ships when the call fails.
export async function documentTypes() {
  if (!asked) {
    const call = request("GET", "/v1/document-types")
      .then((r) => r.document_types.map((t) => {
        described.set(t.name, t);
        return t.name;
      }));
    call.catch(() => { if (asked === call) asked = null; });
    asked = call;
  }
  try {
    return await asked;
  } catch (_) {
    return DOCUMENT_TYPES;
  }
}

// What a type is and what it reads, from the listing ("" when it is not known): shown in the
// question before a change, so the reviewer sees what the document will have.
export function aboutType(name) {
  const t = described.get(name);
  if (!t) return "";
  const parts = [t.description ? t.description.replace(/\.?\s*$/, ".") : ""];
  if (t.key_values) parts.push("Its fields are the labelled pairs on the page.");
  else if (t.fields.length) parts.push("Its fields: " + t.fields.map((f) => f.name + (f.required ? " (required)" : "")).join(", ") + ".");
  if (t.line_item_columns.length) parts.push("Line items: " + t.line_item_columns.join(", ") + ".");
  return parts.filter(Boolean).join(" ");
}

// The select (id `id`, labelled `label`) showing `current` among `types`, and its question;
// `ids` prefixes the question's ids ("<ids>-confirm", "<ids>-change", "<ids>-cancel").
// `change(to)` sends the change once confirmed; when it throws, the select goes back to
// `current`. Returns {el, select}: `el` holds the label, the select and the question.
export function typePicker({ id, ids, current, types, disabled = false, label = "Type", change }) {
  const shown = current || "unknown";
  const select = h("select", { id, disabled, "aria-describedby": ids + "-confirm" },
    (types.includes(shown) ? types : [shown, ...types])
      .map((t) => h("option", { value: t, selected: t === shown }, t)));
  const confirm = h("span", { id: ids + "-confirm", class: "type-confirm", role: "group",
    "aria-label": "Confirm the type change", hidden: true });
  function cancel() {
    select.value = shown;
    confirm.hidden = true;
    confirm.replaceChildren();
  }
  const escape = (e) => {
    if (e.key !== "Escape" || confirm.hidden) return;
    e.preventDefault();
    e.stopPropagation();
    cancel();
    select.focus();
  };
  confirm.addEventListener("keydown", escape);
  select.addEventListener("keydown", escape);
  let busy = false;
  async function confirmed(to) {
    if (busy) return;
    busy = true;
    try {
      await change(to);
    } catch (_) {
      cancel();
    } finally {
      busy = false;
    }
  }
  select.addEventListener("change", () => {
    if (select.value === shown) return cancel();
    const to = select.value;
    confirm.replaceChildren(
      h("span", { class: "type-question", role: "status" },
        `Read this document again as ${to}? ${aboutType(to)} Corrections to fields a ${to} does not have are dropped.`.replace("  ", " ")),
      h("button", { type: "button", id: ids + "-change", class: "primary", onclick: () => confirmed(to) },
        "Change type to " + to),
      h("button", { type: "button", id: ids + "-cancel", onclick: () => { cancel(); select.focus(); } },
        "Cancel"));
    confirm.hidden = false;
  });
  const el = h("span", { class: "type-pick" }, h("label", { for: id }, label), select, confirm);
  return { el, select };
}

// Appends the deployment's types as options of `select` (after the ones it has, e.g. "Any
// type") once they are known; the value chosen meanwhile stays chosen.
export function addTypeOptions(select) {
  return documentTypes().then((types) => select.append(...types.map((t) => h("option", { value: t }, t))));
}
