#!/usr/bin/env bash
# Fetch the front-end libraries from the npm registry and copy their built files, with their
# licences, into the repository (the app must work on a closed network: no CDN at run time).
# Re-run after changing a version below; commit what it writes.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # package@version → unpacked in $work/<name>
  local spec=$1 name=${1%@*}
  (cd "$work" && npm pack --silent "$spec" >/dev/null && mkdir -p "$name" \
    && tar -xzf ./*.tgz -C "$name" --strip-components=1 && rm ./*.tgz)
}

static=src/cordon/web/static/vendor
fetch htmx.org@2.0.11
mkdir -p "$static/htmx"
cp "$work/htmx.org/dist/htmx.min.js" "$work/htmx.org/LICENSE" "$static/htmx/"

# The chain-of-transmission graph: graphology (the graph) and sigma.js (drawing it with
# WebGL), their UMD builds (globals `graphology` and `Sigma`; sigma's bundles its own small
# dependencies, events and graphology-utils, both MIT).
fetch graphology@0.26.0
mkdir -p "$static/graphology"
cp "$work/graphology/dist/graphology.umd.min.js" "$static/graphology/"
cp "$work/graphology/LICENSE.txt" "$static/graphology/LICENSE"
fetch sigma@3.0.3
mkdir -p "$static/sigma"
cp "$work/sigma/dist/sigma.min.js" "$static/sigma/"
cp "$work/sigma/LICENSE.txt" "$static/sigma/LICENSE"

# Used by the browser tests only (accessibility checks), not served by the app.
fetch axe-core@4.11.4
mkdir -p tests/web/vendor
cp "$work/axe-core/axe.min.js" tests/web/vendor/
cp "$work/axe-core/LICENSE" tests/web/vendor/axe-core.LICENSE

echo "vendored: htmx.org 2.0.11, graphology 0.26.0, sigma 3.0.3, axe-core 4.11.4"
