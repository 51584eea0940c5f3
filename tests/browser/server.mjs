// Tiny static server for a built fieldbook site, no dependencies.
//
//   node server.mjs SITE_DIR [PORT]        (PORT 0 or missing: a free port)
//
// The site is served under its base path (the path of the canonical URL in
// SITE_DIR/index.html, e.g. /fieldbook/; override with BASE_PATH=/x/), on
// 127.0.0.1 only. `/x/` maps to `/x/index.html`, `/x` redirects to `/x/` when
// that folder exists, and a miss answers 404 with SITE_DIR/404.html.
// Prints one line `SITE_URL=http://127.0.0.1:PORT/base/` when it listens.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".pdf": "application/pdf",
};

export function detectBasePath(siteDir) {
  if (process.env.BASE_PATH) {
    let b = process.env.BASE_PATH;
    if (!b.startsWith("/")) b = "/" + b;
    if (!b.endsWith("/")) b += "/";
    return b;
  }
  try {
    const html = fs.readFileSync(path.join(siteDir, "index.html"), "utf8");
    const m = html.match(/<link\b[^>]*\bhref="?([^"\s>]+)"?[^>]*\brel="?canonical/i) ||
      html.match(/<link\b[^>]*\brel="?canonical"?[^>]*\bhref="?([^"\s>]+)/i);
    if (m) {
      const p = new URL(m[1], "http://x/").pathname;
      return p.endsWith("/") ? p : p.replace(/[^/]*$/, "");
    }
  } catch {}
  return "/";
}

export function startServer(siteDir, port = 0) {
  const root = path.resolve(siteDir);
  const base = detectBasePath(root);
  const notFound = path.join(root, "404.html");

  function send(res, status, file, method) {
    const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
    fs.stat(file, (err, st) => {
      if (err) { res.writeHead(500); res.end(); return; }
      res.writeHead(status, { "Content-Type": type, "Content-Length": st.size, "Cache-Control": "no-store" });
      if (method === "HEAD") { res.end(); return; }
      fs.createReadStream(file).pipe(res);
    });
  }
  function miss(res, method) {
    if (fs.existsSync(notFound)) send(res, 404, notFound, method);
    else { res.writeHead(404, { "Content-Type": "text/plain" }); res.end("not found\n"); }
  }

  const server = http.createServer((req, res) => {
    const method = req.method;
    if (method !== "GET" && method !== "HEAD") { res.writeHead(405); res.end(); return; }
    let pathname;
    try { pathname = decodeURIComponent(new URL(req.url, "http://x").pathname); }
    catch { res.writeHead(400); res.end(); return; }
    if (pathname === "/" && base !== "/") { res.writeHead(302, { Location: base }); res.end(); return; }
    if (pathname + "/" === base) { res.writeHead(301, { Location: base }); res.end(); return; }
    if (!pathname.startsWith(base)) { miss(res, method); return; }
    const rel = pathname.slice(base.length);
    const file = path.resolve(root, "." + path.posix.normalize("/" + rel));
    if (file !== root && !file.startsWith(root + path.sep)) { miss(res, method); return; }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith("/")) {
          const u = new URL(req.url, "http://x");
          res.writeHead(301, { Location: pathname + "/" + u.search }); res.end(); return;
        }
        const index = path.join(file, "index.html");
        if (fs.existsSync(index)) send(res, 200, index, method); else miss(res, method);
      } else if (!err && st.isFile()) {
        send(res, 200, file, method);
      } else {
        miss(res, method);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}${base}`;
      resolve({ server, url, base });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [siteDir, port] = process.argv.slice(2);
  if (!siteDir || !fs.existsSync(path.join(siteDir, "index.html"))) {
    console.error("usage: node server.mjs SITE_DIR [PORT]  (SITE_DIR must hold index.html)");
    process.exit(2);
  }
  const { server, url } = await startServer(siteDir, Number(port || 0));
  console.log(`SITE_URL=${url}`);
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
