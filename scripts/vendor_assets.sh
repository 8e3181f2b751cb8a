#!/usr/bin/env bash
# Copy the front-end packages installed from the npm registry into zhengshe/static/vendor,
# so every page is served locally (government intranets have no internet at run time).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=zhengshe/static/vendor
mkdir -p "$dest"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/"
cp node_modules/echarts/dist/echarts.min.js "$dest/"
echo "vendored: $(ls "$dest" | tr '\n' ' ')"
