// A reader's path through the site: home -> chapter -> entity -> source -> back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, relOf } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("flow: home -> chapter -> entity (a.ref-place) -> source -> back returns to the entity", async () => {
  const page = await browser.newPage();
  await page.goto(url(""));
  assert.equal(relOf(page.url()), "", "starts on the home page");

  // Home -> the chapter, by clicking its link in the main content.
  const chapterLink = page.locator('main a[href$="/since-2007/"]').first();
  assert.equal(await chapterLink.count(), 1, "home links to the chapter /since-2007/");
  await Promise.all([page.waitForURL((u) => relOf(u.href) === "since-2007/"), chapterLink.click()]);
  const chapterH1 = (await page.locator("main h1").first().textContent()).trim();
  assert.match(chapterH1, /Since 2007/, "the chapter page shows its title");

  // Chapter -> an entity, through the first cross-reference to a place.
  const place = page.locator("main a.ref-place").first();
  assert.ok(await place.count() > 0, "the chapter has at least one a.ref-place");
  const placeHref = await place.getAttribute("href");
  const placeRel = relOf(new URL(placeHref, page.url()).href);
  assert.match(placeRel || "", /^places\/[^/]+\/$/, `a.ref-place points at a place page, got ${placeHref}`);
  await Promise.all([page.waitForURL((u) => relOf(u.href) === placeRel), place.click()]);
  const entityUrl = page.url();
  const entityH1 = (await page.locator("main h1").first().textContent()).trim();
  assert.ok(entityH1.length > 0, "the entity page has an h1");
  assert.equal(await page.locator("main article.entity").count(), 1, "the entity page renders article.entity");

  // Entity -> the source page it cites.
  const source = page.locator('main a[href$="/sources/kinu2016/"]').first();
  assert.ok(await source.count() > 0, `the entity page ${placeRel} links to /sources/kinu2016/`);
  await Promise.all([page.waitForURL((u) => relOf(u.href) === "sources/kinu2016/"), source.click()]);
  const sourceH1 = (await page.locator("main h1").first().textContent()).trim();
  assert.match(sourceH1, /Reality and Human Rights of North Korean Workers/, "the source page shows the report's title");

  // Back (history) -> the entity again.
  await page.goBack();
  assert.equal(page.url(), entityUrl, "history back returns to the entity URL");
  assert.equal((await page.locator("main h1").first().textContent()).trim(), entityH1, "and shows the entity again");
  await page.close();
});
