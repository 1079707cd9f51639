import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** A smoke step that went wrong: its name and what the gateway answered. */
export class SmokeFailure extends Error {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

export interface SmokeStep {
  step: string;
  ms: number;
  detail: string;
}

type Json = Record<string, unknown>;

/**
 * The deployed system's smoke check (skaffold's verify step): the README's first curl flow as the
 * demo account manager — ready, log in, enter a customer, enter and submit an application, find
 * it in the list. Each step is reported as it passes; the first that fails stops the check.
 */
export async function smoke(opts: {
  gateway: string;
  password: string;
  timeoutMs: number;
  progress: (step: SmokeStep) => void;
}): Promise<SmokeStep[]> {
  const steps: SmokeStep[] = [];
  const step = async (name: string, run: () => Promise<string>) => {
    const started = Date.now();
    let detail: string;
    try {
      detail = await run();
    } catch (err) {
      throw err instanceof SmokeFailure ? err : new SmokeFailure(name, (err as Error).message);
    }
    const done = { step: name, ms: Date.now() - started, detail };
    steps.push(done);
    opts.progress(done);
  };
  const api = async (
    name: string,
    method: string,
    path: string,
    expected: number,
    token?: string,
    body?: Json,
  ) => {
    const res = await fetch(`${opts.gateway}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status !== expected)
      throw new SmokeFailure(
        name,
        `${method} ${path} answered ${res.status}, expected ${expected}: ${text.slice(0, 500)}`,
      );
    return (text ? JSON.parse(text) : {}) as Json;
  };

  await step('ready', async () => {
    // The rollout may still be settling when verify starts: wait for readiness, up to the deadline.
    const deadline = Date.now() + opts.timeoutMs;
    let last = '';
    for (;;) {
      try {
        const res = await fetch(`${opts.gateway}/readyz`, { signal: AbortSignal.timeout(5000) });
        if (res.status === 200) return 'GET /readyz 200';
        last = `${res.status} ${(await res.text()).slice(0, 300)}`;
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        last = cause?.code ?? cause?.message ?? (err as Error).message;
      }
      if (Date.now() >= deadline)
        throw new SmokeFailure(
          'ready',
          `GET /readyz not ready after ${opts.timeoutMs / 1000}s: ${last}`,
        );
      await sleep(500);
    }
  });

  let token = '';
  await step('login', async () => {
    const body = await api('login', 'POST', '/api/v1/auth/login', 200, undefined, {
      username: 'am.li',
      password: opts.password,
    });
    token = String(body.accessToken ?? '');
    if (!token) throw new Error('no accessToken in the answer');
    return 'am.li signed in';
  });

  let customerId = '';
  await step('create customer', async () => {
    const body = await api('create customer', 'POST', '/api/v1/customers', 201, token, {
      type: 'individual',
      name: '陈静',
      individual: { residentId: residentId(), mobile: mobile(), monthlyIncome: '30000.00' },
    });
    customerId = String(body.id);
    return `customer ${customerId}`;
  });

  let applicationId = '';
  await step('create application', async () => {
    const body = await api('create application', 'POST', '/api/v1/applications', 201, token, {
      customerId,
      productCode: 'PERSONAL_CONSUMER',
      amount: '120000.00',
      termMonths: 36,
      repaymentMethod: 'equal_installments',
      purpose: 'Smoke check',
    });
    applicationId = String(body.id);
    return `application ${applicationId} (${String(body.status)})`;
  });

  await step('submit application', async () => {
    const body = await api(
      'submit application',
      'POST',
      `/api/v1/applications/${applicationId}/submit`,
      200,
      token,
    );
    if (body.status !== 'submitted')
      throw new Error(`status is ${String(body.status)}, expected submitted`);
    return `application ${applicationId} submitted`;
  });

  await step('list applications', async () => {
    const body = await api(
      'list applications',
      'GET',
      `/api/v1/applications?customerId=${customerId}`,
      200,
      token,
    );
    const items = (body.items ?? []) as Json[];
    const found = items.find((a) => a.id === applicationId);
    if (!found) throw new Error(`application ${applicationId} is not in the customer's list`);
    if (found.status !== 'submitted')
      throw new Error(`listed as ${String(found.status)}, expected submitted`);
    return `application ${applicationId} listed as submitted`;
  });
  return steps;
}

/**
 * A fresh, valid resident ID (GB 11643) for each run, so that runs against one deployment never
 * meet a customer already entered: a birth date between 1970 and 1999 and a random sequence.
 */
export function residentId(): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const born = `${randomInt(1970, 2000)}${pad(randomInt(1, 13), 2)}${pad(randomInt(1, 29), 2)}`;
  const first17 = `310104${born}${pad(randomInt(0, 1000), 3)}`;
  return first17 + residentIdCheckChar(first17);
}

/** The check character of GB 11643: weights 2^(17-i) mod 11, then the ISO 7064 MOD 11-2 table. */
export function residentIdCheckChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i]!, 0);
  return '10X98765432'[sum % 11]!;
}

const mobile = (): string => `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
