#!/usr/bin/env bash
# Runs the benchmarks against release builds and prints Markdown tables; `make bench` calls it.
# Copy the output into docs/BENCHMARKS.md with the date and machine line it prints.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${SKIFF_BIN:-$(cd "$root" && swift build -c release --show-bin-path)}
out="$root/.skiff/bench"
mkdir -p "$out"
"$bin/skiff-bench" --bin "$bin" "$@" | tee "$out/latest.md"
echo
echo "(also written to ${out#"$root"/}/latest.md)"
