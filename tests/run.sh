#!/usr/bin/env bash
# Runs every test of fieldbook and installs what the tests need (Debian's chromium, a JRE for the
# HTML checker, jing for the Atom feed, fonts-nanum for the png-font test, rispy for RIS, the npm
# packages of tests/browser). Usage: bash tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# Where cargo builds (CARGO_TARGET_DIR, if set, as cargo itself reads it), absolute.
target=$(realpath -m "${CARGO_TARGET_DIR:-target}")

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# RELAX NG validation of the Atom feed (tests/cite_formats.rs).
command -v jing >/dev/null 2>&1 || need_apt+=(jing)
# A font with Hangul for the `png-font` test (src/render/chart/raster.rs).
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || need_apt+=(fonts-nanum)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The RIS parser tests/cite_formats.rs reads every RIS block with (PyPI; pinned; once per machine).
if ! python3 -c "import rispy" >/dev/null 2>&1; then
  echo "== installing rispy"
  python3 -m pip install --quiet --disable-pip-version-check "rispy==0.10.0" ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "rispy==0.10.0"
fi

echo "== cargo test (unit, integration, fixture sites, the repo's site)"
cargo test --release

if [ -f tests/browser/run.sh ]; then
  echo "== browser tests (headless Chromium, axe-core, vnu) on the repo's site"
  site=$(mktemp -d)
  cargo run --release --quiet -- build --out "$site/public"
  bash tests/browser/run.sh "$site/public"
  echo "== the HTML checker (vnu) on the same site built with --minify"
  cargo run --release --quiet -- build --minify --out "$site/minified"
  bash tests/browser/run.sh "$site/minified" vnu.test.mjs
  rm -rf "$site"
  echo "== the hostile-input site (every field of every kind carries a script) in Chromium"
  bash tests/browser/run.sh "$target/tmp/hostile-site/public" hostile.check.mjs
  echo "== the starter site of fieldbook init (the binary alone, outside the repo) in Chromium"
  starter=$(mktemp -d)
  bin="$target/release/fieldbook"
  (cd "$starter" && "$bin" init site && cd site && "$bin" build && "$bin" check --strict)
  bash tests/browser/run.sh "$starter/site/public" starter.check.mjs
  rm -rf "$starter"
  echo "== the Korean fixture site (tests/korean.rs) in Chromium: interface, anchors, search"
  bash tests/browser/run.sh "$target/tmp/korean-site/public" korean.check.mjs
fi
echo "== all tests passed in $(( $(date +%s) - start )) s"
