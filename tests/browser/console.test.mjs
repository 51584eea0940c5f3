// No console errors, uncaught exceptions or failed requests on one page of every kind.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { SITE_URL, launch, url, relOf, fileOf, readSiteFile, watchProblems, PAGES_OF_EVERY_KIND } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const [kind, rel] of PAGES_OF_EVERY_KIND) {
  test(`console: no errors or failed requests on the ${kind} page /${rel}`, async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    const res = await page.goto(url(rel), { waitUntil: "networkidle" });
    assert.equal(res.status(), 200, `/${rel} answers 200`);
    if (kind === "search") {
      // Exercise the script path that fetches the index.
      await page.locator("#q").fill("quota");
      await page.locator("#search-results li").first().waitFor({ timeout: 10_000 });
    }
    await page.waitForTimeout(100);
    await page.close();
    // Chromium asks for /favicon.ico at the host root by itself, once per browser,
    // when a page declares no icon: that 404 lands on whichever page comes first,
    // so it is checked by the favicon test below instead of here.
    const autoIcon = new URL("/favicon.ico", SITE_URL).href;
    const own = problems.filter((p) => !(p.includes(autoIcon + ")") || p.includes(autoIcon + ":") || p.endsWith(autoIcon)));
    assert.deepEqual(own, [], `problems on /${rel}:\n  ${own.join("\n  ")}`);
  });
}

test("favicon: every page declares an icon that exists, so browsers do not request a missing /favicon.ico", () => {
  const missing = [];
  for (const [kind, rel] of PAGES_OF_EVERY_KIND) {
    const html = readSiteFile(rel);
    const m = html.match(/<link\b(?=[^>]*\brel="?[^">]*\bicon\b)[^>]*\bhref="?([^"\s>]+)/i);
    if (!m) { missing.push(`/${rel} (${kind}): no <link rel=icon>`); continue; }
    if (m[1].startsWith("data:")) continue;
    const target = relOf(new URL(m[1], url(rel)).href);
    if (target === null || !fs.existsSync(fileOf(target))) missing.push(`/${rel} (${kind}): icon ${m[1]} is not a file of the site`);
  }
  assert.deepEqual(missing, [], `pages without a usable icon (Chromium then requests /favicon.ico at the host root and logs a 404):\n  ${missing.join("\n  ")}`);
});
