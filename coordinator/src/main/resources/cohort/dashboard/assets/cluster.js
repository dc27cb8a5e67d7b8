// The cluster view: totals and a live chart of dispatch and completion rates.
Cohort.clusterView = function (root) {
  'use strict';
  var el = Cohort.el;
  var tiles = el('div', { 'class': 'grid' });
  var chartBox = el('div', { 'class': 'chart', id: 'cluster-chart' });
  var slotsBox = el('div', { 'class': 'chart', id: 'slots-chart' });
  Cohort.replace(root, [
    el('h1', { text: 'Cluster' }),
    tiles,
    el('div', { 'class': 'panel', style: 'margin-top:16px' }, [el('h2', { text: 'Inputs a second' }), chartBox]),
    el('div', { 'class': 'panel' }, [el('h2', { text: 'Busy slots' }), slotsBox])
  ]);
  var rates = Cohort.chart(chartBox, [
    { label: 'completed', color: '#15803d', format: Cohort.rate },
    { label: 'dispatched', color: '#2563eb', format: Cohort.rate }
  ]);
  var slots = Cohort.chart(slotsBox, [
    { label: 'busy', color: '#b45309', fill: 'rgba(180,83,9,.08)', format: Cohort.count },
    { label: 'slots', color: '#6b7280', format: Cohort.count }
  ]);
  function tile(label, value, id) {
    return el('div', { 'class': 'tile', id: id }, [el('div', { 'class': 'label', text: label }),
      el('div', { 'class': 'value', text: value })]);
  }
  var stop = Cohort.onSnapshot(function (snapshot) {
    var cluster = snapshot.cluster, jobs = snapshot.jobs;
    var running = jobs.filter(function (j) { return j.status.state === 'RUNNING' || j.status.state === 'PENDING'; });
    var last = snapshot.rates[snapshot.rates.length - 1] || { completed: 0, dispatched: 0 };
    var up = cluster.nodes.filter(function (n) { return n.status === 'UP'; }).length;
    Cohort.replace(tiles, [
      tile('Nodes up', Cohort.count(up) + ' / ' + Cohort.count(cluster.nodes.length), 'tile-nodes'),
      tile('Busy slots', Cohort.count(cluster.busySlots) + ' / ' + Cohort.count(cluster.slots), 'tile-slots'),
      tile('Active jobs', Cohort.count(running.length), 'tile-jobs'),
      tile('Completed', Cohort.rate(last.completed), 'tile-completed'),
      tile('Dispatched', Cohort.rate(last.dispatched), 'tile-dispatched'),
      tile('Jobs kept', Cohort.count(jobs.length), 'tile-kept')
    ]);
    var t = snapshot.rates.map(function (p) { return p.time / 1000; });
    rates.update([t, snapshot.rates.map(function (p) { return p.completed; }),
      snapshot.rates.map(function (p) { return p.dispatched; })]);
    slots.update([t, snapshot.rates.map(function (p) { return p.busy; }),
      snapshot.rates.map(function (p) { return p.slots; })]);
  });
  return function () { stop(); rates.destroy(); slots.destroy(); };
};
