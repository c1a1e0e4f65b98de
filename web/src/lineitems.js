// Line items as an editable table (review screen and the Documents screen's correction): one
// row per line, the four columns of the result's line items (docs/result-format.md). Keyboard:
// Tab moves through the cells and the row buttons; Enter in a cell goes to the same column of
// the next line, adding a line after the last; "Add line" and each row's "Delete" are buttons.
// changed() tells whether anything differs from what was read; rows() is the correction's
// "line_items" (empty cells left out).
import { confidenceClass, h } from "./dom.js";

export const COLUMNS = [
  ["description", "Description"],
  ["quantity", "Quantity"],
  ["unit_price", "Unit price"],
  ["amount", "Amount"],
];

export function lineItemsEditor(items, { disabled = false, idPrefix = "li" } = {}) {
  const body = h("tbody");
  let edited = false;
  const original = JSON.stringify(items.map(plain));

  function plain(li) {
    const out = {};
    for (const [c] of COLUMNS) {
      const v = li[c] && li[c].value;
      if (v !== undefined && v !== null && v !== "") out[c] = String(v);
    }
    return out;
  }

  function renumber() {
    [...body.rows].forEach((tr, i) => {
      tr.dataset.row = String(i);
      for (const [c, label] of COLUMNS) {
        const input = tr.querySelector(`input[data-col="${c}"]`);
        input.id = `${idPrefix}-${i}-${c}`;
        input.setAttribute("aria-label", `Line ${i + 1} ${label}`);
      }
      tr.querySelector("button").setAttribute("aria-label", `Delete line ${i + 1}`);
    });
  }

  function markChanged() {
    edited = true;
    table.classList.toggle("changed", changed());
  }

  function addRow(li = {}, at = body.rows.length) {
    const tr = h("tr", {},
      COLUMNS.map(([c]) => {
        const f = li[c];
        const input = h("input", {
          value: f && f.value !== undefined && f.value !== null ? String(f.value) : "",
          autocomplete: "off", disabled,
          class: "cell " + (f && typeof f.confidence === "number" ? confidenceClass(f.confidence) : ""),
          inputmode: c === "description" ? undefined : "decimal",
          dataset: { col: c },
        });
        input.addEventListener("input", markChanged);
        input.addEventListener("keydown", (e) => {
          if (e.key !== "Enter" || e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return;
          e.preventDefault();
          const row = Number(tr.dataset.row);
          if (row === body.rows.length - 1) addRow({}, row + 1);
          body.rows[row + 1].querySelector(`input[data-col="${c}"]`).focus();
        });
        return h("td", {}, input);
      }),
      h("td", {}, h("button", { type: "button", class: "row-delete", disabled,
        onclick: () => {
          const row = Number(tr.dataset.row);
          tr.remove();
          renumber();
          markChanged();
          // Focus stays in the table: the line that took its place, else the one above, else Add.
          const next = body.rows[row] || body.rows[row - 1];
          (next ? next.querySelector("input") : add).focus();
        } }, "Delete")));
    body.insertBefore(tr, body.rows[at] || null);
    renumber();
    return tr;
  }

  const add = h("button", { type: "button", id: idPrefix + "-add", disabled, onclick: () => {
    const tr = addRow({});
    markChanged();
    tr.querySelector("input").focus();
  } }, "Add line");

  const table = h("table", { class: "grid items editable", id: idPrefix + "-table", "aria-label": "Line items" },
    h("thead", {}, h("tr", {}, COLUMNS.map(([, label]) => h("th", { scope: "col" }, label)),
      h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")))),
    body);
  for (const li of items) addRow(li);

  function rows() {
    return [...body.rows].map((tr) => {
      const out = {};
      for (const input of tr.querySelectorAll("input")) {
        const v = input.value.trim();
        if (v !== "") out[input.dataset.col] = v;
      }
      return out;
    }).filter((r) => Object.keys(r).length > 0);
  }

  function changed() {
    return edited && JSON.stringify(rows()) !== original;
  }

  const el = h("div", { class: "items-editor" }, table, h("div", { class: "items-actions" }, add));
  return { el, changed, rows };
}
