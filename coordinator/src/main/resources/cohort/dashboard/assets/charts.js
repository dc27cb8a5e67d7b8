// Line charts of rates over time, drawn by uPlot (a WebJar served by the coordinator).
Cohort.chart = function (container, series) {
  'use strict';
  var plot = null;
  function clock(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString('en-GB', { hour12: false });
  }
  function width() { return Math.max(300, container.clientWidth - 8); }
  function options() {
    return {
      width: width(),
      height: 220,
      legend: { show: true },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
      // Whole seconds at least, as clock times: the samples come a second apart.
      axes: [{ space: 80, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
        values: function (u, ticks) { return ticks.map(clock); } }, { size: 60 }],
      series: [{}].concat(series.map(function (s) {
        return { label: s.label, stroke: s.color, width: 2, fill: s.fill || null,
          value: function (u, v) { return v === null ? '–' : s.format(v); } };
      }))
    };
  }
  var observer = new ResizeObserver(function () { if (plot) { plot.setSize({ width: width(), height: 220 }); } });
  observer.observe(container);
  return {
    // data: [times in seconds, then one array per series]
    update: function (data) {
      if (!plot) { plot = new uPlot(options(), data, container); }
      else { plot.setData(data); }
    },
    destroy: function () { observer.disconnect(); if (plot) { plot.destroy(); } plot = null; }
  };
};
