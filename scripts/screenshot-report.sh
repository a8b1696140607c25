#!/usr/bin/env bash
# Renders an HTML report in headless Chromium (Debian's `chromium`) and writes a PNG screenshot, so the report can
# be checked as a person sees it: layout, legible axes, labelled numbers.
#
# usage: scripts/screenshot-report.sh REPORT.html [OUT.png] [WIDTH] [HEIGHT]
#   OUT.png defaults to REPORT.png beside the report; WIDTH x HEIGHT defaults to 1200 x 4000 (the page is cut
#   at HEIGHT: raise it for a long report, or pass a smaller one to look at the top only).
set -euo pipefail

if [[ $# -lt 1 || ! -f "$1" ]]; then
  echo "usage: $0 REPORT.html [OUT.png] [WIDTH] [HEIGHT]" >&2
  exit 2
fi
report=$(readlink -f "$1")
out=${2:-${report%.html}.png}
width=${3:-1200}
height=${4:-4000}

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "$0: no chromium found; install it with: apt-get install -y chromium" >&2
  exit 1
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# No network, no first-run UI, no GPU: the report is self-contained, so nothing else should load.
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$(readlink -f "$(dirname "$out")")/$(basename "$out")" \
  "file://$report" >/dev/null 2>&1
echo "$out"
