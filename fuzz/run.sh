#!/usr/bin/env bash
# Fuzzes fieldbook's loaders and Markdown renderer with cargo-fuzz (libFuzzer), one target at a time.
#   bash fuzz/run.sh [seconds-per-target] [target...]     default: 600 s, every target
# Works on stable Rust: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly-only flags.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(front_matter data_yaml markdown book_toml chart_numbers)
fi

export RUSTC_BOOTSTRAP=1
# ASan links on this toolchain; set FUZZ_SANITIZER=none for a faster, uninstrumented-memory run.
sanitizer="${FUZZ_SANITIZER:-address}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

dict_for() {
  case "$1" in
    markdown) echo fuzz/dicts/markdown.dict ;;
    book_toml) echo fuzz/dicts/toml.dict ;;
    *) echo fuzz/dicts/yaml.dict ;;
  esac
}

for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  cp -n fuzz/seeds/"$t"/* "fuzz/corpus/$t/"
  echo "== $t: ${seconds}s ($(date -u +%FT%TZ))"
  cargo fuzz run --sanitizer "$sanitizer" --jobs 1 "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -workers=1 -timeout=20 -rss_limit_mb=4096 \
    -dict="$(dict_for "$t")" -print_final_stats=1
done
