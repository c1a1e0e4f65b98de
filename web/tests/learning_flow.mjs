// Learning from a correction, in a real headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core): sign in, upload a sender's first receipt, correct its total on the review
// screen by clicking its word on the page and typing it (or, when it completed without review, on the Documents screen),
// then upload the sender's second receipt and read its total on the Documents screen. Prints
// {"first_id", "second_id", "how", "total", "source"} as the last line; the caller
// (tests/browser/test_review_page.py) checks the same through the API.
//
//   SHEAF_URL=http://127.0.0.1:PORT SHEAF_KEY=shf_... SHEAF_FIRST=a.png SHEAF_SECOND=b.png \
//   SHEAF_TOTAL=28.00 node learning_flow.mjs
import { focusField, launchBrowser, openWatchedPage, requireLoopback, signIn } from "./harness.mjs";
import { basename, join } from "node:path";

const url = process.env.SHEAF_URL;
const key = process.env.SHEAF_KEY;
const first = process.env.SHEAF_FIRST;
const second = process.env.SHEAF_SECOND;
const total = process.env.SHEAF_TOTAL;
const shots = process.env.SHEAF_SCREENSHOTS || "";
if (!url || !key || !first || !second || !total) {
  console.error("set SHEAF_URL, SHEAF_KEY, SHEAF_FIRST, SHEAF_SECOND and SHEAF_TOTAL");
  process.exit(2);
}
requireLoopback(url);

const browser = await launchBrowser();
const problems = [];
try {
  const { page } = await openWatchedPage(browser, url, problems);

  await signIn(page, url, key);

  // Uploads one file and waits until it is processed: its status and id.
  const uploadOne = async (file) => {
    await page.goto(url + "/#/upload");
    await page.locator("#upload-files").setInputFiles(file);
    const row = page.locator("#upload-list li", { hasText: basename(file) });
    await row.locator(".up-status.status-needs_review, .up-status.status-completed").waitFor();
    const status = (await row.locator(".up-status").getAttribute("class")).replace("up-status status-", "");
    const href = await row.locator("a").getAttribute("href");
    return { status, id: decodeURIComponent(href.split("/")[2]) };
  };

  const one = await uploadOne(first);
  let how;
  let clicked = null;  // the word clicked for the total (on the review screen)
  if (one.status === "needs_review") {
    // The review screen: the total (added when the reader found none), keyboard only.
    how = "review";
    await page.goto(url + "/#/review/" + one.id);
    await page.locator("#review-title").waitFor();
    await focusField(page, "total");
    // Click the total's words on the page (the field is filled from them and remembers their
    // box), then type it: as a reviewer corrects a misread amount.
    const word = page.locator("svg rect.word-box", { has: page.locator("title", { hasText: new RegExp("^" + total.replace(".", "\\.") + "$") }) }).first();
    await word.waitFor();
    clicked = { page: 1, text: total };
    await word.click();
    if ((await page.locator("#field-total").inputValue()) !== total) throw new Error("clicking the word did not fill the total");
    await page.keyboard.press("Control+A");
    await page.keyboard.type(total);
    await page.keyboard.press("Control+Enter");
    await page.locator("#toast", { hasText: "Approved with" }).waitFor();
    // The queue is empty now: the page moves on to the inbox by itself (wait for it, or it
    // would move away from the upload screen opened next).
    await page.locator("#inbox-title").waitFor();
  } else {
    // Completed without review, with a wrong total: corrected on the Documents screen.
    how = "documents";
    await page.goto(url + "/#/documents/" + one.id);
    await page.locator("#doc-edit").focus();
    await page.keyboard.press("Enter");
    await page.locator("#edit-total").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type(total);
    await page.locator("#doc-edit-save").focus();
    await page.keyboard.press("Enter");
    await page.locator("#toast", { hasText: "Correction saved" }).waitFor();
  }

  // The sender's next receipt: its total as the Documents screen shows it.
  const two = await uploadOne(second);
  await page.goto(url + "/#/documents/" + two.id);
  const row = page.locator("#doc-fields tr", { has: page.locator("th", { hasText: /^total$/ }) });
  await row.waitFor();
  const cells = await row.locator("td").allTextContents();
  if (shots) await page.screenshot({ path: join(shots, "learned.png") });

  if (problems.length) throw new Error(problems.join("\n"));
  console.log(JSON.stringify({ first_id: one.id, second_id: two.id, first_status: one.status,
    second_status: two.status, how, clicked, total: cells[0], source: cells[1] }));
} catch (e) {
  console.error(problems.join("\n"));
  throw e;
} finally {
  await browser.close();
}
