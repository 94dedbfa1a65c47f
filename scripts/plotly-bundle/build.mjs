// Builds dashboard/assets/plotly-dekomp.min.js from index.js with esbuild,
// with the options of plotly.js's own build (esbuild-config.js in its
// package), minified. Run through scripts/build_plotly_bundle.sh.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const plotlyVersion = require('plotly.js/package.json').version;
const esbuildVersion = esbuild.version;
const out = resolve(process.argv[2] || join(here, '..', '..', 'dashboard', 'assets', 'plotly-dekomp.min.js'));

const traces = readFileSync(join(here, 'index.js'), 'utf8')
    .match(/plotly\.js\/lib\/(\w+)'\)/g)
    .map((m) => m.slice('plotly.js/lib/'.length, -2))
    .filter((name) => name !== 'core');

const header = `/**
 * plotly.js v${plotlyVersion}, partial bundle for the Dekomp monitor.
 * Trace types: scatter, ${traces.join(', ')} (no WebGL; no eval or new Function).
 * Built by scripts/build_plotly_bundle.sh from scripts/plotly-bundle/
 * (npm ci from its package-lock.json, esbuild ${esbuildVersion}); do not edit.
 * plotly.js: Copyright 2012-2026, Plotly, Inc. All rights reserved.
 * Licensed under the MIT license. The licences of its dependencies follow at the end.
 */`;

const result = await esbuild.build({
    entryPoints: [join(here, 'index.js')],
    outfile: out,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    banner: { js: header },
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: {
        global: 'window',
        'define.amd': 'false',
        'process.env.NODE_DEBUG': 'false'
    },
    // The one CSS import is maplibre-gl's, reached only for the map subplot
    // (scattermap, choroplethmap), which this bundle leaves out.
    loader: { '.css': 'empty' },
    target: 'es2016',
    metafile: true,
    logLevel: 'warning'
});

const outputs = Object.keys(result.metafile.outputs);
if (outputs.length !== 1) {
    throw new Error(`expected one output file, esbuild wrote ${outputs.join(', ')}`);
}

// What went in, by input file (for a look at the size; git-ignored).
writeFileSync(join(here, 'node_modules', '.bundle-meta.json'), JSON.stringify(result.metafile));

// The promise of the header: a Content-Security-Policy without 'unsafe-eval' must hold.
const code = readFileSync(out, 'utf8');
const body = code.slice(code.indexOf('*/') + 2);
const evalLike = body.match(/new Function\b|\bFunction\(|[^\w.$]eval\(/);
if (evalLike) {
    throw new Error(`${out} contains "${evalLike[0]}": it would need 'unsafe-eval'`);
}
const size = code.length;
console.log(`${out}: ${size} bytes (plotly.js ${plotlyVersion}; traces scatter, ${traces.join(', ')})`);
