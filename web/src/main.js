// The review page's shell: sign-in state, the hash router, the header and live events.
import { session, setUnauthorizedHandler, signOut } from "./api.js";
import { renderDocuments } from "./documents.js";
import { startEvents, stopEvents } from "./events.js";
import { renderInbox, loadQueue } from "./inbox.js";
import { renderOperations } from "./operations.js";
import { renderReview } from "./review.js";
import { renderSignIn } from "./signin.js";
import { renderUpload } from "./upload.js";
import { onEvent } from "./events.js";

const main = document.getElementById("main");
const top = document.getElementById("top");
let cleanup = () => {};

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function setCount(n) {
  document.getElementById("inbox-count").textContent = n ? String(n) : "";
}

async function refreshCount() {
  try {
    setCount((await loadQueue()).length);
  } catch (_) {
    /* shown on the inbox */
  }
}

async function route() {
  cleanup();
  cleanup = () => {};
  const s = session();
  if (!s) {
    top.hidden = true;
    stopEvents();
    renderSignIn(main, () => go("#/inbox"));
    return;
  }
  top.hidden = false;
  document.getElementById("who").textContent = "tenant " + s.tenant;
  startEvents((up) => {
    const live = document.getElementById("live");
    live.textContent = up ? "live" : "reconnecting";
    live.className = "live " + (up ? "up" : "down");
  });
  const [, screen, id] = (location.hash || "#/inbox").split("/");
  for (const a of document.querySelectorAll("[data-nav]")) {
    a.setAttribute("aria-current", a.dataset.nav === screen ? "page" : "false");
  }
  let c;
  if (screen === "review" && id) c = await renderReview(main, decodeURIComponent(id), { go });
  else if (screen === "upload") c = renderUpload(main);
  else if (screen === "documents") c = renderDocuments(main, id && decodeURIComponent(id));
  else if (screen === "operations") c = renderOperations(main);
  else c = renderInbox(main, { open: (docId) => go("#/review/" + docId), setCount });
  cleanup = c || (() => {});
  document.title = "Sheaf · " + (screen || "inbox");
}

setUnauthorizedHandler(() => route());
document.getElementById("signout").addEventListener("click", async () => {
  await signOut().catch(() => {});
  stopEvents();
  go("#/signin");
});
onEvent((kind) => kind === "review" && refreshCount());
window.addEventListener("hashchange", route);
if (session()) refreshCount();
route();
