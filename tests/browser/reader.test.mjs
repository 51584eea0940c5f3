// The reader's edition (issue 20): tables that read at every width and on paper, sortable
// tables, chart tooltips on hover and keyboard, key figures as one strip, and entities linked at
// their first mention in a section.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, url, SITE_DIR, CHART_IDS } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Every data table of the site with detail columns: the dataset and chart pages holding one. */
function pagesWithDetailColumns() {
  const out = [];
  for (const dir of ["data", "charts"]) {
    for (const d of fs.readdirSync(path.join(SITE_DIR, dir), { withFileTypes: true })) {
      const file = path.join(SITE_DIR, dir, d.name, "index.html");
      if (d.isDirectory() && fs.existsSync(file) && fs.readFileSync(file, "utf8").includes('class="show-all"')) {
        out.push(`${dir}/${d.name}/`);
      }
    }
  }
  return out.sort();
}

test("wide tables: a reader table, every column behind a switch, the caption outside the scroller", async () => {
  const pages = pagesWithDetailColumns();
  assert.ok(pages.length >= 4, `some tables have detail columns (${pages})`);
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  for (const rel of pages) {
    await page.goto(url(rel));
    const table = page.locator("main .data-table").first();
    const caption = table.locator(".table-caption");
    assert.equal(await caption.evaluate((c) => !!c.closest(".table-wrap")), false, `${rel}: caption outside the scroller`);
    const count = (sel) => table.locator(sel).evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).length);
    const allHeads = await table.locator("thead th").count();
    const shownBefore = await count("thead th");
    assert.ok(shownBefore > 0 && shownBefore < allHeads, `${rel}: the reader table shows ${shownBefore} of ${allHeads} columns`);
    const label = await table.locator(".table-toggle label").innerText();
    assert.match(label, new RegExp(String(allHeads)), `${rel}: the switch says how many columns there are`);
    await table.locator(".table-toggle label").click();
    assert.equal(await count("thead th"), allHeads, `${rel}: the switch shows every column`);
    await table.locator(".table-toggle label").click();
    assert.equal(await count("thead th"), shownBefore, `${rel}: and hides them again`);
  }
  await page.close();
});

test("wide tables in print: the reader columns, and a line saying where the others are", async () => {
  const [rel] = pagesWithDetailColumns();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.emulateMedia({ media: "print" });
  await page.goto(url(rel));
  const note = page.locator("main .data-table .print-note").first();
  assert.ok(await note.isVisible(), `${rel}: the print note is printed`);
  const text = await note.innerText();
  assert.match(text, /\.csv/, `${rel}: the note names the CSV (${text})`);
  const hidden = await page.locator("main .data-table thead th.detail").first().isVisible();
  assert.equal(hidden, false, `${rel}: detail columns are not printed by default`);
  await page.emulateMedia({ media: "screen" });
  assert.equal(await note.isVisible(), false, `${rel}: the print note is for paper only`);
  await page.close();
});

test("data tables sort by a column, numbers by value, both ways, with aria-sort", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url("data/nk-share-maritime-1990-2009/"));
  const table = page.locator("main table.data").first();
  const col = 2; // North Korean workers
  const values = () => table.locator("tbody tr").evaluateAll((rows, c) => rows.map((r) => Number(r.cells[c].getAttribute("data-v"))), col);
  const original = await values();
  const head = table.locator("thead th").nth(col);
  await head.locator("button").click();
  assert.equal(await head.getAttribute("aria-sort"), "ascending");
  assert.deepEqual(await values(), [...original].sort((a, b) => a - b), "ascending by value");
  await head.locator("button").press("Enter");
  assert.equal(await head.getAttribute("aria-sort"), "descending");
  assert.deepEqual(await values(), [...original].sort((a, b) => b - a), "descending by value");
  await page.close();
});

test("every data mark of every chart carries a tooltip; hover and keyboard show it", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const id of CHART_IDS) {
    await page.goto(url(`charts/${id}/`));
    const svg = page.locator("main figure.chart svg.fb-chart:visible").first();
    const marks = svg.locator(".fb-mark");
    const n = await marks.count();
    assert.ok(n > 0, `${id}: marks drawn`);
    const tips = await marks.evaluateAll((ms) => ms.map((m) => m.getAttribute("data-tip")));
    assert.ok(tips.every((t) => t && t.split("\n").length === 3), `${id}: every mark has a three-line tip`);
    assert.ok(tips.every((t) => /\d/.test(t.split("\n")[1])), `${id}: the second line holds the value`);
    // Hover the largest mark (a stack can hold a bar too thin to point at; the keyboard reaches it).
    const areas = await marks.evaluateAll((ms) => ms.map((m) => { const b = m.getBoundingClientRect(); return b.width * b.height; }));
    const big = areas.indexOf(Math.max(...areas));
    await marks.nth(big).hover();
    const tip = page.locator(".chart-tip");
    assert.ok(await tip.isVisible(), `${id}: hover shows the tip`);
    assert.equal(await tip.innerText(), tips[big], `${id}: the hovered mark's text`);
    const box = await tip.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 1280, `${id}: the tip stays on screen`);
    await page.mouse.move(0, 0);
    await svg.focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(await tip.innerText(), tips[0], `${id}: the arrow key reaches the first mark`);
    await page.keyboard.press("End");
    assert.equal(await tip.innerText(), tips[n - 1], `${id}: End reaches the last mark`);
    await page.keyboard.press("Escape");
    assert.equal(await tip.isVisible(), false, `${id}: Escape hides the tip`);
  }
  await page.close();
});

