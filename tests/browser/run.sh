#!/usr/bin/env bash
# Browser tests for a built fieldbook site.
#
#   tests/browser/run.sh SITE_DIR [TEST_FILE...]
#
# Installs what is missing (Debian's chromium, chromium-driver and a headless
# JRE; npm packages from package-lock.json), serves SITE_DIR on 127.0.0.1 at a
# free port, runs the *.test.mjs files with Node's test runner, stops the server
# and exits non-zero if any test failed. Build the site first, e.g.
#   target/release/fieldbook build --out /tmp/site && tests/browser/run.sh /tmp/site
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SITE_DIR="${1:-}"
if [ -z "$SITE_DIR" ] || [ ! -f "$SITE_DIR/index.html" ]; then
  echo "usage: $0 SITE_DIR [TEST_FILE...]   (SITE_DIR must hold a built site with index.html)" >&2
  exit 2
fi
SITE_DIR="$(cd "$SITE_DIR" && pwd)"
shift

# shellcheck source=setup.sh
. "$HERE/setup.sh"

fb_start_server "$SITE_DIR"

export SITE_URL SITE_DIR
cd "$HERE"
if [ "$#" -gt 0 ]; then
  FILES=("$@")
else
  FILES=(./*.test.mjs)
fi
status=0
# TAP output: ends with the runner's summary (# tests, # pass, # fail, ...).
# One test file at a time by default (2-core machines); TEST_CONCURRENCY=2 to overlap files.
node --test --test-reporter=tap --test-concurrency="${TEST_CONCURRENCY:-1}" "${FILES[@]}" || status=$?
exit "$status"
