// The starter site of `fieldbook init` (built by tests/run.sh with the binary alone) in Chromium:
// the home page, a chapter, the chart, the dataset and search work as a reader uses them.
//   tests/browser/run.sh STARTER/public starter.check.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, relOf } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("starter: home, chapter, chart, dataset and search", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  await page.goto(url(""));
  assert.equal((await page.locator("h1").textContent()).trim(), "Example Survey");
  await page.locator("a", { hasText: "Introduction" }).first().click();
  await page.waitForURL(/introduction\/$/);
  // The chart is drawn inline, with its source line, and links to its own page.
  const svg = page.locator("figure.chart svg").first();
  assert.ok(await svg.isVisible(), "the chart's SVG is visible");
  await page.locator("figure.chart a", { hasText: "Chart page" }).first().click();
  await page.waitForURL(/charts\/households-by-year\/$/);
  assert.match(await page.locator(".source-line").first().textContent(), /Source: .*Table 1, p\. 2/);
  await page.goto(url("data/households/"));
  const cells = await page.locator("table.data tbody tr").count();
  assert.equal(cells, 2, "both CSV rows are in the table");
  assert.equal(await page.locator("table.data tbody tr").nth(0).locator(".blank").count(), 1, "the empty CSV cell is a blank");

  await page.goto(url("search/?q=Riverside"));
  await page.locator("#search-results li").first().waitFor({ timeout: 10_000 });
  const rels = (await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.href))).map(relOf);
  assert.ok(rels.includes("places/riverside/"), JSON.stringify(rels));
  assert.deepEqual(errors, [], "no script errors");
  await page.close();
});
