/*
 * Hosts one of the add-on's dialogs the way Sheets does (a framed modal), signed in as
 * the person given in "Signed in to Sheets as" (?as=EMAIL, else the last one used).
 * Closing the dialog (google.script.host.close) opens the MAP just created, if any.
 */
(function () {
  'use strict';

  var DEFAULT_USER = 'sam@vendor.example';
  var KEY = 'map-preview.addon-user';
  var frame = document.getElementById('dialog');
  var input = document.getElementById('acting-as');
  var params = new URLSearchParams(location.search);

  function remembered() {
    try { return localStorage.getItem(KEY) || ''; } catch (e) { return ''; }
  }

  function open(email) {
    try { localStorage.setItem(KEY, email); } catch (e) { /* private mode */ }
    input.value = email;
    if (frame) frame.src = frame.getAttribute('data-src') + '?as=' + encodeURIComponent(email);
  }

  document.getElementById('acting-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var email = input.value.trim();
    if (email) {
      params.set('as', email);
      history.replaceState(null, '', location.pathname + '?' + params.toString());
      open(email);
    }
  });

  window.previewAddonClosed = function (created) {
    window.location.href = created && created.url ? created.url : '/preview/';
  };

  open(params.get('as') || remembered() || DEFAULT_USER);
})();
