// Lighthouse (its npm package, mobile preset with its default throttling) against Debian's
// Chromium on the home, chapter, chart, dataset and search pages: 100 in accessibility, best
// practices and SEO, 95 or more in performance.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { url, CHROMIUM, CHROMIUM_ARGS } from "./lib.mjs";

let chrome;
before(async () => {
  chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ["--headless=new", ...CHROMIUM_ARGS],
  });
});
after(async () => { await chrome?.kill(); });

const PAGES = [
  ["home", ""],
  ["chapter", "since-2007/"],
  ["chart", "charts/quota-growth/"],
  ["dataset", "data/nk-share-maritime-1990-2009/"],
  ["search", "search/"],
];
const FLOOR = { accessibility: 100, "best-practices": 100, seo: 100, performance: 95 };

for (const [kind, rel] of PAGES) {
  test(`lighthouse (mobile): the ${kind} page /${rel} scores ${JSON.stringify(FLOOR)}`, async () => {
    const result = await lighthouse(url(rel), {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: Object.keys(FLOOR),
    });
    const lhr = result.lhr;
    const scores = Object.fromEntries(Object.keys(FLOOR).map((k) => [k, Math.round(lhr.categories[k].score * 100)]));
    console.log(`lighthouse /${rel}: ${JSON.stringify(scores)}`);
    const low = Object.entries(FLOOR).filter(([k, min]) => scores[k] < min);
    const failing = low.flatMap(([k]) => lhr.categories[k].auditRefs
      .map((r) => lhr.audits[r.id])
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual")
      .map((a) => `${k}: ${a.id} (${a.score}) ${a.displayValue || ""}`));
    assert.deepEqual(low.map(([k]) => `${k} ${scores[k]}`), [], `below the floor; audits not passed:\n  ${failing.join("\n  ")}`);
  });
}
