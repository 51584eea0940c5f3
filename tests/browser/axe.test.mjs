// axe-core on one page of every kind, light and dark, at a desktop and a phone width: no
// violations of any impact (minor ones included).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { launch, url, PAGES_OF_EVERY_KIND } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function describe(v) {
  const nodes = v.nodes.map((n) => {
    const summary = (n.failureSummary || "").replace(/\s*\n\s*/g, " ");
    return `      - ${n.target.join(" ")}\n        ${n.html.slice(0, 300)}\n        ${summary}`;
  });
  return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node${v.nodes.length === 1 ? "" : "s"})\n    ${v.helpUrl}\n${nodes.join("\n")}`;
}

for (const [scheme, width] of [["light", 1280], ["dark", 1280], ["light", 375]]) {
  for (const [kind, rel] of PAGES_OF_EVERY_KIND) {
    test(`axe (${scheme}, ${width}px): no violations on the ${kind} page /${rel}`, async () => {
      const ctx = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(url(rel), { waitUntil: "networkidle" });
      if (kind === "search") {
        await page.goto(url("search/?q=Artyom"), { waitUntil: "networkidle" });
        // Check the page with its results shown; if search is broken the search tests say so.
        await page.locator("#search-results li").first().waitFor({ timeout: 5_000 }).catch(() => {});
      }
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      await ctx.close();
      const bad = result.violations;
      if (bad.length) {
        const text = bad.map(describe).join("\n");
        console.log(`axe (${scheme}, ${width}px) /${rel}: ${bad.length} violation(s)\n${text}`);
        assert.fail(`${bad.length} axe violation(s) on /${rel} (${scheme}, ${width}px):\n${text}`);
      }
    });
  }
}
