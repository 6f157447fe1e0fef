#!/usr/bin/env bash
# Copies the map page's front-end libraries from npm (e2e/package.json, pinned
# by e2e/package-lock.json) into static/vendor/, where the Go binary embeds
# them: the command centre may be offline, so nothing loads from a CDN.
# Run it after changing a version in e2e/package.json, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd e2e && npm ci --no-audit --no-fund)
dest=static/vendor/maplibre-gl
rm -rf "$dest" && mkdir -p "$dest"
src=e2e/node_modules/maplibre-gl
cp "$src/dist/maplibre-gl.mjs" "$src/dist/maplibre-gl-worker.mjs" "$src/dist/maplibre-gl.css" "$src/LICENSE.txt" "$dest/"
node -e 'console.log(require("./e2e/node_modules/maplibre-gl/package.json").version)' > "$dest/VERSION"
echo "vendored maplibre-gl $(cat "$dest/VERSION") into $dest"
