#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages counterqr needs, for each purpose named on the command line
# (build, run, test, package), saying what it installs. Packages already there are left alone.
# On a system without apt-get it only says what is needed.
#
#   bash scripts/deps.sh build run        # what `cargo run --release` needs
#   bash scripts/deps.sh build test       # what the tests need
set -euo pipefail

declare -A WHY
add() { local why=$1; shift; for p in "$@"; do WHY[$p]=$why; done; }

for purpose in "$@"; do
    case "$purpose" in
        build)
            add "a C compiler for rustls (aws-lc), SQLite and the ALSA bindings" build-essential
            add "finding the ALSA library while building" pkg-config
            add "ALSA headers, for the paid chime" libasound2-dev
            add "the system's certificate authorities, for https to the gateways" ca-certificates
            ;;
        run)
            add "software OpenGL for the window (Mesa)" libgl1-mesa-dri libegl1
            add "the keyboard under X11" libxkbcommon-x11-0
            add "saying the amount received out loud" espeak-ng
            ;;
        test)
            add "software OpenGL for the window (Mesa)" libgl1-mesa-dri libegl1
            add "the keyboard under X11" libxkbcommon-x11-0
            add "an X server, typing and screenshots for the end-to-end tests" \
                xvfb xdotool imagemagick
            add "a window manager, to minimise a window in an end-to-end test" openbox
            add "reading QR codes back from screenshots" zbar-tools
            add "calling the sales API as billing software would" curl
            add "reading the customer's screen back in Hindi, Tamil and Bengali" \
                tesseract-ocr tesseract-ocr-hin tesseract-ocr-tam tesseract-ocr-ben
            add "speaking the amount in every language, and measuring the WAV files" espeak-ng sox
            add "a private D-Bus session and Secret Service keyring for the keyring tests" \
                dbus gnome-keyring libsecret-tools
            ;;
        package)
            add "building and checking the .deb" dpkg-dev desktop-file-utils
            ;;
        *)
            echo "deps.sh: unknown purpose '$purpose' (build, run, test, package)" >&2
            exit 2
            ;;
    esac
done

missing=()
for p in "${!WHY[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

IFS=$'\n' missing=($(sort <<<"${missing[*]}")); unset IFS
echo "counterqr needs these packages, which are not installed:"
for p in "${missing[@]}"; do
    printf '  %-22s %s\n' "$p" "${WHY[$p]}"
done
if ! command -v apt-get >/dev/null; then
    echo "No apt-get here: install the equivalents with your system's package manager." >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Run as root, or install sudo, to install them." >&2; exit 1; }
    SUDO="sudo"
fi
echo "Installing them with apt-get…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
