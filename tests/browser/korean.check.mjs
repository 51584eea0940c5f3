// The Korean fixture site (built by tests/korean.rs into target/tmp/korean-site/public) in
// Chromium: its interface is Korean, a Hangul anchor scrolls to its heading, and search finds
// native spellings: a Hangul word of a page and a Cyrillic name of a place. Run only on that site:
//   tests/browser/run.sh target/tmp/korean-site/public korean.check.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, relOf } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function search(q) {
  const page = await browser.newPage();
  await page.goto(url("search/?q=" + encodeURIComponent(q)));
  await page.locator("#search-results li").first().waitFor({ timeout: 10_000 });
  const rels = (await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.href))).map(relOf);
  const status = (await page.locator("#search-status").textContent()).trim();
  await page.close();
  return { rels, status };
}

test("korean: the interface is Korean and a Hangul anchor lands on its heading", async () => {
  const page = await browser.newPage();
  await page.goto(url("first/#" + encodeURIComponent("가구-수의-변화")));
  assert.equal(await page.locator("html").getAttribute("lang"), "ko");
  assert.equal((await page.locator("a.skip").textContent()).trim(), "본문으로 건너뛰기");
  const heading = page.locator("h2", { hasText: "가구 수의 변화" });
  await heading.waitFor();
  const top = await heading.evaluate((h) => h.getBoundingClientRect().top);
  assert.ok(top >= -2 && top < 200, `the heading is at the top of the window (${top})`);
  await page.close();
});

test("korean: search finds a Hangul word and a Cyrillic name", async () => {
  const hangul = await search("조사원은");
  assert.ok(hangul.rels.includes("first/"), `조사원은 -> ${JSON.stringify(hangul.rels)}`);
  assert.match(hangul.status, /검색 결과 \d+건/, "the status line is Korean");
  const cyrillic = await search("Прибрежное");
  assert.ok(cyrillic.rels.includes("places/haean/"), `Прибрежное -> ${JSON.stringify(cyrillic.rels)}`);
});
