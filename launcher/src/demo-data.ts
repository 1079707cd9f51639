import type { Logger } from '@loanflow/platform';
import { scanPdf } from './demo-files';

/** Demo customers with valid (made-up) identity numbers, and applications for them. */
const CUSTOMERS = [
  {
    login: 'am.li',
    customer: {
      type: 'individual',
      name: '王秀英',
      individual: {
        residentId: '310115198503120020',
        mobile: '13816881234',
        address: '上海市浦东新区张杨路 500 号',
        occupation: 'Engineer',
        employer: '上海电气集团',
        monthlyIncome: '28000.00',
      },
    },
    applications: [
      {
        productCode: 'PERSONAL_CONSUMER',
        amount: '150000.00',
        termMonths: 24,
        repaymentMethod: 'equal_installments',
        purpose: 'Home renovation',
        existingMonthlyDebtPayments: '2500.00',
        submit: true,
      },
      {
        productCode: 'MORTGAGE',
        amount: '2000000.00',
        termMonths: 300,
        repaymentMethod: 'equal_installments',
        purpose: 'First home purchase',
        existingMonthlyDebtPayments: '2500.00',
        submit: false,
      },
    ],
  },
  {
    login: 'am.li',
    customer: {
      type: 'individual',
      name: '刘洋',
      individual: {
        residentId: '310115196501010056',
        mobile: '13901234567',
        address: '上海市浦东新区世纪大道 100 号',
        occupation: 'Shop owner',
        employer: '刘记餐饮',
        monthlyIncome: '15000.00',
      },
    },
    applications: [
      {
        productCode: 'SMALL_BUSINESS',
        amount: '800000.00',
        termMonths: 36,
        repaymentMethod: 'interest_only',
        purpose: 'Second restaurant fit-out',
        businessSituation: 'Two restaurants, 12 staff, revenue ¥2.4m a year',
        existingMonthlyDebtPayments: '6000.00',
        submit: true,
      },
    ],
  },
  {
    login: 'am.zhao',
    customer: {
      type: 'individual',
      name: '张伟',
      individual: {
        residentId: '11010819780506003X',
        mobile: '13601011234',
        address: '北京市海淀区中关村大街 27 号',
        occupation: 'Teacher',
        employer: '北京市第八中学',
        monthlyIncome: '18000.00',
      },
    },
    applications: [
      {
        productCode: 'PERSONAL_CONSUMER',
        amount: '60000.00',
        termMonths: 12,
        repaymentMethod: 'equal_principal',
        purpose: 'Car purchase',
        submit: true,
      },
    ],
  },
  {
    login: 'corp.sun',
    customer: {
      type: 'corporate',
      name: '上海浦江精密机械有限公司',
      corporate: {
        creditCode: '91310115MA1FL0001N',
        legalRepresentative: '陈建国',
        registeredCapital: '10000000.00',
        industry: 'Machinery manufacturing',
        annualRevenue: '86000000.00',
        contactMobile: '13788889999',
      },
    },
    applications: [
      {
        productCode: 'CORP_WORKING_CAPITAL',
        amount: '5000000.00',
        termMonths: 12,
        repaymentMethod: 'interest_only',
        purpose: 'Raw material purchase for Q1 orders',
        businessSituation: 'Order book ¥30m; main customers in automotive',
        submit: true,
      },
    ],
  },
];

async function api(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown; key?: string },
) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Enters the demo book through the public API, as the account managers would; skips what exists. */
export async function seedDemoBook(baseUrl: string, password: string, log: Logger): Promise<void> {
  const tokens = new Map<string, string>();
  const borrowers: { id: string; name: string; branchId: string }[] = [];
  for (const entry of CUSTOMERS) {
    if (!tokens.has(entry.login)) {
      const login = await api(baseUrl, '/auth/login', {
        method: 'POST',
        body: { username: entry.login, password },
      });
      if (login.status !== 200)
        throw new Error(`demo login ${entry.login} failed: ${JSON.stringify(login.body)}`);
      tokens.set(entry.login, login.body.accessToken as string);
    }
    const token = tokens.get(entry.login)!;
    const created = await api(baseUrl, '/customers', {
      method: 'POST',
      token,
      body: entry.customer,
    });
    if (created.status === 409) continue;
    if (created.status !== 201)
      throw new Error(`demo customer ${entry.customer.name}: ${JSON.stringify(created.body)}`);
    borrowers.push({
      id: created.body.id as string,
      name: entry.customer.name,
      branchId: created.body.branchId as string,
    });
    for (const { submit, ...draft } of entry.applications) {
      const app = await api(baseUrl, '/applications', {
        method: 'POST',
        token,
        body: { ...draft, customerId: created.body.id },
      });
      if (app.status !== 201) throw new Error(`demo application: ${JSON.stringify(app.body)}`);
      // The documents gate is on: every step waits for its checklist, so the demo files them.
      await fileChecklist(baseUrl, token, app.body.id as string);
      if (submit)
        await api(baseUrl, `/applications/${app.body.id as string}/submit`, {
          method: 'POST',
          token,
        });
    }
  }
  log.info('demo customers and applications ready');
  if (borrowers.length > 0) await openDemoLoan(baseUrl, password, borrowers[0]!);
}

