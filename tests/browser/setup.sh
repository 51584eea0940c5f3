# Sourced by run.sh and screenshots.sh: install only what is missing.
#  - Debian's chromium + chromium-driver (the browser the tests drive) and a
#    headless JRE (for vnu.jar), via apt-get, when not already installed;
#  - the pinned npm packages (package-lock.json) when node_modules is missing.
# vnu-jar's postinstall script would download a Java runtime from the network;
# it is skipped (--ignore-scripts): the JRE comes from Debian.
_fb_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_fb_need=()
[ -x /usr/bin/chromium ] || _fb_need+=(chromium)
[ -x /usr/bin/chromedriver ] || _fb_need+=(chromium-driver)
command -v java >/dev/null 2>&1 || _fb_need+=(default-jre-headless)
if [ "${#_fb_need[@]}" -gt 0 ]; then
  echo "# installing ${_fb_need[*]} with apt-get" >&2
  _fb_sudo=""; [ "$(id -u)" -eq 0 ] || _fb_sudo="sudo"
  $_fb_sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $_fb_sudo apt-get install -y -qq "${_fb_need[@]}" >&2
fi
if ! command -v node >/dev/null 2>&1; then
  echo "node is required (Node 20 or newer)" >&2; exit 1
fi
if [ ! -d "$_fb_here/node_modules/playwright-core" ] || [ ! -d "$_fb_here/node_modules/axe-core" ] || \
   [ ! -f "$_fb_here/node_modules/vnu-jar/build/dist/vnu.jar" ] || [ ! -d "$_fb_here/node_modules/lighthouse" ]; then
  echo "# npm ci in $_fb_here" >&2
  (cd "$_fb_here" && npm ci --ignore-scripts --no-audit --no-fund >&2)
fi

# fb_start_server SITE_DIR: serve SITE_DIR with server.mjs on a free port of
# 127.0.0.1; sets SITE_URL and FB_SERVER_PID and stops the server on exit.
fb_start_server() {
  FB_SERVER_OUT="$(mktemp)"
  node "$_fb_here/server.mjs" "$1" >"$FB_SERVER_OUT" 2>&1 &
  FB_SERVER_PID=$!
  trap 'kill "$FB_SERVER_PID" 2>/dev/null || true; wait "$FB_SERVER_PID" 2>/dev/null || true; rm -f "$FB_SERVER_OUT"' EXIT
  SITE_URL=""
  for _ in $(seq 1 100); do
    SITE_URL="$(sed -n 's/^SITE_URL=//p' "$FB_SERVER_OUT")"
    [ -n "$SITE_URL" ] && break
    if ! kill -0 "$FB_SERVER_PID" 2>/dev/null; then
      echo "static server failed to start:" >&2; cat "$FB_SERVER_OUT" >&2; exit 1
    fi
    sleep 0.1
  done
  if [ -z "$SITE_URL" ]; then echo "static server did not report its URL" >&2; exit 1; fi
  echo "# serving $1 at $SITE_URL"
}
