// Says why the login page is shown again: a wrong token, or a link used or too old.
(function () {
  var query = new URLSearchParams(window.location.search);
  var message = document.getElementById('message');
  if (query.has('failed')) {
    message.textContent = 'That is not the coordinator\'s token. Copy it again from its file, whole.';
  } else if (query.has('expired')) {
    message.textContent = 'That link was used already or is more than a minute old: ' +
      'run cohort dashboard again for a new one, or log in with the token.';
  } else {
    return;
  }
  message.hidden = false;
})();
