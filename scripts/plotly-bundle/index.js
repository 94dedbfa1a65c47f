// The trace types dashboard/charts.py draws, and nothing else: plotly.js's
// core (scatter, the axes, legend, hover, annotations, colour bars, the
// modebar) plus bar, treemap and choropleth. No WebGL trace, so no regl and
// no generated code: the bundle runs under a Content-Security-Policy without
// 'unsafe-eval'. A chart that needs another trace type must be added here.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/treemap'),
    require('plotly.js/lib/choropleth')
]);

module.exports = Plotly;
