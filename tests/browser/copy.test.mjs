// Copy buttons (a progressive enhancement): every citation format and every embed code has one,
// and it puts exactly the shown text on the clipboard.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const rel of ["since-2007/", "charts/quota-growth/", "data/nk-share-maritime-1990-2009/"]) {
  test(`copy buttons on /${rel}: each citation format's button copies that citation`, async () => {
    const ctx = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await ctx.newPage();
    await page.goto(url(rel));
    await page.locator(".cite-this summary").click();
    const dds = page.locator(".cite-formats dd");
    const n = await dds.count();
    assert.ok(n >= 5, `five citation formats (${n})`);
    for (let i = 0; i < n; i++) {
      const dd = dds.nth(i);
      const button = dd.locator("button.copy-button");
      assert.equal(await button.count(), 1, `format ${i} has one copy button`);
      const expected = await dd.evaluate((el) => {
        const pre = el.querySelector("pre");
        if (pre) return pre.textContent;
        const c = el.cloneNode(true); c.querySelectorAll("button").forEach((b) => b.remove());
        return c.textContent.replace(/\s+/g, " ").trim();
      });
      await button.click();
      const got = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(got, expected, `format ${i}: the clipboard holds the citation`);
      assert.ok(expected.length > 20, "a real citation");
    }
    await ctx.close();
  });
}

test("copy button on a chart page's embed code copies the iframe snippet", async () => {
  const ctx = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await ctx.newPage();
  await page.goto(url("charts/quota-growth/"));
  await page.locator(".embed-code summary").click();
  await page.locator(".embed-code button.copy-button").click();
  const got = await page.evaluate(() => navigator.clipboard.readText());
  const code = await page.locator(".embed-code textarea").inputValue();
  assert.equal(got, code);
  assert.match(got, /^<iframe /);
  await ctx.close();
});
