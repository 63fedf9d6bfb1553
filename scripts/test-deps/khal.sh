#!/bin/sh
# khal (Debian's CLI calendar) reads the .ics files `cmkit calendar --ics` writes: the
# tests in tests/plan/test_ics_khal.py prove a real calendar client imports them.
set -eu
if command -v khal >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "khal.sh: no apt-get here; install khal with your package manager" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends khal >/dev/null 2>&1 || {
    $SUDO apt-get update -qq
    $SUDO apt-get install -y --no-install-recommends khal
}
command -v khal >/dev/null
