#!/usr/bin/env bash
# Installs what Vireo needs on Debian/Ubuntu, then its npm dependencies.
#   bash build/setup.sh          for running Vireo (desktop app; falls back to the browser host)
#   bash build/setup.sh --test   also what the tests need: Prosody, ejabberd, Chromium, a Secret Service, an OMEMO peer
# Uses sudo when not root. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
[ "${1:-}" = "--test" ] && mode=test

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Native modules (better-sqlite3, keytar) build from source where no prebuilt binary can be fetched.
packages=(python3 make g++ libsecret-1-dev)
if [ "$mode" = test ]; then
  packages+=(
    prosody prosody-modules openssl            # the real XMPP server the tests start
    lua-dbi-sqlite3                            # its archives in SQLite (robust to being killed)
    ejabberd                                   # the second server (npm run test:ejabberd)
    chromium                                   # the browser Playwright drives (never a downloaded one)
    gnome-keyring dbus-x11 libsecret-tools     # a real Secret Service for the keychain tests
    xvfb xauth                                 # headful screenshots
    # the independent OMEMO peer (e2e/peers/omemo-python) for the interop tests; run it with
    # /usr/bin/python3. python3-xmlschema is needed by oldmemo.etree but not declared by it.
    python3-slixmpp python3-omemo python3-oldmemo python3-xmlschema
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts a system-wide Prosody and ejabberd on install; the tests run their own on free loopback
# ports (ejabberd with its own Erlang node and distribution port, no epmd), so stop and disable them.
# Without systemd running (containers, CI) the packages' SysV scripts may have started them.
if [ "$mode" = test ]; then
  for svc in prosody ejabberd; do
    if command -v systemctl >/dev/null 2>&1; then as_root systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
    if [ -x "/etc/init.d/$svc" ]; then
      as_root "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
      as_root update-rc.d "$svc" disable >/dev/null 2>&1 || true
    fi
  done
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Vireo needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# npm dependencies, once per package-lock.json and set of patches: a second run (or --test after a plain
# run) installs nothing. `npm ci` runs the postinstall script, which applies patches/ (patches/README.md),
# so a changed patch installs again from a clean node_modules.
# The Electron runtime is never downloaded by `npm ci` (that would hang or fail where only the npm registry
# is reachable); it is fetched below, on its own, only for `npm start`.
stamp=node_modules/.vireo-installed
want="$(cat package-lock.json patches/*.patch | sha256sum | cut -d' ' -f1) node-$(node --version)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

# The desktop runtime (not needed by the tests, which use the browser host). Given up after 30 s.
if [ "$mode" = run ] && ! node -e "require('fs').statSync(require('electron'))" >/dev/null 2>&1; then
  if ! timeout 30 node node_modules/electron/install.js >/tmp/vireo-electron-download.log 2>&1; then
    echo "The Electron desktop runtime could not be downloaded here; \`npm run start:web\` runs Vireo in your browser instead." >&2
  fi
fi
