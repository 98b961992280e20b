#!/usr/bin/env bash
# The update test's bundles (tests/e2e/update.test.mjs), from the test build as it is:
#
#   older.AppImage     this build (its window carries the public key of KEY_DIR, built in
#                      through FABRIK_UPDATE_PUBKEY when scripts/test.sh compiled it)
#   newer.AppImage     the same build one patch version later: only the window is compiled
#                      again, with Tauri's version set through TAURI_CONFIG (what its updater
#                      compares and Om Fabrik shows)
#   newer.AppImage.sig           signed with KEY_DIR/key as its version (`tauri signer sign
#                                --app-version`, as the release workflow's sign job signs)
#   older.AppImage.sig           the older one signed the same way, as its own version: a
#                                genuine older release, which the test offers labelled newer
#   newer.AppImage.wrong-key.sig signed with a key made here, which no build trusts
#   bundles.json       the versions and file names
#
#   bash scripts/update-bundles.sh KEY_DIR OUT_DIR
#   bash scripts/update-bundles.sh --newer BIN_DIR   only compiles the newer version and keeps
#                                                    its `fabrik` in BIN_DIR
#
# In the build's own environment (the same flags, so the one crate is all that is compiled).
# Alone, target/debug/fabrik is the newer version afterwards, and the next build makes it the
# plain one again. scripts/test.sh compiles the newer one first (`--newer`) and its own build
# after it, and names BIN_DIR in FABRIK_UPDATE_NEWER_BIN: then nothing is compiled here, and the
# update test runs beside the Rust tests, which start target/debug/fabrik (run 1 of 2026-11-30:
# four of them failed when it became 0.1.1 under them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
older="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -1)"
IFS=. read -r major minor patch <<<"${older%%-*}"
newer="$major.$minor.$((patch + 1))"
# Every target and feature as scripts/test.sh builds them: a narrower selection (`--bin
# fabrik` alone) leaves the dev-dependencies' features out, and cargo compiled the whole
# tree again (four minutes on CI's two cores instead of one crate).
build_newer() {
  TAURI_CONFIG="{\"version\":\"$newer\"}" cargo build --quiet --workspace --exclude empty-window \
    --features fabrik-app/custom-protocol --bins --benches --examples
}
if [ "${1:-}" = --newer ]; then
  [ $# -eq 2 ] || { echo "usage: update-bundles.sh --newer BIN_DIR" >&2; exit 2; }
  mkdir -p "$2"
  build_newer
  cp "$TARGET/debug/fabrik" "$2/fabrik.part"
  mv "$2/fabrik.part" "$2/fabrik"
  exit 0
fi
mkdir -p "$2"
KEY_DIR="$(cd "$1" && pwd)"
OUT="$(cd "$2" && pwd)"
tauri() { npm --prefix "$ROOT/ui" run --silent tauri -- "$@"; }

[ -s "$KEY_DIR/key" ] || { echo "update-bundles.sh: no key in $KEY_DIR (scripts/test.sh makes it before the build)" >&2; exit 1; }
bash "$ROOT/scripts/appimage.sh" "$TARGET/debug" "$OUT/older.AppImage"
if [ -n "${FABRIK_UPDATE_NEWER_BIN:-}" ]; then
  bash "$ROOT/scripts/appimage.sh" "$FABRIK_UPDATE_NEWER_BIN" "$OUT/newer.AppImage"
else
  build_newer
  bash "$ROOT/scripts/appimage.sh" "$TARGET/debug" "$OUT/newer.AppImage"
fi

export TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""
tauri signer sign -f "$KEY_DIR/key" --app-version "$newer" "$OUT/newer.AppImage" >/dev/null
tauri signer sign -f "$KEY_DIR/key" --app-version "$older" "$OUT/older.AppImage" >/dev/null
rm -rf "$OUT/other-key"
mkdir -p "$OUT/other-key"
tauri signer generate --ci -w "$OUT/other-key/key" >/dev/null 2>&1
cp "$OUT/newer.AppImage" "$OUT/wrong-key.AppImage"
tauri signer sign -f "$OUT/other-key/key" --app-version "$newer" "$OUT/wrong-key.AppImage" >/dev/null
mv "$OUT/wrong-key.AppImage.sig" "$OUT/newer.AppImage.wrong-key.sig"
rm -f "$OUT/wrong-key.AppImage"

printf '{"older":{"version":"%s","file":"older.AppImage","signature":"older.AppImage.sig"},"newer":{"version":"%s","file":"newer.AppImage","signature":"newer.AppImage.sig","wrongKeySignature":"newer.AppImage.wrong-key.sig"}}\n' \
  "$older" "$newer" > "$OUT/bundles.json"
