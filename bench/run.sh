#!/usr/bin/env bash
# The fieldbook build benchmark (issue 8), one command from the repository root:
#
#   bash bench/run.sh                 # N = 100, 1,000, 10,000 (mdBook at 100 and 1,000 only)
#   bash bench/run.sh --mdbook-10k    # also mdBook at 10,000 pages (many minutes)
#   bash bench/run.sh --sizes 100,1000 --mdbook-search-off
#
# Installs what is missing (Debian packages hyperfine, hugo, time; mdBook 0.5.x with cargo and the
# Pagefind CLI with npm into bench/.tools, skipped when present), builds fieldbook with `cargo build --release` (or uses the
# binary in $FIELDBOOK), then runs bench/bench.py with the remaining arguments. The corpora, outputs,
# logs and results go to bench/work/ (results.md is the table printed at the end). See BENCHMARKS.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
cd "$REPO"

if [ "${1:-}" = "--report-only" ]; then exec python3 "$BENCH/bench.py" --report-only; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v hugo >/dev/null || need+=(hugo)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
  echo "[bench] installing Debian packages: ${need[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
command -v cargo >/dev/null || { echo "[bench] cargo is required (rustup)" >&2; exit 1; }

MDBOOK="$BENCH/.tools/bin/mdbook"
if ! { [ -x "$MDBOOK" ] && "$MDBOOK" --version | grep -q 'v0\.5\.'; }; then
  echo "[bench] installing mdBook 0.5.x into bench/.tools (cargo install; a few minutes)"
  cargo install mdbook --locked --version '^0.5' --no-default-features --features search \
    --root "$BENCH/.tools"
fi

# The Pagefind CLI that Hugo's users run after the build (the "hugo + pagefind" row): the npm
# package, at the version fieldbook vendors (vendor/pagefind), into bench/.tools.
PAGEFIND_VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/vendor/pagefind/Cargo.toml" | head -1)"
if ! "$BENCH"/.tools/node_modules/.bin/pagefind --version 2>/dev/null | grep -qx "pagefind $PAGEFIND_VERSION"; then
  command -v npm >/dev/null || { $SUDO apt-get update -q; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q npm; }
  echo "[bench] installing the Pagefind CLI $PAGEFIND_VERSION into bench/.tools (npm)"
  npm install --prefix "$BENCH/.tools" "pagefind@$PAGEFIND_VERSION"
fi

if [ -z "${FIELDBOOK:-}" ]; then
  echo "[bench] cargo build --release"
  cargo build --release
  FIELDBOOK="$REPO/target/release/fieldbook"
fi

exec python3 "$BENCH/bench.py" --fieldbook "$FIELDBOOK" --mdbook "$MDBOOK" \
  --command "bash bench/run.sh${*:+ $*}" "$@"
