/**
 * Settings of the add-on: where the backend is, and the constants that the
 * menu, the triggers and the dialogs share.
 *
 * The backend's address is a script property (Project Settings > Script
 * properties > BACKEND_URL), set once by whoever deploys the add-on; every
 * user of the add-on shares it.
 */

/** Script property that holds the backend's base URL, e.g. https://map.example.com */
const BACKEND_URL_PROPERTY = 'BACKEND_URL';

/**
 * Optional script property: the backend's service account email. When set,
 * "Create MAP in this spreadsheet" adds it as an editor of the current file
 * before asking the backend to build the MAP there (see Sharing.js).
 */
const BACKEND_SERVICE_ACCOUNT_PROPERTY = 'BACKEND_SERVICE_ACCOUNT';

/** The tab that holds the plan; edits elsewhere are not sent to the backend. */
const PLAN_SHEET_NAME = 'Plan';

/** Google's limit: about 20 installable triggers per user per add-on, all files together. */
const TRIGGER_LIMIT_PER_USER = 20;

/** Handlers of the installable triggers that "Enable live updates" installs. */
const EDIT_HANDLER = 'onMapEdit';
const CHANGE_HANDLER = 'onMapChange';

/** Pause before the single retry of a trigger's post, in milliseconds. */
const HOOK_RETRY_DELAY_MS = 1000;

/** HtmlService file names: clasp pushes src/X.html as the project file "src/X". */
const HTML_DIR = 'src/';

/**
 * The backend's base URL without a trailing slash.
 * @returns {string}
 */
function backendUrl_() {
  const value = PropertiesService.getScriptProperties().getProperty(BACKEND_URL_PROPERTY);
  const url = (value || '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(url)) {
    throw new AddonNotConfiguredError(
      'The MAP add-on is not set up yet: it does not know the address of its service. ' +
        'Ask the person who runs the add-on to set the script property ' +
        BACKEND_URL_PROPERTY +
        '.'
    );
  }
  return url;
}

/**
 * The backend's service account email, or '' when not configured.
 * @returns {string}
 */
function backendServiceAccount_() {
  const value = PropertiesService.getScriptProperties().getProperty(BACKEND_SERVICE_ACCOUNT_PROPERTY);
  return (value || '').trim();
}
