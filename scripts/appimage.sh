#!/usr/bin/env bash
# An AppImage of a build that is already made, without the network: the type-2 AppImage
# runtime (AppImageKit's, which the crates.io package `appimage` 0.4.0 carries; fetched and
# checked by its SHA-256 once, into ~/.cache/fabrik) followed by a SquashFS image
# (squashfs-tools) of an AppDir holding `fabrik` (the window, and the command line with a
# subcommand), the desktop entry, the icon and the licences. It is how the tests get two versions of the AppImage to update
# between (tests/e2e/update.test.mjs).
#
# Tauri's own AppImage (scripts/package.sh appimage, in the release workflow) also carries
# the GTK and WebKitGTK libraries, put in by linuxdeploy, which it downloads from GitHub;
# this one uses the system's (the same the .deb declares).
#
#   bash scripts/appimage.sh --runtime           fetch the runtime (an install step; nothing else)
#   bash scripts/appimage.sh BIN_DIR OUT.AppImage  pack BIN_DIR/fabrik
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

CRATE=https://static.crates.io/crates/appimage/appimage-0.4.0.crate
CRATE_SHA256=567a4da6b94a2ac20a27620933c80fc14cf475b5fe7d7b137d20eb237d6b1920
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/fabrik"
[ -n "${FABRIK_APPIMAGE_CACHE:-}" ] && CACHE="$FABRIK_APPIMAGE_CACHE"
RUNTIME="$CACHE/appimage-runtime-x86_64"

runtime() {
  [ -s "$RUNTIME" ] && return 0
  # Within the tests nothing is fetched (scripts/test.sh fetches it with the installs).
  if [ -n "${FABRIK_TEST_WORK:-}" ] && [ "${1:-}" != fetch ]; then
    echo "appimage.sh: no AppImage runtime in $CACHE (scripts/test.sh fetches it during the installs)" >&2
    exit 1
  fi
  [ "$(uname -m)" = x86_64 ] || { echo "appimage.sh: the runtime here is for x86_64 only" >&2; exit 1; }
  mkdir -p "$CACHE"
  local tmp
  tmp="$(mktemp -d)"
  curl -fsSL --max-time 60 --retry 2 -o "$tmp/appimage.crate" "$CRATE"
  echo "$CRATE_SHA256  $tmp/appimage.crate" | sha256sum -c --quiet -
  tar -xzf "$tmp/appimage.crate" -C "$tmp" appimage-0.4.0/assets/runtime-x86_64
  install -m 0755 "$tmp/appimage-0.4.0/assets/runtime-x86_64" "$RUNTIME.part"
  mv "$RUNTIME.part" "$RUNTIME"
  rm -rf "$tmp"
}

if [ "${1:-}" = "--runtime" ]; then
  runtime fetch
  exit 0
fi
[ $# -eq 2 ] || { echo "usage: appimage.sh BIN_DIR OUT.AppImage | --runtime" >&2; exit 2; }
BIN="$1"
OUT="$2"
[ -x "$BIN/fabrik" ] || { echo "appimage.sh: $BIN/fabrik is missing; build it first" >&2; exit 1; }
runtime

DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
APPDIR="$DIR/Fabrik.AppDir"
mkdir -p "$APPDIR/usr/bin" "$APPDIR/usr/share/applications" "$APPDIR/usr/share/icons/hicolor/128x128/apps" "$APPDIR/usr/share/doc/fabrik"
# Without their line tables: an installer carries the program, not what a debugger reads.
objcopy --strip-debug "$BIN/fabrik" "$APPDIR/usr/bin/fabrik"
cat > "$APPDIR/usr/share/applications/fabrik.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Name=Fabrik
Comment=Kommandocentral för SaaS-fabriken
Exec=fabrik
Icon=fabrik
Categories=Office;
Terminal=false
EOF
cp "$APPDIR/usr/share/applications/fabrik.desktop" "$APPDIR/fabrik.desktop"
cp "$ROOT/icons/128x128.png" "$APPDIR/usr/share/icons/hicolor/128x128/apps/fabrik.png"
cp "$ROOT/icons/128x128.png" "$APPDIR/fabrik.png"
ln -s fabrik.png "$APPDIR/.DirIcon"
if [ -f "$BIN/package/THIRD-PARTY-LICENSES.txt" ]; then
  cp "$BIN/package/THIRD-PARTY-LICENSES.txt" "$APPDIR/usr/share/doc/fabrik/"
fi
# The runtime starts AppRun with APPIMAGE (this file) and APPDIR set, which is how the window
# knows it may replace itself (src-tauri/src/update.rs).
ln -s usr/bin/fabrik "$APPDIR/AppRun"

# gzip, the one compression this runtime reads; its fastest level (the tests pack two).
mksquashfs "$APPDIR" "$DIR/fs.squashfs" -root-owned -noappend -quiet -no-progress -comp gzip -Xcompression-level 1 -b 1M >/dev/null
mkdir -p "$(dirname "$OUT")"
cat "$RUNTIME" "$DIR/fs.squashfs" > "$OUT.part"
chmod 0755 "$OUT.part"
mv "$OUT.part" "$OUT"
