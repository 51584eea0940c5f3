// Screenshots of the served site for review by eye.
//
//   node screenshots.mjs SITE_URL OUTDIR [SITE_DIR]
//
// SITE_URL is the site's base URL (e.g. http://127.0.0.1:PORT/fieldbook/).
// Writes KIND-WIDTH-SCHEME.png (viewport 375, 768 or 1280 wide, 900 high; light and dark through
// prefers-color-scheme) for one page of every kind and every chart page (the charts found in
// SITE_DIR/charts/), and prints a chapter and a chart page to PDF (A4, the print stylesheet),
// each PDF page then rasterized to print-NAME-N.png with pdftoppm (poppler-utils).
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { launch } from "./browser.mjs";

const [siteUrl, outDir, siteDir] = process.argv.slice(2);
if (!siteUrl || !outDir) {
  console.error("usage: node screenshots.mjs SITE_URL OUTDIR [SITE_DIR]");
  process.exit(2);
}
const base = siteUrl.endsWith("/") ? siteUrl : siteUrl + "/";

const CHARTS = siteDir
  ? fs.readdirSync(path.join(siteDir, "charts"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  : ["quota-growth"];
const SHOTS = [
  ["home", ""],
  ["chapters-index", "chapters/"],
  ["chapter-since-2007", "since-2007/"],
  ["entity-places-artyom", "places/artyom/"],
  ["entity-organizations-genco", "organizations/genco/"],
  ["entity-glossary-planned-quota", "glossary/planned-quota/"],
  ["dataset-nk-share-maritime-1990-2009", "data/nk-share-maritime-1990-2009/"],
  ["source-kinu2016", "sources/kinu2016/"],
  ["figures-index", "figures/"],
  ["figure-quota-2014", "figures/quota-2014/"],
  ["timeline", "timeline/"],
  ["search-artyom", "search/?q=Artyom", "#search-results li"],
  ["embed-quota-growth", "embed/quota-growth/"],
  ["not-found", "404.html"],
  ["print-edition", "print/"],
  ...CHARTS.map((id) => [`chart-${id}`, `charts/${id}/`]),
];
const PRINTS = [["chapter-since-2007", "since-2007/"], ["chart-quota-growth", "charts/quota-growth/"]];
const WIDTHS = [375, 768, 1280];
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
        const wanted = rel.endsWith("404.html") ? 404 : 200;
        if (!res || (res.status() !== 200 && res.status() !== wanted)) problems.push(`${rel}: HTTP ${res ? res.status() : "no response"}`);
        if (waitFor) await page.locator(waitFor).first().waitFor({ timeout: 10_000 }).catch(() => problems.push(`${rel}: ${waitFor} never appeared`));
        const file = path.join(outDir, `${name}-${width}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: false });
        n++;
      }
      await ctx.close();
    }
  }
  for (const [name, rel] of PRINTS) {
    const ctx = await browser.newContext({ colorScheme: "light" });
    const page = await ctx.newPage();
    await page.goto(new URL(rel, base).href, { waitUntil: "networkidle" });
    const pdf = path.join(outDir, `print-${name}.pdf`);
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    await ctx.close();
    for (const f of fs.readdirSync(outDir).filter((f) => f.startsWith(`print-${name}-`) && f.endsWith(".png"))) {
      fs.unlinkSync(path.join(outDir, f));
    }
    execFileSync("pdftoppm", ["-png", "-r", "60", pdf, path.join(outDir, `print-${name}`)]);
    fs.unlinkSync(pdf);
    n++;
  }
} finally {
  await browser.close();
}
console.log(`wrote ${n} screenshots to ${outDir}`);
if (problems.length) {
  console.error(`problems while taking screenshots:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
