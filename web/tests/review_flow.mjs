// The review page in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is downloaded): sign in, upload a receipt, see it in the inbox,
// open it, correct the total with the keyboard and approve. Each screen is photographed when
// SHEAF_SCREENSHOTS names a folder. Prints {"document_id", "total"} as the last line; the
// caller (tests/browser/test_review_page.py) checks the API and the webhook.
//
//   SHEAF_URL=http://127.0.0.1:PORT SHEAF_KEY=shf_... SHEAF_UPLOAD=receipt.jpg node review_flow.mjs
import { chromium } from "playwright-core";
import { basename, join } from "node:path";

const url = process.env.SHEAF_URL;
const key = process.env.SHEAF_KEY;
const file = process.env.SHEAF_UPLOAD;
const shots = process.env.SHEAF_SCREENSHOTS || "";
const total = process.env.SHEAF_TOTAL || "123.45";
if (!url || !key || !file) {
  console.error("set SHEAF_URL, SHEAF_KEY and SHEAF_UPLOAD");
  process.exit(2);
}
if (!/^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?$/.test(url)) {
  console.error("SHEAF_URL must be a loopback address: " + url);
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  page.setDefaultTimeout(90000);
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => m.type() === "error" && problems.push("console: " + m.text()));
  // Loopback only: any request elsewhere is a bug (the page must work offline).
  await page.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.origin === new URL(url).origin || u.protocol === "blob:" || u.protocol === "data:") return route.continue();
    problems.push("request to another origin: " + u.href);
    return route.abort();
  });
  const shot = async (name) => {
    if (shots) await page.screenshot({ path: join(shots, name + ".png") });
  };

  // Sign in, keyboard only.
  await page.goto(url + "/");
  await page.locator("#api-key").waitFor();
  await shot("signin");
  await page.keyboard.type(key);  // the key field has the focus
  await page.keyboard.press("Enter");
  await page.locator("#inbox-title").waitFor();

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

  // Correct the total: focus its field (adding it if the reader found none), type, approve.
  if ((await page.locator("#field-total").count()) === 0) {
    await page.locator("#new-field-name").focus();
    await page.keyboard.type("total");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
  }
  await page.locator("#field-total").focus();
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
  await shot("review");
  await page.keyboard.press("Control+Enter");
  await page.locator("#toast", { hasText: "Approved with 1 correction" }).waitFor();
  // The queue is empty now: the page moves on to the inbox by itself.
  await page.locator("#inbox-title").waitFor();

  // The other screens, for the screenshots and to see they render.
  await page.goto(url + "/#/documents/" + id);
  await page.locator("#download-json").waitFor();
  await page.locator("#docs-table a", { hasText: basename(file) }).waitFor();
  await shot("documents");
  await page.goto(url + "/#/operations");
  await page.locator("#ops .chart").first().waitFor();
  await shot("operations");

  if (problems.length) throw new Error(problems.join("\n"));
  console.log(JSON.stringify({ document_id: id, total }));
} catch (e) {
  // What the page said goes with the failure.
  console.error(problems.join("\n"));
  throw e;
} finally {
  await browser.close();
}
