// The review screen's time to usable (bench/review_interactive.py runs it): a headless Chromium
// signs in once, then opens #/review/ID in a fresh page RUNS times (cache disabled) and measures
// from the navigation's start until (a) the form's first input is enabled and has the focus
// and (b) the first page image is decoded and drawn. Prints {"runs": [...], "median_ms"}.
//
//   SHEAF_URL=http://127.0.0.1:PORT SHEAF_KEY=shf_... SHEAF_DOC=ID node review_interactive.mjs
import { launchBrowser, requireLoopback } from "../web/tests/harness.mjs";

const url = process.env.SHEAF_URL;
const key = process.env.SHEAF_KEY;
const id = process.env.SHEAF_DOC;
const runs = Number(process.env.SHEAF_RUNS || 5);
if (!url || !key || !id) {
  console.error("set SHEAF_URL, SHEAF_KEY and SHEAF_DOC");
  process.exit(2);
}
requireLoopback(url);

const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const signin = await context.newPage();
  await signin.goto(url + "/");
  await signin.locator("#api-key").fill(key);
  await signin.keyboard.press("Enter");
  await signin.locator("#inbox-title").waitFor();
  const storage = await signin.evaluate(() => JSON.stringify(sessionStorage));
  await signin.close();

  const results = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    // The session's CSRF token lives in sessionStorage (per page): carry it over.
    await page.addInitScript((s) => {
      for (const [k, v] of Object.entries(JSON.parse(s))) sessionStorage.setItem(k, v);
    }, storage);
    await page.goto(url + "/#/review/" + encodeURIComponent(id), { waitUntil: "commit" });
    const r = await page.evaluate(() => new Promise((resolve) => {
      const t0 = performance.timeOrigin;
      let form = 0;
      let image = 0;
      const tick = () => {
        const now = performance.now();
        const input = document.querySelector("#review-form input");
        if (!form && input && !input.disabled && document.activeElement === input) form = now;
        const img = document.querySelector(".viewer img");
        if (!image && img && img.complete && img.naturalWidth > 0) image = now;
        if (form && image) {
          const slowest = performance.getEntriesByType("resource")
            .map((e) => ({ name: new URL(e.name).pathname, ms: e.duration }))
            .sort((a, b) => b.ms - a.ms)[0] || { name: "-", ms: 0 };
          // When the first page's image was asked for, and how long the server took to answer.
          const first = performance.getEntriesByType("resource")
            .find((e) => e.name.endsWith("/pages/1/image")) || { startTime: 0, duration: 0 };
          const app = performance.getEntriesByType("resource")
            .find((e) => e.name.endsWith("/assets/app.js")) || { responseEnd: 0 };
          resolve({ form_ms: form, image_ms: image, usable_ms: Math.max(form, image), slowest,
            image_request_ms: first.startTime, image_answer_ms: first.duration,
            script_loaded_ms: app.responseEnd });
        } else {
          requestAnimationFrame(tick);
        }
      };
      tick();
    }));
    results.push(r);
    await page.close();
  }
  const sorted = results.map((r) => r.usable_ms).sort((a, b) => a - b);
  console.log(JSON.stringify({ runs: results, median_ms: sorted[Math.floor(sorted.length / 2)] }));
} finally {
  await browser.close();
}
