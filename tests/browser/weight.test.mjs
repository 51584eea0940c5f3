// Page weight: gzip size of the HTML + CSS + JS a page loads, without inline chart SVG, under 60 KB.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import fs from "node:fs";
import { launch, url, relOf, fileOf } from "./lib.mjs";

const LIMIT = 60 * 1024;
const PAGES = [
  ["home", ""],
  ["chapter", "since-2007/"],
  ["chart", "charts/workers-by-year/"],
  ["dataset", "data/nk-share-maritime-1990-2009/"],
];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Drop inline chart SVGs (the <svg> elements the chart renderer writes, class fb-chart or role=img). */
export function stripChartSvg(html) {
  return html.replace(/<svg\b([^>]*)>[\s\S]*?<\/svg>/g, (whole, attrs) =>
    /fb-chart|role="?img/.test(attrs) ? "" : whole);
}

const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

for (const [kind, rel] of PAGES) {
  test(`page weight: the ${kind} page /${rel} loads under 60 KB gzip of HTML+CSS+JS (chart SVG excluded)`, async () => {
    // Ask the browser which documents, stylesheets and scripts the page really loads.
    const page = await browser.newPage();
    const loaded = new Map();
    page.on("request", (req) => {
      const t = req.resourceType();
      if (t === "document" || t === "stylesheet" || t === "script") loaded.set(req.url(), t);
    });
    await page.goto(url(rel), { waitUntil: "networkidle" });
    await page.close();

    const parts = [];
    for (const [u, type] of loaded) {
      const r = relOf(u);
      assert.ok(r !== null, `${type} ${u} is served from the site`);
      const file = fileOf(r);
      let buf = fs.readFileSync(file);
      let raw = buf.length;
      if (type === "document") buf = Buffer.from(stripChartSvg(buf.toString("utf8")));
      parts.push({ what: `${type} /${r}`, raw, kept: buf.length, gzip: gz(buf) });
    }
    assert.ok(parts.some((p) => p.what.startsWith("document")), "the page's HTML was loaded");
    assert.ok(parts.some((p) => p.what.startsWith("stylesheet")), "a stylesheet was loaded");
    const total = parts.reduce((s, p) => s + p.gzip, 0);
    const table = parts.map((p) => `${p.what}: ${p.raw} B raw, ${p.kept} B counted, ${p.gzip} B gzip`).join("\n  ");
    console.log(`weight /${rel}: ${(total / 1024).toFixed(1)} KB gzip\n  ${table}`);
    assert.ok(total < LIMIT, `/${rel}: ${(total / 1024).toFixed(1)} KB gzip >= 60 KB:\n  ${table}`);
  });
}

test("page weight: stripping chart SVG removes the chart but keeps the rest", () => {
  const html = fs.readFileSync(fileOf("charts/workers-by-year/"), "utf8");
  const stripped = stripChartSvg(html);
  const svgBytes = (html.match(/<svg\b[^>]*fb-chart[^>]*>[\s\S]*?<\/svg>/g) || []).reduce((n, s) => n + s.length, 0);
  assert.ok(svgBytes > 5000, `the chart page holds inline chart SVG (${svgBytes} bytes)`);
  assert.equal(html.length - stripped.length, svgBytes, "exactly the chart SVG markup is removed");
  assert.ok(!/<svg[^>]*fb-chart/.test(stripped), "no chart SVG is left");
  assert.ok(stripped.includes("<table") && stripped.includes("</html>"), "the table and the rest of the page are kept");
});
