// Chart pages: an accessible inline SVG and the data table behind it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("chart page /charts/workers-by-year/ has an accessible SVG and a captioned data table", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url("charts/workers-by-year/"));

  const svgs = page.locator('main figure.chart svg[role="img"]');
  assert.ok(await svgs.count() >= 1, 'the chart figure holds an inline <svg role="img">');
  const visible = page.locator('main figure.chart svg[role="img"]:visible');
  assert.ok(await visible.count() >= 1, "at least one chart SVG is visible");

  for (let i = 0; i < await svgs.count(); i++) {
    const info = await svgs.nth(i).evaluate((svg) => {
      const title = svg.querySelector(":scope > title");
      const desc = svg.querySelector(":scope > desc");
      const ids = (svg.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      return {
        cls: svg.getAttribute("class"),
        title: title ? title.textContent.trim() : null,
        desc: desc ? desc.textContent.trim() : null,
        labelledby: ids.map((id) => { const el = document.getElementById(id); return el ? el.tagName.toLowerCase() : null; }),
        box: svg.getBoundingClientRect().toJSON(),
      };
    });
    assert.ok(info.title, `SVG ${info.cls}: non-empty <title> as first-level child`);
    assert.ok(info.desc, `SVG ${info.cls}: non-empty <desc> as first-level child`);
    assert.ok(info.desc.length > 40, `SVG ${info.cls}: <desc> says more than a few words (${info.desc.length} chars)`);
    assert.ok(!info.labelledby.includes(null), `SVG ${info.cls}: every aria-labelledby id exists (${info.labelledby})`);
  }
  const box = await visible.first().boundingBox();
  assert.ok(box && box.width > 300 && box.height > 150, `the visible chart is drawn at a real size (${JSON.stringify(box)})`);

  const table = page.locator("main table").first();
  assert.equal(await page.locator("main table").count() >= 1, true, "the page has a data table");
  const t = await table.evaluate((tb) => ({
    caption: tb.caption ? tb.caption.textContent.trim() : "",
    ths: tb.querySelectorAll("th").length,
    scoped: tb.querySelectorAll("th[scope]").length,
    colScoped: tb.querySelectorAll("thead th[scope=col]").length,
    rows: tb.tBodies[0] ? tb.tBodies[0].rows.length : 0,
  }));
  assert.ok(t.caption.length > 0, "the data table has a non-empty <caption>");
  assert.ok(t.scoped > 0, "the data table has th[scope]");
  assert.equal(t.scoped, t.ths, `every <th> has a scope (${t.scoped} of ${t.ths})`);
  assert.ok(t.colScoped > 0, "column headers use scope=col");
  assert.ok(t.rows >= 5, `the table has the data rows (${t.rows})`);
  await page.close();
});

test("JavaScript disabled: a chapter renders fully", async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(url("since-2007/"));
  const h1 = page.locator("main h1");
  assert.ok(await h1.isVisible(), "the chapter title is visible");
  const prose = page.locator("main .prose");
  assert.ok(await prose.isVisible(), "the chapter text (.prose) is visible");
  const text = await prose.innerText();
  assert.ok(text.length > 2000, `the chapter text is all there (${text.length} chars)`);
  const paras = page.locator('main .prose p[id^="p-"]');
  assert.ok(await paras.count() >= 5, "the chapter paragraphs are present");
  assert.ok(await paras.last().isVisible(), "the last paragraph is visible, not collapsed");
  // A control that needs JS must not be offered without it.
  assert.equal(await page.locator(".theme-toggle").isVisible(), false, "the theme toggle stays hidden without JS");
  await ctx.close();
});

for (const width of [1280, 375]) {
  test(`JavaScript disabled: a chart page renders its SVG and table at ${width}px`, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(url("charts/quota-growth/"));
    assert.ok(await page.locator("main h1").isVisible(), "the chart title is visible");
    const svg = page.locator('main figure.chart svg[role="img"]:visible');
    assert.equal(await svg.count(), 1, "exactly one chart SVG is visible");
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 200 && box.height > 150, `the chart is drawn at a real size (${JSON.stringify(box)})`);
    const marks = await svg.evaluate((s) => s.querySelectorAll("rect, path, polyline, polygon, circle, line").length);
    assert.ok(marks > 10, `the SVG has its marks (${marks} shapes)`);
    const table = page.locator("main table").first();
    assert.ok(await table.count() === 1 && await table.isVisible(), "the data table is visible");
    await ctx.close();
  });
}
