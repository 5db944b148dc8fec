#!/usr/bin/env bash
# Runs counterqr from source: installs what building and running it need (saying what), then
# `cargo run --release`. Arguments go to counterqr, e.g. `bash scripts/run.sh --fullscreen`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh build run
exec cargo run --release --locked -- "$@"
