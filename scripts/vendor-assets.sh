#!/usr/bin/env bash
# Refresh the vendored front-end assets embedded in the Rust binary.
#
# Downloads pinned npm tarballs (no `npm install`, no lifecycle scripts, no
# dependencies), checks their integrity against the values pinned below and
# copies only the files Sportello serves into crates/web/assets:
#
#   vendor/bootstrap-italia/  css, bundle JS, SVG sprites, woff2 fonts, licences
#   vendor/htmx/              htmx.min.js + LICENSE
#   css/fonts.css             @font-face rules (replaces bootstrap-italia's
#                             loadFonts(), which injects an inline <style>)
#
# Vendored files are copied byte-for-byte; source maps (*.map) are not copied.
# Node/npm are only needed to run this script, never at run time.
#
# To upgrade: change a *_VERSION below, set its *_INTEGRITY to the output of
# `npm view <package>@<version> dist.integrity`, run the script, review the
# diff (font file names in FONTS may change between releases) and update
# THIRD_PARTY_NOTICES.md.
set -euo pipefail

BOOTSTRAP_ITALIA_VERSION="2.18.3"
BOOTSTRAP_ITALIA_INTEGRITY="sha512-dz4kNtcAYJF4OsWABT9m3CAT3NH5y6OzGG+v/VUGH1LjumIUmlP3GaQ+aHgtv5Vw3B5dS0jbHZiHGSfdu+DffA=="
HTMX_VERSION="2.0.11"
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="

# Fonts shipped in bootstrap-italia/dist/fonts that we vendor (woff2 only).
# Same set of faces that bootstrap-italia's loadFonts() declares.
# family|directory|file (without .woff2)|font-weight|font-style
FONTS=(
  "Titillium Web|Titillium_Web|titillium-web-v10-latin-ext_latin-300|300|normal"
  "Titillium Web|Titillium_Web|titillium-web-v10-latin-ext_latin-300italic|300|italic"
  "Titillium Web|Titillium_Web|titillium-web-v10-latin-ext_latin-regular|400|normal"
  "Titillium Web|Titillium_Web|titillium-web-v10-latin-ext_latin-italic|400|italic"
  "Titillium Web|Titillium_Web|titillium-web-v10-latin-ext_latin-600|600|normal"
  "Titillium Web|Titillium_Web|titillium-web-v10-latin-ext_latin-600italic|600|italic"
  "Titillium Web|Titillium_Web|titillium-web-v10-latin-ext_latin-700|700|normal"
  "Titillium Web|Titillium_Web|titillium-web-v10-latin-ext_latin-700italic|700|italic"
  "Roboto Mono|Roboto_Mono|roboto-mono-v13-latin-ext_latin-regular|400|normal"
  "Roboto Mono|Roboto_Mono|roboto-mono-v13-latin-ext_latin-italic|400|italic"
  "Roboto Mono|Roboto_Mono|roboto-mono-v13-latin-ext_latin-700|700|normal"
  "Roboto Mono|Roboto_Mono|roboto-mono-v13-latin-ext_latin-700italic|700|italic"
  "Lora|Lora|lora-v20-latin-ext_latin-regular|400|normal"
  "Lora|Lora|lora-v20-latin-ext_latin-italic|400|italic"
  "Lora|Lora|lora-v20-latin-ext_latin-700|700|normal"
  "Lora|Lora|lora-v20-latin-ext_latin-700italic|700|italic"
)
# Licence texts shipped next to the fonts (directory/file).
FONT_LICENSES=(
  "Titillium_Web/OFL.txt"
  "Roboto_Mono/LICENSE.txt"
  "Lora/OFL.txt"
)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS="$REPO_ROOT/crates/web/assets"
VENDOR="$ASSETS/vendor"

