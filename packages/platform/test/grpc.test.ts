import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Client,
  credentials,
  makeGenericClientConstructor,
  Metadata,
  status,
  type CallOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { Decimal } from 'decimal.js';
import pino from 'pino';
import {
  createGrpcClient,
  currentTraceId,
  DomainError,
  generateSigningKeys,
  GrpcServer,
  implement,
  initTracing,
  inSpan,
  invalidArgument,
  promiseClient,
  shutdownTracing,
  signAccessToken,
  type CallContext,
  type Principal,
} from '../src';
import { deferred, quietLog, sleep, waitFor } from './support';

// A hand-written service with JSON on the wire, so the test needs no generated code.
const SERVICE = 'test.LoanDesk';
const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as unknown,
};
const unary = (method: string) => ({
  path: `/${SERVICE}/${method}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});
const loanDeskDefinition: ServiceDefinition = {
  quote: unary('Quote'),
  slowQuote: unary('SlowQuote'),
  whoAmI: unary('WhoAmI'),
  explode: unary('Explode'),
  traceId: unary('TraceId'),
};

interface QuoteRequest {
  amount: string;
}
interface QuoteReply {
  amount: string;
  monthlyInstallment: string;
}
type Unary<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;
interface LoanDeskClient extends Client {
  quote: Unary<QuoteRequest, QuoteReply>;
  slowQuote: Unary<QuoteRequest, QuoteReply>;
  whoAmI: Unary<object, Principal>;
  explode: Unary<object, object>;
  traceId: Unary<object, { traceId: string | null }>;
}
const LoanDeskClient = makeGenericClientConstructor(loanDeskDefinition, SERVICE) as unknown as {
  new (...args: ConstructorParameters<typeof Client>): LoanDeskClient;
  serviceName: string;
};

interface HealthClient extends Client {
  check: Unary<{ service: string }, { status: string }>;
  watch(request: { service: string }): ClientReadableStream<{ status: string }>;
}
const HealthClient = makeGenericClientConstructor(
  healthService as unknown as ServiceDefinition,
  'grpc.health.v1.Health',
) as unknown as new (...args: ConstructorParameters<typeof Client>) => HealthClient;

const keys = generateSigningKeys();
const officer: Principal = {
  userId: 'u-1001',
  username: 'wang.li',
  displayName: 'Wang Li',
  roles: ['credit_officer', 'committee_member'],
  branchId: 'SH01',
};

const quote = (amount: string): QuoteReply => ({
  amount,
  // Decimal, as all money: a float would round 100000/12 differently at scale.
  monthlyInstallment: new Decimal(amount).div(12).toFixed(2, Decimal.ROUND_HALF_UP),
});

type Handlers = Record<string, (request: never, ctx: CallContext) => Promise<unknown>>;

const defaultHandlers = {
  quote: async (req: QuoteRequest) => {
    if (!(Number(req.amount) > 0))
      throw invalidArgument([{ field: 'amount', reason: 'must be positive' }]);
    return quote(req.amount);
  },
  slowQuote: async (req: QuoteRequest) => {
    await sleep(500);
    return quote(req.amount);
  },
  whoAmI: async (_req: object, ctx: CallContext) => ctx.principal(),
  explode: async () => {
    throw new Error(
      'connection to 10.1.2.3 failed: password authentication failed for user "ledger"',
    );
  },
  traceId: async () => ({ traceId: currentTraceId() ?? null }),
} satisfies Handlers;

/** Raw grpc-js call, to see the status code and trailers as they come off the wire. */
function rawCall<Req, Res>(
  method: Unary<Req, Res>,
  client: Client,
  request: Req,
  metadata = new Metadata(),
): Promise<{ error: ServiceError | null; response: Res }> {
  return new Promise((resolve) => {
    method.call(client, request, metadata, { deadline: Date.now() + 5000 }, (error, response) =>
      resolve({ error, response }),
    );
  });
}

const bearer = (token: string) => {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
};

describe('GrpcServer + implement() + promiseClient()', () => {
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(() => initTracing('grpc-test'));

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(() => shutdownTracing());

  async function startLoanDesk(opts: { handlers?: Partial<Handlers>; log?: pino.Logger } = {}) {
    const log = opts.log ?? quietLog;
    const server = new GrpcServer({
      log,
      services: [
        {
          name: SERVICE,
          definition: loanDeskDefinition,
          implementation: implement(SERVICE, { ...defaultHandlers, ...opts.handlers } as Handlers, {
            log,
            jwtPublicKey: keys.publicKey,
          }),
        },
      ],
    });
    const port = await server.listen('127.0.0.1', 0);
    const address = `127.0.0.1:${port}`;
    const raw = createGrpcClient(LoanDeskClient, address);
    // Refused calls seen at once: these tests are about the server turning calls away.
    const client = promiseClient(raw, { waitForReady: false });
    const health = new HealthClient(address, credentials.createInsecure());
    let stopped = false;
    cleanups.push(async () => {
      client.close();
      health.close();
      if (!stopped) await server.shutdown(1000);
    });
    const shutdown = (timeoutMs: number) => {
      stopped = true;
      return server.shutdown(timeoutMs);
    };
    return { server, port, raw, client, health, shutdown };
  }

  it('answers a call and maps a thrown invalidArgument to INVALID_ARGUMENT with the field violations', async () => {
    const { raw, client } = await startLoanDesk();

    await expect(client.quote({ amount: '120000' })).resolves.toEqual(quote('120000'));

    const { error } = await rawCall(raw.quote, raw, { amount: '-5' });
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toBe('amount: must be positive');

    const err = await client.quote({ amount: '-5' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({
      code: 'invalid_argument',
      message: 'amount: must be positive',
      violations: [{ field: 'amount', reason: 'must be positive' }],
    });
  });

  it('turns an unexpected error into INTERNAL "internal error" without leaking it, and logs it on the server', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const { raw, client } = await startLoanDesk({ log });

    const { error } = await rawCall(raw.explode, raw, {});
    expect(error?.code).toBe(status.INTERNAL);
    expect(error?.details).toBe('internal error');
    expect(JSON.stringify(error?.metadata.getMap())).not.toMatch(/password|10\.1\.2\.3/);

    const err = await client.explode({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'internal', message: 'internal error', violations: [] });

    expect(
      lines.some((l) => l.includes('unhandled error in gRPC handler') && l.includes('10.1.2.3')),
    ).toBe(true);
  });

  it('ctx.principal(): UNAUTHENTICATED without a token or with a foreign one; the verified principal with ours', async () => {
    const { raw, client } = await startLoanDesk();

    const anonymous = await rawCall(raw.whoAmI, raw, {});
    expect(anonymous.error?.code).toBe(status.UNAUTHENTICATED);
    await expect(client.whoAmI({})).rejects.toMatchObject({ code: 'unauthenticated' });

    const token = signAccessToken(officer, keys.privateKey);
    await expect(client.whoAmI({}, { metadata: bearer(token) })).resolves.toEqual(officer);

    const forged = signAccessToken(
      { ...officer, roles: ['admin'] },
      generateSigningKeys().privateKey,
    );
    const foreign = await rawCall(raw.whoAmI, raw, {}, bearer(forged));
    expect(foreign.error?.code).toBe(status.UNAUTHENTICATED);
    expect(foreign.error?.details).toMatch(/invalid access token: invalid signature/);
    await expect(client.whoAmI({}, { metadata: bearer(forged) })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('serves grpc.health.v1.Health: SERVING for the server and each service, NOT_SERVING once shutdown starts', async () => {
    const { health, shutdown } = await startLoanDesk();

    for (const service of ['', SERVICE]) {
      const { error, response } = await rawCall(health.check, health, { service });
      expect(error).toBeNull();
      expect(response).toEqual({ status: 'SERVING' });
    }
    const unknown = await rawCall(health.check, health, { service: 'test.Nobody' });
    expect(unknown.error?.code).toBe(status.NOT_FOUND);

    // A watcher sees the flip; the open watch is what keeps the server draining meanwhile.
    const watch = health.watch({ service: SERVICE });
    const seen: string[] = [];
    watch.on('data', (m: { status: string }) => seen.push(m.status));
    watch.on('error', () => undefined); // CANCELLED, from our own cancel() below
    await waitFor('the first health status', () => seen.length >= 1);

    const stopping = shutdown(5000);
    await waitFor('NOT_SERVING', () => seen.includes('NOT_SERVING'));
    watch.cancel();
    await stopping;

    expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
  });

  it('graceful shutdown: the call in flight completes, a new call is refused', async () => {
    const started = deferred();
    const { client, shutdown } = await startLoanDesk({
      handlers: {
        slowQuote: async (req: QuoteRequest) => {
          started.resolve();
          await sleep(500);
          return quote(req.amount);
        },
      },
    });

    const inFlight = client.slowQuote({ amount: '360000' });
    await started.promise;
    const t0 = Date.now();
    const stopping = shutdown(5000);

    await expect(client.quote({ amount: '1000' })).rejects.toMatchObject({ code: 'unavailable' });
    await expect(inFlight).resolves.toEqual(quote('360000'));
    await stopping;
    // Finished by draining, not by the 5 s deadline cancelling the call.
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it('carries the caller trace context to the handler span', async () => {
    const { client } = await startLoanDesk();

    const { callerTraceId, reply } = await inSpan('credit committee meeting', {}, async () => ({
      callerTraceId: currentTraceId(),
      reply: await client.traceId({}),
    }));

    expect(callerTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(reply.traceId).toBe(callerTraceId);

    // Outside any span the server starts a trace of its own.
    const orphan = await client.traceId({});
    expect(orphan.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(orphan.traceId).not.toBe(callerTraceId);
  });
});
