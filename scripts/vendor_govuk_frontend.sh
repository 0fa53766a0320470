#!/usr/bin/env bash
# Vendor GOV.UK Frontend compiled assets into static/govuk/.
#
# Usage: scripts/vendor_govuk_frontend.sh            (defaults to govuk-frontend@5.14)
#        GOVUK_FRONTEND_VERSION=5.14.0 scripts/vendor_govuk_frontend.sh
#
# Idempotent: static/govuk/ is deleted and rebuilt on every run.
#
# Deliberately EXCLUDED (not covered by the MIT licence / reserved for GOV.UK):
#   * GDS Transport fonts (assets/fonts, *.woff, *.woff2) and every @font-face rule;
#     font stacks fall back to arial, sans-serif.
#   * The crown, Royal Arms crest, GOV.UK logotype and every crown favicon/app icon
#     (favicon.*, govuk-crest*, govuk-logotype*, govuk-icon*, govuk-opengraph-image*,
#     and the whole assets/rebrand/ tree), plus web-app manifest.json files whose
#     icons were all removed.
#   * CSS url() references to removed images are replaced with `none`, and the
#     footer crest pseudo-element (.govuk-footer__copyright-logo:before) is hidden,
#     because with the crest mask gone it would render as a solid block.
set -euo pipefail

VERSION_SPEC="${GOVUK_FRONTEND_VERSION:-5.14}"
EXPECTED_PREFIX="5.14."

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
DEST="static/govuk"

command -v npm >/dev/null || { echo "error: npm not found" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 not found" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "==> npm pack govuk-frontend@${VERSION_SPEC}"
TARBALL="$(cd "$TMP" && npm pack --silent "govuk-frontend@${VERSION_SPEC}" | tail -n 1)"
tar -xzf "$TMP/$TARBALL" -C "$TMP"
PKG="$TMP/package"
SRC="$PKG/dist/govuk"

VERSION="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$PKG/package.json")"
case "$VERSION" in
  "$EXPECTED_PREFIX"*) ;;
  *) echo "error: got govuk-frontend $VERSION, expected ${EXPECTED_PREFIX}x" >&2; exit 1 ;;
esac
echo "==> govuk-frontend $VERSION"

rm -rf "$DEST"
mkdir -p "$DEST"

for f in govuk-frontend.min.css govuk-frontend.min.css.map govuk-frontend.min.js govuk-frontend.min.js.map; do
  cp "$SRC/$f" "$DEST/$f"
done
cp -R "$SRC/assets" "$DEST/assets"

echo "==> removing fonts and crown/logotype images"
# Fonts: GDS Transport is licensed for use on GOV.UK only.
FONT_FILES=( -iname '*.woff' -o -iname '*.woff2' -o -iname '*.ttf' -o -iname '*.otf' -o -iname '*.eot' )
{ find "$DEST/assets" -type f -path '*/fonts/*'; find "$DEST/assets" -type f \( "${FONT_FILES[@]}" \); } \
  | sort -u | sed 's/^/    removed: /'
find "$DEST/assets" -type d -name fonts -prune -exec rm -rf {} +
find "$DEST/assets" -type f \( "${FONT_FILES[@]}" \) -delete

# Crown / crest / logotype imagery (the rebrand/ tree only contains crown-branded icons).
if [ -d "$DEST/assets/rebrand" ]; then
  echo "    removed: $DEST/assets/rebrand/ ($(find "$DEST/assets/rebrand" -type f | wc -l | tr -d ' ') files)"
  rm -rf "$DEST/assets/rebrand"
fi
CROWN_PATTERNS=( -iname 'favicon*' -o -iname 'govuk-crest*' -o -iname 'govuk-logotype*'
                 -o -iname 'govuk-icon*' -o -iname 'govuk-opengraph-image*' -o -iname '*crown*' )
find "$DEST/assets" -type f \( "${CROWN_PATTERNS[@]}" \) -print | sort | sed 's/^/    removed: /'
find "$DEST/assets" -type f \( "${CROWN_PATTERNS[@]}" \) -delete

# Web-app manifests whose icons no longer exist are useless (and would 404).
python3 - "$DEST/assets" <<'PY'
import json, os, sys
root = sys.argv[1]
for dirpath, _, files in os.walk(root):
    for name in files:
        if name != "manifest.json":
            continue
        path = os.path.join(dirpath, name)
        icons = json.load(open(path)).get("icons", [])
        remaining = [i for i in icons if os.path.exists(os.path.join(dirpath, i["src"]))]
        if not remaining:
            os.remove(path)
            print(f"    removed: {path} (all icons removed)")
        elif len(remaining) != len(icons):
            sys.exit(f"error: {path} references some removed icons; review manually")
PY

