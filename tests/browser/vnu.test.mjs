// The Nu Html Checker (vnu.jar) on the built HTML of one page of every kind: no errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { fileOf, SITE_DIR, PAGES_OF_EVERY_KIND } from "./lib.mjs";

const require = createRequire(import.meta.url);
const VNU = path.join(path.dirname(require.resolve("vnu-jar/package.json")), "build", "dist", "vnu.jar");

const files = PAGES_OF_EVERY_KIND.map(([kind, rel]) => [kind, rel, fileOf(rel)]);
let byFile = null;
let raw = "";

before(() => {
  for (const [, , f] of files) assert.ok(fs.existsSync(f), `built file exists: ${f}`);
  const r = spawnSync("java", ["-jar", VNU, "--errors-only", "--format", "json", ...files.map((x) => x[2])], {
    encoding: "utf8", maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  raw = (r.stderr || "") + (r.stdout || "");
  const start = raw.indexOf('{"');
  assert.ok(start >= 0, `vnu printed JSON (exit ${r.status}): ${raw.slice(0, 500)}`);
  const report = JSON.parse(raw.slice(start, raw.lastIndexOf("}") + 1));
  byFile = new Map(files.map((x) => [path.resolve(x[2]), []]));
  for (const m of report.messages) {
    const f = m.url ? path.resolve(fileURLToPath(m.url)) : "(no file)";
    if (!byFile.has(f)) byFile.set(f, []);
    byFile.get(f).push(m);
  }
});

test("vnu: every message belongs to a checked file", () => {
  const stray = [...byFile.keys()].filter((f) => !files.some((x) => path.resolve(x[2]) === f));
  assert.deepEqual(stray.map((f) => `${f}: ${byFile.get(f).map((m) => m.message).join("; ")}`), []);
});

for (const [kind, rel, file] of files) {
  test(`vnu: no HTML errors in the ${kind} page ${path.relative(SITE_DIR, file)}`, () => {
    const msgs = byFile.get(path.resolve(file)).filter((m) => m.type === "error" || m.subType === "fatal");
    const lines = msgs.map((m) => {
      const excerpt = m.extract ? ` | ${m.extract.replace(/\s+/g, " ").slice(0, 160)}` : "";
      return `${path.relative(SITE_DIR, file)}:${m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}: ${m.message}${excerpt}`;
    });
    if (lines.length) console.log(lines.map((l) => `vnu ${l}`).join("\n"));
    assert.equal(lines.length, 0, `${lines.length} vnu error(s):\n${lines.join("\n")}`);
  });
}
