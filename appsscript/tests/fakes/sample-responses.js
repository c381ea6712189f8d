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
 *          committed_go_live?: string, projected_go_live?: string, seller_email?: string,
 *          calendar_url?: string | null,
 *          amount?: number | null, p_signature_quarter?: number | null,
 *          committed_this_quarter?: boolean}} [overrides]
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
    forecast: {
      basis: { kind: 'calibrated', plans: 42, text: '42 past plans' },
      p_on_time: 0.62,
      p_signature_quarter: overrides.p_signature_quarter === undefined ? 0.48 : overrides.p_signature_quarter,
      signature_target: '2026-12-15',
      quarter_end: '2026-12-31',
      committed_this_quarter: overrides.committed_this_quarter === undefined ? true : overrides.committed_this_quarter,
      amount: overrides.amount === undefined ? 120000 : overrides.amount,
    },
  };
}

/**
 * The pipeline's roll-up over summaries, as the backend computes it.
 * @param {ReturnType<typeof mapSummary>[]} maps
 */
function pipelineRollup(maps) {
  const forecasts = maps.map((m) => m.forecast);
  const withAmount = forecasts.filter((f) => f.amount !== null);
  const byGut = forecasts.filter((f) => f.committed_this_quarter);
  const sum = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0);
  return {
    maps: maps.length,
    expected_signatures: Math.round(100 * sum(forecasts.map((f) => f.p_signature_quarter || 0))) / 100,
    expected_amount: Math.round(sum(withAmount.map((f) => (f.p_signature_quarter || 0) * f.amount))),
    maps_with_amount: withAmount.length,
    committed_by_date: byGut.length,
    committed_amount: sum(byGut.map((f) => f.amount || 0)),
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
    forecast: {
      basis: { kind: 'calibrated', plans: 42, text: '42 past plans' },
      go_live: { committed: '2027-03-31', p_on_time: 0.62, p50: '2027-03-24', p80: '2027-04-09', text: '62% on time' },
      signature: { p_in_quarter: 0.48, p50: '2027-02-17', p80: '2027-03-03', text: '48% in its quarter' },
      drivers: [
        { milestone: 'm3', title: 'Legal redlines', share: 0.6, text: 'Legal redlines: 60% of the risk' },
        { milestone: 'm2', title: 'Security questionnaire', share: 0.25, text: 'Security questionnaire: 25% of the risk' },
      ],
      advice: 'Ask the buyer who owns it, then ask them for a committed date on "Legal redlines"; send the redlines early and offer a call between both legal teams.',
    },
    calendar_url:
      overrides.calendar_url !== undefined
        ? overrides.calendar_url
        : 'https://backend.example/api/maps/' + summary.spreadsheet_id + '/calendar.ics?key=k3y',
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

module.exports = { TEMPLATES, REVIEW, mapSummary, mapDetail, reminders, pipelineRollup };
