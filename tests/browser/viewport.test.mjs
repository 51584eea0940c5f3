// Responsive layout: no horizontal page scroll on any page kind at 320, 375 and 1280 px (a wide
// table may scroll inside its own frame); the chart drawing that fits the column is the one shown.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, PAGES_OF_EVERY_KIND } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PAGES = [
  ...PAGES_OF_EVERY_KIND,
  ["chart (many rows)", "charts/workers-by-year/"],
  ["chapter with charts", "contract-work/"],
  ["search results", "search/?q=quota"],
];

for (const width of [320, 375, 1280]) {
  for (const [kind, rel] of PAGES) {
    test(`viewport ${width}px: no horizontal scroll on the ${kind} page /${rel}`, async () => {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(url(rel));
      const m = await page.evaluate(() => {
        const de = document.documentElement;
        const cw = de.clientWidth;
        // Name the widest culprits, to help whoever fixes it.
        const culprits = [];
        for (const el of document.body.querySelectorAll("*")) {
          const r = el.getBoundingClientRect();
          if (r.right > cw + 1 && r.width > 0) {
            let inScroller = false;
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
              const ox = getComputedStyle(p).overflowX;
              if (ox === "auto" || ox === "scroll" || ox === "hidden" || ox === "clip") { inScroller = true; break; }
            }
            if (!inScroller) {
              const id = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
              culprits.push(`${id} (right edge ${Math.round(r.right)}px)`);
            }
          }
        }
        return { sw: de.scrollWidth, cw, culprits: culprits.slice(0, 8) };
      });
      assert.ok(m.sw <= m.cw + 1,
        `scrollWidth ${m.sw} > clientWidth ${m.cw} + 1; overflowing: ${m.culprits.join(", ") || "(none found)"}`);
      await ctx.close();
    });
  }
}

for (const rel of ["charts/workers-by-year/", "charts/quota-growth/"]) {
  test(`viewport 375px: /${rel} shows .chart-narrow and hides .chart-wide`, async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(url(rel));
    const narrow = page.locator("main .chart-narrow svg");
    const wide = page.locator("main .chart-wide svg");
    assert.equal(await narrow.count(), 1, "the page has a .chart-narrow SVG");
    assert.equal(await wide.count(), 1, "the page has a .chart-wide SVG");
    assert.ok(await narrow.isVisible(), ".chart-narrow SVG is displayed");
    assert.equal(await wide.isVisible(), false, ".chart-wide SVG is hidden");
    assert.equal(await page.locator("main .chart-medium svg").isVisible(), false, ".chart-medium SVG is hidden");
    const box = await narrow.boundingBox();
    assert.ok(box.width > 300 && box.width <= 375, `the narrow chart fills the column (width ${box.width})`);
    await ctx.close();
  });

  test(`viewport 1280px: /${rel} shows .chart-wide and hides .chart-narrow`, async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(url(rel));
    assert.ok(await page.locator("main .chart-wide svg").isVisible(), ".chart-wide SVG is displayed");
    assert.equal(await page.locator("main .chart-narrow svg").isVisible(), false, ".chart-narrow SVG is hidden");
    await ctx.close();
  });

  test(`viewport 600px: /${rel} shows .chart-medium only`, async () => {
    const ctx = await browser.newContext({ viewport: { width: 600, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(url(rel));
    const shown = [];
    for (const cls of ["chart-wide", "chart-medium", "chart-narrow"]) {
      if (await page.locator(`main .${cls} svg`).isVisible()) shown.push(cls);
    }
    assert.deepEqual(shown, ["chart-medium"]);
    await ctx.close();
  });
}
