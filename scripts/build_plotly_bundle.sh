#!/bin/sh
# Rebuilds dashboard/assets/plotly-dekomp.min.js, the partial plotly.js bundle
# (only the trace types dashboard/charts.py draws), from the npm registry:
# the exact packages of scripts/plotly-bundle/package-lock.json, bundled and
# minified by esbuild. Needs node and npm; running or testing the app does not.
#
#     scripts/build_plotly_bundle.sh
#
# To follow a new Dash, set "plotly.js" in scripts/plotly-bundle/package.json to
# the version in the header of the plotly.min.js Dash serves
# (.venv/lib/python3.11/site-packages/plotly/package_data/plotly.min.js), run
# `npm install` there to update the lock file, then this script; commit all three.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/plotly-bundle"
npm ci --ignore-scripts --no-audit --no-fund
node build.mjs "$here/../dashboard/assets/plotly-dekomp.min.js"
