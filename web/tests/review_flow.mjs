// The review page in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is downloaded): sign in, upload a receipt, see it in the inbox,
// open it, correct the total and the line items (add a line, delete one) with the keyboard and
// approve; then, on the Documents screen, correct the completed document's total again and
// filter the list by its sender. Each screen is photographed when SHEAF_SCREENSHOTS names a
// folder. Prints {"document_id", "total", "total2", "sender", "line_items"} as the last line;
// the caller (tests/browser/test_review_page.py) checks the API and the webhooks.
//
//   SHEAF_URL=http://127.0.0.1:PORT SHEAF_KEY=shf_... SHEAF_UPLOAD=receipt.jpg node review_flow.mjs
import { focusField, launchBrowser, openWatchedPage, requireLoopback, signIn } from "./harness.mjs";
import { basename, join } from "node:path";

const url = process.env.SHEAF_URL;
const key = process.env.SHEAF_KEY;
const file = process.env.SHEAF_UPLOAD;
const shots = process.env.SHEAF_SCREENSHOTS || "";
const total = process.env.SHEAF_TOTAL || "123.45";
const total2 = process.env.SHEAF_TOTAL2 || "123.46";
if (!url || !key || !file) {
  console.error("set SHEAF_URL, SHEAF_KEY and SHEAF_UPLOAD");
  process.exit(2);
}
requireLoopback(url);

