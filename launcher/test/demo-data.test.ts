import { DEMO_DIRECTORY } from '@loanflow/identity';
import { createLogger } from '@loanflow/platform';
import { api, startSystem, TEST_PASSWORD, type TestSystem } from '@loanflow/test/support/system';
import { seedDemoBook } from '../src/demo-data';
import { scanPdf } from '../src/demo-files';

/**
 * `npm start`'s demo book on the real system with the documents gate on: every seeded
 * application has what its checklists ask for filed, so the demo's approval steps can complete.
 */
describe('the demo book of npm start', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem({
      users: DEMO_DIRECTORY.users.map(({ username, roles, branchId }) => ({
        username,
        roles,
        branchId,
      })),
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('files the documents every step of every seeded application needs, and submits them', async () => {
    await seedDemoBook(system.baseUrl, TEST_PASSWORD, createLogger('demo-test', 'silent'));

    // Logins of one branch see each other's applications: each is looked at once.
    const checklists = new Map<string, unknown[]>();
    for (const login of ['am.li', 'am.zhao', 'corp.sun']) {
      const token = await system.login(login);
      const list = await api<{ items: { id: string; productCode: string; status: string }[] }>(
        system.baseUrl,
        'GET',
        '/api/v1/applications?pageSize=100',
        { token },
      );
      for (const app of list.body.items) {
        // The approval steps' papers; the disbursement review's come with the contract.
        const missing: string[] = [];
        const stages: string[] = [];
        for (const stage of ['investigation', 'market_routing']) {
          const checklist = await api<{ missing: string[]; items: unknown[] }>(
            system.baseUrl,
            'GET',
            `/api/v1/applications/${app.id}/checklist?stage=${stage}`,
            { token },
          );
          missing.push(...checklist.body.missing);
          if (checklist.body.items.length > 0) stages.push(stage);
        }
        checklists.set(app.id, [app.productCode, app.status, missing, stages]);
      }
    }
    expect([...checklists.values()].sort()).toEqual(
      [
        ['CORP_WORKING_CAPITAL', 'submitted'],
        ['MORTGAGE', 'draft'],
        ['PERSONAL_CONSUMER', 'submitted'],
        ['PERSONAL_CONSUMER', 'submitted'],
        ['SMALL_BUSINESS', 'submitted'],
      ].map(([product, status]) => [product, status, [], ['investigation', 'market_routing']]),
    );
  });

  it('makes scans the documents service reads as one-page PDFs', () => {
    const pdf = scanPdf('LoanFlow demo: id_card_front');
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    const text = pdf.toString('latin1');
    const xref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    expect(text.slice(xref, xref + 4)).toBe('xref');
    // Every object's offset in the table points at that object.
    const offsets = [...text.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) =>
      Number(m[1]),
    );
    expect(offsets.map((o, i) => text.slice(o, o + `${i + 1} 0 obj`.length))).toEqual(
      offsets.map((_, i) => `${i + 1} 0 obj`),
    );
  });
});
