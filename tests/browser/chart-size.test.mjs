// Chart text size as readers see it: every text element of every visible chart, on every chart
// page, every embed and a chapter, renders at 12 px or more at 320, 600 and 1280 px wide (the
// SVG's scale times its font size), as Our World in Data keeps its labels.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, url, SITE_DIR, CHART_IDS as chartIds } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const MIN_PX = 12;
// A chapter that shows charts inline (the first one found).
const chapter = fs.readdirSync(SITE_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(SITE_DIR, d.name, "index.html")))
  .map((d) => d.name).sort()
  .find((d) => /class="chart-wide"/.test(fs.readFileSync(path.join(SITE_DIR, d, "index.html"), "utf8")));

/** The rendered size of every visible chart text smaller than `min` px. */
function smallTexts(min) {
  const out = [];
  let seen = 0;
  for (const svg of document.querySelectorAll("svg.fb-chart")) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(svg).display === "none") continue;
    for (const t of svg.querySelectorAll("text")) {
      if (!t.textContent.trim()) continue;
      const ctm = t.getScreenCTM();
      if (!ctm) continue;
      seen++;
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
      if (px < min - 0.05) out.push(`"${t.textContent.trim().slice(0, 40)}" ${px.toFixed(1)}px`);
    }
  }
  return { seen, out };
}

const pages = [
  ...chartIds.map((id) => [`chart ${id}`, `charts/${id}/`]),
  ...chartIds.map((id) => [`embed ${id}`, `embed/${id}/`]),
  ...(chapter ? [[`chapter ${chapter}`, `${chapter}/`]] : []),
];

for (const width of [320, 600, 1280]) {
  for (const [name, rel] of pages) {
    test(`chart text at ${width}px: every label of the ${name} page is ${MIN_PX} px or more`, async () => {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(url(rel));
      const m = await page.evaluate(smallTexts, MIN_PX);
      await ctx.close();
      assert.ok(m.seen > 0, "the page shows a chart with text");
      assert.deepEqual(m.out.slice(0, 12), [], `${m.out.length} label(s) under ${MIN_PX} px`);
    });
  }
}
