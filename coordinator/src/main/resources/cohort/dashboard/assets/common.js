// Shared by the dashboard's views: building elements (always as text, never as HTML: inputs,
// outputs and errors are the users' data), formatting numbers, the live feed and API calls.
var Cohort = (function () {
  'use strict';

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === 'text') { node.textContent = value; }
      else if (name === 'onclick') { node.addEventListener('click', value); }
      else { node.setAttribute(name, value === true ? '' : value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function count(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }

  function rate(perSecond) {
    if (!perSecond) { return '0/s'; }
    if (perSecond >= 100) { return Math.round(perSecond).toLocaleString('en-US') + '/s'; }
    return perSecond.toFixed(perSecond >= 10 ? 1 : 2) + '/s';
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return '–'; }
    seconds = Math.max(0, Math.round(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (h > 0) { return h + 'h ' + String(m).padStart(2, '0') + 'm'; }
    if (m > 0) { return m + 'm ' + String(s).padStart(2, '0') + 's'; }
    return s + 's';
  }

  function bytes(n) {
    if (n === null || n === undefined) { return '–'; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(n >= 100 ? 0 : 1)) + ' ' + units[i];
  }

  function state(name) { return el('span', { 'class': 'state state-' + name, text: name }); }

  // A progress bar: green for outputs, red for errors, light blue for inputs running.
  function progress(job) {
    var total = Math.max(job.total, 1);
    var ok = 100 * job.succeeded / total, bad = 100 * job.failed / total, run = 100 * job.running / total;
    return el('div', { 'class': 'bar', title: count(job.done !== undefined ? job.done : job.succeeded + job.failed) +
        ' of ' + count(job.total) + ' done' }, [
      el('span', { 'class': 'ok', style: 'width:' + ok + '%' }),
      el('span', { 'class': 'bad', style: 'left:' + ok + '%;width:' + bad + '%' }),
      el('span', { 'class': 'run', style: 'left:' + (ok + bad) + '%;width:' + run + '%' })
    ]);
  }

  // The live feed: one snapshot of jobs and cluster a second, pushed by the coordinator.
  var listeners = [];
  var latest = null;
  function connect() {
    var badge = document.getElementById('connection');
    var source = new EventSource('/ui/events');
    source.addEventListener('snapshot', function (event) {
      latest = JSON.parse(event.data);
      badge.textContent = 'live';
      badge.className = 'connection live';
      listeners.forEach(function (listener) { listener(latest); });
    });
    source.onerror = function () {
      badge.textContent = 'reconnecting';
      badge.className = 'connection lost';
      // The browser reconnects by itself, unless the session ended: then log in again.
      fetch('/cluster', { credentials: 'same-origin' }).then(function (response) {
        if (response.status === 401) { window.location = '/ui/login'; }
      }).catch(function () { /* the coordinator is away: keep trying */ });
    };
  }
  function onSnapshot(listener) {
    listeners.push(listener);
    if (latest) { listener(latest); }
    return function () { listeners = listeners.filter(function (l) { return l !== listener; }); };
  }

  // Calls the API with the session's cookie; a change carries the header the coordinator asks
  // of cookie-authenticated changes, which pages of other sites cannot send.
  function api(method, path) {
    return fetch(path, {
      method: method,
      credentials: 'same-origin',
      headers: method === 'GET' ? {} : { 'X-Cohort-Dashboard': '1' }
    }).then(function (response) {
      if (response.status === 401) {
        window.location = '/ui/login';
        throw new Error('the session ended; log in again');
      }
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.error || ('the coordinator answered ' + response.status)); }
        return body;
      });
    });
  }

  // Asks before a cancel; resolves true when the user confirms.
  function confirmCancel(job) {
    var modal = document.getElementById('confirm');
    document.getElementById('confirm-title').textContent = 'Cancel job ' + job.id + '?';
    document.getElementById('confirm-text').textContent =
      'Its queued inputs are dropped and running ones interrupted on every node. ' +
      'Results already in stay readable.';
    modal.hidden = false;
    return new Promise(function (resolve) {
      function close(answer) {
        modal.hidden = true;
        document.getElementById('confirm-yes').onclick = null;
        document.getElementById('confirm-no').onclick = null;
        resolve(answer);
      }
      document.getElementById('confirm-yes').onclick = function () { close(true); };
      document.getElementById('confirm-no').onclick = function () { close(false); };
    });
  }

  function cancel(job, button) {
    return confirmCancel(job).then(function (yes) {
      if (!yes) { return; }
      if (button) { button.disabled = true; }
      return api('DELETE', '/jobs/' + encodeURIComponent(job.id)).catch(function (error) {
        if (button) { button.disabled = false; }
        window.alert('The job was not cancelled: ' + error.message);
      });
    });
  }

  function cancelButton(job) {
    var button = el('button', { type: 'button', 'class': 'action', 'data-cancel': job.id, text: 'Cancel' });
    button.disabled = job.state !== 'PENDING' && job.state !== 'RUNNING';
    button.addEventListener('click', function (event) {
      event.preventDefault();
      event.stopPropagation();
      cancel(job, button);
    });
    return button;
  }

  function replace(node, children) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
    children.forEach(function (child) { if (child) { node.appendChild(child); } });
  }

  return {
    el: el, count: count, rate: rate, duration: duration, bytes: bytes, state: state,
    progress: progress, connect: connect, onSnapshot: onSnapshot, api: api,
    cancelButton: cancelButton, replace: replace
  };
})();
