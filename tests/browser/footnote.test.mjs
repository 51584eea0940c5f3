// Citations and footnotes are readable without losing the place: a reference opens beside the text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("citation: clicking a citation shows the full reference in place, without scrolling; Escape closes it", async () => {
  const rel = "since-2007/";
  const ctx = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(url(rel));
  const ref = page.locator(".citation a[href^='#ref-']").nth(2);
  await ref.scrollIntoViewIfNeeded();
  const before = await page.evaluate(() => scrollY);
  await ref.click();
  const pop = page.locator(".fn-popover");
  await pop.waitFor({ state: "visible", timeout: 2000 });
  const noteId = (await ref.getAttribute("href")).slice(1);
  const noteText = (await page.locator(`[id="${noteId}"]`).innerText()).replace("Source page", "").trim();
  assert.ok(noteText.length > 0);
  assert.ok((await pop.innerText()).includes(noteText.slice(0, 30)), "the popover holds the note's text");
  // The note opens after the sentence that cites it, not inside it.
  const beforePop = await pop.evaluate((el) => (el.previousSibling ? el.previousSibling.textContent : ""));
  assert.match(beforePop.trimEnd(), /[.!?]["'\u201d\u2019)\]]*$/, `the sentence ends before the note: ${beforePop}`);
  assert.equal(await page.evaluate(() => scrollY), before, "the reader stays in place");
  assert.equal(await ref.getAttribute("aria-expanded"), "true");
  await page.keyboard.press("Escape");
  assert.equal(await pop.count(), 0, "Escape closes the note");
  await ctx.close();
});
