// Screenshots of the served site for review by eye.
//
//   node screenshots.mjs SITE_URL OUTDIR
//
// SITE_URL is the site's base URL (e.g. http://127.0.0.1:PORT/fieldbook/).
// Writes NAME-WIDTH-SCHEME.png (viewport 375 or 1280 wide, 900 high; light and
// dark through prefers-color-scheme) for home, a chapter, a dataset page, an
// entity page, search with a query and each of the six chart pages.
import fs from "node:fs";
import path from "node:path";
import { launch } from "./browser.mjs";

const [siteUrl, outDir] = process.argv.slice(2);
if (!siteUrl || !outDir) {
  console.error("usage: node screenshots.mjs SITE_URL OUTDIR");
  process.exit(2);
}
const base = siteUrl.endsWith("/") ? siteUrl : siteUrl + "/";

const CHARTS = [
  "workers-by-year",
  "quota-growth",
  "nk-share-maritime",
  "foreigners-by-nationality-2013",
  "workers-by-occupation",
  "overseas-workers-2011",
];
const SHOTS = [
  ["home", ""],
  ["chapter-since-2007", "since-2007/"],
  ["dataset-nk-share-maritime-1990-2009", "data/nk-share-maritime-1990-2009/"],
  ["entity-places-artyom", "places/artyom/"],
  ["search-artyom", "search/?q=Artyom", "#search-results li"],
  ...CHARTS.map((id) => [`chart-${id}`, `charts/${id}/`]),
];
const WIDTHS = [375, 1280];
const SCHEMES = ["light", "dark"];

fs.mkdirSync(outDir, { recursive: true });
const browser = await launch();
let n = 0;
const problems = [];
try {
  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
      for (const [name, rel, waitFor] of SHOTS) {
        const res = await page.goto(new URL(rel, base).href, { waitUntil: "networkidle" });
        if (!res || res.status() !== 200) problems.push(`${rel}: HTTP ${res ? res.status() : "no response"}`);
        if (waitFor) await page.locator(waitFor).first().waitFor({ timeout: 10_000 }).catch(() => problems.push(`${rel}: ${waitFor} never appeared`));
        const file = path.join(outDir, `${name}-${width}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: false });
        n++;
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
console.log(`wrote ${n} screenshots to ${outDir}`);
if (problems.length) {
  console.error(`problems while taking screenshots:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
