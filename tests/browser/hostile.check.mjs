// The hostile-input site (built by tests/hostile.rs: every field of every content kind and of
// book.toml carries a script payload at once) opened in Chromium: no payload may run on any page,
// in the search results, or in an embed. Run only on that site:
//   tests/browser/run.sh target/tmp/hostile-site/public hostile.check.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { SITE_DIR, launch, url } from "./lib.mjs";

const MARK = "fbPwned";
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function htmlPages(dir, rel = "") {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...htmlPages(dir, r));
    else if (e.name.endsWith(".html")) out.push(r);
  }
  return out.sort();
}

/** Opens a page, lets every image, handler and script run, and says whether a payload ran. */
async function ran(rel, act) {
  const page = await browser.newPage();
  // Any dialog would also be a payload's doing.
  let dialog = false;
  page.on("dialog", async (d) => { dialog = true; await d.dismiss(); });
  await page.goto(url(rel.replace(/index\.html$/, "")), { waitUntil: "load" });
  if (act) await act(page);
  await page.waitForTimeout(50);
  // A redirect page (an alias) moves on by itself: read the mark on the page it lands on, which
  // must still be one of the site's.
  let mark;
  for (let attempt = 0; ; attempt++) {
    try {
      mark = await page.evaluate((m) => window[m], MARK);
      break;
    } catch (e) {
      if (attempt > 3 || !/context was destroyed|navigat/i.test(String(e))) throw e;
      await page.waitForLoadState("load");
    }
  }
  const landed = page.url();
  await page.close();
  assert.ok(landed.startsWith(url("")), `${rel} moved to ${landed}, outside the site`);
  return dialog || mark !== undefined;
}

test("hostile site: the payload is in the built pages (the test would see it run)", () => {
  const pages = htmlPages(SITE_DIR);
  assert.ok(pages.length > 10, `only ${pages.length} pages`);
  const withPayload = pages.filter((p) => fs.readFileSync(path.join(SITE_DIR, p), "utf8").includes(MARK));
  assert.ok(withPayload.length > 5, `the payload text reached only ${withPayload.length} pages`);
});

test("hostile site: no payload runs on any page", async () => {
  const ranOn = [];
  for (const rel of htmlPages(SITE_DIR)) {
    if (await ran(rel)) ranOn.push(rel);
  }
  assert.deepEqual(ranOn, [], `a payload ran on: ${ranOn.join(", ")}`);
});

test("hostile site: no payload runs in search results", async () => {
  if (!fs.existsSync(path.join(SITE_DIR, "search/index.html"))) return;
  const hit = await ran("search/", async (page) => {
    for (const q of ["script", "onerror", "fixture", "img"]) {
      await page.locator("#q").fill(q);
      await page.waitForTimeout(400);
    }
  });
  assert.equal(hit, false, "a payload ran from a search result");
});
