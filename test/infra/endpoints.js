'use strict';
// Where the local test infrastructure lives and how to reach it.
// Shared by infra.js (writes endpoints.json), jest-env.js (reads it) and tests/tools.
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Keys written to endpoints.json, in order. */
const ENDPOINT_KEYS = [
  'DATABASE_URL',
  'NATS_URL',
  'KAFKA_BROKERS',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'S3_REGION',
];

/** Defaults used when neither the environment nor endpoints.json says otherwise. */
const DEFAULTS = Object.freeze({
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  NATS_URL: 'nats://127.0.0.1:4222',
  KAFKA_BROKERS: '127.0.0.1:19092',
  S3_ENDPOINT: 'http://127.0.0.1:19000',
  S3_ACCESS_KEY: 'loanflow',
  S3_SECRET_KEY: 'loanflow-secret',
  S3_REGION: 'us-east-1',
});

/** State folder (pid files, data, downloaded jars, logs), outside the repository. */
function infraHome() {
  const fromEnv = process.env.LOANFLOW_INFRA_HOME;
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv);
  return path.join(os.homedir(), '.cache', 'loanflow-infra');
}

function endpointsFile() {
  return path.join(infraHome(), 'endpoints.json');
}

/**
 * The endpoints written by the last `infra.js up`, or null when the file is missing or unreadable.
 * Only string values of the known keys are returned.
 */
function loadEndpoints() {
  let raw;
  try {
    raw = fs.readFileSync(endpointsFile(), 'utf8');
  } catch {
    return null;
  }
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const out = {};
  for (const key of ENDPOINT_KEYS) {
    if (typeof parsed[key] === 'string' && parsed[key] !== '') out[key] = parsed[key];
  }
  return out;
}

/**
 * Effective endpoints: environment variable, else endpoints.json, else default.
 * (In jest, jest-env.js has already copied endpoints.json into process.env.)
 */
function resolveEndpoints() {
  const file = loadEndpoints() || {};
  const out = {};
  for (const key of ENDPOINT_KEYS) {
    const env = process.env[key];
    out[key] = env !== undefined && env !== '' ? env : file[key] || DEFAULTS[key];
  }
  return out;
}

/** Write endpoints.json atomically. */
function writeEndpoints(endpoints) {
  const file = endpointsFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = {};
  for (const key of ENDPOINT_KEYS) {
    if (endpoints[key] !== undefined) out[key] = endpoints[key];
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(out, null, 2) + '\n');
  fs.renameSync(tmp, file);
  return file;
}

module.exports = {
  ENDPOINT_KEYS,
  DEFAULTS,
  infraHome,
  endpointsFile,
  loadEndpoints,
  resolveEndpoints,
  writeEndpoints,
};
