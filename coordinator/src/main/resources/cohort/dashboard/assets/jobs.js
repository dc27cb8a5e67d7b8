// The jobs view: every job the coordinator remembers, newest first, updated in place each second.
Cohort.jobsView = function (root, filter) {
  'use strict';
  var el = Cohort.el;
  var states = ['ALL', 'PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
  var current = states.indexOf(filter) >= 0 ? filter : 'ALL';
  var toolbar = el('div', { 'class': 'toolbar' });
  var body = el('tbody');
  var empty = el('div', { 'class': 'empty', text: 'No jobs yet. Submit one with cohort submit.' });
  var table = el('table', { id: 'jobs' }, [
    el('thead', {}, [el('tr', {}, ['Job', 'Task', 'State', 'Progress', 'Done', 'Failed', 'Retried', 'Rate',
      'ETA', 'Age', ''].map(function (h, i) { return el('th', { 'class': i >= 4 && i <= 9 ? 'num' : null, text: h }); }))]),
    body
  ]);
  Cohort.replace(root, [el('h1', { text: 'Jobs' }), toolbar, el('div', { 'class': 'panel' }, [table, empty])]);
  states.forEach(function (name) {
    toolbar.appendChild(el('button', { type: 'button', 'class': 'filter' + (name === current ? ' active' : ''),
      'data-filter': name, text: name.charAt(0) + name.slice(1).toLowerCase(),
      onclick: function () { window.location.hash = '#/jobs' + (name === 'ALL' ? '' : '?state=' + name); } }));
  });
  var rows = {};

  function row(job) {
    var cells = {};
    ['id', 'task', 'state', 'progress', 'done', 'failed', 'retried', 'rate', 'eta', 'age', 'action']
      .forEach(function (name) { cells[name] = el('td', { 'class': 'col-' + name }); });
    ['done', 'failed', 'retried', 'rate', 'eta', 'age'].forEach(function (n) { cells[n].className += ' num'; });
    cells.id.appendChild(el('a', { href: '#/jobs/' + encodeURIComponent(job.id), 'class': 'mono', text: job.id }));
    var tr = el('tr', { 'data-job': job.id }, Object.keys(cells).map(function (k) { return cells[k]; }));
    return { tr: tr, cells: cells, state: null };
  }

  function update(entry, live, now) {
    var job = live.status, c = entry.cells;
    c.task.textContent = job.task;
    if (entry.state !== job.state) {
      Cohort.replace(c.state, [Cohort.state(job.state)]);
      Cohort.replace(c.action, [Cohort.cancelButton(job)]);
      entry.state = job.state;
    }
    Cohort.replace(c.progress, [Cohort.progress(job)]);
    c.done.textContent = Cohort.count(job.succeeded + job.failed) + ' / ' + Cohort.count(job.total) +
      (job.inputsOpen ? '+' : '');
    c.failed.textContent = Cohort.count(job.failed);
    c.retried.textContent = Cohort.count(job.retried);
    c.rate.textContent = job.state === 'RUNNING' ? Cohort.rate(live.rate) : '–';
    c.eta.textContent = live.etaSeconds === null || live.etaSeconds === undefined ? '–' : Cohort.duration(live.etaSeconds);
    c.age.textContent = Cohort.duration((now - Date.parse(job.submittedAt)) / 1000);
  }

  var stop = Cohort.onSnapshot(function (snapshot) {
    var shown = snapshot.jobs.filter(function (live) {
      return current === 'ALL' || live.status.state === current;
    }).reverse();
    var keep = {};
    shown.forEach(function (live, i) {
      var id = live.status.id;
      var entry = rows[id] || (rows[id] = row(live.status));
      keep[id] = true;
      update(entry, live, snapshot.time);
      if (body.children[i] !== entry.tr) { body.insertBefore(entry.tr, body.children[i] || null); }
    });
    Object.keys(rows).forEach(function (id) {
      if (!keep[id]) { rows[id].tr.remove(); delete rows[id]; }
    });
    empty.hidden = shown.length > 0;
    table.hidden = shown.length === 0;
  });
  return stop;
};
