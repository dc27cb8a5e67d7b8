// The nodes view: each node with its slots, load and figures, and nodes that left lately.
Cohort.nodesView = function (root) {
  'use strict';
  var el = Cohort.el;
  var body = el('tbody');
  var left = el('div', { id: 'nodes-left' });
  var empty = el('div', { 'class': 'empty', text: 'No node has joined. Start one with cohort node.' });
  var headers = ['Node', 'State', 'Slots', 'Busy', 'Labels', 'Tasks', 'Done', 'Failed', 'Heap', 'CPU', 'Joined'];
  var table = el('table', { id: 'nodes' }, [el('thead', {}, [el('tr', {}, headers.map(function (h, i) {
    return el('th', { 'class': [2, 3, 6, 7, 8, 9].indexOf(i) >= 0 ? 'num' : null, text: h });
  }))]), body]);
  Cohort.replace(root, [el('h1', { text: 'Nodes' }), el('div', { 'class': 'panel' }, [table, empty]),
    el('div', { 'class': 'panel' }, [el('h2', { text: 'Left or downed lately' }), left])]);

  function has(value) { return value !== null && value !== undefined; }

  function time(iso) { return has(iso) ? new Date(iso).toLocaleTimeString('en-GB', { hour12: false }) : '–'; }

  function heap(node) {
    if (!has(node.heapUsedBytes)) { return '–'; }
    return Cohort.bytes(node.heapUsedBytes) + (has(node.heapMaxBytes) ? ' / ' + Cohort.bytes(node.heapMaxBytes) : '');
  }

  function busyBar(node) {
    var pct = node.slots ? 100 * node.busy / node.slots : 0;
    return el('span', {}, [Cohort.count(node.busy) + ' ',
      el('span', { 'class': 'bar', style: 'display:inline-block;width:60px;vertical-align:middle' },
        [el('span', { 'class': 'run', style: 'width:' + pct + '%;background:#2563eb' })])]);
  }

  var stop = Cohort.onSnapshot(function (snapshot) {
    var nodes = snapshot.cluster.nodes;
    Cohort.replace(body, nodes.map(function (node) {
      return el('tr', { 'data-node': node.address }, [
        el('td', { 'class': 'mono', text: node.address }),
        el('td', {}, [Cohort.state(node.status)]),
        el('td', { 'class': 'num', text: Cohort.count(node.slots) }),
        el('td', { 'class': 'num' }, [busyBar(node)]),
        el('td', { 'class': 'wrap col-labels', text: (node.labels || []).join(', ') || '–' }),
        el('td', { 'class': 'wrap', text: (node.tasks || []).join(', ') }),
        el('td', { 'class': 'num', text: Cohort.count(node.inputsDone) }),
        el('td', { 'class': 'num', text: Cohort.count(node.inputsFailed) }),
        el('td', { 'class': 'num col-heap', text: heap(node) }),
        el('td', { 'class': 'num', text: has(node.cpuLoad) ? Math.round(node.cpuLoad * 100) + '%' : '–' }),
        el('td', { text: time(node.joinedAt) })
      ]);
    }));
    empty.hidden = nodes.length > 0;
    table.hidden = nodes.length === 0;
    var gone = snapshot.cluster.departed || [];
    Cohort.replace(left, [gone.length === 0 ? el('div', { 'class': 'empty', text: 'None.' }) :
      el('table', { id: 'departed' }, [el('thead', {}, [el('tr', {}, ['Node', 'Joined', 'Left', 'Why', 'Done', 'Failed']
        .map(function (h, i) { return el('th', { 'class': i >= 4 ? 'num' : null, text: h }); }))]),
      el('tbody', {}, gone.map(function (g) {
        return el('tr', { 'data-node': g.address }, [el('td', { 'class': 'mono', text: g.address }),
          el('td', { text: time(g.joinedAt) }), el('td', { text: time(g.leftAt) }),
          el('td', { 'class': 'col-why', text: g.why }),
          el('td', { 'class': 'num', text: Cohort.count(g.inputsDone) }),
          el('td', { 'class': 'num', text: Cohort.count(g.inputsFailed) })]);
      }))])]);
  });
  return stop;
};
