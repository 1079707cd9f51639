import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import {
  connectivityState,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type Client,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { createGrpcClient, promiseClient } from '../src';

// A hand-written service with JSON on the wire, so the test needs no generated code.
const SERVICE = 'test.Teller';
const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as unknown,
};
const definition: ServiceDefinition = {
  balance: {
    path: `/${SERVICE}/Balance`,
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};
const TellerClient = Object.assign(makeGenericClientConstructor(definition, SERVICE), {
  serviceName: SERVICE,
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function startTeller(port: number): Promise<Server> {
  const server = new Server();
  server.addService(definition, {
    balance: (_call: unknown, callback: (err: null, res: unknown) => void) =>
      callback(null, { balance: '100.00' }),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  return server;
}

/** Resolves once the channel has tried the address and failed (the peer is down). */
function failedToConnect(raw: Client): Promise<void> {
  const channel = raw.getChannel();
  return new Promise((resolve) => {
    const watch = () => {
      const state = channel.getConnectivityState(true);
      if (state === connectivityState.TRANSIENT_FAILURE) return resolve();
      channel.watchConnectivityState(state, Date.now() + 10000, watch);
    };
    watch();
  });
}

/**
 * Resolves once a caller that does not wait has been refused, in a call begun more than `ms`
 * after `since`: the peer has been down longer than the retry policy's whole budget (backoffs of
 * at most 0.1 + 0.2 + 0.4 s), so a waiting call begun at `since` would have failed without
 * waitForReady.
 */
async function refusedSince(teller: Teller, since: number, ms: number): Promise<void> {
  for (;;) {
    const startedAt = Date.now();
    const refused = await teller.balance({}, { timeoutMs: 5000 }).then(
      () => false,
      (err: { code: string }) => err.code === 'unavailable',
    );
    if (!refused) throw new Error('the peer answered while it was meant to be down');
    if (startedAt - since > ms) return;
  }
}

type Teller = { balance(req: object, opts?: { timeoutMs?: number }): Promise<unknown> };

describe('promiseClient waits for a peer that is down within the deadline', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const client = (address: string, waitForReady?: boolean) => {
    const raw = createGrpcClient(TellerClient as never, address) as Client;
    const teller = promiseClient(raw, { waitForReady }) as unknown as Teller;
    cleanups.push(() => raw.close());
    return { raw, teller };
  };

  it('a call made while the peer is down is answered once it starts', async () => {
    const port = await freePort();
    const { teller } = client(`127.0.0.1:${port}`);
    const since = Date.now();
    const call = teller.balance({}, { timeoutMs: 15000 });
    await refusedSince(client(`127.0.0.1:${port}`, false).teller, since, 1000);
    const server = await startTeller(port);
    cleanups.push(() => server.forceShutdown());
    await expect(call).resolves.toEqual({ balance: '100.00' });
  });

  it('a call made while the peer restarts is answered by the new process', async () => {
    const port = await freePort();
    const first = await startTeller(port);
    const { raw, teller } = client(`127.0.0.1:${port}`);
    await expect(teller.balance({})).resolves.toEqual({ balance: '100.00' });
    first.forceShutdown();
    await failedToConnect(raw);
    const since = Date.now();
    const call = teller.balance({}, { timeoutMs: 15000 });
    await refusedSince(client(`127.0.0.1:${port}`, false).teller, since, 1000);
    const second = await startTeller(port);
    cleanups.push(() => second.forceShutdown());
    await expect(call).resolves.toEqual({ balance: '100.00' });
  });

  it('a peer that stays down fails the call at its deadline, as unavailable', async () => {
    const { teller } = client(`127.0.0.1:${await freePort()}`);
    const t0 = Date.now();
    await expect(teller.balance({}, { timeoutMs: 700 })).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(650);
  });

  it('without waitForReady, a peer that is down is reported at once', async () => {
    const { teller } = client(`127.0.0.1:${await freePort()}`, false);
    const t0 = Date.now();
    await expect(teller.balance({}, { timeoutMs: 10000 })).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
