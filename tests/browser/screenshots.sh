#!/usr/bin/env bash
# Screenshots of a built fieldbook site into docs/screenshots/ (or OUTDIR).
#
#   tests/browser/screenshots.sh SITE_DIR [OUTDIR]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SITE_DIR="${1:-}"
if [ -z "$SITE_DIR" ] || [ ! -f "$SITE_DIR/index.html" ]; then
  echo "usage: $0 SITE_DIR [OUTDIR]   (SITE_DIR must hold a built site with index.html)" >&2
  exit 2
fi
SITE_DIR="$(cd "$SITE_DIR" && pwd)"
OUTDIR="${2:-$HERE/../../docs/screenshots}"
mkdir -p "$OUTDIR"
OUTDIR="$(cd "$OUTDIR" && pwd)"

# shellcheck source=setup.sh
. "$HERE/setup.sh"
fb_start_server "$SITE_DIR"
cd "$HERE"
command -v pdftoppm >/dev/null 2>&1 || { echo "# installing poppler-utils (pdftoppm)" >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >&2; }
node screenshots.mjs "$SITE_URL" "$OUTDIR" "$SITE_DIR"
