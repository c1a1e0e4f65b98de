// A reviewer changes a document's type in a real headless Chromium: the review screen shows
// the type as a labelled select; with the keyboard the reviewer corrects the total, picks the
// new type (SHEAF_TYPE, default invoice; a confirmation appears after the select), confirms,
// and the screen reloads with the new type's fields (the total correction kept, the receipt's
// merchant gone). When the document still needs review as the new type (it is still held by
// this reviewer) the reviewer approves it (Ctrl+Enter).
// Prints {"document_id", "type_before", "type_after", "status_after", "fields_after",
// "total", "approved"} as the last line; the caller (tests/browser/test_review_page.py) checks
// the API, the audit and the webhook.
//
//   SHEAF_URL=http://127.0.0.1:PORT SHEAF_KEY=shf_... SHEAF_DOCUMENT=<id> node retype_flow.mjs
import { focusField, openWatchedPage, pickOption, requireLoopback, runFlow, signIn } from "./harness.mjs";

const url = process.env.SHEAF_URL;
const key = process.env.SHEAF_KEY;
const id = process.env.SHEAF_DOCUMENT;
const total = process.env.SHEAF_TOTAL || "3.99";
const to = process.env.SHEAF_TYPE || "invoice";
if (!url || !key || !id) {
  console.error("set SHEAF_URL, SHEAF_KEY and SHEAF_DOCUMENT");
  process.exit(2);
}
requireLoopback(url);

await runFlow(async (browser, problems) => {
  // The screen claims the document it opens beside loading it; reopened after the change as a
  // completed document, that claim is answered 409 (not in review), which Chromium logs. When
  // it still needs review the claim must succeed: "Held by you" is waited for below.
  const claimOfIt = (m) => /status of 409/.test(m.text()) &&
    (m.location().url || "").endsWith("/v1/review/claims/" + encodeURIComponent(id));
  const { page } = await openWatchedPage(browser, url, problems, { expected: claimOfIt });
  await signIn(page, url, key);
  await page.goto(url + "/#/review/" + encodeURIComponent(id));
  await page.locator("#review-title").waitFor();
  await page.locator("#claim-status", { hasText: "Held by you" }).waitFor();

  // The type is a select with a label.
  const select = page.locator("#review-type");
  const label = await page.locator('label[for="review-type"]').textContent();
  if (label.trim() !== "Type") throw new Error("the type select is labelled " + JSON.stringify(label));
  const typeBefore = await select.inputValue();

  // Correct the total (adding the field if the reader found none), with the keyboard.
  await focusField(page, "total");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(total);

  // Pick the type with the keyboard: arrow keys on the focused select (a closed select changes
  // its value with them), then Tab to the confirmation that appears after it and Enter.
  await pickOption(page, select, to);
  await page.locator("#type-confirm:not([hidden])").waitFor();
  // Escape takes the question back and the select returns to the type it had.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Escape");
  await page.locator("#type-confirm[hidden]").waitFor({ state: "attached" });
  if ((await select.inputValue()) !== typeBefore) throw new Error("Escape left the select at " + (await select.inputValue()));
  const back = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (back !== "review-type") throw new Error("Escape left the focus on " + back);
  await pickOption(page, select, to);
  await page.locator("#type-confirm:not([hidden])").waitFor();
  // Nothing is sent before the confirmation: the API still says the old type.
  const before = await page.evaluate(async (docId) =>
    (await (await fetch("/v1/documents/" + encodeURIComponent(docId))).json()).document_type, id);
  if (before !== typeBefore) throw new Error(`the type changed before confirming: ${before}`);
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "type-change") throw new Error("Tab after the select focuses " + focused);
  await page.keyboard.press("Enter");

  // The screen reloads as the new type: the select says so, the total correction is kept,
  // the receipt's own fields are gone.
  await page.waitForFunction((t) => {
    const s = document.querySelector("#review-type");
    return s && s.value === t && document.querySelector("#type-confirm[hidden]");
  }, to);
  await page.locator("#review-title").waitFor();
  const statusAfter = (await page.locator("#review-status").textContent()).trim();
  const fieldsAfter = await page.$$eval("#review-form .field", (rows) => rows.map((r) => r.dataset.field));
  const totalAfter = await page.locator("#field-total").inputValue();
  let approved = false;
  if (statusAfter === "needs_review") {
    // Still the reviewer's (the hold was kept), and decided from here.
    await page.locator("#claim-status", { hasText: "Held by you" }).waitFor();
    await page.locator("#field-total").focus();
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction(() => location.hash === "#/inbox");  // nothing else to review
    approved = true;
  }
  return { document_id: id, type_before: typeBefore, type_after: to,
    status_after: statusAfter, fields_after: fieldsAfter, total: totalAfter, approved };
});