const browser = await launchBrowser();
const problems = [];
try {
  const { page } = await openWatchedPage(browser, url, problems);
  // Every control on screen has a name a screen reader says (label, aria-label or its text).
  const unnamed = () => page.$$eval("main input, main select, main button, main a[href]", (els) =>
    els.filter((el) => !(el.getAttribute("aria-label") || (el.labels && el.labels.length) ||
      el.textContent.trim() || el.getAttribute("title")))
      .map((el) => el.outerHTML.slice(0, 120)));
  const allNamed = async (where) => {
    const bad = await unnamed();
    if (bad.length) throw new Error(`unnamed controls on ${where}: ${bad.join(" | ")}`);
  };
  const shot = async (name) => {
    if (shots) await page.screenshot({ path: join(shots, name + ".png") });
  };

  // Sign in, keyboard only.
  await signIn(page, url, key, () => shot("signin"));

  // Upload the receipt and watch it to done.
  await page.goto(url + "/#/upload");
  await page.locator("#upload-files").setInputFiles(file);
  const row = page.locator("#upload-list li", { hasText: basename(file) });
  await row.locator(".up-status.status-needs_review").waitFor();
  await shot("upload");

  // It arrives in the inbox (live); open it with the keyboard.
  await page.goto(url + "/#/inbox");
  const link = page.locator("#inbox-table a.doc-link", { hasText: basename(file) });
  await link.waitFor();
  await shot("inbox");
  await link.focus();
  await page.keyboard.press("Enter");
  await page.locator("#review-title").waitFor();
  const id = decodeURIComponent(new URL(page.url()).hash.split("/")[2]);
  await page.locator(".viewer img").waitFor();
  await page.waitForFunction(() => document.querySelectorAll(".word-box").length > 0);
  // The thumbnails load once the first page's image has (they wait for it).
  await page.waitForFunction(() => [...document.querySelectorAll(".thumb img")]
    .every((i) => i.getAttribute("src") && i.complete && i.naturalWidth > 0));

  // Correct the total: focus its field (adding it if the reader found none), type, approve.
  await focusField(page, "total");
  // Focusing a field the reader located highlights its box on the page.
  if (await page.locator('.field-box[data-field="total"]').count()) {
    await page.locator('.field-box.focused[data-field="total"]').waitFor({ state: "attached" });
  }
  // Clicking a word fills the focused field with it.
  const word = page.locator(".word-box").nth(3);
  const wordText = await word.locator("title").textContent();
  await word.dispatchEvent("click");
  if ((await page.locator("#field-total").inputValue()) !== wordText) {
    throw new Error(`clicking the word "${wordText}" did not fill the focused field`);
  }
  await page.keyboard.press("Control+A");
  await page.keyboard.type(total);

  // The line items, keyboard only: add a line (its button, then type cell by cell with Tab);
  // Enter in its last cell goes on to a new line below, same column; type a second line there
  // from its first cell; then delete the first added line with its Delete button.
  const rowsBefore = await page.locator("#li-table tbody tr").count();
  const cellValues = async () => page.$$eval("#li-table tbody tr", (trs) => trs.map((tr) =>
    Object.fromEntries([...tr.querySelectorAll("input")].filter((i) => i.value.trim() !== "")
      .map((i) => [i.dataset.col, i.value.trim()]))));
  const typeLine = async (values) => {
    for (const [i, v] of values.entries()) {
      if (i > 0) await page.keyboard.press("Tab");
      await page.keyboard.type(v);
    }
  };
  await page.locator("#li-add").focus();
  await page.keyboard.press("Enter");
  const added = page.locator(`#li-${rowsBefore}-description`);
  if (!(await added.evaluate((el) => el === document.activeElement))) {
    throw new Error("Add line did not focus the new line's first cell");
  }
  if ((await added.getAttribute("aria-label")) !== `Line ${rowsBefore + 1} Description`) {
    throw new Error("the new cell has no label: " + (await added.getAttribute("aria-label")));
  }
  await typeLine(["Scissors", "1", "4.00", "4.00"]);
  await page.keyboard.press("Enter");  // a new line below, its amount cell focused
  if ((await page.locator("#li-table tbody tr").count()) !== rowsBefore + 2) {
    throw new Error("Enter in the last line did not add a line");
  }
  if (!(await page.locator(`#li-${rowsBefore + 1}-amount`).evaluate((el) => el === document.activeElement))) {
    throw new Error("Enter did not move to the same column of the next line");
  }
  // Clicking a word fills the focused line-item cell (then typed over).
  await page.locator(`#li-${rowsBefore + 1}-description`).focus();
  await word.dispatchEvent("click");
  if ((await page.locator(`#li-${rowsBefore + 1}-description`).inputValue()) !== wordText) {
    throw new Error(`clicking the word "${wordText}" did not fill the focused line-item cell`);
  }
  await page.keyboard.press("Control+A");
  await typeLine(["Glue stick", "2", "1.50", "3.00"]);
  // The Scissors line's Delete button (Tab reaches it after the line's cells), by keyboard.
  await page.locator(`#li-table tbody tr >> nth=${rowsBefore}`).locator("button.row-delete").focus();
  if ((await page.evaluate(() => document.activeElement.getAttribute("aria-label"))) !== `Delete line ${rowsBefore + 1}`) {
    throw new Error("the Delete button has no label naming its line");
  }
  await page.keyboard.press("Enter");
  if ((await page.locator("#li-table tbody tr").count()) !== rowsBefore + 1) {
    throw new Error("Delete did not remove the line");
  }
  if ((await page.evaluate(() => document.activeElement.id)) !== `li-${rowsBefore}-description`) {
    throw new Error("after Delete the focus is not on the line that took its place");
  }
  const deleted = { description: "Scissors", quantity: "1", unit_price: "4.00", amount: "4.00" };
  const lineItems = (await cellValues()).filter((r) => Object.keys(r).length);
  // The focused control shows it (visible focus): the outline is not "none".
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  if (outline === "none") throw new Error("the focused control has no visible outline");
  await allNamed("the review screen");
  await shot("review");
  await page.keyboard.press("Control+Enter");
  await page.locator("#toast", { hasText: "Approved with 2 correction" }).waitFor();
  // The queue is empty now: the page moves on to the inbox by itself.
  await page.locator("#inbox-title").waitFor();

  // The Documents screen: correct the completed document's total, keyboard only.
  await page.goto(url + "/#/documents/" + id);
  await page.locator("#download-json").waitFor();
  await page.locator("#docs-table a", { hasText: basename(file) }).waitFor();
  await page.locator("#doc-edit").focus();
  await page.keyboard.press("Enter");
  await page.locator("#doc-edit-form").waitFor();
  const editTotal = page.locator("#edit-total");
  if ((await editTotal.inputValue()) !== total) {
    throw new Error("the Documents form does not show the reviewed total: " + (await editTotal.inputValue()));
  }
  await editTotal.focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.type(total2);
  await allNamed("the Documents screen's correction");
  await shot("documents-edit");
  await page.locator("#doc-edit-save").focus();
  await page.keyboard.press("Enter");
  await page.locator("#toast", { hasText: "Correction saved" }).waitFor();
  await page.locator("#doc-fields td", { hasText: total2 }).waitFor();

  // Filter by its sender: its own sender button, then one that has no documents.
  const sender = (await page.locator("#doc-sender").textContent()).trim();
  await page.locator("#doc-sender").focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction((s) => document.getElementById("docs-sender").value === s, sender);
  await page.locator("#docs-table a", { hasText: basename(file) }).waitFor();
  await shot("documents");
  await page.locator("#docs-sender").focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("name:nobody at all");
  await page.keyboard.press("Tab");  // commits the filter (change)
  await page.waitForFunction(() => document.querySelectorAll("#docs-table tbody tr").length === 0);
  await page.goto(url + "/#/operations");
  await page.locator("#ops .chart").first().waitFor();
  await shot("operations");

  if (problems.length) throw new Error(problems.join("\n"));
  console.log(JSON.stringify({ document_id: id, total, total2, sender, line_items: lineItems,
    deleted_line: deleted }));
} catch (e) {
  // What the page said goes with the failure.
  console.error(problems.join("\n"));
  throw e;
} finally {
  await browser.close();
}
