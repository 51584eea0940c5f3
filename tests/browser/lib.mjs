// Shared helpers for the browser tests. run.sh sets SITE_URL (the served site,
// ending in its base path, e.g. http://127.0.0.1:PORT/fieldbook/) and SITE_DIR
// (the built folder the server serves).
import { launch, CHROMIUM, CHROMIUM_ARGS } from "./browser.mjs";
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SITE_URL = process.env.SITE_URL;
export const SITE_DIR = process.env.SITE_DIR ? path.resolve(process.env.SITE_DIR) : undefined;
if (!SITE_URL || !SITE_DIR) {
  throw new Error("SITE_URL and SITE_DIR must be set: run the tests with tests/browser/run.sh SITE_DIR");
}
export const BASE_PATH = new URL(SITE_URL).pathname; // e.g. /fieldbook/

export { launch, CHROMIUM, CHROMIUM_ARGS };

/** Absolute URL of a site path given relative to the base ("since-2007/", "" for home). */
export function url(rel = "") {
  return new URL(rel.replace(/^\//, ""), SITE_URL).href;
}

/** Site-relative path of an absolute URL under SITE_URL ("places/artyom/"), or null. */
export function relOf(u) {
  const p = new URL(u, SITE_URL).pathname;
  return p.startsWith(BASE_PATH) ? p.slice(BASE_PATH.length) : null;
}

/** The built file behind a site-relative path ("x/" -> SITE_DIR/x/index.html). */
export function fileOf(rel) {
  const clean = rel.split(/[?#]/)[0];
  return path.join(SITE_DIR, clean === "" || clean.endsWith("/") ? clean + "index.html" : clean);
}

/** One page of every kind, used by the console, axe and vnu tests. */
export const PAGES_OF_EVERY_KIND = [
  ["home", ""],
  ["chapters index", "chapters/"],
  ["chapter", "since-2007/"],
  ["place", "places/artyom/"],
  ["organization", "organizations/genco/"],
  ["glossary term", "glossary/planned-quota/"],
  ["dataset", "data/nk-share-maritime-1990-2009/"],
  ["chart", "charts/quota-growth/"],
  ["source", "sources/kinu2016/"],
  ["figures index", "figures/"],
  ["figure", "figures/quota-2014/"],
  ["timeline", "timeline/"],
  ["search", "search/"],
  ["embed", "embed/quota-growth/"],
  ["404", "404.html"],
  ["print edition", "print/"],
];

/** Every chart of the built site (its folders under charts/), sorted. */
export const CHART_IDS = fs.readdirSync(path.join(SITE_DIR, "charts"), { withFileTypes: true })
  .filter((d) => d.isDirectory()).map((d) => d.name).sort();

/** Parse "rgb(a)(r, g, b[, a])" into [r, g, b, a]. */
export function parseColor(s) {
  const m = String(s).match(/rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/);
  if (!m) throw new Error(`cannot parse colour ${JSON.stringify(s)}`);
  let a = m[4] === undefined ? 1 : m[4].endsWith("%") ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
  return [Number(m[1]), Number(m[2]), Number(m[3]), a];
}

/** WCAG relative luminance of a CSS rgb() colour, 0 (black) .. 1 (white). */
export function luminance(css) {
  const [r, g, b] = parseColor(css).slice(0, 3).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Record everything that goes wrong while a page loads: console errors,
 * uncaught exceptions, failed requests and HTTP errors (>= 400).
 */
export function watchProblems(page) {
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      const loc = msg.location();
      problems.push(`console.error: ${msg.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ""}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on("requestfailed", (req) => {
    problems.push(`request failed: ${req.method()} ${req.url()} (${req.failure() ? req.failure().errorText : "?"})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return problems;
}

export function readSiteFile(rel) {
  return fs.readFileSync(fileOf(rel), "utf8");
}
