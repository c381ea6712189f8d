'use strict';
// End to end: the add-on's own code (src/*.js in the harness of tests/fakes)
// against the real backend and Google emulator of `python -m service serve`,
// over real HTTP. Create MAP through createMap(form) as the dialog calls it,
// Enable live updates, then a buyer edits the Plan tab with the Sheets API
// (as Sheets applies a person's edit) and the add-on's installed onEdit
// handler fires; the backend's sync rewrites the computed cells. Deal health,
// the weekly review and the pipeline are read through the add-on too.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');

const { loadAddon } = require('../fakes/addon-harness');
const { EventType } = require('../fakes/script-app');
const { columnLetters } = require('../fakes/a1');
const {
  backendTestOptions,
  startLocalStack,
  emulatorCall,
  mintIdToken,
  mintAccessToken,
  readValues,
  typeIntoCell,
  eventually,
} = require('./local-stack');

const SELLER = 'sam@vendor.example';
// Outside the seller's domain: Google leaves e.user blank for this buyer's edits.
const BUYER = 'dana@acme.example';
const TEMPLATE = 'simple-close-plan';
const ACCOUNT = 'Globex';
const HOOK_PATH = '/hooks/sheet-edit';
const SYNC_TIMEOUT_MS = 10000;

/** @param {number} days */
function isoDaysFromToday(days) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** @param {string} iso @param {number} days */
function isoPlusDays(iso, days) {
  const date = new Date(iso + 'T00:00:00Z');
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * Where things are on the Plan tab (docs/sheet-layout.md): header labels in
 * column B with their values in C; the milestone table under the header row
 * that names its columns. Found by text, as the backend's reader finds them.
 * @param {string[][]} values formatted values of the Plan tab
 */
function planLayout(values) {
  const headerIndex = values.findIndex((row) => row.includes('Milestone') && row.includes('Health'));
  assert.ok(headerIndex >= 0, 'no milestone table header on the Plan tab: ' + JSON.stringify(values.slice(0, 14)));
  const header = values[headerIndex];
  /** @param {string} name */
  const column = (name) => {
    const index = header.indexOf(name);
    assert.ok(index >= 0, 'no column "' + name + '" in the Plan header ' + JSON.stringify(header));
    return index;
  };
  const columns = {
    id: column('ID'),
    milestone: column('Milestone'),
    side: column('Side'),
    due: column('Due'),
    status: column('Status'),
    projected: column('Projected date'),
    health: column('Health'),
  };
  /** @param {string} label */
  const headerValue = (label) => {
    const row = values.find((r) => r[1] === label);
    assert.ok(row, 'no "' + label + '" in column B of the Plan tab');
    return row[2] || '';
  };
  const milestones = values
    .map((row, index) => ({ row, sheetRow: index + 1 }))
    .slice(headerIndex + 1)
    .filter(({ row }) => row[columns.milestone])
    .map(({ row, sheetRow }) => ({
      sheetRow,
      id: row[columns.id] || '',
      title: row[columns.milestone],
      side: row[columns.side] || '',
      due: row[columns.due] || '',
      status: row[columns.status] || '',
      health: row[columns.health] || '',
    }));
  return { columns, headerValue, milestones };
}

/** @param {number} index 0-based column @param {number} row 1-based */
const a1 = (index, row) => columnLetters(index + 1) + row;

describe('end to end: the add-on on the real backend and emulator (python -m service serve)', backendTestOptions(), () => {
  /** @type {import('./local-stack').LocalStack} */
  let stack;
  let sellerIdToken = '';
  let sellerAccessToken = '';
  let buyerAccessToken = '';
  /** Shared by the steps, in order; a step whose prerequisite failed says so. */
  const state = {
    /** @type {string} */ spreadsheetId: '',
    /** @type {string} */ goLive: isoDaysFromToday(150),
    /** @type {import('../fakes/addon-harness').AddonHarness | null} */ inMap: null,
    /** @type {string} */ doneTitle: '',
    /** @type {string} */ movedTitle: '',
  };
  /** @param {string} step */
  const mapFrom = (step) => {
    assert.ok(state.inMap && state.spreadsheetId, 'needs the MAP from an earlier step (' + step + '), which failed');
    return { addon: state.inMap, id: state.spreadsheetId };
  };

  before(async () => {
    stack = await startLocalStack();
    [sellerIdToken, sellerAccessToken, buyerAccessToken] = await Promise.all([
      mintIdToken(stack.emulatorUrl, SELLER),
      mintAccessToken(stack.emulatorUrl, SELLER),
      mintAccessToken(stack.emulatorUrl, BUYER),
    ]);
  });

  after(async () => {
    if (stack) await stack.stop();
  });

  /** The add-on as the seller runs it, open in the spreadsheet given. */
  /** @param {{id: string, name: string, sheets: Record<string, unknown[][]>}} spreadsheet */
  const addonIn = (spreadsheet) =>
    loadAddon({
      backendUrl: stack.backendUrl,
      identityToken: sellerIdToken,
      oauthToken: sellerAccessToken,
      userEmail: SELLER,
      spreadsheet,
      // Create MAP provisions a whole spreadsheet; Apps Script waits far longer than this.
      fetchTimeoutMs: 30000,
    });

  /** @param {string} [range] */
  const readPlan = (range = 'Plan') => readValues(stack.emulatorUrl, sellerAccessToken, state.spreadsheetId, range);

  /** The posts the add-on's trigger handler made to the hook, as it sent them. */
  /** @param {import('../fakes/addon-harness').AddonHarness} addon */
  const hookPosts = (addon) => addon.sent.filter((r) => r.url === stack.backendUrl + HOOK_PATH);

  /**
   * Fires the installed onEdit triggers of the MAP with the event Apps Script
   * passes for a single-cell edit in the Plan tab. The harness's copy of the
   * file holds the new value first, as the cell does when the trigger runs.
   * @param {import('../fakes/addon-harness').AddonHarness} addon
   * @param {{a1: string, value: string, oldValue: string}} edit
   */
  const fireOnEdit = (addon, { a1: cell, value, oldValue }) => {
    const range = addon.spreadsheet.getSheetByName('Plan').getRange(cell);
    range.setValue(value);
    /** @type {Record<string, unknown>} */
    const event = { authMode: 'FULL', source: addon.spreadsheet, range, value, user: { getEmail: () => '' } };
    if (oldValue !== '') event.oldValue = oldValue;
    return addon.fire(EventType.ON_EDIT, event);
  };

  /**
   * Stops the MAP's Drive watch channel (Drive API channels.stop), so that a
   * buyer's edit can reach the backend only through the trigger's post: the
   * computed cells then change because the handler posted, not because Drive did.
   */
  const stopDrivePush = async () => {
    const { channels } = await emulatorCall(stack.emulatorUrl + '/__emulator/channels');
    const ours = channels.filter((/** @type {any} */ c) => c.fileId === state.spreadsheetId);
    assert.equal(ours.length, 1, 'Create MAP should have opened one Drive watch channel: ' + JSON.stringify(channels));
    await emulatorCall(stack.emulatorUrl + '/drive/v3/channels/stop', {
      method: 'POST',
      token: sellerAccessToken,
      body: { id: ours[0].id, resourceId: ours[0].resourceId },
    });
  };

  it('createMap, as the Create MAP dialog calls it, makes the MAP in a new spreadsheet shared with the buyer and answers its id and link', () => {
    // The seller chooses Create MAP... in a spreadsheet they have open; "In a new spreadsheet" leaves it alone.
    const launcher = addonIn({ id: 'seller-open-spreadsheet', name: 'Untitled spreadsheet', sheets: { Sheet1: [] } });
    const defaults = launcher.call('getCreateMapDefaults');
    assert.equal(defaults.seller_owner, SELLER);
    const templates = launcher.call('getTemplates').templates.map((/** @type {any} */ t) => t.name);
    assert.ok(templates.includes(TEMPLATE), 'the backend offers no ' + TEMPLATE + ' template: ' + templates.join(', '));

    const result = launcher.call('createMap', {
      template: TEMPLATE,
      account: ACCOUNT,
      outcome: 'Replace three legacy tools with one',
      go_live: state.goLive,
      buyers: [{ name: 'Dana Lee', email: BUYER }],
      seller_owner: 'Sam Seller <' + defaults.seller_owner + '>',
      country: defaults.country,
      signature_date: '',
      spreadsheet_id: null,
    });

    assert.match(result.spreadsheet_id, /^[\w-]{10,}$/);
    assert.notEqual(result.spreadsheet_id, 'seller-open-spreadsheet');
    // Local mode's link to a MAP is its live preview (docs/local-mode.md).
    assert.equal(result.url, stack.emulatorUrl + '/preview/' + result.spreadsheet_id);
    assert.equal(result.summary.spreadsheet_id, result.spreadsheet_id);
    assert.equal(result.summary.account, ACCOUNT);
    assert.equal(result.summary.committed_go_live, state.goLive);
    const create = launcher.sent.find((r) => r.url === stack.backendUrl + '/api/maps' && r.method === 'POST');
    assert.ok(create, 'createMap did not POST /api/maps');
    assert.equal(create.headers.Authorization, 'Bearer ' + sellerIdToken);
    assert.equal(create.headers['X-Goog-Access-Token'], sellerAccessToken);
    state.spreadsheetId = result.spreadsheet_id;
  });

  it('the new MAP is a spreadsheet in the emulator, with the buyer as an editor; the add-on opens in it', async () => {
    assert.ok(state.spreadsheetId, 'needs the MAP from createMap, which failed');
    const base = stack.emulatorUrl + '/drive/v3/files/' + encodeURIComponent(state.spreadsheetId);
    const file = await emulatorCall(base + '?fields=name,mimeType', { token: sellerAccessToken });
    assert.equal(file.mimeType, 'application/vnd.google-apps.spreadsheet');
    const { permissions } = await emulatorCall(base + '/permissions?fields=permissions(emailAddress,role)', {
      token: sellerAccessToken,
    });
    const buyer = permissions.find((/** @type {any} */ p) => p.emailAddress === BUYER);
    assert.ok(buyer, 'the MAP is not shared with the buyer: ' + JSON.stringify(permissions));
    assert.equal(buyer.role, 'writer');

    const plan = await readPlan();
    const layout = planLayout(plan);
    assert.ok(layout.milestones.length > 0, 'the Plan tab has no milestones');
    // The add-on opened in the MAP: its active spreadsheet is the emulator's file.
    state.inMap = addonIn({ id: state.spreadsheetId, name: file.name, sheets: { Plan: plan } });
    assert.equal(state.inMap.call('getCreateMapDefaults').spreadsheet_id, state.spreadsheetId);
  });

  it('enableLiveUpdates installs exactly one onEdit trigger (onMapEdit) for the MAP, and enabling again keeps one', () => {
    const { addon, id } = mapFrom('Create MAP');
    const onEditTriggers = () => addon.triggers().filter((t) => t.sourceId === id && t.eventType === EventType.ON_EDIT);

    const first = addon.call('enableLiveUpdates');
    assert.equal(first.enabled, true, first.message);
    assert.equal(first.changed, true, first.message);
    assert.deepEqual(onEditTriggers(), [{ handler: 'onMapEdit', eventType: EventType.ON_EDIT, sourceId: id }]);

    const again = addon.call('enableLiveUpdates');
    assert.equal(again.enabled, true, again.message);
    assert.equal(again.changed, false, again.message);
    assert.equal(onEditTriggers().length, 1);
    assert.equal(addon.triggers().filter((t) => t.sourceId === id).length, 2, 'one onEdit and one onChange');
  });

  it("a buyer marks a buyer milestone Done in Sheets; the onEdit handler posts it to /hooks/sheet-edit and the Plan tab's Health becomes Done", async () => {
    const { addon, id } = mapFrom('Create MAP');
    assert.ok(addon.triggers().some((t) => t.eventType === EventType.ON_EDIT), 'needs live updates on, which failed');
    await stopDrivePush();

    const layout = planLayout(await readPlan());
    const milestone = layout.milestones.find((m) => m.side === 'Buyer' && m.status !== 'Done');
    assert.ok(milestone, 'no open buyer-side milestone: ' + JSON.stringify(layout.milestones));
    assert.notEqual(milestone.health, 'Done');
    const statusCell = a1(layout.columns.status, milestone.sheetRow);
    const healthCell = 'Plan!' + a1(layout.columns.health, milestone.sheetRow);

    await typeIntoCell(stack.emulatorUrl, buyerAccessToken, id, 'Plan!' + statusCell, 'Done');
    // With Drive push stopped and no trigger fired yet, nothing has told the backend.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal((await readPlan(healthCell))[0][0], milestone.health, 'the Health cell changed before any trigger fired');

    const postsBefore = hookPosts(addon).length;
    const fired = fireOnEdit(addon, { a1: statusCell, value: 'Done', oldValue: milestone.status });
    assert.deepEqual(
      fired.map((f) => ({ handler: f.handler, error: f.error && String(f.error) })),
      [{ handler: 'onMapEdit', error: null }]
    );
    const posts = hookPosts(addon).slice(postsBefore);
    assert.equal(posts.length, 1, 'the handler should post once (no retry)');
    assert.equal(posts[0].method, 'POST');
    assert.equal(posts[0].headers.Authorization, 'Bearer ' + sellerIdToken, 'the trigger runs as the seller');
    const payload = JSON.parse(posts[0].body || '{}');
    assert.match(payload.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual(
      { ...payload, ts: 'ts' },
      { spreadsheet_id: id, sheet: 'Plan', a1: statusCell, value: 'Done', old_value: milestone.status, ts: 'ts' }
    );
    assert.deepEqual(addon.warnings(), [], 'the hook was not delivered');

    const health = await eventually(
      async () => {
        const cell = (await readPlan(healthCell))[0] || [];
        return cell[0] === 'Done' ? cell[0] : '';
      },
      { timeoutMs: SYNC_TIMEOUT_MS }
    );
    assert.equal(health, 'Done', healthCell + ' did not become Done within ' + SYNC_TIMEOUT_MS / 1000 + ' s');

    // The sync writes the sheet, then stores the MAP's new state: Deal health follows a moment later.
    /** @param {any} detail */
    const milestoneIn = (detail) => detail.milestones.find((/** @type {any} */ m) => m.title === milestone.title);
    const detail = await eventually(async () => {
      const answer = addon.call('getDealHealth');
      return milestoneIn(answer) && milestoneIn(answer).health === 'Done' ? answer : null;
    });
    assert.ok(
      detail,
      'getDealHealth did not show ' + milestone.title + ' Done: ' + JSON.stringify(addon.call('getDealHealth').milestones)
    );
    assert.equal(milestoneIn(detail).status, 'Done');
    state.doneTitle = milestone.title;
  });

  it("a buyer moves a buyer milestone's Due past go-live; after the trigger the Projected Go-Live and Deal health cells change, and getDealHealth shows the slip", async () => {
    const { addon, id } = mapFrom('Create MAP');
    assert.ok(addon.triggers().some((t) => t.eventType === EventType.ON_EDIT), 'needs live updates on, which failed');
    const layout = planLayout(await readPlan());
    const projectedBefore = layout.headerValue('Projected Go-Live');
    const dealHealthBefore = layout.headerValue('Deal health');
    assert.ok(projectedBefore && dealHealthBefore, 'the computed header cells are empty before the edit');
    const buyerSteps = layout.milestones.filter((m) => m.side === 'Buyer' && m.status !== 'Done');
    const milestone = buyerSteps[buyerSteps.length - 1];
    assert.ok(milestone, 'no open buyer-side milestone left: ' + JSON.stringify(layout.milestones));
    const dueCell = a1(layout.columns.due, milestone.sheetRow);
    const newDue = isoPlusDays(state.goLive, 14);

    await typeIntoCell(stack.emulatorUrl, buyerAccessToken, id, 'Plan!' + dueCell, newDue);
    // e.value is what the cell now shows.
    const shown = ((await readPlan('Plan!' + dueCell))[0] || [])[0] || '';
    assert.ok(shown, 'the Due cell is empty after the buyer typed ' + newDue);
    const postsBefore = hookPosts(addon).length;
    const fired = fireOnEdit(addon, { a1: dueCell, value: shown, oldValue: milestone.due });
    assert.deepEqual(
      fired.map((f) => f.error && String(f.error)),
      [null]
    );
    const posts = hookPosts(addon).slice(postsBefore);
    assert.equal(posts.length, 1);
    const payload = JSON.parse(posts[0].body || '{}');
    assert.equal(payload.a1, dueCell);
    assert.equal(payload.value, shown);
    assert.equal('user' in payload, false, 'Google leaves e.user blank for a buyer outside the domain');
    assert.deepEqual(addon.warnings(), [], 'the hook was not delivered');

    const changed = await eventually(
      async () => {
        const now = planLayout(await readPlan());
        const projected = now.headerValue('Projected Go-Live');
        const dealHealth = now.headerValue('Deal health');
        return projected !== projectedBefore && dealHealth !== dealHealthBefore ? { projected, dealHealth } : null;
      },
      { timeoutMs: SYNC_TIMEOUT_MS }
    );
    assert.ok(
      changed,
      'Projected Go-Live (' + projectedBefore + ') and Deal health (' + dealHealthBefore + ') did not both change within ' +
        SYNC_TIMEOUT_MS / 1000 + ' s'
    );

    const detail = await eventually(async () => {
      const answer = addon.call('getDealHealth');
      return answer.summary.projected_go_live > answer.summary.committed_go_live ? answer : null;
    });
    assert.ok(detail, 'getDealHealth shows no slip: ' + JSON.stringify(addon.call('getDealHealth').summary));
    const summary = detail.summary;
    assert.equal(summary.committed_go_live, state.goLive);
    assert.ok(summary.slip_bd > 0);
    assert.ok(
      changed.dealHealth.includes(String(summary.health.score)) && changed.dealHealth.includes(summary.health.label),
      'the Deal health cell (' + changed.dealHealth + ') and getDealHealth (' + JSON.stringify(summary.health) + ') differ'
    );
    const moved = detail.milestones.find((/** @type {any} */ m) => m.title === milestone.title);
    assert.equal(moved && moved.due, newDue);
    assert.ok(detail.risks.length > 0, 'a go-live slip with no risk listed');
    state.movedTitle = milestone.title;
  });

  it('runWeeklyReview appends the review to the Reviews tab, with the milestone completed and the date moved', async () => {
    const { addon } = mapFrom('Create MAP');
    const before = await readValues(stack.emulatorUrl, sellerAccessToken, state.spreadsheetId, 'Reviews');
    const { review } = addon.call('runWeeklyReview');
    assert.match(review.on, /^\d{4}-\d{2}-\d{2}$/);
    if (state.doneTitle) assert.ok(review.completed.includes(state.doneTitle), JSON.stringify(review.completed));
    if (state.movedTitle) {
      assert.ok(
        review.moved.some((/** @type {string} */ m) => m.includes(state.movedTitle)),
        JSON.stringify(review.moved)
      );
    }
    const afterRows = await readValues(stack.emulatorUrl, sellerAccessToken, state.spreadsheetId, 'Reviews');
    assert.ok(afterRows.length > before.length, 'no rows were appended to the Reviews tab');
    assert.deepEqual(afterRows.slice(0, before.length), before, 'the earlier rows of the Reviews tab changed');
    const added = afterRows.slice(before.length);
    // The review's date is a date cell, shown in the (en_US) spreadsheet's order.
    const [year, month, day] = review.on.split('-').map(Number);
    const shownOn = new Date(Date.UTC(year, month - 1, day))
      .toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
    assert.ok(
      added.every((row) => row[0] === shownOn),
      'appended rows not dated ' + shownOn + ': ' + JSON.stringify(added)
    );
    if (state.doneTitle) {
      assert.ok(added.some((row) => row.includes(state.doneTitle)), 'the review rows do not name ' + state.doneTitle);
    }
    assert.ok(addon.spreadsheet.toasts.some((t) => t.title === 'Weekly review done'));
  });

  it('getPipeline lists the MAP with the same go-live and health as Deal health', () => {
    const { addon, id } = mapFrom('Create MAP');
    const { summary } = addon.call('getDealHealth');
    for (const sort of ['risk', 'account']) {
      const { maps } = addon.call('getPipeline', sort);
      const listed = maps.find((/** @type {any} */ m) => m.spreadsheet_id === id);
      assert.ok(listed, 'getPipeline(' + sort + ') does not list ' + id + ': ' + JSON.stringify(maps));
      assert.equal(listed.account, ACCOUNT);
      assert.equal(listed.seller_email, SELLER);
      assert.equal(listed.projected_go_live, summary.projected_go_live);
      assert.deepEqual(listed.health, summary.health);
    }
  });
});