find "$DEST/assets" -depth -type d -empty -delete 2>/dev/null || true

echo "==> post-processing CSS"
python3 - "$DEST" <<'PY'
import os, re, sys

dest = sys.argv[1]
css_path = os.path.join(dest, "govuk-frontend.min.css")
css = open(css_path, encoding="utf-8").read()

# 1. Strip every @font-face rule (they contain no nested braces).
css, n = re.subn(r"@font-face\s*\{[^}]*\}", "", css)
print(f"    stripped {n} @font-face rule(s)")

# 2. Drop GDS Transport from font stacks (quoted or unquoted) so they fall back to arial.
css, n = re.subn(r"""(["']?)GDS Transport\1\s*,\s*""", "", css)
print(f"    removed 'GDS Transport' from {n} font-family stack(s)")
if "GDS Transport" in css:
    sys.exit("error: 'GDS Transport' still present in CSS")

# 3. Rewrite absolute /assets/ URLs to relative ones; neutralise URLs to removed files.
url_re = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
missing = set()

def fix(m):
    url = m.group(2).strip()
    if url.startswith("/assets/"):
        url = url[1:]
    if url.startswith(("data:", "http:", "https:", "//", "#")):
        return m.group(0)
    target = os.path.normpath(os.path.join(dest, url.split("?")[0].split("#")[0]))
    if not os.path.isfile(target):
        missing.add(url)
        return "none"
    return f"url({url})"

css = url_re.sub(fix, css)
for url in sorted(missing):
    print(f"    neutralised url({url}) -> none (file not vendored)")

# 4. The footer crest is drawn as a currentcolor block masked by the crest SVG; with
#    the mask gone it would be a solid bar, so hide the pseudo-element entirely.
override = ".govuk-footer__copyright-logo:before{content:none;display:none}"
if ".govuk-footer__copyright-logo:before" in css:
    marker = "/*# sourceMappingURL="
    idx = css.rfind(marker)
    if idx == -1:
        css = css.rstrip("\n") + "\n" + override + "\n"
    else:
        css = css[:idx] + override + "\n" + css[idx:]
    print("    hid .govuk-footer__copyright-logo:before (crest removed)")

open(css_path, "w", encoding="utf-8").write(css)
PY

echo "$VERSION" > "$DEST/VERSION"

# LICENSE: the npm tarball does not currently ship one; fall back to upstream's MIT text
# (alphagov/govuk-frontend LICENSE.txt, matching package.json "license": "MIT").
LICENSE_SRC="$(find "$PKG" -maxdepth 1 -type f \( -iname 'LICEN[CS]E*' -o -iname 'COPYING*' \) | head -n 1)"
{
  if [ -n "$LICENSE_SRC" ]; then
    cat "$LICENSE_SRC"
  else
    cat <<'MIT'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
MIT
  fi
  cat <<NOTE

---------------------------------------------------------------------------
Vendored from the npm package govuk-frontend@${VERSION} by
scripts/vendor_govuk_frontend.sh. The MIT licence above covers the code only.
Not included here: the GDS Transport font (licensed for GOV.UK only; all
@font-face rules were stripped and font stacks fall back to arial), and the
crown, Royal Arms crest, GOV.UK logotype and crown-branded favicons/app icons
(not covered by the MIT licence). Use of this code must not imply that the
service is part of GOV.UK.
NOTE
} > "$DEST/LICENSE"

echo "==> verifying"
CSS="$DEST/govuk-frontend.min.css"
fail=0
if grep -q '@font-face' "$CSS"; then echo "error: @font-face remains" >&2; fail=1; fi
if grep -q 'GDS Transport' "$CSS"; then echo "error: GDS Transport remains" >&2; fail=1; fi
if grep -Eq "url\(\s*[\"']?/assets/" "$CSS"; then echo "error: absolute /assets/ url remains" >&2; fail=1; fi
if [ -n "$(find "$DEST" -type f \( -iname '*.woff' -o -iname '*.woff2' \))" ]; then echo "error: font files remain" >&2; fail=1; fi
while IFS= read -r u; do
  [ -z "$u" ] && continue
  case "$u" in data:*|http:*|https:*|//*|\#*) continue ;; esac
  [ -f "$DEST/$u" ] || { echo "error: CSS references missing file $u" >&2; fail=1; }
done < <(grep -o 'url([^)]*)' "$CSS" | sed -E "s/^url\(\s*[\"']?//; s/[\"']?\s*\)$//" | sort -u)
[ "$fail" -eq 0 ] || exit 1

echo "==> vendored govuk-frontend $VERSION into $DEST:"
find "$DEST" -type f | sort | while IFS= read -r f; do
  printf '    %8s  %s\n' "$(wc -c < "$f" | tr -d ' ')" "$f"
done
