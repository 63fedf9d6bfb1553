#!/bin/sh
# Headless Chromium opens the HTML report in tests/reports/test_html_chromium.py (no network
# request, no console error, hostile post text shown as text) and prints `cmkit report
# --format pdf`. Debian's package is `chromium`.
set -eu
for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then
        exit 0
    fi
done
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium.sh: no apt-get here; install Chromium with your package manager" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# fonts-noto-color-emoji: posts carry emoji; without it they print as empty boxes
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    fonts-noto-color-emoji >/dev/null 2>&1 || {
    $SUDO apt-get update -qq
    $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
        fonts-noto-color-emoji
}
command -v chromium >/dev/null
