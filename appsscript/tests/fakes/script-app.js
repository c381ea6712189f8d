'use strict';
// ScriptApp: the tokens of the user the code runs as, and the installable
// triggers of this add-on, kept with Google's rules for add-ons: a trigger
// only for the file the add-on is used in, one of each type per user per
// file, and a limit per user for the add-on across all files (about 20).

const { SCOPES } = require('./environment');

const TRIGGER_RULE = { scopes: [SCOPES.SCRIPTAPP] };

const AuthMode = Object.freeze({ NONE: 'NONE', LIMITED: 'LIMITED', FULL: 'FULL', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION' });
const EventType = Object.freeze({
  CLOCK: 'CLOCK',
  ON_OPEN: 'ON_OPEN',
  ON_EDIT: 'ON_EDIT',
  ON_FORM_SUBMIT: 'ON_FORM_SUBMIT',
  ON_CHANGE: 'ON_CHANGE',
  ON_EVENT_UPDATED: 'ON_EVENT_UPDATED',
});
const TriggerSource = Object.freeze({ SPREADSHEETS: 'SPREADSHEETS', CLOCK: 'CLOCK', FORMS: 'FORMS', DOCUMENTS: 'DOCUMENTS' });

class FakeTrigger {
  /** @param {{id: string, handler: string, eventType: string, sourceId: string, user: string}} spec */
  constructor(spec) {
    this.id = spec.id;
    this.handler = spec.handler;
    this.eventType = spec.eventType;
    this.sourceId = spec.sourceId;
    this.user = spec.user;
  }
  getUniqueId() {
    return this.id;
  }
  getHandlerFunction() {
    return this.handler;
  }
  getEventType() {
    return this.eventType;
  }
  getTriggerSource() {
    return TriggerSource.SPREADSHEETS;
  }
  getTriggerSourceId() {
    return this.sourceId;
  }
}

/** Every installable trigger of the add-on, all users and files. */
class TriggerRegistry {
  /** @param {{limit?: number}} [options] */
  constructor({ limit = 20 } = {}) {
    this.limit = limit;
    /** @type {FakeTrigger[]} */
    this.triggers = [];
    this.nextId = 1;
  }
  /** @param {{handler: string, eventType: string, sourceId: string, user: string}} spec */
  add(spec) {
    const trigger = new FakeTrigger({ id: 'trigger-' + this.nextId++, ...spec });
    this.triggers.push(trigger);
    return trigger;
  }
  /** @param {string} user */
  ofUser(user) {
    return this.triggers.filter((t) => t.user === user);
  }
  /** @param {string} sourceId @param {string} [eventType] */
  forFile(sourceId, eventType) {
    return this.triggers.filter((t) => t.sourceId === sourceId && (!eventType || t.eventType === eventType));
  }
}

/**
 * @param {import('./environment').FakeEnvironment} env
 * @param {{registry: TriggerRegistry, user: () => string, identityToken: () => string, oauthToken: () => string,
 *          activeSpreadsheetId: string}} options
 */
function createScriptApp(env, { registry, user, identityToken, oauthToken, activeSpreadsheetId }) {
  /** @param {string} handler @param {string} sourceId @param {string} eventType */
  function create(handler, sourceId, eventType) {
    env.check('TriggerBuilder.create', TRIGGER_RULE);
    if (sourceId !== activeSpreadsheetId) {
      throw env.error('Exception: Add-ons can only create triggers for the file they are used in.');
    }
    const mine = registry.ofUser(user());
    if (mine.some((t) => t.sourceId === sourceId && t.eventType === eventType)) {
      throw env.error('Exception: This add-on already has a trigger of this type for this user in this file.');
    }
    if (mine.length >= registry.limit) {
      throw env.error(
        'Exception: This script has too many triggers. Triggers must be deleted from the script before more can be added.'
      );
    }
    return registry.add({ handler, eventType, sourceId, user: user() });
  }

  return {
    AuthMode,
    EventType,
    TriggerSource,
    getIdentityToken() {
      env.check('ScriptApp.getIdentityToken');
      // Apps Script gives null when the openid scope was not granted.
      return env.scopes.has(SCOPES.OPENID) ? identityToken() : null;
    },
    getOAuthToken() {
      env.check('ScriptApp.getOAuthToken');
      return oauthToken();
    },
    getProjectTriggers() {
      env.check('ScriptApp.getProjectTriggers', TRIGGER_RULE);
      return registry.ofUser(user());
    },
    /** @param {{getId(): string}} file */
    getUserTriggers(file) {
      env.check('ScriptApp.getUserTriggers', TRIGGER_RULE);
      return registry.ofUser(user()).filter((t) => t.sourceId === file.getId());
    },
    /** @param {FakeTrigger} trigger */
    deleteTrigger(trigger) {
      env.check('ScriptApp.deleteTrigger', TRIGGER_RULE);
      registry.triggers = registry.triggers.filter((t) => t.id !== trigger.getUniqueId());
    },
    /** @param {string} handler */
    newTrigger(handler) {
      env.check('ScriptApp.newTrigger', TRIGGER_RULE);
      return {
        /** @param {string | {getId(): string}} file */
        forSpreadsheet(file) {
          const sourceId = typeof file === 'string' ? file : file.getId();
          /** @param {string} eventType */
          const kind = (eventType) => ({ create: () => create(handler, sourceId, eventType) });
          return {
            onEdit: () => kind(EventType.ON_EDIT),
            onChange: () => kind(EventType.ON_CHANGE),
            onOpen: () => kind(EventType.ON_OPEN),
            onFormSubmit: () => kind(EventType.ON_FORM_SUBMIT),
          };
        },
      };
    },
  };
}

module.exports = { createScriptApp, TriggerRegistry, FakeTrigger, AuthMode, EventType };
