// One job's page: live status and throughput, where its inputs run, its settings, its errors and
// its first results. The status comes with each snapshot; the rest is asked every few seconds.
Cohort.jobView = function (root, id) {
  'use strict';
  var el = Cohort.el;
  var header = el('div', { 'class': 'toolbar' });
  var tiles = el('div', { 'class': 'grid' });
  var counters = el('div', { id: 'job-counters' });
  var chartBox = el('div', { 'class': 'chart', id: 'job-chart' });
  var nodes = el('div', { id: 'job-nodes' });
  var settings = el('div', { id: 'job-settings' });
  var errors = el('div', { id: 'job-errors' });
  var results = el('div', { id: 'job-results' });
  // Why the job waits for nodes (none has the labels it requires, or offers its task); as text only.
  var waiting = el('div', { 'class': 'notice', id: 'job-waiting', hidden: true });
  var links = el('div', { 'class': 'toolbar' }, [
    el('a', { href: '/jobs/' + encodeURIComponent(id) + '/results', target: '_blank', text: 'All results (JSON lines)' }),
    el('span', { 'class': 'muted', text: '·' }),
    el('a', { href: '/jobs/' + encodeURIComponent(id) + '/log', target: '_blank', id: 'job-log', text: 'Job log (TSV)' })
  ]);
  Cohort.replace(root, [
    el('div', { 'class': 'muted' }, [el('a', { href: '#/jobs', text: '← Jobs' })]),
    el('h1', {}, ['Job ', el('span', { 'class': 'mono', text: id })]),
    header, waiting, tiles, counters,
    el('div', { 'class': 'panel', style: 'margin-top:16px' }, [el('h2', { text: 'Results a second' }), chartBox]),
    el('div', { 'class': 'columns' }, [
      el('div', { 'class': 'panel' }, [el('h2', { text: 'Where its inputs ran' }), nodes]),
      el('div', { 'class': 'panel' }, [el('h2', { text: 'Parameters and settings' }), settings])
    ]),
    el('div', { 'class': 'panel' }, [el('h2', { text: 'Errors' }), errors]),
    el('div', { 'class': 'panel' }, [el('h2', { text: 'First results' }), links, results])
  ]);
  var chart = Cohort.chart(chartBox, [
    { label: 'results', color: '#15803d', fill: 'rgba(21,128,61,.08)', format: Cohort.rate }
  ]);
  var history = [];
  var status = null;

  function tile(label, value) {
    return el('div', { 'class': 'tile' }, [el('div', { 'class': 'label', text: label }),
      el('div', { 'class': 'value', text: value })]);
  }

  // The header's parts are made again only when the job's state changes, so its cancel button
  // stays the same element under the user's pointer while the progress moves.
  var shownState = null;
  var bar = el('span');
  function showStatus(live) {
    status = live.status;
    Cohort.replace(bar, [Cohort.progress(status)]);
    if (shownState !== status.state) {
      shownState = status.state;
      Cohort.replace(header, [Cohort.state(status.state), el('span', { 'class': 'mono', text: status.task }),
        bar, Cohort.cancelButton(status),
        status.resumed ? el('span', { 'class': 'muted' }, ['resumes ',
          el('a', { href: '#/jobs/' + encodeURIComponent(status.resumed.from), text: status.resumed.from }),
          ': ' + Cohort.count(status.resumed.skipped) + ' inputs were done there']) : null,
        status.message ? el('span', { 'class': 'muted', text: status.message }) : null]);
    }
    waiting.hidden = !status.waiting;
    waiting.textContent = status.waiting ? 'Waits: ' + status.waiting : '';
    Cohort.replace(tiles, [
      tile('Done', Cohort.count(status.succeeded + status.failed) + ' / ' + Cohort.count(status.total) +
        (status.inputsOpen ? '+' : '')),
      tile('Failed', Cohort.count(status.failed)),
      tile('Retried', Cohort.count(status.retried)),
      tile('Running', Cohort.count(status.running)),
      tile('Rate', status.state === 'RUNNING' ? Cohort.rate(live.rate) : '–'),
      tile('ETA', live.etaSeconds === null || live.etaSeconds === undefined ? '–' : Cohort.duration(live.etaSeconds)),
      tile('Run time', Cohort.duration(status.elapsedMillis / 1000))
    ]);
    showCounters(status.counters || {});
  }

  // The job's counters, live with each snapshot; a panel only for jobs whose tasks use them.
  var shownCounters = null;
  function showCounters(values) {
    var names = Object.keys(values).sort();
    var key = JSON.stringify(values);
    if (key === shownCounters) { return; }
    shownCounters = key;
    Cohort.replace(counters, names.length === 0 ? [] : [
      el('div', { 'class': 'panel', style: 'margin-top:16px' }, [
        el('h2', { text: 'Counters' }),
        numbers(['Counter', 'Value'], names.map(function (name) {
          return el('tr', { 'data-counter': name }, [el('td', { 'class': 'mono', text: name }),
            el('td', { 'class': 'num', text: Cohort.count(values[name]) })]);
        })),
        el('div', { 'class': 'muted', text: 'Each input counts once: only the attempt whose result was delivered.' })
      ])]);
  }

  // Throughput: the difference between samples of results done, a second apart.
  function drawChart() {
    var t = [], perSecond = [];
    for (var i = 1; i < history.length; i++) {
      var dt = (history[i][0] - history[i - 1][0]) / 1000;
      t.push(history[i][0] / 1000);
      perSecond.push(dt > 0 ? Math.max(0, history[i][1] - history[i - 1][1]) / dt : 0);
    }
    chart.update([t, perSecond]);
  }

  function table(headers, rows) {
    return el('table', {}, [el('thead', {}, [el('tr', {}, headers.map(function (h) { return el('th', { text: h }); }))]),
      el('tbody', {}, rows)]);
  }

  // A table whose columns after the first hold numbers, right-aligned under their headers.
  function numbers(headers, rows) {
    return el('table', {}, [el('thead', {}, [el('tr', {}, headers.map(function (h, i) {
      return el('th', { 'class': i > 0 ? 'num' : null, text: h });
    }))]), el('tbody', {}, rows)]);
  }

  function json(value) { return value === undefined ? '' : JSON.stringify(value); }

  function showDetail(detail) {
    history = detail.history;
    drawChart();
    var hosts = Object.keys(detail.ranOn);
    Object.keys(detail.runningOn).forEach(function (h) { if (hosts.indexOf(h) < 0) { hosts.push(h); } });
    hosts.sort();
    Cohort.replace(nodes, [hosts.length === 0 ? el('div', { 'class': 'empty', text: 'Nothing ran yet.' }) :
      numbers(['Node', 'Outputs', 'Errors', 'Running now'], hosts.map(function (node) {
        var ran = detail.ranOn[node] || { ok: 0, failed: 0 };
        return el('tr', { 'data-node': node }, [el('td', { 'class': 'mono', text: node }),
          el('td', { 'class': 'num col-ok', text: Cohort.count(ran.ok) }),
          el('td', { 'class': 'num col-failed', text: Cohort.count(ran.failed) }),
          el('td', { 'class': 'num', text: Cohort.count(detail.runningOn[node] || 0) })]);
      }))]);
    var s = detail.settings;
    var dl = el('dl', { 'class': 'kv' });
    [['Task', detail.status.task], ['Ordered', s.ordered ? 'yes' : 'no (as completed)'], ['Combine', s.combine || '–'],
      ['Batch', s.batch === 0 ? 'adaptive' : String(s.batch)], ['Retries', String(s.retries)],
      ['Max attempts', String(s.maxAttempts)], ['Task timeout', s.timeoutMillis ? Cohort.duration(s.timeoutMillis / 1000) : 'none'],
      ['Sharing', s.sharing || 'priority 0, no limits'],
      ['Node labels', (s.require || []).join(', ') || 'any node'],
      ['Submitted', new Date(detail.status.submittedAt).toLocaleString()]]
      .forEach(function (kv) { dl.appendChild(el('dt', { text: kv[0] })); dl.appendChild(el('dd', { text: kv[1] })); });
    Cohort.replace(settings, [dl, el('h2', { text: 'Parameters', style: 'margin-top:12px' }),
      el('pre', { text: JSON.stringify(detail.params || {}, null, 2) })]);
    var sample = detail.sample;
    var errorRows = sample.errors.map(function (r) {
      var e = r.error;
      return el('tr', { 'data-index': r.index }, [
        el('td', { 'class': 'num', text: String(r.index) }),
        el('td', { 'class': 'mono wrap', text: e.type }),
        el('td', { 'class': 'wrap' }, [e.message || '', e.trace ? el('details', {}, [el('summary', { text: 'trace' }), el('pre', { text: e.trace })]) : null]),
        el('td', { 'class': 'mono', text: e.node || '–' }),
        el('td', { 'class': 'num', text: String(e.attempts) }),
        el('td', { 'class': 'mono wrap', text: json(r.input) })
      ]);
    });
    var failed = detail.status.failed;
    var note = failed > sample.errors.length
      ? el('div', { 'class': 'muted', text: 'The first ' + sample.errors.length + ' of ' + Cohort.count(failed) +
        ' errors; the job log and the results hold them all.' })
      : null;
    Cohort.replace(errors, [errorRows.length === 0 ? el('div', { 'class': 'empty', text: 'No errors.' }) :
      table(['Input #', 'Type', 'Message', 'Node', 'Attempts', 'Input'], errorRows), note]);
    Cohort.replace(results, [sample.first.length === 0 ? el('div', { 'class': 'empty', text: 'No results yet.' }) :
      table(['#', 'Input', 'Output or error'], sample.first.map(function (r) {
        return el('tr', {}, [el('td', { 'class': 'num', text: String(r.index) }), el('td', { 'class': 'mono wrap', text: json(r.input) }),
          el('td', { 'class': 'mono wrap' + (r.error ? ' muted' : ''), text: r.error ? r.error.type + ': ' + r.error.message : json(r.output) })]);
      }))]);
  }

  var timer = null, stopped = false;
  function refresh() {
    Cohort.api('GET', '/ui/jobs/' + encodeURIComponent(id) + '/detail').then(function (detail) {
      if (stopped) { return; }
      showDetail(detail);
      if (!status) { showStatus({ status: detail.status, rate: 0, etaSeconds: null }); }
      var ended = ['SUCCEEDED', 'FAILED', 'CANCELLED'].indexOf((status || detail.status).state) >= 0;
      timer = setTimeout(refresh, ended ? 30000 : 3000);
    }).catch(function (error) {
      if (stopped) { return; }
      Cohort.replace(errors, [el('div', { 'class': 'notice', text: error.message })]);
      timer = setTimeout(refresh, 5000);
    });
  }
  refresh();

  var stop = Cohort.onSnapshot(function (snapshot) {
    var live = snapshot.jobs.filter(function (j) { return j.status.id === id; })[0];
    if (!live) { return; }
    var wasRunning = status && !['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(status.state);
    showStatus(live);
    var done = live.status.succeeded + live.status.failed;
    if (!history.length || history[history.length - 1][0] < snapshot.time) {
      history.push([snapshot.time, done]);
      if (history.length > 900) { history.shift(); }
      drawChart();
    }
    if (wasRunning && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(live.status.state)) {
      clearTimeout(timer);
      refresh();
    }
  });
  return function () { stopped = true; clearTimeout(timer); stop(); chart.destroy(); };
};
