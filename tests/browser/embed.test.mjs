// Embeds as a host page shows them: the chart page's own embed code, pasted into a page whose
// column is 680 px (the width the code is sized for), shows the whole embed (chart, source line,
// licence) without scrolling, even with the code's script removed; with the script, the iframe
// takes the height of its content at a phone's width too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, CHART_IDS } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function snippet(id) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(url(`charts/${id}/`));
  const code = await page.locator(".embed-code textarea").inputValue();
  await ctx.close();
  // The code points at the published address; here the site is served locally.
  return code.replace(/src="[^"]*?\/embed\//, `src="${url("embed/")}`);
}

/** A host page with `code` in a column `width` px wide; the iframe's height and what shows in it. */
async function host(code, width) {
  const ctx = await browser.newContext({ viewport: { width: width + 40, height: 900 } });
  const page = await ctx.newPage();
  await page.setContent(`<!DOCTYPE html><html><body style="margin:20px"><div style="width:${width}px">${code}</div></body></html>`);
  const frameEl = page.locator("iframe");
  await frameEl.scrollIntoViewIfNeeded();
  const frame = await (await frameEl.elementHandle()).contentFrame();
  await frame.waitForLoadState("load");
  await page.waitForTimeout(300);
  const height = await frameEl.evaluate((f) => f.getBoundingClientRect().height);
  const inside = await frame.evaluate(() => {
    const s = document.querySelector(".source-line");
    const svg = [...document.querySelectorAll("svg.fb-chart")].find((x) => x.getBoundingClientRect().width > 0);
    return {
      sourceBottom: s.getBoundingClientRect().bottom,
      sourceText: s.textContent,
      svgBottom: svg.getBoundingClientRect().bottom,
      scroll: document.documentElement.scrollHeight,
      client: document.documentElement.clientHeight,
    };
  });
  await ctx.close();
  return { height, ...inside };
}

for (const id of CHART_IDS) {
  test(`embed of ${id}: at the code's own size the chart and its source line show in full`, async () => {
    const code = (await snippet(id)).replace(/<script>[\s\S]*<\/script>/, "");
    const m = await host(code, 680);
    assert.ok(m.svgBottom <= m.height, `the chart ends at ${m.svgBottom}px in a ${m.height}px iframe`);
    assert.ok(m.sourceBottom <= m.height, `the source line ends at ${m.sourceBottom}px in a ${m.height}px iframe`);
    assert.ok(m.scroll <= m.client + 1, `no scrolling inside the embed (${m.scroll} > ${m.client})`);
    assert.match(m.sourceText, /\S/);
  });
}

test("embed code's script: at a phone's width the iframe grows to its content", async () => {
  const code = await snippet(CHART_IDS[0]);
  const m = await host(code, 335);
  assert.ok(m.sourceBottom <= m.height + 1, `the source line ends at ${m.sourceBottom}px in a ${m.height}px iframe`);
  assert.ok(m.scroll <= m.client + 1, `no scrolling inside the embed (${m.scroll} > ${m.client})`);
});
