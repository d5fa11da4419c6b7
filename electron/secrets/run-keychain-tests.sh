#!/usr/bin/env bash
# Runs electron/secrets/keychain.itest.ts against the real OS keychain, twice (CONTRIBUTING.md "Keychain in
# tests"):
#  1. inside a private D-Bus session with a freshly unlocked gnome-keyring (the normal desktop case);
#  2. with no D-Bus at all (headless / locked-down Linux), where Vireo must say so quickly, not hang.
# Needs gnome-keyring, dbus-x11 (dbus-run-session) and libsecret-tools (secret-tool).
# Exits non-zero if either run fails.
set -u
cd "$(dirname "$0")/../.."

# gnome-keyring keeps its keyring files under XDG_DATA_HOME and its control socket under
# XDG_RUNTIME_DIR: point both at a throw-away directory so `--unlock` with a test password never
# touches (or creates) the developer's real login keyring.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/vireo-keychain.XXXXXX")"
chmod 700 "$scratch"
trap 'rm -rf "$scratch"' EXIT
mkdir -m 700 -p "$scratch/data" "$scratch/runtime" "$scratch/cache"

vitest=(npx vitest run --config electron/secrets/vitest.keychain.config.ts electron/secrets/keychain.itest.ts)

status=0
start=$(date +%s)

echo "== 1/2: real Secret Service (private D-Bus session, unlocked gnome-keyring)"
# The daemon lives only as long as the private bus; dbus-run-session ends it when sh exits.
if ! XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" XDG_CACHE_HOME="$scratch/cache" \
  dbus-run-session -- sh -c 'printf testpass | gnome-keyring-daemon --unlock --components=secrets >/dev/null; VIREO_KEYCHAIN_TEST=1 "$@"' sh "${vitest[@]}"; then
  echo "!! keychain test with a running Secret Service FAILED" >&2
  status=1
fi

echo "== 2/2: no D-Bus session at all"
# Without DISPLAY too: with an X display libdbus would autolaunch a bus (dbus-x11) and the test would
# no longer be about "no D-Bus".
if ! env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY \
  XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" XDG_CACHE_HOME="$scratch/cache" \
  VIREO_KEYCHAIN_TEST=none "${vitest[@]}"; then
  echo "!! keychain test without D-Bus FAILED" >&2
  status=1
fi

echo "== keychain tests took $(( $(date +%s) - start )) s; $([ $status -eq 0 ] && echo PASSED || echo FAILED)"
exit $status
