// Client-side search: /search/?q=Artyom finds the place and the chapters that mention it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import zlib from "node:zlib";
import { launch, url, relOf, readSiteFile, fileOf } from "./lib.mjs";

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

/** Site-relative URLs indexed in search shard `i` (pagefind/i/), read from its gzipped fragments. */
function shardUrls(i) {
  const dir = fileOf(`pagefind/${i}/fragment/`).replace(/index\.html$/, "");
  return new Set(fs.readdirSync(dir).map((f) => {
    const text = zlib.gunzipSync(fs.readFileSync(`${dir}/${f}`)).toString("utf8").replace(/^pagefind_dcd/, "");
    return relOf(JSON.parse(text).url);
  }));
}

test("search: results come from every shard of the index, merged", async () => {
  const shards = Number(/data-shards="?(\d+)/.exec(readSiteFile("search/"))[1]);
  assert.ok(shards >= 2, `the repo's site is indexed in at least two shards (got ${shards}), so merging is tested`);
  const page = await browser.newPage();
  for (let i = 1; i < shards; i++) {
    const urls = shardUrls(i);
    // A result that only shard i holds: search for its page's title.
    const rel = [...urls].sort()[0];
    const title = (/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(readSiteFile(rel)) || [])[1].replace(/<[^>]+>/g, "").trim();
    await page.goto(url(`search/?q=${encodeURIComponent(title)}`));
    await page.locator("#search-results li").first().waitFor({ timeout: 10_000 });
    const rels = (await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.href))).map(relOf);
    assert.ok(rels.includes(rel), `searching "${title}" finds /${rel} from shard ${i}; got ${JSON.stringify(rels.slice(0, 10))}`);
  }
  await page.close();
});
