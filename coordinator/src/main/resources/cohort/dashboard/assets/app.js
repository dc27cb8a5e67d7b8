// The dashboard's router: #/cluster, #/jobs (?state=RUNNING), #/jobs/ID, #/nodes.
(function () {
  'use strict';
  var root = document.getElementById('view');
  var leave = null;
  function route() {
    if (leave) { leave(); leave = null; }
    var hash = window.location.hash || '#/cluster';
    var path = hash.slice(1).split('?')[0];
    var query = new URLSearchParams(hash.split('?')[1] || '');
    var parts = path.split('/').filter(Boolean);
    var view = parts[0] || 'cluster';
    document.querySelectorAll('header nav a').forEach(function (a) {
      a.classList.toggle('active', a.getAttribute('data-view') === view);
    });
    if (view === 'jobs' && parts[1]) { leave = Cohort.jobView(root, decodeURIComponent(parts[1])); }
    else if (view === 'jobs') { leave = Cohort.jobsView(root, query.get('state')); }
    else if (view === 'nodes') { leave = Cohort.nodesView(root); }
    else { leave = Cohort.clusterView(root); }
    document.title = 'Cohort: ' + (parts[1] ? 'job ' + decodeURIComponent(parts[1]) : view);
  }
  window.addEventListener('hashchange', route);
  Cohort.connect();
  route();
})();
