// A finished document is processed again from the Documents screen in a real headless Chromium,
// with the keyboard: "Process again…" asks first; Escape takes the question back (nothing is
// sent); asked again, "Decide the type again" is ticked with Space and the run confirmed with
// Tab and Enter. The detail and the list then follow the run through the live events (no
// reload) until the document is finished again, as the type decided anew. Prints {"document_id", "type_before",
// "statuses_seen", "status_after", "type_after", "listed_type"} as the last line; the caller
// (tests/browser/test_review_page.py) checks the API and the audit.
//
//   SHEAF_URL=http://127.0.0.1:PORT SHEAF_KEY=shf_... SHEAF_DOCUMENT=<id> node documents_reprocess_flow.mjs
import { openDocument, requireLoopback, runFlow } from "./harness.mjs";

const url = process.env.SHEAF_URL;
const key = process.env.SHEAF_KEY;
const id = process.env.SHEAF_DOCUMENT;
if (!url || !key || !id) {
  console.error("set SHEAF_URL, SHEAF_KEY and SHEAF_DOCUMENT");
  process.exit(2);
}
requireLoopback(url);

const FINISHED = ["completed", "needs_review", "failed", "rejected"];
await runFlow(async (browser, problems) => {
  const page = await openDocument(browser, url, key, id, problems);
  const typeBefore = await page.locator("#doc-type").inputValue();
  const reprocesses = () => page.evaluate(async (docId) => {
    const r = await fetch("/v1/documents/" + encodeURIComponent(docId));
    return (await r.json()).stages;
  }, id);
  const stagesBefore = JSON.stringify(await reprocesses());

  // Asked, then taken back with Escape: nothing sent, the focus back on the button.
  await page.locator("#doc-reprocess").focus();
  await page.keyboard.press("Enter");
  await page.locator("#doc-reprocess-confirm:not([hidden])").waitFor();
  let focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "doc-reprocess-reclassify") throw new Error("the question focuses " + focused);
  await page.keyboard.press("Escape");
  await page.locator("#doc-reprocess-confirm[hidden]").waitFor({ state: "attached" });
  focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "doc-reprocess") throw new Error("Escape left the focus on " + focused);
  if (JSON.stringify(await reprocesses()) !== stagesBefore) throw new Error("Escape sent the run");

  // Asked again: the type decided again, confirmed with the keyboard.
  await page.keyboard.press("Enter");
  await page.locator("#doc-reprocess-confirm:not([hidden])").waitFor();
  await page.keyboard.press("Space");
  if (!(await page.locator("#doc-reprocess-reclassify").isChecked())) throw new Error("Space did not tick the box");
  await page.keyboard.press("Tab");
  focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "doc-reprocess-go") throw new Error("Tab after the box focuses " + focused);

  // Every status the detail shows from here on, as the live events bring them.
  await page.evaluate(() => {
    window.seenStatuses = [];
    const note = () => {
      const pill = document.querySelector("#doc-detail p .pill");
      const s = pill && pill.textContent;
      if (s && window.seenStatuses[window.seenStatuses.length - 1] !== s) window.seenStatuses.push(s);
    };
    new MutationObserver(note).observe(document.querySelector("#doc-detail"), { childList: true, subtree: true });
  });
  await page.keyboard.press("Enter");
  // Finished again as another type. (A short text may be read before the detail first shows
  // it, so the statuses seen may be the finished one alone; the list's row below changes only
  // through the live events either way.)
  await page.waitForFunction(([finished, before]) => {
    const s = document.querySelector("#doc-type");
    return window.seenStatuses.length > 0 && s && s.value !== before &&
      finished.includes(window.seenStatuses[window.seenStatuses.length - 1]);
  }, [FINISHED, typeBefore], { timeout: 60000 });
  const statusesSeen = await page.evaluate(() => window.seenStatuses);
  const typeAfter = await page.locator("#doc-type").inputValue();
  await page.waitForFunction(([docId, t]) => [...document.querySelectorAll("#docs-table tbody tr")]
    .some((r) => r.querySelector(`a[href="#/documents/${docId}"]`) && r.children[2].textContent === t), [id, typeAfter]);
  const listedType = await page.$eval(`#docs-table a[href="#/documents/${id}"]`,
    (a) => a.closest("tr").children[2].textContent);

  return { document_id: id, type_before: typeBefore, statuses_seen: statusesSeen,
    status_after: statusesSeen[statusesSeen.length - 1], type_after: typeAfter, listed_type: listedType };
});
