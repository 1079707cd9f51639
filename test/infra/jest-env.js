'use strict';
// jest setupFiles entry for the integration project: copy the endpoints resolved by
// `node test/infra/infra.js up` into process.env, never overriding variables already set.
// Without endpoints.json the environment is left as is (the defaults in endpoints.js apply).
const { loadEndpoints } = require('./endpoints');

const endpoints = loadEndpoints();
if (endpoints) {
  for (const [key, value] of Object.entries(endpoints)) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}
