#!/usr/bin/env bash
# Sets up a fresh Debian machine that has only Node 20 and npm: pnpm (the version package.json pins), the
# system packages the tests drive (when running as root and they are missing), then the workspace's
# dependencies from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  npm install -g -E "pnpm@$want" --no-fund --no-audit --loglevel=error
fi

# System packages the browser and deployment tests use (listed in one place; none yet for the unit suite).
apt_packages=()
if [ -f scripts/apt-packages.txt ]; then
  while read -r name; do
    [ -n "$name" ] && [ "${name:0:1}" != "#" ] && ! dpkg -s "$name" >/dev/null 2>&1 && apt_packages+=("$name")
  done < scripts/apt-packages.txt
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
  else
    echo "missing system packages (install them as root): ${apt_packages[*]}" >&2
  fi
fi

# Native addons (better-sqlite3 for the collector) build against the installed Node's own headers: this
# machine has no route to download them. npm's config names where they are; pnpm's node-gyp reads the env.
nodedir=$(npm config get nodedir 2>/dev/null || true)
if [ -n "$nodedir" ] && [ "$nodedir" != "undefined" ] && [ -z "${npm_config_nodedir:-}" ]; then
  export npm_config_nodedir="$nodedir"
fi

CI=true pnpm install --frozen-lockfile
