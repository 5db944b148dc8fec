#!/usr/bin/env bash
# Idle cost of the QR screen: counterqr against a Chromium kiosk page showing the same QR, amount,
# payee and a ticking countdown. Run by hand on the counter PC (not part of the test run):
#
#   bash benches/idle_vs_browser.sh [ROUNDS=3] [SECONDS=20]
#
# Each run is alone on its own Xvfb (software rendering, as on a PC without a GPU driver); the
# two programs alternate, round after round, for one window (one page) and for the cashier's
# plus the customer's window (two pages), at 1280x800 and at 1920x1080 full-screen. Printed per
# run: idle CPU over SECONDS (percent of one core, the whole process tree), PSS (MiB, the whole
# tree) and launch time (counterqr: to its first frame, by its log; the browser: to its window
# mapped); then the medians and the ratios counterqr/browser.
# A window manager (openbox) runs on each Xvfb: without one nothing honours a full-screen request
# and counterqr's windows would stay at their opening size.
# Needs: a release build (built if missing), Xvfb, xdotool, openbox, chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-3}
SECS=${2:-20}
BIN=${COUNTERQR_BIN:-target/release/counterqr}
[ -x "$BIN" ] || cargo build --release --locked
BROWSER=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$BROWSER" ] || { echo "no chromium: apt install chromium" >&2; exit 1; }
for tool in Xvfb xdotool openbox; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt install xvfb xdotool openbox)" >&2; exit 1; }
done

