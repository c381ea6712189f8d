'use strict';
// The fakes in one place, for the unit tests here and an end-to-end test
// that drives the add-on against the running backend: pass its URL and
// tokens from its development sign-in issuer to loadAddon instead of the
// double's.

module.exports = {
  ...require('./addon-harness'),
  ...require('./backend-double'),
  ...require('./sync-http'),
  ...require('./sample-responses'),
  ...require('./environment'),
};
