#!/usr/bin/env bash
# Runs every test: unit tests, CLI and gateway integration tests, the GUI through egui_kittest,
# the keyring commands against a real (private) Secret Service, and the real binary under Xvfb.
# Installs what the tests need first (saying what), then runs them in a private D-Bus session
# with its own unlocked keyring, so nothing touches the user's own keyring and no daemon
# outlives the run. Arguments go to `cargo test`, e.g. `bash scripts/test.sh --test payu`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${COUNTERQR_TEST_SESSION:-}" ]; then
    bash scripts/deps.sh build test
    XDG_RUNTIME_DIR=$(mktemp -d)
    XDG_DATA_HOME=$(mktemp -d)
    export XDG_RUNTIME_DIR XDG_DATA_HOME COUNTERQR_TEST_SESSION=1
    exec dbus-run-session -- bash "$0" "$@"
fi

printf '%s' "counterqr-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
unset WAYLAND_DISPLAY
cargo test --locked "$@"
# The patched eframe's own tests (partial redraw, vendor/eframe/PATCHED.md), when all are asked for.
if [ $# -eq 0 ]; then
    cargo test --locked -p eframe --lib partial_present
fi
