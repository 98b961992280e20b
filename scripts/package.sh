#!/usr/bin/env bash
# Fabrik's installers, built by Tauri's bundler from this checkout with tauri.conf.json's bundle
# configuration, on the system they are for:
#
#   bash scripts/package.sh                 a release build, then this system's installers:
#                                           Linux .deb, .rpm and .AppImage; macOS .app and .dmg
#                                           (universal: Apple silicon and Intel); Windows NSIS
#                                           and MSI
#   bash scripts/package.sh deb             a release build, then only the .deb
#   bash scripts/package.sh --debug deb     the test build as it is (target/debug, built by
#                                           scripts/test.sh): nothing is compiled, only packed
#
# Each package holds one binary, `fabrik`: alone it opens the window, with a subcommand it is the
# command line (on the PATH on Linux; inside the app on macOS and the install folder on Windows,
# see docs/INSTALL.md). Beside it the desktop entry and icons, and the licences of everything it
# carries (scripts/licenses.mjs). The packages land in
# target/<profile>/bundle/<kind>/ (target/universal-apple-darwin/… on macOS). The .AppImage
# fetches Tauri's linuxdeploy tools on its first build (cached in ~/.cache/tauri); the .deb and
# .rpm need nothing from the network.
#
# Signing comes from the environment, never from the repository (.github/workflows/release.yml
# names each secret): APPLE_CERTIFICATE, APPLE_CERTIFICATE_PASSWORD, APPLE_SIGNING_IDENTITY and
# APPLE_ID, APPLE_PASSWORD, APPLE_TEAM_ID for notarization (read by Tauri itself);
# FABRIK_WINDOWS_CERT_THUMBPRINT for a certificate already in the Windows store;
# TAURI_SIGNING_PRIVATE_KEY (and _PASSWORD) for the updates' signatures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

profile=release
if [ "${1:-}" = "--debug" ]; then profile=debug; shift; fi
case "$(uname -s)" in
  Linux) os=linux; bundles="${1:-deb,rpm,appimage}" ;;
  Darwin) os=macos; bundles="${1:-app,dmg}" ;;
  MINGW* | MSYS* | CYGWIN*) os=windows; bundles="${1:-nsis,msi}" ;;
  *) echo "package.sh: no installers for $(uname -s)" >&2; exit 1 ;;
esac
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
tauri() { npm --prefix "$ROOT/ui" run --silent tauri -- "$@"; }
# Paths as the bundler (a native program) reads them.
native() { if [ "$os" = windows ]; then cygpath -m "$1"; else printf '%s' "$1"; fi; }
flags=(--ci --bundles "$bundles")

# Where the build lands: the bundler packs what is there.
if [ "$profile" = debug ]; then
  OUT="$TARGET/debug"
  exe=""; [ "$os" = windows ] && exe=".exe"
  [ -x "$OUT/fabrik$exe" ] || { echo "package.sh: $OUT/fabrik$exe is missing; build it first (scripts/test.sh builds the test build)." >&2; exit 1; }
elif [ "$os" = macos ]; then
  OUT="$TARGET/universal-apple-darwin/release"
  flags+=(--target universal-apple-darwin)
else
  OUT="$TARGET/release"
fi
mkdir -p "$OUT/package"
LICENCES="$OUT/package/THIRD-PARTY-LICENSES.txt"
node "$ROOT/scripts/licenses.mjs" > "$LICENCES"

# What the bundler adds beside the one binary, with this build's paths (tauri.conf.json holds
# everything every build shares): the licences.
lic="$(native "$LICENCES")"
case "$os" in
  linux)
    files=$(printf '{"/usr/share/doc/fabrik/THIRD-PARTY-LICENSES.txt":"%s"}' "$lic")
    config=$(printf '{"bundle":{"linux":{"deb":{"files":%s},"rpm":{"files":%s},"appimage":{"files":%s}}}}' "$files" "$files" "$files") ;;
  macos)
    config=$(printf '{"bundle":{"macOS":{"files":{"Resources/THIRD-PARTY-LICENSES.txt":"%s"}}}}' "$lic") ;;
  windows)
    sign=""
    if [ -n "${FABRIK_WINDOWS_CERT_THUMBPRINT:-}" ]; then
      sign=$(printf ',"windows":{"certificateThumbprint":"%s","digestAlgorithm":"sha256","timestampUrl":"http://timestamp.digicert.com"}' "$FABRIK_WINDOWS_CERT_THUMBPRINT")
    fi
    config=$(printf '{"bundle":{"resources":{"%s":"THIRD-PARTY-LICENSES.txt"}%s}}' "$lic" "$sign") ;;
esac

# With the update key's private half (the release workflow's secret), the bundles the updater
# installs are signed too (.sig beside each; scripts/update-feed.mjs makes the feed of them).
# FABRIK_UPDATE_PUBKEY and FABRIK_UPDATE_FEED, when set, are built into the binary.
if [ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  config=$(node -e 'const c = JSON.parse(process.argv[1]); c.bundle.createUpdaterArtifacts = true; process.stdout.write(JSON.stringify(c));' "$config")
fi

if [ "$profile" = release ]; then
  # Builds the UI (beforeBuildCommand) and the window with the bundled UI, then packs.
  tauri build "${flags[@]}" --config "$config"
else
  tauri bundle "${flags[@]}" --debug --no-sign --config "$config"
fi
# Tauri's bundler packs the .deb's files with gzip; dpkg's own xz (Debian's default) makes the
# release package a third smaller (11.4 MiB → 7.9, #71). The test build is packed again the
# same way, with gzip at its fastest: xz took a minute over its 200 MB debug binary.
if [ "$os" = linux ] && [[ ",$bundles," == *,deb,* ]]; then
  if [ "$profile" = release ]; then level=(-Zxz -z6); else level=(-Zgzip -z1); fi
  for deb in "$OUT"/bundle/deb/*.deb; do
    [ "$deb" -nt "$LICENCES" ] || continue
    unpacked="$(mktemp -d)"
    dpkg-deb -R "$deb" "$unpacked/root"
    dpkg-deb --root-owner-group "${level[@]}" -b "$unpacked/root" "$deb.part" >/dev/null
    mv "$deb.part" "$deb"
    rm -rf "$unpacked"
  done
fi

# What it made, and how big.
find "$(dirname "$OUT")" -path '*/bundle/*' -type f -newer "$LICENCES" \
  \( -name '*.deb' -o -name '*.rpm' -o -name '*.AppImage' -o -name '*.dmg' -o -name '*.exe' -o -name '*.msi' \) |
  while read -r made; do
    bytes="$(wc -c < "$made" | tr -d ' ')"
    echo "$made ($bytes bytes)"
    # docs/BENCHMARKS.md keeps these: the .deb at most 10 MiB (#71).
    echo "bench: package_${made##*.}_bytes=$bytes"
  done
