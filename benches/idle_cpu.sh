#!/usr/bin/env bash
# Idle cost of the counter while a QR and its countdown are on screen: CPU % of one core and peak
# RSS, measured on the release binary in a real X window (Xvfb, software OpenGL).
# Usage: benches/idle_cpu.sh [SECONDS]   (needs xvfb and xdotool; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
cargo build --release --quiet
bin=target/release/counterqr

work=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
printf '[training]\nmin_delay_ms = 300\nmax_delay_ms = 300\nexpiry_secs = 300\n' > "$work/config.toml"
export XDG_RUNTIME_DIR="$work" COUNTERQR_CONFIG="$work/config.toml" COUNTERQR_DATA_DIR="$work/data"
unset WAYLAND_DISPLAY

display=:$(( 500 + RANDOM % 100 ))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp -noreset >/dev/null 2>&1 & xvfb=$!
export DISPLAY=$display
sleep 1
"$bin" 2>/dev/null & app=$!
wid=$(xdotool search --sync --onlyvisible --name counterqr | head -1)
xdotool windowfocus --sync "$wid"
sleep 1
xdotool type --delay 30 500
xdotool key Return
sleep 3   # the QR is up and the countdown running

ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep "$seconds"
after=$(ticks)
cpu=$(awk -v a="$before" -v b="$after" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.2f", (b - a) / hz / s * 100 }')
rss=$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$app/status")
echo "idle with QR and countdown on screen, over ${seconds}s: CPU ${cpu}% of one core, peak RSS ${rss}"
