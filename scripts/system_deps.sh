#!/usr/bin/env bash
# Debian packages the project needs at run and test time: a CJK font to embed in PDFs, poppler
# (PDF → PNG in tests), Chromium for the browser tests, Node.js/npm for the front-end assets.
set -euo pipefail
need=()
for pkg in fonts-wqy-microhei poppler-utils chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