test("key figures embedded one after another read as one strip of numbers, side by side", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url("since-2007/"));
  const strips = page.locator("main .key-figures");
  assert.ok(await strips.count() >= 1, "the chapter has a strip");
  const tops = await strips.first().locator(".key-figure").evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().top)));
  assert.ok(tops.length >= 2, "two or more figures in the strip");
  assert.equal(tops[0], tops[1], `the first two figures share a row (${tops})`);
  const boxed = await strips.first().locator(".key-figure").first().evaluate((a) => getComputedStyle(a).borderLeftStyle);
  assert.equal(boxed, "none", "no box around a figure in a strip");
  await page.close();
});

test("a chapter links an entity at its first mention in each section only", async () => {
  const chapters = fs.readFileSync(path.join(SITE_DIR, "chapters", "index.html"), "utf8");
  const rels = [...chapters.matchAll(/<ol class="chapter-list">([\s\S]*?)<\/ol>/g)]
    .flatMap((m) => [...m[1].matchAll(/href="([^"]+)"/g)].map((h) => h[1]));
  assert.ok(rels.length >= 5, "chapters found");
  const page = await browser.newPage();
  let links = 0;
  for (const href of rels) {
    await page.goto(new URL(href, url()).href);
    const repeats = await page.evaluate(() => {
      const seen = new Map();
      const out = [];
      let section = 0;
      const walker = document.createTreeWalker(document.querySelector("main .prose") || document.querySelector("main"), NodeFilter.SHOW_ELEMENT);
      for (let el = walker.currentNode; el; el = walker.nextNode()) {
        // Headings start a section; so does each note (a note is read on its own).
        if (/^H[1-6]$/.test(el.tagName) || el.matches("section.footnotes li")) section++;
        if (el.matches("a.ref-place, a.ref-org, a.ref-person, a.ref-term")) {
          const key = `${section} ${el.getAttribute("href")}`;
          if (seen.has(key)) out.push(key); else seen.set(key, true);
        }
      }
      return { out, n: seen.size };
    });
    links += repeats.n;
    assert.deepEqual(repeats.out, [], `${href}: an entity linked twice in one section`);
  }
  assert.ok(links > 20, `entity links were checked (${links})`);
  await page.close();
});

test("the print edition holds every chapter in reading order, with anchors that resolve", async () => {
  const chapters = fs.readFileSync(path.join(SITE_DIR, "chapters", "index.html"), "utf8");
  const list = chapters.match(/<ol class="chapter-list">([\s\S]*?)<\/ol>/)[1];
  const titles = [...list.matchAll(/<a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1].replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
  assert.ok(chapters.includes('href="' + new URL(url("print/")).pathname + '"'), "the chapters index links the print edition");
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url("print/"));
  const h2 = await page.locator("main section.print-chapter > header h2").allInnerTexts();
  assert.deepEqual(h2, titles, "every chapter, in reading order");
  const check = await page.evaluate(() => {
    const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    const broken = [...document.querySelectorAll('main a[href^="#"]')].map((a) => a.getAttribute("href").slice(1))
      .filter((id) => id && !document.getElementById(decodeURIComponent(id)));
    return { dup, broken, embeds: document.querySelectorAll("main figure.chart svg.fb-chart").length, robots: document.querySelector('meta[name="robots"]')?.content };
  });
  assert.deepEqual(check.dup, [], "no id twice on the page");
  assert.deepEqual(check.broken, [], "every in-page link has its target");
  assert.ok(check.embeds > 0, "the chapters' charts are in it");
  assert.equal(check.robots, "noindex", "search engines index the chapters, not the edition");
  await page.emulateMedia({ media: "print" });
  const breaks = await page.locator("main section.print-chapter").evaluateAll((s) => s.map((e) => getComputedStyle(e).breakBefore));
  assert.ok(breaks.every((b) => b === "page"), "each chapter starts a printed page");
  await page.close();
});
