// Upload: several files by drag and drop (or the file picker), a priority and a type for the
// batch, and each file's progress until it is done (by live events, with a poll as backup).
import { request, upload } from "./api.js";
import { h } from "./dom.js";
import { onEvent } from "./events.js";
import { addTypeOptions } from "./typepick.js";

const DONE = new Set(["completed", "needs_review", "failed", "rejected"]);

export function renderUpload(main) {
  const priority = h("select", { id: "upload-priority" },
    ["normal", "high", "urgent"].map((p) => h("option", { value: p }, p)));
  const type = h("select", { id: "upload-type" },
    h("option", { value: "auto" }, "auto (classify)"));
  addTypeOptions(type);
  const picker = h("input", { id: "upload-files", type: "file", multiple: true,
    accept: ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.xml,image/*,application/pdf" });
  const list = h("ul", { class: "uploads", id: "upload-list", "aria-live": "polite" });
  const rows = new Map();  // document id -> {status, bar}
  const zone = h("div", { class: "dropzone", id: "dropzone", tabindex: "0", role: "button",
    "aria-label": "Drop files here, or press Enter to choose files" },
    "Drop files here, or press Enter to choose");

  function track(file) {
    const bar = h("progress", { max: "1", value: "0", "aria-label": "Progress of " + file.name });
    const status = h("span", { class: "up-status" }, "uploading");
    const link = h("span", {});
    list.append(h("li", {}, h("span", { class: "up-name" }, file.name), bar, status, link));
    upload(file, { priority: priority.value, type: type.value }, (p) => (bar.value = p * 0.5))
      .then((doc) => {
        bar.value = 0.5;
        rows.set(doc.id, { status, bar, link });
        setStatus(doc.id, doc.status);
      })
      .catch((e) => {
        status.textContent = "refused: " + e.message;
        status.className = "up-status error";
      });
  }

  function setStatus(id, s) {
    const row = rows.get(id);
    if (!row) return;
    row.status.textContent = s.replace("_", " ");
    row.status.className = "up-status status-" + s;
    row.bar.value = DONE.has(s) ? 1 : s === "processing" ? 0.75 : 0.5;
    if (DONE.has(s)) {
      const href = s === "needs_review" ? "#/review/" + id : "#/documents/" + id;
      row.link.replaceChildren(h("a", { href }, s === "needs_review" ? "review" : "open"));
    }
  }

  const handle = (files) => [...files].forEach(track);
  picker.addEventListener("change", () => handle(picker.files));
  zone.addEventListener("click", () => picker.click());
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      picker.click();
    }
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    handle(e.dataTransfer.files);
  });

  // A poll as well as events: a file may finish before the stream saw it change.
  const poll = setInterval(async () => {
    for (const [id, row] of rows) {
      if (row.bar.value >= 1) continue;
      try {
        const d = await request("GET", "/v1/documents/" + id);
        setStatus(id, d.status);
      } catch (_) {
        /* next time */
      }
    }
  }, 2000);

  main.replaceChildren(
    h("section", { class: "card", "aria-labelledby": "upload-title" },
      h("h1", { id: "upload-title" }, "Upload"),
      h("div", { class: "filters" },
        h("label", { for: "upload-priority" }, "Priority"), priority,
        h("label", { for: "upload-type" }, "Type"), type,
        h("label", { for: "upload-files" }, "Files"), picker),
      zone, list));
  const off = onEvent((kind, d) => kind === "document" && setStatus(d.id, d.status));
  return () => {
    off();
    clearInterval(poll);
  };
}
