/**
 * "Enable live updates" / "Disable live updates": the installable onEdit and
 * onChange triggers of the current MAP (EditHooks.js handles what they fire).
 *
 * Google's rules shape this file: an add-on may add installable triggers only
 * to the file it is used in, one of each type per user per file, and about 20
 * per user for the add-on across all files. A trigger runs as the person who
 * installed it (the seller), also when a buyer edits.
 */

/**
 * One onEdit (the cell, its value, who) and one onChange (rows inserted,
 * removed, sorted). A function, not a constant: Apps Script runs the files in
 * no promised order, so nothing at load time may read another file's constants.
 * @returns {{handler: string, eventType: 'ON_EDIT' | 'ON_CHANGE'}[]}
 */
function liveUpdateTriggers_() {
  return [
    { handler: EDIT_HANDLER, eventType: 'ON_EDIT' },
    { handler: CHANGE_HANDLER, eventType: 'ON_CHANGE' },
  ];
}

/**
 * @typedef {{enabled: boolean, changed: boolean, message: string}} LiveUpdatesResult
 */

/**
 * Installs the missing live-update triggers of this file, never a second of a kind.
 * @returns {LiveUpdatesResult}
 */
function enableLiveUpdates() {
  return withUserLock_(() => {
    const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
    const present = ScriptApp.getUserTriggers(spreadsheet);
    const missing = liveUpdateTriggers_().filter(
      (spec) => !present.some((t) => isTrigger_(t, spec.eventType, spec.handler))
    );
    if (!missing.length) {
      return { enabled: true, changed: false, message: 'Live updates are already on in this MAP.' };
    }
    callBackend_('get', mapPath_(''), {
      meanings: {
        NOT_FOUND: 'Live updates work in a MAP, and this spreadsheet is not one yet. Use Create MAP... first.',
      },
    });
    // A trigger of the same kind with another handler (an older version of the
    // add-on) holds the one slot Google allows per kind: it goes first.
    const stale = present.filter((t) => missing.some((spec) => isTrigger_(t, spec.eventType, '')));
    stale.forEach((t) => ScriptApp.deleteTrigger(t));
    const inUse = ScriptApp.getProjectTriggers();
    if (inUse.length + missing.length > TRIGGER_LIMIT_PER_USER) {
      return { enabled: false, changed: stale.length > 0, message: triggerLimitMessage_(inUse, spreadsheet.getId()) };
    }
    /** @type {GoogleAppsScript.Script.Trigger[]} */
    const created = [];
    try {
      missing.forEach((spec) => created.push(createLiveUpdateTrigger_(spreadsheet, spec.eventType, spec.handler)));
    } catch (error) {
      created.forEach((t) => ScriptApp.deleteTrigger(t));
      if (!/too many triggers/i.test(readableMessage_(error))) throw error;
      return {
        enabled: false,
        changed: stale.length > 0,
        message: triggerLimitMessage_(ScriptApp.getProjectTriggers(), spreadsheet.getId()),
      };
    }
    return {
      enabled: true,
      changed: true,
      message:
        'Live updates are on: every edit in this MAP, by you or the buyer, updates dates, health ' +
        'and risks within seconds. They run under your Google account.',
    };
  });
}

/**
 * Removes this user's live-update triggers from this file.
 * @returns {LiveUpdatesResult}
 */
function disableLiveUpdates() {
  return withUserLock_(() => {
    const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
    const ours = ScriptApp.getUserTriggers(spreadsheet).filter((t) =>
      liveUpdateTriggers_().some((spec) => isTrigger_(t, spec.eventType, ''))
    );
    ours.forEach((t) => ScriptApp.deleteTrigger(t));
    if (!ours.length) {
      return { enabled: false, changed: false, message: 'Live updates were not on for you in this MAP.' };
    }
    return {
      enabled: false,
      changed: true,
      message:
        'Live updates are off in this MAP. It still updates through Drive notifications within ' +
        'a few minutes, and at once with Refresh MAP.',
    };
  });
}

/**
 * @param {GoogleAppsScript.Spreadsheet.Spreadsheet} spreadsheet
 * @param {string} eventType ON_EDIT or ON_CHANGE
 * @param {string} handler
 * @returns {GoogleAppsScript.Script.Trigger}
 */
function createLiveUpdateTrigger_(spreadsheet, eventType, handler) {
  const builder = ScriptApp.newTrigger(handler).forSpreadsheet(spreadsheet);
  return eventType === 'ON_EDIT' ? builder.onEdit().create() : builder.onChange().create();
}

/**
 * @param {GoogleAppsScript.Script.Trigger} trigger
 * @param {string} eventType ON_EDIT or ON_CHANGE
 * @param {string} handler '' for any handler
 * @returns {boolean}
 */
function isTrigger_(trigger, eventType, handler) {
  const typeMatches = trigger.getEventType() === ScriptApp.EventType[/** @type {'ON_EDIT'} */ (eventType)];
  return typeMatches && (!handler || trigger.getHandlerFunction() === handler);
}

/**
 * Says why live updates cannot go on here and what the seller can do.
 * @param {GoogleAppsScript.Script.Trigger[]} inUse all of this user's triggers of the add-on
 * @param {string} currentId
 * @returns {string}
 */
function triggerLimitMessage_(inUse, currentId) {
  /** @type {string[]} */
  const files = [];
  inUse.forEach((t) => {
    const id = t.getTriggerSourceId();
    if (id && id !== currentId && files.indexOf(id) < 0) files.push(id);
  });
  const perMap = liveUpdateTriggers_().length;
  const lines = [
    'Live updates cannot be turned on here: you already use ' +
      inUse.length +
      ' of the ' +
      TRIGGER_LIMIT_PER_USER +
      ' triggers Google allows one person for this add-on, and live updates need ' +
      perMap +
      ' per MAP (at most ' +
      Math.floor(TRIGGER_LIMIT_PER_USER / perMap) +
      ' MAPs).',
    'Turn them off in a MAP you no longer follow: open it, then Extensions > MAP > Disable live updates.',
  ];
  if (files.length) {
    lines.push('Live updates are on in:');
    files.forEach((id) => lines.push('https://docs.google.com/spreadsheets/d/' + id + '/edit'));
  }
  lines.push(
    'This MAP stays up to date without them: Drive notifications bring changes within a few minutes, ' +
      'and Refresh MAP syncs at once.'
  );
  return lines.join('\n');
}

/**
 * Runs fn under the user's lock, so two clicks never install two triggers.
 * @template T
 * @param {() => T} fn
 * @returns {T}
 */
function withUserLock_(fn) {
  const lock = LockService.getUserLock();
  if (!lock.tryLock(10000)) {
    throw new Error('Live updates are being changed in another window. Try again in a moment.');
  }
  try {
    return fn();
  } finally {
    lock.releaseLock();
  }
}
