// A document's type is changed from the Documents screen in a real headless Chromium: the
// document's detail shows its type as a select labelled "Document type" whose options are the
// deployment's types (GET /v1/document-types, so a schema of the deployment's own is among
// them); with the keyboard the user picks SHEAF_TYPE, takes the question back with Escape,
// picks it again, confirms with Tab and Enter, and the detail reloads with the new type.
// Then, in a second page whose GET /v1/document-types fails, the select offers the fixed list.
// Prints {"document_id", "options", "type_before", "type_after", "fields_after", "listed_type",
// "fallback_options", "question"} as the last line; the caller (tests/browser/test_review_page.py) checks the API, the audit
// and the webhook.
//
//   SHEAF_URL=http://127.0.0.1:PORT SHEAF_KEY=shf_... SHEAF_DOCUMENT=<id> SHEAF_TYPE=<type> \
//     node documents_retype_flow.mjs
import { openDocument, openWatchedPage, pickOption, requireLoopback, runFlow, signIn } from "./harness.mjs";

const url = process.env.SHEAF_URL;
const key = process.env.SHEAF_KEY;
const id = process.env.SHEAF_DOCUMENT;
const to = process.env.SHEAF_TYPE;
if (!url || !key || !id || !to) {
  console.error("set SHEAF_URL, SHEAF_KEY, SHEAF_DOCUMENT and SHEAF_TYPE");
  process.exit(2);
}
requireLoopback(url);

await runFlow(async (browser, problems) => {
  const page = await openDocument(browser, url, key, id, problems);

  const select = page.locator("#doc-type");
  const label = await page.locator('label[for="doc-type"]').textContent();
  if (label.trim() !== "Document type") throw new Error("the type select is labelled " + JSON.stringify(label));
  const options = await select.evaluate((s) => [...s.options].map((o) => o.value));
  const typeBefore = await select.inputValue();

  // Picked, then taken back with Escape: nothing is sent, the select shows the type it had.
  await pickOption(page, select, to);
  await page.locator("#doc-type-confirm:not([hidden])").waitFor();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Escape");
  await page.locator("#doc-type-confirm[hidden]").waitFor({ state: "attached" });
  if ((await select.inputValue()) !== typeBefore) throw new Error("Escape left the select at " + (await select.inputValue()));
  const back = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (back !== "doc-type") throw new Error("Escape left the focus on " + back);
  const unchanged = await page.evaluate(async (docId) =>
    (await (await fetch("/v1/documents/" + encodeURIComponent(docId))).json()).document_type, id);
  if (unchanged !== typeBefore) throw new Error(`the type changed without confirming: ${unchanged}`);

  // Picked again and confirmed with the keyboard; the question says what the type reads.
  await pickOption(page, select, to);
  await page.locator("#doc-type-confirm:not([hidden])").waitFor();
  const question = (await page.locator("#doc-type-confirm .type-question").textContent()).trim();
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "doc-type-change") throw new Error("Tab after the select focuses " + focused);
  await page.keyboard.press("Enter");

  // The detail reloads as the new type: its select, its result JSON and the list say so.
  await page.waitForFunction((t) => {
    const s = document.querySelector("#doc-type");
    const json = document.querySelector("#doc-detail pre.json");
    return s && s.value === t && document.querySelector("#doc-type-confirm[hidden]") &&
      json && JSON.parse(json.textContent).document_type === t;
  }, to);
  await page.waitForFunction(([docId, t]) => [...document.querySelectorAll("#docs-table tbody tr")]
    .some((r) => r.querySelector(`a[href="#/documents/${docId}"]`) && r.children[2].textContent === t), [id, to]);
  const fieldsAfter = await page.$$eval("#doc-fields tr th", (ths) => ths.map((t) => t.textContent));
  const listedType = await page.$eval(`#docs-table a[href="#/documents/${id}"]`,
    (a) => a.closest("tr").children[2].textContent);

  // When the types cannot be had (here GET /v1/document-types answers 503), the select offers
  // the fixed list of the shipped types, and the document's own.
  const typesRefused = (m) => /status of 503/.test(m.text()) &&
    (m.location().url || "").endsWith("/v1/document-types");
  const fallback = await openWatchedPage(browser, url, problems, { expected: typesRefused });
  await fallback.page.route("**/v1/document-types", (route) => route.fulfill({ status: 503,
    contentType: "application/json", body: '{"error": {"code": "unavailable", "message": "test"}}' }));
  await signIn(fallback.page, url, key);
  await fallback.page.goto(url + "/#/documents/" + encodeURIComponent(id));
  await fallback.page.locator("#doc-type").waitFor();
  const fallbackOptions = await fallback.page.locator("#doc-type").evaluate((s) => [...s.options].map((o) => o.value));

  return { document_id: id, options, type_before: typeBefore, type_after: to,
    fields_after: fieldsAfter, listed_type: listedType, fallback_options: fallbackOptions, question };
});
