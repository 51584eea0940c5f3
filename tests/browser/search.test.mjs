// Client-side search: /search/?q=Artyom finds the place and the chapters that mention it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, relOf, readSiteFile } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Site-relative URLs of the chapters, as listed on /chapters/. */
function chapterPaths() {
  const html = readSiteFile("chapters/");
  const main = html.slice(html.indexOf("<main"), html.indexOf("</main>"));
  const out = new Set();
  for (const m of main.matchAll(/<a\b[^>]*\bhref="?([^"\s>]+)/g)) {
    const rel = relOf(m[1]);
    if (rel && /^[a-z0-9-]+\/$/.test(rel)) out.add(rel);
  }
  return out;
}

test("search: /search/?q=Artyom lists /places/artyom/ and a chapter that mentions it", async () => {
  const chapters = chapterPaths();
  assert.ok(chapters.size >= 5, `the chapters index lists the chapters (${[...chapters]})`);

  const page = await browser.newPage();
  await page.goto(url("search/?q=Artyom"));
  assert.equal(await page.locator("#q").inputValue(), "Artyom", "the query from ?q= fills the search box");
  const items = page.locator("#search-results li");
  await items.first().waitFor({ timeout: 10_000 });
  const hrefs = await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.href));
  const rels = hrefs.map(relOf);
  assert.ok(rels.includes("places/artyom/"), `results include /places/artyom/; got ${JSON.stringify(rels)}`);

  const chapterHits = rels.filter((r) => chapters.has(r));
  assert.ok(chapterHits.length >= 1, `results include at least one chapter; got ${JSON.stringify(rels)}`);
  // The chapter really mentions Artyom (not a fuzzy false positive).
  const mentions = chapterHits.filter((r) => /Artyom/.test(readSiteFile(r)));
  assert.ok(mentions.length >= 1, `a listed chapter mentions Artyom (${chapterHits})`);

  const status = (await page.locator("#search-status").textContent()).trim();
  assert.match(status, /\d+ results? for/, "the status line reports the count");

  // Every result link resolves to a built page.
  for (const r of rels) assert.ok(r !== null, "result links stay on the site");
  await page.close();
});

test("search: typing a query updates the results live", async () => {
  const page = await browser.newPage();
  await page.goto(url("search/"));
  await page.locator("#q").fill("Vladivostok");
  await page.locator("#search-results li").first().waitFor({ timeout: 10_000 });
  const rels = (await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.href))).map(relOf);
  assert.ok(rels.includes("places/vladivostok/"), `results include /places/vladivostok/; got ${JSON.stringify(rels.slice(0, 10))}`);
  await page.close();
});

test("search: result snippets quote the page's own words (no dropped link text, no words run together)", async () => {
  const page = await browser.newPage();
  await page.goto(url("search/?q=Artyom"));
  await page.locator("#search-results li").first().waitFor({ timeout: 10_000 });
  const results = await page.locator("#search-results li").evaluateAll((lis) => lis.map((li) => ({
    href: li.querySelector("a").href,
    snippet: (li.querySelector(".summary") || { textContent: "" }).textContent,
  })));
  const problems = [];
  for (const r of results.slice(0, 5)) {
    const rel = relOf(r.href);
    await page.goto(r.href);
    const words = new Set((await page.locator("main").innerText()).toLowerCase().match(/[\p{L}\p{N}]+/gu));
    const snippet = r.snippet.replace(/…/g, " ").replace(/\s+/g, " ").trim();
    const tokens = snippet.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
    // The snippet may start or end mid-word (it is cut at a character count).
    const inner = tokens.slice(1, -1);
    const foreign = inner.filter((w) => !words.has(w));
    if (foreign.length) problems.push(`/${rel}: snippet words not on the page: ${foreign.join(", ")} — "${snippet.slice(0, 200)}"`);
    const gaps = snippet.match(/\S*\s[.,;:](?=\s|$)/g);
    if (gaps) problems.push(`/${rel}: snippet has a hole where text was dropped (${gaps.map((g) => JSON.stringify(g)).join(", ")}) — "${snippet.slice(0, 200)}"`);
  }
  await page.close();
  assert.deepEqual(problems, [], `search snippets differ from the pages:\n  ${problems.join("\n  ")}`);
});