/**
 * Files a small PDF scan for every document the approval steps' checklists ask for (the
 * investigation report too, so that a demo walk-through is not stopped at it). The disbursement
 * review's papers come later: the signed contract files itself.
 */
async function fileChecklist(baseUrl: string, token: string, applicationId: string) {
  for (const stage of ['market_routing', 'investigation'])
    await fileStage(baseUrl, token, applicationId, stage);
}

async function fileStage(baseUrl: string, token: string, applicationId: string, stage: string) {
  const checklist = await api(baseUrl, `/applications/${applicationId}/checklist?stage=${stage}`, {
    token,
  });
  if (checklist.status !== 200)
    throw new Error(`demo checklist: ${JSON.stringify(checklist.body)}`);
  for (const documentType of checklist.body.missing as string[]) {
    const form = new FormData();
    form.append('ownerKind', 'application');
    form.append('ownerId', applicationId);
    form.append('documentType', documentType);
    form.append(
      'file',
      new Blob([scanPdf(`LoanFlow demo: ${documentType}`)], { type: 'application/pdf' }),
      `${documentType}.pdf`,
    );
    const res = await fetch(`${baseUrl}/api/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    if (res.status !== 201)
      throw new Error(`demo document ${documentType}: ${res.status} ${await res.text()}`);
  }
}

/**
 * One loan on the book from the start, so the loan-account screens and the end of day have one: a
 * loan migrated from the bank's previous system, imported as such loans are (the administrator
 * requests the batch, a second administrator approves it). Everyday loans are opened under the
 * signed contract of an approved application (see the README).
 */
async function openDemoLoan(
  baseUrl: string,
  password: string,
  borrower: { id: string; name: string; branchId: string },
) {
  const tokenOf = async (username: string) =>
    (await api(baseUrl, '/auth/login', { method: 'POST', body: { username, password } })).body
      .accessToken as string;
  const maker = await tokenOf('admin');
  const checker = await tokenOf('admin.qin');
  const today = await api(baseUrl, '/business-days/current', { token: maker });
  const date = today.body.openBusinessDate as string;
  const day = Number(date.slice(8, 10));
  const requested = await api(baseUrl, '/loan-imports', {
    method: 'POST',
    token: maker,
    key: `demo-import-${borrower.id}`,
    body: {
      sourceSystem: 'previous core banking system',
      reason: 'demo book: a consumer loan migrated on the first day',
      loans: [
        {
          externalReference: 'LEGACY-000001',
          customerId: borrower.id,
          borrowerName: borrower.name,
          branchId: borrower.branchId,
          productCode: 'PERSONAL_CONSUMER',
          approvedAmount: '300000.00',
          schedule: {
            principal: '300000.00',
            annualRatePercent: '3.45',
            term: 36,
            termUnit: 'month',
            repaymentMethod: 'equal_installments',
            disbursementDate: date,
            repaymentDay: day <= 28 ? day : 'month_end',
          },
          rateType: 'fixed',
          graceDays: 3,
          payee: { paymentMethod: 'self' },
        },
      ],
    },
  });
  if (requested.status !== 201) throw new Error(`demo import: ${JSON.stringify(requested.body)}`);
  const approved = await api(baseUrl, `/loan-imports/${requested.body.id as string}:approve`, {
    method: 'POST',
    token: checker,
    key: `demo-import-approval-${borrower.id}`,
    body: { comment: 'checked against the previous system' },
  });
  if (approved.status !== 200) throw new Error(`demo import: ${JSON.stringify(approved.body)}`);
}
