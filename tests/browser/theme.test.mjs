// Colour schemes: the OS dark preference, the .theme-toggle button and its persistence.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, url, luminance } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const bodyLum = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor).then(luminance);

test("dark scheme: with colorScheme 'dark' the body background is dark", async () => {
  const ctx = await browser.newContext({ colorScheme: "dark" });
  const page = await ctx.newPage();
  await page.goto(url("since-2007/"));
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.ok(luminance(bg) < 0.2, `body background ${bg} has luminance ${luminance(bg).toFixed(3)} < 0.2`);
  const fg = await page.evaluate(() => getComputedStyle(document.body).color);
  assert.ok(luminance(fg) > 0.5, `body text ${fg} is light on the dark background`);
  await ctx.close();
});

test("light scheme: with colorScheme 'light' the body background is light", async () => {
  const ctx = await browser.newContext({ colorScheme: "light" });
  const page = await ctx.newPage();
  await page.goto(url("since-2007/"));
  const l = await bodyLum(page);
  assert.ok(l > 0.8, `body background luminance ${l.toFixed(3)} > 0.8`);
  await ctx.close();
});

for (const scheme of ["dark", "light"]) {
  test(`theme toggle: from ${scheme}, clicking .theme-toggle switches the scheme and it persists across reload`, async () => {
    const ctx = await browser.newContext({ colorScheme: scheme });
    const page = await ctx.newPage();
    await page.goto(url("since-2007/"));
    const before = await bodyLum(page);
    const toggle = page.locator(".theme-toggle");
    assert.ok(await toggle.isVisible(), ".theme-toggle is visible with JS on");
    assert.ok((await toggle.getAttribute("aria-label") || (await toggle.textContent()).trim()).length > 0, "the toggle has an accessible name");
    await toggle.click();
    const want = scheme === "dark" ? "light" : "dark";
    const after1 = await bodyLum(page);
    if (want === "light") assert.ok(after1 > 0.8, `after the click the background is light (${after1.toFixed(3)}, was ${before.toFixed(3)})`);
    else assert.ok(after1 < 0.2, `after the click the background is dark (${after1.toFixed(3)}, was ${before.toFixed(3)})`);
    assert.equal(await page.evaluate(() => localStorage.getItem("theme")), want, "the choice is saved in localStorage");

    await page.reload();
    const after2 = await bodyLum(page);
    if (want === "light") assert.ok(after2 > 0.8, `after reload the background is still light (${after2.toFixed(3)})`);
    else assert.ok(after2 < 0.2, `after reload the background is still dark (${after2.toFixed(3)})`);

    // Another page of the site keeps the choice too.
    await page.goto(url("charts/quota-growth/"));
    const after3 = await bodyLum(page);
    assert.ok(want === "light" ? after3 > 0.8 : after3 < 0.2, `the choice carries to another page (${after3.toFixed(3)})`);
    // ...and the chart follows it: its background matches the page's scheme.
    const chartBg = await page.locator('main figure.chart svg[role="img"]:visible .fb-bg').first()
      .evaluate((r) => getComputedStyle(r).fill);
    const cl = luminance(chartBg);
    assert.ok(want === "light" ? cl > 0.8 : cl < 0.2, `the chart background (${chartBg}) follows the ${want} theme`);

    // Toggle back: the OS scheme applies again.
    await page.locator(".theme-toggle").click();
    const back = await bodyLum(page);
    assert.ok(scheme === "dark" ? back < 0.2 : back > 0.8, `a second click switches back (${back.toFixed(3)})`);
    await ctx.close();
  });
}

test("theme before first paint: a saved theme is on <html> before the stylesheet and the body load", async () => {
  const ctx = await browser.newContext({ colorScheme: "light" });
  const page = await ctx.newPage();
  await page.goto(url("since-2007/"));
  await page.evaluate(() => localStorage.setItem("theme", "dark"));
  // Hold the page's own script back: only the head's inline line may set the theme.
  await page.route("**/site.js", (route) => route.abort());
  // At the first parse of <body> the attribute must already be there.
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.body) { window.__themeAtBody = document.documentElement.getAttribute("data-theme"); obs.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  assert.equal(await page.evaluate(() => window.__themeAtBody), "dark");
  const l = await bodyLum(page);
  assert.ok(l < 0.2, `the page is dark without site.js (body luminance ${l.toFixed(3)})`);
  await ctx.close();
});

test("theme toggle: its pressed state says whether the dark theme is on, and images follow it", async () => {
  const ctx = await browser.newContext({ colorScheme: "dark" });
  const page = await ctx.newPage();
  await page.goto(url(""));
  const toggle = page.locator(".theme-toggle");
  assert.equal(await toggle.getAttribute("aria-pressed"), "true", "dark from the system: pressed");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "false", "light chosen: not pressed");
  // Chart thumbnails are SVG images: their colour scheme is the page's, not the system's.
  const scheme = await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
  assert.equal(scheme, "light");
  await ctx.close();
});
