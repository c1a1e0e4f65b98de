// Two reviewers of one tenant in a real headless Chromium (two browser contexts, each signed in
// with its own API key): reviewer A opens the queue's first document, which claims it; reviewer
// B's inbox shows it held by A, "Review first" gives B the next one instead, and B sees A's
// document read-only with A named; A approves (the hold ends) and, the rest of the queue being
// B's, goes back to the inbox; B leaves its document for the inbox (the hold is given back).
// Prints {"a_reviewer", "b_reviewer", "b_opened", "held_text", "other_text"} as the last line;
// the caller (tests/browser/test_review_page.py) checks the claims through the API.
//
//   SHEAF_URL=http://127.0.0.1:PORT SHEAF_KEY=shf_... SHEAF_KEY2=shf_... \
//   SHEAF_FIRST=<id> SHEAF_SECOND=<id> node claims_flow.mjs
import { launchBrowser, openWatchedPage, requireLoopback, signIn } from "./harness.mjs";

const url = process.env.SHEAF_URL;
const keyA = process.env.SHEAF_KEY;
const keyB = process.env.SHEAF_KEY2;
const first = process.env.SHEAF_FIRST;
const second = process.env.SHEAF_SECOND;
if (!url || !keyA || !keyB || !first || !second) {
  console.error("set SHEAF_URL, SHEAF_KEY, SHEAF_KEY2, SHEAF_FIRST and SHEAF_SECOND");
  process.exit(2);
}
requireLoopback(url);
const keyIdOf = (key) => key.split("_")[1];
const reviewerA = "key:" + keyIdOf(keyA);
const reviewerB = "key:" + keyIdOf(keyB);

// B opening A's document is answered 409 on purpose; Chromium logs that as a console error.
const claimOfFirst = (m) => /status of 409/.test(m.text()) &&
  (m.location().url || "").endsWith("/v1/review/claims/" + first);

// Every control on the screen has an accessible name.
async function unnamedControls(page) {
  return page.evaluate(() => [...document.querySelectorAll("main button, main input, main select, main a")]
    .filter((el) => !el.hidden && el.offsetParent !== null)
    .filter((el) => {
      const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
      return !(el.getAttribute("aria-label") || label || el.textContent.trim() || el.title);
    })
    .map((el) => el.outerHTML.slice(0, 120)));
}

const browser = await launchBrowser();
const problems = [];
try {
  const a = await openWatchedPage(browser, url, problems);
  const b = await openWatchedPage(browser, url, problems, { expected: claimOfFirst });
  const pa = a.page;
  const pb = b.page;

  // A: the queue's first document, from the inbox with the keyboard; the page claims it.
  await signIn(pa, url, keyA);
  await pa.locator(`#inbox-table tr[data-id="${first}"]`).waitFor();
  await pa.locator("#review-first").focus();
  await pa.keyboard.press("Enter");
  await pa.locator("#review-title").waitFor();
  if (!pa.url().endsWith("#/review/" + first)) throw new Error("A opened " + pa.url());
  await pa.locator("#claim-status", { hasText: "Held by you" }).waitFor();

  // B: the inbox names A as the holder of the first document; the second is free.
  await signIn(pb, url, keyB);
  const heldRow = pb.locator(`#inbox-table tr[data-id="${first}"] td.claim`);
  await heldRow.filter({ hasText: "held by " + reviewerA }).waitFor();
  const heldText = (await heldRow.textContent()).trim();
  const freeText = (await pb.locator(`#inbox-table tr[data-id="${second}"] td.claim`).textContent()).trim();
  if (freeText !== "") throw new Error("the second document shows a holder: " + freeText);
  // "Review first" passes over A's document.
  await pb.locator("#review-first").focus();
  await pb.keyboard.press("Enter");
  await pb.locator("#review-title").waitFor();
  const bOpened = decodeURIComponent(pb.url().split("#/review/")[1] || "");
  await pb.locator("#claim-status", { hasText: "Held by you" }).waitFor();
  const unnamed = await unnamedControls(pb);
  if (unnamed.length) throw new Error("controls without a name: " + unnamed.join(" | "));

  // B opens A's document: read-only, A named, no decision possible.
  await pb.goto(url + "/#/review/" + first);
  const other = pb.locator("#claim-status", { hasText: "Not yours to decide" });
  await other.waitFor();
  const otherText = (await other.textContent()).trim();
  if (!otherText.includes(reviewerA)) throw new Error("the holder is not named: " + otherText);
  if (!(await pb.locator("#approve").isDisabled()) || !(await pb.locator("#reject").isDisabled())) {
    throw new Error("B may decide on A's document");
  }
  // Back to B's own document (claimed again: B still holds it) ...
  await pb.goto(url + "/#/review/" + bOpened);
  await pb.locator("#claim-status", { hasText: "Held by you" }).waitFor();

  // A approves with the keyboard: the only other document is B's, so A lands on the inbox.
  await pa.keyboard.press("Control+Enter");  // a field has the focus
  await pa.locator("#toast", { hasText: "Approved" }).waitFor();
  await pa.locator("#inbox-title").waitFor();
  await pa.locator(`#inbox-table tr[data-id="${bOpened}"] td.claim`, { hasText: "held by " + reviewerB }).waitFor();

  // ... and B leaves it for the inbox: the hold is given back.
  await pb.locator('[data-nav="inbox"]').click();
  await pb.locator("#inbox-title").waitFor();
  await pb.locator(`#inbox-table tr[data-id="${bOpened}"] td.claim`, { hasText: /^$/ }).waitFor();

  if (problems.length) throw new Error(problems.join("\n"));
  console.log(JSON.stringify({ a_reviewer: reviewerA, b_reviewer: reviewerB, b_opened: bOpened,
    held_text: heldText, other_text: otherText }));
} catch (e) {
  console.error(problems.join("\n"));
  throw e;
} finally {
  await browser.close();
}
