'use strict';
// Answers shaped exactly as docs/api.md describes them, for the backend
// double and the browser tests.

const TEMPLATES = {
  templates: [
    { name: 'simple-close-plan', title: 'Simple Close Plan', description: 'Six steps from pricing to go-live.', milestones: 6 },
    { name: 'enterprise', title: 'Enterprise Close Plan', description: 'Security, legal, procurement and rollout.', milestones: 13 },
  ],
};

/**
 * @param {{spreadsheet_id?: string, account?: string, score?: number, label?: string, slip_bd?: number,
 *          committed_go_live?: string, projected_go_live?: string, seller_email?: string}} [overrides]
 */
function mapSummary(overrides = {}) {
  const id = overrides.spreadsheet_id || '1AbCacme';
  return {
    spreadsheet_id: id,
    url: 'https://docs.google.com/spreadsheets/d/' + id + '/edit',
    account: overrides.account || 'Acme Corp',
    seller_email: overrides.seller_email || 'sam@vendor.com',
    committed_go_live: overrides.committed_go_live || '2027-03-31',
    projected_go_live: overrides.projected_go_live || '2027-04-05',
    slip_bd: overrides.slip_bd === undefined ? 3 : overrides.slip_bd,
    health: { score: overrides.score === undefined ? 55 : overrides.score, label: overrides.label || 'Watch' },
    top_risks: [
      {
        code: 'GO_LIVE_SLIP',
        severity: 'high',
        message: 'Go-live is projected 3 business days late: agree a date for legal redlines with Dana.',
      },
    ],
    last_synced_at: '2026-11-22T10:00:00Z',
  };
}

/** @param {Parameters<typeof mapSummary>[0]} [overrides] */
function mapDetail(overrides = {}) {
  const summary = mapSummary(overrides);
  return {
    summary,
    milestones: [
      { id: 'm1', title: 'Pricing review', side: 'joint', owner: 'Sam Seller <sam@vendor.com>', status: 'Done', due: null, target: '2026-12-04', projected: '2026-12-02', health: 'Done', slip_bd: 0 },
      { id: 'm2', title: 'Security questionnaire', side: 'buyer', owner: 'Dana Lee <dana@acme.com>', status: 'In progress', due: null, target: '2027-01-04', projected: '2027-01-06', health: 'At risk', slip_bd: 2 },
      { id: 'm3', title: 'Legal redlines', side: 'buyer', owner: 'Legal team', status: 'Not started', due: null, target: '2027-02-01', projected: '2027-02-04', health: 'At risk', slip_bd: 3 },
    ],
    risks: [
      { code: 'GO_LIVE_SLIP', severity: 'high', message: 'Go-live is projected 3 business days late: agree a date for legal redlines with Dana.', milestones: ['m3'] },
      { code: 'TEAM_OWNER', severity: 'medium', message: 'Name one person for "Legal redlines" instead of "Legal team".', milestones: ['m3'] },
    ],
    next_steps: [
      { id: 'm2', title: 'Security questionnaire', owner: 'Dana Lee <dana@acme.com>', target: '2027-01-04' },
      { id: 'm3', title: 'Legal redlines', owner: 'Legal team', target: '2027-02-01' },
    ],
    calendar_url: 'https://backend.example/api/maps/' + summary.spreadsheet_id + '/calendar.ics?key=k3y',
  };
}

const REVIEW = {
  review: {
    on: '2026-11-22',
    since: '2026-11-15',
    completed: [{ id: 'm1', title: 'Pricing review' }],
    overdue: [{ id: 'm2', title: 'Security questionnaire', owner: 'Dana Lee <dana@acme.com>', target: '2026-11-20' }],
    moved: [{ id: 'm3', title: 'Legal redlines', from: '2027-01-25', to: '2027-02-01' }],
    new_stakeholders: ['Priya Patel <priya@acme.com>'],
    risks: [{ code: 'GO_LIVE_SLIP', severity: 'high', message: 'Go-live is projected 3 business days late.' }],
  },
};

/** @param {{enabled?: boolean}} [overrides] */
function reminders(overrides = {}) {
  const enabled = overrides.enabled === undefined ? true : overrides.enabled;
  return {
    enabled,
    chat_webhook: false,
    upcoming: enabled
      ? [{ on: '2026-12-30', email: 'dana@acme.com', name: 'Dana Lee', milestone_id: 'm2', title: 'Security questionnaire', kind: 'upcoming' }]
      : [],
    unreachable: [{ milestone_id: 'm3', title: 'Legal redlines', owner: 'Legal team' }],
    last_sent: [{ recipient: 'dana@acme.com', subject: 'Acme Corp plan: 1 step to update', sent_at: '2026-11-23T15:00:00Z' }],
    agenda: [
      { kind: 'missed', text: 'The security questionnaire was due last week; what is happening on your end?', milestone_id: 'm2' },
      { kind: 'book_next', text: 'Book the next step: "Legal redlines" by 1 Feb 2027.', milestone_id: 'm3' },
    ],
  };
}

module.exports = { TEMPLATES, REVIEW, mapSummary, mapDetail, reminders };
