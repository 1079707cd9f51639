// Usage: node test/container/grpc-health.js <host:port> [service] [deadline-ms]
// Asks grpc.health.v1 Check, as a kubelet grpc: probe does, until the answer is SERVING; exits 0
// then, or 1 with the last answer or error once the deadline passes. Plain JavaScript on the
// repository's node_modules, so check.sh needs no build.
'use strict';
const { credentials, makeGenericClientConstructor } = require('@grpc/grpc-js');
const { service: healthService } = require('grpc-health-check');

const [address, serviceName = '', deadlineArg = '60000'] = process.argv.slice(2);
if (!address || !/^[^:]+:\d+$/.test(address)) {
  console.error('grpc-health: the first argument must be host:port');
  process.exit(2);
}
const deadline = Date.now() + Number(deadlineArg);
const Health = makeGenericClientConstructor(healthService, 'Health');
const client = new Health(address, credentials.createInsecure());

const check = () =>
  new Promise((resolve) => {
    // Each probe has its own short deadline, so a server that accepts and never answers is retried.
    client.Check({ service: serviceName }, { deadline: Date.now() + 2000 }, (err, reply) =>
      resolve(err ? `error: ${err.message}` : reply.status),
    );
  });

(async () => {
  let last = 'no answer';
  while (Date.now() < deadline) {
    last = await check();
    if (last === 'SERVING') {
      console.log(`grpc-health: ${address} '${serviceName}' is SERVING`);
      client.close();
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error(`grpc-health: ${address} '${serviceName}' not SERVING in time; last: ${last}`);
  client.close();
  process.exit(1);
})();