work=$(mktemp -d)
cleanup() { pkill -P $$ 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
TICK=$(getconf CLK_TCK)

# The same QR for both: the one counterqr's training mode makes for Rs 500.
printf '[training]\nmin_delay_ms = 0\nmax_delay_ms = 0\nexpiry_secs = 3600\n' > "$work/qr.toml"
COUNTERQR_CONFIG="$work/qr.toml" COUNTERQR_DATA_DIR="$work/qr-data" \
    "$BIN" request --amount 500 --png "$work/qr.png" >/dev/null
cat > "$work/page.html" <<'HTML'
<!doctype html><html><head><meta charset="utf-8"><title>QR</title><style>
html,body{margin:0;height:100%;background:#f8f8f8;font-family:sans-serif;color:#222}
main{display:flex;height:100%;align-items:center;justify-content:center;gap:4vw}
img{height:86vh;image-rendering:pixelated;background:#fff;padding:2vh}
.amount{font-size:12vh;font-weight:bold}.payee{font-size:4vh}.left{font-size:6vh;color:#1b6e1b}
</style></head><body><main><img src="qr.png" alt="QR"><div>
<div class="payee">Scan &amp; pay</div><div class="amount">₹500.00</div>
<div class="payee">to TRAINING - not a real payment</div><div class="payee">UPI ID: training@invalid</div>
<div class="left">Valid for <span id="left">5:00</span></div></div></main><script>
const end = Date.now() + 300000;
function tick() {
  const s = Math.max(0, Math.ceil((end - Date.now()) / 1000));
  document.getElementById('left').textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  setTimeout(tick, ((end - Date.now()) % 1000) || 1000);
}
tick();
</script></body></html>
HTML

# The process tree under $1 (itself included).
tree() {
    local pids=$1 next=$1
    while [ -n "$next" ]; do
        next=$(for p in $next; do pgrep -P "$p" || true; done | tr '\n' ' ')
        pids="$pids $next"
    done
    echo "$pids"
}
ticks() { # utime+stime of every process in the tree under $1
    local sum=0
    for p in $(tree "$1"); do
        [ -r "/proc/$p/stat" ] || continue
        sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$sum"
}
pss_kib() {
    local sum=0
    for p in $(tree "$1"); do
        sum=$((sum + $(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
    done
    echo "$sum"
}

n=40
# Frames counterqr has drawn so far (its log at counterqr::frame=debug); 0 for the browser.
frames_drawn() {
    [ "$1" = counterqr ] || { echo 0; return; }
    cat "$work"/c-data/logs/* 2>/dev/null | grep -c 'last frame' || true
}

# Waits (at most 30 s) until a visible window named like $2 is on display $1.
window_on() {
    for _ in $(seq 3000); do
        DISPLAY=$1 xdotool search --onlyvisible --name "$2" >/dev/null 2>&1 && return 0
        sleep 0.01
    done
    echo "no window '$2' on $1 after 30 s" >&2
    return 1
}

# One run: $1 = app (counterqr|browser), $2 = windows (1|2), $3 = WxH.
# Prints "cpu% pss_mib launch_s frames" (frames drawn while measured; "-" for the browser).
run() {
    local app=$1 windows=$2 size=$3 display=":$((n++))"
    Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp -noreset >/dev/null 2>&1 &
    local xvfb=$!
    for _ in $(seq 100); do DISPLAY=$display xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.05; done
    DISPLAY=$display openbox >/dev/null 2>&1 &
    local wm=$!
    sleep 0.5
    local start pid launch
    start=$(date +%s.%N)
    if [ "$app" = counterqr ]; then
        local where=same_window
        [ "$windows" = 2 ] && where=second_window
        printf 'customer_display = "%s"\ncustomer_window_fullscreen = true\n[training]\nmin_delay_ms = 0\nmax_delay_ms = 0\nexpiry_secs = 3600\n' \
            "$where" > "$work/c.toml"
        rm -rf "$work/c-data"
        DISPLAY=$display COUNTERQR_CONFIG="$work/c.toml" COUNTERQR_DATA_DIR="$work/c-data" \
            RUST_LOG=counterqr=info,counterqr::frame=debug,warn \
            LIBGL_ALWAYS_SOFTWARE=1 "$BIN" --fullscreen >/dev/null 2>&1 &
        pid=$!
        # Launch -> the app's log says it is drawing its first frame (the window is mapped just
        # before; the browser's figure below is launch -> its window mapped).
        for _ in $(seq 3000); do
            grep -qs 'drawing the first frame' "$work"/c-data/logs/* && break
            sleep 0.01
        done
        launch=$(echo "$(date +%s.%N) - $start" | bc)
        window_on "$display" '^counterqr$'
        sleep 1
        DISPLAY=$display xdotool type --delay 30 500
        DISPLAY=$display xdotool key Return
    else
        rm -rf "$work/chrome"
        local flags=(--user-data-dir="$work/chrome" --no-first-run --no-default-browser-check
            --disable-background-networking --disable-component-update --password-store=basic
            --no-sandbox --kiosk)
        DISPLAY=$display "$BROWSER" "${flags[@]}" "file://$work/page.html" >/dev/null 2>&1 &
        pid=$!
        window_on "$display" 'QR'
        launch=$(echo "$(date +%s.%N) - $start" | bc)
        if [ "$windows" = 2 ]; then
            DISPLAY=$display "$BROWSER" "${flags[@]}" --new-window "file://$work/page.html" >/dev/null 2>&1 &
        fi
    fi
    sleep 4
    local before after frames_before frames
    before=$(ticks "$pid")
    frames_before=$(frames_drawn "$app")
    sleep "$SECS"
    after=$(ticks "$pid")
    frames=$(( $(frames_drawn "$app") - frames_before ))
    [ "$app" = counterqr ] || frames=-
    local pss
    pss=$(pss_kib "$pid")
    kill "$pid" 2>/dev/null || true
    sleep 1
    pkill -P "$pid" 2>/dev/null || true
    kill "$wm" "$xvfb" 2>/dev/null || true
    wait "$xvfb" 2>/dev/null || true
    echo "$(echo "scale=2; 100 * ($after - $before) / ($TICK * $SECS)" | bc) $(echo "scale=1; $pss / 1024" | bc) $launch $frames"
}

if [ -n "${ONLY:-}" ]; then # one run, for trying the bench itself: ONLY="browser 2 1280x800"
    # shellcheck disable=SC2086
    run $ONLY
    exit 0
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "counterqr $("$BIN" --version | head -1) vs $("$BROWSER" --version 2>/dev/null | head -1)"
echo "$(nproc) cores, $(uname -r), $ROUNDS rounds of ${SECS} s, $(date -u +%F)"
printf '%-10s %-3s %-10s %-6s %8s %8s %8s %7s\n' app win size round "cpu%" "PSS MiB" "launch s" frames
results="$work/results"
: > "$results"
for round in $(seq "$ROUNDS"); do
    for windows in 1 2; do
        for size in 1280x800 1920x1080; do
            order="counterqr browser"
            [ $((round % 2)) -eq 0 ] && order="browser counterqr"
            for app in $order; do
                read -r cpu pss launch frames < <(run "$app" "$windows" "$size")
                printf '%-10s %-3s %-10s %-6s %8s %8s %8.2f %7s\n' "$app" "$windows" "$size" "$round" "$cpu" "$pss" "$launch" "$frames"
                echo "$app $windows $size $cpu $pss $launch" >> "$results"
            done
        done
    done
done
echo
echo "medians (and counterqr / browser):"
for windows in 1 2; do
    for size in 1280x800 1920x1080; do
        line="$windows window(s) $size:"
        for col in 4 5 6; do
            c=$(awk -v w="$windows" -v s="$size" -v k=$col '$1=="counterqr" && $2==w && $3==s {print $k}' "$results" | median)
            b=$(awk -v w="$windows" -v s="$size" -v k=$col '$1=="browser" && $2==w && $3==s {print $k}' "$results" | median)
            name=$(case $col in 4) echo "cpu%";; 5) echo "PSS MiB";; 6) echo "launch s";; esac)
            line="$line  $name $c vs $b ($(echo "scale=2; $c / $b" | bc))"
        done
        echo "$line"
    done
done
