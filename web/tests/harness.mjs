// What every browser script shares (web/tests/*.mjs, bench/review_interactive.mjs): the server
// must be on loopback, Debian's Chromium is launched headless (no browser is downloaded), and a
// page at 1366x768 that records page errors, console errors and any request leaving the
// server's origin (the page must work offline) in `problems`.
import { createRequire } from "node:module";

// playwright-core is web/'s dependency (web/node_modules), whoever imports this file.
const { chromium } = createRequire(import.meta.url)("playwright-core");

// Exits with status 2 unless `url` is http on a loopback address.
export function requireLoopback(url) {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?$/.test(url || "")) {
    console.error("SHEAF_URL must be a loopback address: " + url);
    process.exit(2);
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

// A new context and page on `browser` for the server at `url`; `problems` collects what
// should fail the caller. `expected` (optional) is a console error the caller provokes on
// purpose (Chromium logs an answered 409 as "Failed to load resource"): (message) => bool.
export async function openWatchedPage(browser, url, problems, { expected } = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  page.setDefaultTimeout(90000);
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => {
    if (m.type() !== "error" || (expected && expected(m))) return;
    problems.push("console: " + m.text());
  });
  const origin = new URL(url).origin;
  await page.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.origin === origin || u.protocol === "blob:" || u.protocol === "data:") return route.continue();
    problems.push("request to another origin: " + u.href);
    return route.abort();
  });
  return { context, page };
}

// Signs in with the keyboard: the key typed into the focused field, Enter, the inbox appears.
// `onForm` (optional) runs once the sign-in form is shown.
export async function signIn(page, url, key, onForm) {
  await page.goto(url + "/");
  await page.locator("#api-key").waitFor();
  if (onForm) await onForm();
  await page.keyboard.type(key);  // the key field has the focus
  await page.keyboard.press("Enter");
  await page.locator("#inbox-title").waitFor();
}

// Focuses the review screen's field `name`, adding it first (with the keyboard, through "Add
// a field") when the reader found none.
export async function focusField(page, name) {
  if ((await page.locator("#field-" + name).count()) === 0) {
    await page.locator("#new-field-name").focus();
    await page.keyboard.type(name);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
  }
  await page.locator("#field-" + name).focus();
}

// Picks `value` in the <select> `select` with the keyboard: focused, then arrow keys (a closed
// select changes its value with them) until it shows the value; throws when it cannot.
export async function pickOption(page, select, value) {
  await select.focus();
  for (let i = 0; i < 12 && (await select.inputValue()) !== value; i++) {
    const order = await select.evaluate((s) => [...s.options].map((o) => o.value));
    const at = order.indexOf(await select.inputValue());
    await page.keyboard.press(at < order.indexOf(value) ? "ArrowDown" : "ArrowUp");
  }
  if ((await select.inputValue()) !== value) throw new Error(`could not pick ${value} with the keyboard`);
}

// Runs a flow: launches the browser, calls `body(browser, problems)`, which returns what the
// flow prints (one JSON line, the last, for its caller); any problem a watched page recorded,
// or a throw, fails it (exit status 1, the stack and the problems on stderr). Closes the browser.
export async function runFlow(body) {
  const browser = await launchBrowser();
  const problems = [];
  try {
    const out = await body(browser, problems);
    if (problems.length) throw new Error(problems.join("\n"));
    console.log(JSON.stringify(out));
  } catch (e) {
    console.error(e.stack || String(e));
    if (problems.length) console.error(problems.join("\n"));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

// A watched page signed in with `key`, showing document `id` on the Documents screen.
export async function openDocument(browser, url, key, id, problems) {
  const { page } = await openWatchedPage(browser, url, problems);
  await signIn(page, url, key);
  await page.goto(url + "/#/documents/" + encodeURIComponent(id));
  await page.locator("#doc-title").waitFor();
  return page;
}