for tool in npm node tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' is required" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch <package> <version> <integrity>: download, verify and unpack into
# $WORK/<package>/package
fetch() {
  local pkg="$1" version="$2" integrity="$3" dir tgz actual
  dir="$WORK/$pkg"
  mkdir -p "$dir"
  echo "==> $pkg@$version"
  (cd "$dir" && npm pack --ignore-scripts --silent "$pkg@$version" >/dev/null)
  tgz="$(find "$dir" -maxdepth 1 -name '*.tgz' -print -quit)"
  [[ -n "$tgz" ]] || { echo "error: npm pack produced no tarball for $pkg" >&2; exit 1; }
  actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
  if [[ "$actual" != "$integrity" ]]; then
    echo "error: integrity mismatch for $pkg@$version" >&2
    echo "  expected $integrity" >&2
    echo "  got      $actual" >&2
    exit 1
  fi
  tar -xzf "$tgz" -C "$dir"
}

# put <src> <dst>: copy one file byte-for-byte (mode 0644), creating dirs.
put() {
  [[ -f "$1" ]] || { echo "error: missing $1" >&2; exit 1; }
  install -D -m 0644 "$1" "$2"
}

fetch bootstrap-italia "$BOOTSTRAP_ITALIA_VERSION" "$BOOTSTRAP_ITALIA_INTEGRITY"
fetch htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY"

BI="$WORK/bootstrap-italia/package"
HX="$WORK/htmx.org/package"

# Only these three directories are owned by this script.
rm -rf "$VENDOR/bootstrap-italia" "$VENDOR/htmx"

# 1. Bootstrap Italia
put "$BI/LICENSE"                                  "$VENDOR/bootstrap-italia/LICENSE"
put "$BI/dist/css/bootstrap-italia.min.css"        "$VENDOR/bootstrap-italia/css/bootstrap-italia.min.css"
put "$BI/dist/js/bootstrap-italia.bundle.min.js"   "$VENDOR/bootstrap-italia/js/bootstrap-italia.bundle.min.js"
put "$BI/dist/svg/sprites.svg"                     "$VENDOR/bootstrap-italia/svg/sprites.svg"
for entry in "${FONTS[@]}"; do
  IFS='|' read -r _family dir file _weight _style <<<"$entry"
  put "$BI/dist/fonts/$dir/$file.woff2" "$VENDOR/bootstrap-italia/fonts/$dir/$file.woff2"
done
for lic in "${FONT_LICENSES[@]}"; do
  put "$BI/dist/fonts/$lic" "$VENDOR/bootstrap-italia/fonts/$lic"
done

# 2. css/fonts.css
mkdir -p "$ASSETS/css"
{
  cat <<EOF
/*
 * Web fonts for Bootstrap Italia $BOOTSTRAP_ITALIA_VERSION, served from our own origin.
 * GENERATED by scripts/vendor-assets.sh - do not edit by hand.
 *
 * Replaces bootstrap-italia's loadFonts(), which injects an inline <style>
 * (blocked by our CSP). Family names match bootstrap-italia.min.css.
 * Licences: Titillium Web and Lora SIL OFL 1.1, Roboto Mono Apache-2.0
 * (see ../vendor/bootstrap-italia/fonts/).
 */
EOF
  for entry in "${FONTS[@]}"; do
    IFS='|' read -r family dir file weight style <<<"$entry"
    cat <<EOF

@font-face {
  font-family: "$family";
  font-style: $style;
  font-weight: $weight;
  font-display: swap;
  src: url("../vendor/bootstrap-italia/fonts/$dir/$file.woff2") format("woff2");
}
EOF
  done
} >"$ASSETS/css/fonts.css"

# 3. htmx
put "$HX/dist/htmx.min.js" "$VENDOR/htmx/htmx.min.js"
put "$HX/LICENSE"          "$VENDOR/htmx/LICENSE"

if find "$VENDOR" -name '*.map' | grep -q .; then
  echo "error: source maps found under $VENDOR" >&2
  exit 1
fi

echo "==> done: $(du -sh "$ASSETS" | cut -f1) in ${ASSETS#"$REPO_ROOT"/}"
echo "bootstrap-italia $BOOTSTRAP_ITALIA_VERSION, htmx.org $HTMX_VERSION"
