// Paragraph permalinks: a #p-... fragment scrolls to and highlights its paragraph.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, parseColor } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("anchor: /dispatch-process/#<3rd paragraph id> scrolls it into view and highlights it (:target)", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(url("dispatch-process/"));
  const ids = await page.locator('p[id^="p-"]').evaluateAll((ps) => ps.map((p) => p.id));
  assert.ok(ids.length >= 3, `the chapter has at least three paragraph ids (${ids.length})`);
  const id = ids[2];

  // A fresh page that opens the URL with the fragment directly.
  const page2 = await ctx.newPage();
  await page2.goto(url(`dispatch-process/#${id}`));
  const sel = `[id="${id}"]`;
  // The :target background may fade in (CSS transition): poll until it stops changing.
  let last = null;
  for (let i = 0; i < 20; i++) {
    const bg = await page2.locator(sel).evaluate((el) => getComputedStyle(el).backgroundColor);
    if (bg === last) break;
    last = bg;
    await page2.waitForTimeout(250);
  }
  const info = await page2.evaluate((s) => {
    const el = document.querySelector(s);
    const r = el.getBoundingClientRect();
    return {
      target: el.matches(":target"),
      top: r.top, bottom: r.bottom, vh: innerHeight, scrollY,
      bg: getComputedStyle(el).backgroundColor,
      bodyBg: getComputedStyle(document.body).backgroundColor,
    };
  }, sel);
  assert.ok(info.scrollY > 0, `the page scrolled (scrollY=${info.scrollY})`);
  assert.ok(info.top >= 0 && info.top < info.vh, `the paragraph's top is in the viewport (top=${info.top}, height=${info.vh})`);
  assert.ok(info.target, "the paragraph matches :target");
  const [r, g, b, a] = parseColor(info.bg);
  assert.ok(a > 0, `the target paragraph has a background (got ${info.bg})`);
  assert.notDeepEqual([r, g, b], parseColor(info.bodyBg).slice(0, 3),
    `the highlight (${info.bg}) differs from the body background (${info.bodyBg})`);
  await ctx.close();
});
