/*
 * Local mode's stand-in for Apps Script's google.script.run, loaded into the add-on's
 * own dialog HTML before the dialog's script. Each server function the HTML calls
 * (appsscript/README.md, "Functions the HTML calls") maps to the backend endpoint the
 * add-on's ServerApi.js calls; the request goes through the emulator
 * (/preview/api/addon/call), which adds the user's ID token (and, for Create MAP, their
 * OAuth access token) as UrlFetchApp would carry them. Error answers become the
 * add-on's own readable messages (Errors.js, loaded before this file), and reach the
 * failure handler as Apps Script passes them: an Error with a message.
 *
 * The page's query string says who uses the add-on (as=EMAIL) and, for the sidebar,
 * which spreadsheet it is open in (spreadsheet=ID).
 */
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);
  var user = params.get('as') || '';
  var spreadsheetId = params.get('spreadsheet') || null;
  var spreadsheetName = params.get('name') || '';
  var lastCreated = null;

  /* The add-on's constants, when its files define them (ServerApi.js, Errors.js). */
  var createMeanings = typeof CREATE_MAP_MEANINGS !== 'undefined' ? CREATE_MAP_MEANINGS : {};
  var notAMap = typeof NOT_A_MAP_MESSAGE !== 'undefined' ? NOT_A_MAP_MESSAGE : 'This spreadsheet is not a MAP yet.';
  var sorts = typeof PIPELINE_SORTS !== 'undefined' ? PIPELINE_SORTS : ['risk', 'slip', 'go_live', 'account'];

  function backend(method, path, options) {
    var opts = options || {};
    return fetch('/preview/api/addon/call', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        user: user, method: method, path: path,
        body: opts.body === undefined ? null : opts.body,
        seller_token: !!opts.withSellerToken,
      }),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) {
          throw new Error((answer.error && answer.error.message) || 'The add-on could not call the MAP service.');
        }
        if (answer.status === 0) throw backendUnreachableError_(new Error(answer.text));
        if (answer.status < 200 || answer.status >= 300) {
          throw backendErrorFromResponse_(answer.status, answer.text, opts.meanings, answer.request_id);
        }
        return answer.text ? JSON.parse(answer.text) : {};
      });
    });
  }

  /* What Apps Script gives the add-on for a new spreadsheet (the seller's account's zone
     and locale); here the browser's, the closest thing local mode has to an account. */
  function browserTimeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { return ''; }
  }
  function browserLocale() {
    var match = /^([a-z]{2,3})(?:-([A-Za-z]{2}))?/.exec(navigator.language || '');
    if (!match) return '';
    return match[2] ? match[1] + '_' + match[2].toUpperCase() : match[1];
  }
  function countryOf(locale) {
    var match = /_([A-Z]{2})$/.exec(locale);
    return match ? match[1] : 'US';
  }

  function mapPath(suffix) {
    if (!spreadsheetId) throw new Error(notAMap);
    return '/api/maps/' + encodeURIComponent(spreadsheetId) + suffix;
  }

  var functions = {
    getCreateMapDefaults: function () {
      return { seller_owner: user, country: countryOf(browserLocale()), spreadsheet_id: spreadsheetId, spreadsheet_name: spreadsheetName };
    },
    getTemplates: function () { return backend('get', '/api/templates'); },
    createMap: function (form) {
      var checked = mapRequestFromForm_(form, spreadsheetId || '');
      if (checked.errors.length) throw fieldErrors_(checked.errors);
      var body = Object.assign({}, checked.request, { time_zone: browserTimeZone(), locale: browserLocale() });
      return backend('post', '/api/maps', { body: body, withSellerToken: true, meanings: createMeanings })
        .then(function (answer) { lastCreated = answer; return answer; });
    },
    getDealHealth: function () { return backend('get', mapPath(''), { meanings: { NOT_FOUND: notAMap } }); },
    refreshMap: function () { return backend('post', mapPath('/refresh'), { body: {}, meanings: { NOT_FOUND: notAMap } }); },
    newCalendarLink: function () { return backend('post', mapPath('/calendar-key'), { body: {}, meanings: { NOT_FOUND: notAMap } }); },
    turnOffCalendarLink: function () { return backend('delete', mapPath('/calendar-key'), { meanings: { NOT_FOUND: notAMap } }); },
    runWeeklyReview: function () { return backend('post', mapPath('/review'), { body: {}, meanings: { NOT_FOUND: notAMap } }); },
    getReminders: function () { return backend('get', mapPath('/reminders'), { meanings: { NOT_FOUND: notAMap } }); },
    setRemindersEnabled: function (enabled) {
      return backend('put', mapPath('/reminders'), { body: { enabled: enabled === true }, meanings: { NOT_FOUND: notAMap } });
    },
    getPipeline: function (sort) {
      var order = sorts.indexOf(String(sort)) >= 0 ? String(sort) : 'risk';
      return backend('get', '/api/maps?sort=' + order);
    },
    selectMilestoneRows: function (ids) {
      var host = window.parent !== window ? window.parent : null;
      return host && typeof host.previewSelectMilestones === 'function' ? host.previewSelectMilestones(copy(ids)) : 0;
    },
    enableLiveUpdates: function () { throw new Error('In local mode, live updates are the toggle above the preview.'); },
    disableLiveUpdates: function () { throw new Error('In local mode, live updates are the toggle above the preview.'); },
  };

  /* Arguments and answers cross as JSON, as google.script.run serialises them. */
  function copy(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }

  function runner(success, failure, userObject) {
    var run = {
      withSuccessHandler: function (handler) { return runner(handler, failure, userObject); },
      withFailureHandler: function (handler) { return runner(success, handler, userObject); },
      withUserObject: function (object) { return runner(success, failure, object); },
    };
    Object.keys(functions).forEach(function (name) {
      run[name] = function () {
        var args = copy(Array.prototype.slice.call(arguments));
        Promise.resolve().then(function () {
          return functions[name].apply(null, args);
        }).then(function (answer) {
          if (success) success(copy(answer), userObject);
        }, function (error) {
          var message = error && error.message ? error.message : String(error);
          if (failure) failure(new Error(message), userObject);
          else console.error(name + ' failed: ' + message);
        });
      };
    });
    return run;
  }

  window.google = window.google || {};
  window.google.script = {
    run: runner(null, null, undefined),
    host: {
      close: function () {
        var parent = window.parent !== window ? window.parent : null;
        if (parent && typeof parent.previewAddonClosed === 'function') parent.previewAddonClosed(copy(lastCreated));
        else window.location.href = '/preview/';
      },
      setHeight: function () {},
      setWidth: function () {},
      editor: { focus: function () {} },
    },
  };

  /* No spreadsheet is open around the Create dialog here: offer only "a new spreadsheet". */
  if (!spreadsheetId) {
    document.addEventListener('DOMContentLoaded', function () {
      var where = document.querySelector('fieldset[data-field="spreadsheet_id"]');
      if (where) where.hidden = true;
    });
  }
})();
