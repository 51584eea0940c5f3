// One screenshot for review by eye:
//   node shot.mjs URL OUT.png [WIDTH] [light|dark] [CSS_SELECTOR|@CSS_SELECTOR (scrolled to, viewport)|full] [print]
import { launch } from "./browser.mjs";
const [url, out, width = "1280", scheme = "light", sel = "", media = "screen"] = process.argv.slice(2);
const browser = await launch();
const ctx = await browser.newContext({ viewport: { width: +width, height: 900 }, colorScheme: scheme });
const page = await ctx.newPage();
await page.emulateMedia({ media });
await page.goto(url, { waitUntil: "networkidle" });
if (sel.startsWith("@")) { await page.locator(sel.slice(1)).first().evaluate((e) => e.scrollIntoView()); await page.screenshot({ path: out }); }
else if (sel && sel !== "full") await page.locator(sel).first().screenshot({ path: out });
else await page.screenshot({ path: out, fullPage: sel === "full" });
await browser.close();
