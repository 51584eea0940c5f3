// Chart SVG text on every chart page, wide (1280px), medium (600px) and narrow (375px), light and dark:
// labels stay inside the chart, do not overlap, the title and subtitle are complete,
// and text keeps 4.5:1 contrast with the chart background.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, luminance, CHART_IDS } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const VARIANTS = [[1280, "chart-wide"], [600, "chart-medium"], [375, "chart-narrow"]];
const norm = (s) => s.replace(/\s+/g, " ").trim();

/** Text boxes (page px, relative to the SVG) and colours of the visible chart variant. */
function measure(cls) {
  const svg = document.querySelector(`main .${cls} svg`);
  if (!svg) return null;
  const sb = svg.getBoundingClientRect();
  const bgEl = svg.querySelector(".fb-bg");
  const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim() !== "").map((t) => {
    const r = t.getBoundingClientRect();
    return { text: t.textContent, x0: r.left - sb.left, y0: r.top - sb.top, x1: r.right - sb.left, y1: r.bottom - sb.top, fill: getComputedStyle(t).fill };
  });
  return {
    w: sb.width, h: sb.height, texts,
    bg: bgEl ? getComputedStyle(bgEl).fill : null,
    h1: document.querySelector("main h1").textContent,
    lede: (document.querySelector("main .lede") || { textContent: "" }).textContent,
    source: (document.querySelector("main figure.chart figcaption .source-line") || { textContent: "" }).textContent,
  };
}

for (const id of CHART_IDS) {
  for (const [width, cls] of VARIANTS) {
    test(`chart text: /charts/${id}/ ${cls} at ${width}px keeps every label inside the chart, none overlapping`, async () => {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(url(`charts/${id}/`));
      const m = await page.evaluate(measure, cls);
      await ctx.close();
      assert.ok(m, `.${cls} svg exists`);
      assert.ok(m.texts.length > 5, `the chart has text labels (${m.texts.length})`);
      const out = m.texts.filter((t) => t.x0 < -1 || t.y0 < -1 || t.x1 > m.w + 1 || t.y1 > m.h + 1)
        .map((t) => `"${t.text}" spans x ${t.x0.toFixed(0)}..${t.x1.toFixed(0)}, y ${t.y0.toFixed(0)}..${t.y1.toFixed(0)} in a ${m.w.toFixed(0)}x${m.h.toFixed(0)} chart`);
      const overlaps = [];
      for (let i = 0; i < m.texts.length; i++) {
        for (let j = i + 1; j < m.texts.length; j++) {
          const a = m.texts[i], b = m.texts[j];
          const ix = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
          const iy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
          if (ix > 1 && iy > 1) overlaps.push(`"${a.text}" and "${b.text}" overlap by ${ix.toFixed(0)}x${iy.toFixed(0)}px`);
        }
      }
      assert.deepEqual(out, [], `text cut off at the chart's edge:\n  ${out.join("\n  ")}`);
      assert.deepEqual(overlaps, [], `overlapping labels:\n  ${overlaps.join("\n  ")}`);
    });

    test(`chart text: /charts/${id}/ ${cls} at ${width}px shows the whole title, subtitle and source line`, async () => {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(url(`charts/${id}/`));
      const m = await page.evaluate(measure, cls);
      await ctx.close();
      const all = norm(m.texts.map((t) => t.text).join(" "));
      const shown = (prefix) => m.texts.map((t) => norm(t.text)).filter((t) => !prefix || t.startsWith(prefix));
      assert.ok(norm(m.h1) && norm(m.source), "the page has an h1 and a figcaption .source-line to compare with");
      const missing = [];
      if (!all.includes(norm(m.h1))) missing.push(`title: want "${norm(m.h1)}", the chart shows "${shown()[0]}"`);
      if (norm(m.lede) && !all.includes(norm(m.lede))) missing.push(`subtitle: want "${norm(m.lede)}", the chart shows "${shown()[1]}"`);
      if (!all.includes(norm(m.source))) missing.push(`source line: want "${norm(m.source)}", the chart shows "${shown("Source:").join(" ")}"`);
      assert.deepEqual(missing, [], `chart text cut short:\n  ${missing.join("\n  ")}`);
    });
  }

  for (const scheme of ["light", "dark"]) {
    test(`chart text: /charts/${id}/ (${scheme}) text has 4.5:1 contrast with the chart background`, async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(url(`charts/${id}/`));
      const m = await page.evaluate(measure, "chart-wide");
      await ctx.close();
      assert.ok(m.bg, "the chart has a .fb-bg background");
      const lb = luminance(m.bg);
      if (scheme === "dark") assert.ok(lb < 0.2, `the chart background is dark in the dark scheme (${m.bg})`);
      else assert.ok(lb > 0.8, `the chart background is light in the light scheme (${m.bg})`);
      const low = [];
      for (const t of m.texts) {
        const lf = luminance(t.fill);
        const ratio = (Math.max(lb, lf) + 0.05) / (Math.min(lb, lf) + 0.05);
        if (ratio < 4.5) low.push(`"${t.text}" ${t.fill} on ${m.bg}: ${ratio.toFixed(2)}:1`);
      }
      assert.deepEqual(low, [], `low-contrast chart text:\n  ${low.join("\n  ")}`);
    });
  }
}
