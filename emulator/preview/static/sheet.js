/*
 * The live preview of one spreadsheet: draws the view model the emulator serves
 * (/preview/api/sheets/<id>), follows changes by long polling the file's version, and
 * sends the person's edits (a cell, a row inserted below, a row deleted) as the person
 * chosen in "Acting as". Warning-only protected cells ask first, as Sheets does.
 */
(function () {
  'use strict';

  var body = document.body;
  var spreadsheetId = body.getAttribute('data-spreadsheet-id');
  var base = '/preview/api/sheets/' + encodeURIComponent(spreadsheetId);
  var params = new URLSearchParams(location.search);
  var OTHER = '__other__';
  var QUIET_MS = 5 * 60 * 1000;
  var ROW_HEAD_PX = 46;
  var GONE = -1; // the version the emulator answers for a file that is gone

  var state = {
    as: params.get('as') || '',
    data: null,
    tab: params.get('tab'),
    selected: null, // {row, col}
    editing: null, // {row, col, input}
    renderLater: false,
    version: -1,
    quietUntil: 0,
    people: [],
  };

  var el = function (id) { return document.getElementById(id); };
  var grid = el('grid');
  var formula = el('formula');

  // Tests (and people) can tell a live update from a reload.
  window.previewLoadedAt = window.previewLoadedAt || Date.now();

  // ---- talking to the emulator --------------------------------------------------

  function request(method, path, payload) {
    var options = { method: method, headers: {} };
    if (payload !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(payload);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          var error = new Error((json.error && json.error.message) || 'HTTP ' + response.status);
          error.status = response.status;
          throw error;
        }
        return json;
      });
    });
  }

  function showMessage(text) {
    var box = el('message');
    box.textContent = text || '';
    box.hidden = !text;
  }

  function setStatus(text) { el('status').textContent = text || ''; }

  function load() {
    var query = state.as ? '?as=' + encodeURIComponent(state.as) : '';
    return request('GET', base + query).then(function (data) {
      state.data = data;
      state.version = data.version;
      if (!state.as) state.as = data.viewer.email;
      state.people = data.people;
      showMessage('');
      renderChrome();
      render();
      refreshSidebarSoon();
    }, function (error) {
      state.data = null;
      renderChrome();
      grid.textContent = '';
      el('tabs').textContent = '';
      showMessage(state.as + ' cannot open this spreadsheet: ' + error.message);
    });
  }

  function follow() {
    var since = state.version;
    request('GET', base + '/changes?since=' + since).then(function (answer) {
      if (answer.version === GONE) {
        showMessage('This spreadsheet was deleted (or moved to the trash).');
        return false;
      }
      return answer.version === since ? true : load().then(function () { return true; });
    }).then(function (more) {
      if (more) follow();
    }, function () {
      setTimeout(follow, 2000);
    });
  }

  // ---- acting as ------------------------------------------------------------------

  function renderChrome() {
    var data = state.data;
    var select = el('acting-as');
    select.textContent = '';
    var people = state.people.slice();
    if (state.as && !people.some(function (p) { return p.email.toLowerCase() === state.as.toLowerCase(); })) {
      people.push({ email: state.as, role: 'no access' });
    }
    people.forEach(function (p) {
      var option = document.createElement('option');
      option.value = p.email;
      option.textContent = p.email + (p.role === 'owner' ? ' (owner, seller)' : ' (' + p.role + ')');
      select.appendChild(option);
    });
    var other = document.createElement('option');
    other.value = OTHER;
    other.textContent = 'Someone else...';
    select.appendChild(other);
    select.value = state.as;
    el('role').textContent = data ? (data.viewer.role ? 'You can ' + (data.viewer.role === 'reader' ? 'view' : 'edit') + ' as ' + data.viewer.email : '') : '';
    el('version').textContent = data ? 'version ' + data.version : '';
    if (data) {
      el('title').textContent = data.title;
      document.title = data.title + ' - MAP preview';
      var live = el('live-updates');
      live.checked = data.live_updates.enabled;
      live.disabled = !data.live_updates.available;
    }
  }

  function actAs(email) {
    state.as = email;
    params.set('as', email);
    history.replaceState(null, '', location.pathname + '?' + params.toString());
    load();
  }

  el('acting-as').addEventListener('change', function () {
    var other = el('acting-other');
    if (this.value === OTHER) {
      other.hidden = false;
      other.focus();
      return;
    }
    other.hidden = true;
    actAs(this.value);
  });
  el('acting-other').addEventListener('keydown', function (event) {
    if (event.key !== 'Enter') return;
    var email = this.value.trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) { showMessage('Enter an email address.'); return; }
    this.hidden = true;
    this.value = '';
    actAs(email);
  });

  // ---- live updates (the add-on's triggers) ------------------------------------------

  el('live-updates').addEventListener('change', function () {
    var box = this;
    var wanted = box.checked;
    box.disabled = true;
    request('POST', base + '/live-updates', { enabled: wanted }).then(function (answer) {
      box.checked = answer.enabled;
      setStatus(answer.message);
      if (answer.enabled !== wanted) showMessage(answer.message);
    }, function (error) {
      box.checked = !wanted;
      showMessage(error.message);
    }).then(function () { box.disabled = false; });
  });

  // ---- the grid -------------------------------------------------------------------

  function currentTab() {
    var tabs = state.data ? state.data.tabs : [];
    var visible = tabs.filter(function (t) { return !t.hidden; });
    var found = visible.filter(function (t) { return String(t.sheet_id) === String(state.tab); })[0];
    return found || visible[0] || null;
  }

  function a1(row, col) {
    var tab = currentTab();
    return tab.columns[col].letter + (row + 1);
  }

  function cellAt(row, col) {
    var tab = currentTab();
    var line = tab && tab.rows[row];
    return (line && line.c[col]) || {};
  }

  function render() {
    if (state.editing) { state.renderLater = true; return; }
    state.renderLater = false;
    renderTabs();
    var tab = currentTab();
    grid.textContent = '';
    if (!tab) return;
    var columns = tab.columns;
    var colgroup = document.createElement('colgroup');
    var corner = document.createElement('col');
    corner.style.width = ROW_HEAD_PX + 'px';
    colgroup.appendChild(corner);
    var total = ROW_HEAD_PX;
    columns.forEach(function (c) {
      if (c.hidden) return;
      var col = document.createElement('col');
      col.style.width = c.w + 'px';
      total += c.w;
      colgroup.appendChild(col);
    });
    grid.appendChild(colgroup);
    grid.style.width = total + 'px';

    var head = document.createElement('thead');
    var headRow = document.createElement('tr');
    var cornerCell = document.createElement('th');
    cornerCell.className = 'corner';
    headRow.appendChild(cornerCell);
    var afterHidden = false;
    columns.forEach(function (c) {
      if (c.hidden) { afterHidden = true; return; }
      var th = document.createElement('th');
      th.className = 'col-head' + (afterHidden ? ' after-hidden' : '');
      th.textContent = c.letter;
      if (afterHidden) th.title = 'Hidden columns before ' + c.letter;
      afterHidden = false;
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    grid.appendChild(head);

    var tbody = document.createElement('tbody');
    tab.rows.forEach(function (row) {
      if (row.hidden) return;
      var tr = document.createElement('tr');
      tr.style.height = row.h + 'px';
      if (row.i < tab.frozen_rows) tr.className = 'frozen' + (row.i === tab.frozen_rows - 1 ? ' last-frozen' : '');
      if ((state.pickedRows || []).indexOf(row.i) >= 0) tr.classList.add('picked');
      var th = document.createElement('th');
      th.className = 'row-head';
      th.textContent = String(row.i + 1);
      tr.appendChild(th);
      row.c.forEach(function (cell, col) {
        if (columns[col].hidden || cell.m) return;
        tr.appendChild(renderCell(tab, row, col, cell));
      });
      tbody.appendChild(tr);
    });
    grid.appendChild(tbody);
    markSpills();
    pinFrozenRows();
    if (state.selected) select(state.selected.row, state.selected.col, true);
  }

  function visibleSpan(items, start, count) {
    var n = 0;
    for (var k = start; k < start + count && k < items.length; k++) if (!items[k].hidden) n++;
    return Math.max(n, 1);
  }

  function renderCell(tab, row, col, cell) {
    var td = document.createElement('td');
    td.setAttribute('data-row', row.i);
    td.setAttribute('data-col', col);
    td.setAttribute('data-a1', tab.columns[col].letter + (row.i + 1));
    td.setAttribute('data-value', cell.v || '');
    if (cell.st) td.setAttribute('style', cell.st);
    if (cell.cs) td.colSpan = visibleSpan(tab.columns, col, cell.cs);
    if (cell.rs) td.rowSpan = visibleSpan(tab.rows, row.i, cell.rs);
    var classes = [];
    var tips = [];
    if (cell.wrap === 'wrap') classes.push('wrap');
    if (cell.n) { classes.push('has-note'); td.setAttribute('data-note', cell.n); }
    if (cell.p) {
      classes.push('protected');
      tips.push((cell.p.w ? 'Protected (warning): ' : 'Protected: ') + (cell.p.d || 'this range'));
    }
    if (cell.hint) tips.push(cell.hint);
    if (tips.length) td.title = tips.join('\n');
    if (cell.dd) {
      td.appendChild(dropdown(row.i, col, cell));
    } else {
      var value = document.createElement('div');
      value.className = 'cv';
      value.textContent = cell.v || '';
      if (cell.ov) { classes.push('overflow'); value.style.maxWidth = (cell.ov - 7) + 'px'; }
      td.appendChild(value);
    }
    td.className = classes.join(' ');
    return td;
  }

  function dropdown(row, col, cell) {
    var box = document.createElement('select');
    box.className = 'dd';
    box.setAttribute('aria-label', 'Choose a value for ' + a1(row, col));
    var choices = cell.dd.slice();
    var current = cell.v || '';
    if (choices.indexOf(current) < 0) choices.unshift(current);
    choices.forEach(function (choice) {
      var option = document.createElement('option');
      option.value = choice;
      option.textContent = choice;
      box.appendChild(option);
    });
    box.value = current;
    box.addEventListener('focus', function () { select(row, col); });
    box.addEventListener('change', function () {
      commit(row, col, box.value).then(function (sent) { if (!sent) box.value = current; });
    });
    return box;
  }

  /** Text that runs on over empty cells hides the gridlines under it, as in Sheets. */
  function markSpills() {
    Array.prototype.forEach.call(grid.querySelectorAll('td.overflow'), function (td) {
      var value = td.querySelector('.cv');
      var need = value ? value.offsetWidth : 0;
      var covered = td;
      var width = td.clientWidth;
      while (width < need && covered.nextElementSibling) {
        covered.classList.add('spills');
        covered = covered.nextElementSibling;
        width += covered.offsetWidth;
      }
    });
  }

  function pinFrozenRows() {
    var headHeight = grid.tHead ? grid.tHead.getBoundingClientRect().height : 0;
    var top = headHeight;
    Array.prototype.forEach.call(grid.querySelectorAll('tr.frozen'), function (tr) {
      Array.prototype.forEach.call(tr.children, function (cellEl) { cellEl.style.top = top + 'px'; });
      top += tr.getBoundingClientRect().height;
    });
  }

  function renderTabs() {
    var nav = el('tabs');
    nav.textContent = '';
    var current = currentTab();
    (state.data ? state.data.tabs : []).forEach(function (tab) {
      if (tab.hidden) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = tab.title;
      button.setAttribute('data-sheet-title', tab.title);
      if (tab.tab_color) button.style.borderBottomColor = tab.tab_color;
      if (current && tab.sheet_id === current.sheet_id) button.className = 'current';
      button.addEventListener('click', function () {
        state.tab = String(tab.sheet_id);
        state.selected = null;
        updateSelectionUi();
        render();
      });
      nav.appendChild(button);
    });
  }

  // ---- selection and editing ---------------------------------------------------------

  function tdAt(row, col) {
    return grid.querySelector('td[data-row="' + row + '"][data-col="' + col + '"]');
  }

  function select(row, col, quiet) {
    var previous = grid.querySelector('td.selected');
    if (previous) previous.classList.remove('selected');
    state.selected = { row: row, col: col };
    var td = tdAt(row, col);
    if (td) td.classList.add('selected');
    if (!quiet) updateSelectionUi();
  }

  function updateSelectionUi() {
    var sel = state.selected;
    var has = !!(sel && currentTab());
    el('cell-name').textContent = has ? a1(sel.row, sel.col) : '';
    formula.disabled = !has;
    formula.value = has ? editText(cellAt(sel.row, sel.col)) : '';
    el('insert-row').disabled = !has;
    el('delete-row').disabled = !has;
  }

  function editText(cell) { return cell.e || cell.v || ''; }

  grid.addEventListener('click', function (event) {
    var td = event.target.closest('td');
    if (!td) return;
    if (state.pickedRows) {
      state.pickedRows = null;
      grid.querySelectorAll('tr.picked').forEach(function (tr) { tr.classList.remove('picked'); });
    }
    select(Number(td.getAttribute('data-row')), Number(td.getAttribute('data-col')));
  });
  grid.addEventListener('dblclick', function (event) {
    var td = event.target.closest('td');
    if (!td || td.querySelector('select.dd')) return;
    openEditor(Number(td.getAttribute('data-row')), Number(td.getAttribute('data-col')));
  });
  grid.addEventListener('mouseover', function (event) {
    var td = event.target.closest('td.has-note');
    showNote(td);
  });
  grid.addEventListener('mouseleave', function () { showNote(null); });

  var notePop = null;
  function showNote(td) {
    if (!td) { if (notePop) notePop.hidden = true; return; }
    if (!notePop) {
      notePop = document.createElement('div');
      notePop.className = 'note-pop';
      notePop.setAttribute('role', 'tooltip');
      document.body.appendChild(notePop);
    }
    var box = td.getBoundingClientRect();
    notePop.textContent = td.getAttribute('data-note');
    notePop.style.left = Math.min(box.right + 4, window.innerWidth - 330) + 'px';
    notePop.style.top = box.top + 'px';
    notePop.hidden = false;
  }

  function openEditor(row, col) {
    var td = tdAt(row, col);
    if (!td || state.editing) return;
    select(row, col);
    var input = document.createElement('input');
    input.className = 'editor';
    input.value = editText(cellAt(row, col));
    input.setAttribute('aria-label', 'Edit ' + a1(row, col));
    state.editing = { row: row, col: col, input: input };
    td.appendChild(input);
    input.focus();
    input.select();
    var done = false;
    function finish(save) {
      if (done) return;
      done = true;
      var value = input.value;
      var sending = save ? commit(row, col, value) : Promise.resolve(false);
      sending.then(function () {
        state.editing = null;
        if (input.parentNode) input.parentNode.removeChild(input);
        if (state.renderLater) render();
      });
    }
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') { event.preventDefault(); finish(true); }
      else if (event.key === 'Escape') { event.preventDefault(); finish(false); }
    });
    input.addEventListener('blur', function () { finish(true); });
  }

  formula.addEventListener('keydown', function (event) {
    var sel = state.selected;
    if (!sel) return;
    if (event.key === 'Enter') { event.preventDefault(); commit(sel.row, sel.col, formula.value); }
    else if (event.key === 'Escape') { formula.value = editText(cellAt(sel.row, sel.col)); }
  });

  document.addEventListener('keydown', function (event) {
    if (!state.selected || state.editing || !currentTab()) return;
    if (event.target !== document.body) return;
    var sel = state.selected;
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) {
      event.preventDefault();
      var tab = currentTab();
      var row = Math.max(0, Math.min(tab.rows.length - 1, sel.row + moves[event.key][0]));
      var col = Math.max(0, Math.min(tab.columns.length - 1, sel.col + moves[event.key][1]));
      if (tdAt(row, col)) select(row, col);
    } else if (event.key === 'Enter' || event.key === 'F2') {
      event.preventDefault();
      openEditor(sel.row, sel.col);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      commit(sel.row, sel.col, '');
    }
  });

  // ---- sending edits -----------------------------------------------------------------

  /** Resolves true once the person confirmed (or nothing needed confirming). */
  function headsUp(description) {
    if (Date.now() < state.quietUntil) return Promise.resolve(true);
    var back = el('heads-up');
    el('heads-up-description').textContent = description || '';
    el('heads-up-quiet').checked = false;
    back.hidden = false;
    el('heads-up-ok').focus();
    return new Promise(function (resolve) {
      function close(answer) {
        back.hidden = true;
        el('heads-up-ok').removeEventListener('click', ok);
        el('heads-up-cancel').removeEventListener('click', cancel);
        if (answer && el('heads-up-quiet').checked) state.quietUntil = Date.now() + QUIET_MS;
        resolve(answer);
      }
      function ok() { close(true); }
      function cancel() { close(false); }
      el('heads-up-ok').addEventListener('click', ok);
      el('heads-up-cancel').addEventListener('click', cancel);
    });
  }

  function warnFor(cells) {
    var warned = cells.filter(function (c) { return c.p && c.p.w; })[0];
    return warned ? headsUp(warned.p.d) : Promise.resolve(true);
  }

  function commit(row, col, value) {
    var cell = cellAt(row, col);
    if (value === editText(cell)) return Promise.resolve(false);
    var tab = currentTab();
    return warnFor([cell]).then(function (go) {
      if (!go) return false;
      setStatus('Saving...');
      return request('POST', base + '/cell', {
        as: state.as, sheet_id: tab.sheet_id, row: row, col: col, value: value,
      }).then(function () {
        setStatus('Saved as ' + state.as);
        showMessage('');
        return true;
      }, function (error) {
        setStatus('');
        showMessage(error.message);
        return false;
      });
    });
  }

  function changeRows(change) {
    var sel = state.selected;
    var tab = currentTab();
    if (!sel || !tab) return;
    var cells = change === 'REMOVE_ROW' ? tab.rows[sel.row].c : [];
    warnFor(cells).then(function (go) {
      if (!go) return;
      setStatus(change === 'INSERT_ROW' ? 'Inserting a row...' : 'Deleting the row...');
      request('POST', base + '/rows', {
        as: state.as, sheet_id: tab.sheet_id, row: sel.row, change: change,
      }).then(function () {
        setStatus(change === 'INSERT_ROW' ? 'Row inserted below ' + (sel.row + 1) : 'Row ' + (sel.row + 1) + ' deleted');
        showMessage('');
      }, function (error) {
        setStatus('');
        showMessage(error.message);
      });
    });
  }

  el('insert-row').addEventListener('click', function () { changeRows('INSERT_ROW'); });
  el('delete-row').addEventListener('click', function () { changeRows('REMOVE_ROW'); });

  // ---- the add-on's Deal health sidebar ----------------------------------------------

  // The panel beside the grid shows the add-on's Deal health sidebar or, from the menu's
  // "Weekly review", its review dialog (run once when opened, never reloaded).
  var PANELS = { Sidebar: 'Deal health', WeeklyReview: 'Weekly review' };
  var sidebarTimer = null;
  var panel = 'Sidebar';
  function sidebarUrl() {
    var owner = state.data ? state.data.owner : '';
    return '/preview/addon/' + panel + '?as=' + encodeURIComponent(owner) + '&spreadsheet=' + encodeURIComponent(spreadsheetId);
  }
  function refreshSidebarSoon() {
    if (el('sidebar').hidden || panel !== 'Sidebar') return;
    clearTimeout(sidebarTimer);
    sidebarTimer = setTimeout(function () { el('sidebar-frame').src = sidebarUrl(); }, 1500);
  }
  function showSidebar(show, which) {
    panel = which || 'Sidebar';
    el('sidebar').hidden = !show;
    el('show-health').setAttribute('aria-pressed', String(show && panel === 'Sidebar'));
    el('sidebar-name').textContent = PANELS[panel];
    el('sidebar-frame').title = PANELS[panel];
    if (show) el('sidebar-frame').src = sidebarUrl();
    setTimeout(pinFrozenRows, 0);
  }
  el('show-health').addEventListener('click', function () {
    showSidebar(el('sidebar').hidden || panel !== 'Sidebar');
  });
  el('show-review').addEventListener('click', function () { showSidebar(true, 'WeeklyReview'); });
  el('hide-health').addEventListener('click', function () { showSidebar(false); });
  window.previewAddonClosed = function () { showSidebar(false); };
  if (body.getAttribute('data-addon') !== 'on') {
    el('show-health').disabled = true;
    el('show-review').disabled = true;
  }

  // The sidebar selecting a risk's rows (the add-on's selectMilestoneRows): the Plan
  // tab's rows whose ID (column A) is one of ids, marked until the next click.
  window.previewSelectMilestones = function (ids) {
    var tabs = state.data ? state.data.tabs : [];
    var plan = tabs.filter(function (t) { return t.title === 'Plan'; })[0];
    if (!plan) return 0;
    var wanted = {};
    (ids || []).forEach(function (id) { wanted[String(id)] = true; });
    var rows = plan.rows.filter(function (r) {
      var id = r.c[0] && (r.c[0].v || r.c[0].e);
      return id && wanted[String(id)];
    }).map(function (r) { return r.i; });
    state.tab = String(plan.sheet_id);
    state.pickedRows = rows;
    state.selected = rows.length ? { row: rows[0], col: 1 } : null;
    render();
    updateSelectionUi();
    return rows.length;
  };

  window.addEventListener('resize', pinFrozenRows);
  load().then(follow);
})();
