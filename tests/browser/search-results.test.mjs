// Search results stay as they are (issue 21): a fixed list of queries typed into the built site's
// /search/ page, in Chromium, through Pagefind's own client and the theme's shard merging
// (static/site.js). For each query, the number of results and the addresses listed (the first 50,
// in order) must equal search-results.json, so a change to how the index is built (records,
// shards, Pagefind's patch or version) that changes what a reader finds fails here.
//
// After a deliberate change (the site's content, or an indexing change whose new results were
// reviewed), write the file again and commit it with the change:
//   UPDATE_SEARCH_RESULTS=1 tests/browser/run.sh /tmp/site search-results.test.mjs
// then read `git diff tests/browser/search-results.json`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, url, relOf, HERE } from "./lib.mjs";

const EXPECTED = path.join(HERE, "search-results.json");

/** Names, words, phrases, a number, a prefix, a misspelling and a query with no result. */
const QUERIES = [
  "Artyom",
  "Vladivostok",
  "Khabarovsk",
  "planned quota",
  "wages",
  "unpaid wages",
  "remittance",
  "human rights",
  "contract work",
  "interpreter",
  "sanctions",
  "construction",
  "2014",
  "surveil",
  "dispach",
  "zzqxv",
];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** What /search/?q= lists for a query: the count in its status line and the addresses in order. */
async function resultsOf(page, q) {
  await page.goto(url(`search/?q=${encodeURIComponent(q)}`));
  await page.waitForFunction(() => document.getElementById("search-status").textContent.trim() !== "",
    null, { timeout: 15_000 });
  const status = (await page.locator("#search-status").textContent()).trim();
  // The count is the number in the status line once the query itself is taken out ("2014").
  const count = /\d+/.exec(status.replace(q, ""));
  assert.ok(count, `the status line gives a count for "${q}": "${status}"`);
  const urls = (await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.href))).map(relOf);
  return { q, count: Number(count[0]), urls };
}

test("search: the fixed queries give the results recorded in search-results.json", async () => {
  const page = await browser.newPage();
  const got = [];
  for (const q of QUERIES) got.push(await resultsOf(page, q));
  await page.close();
  if (process.env.UPDATE_SEARCH_RESULTS) {
    fs.writeFileSync(EXPECTED, JSON.stringify({ queries: got }, null, 2) + "\n");
    console.log(`# wrote ${EXPECTED}: ${got.length} queries`);
    return;
  }
  assert.ok(fs.existsSync(EXPECTED), `${EXPECTED} is missing: write it with UPDATE_SEARCH_RESULTS=1`);
  const expected = JSON.parse(fs.readFileSync(EXPECTED, "utf8")).queries;
  assert.deepEqual(got.map((r) => r.q), expected.map((r) => r.q),
    "the queries are those of search-results.json (write it again after changing the list)");
  const changed = got.filter((r, i) => JSON.stringify(r) !== JSON.stringify(expected[i]));
  assert.deepEqual(changed.map((r) => r.q), [], "search results changed:\n" + changed.map((r) => {
    const e = expected.find((x) => x.q === r.q);
    return `  "${r.q}": ${e.count} -> ${r.count} results\n    expected ${JSON.stringify(e.urls)}\n    got      ${JSON.stringify(r.urls)}`;
  }).join("\n"));
  // Every query but the last finds something, so the comparison is not of empty lists.
  assert.ok(got.slice(0, -1).every((r) => r.urls.length > 0), "each query but the last has results");
});
