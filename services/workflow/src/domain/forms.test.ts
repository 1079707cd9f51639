import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDefinition } from './bpmn/parse';
import type { ProcessModel, UserTaskDef } from './bpmn/process-model';
import { loadFeel, type Feel } from './feel';
import {
  termsWithinApplication,
  userReferences,
  validateFormData,
  withUserIds,
  type FormSchema,
} from './forms';

// Each step of the default process declares its form; completing it is checked against it.

const FILE = path.join(__dirname, '../../processes/credit-approval.bpmn');
let model: ProcessModel;
let feel: Feel;
beforeAll(async () => {
  const parsed = await parseDefinition(readFileSync(FILE, 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  model = parsed.model;
  feel = await loadFeel();
});

const formOf = (elementId: string): FormSchema => (model.elements[elementId] as UserTaskDef).form!;
const check = (
  elementId: string,
  formData: Record<string, unknown>,
  variables = {},
  approving = true,
) => validateFormData(formOf(elementId), formData as never, { approving, variables, feel });

describe('the forms of the default credit approval process', () => {
  it('gives every user task a form', () => {
    const tasks = Object.values(model.elements).filter((e) => e.kind === 'userTask');
    expect(tasks).toHaveLength(11);
    for (const task of tasks) expect((task as UserTaskDef).form).toMatchObject({ type: 'object' });
  });

  it('requires the investigation fields, with amounts and rates in the shared formats', () => {
    expect(check('Task_Investigation', {})).toEqual(
      expect.arrayContaining([
        { field: 'formData.opinion', reason: 'is required' },
        { field: 'formData.recommendedAmount', reason: 'is required' },
        { field: 'formData.recommendedRatePercent', reason: 'is required' },
        { field: 'formData.recommendedTermMonths', reason: 'is required' },
      ]),
    );
    expect(
      check('Task_Investigation', {
        opinion: 'recommend',
        recommendedAmount: 750000,
        recommendedRatePercent: '3.85',
        recommendedTermMonths: 36,
        creditOficer: 'x',
      }),
    ).toEqual([
      {
        field: 'formData.creditOficer',
        reason: expect.stringMatching(/^is not a field of this form \(fields: opinion, /),
      },
      { field: 'formData.recommendedAmount', reason: 'must be string' },
      {
        field: 'formData.recommendedRatePercent',
        reason: 'must be an annual rate in percent with four decimals (e.g. "3.8500")',
      },
    ]);
    expect(
      check('Task_Investigation', {
        opinion: 'recommend',
        recommendedAmount: '750000.00',
        recommendedRatePercent: '3.8500',
        recommendedTermMonths: 36,
      }),
    ).toEqual([]);
  });

  it('asks nothing of a rejection but checks what it gives', () => {
    expect(check('Task_FinalApproval', {}, {}, false)).toEqual([]);
    expect(check('Task_FinalApproval', { approvedAmount: '1.5' }, {}, false)).toEqual([
      {
        field: 'formData.approvedAmount',
        reason: 'must be an amount in yuan with two decimals (e.g. "750000.00")',
      },
    ]);
  });

  it('requires committee members only for a loan that goes to the committee (> 500,000 or declined)', () => {
    expect(check('Task_PreMeetingReview', {}, { amount: 300000, opinion: 'recommend' })).toEqual(
      [],
    );
    expect(check('Task_PreMeetingReview', {}, { amount: 800000, opinion: 'recommend' })).toEqual([
      {
        field: 'formData.committeeMembers',
        reason: 'is required when amount > 500000 or opinion = "decline"',
      },
      {
        field: 'formData.committeeMeetingAt',
        reason: 'is required when amount > 500000 or opinion = "decline"',
      },
    ]);
    expect(
      check(
        'Task_PreMeetingReview',
        { committeeMembers: ['a', 'a'], committeeMeetingAt: 'tomorrow' },
        { amount: 300000, opinion: 'decline' },
      ),
    ).toEqual([
      expect.objectContaining({ field: 'formData.committeeMembers' }),
      expect.objectContaining({ field: 'formData.committeeMembers' }),
      expect.objectContaining({ field: 'formData.committeeMeetingAt' }),
    ]);
  });

  it('names the route rule (≤ 500,000 skips the committee) in the forms that decide it', () => {
    expect(String(formOf('Task_PreMeetingReview').description)).toMatch(/up to 500,000/);
    expect(String(formOf('Task_Investigation').description)).toMatch(/loan committee/);
  });

  it('finds the people a form names and puts their ids in their place', () => {
    const refs = userReferences(formOf('Task_PreMeetingReview'), {
      committeeMembers: ['cm.a', 'cm.b', 'cm.c'],
    });
    expect(refs).toEqual([
      { field: 'formData.committeeMembers[0]', value: 'cm.a', step: 'Task_CommitteeVote' },
      { field: 'formData.committeeMembers[1]', value: 'cm.b', step: 'Task_CommitteeVote' },
      { field: 'formData.committeeMembers[2]', value: 'cm.c', step: 'Task_CommitteeVote' },
    ]);
    expect(userReferences(formOf('Task_AssignPersonal'), { creditOfficer: 'credit.zhou' })).toEqual(
      [{ field: 'formData.creditOfficer', value: 'credit.zhou', step: 'Task_Investigation' }],
    );
    expect(
      withUserIds(
        { committeeMembers: ['cm.a', 'cm.b'], creditOfficer: 'credit.zhou', other: 1 },
        new Map([
          ['formData.committeeMembers[1]', 'id-b'],
          ['formData.creditOfficer', 'id-zhou'],
        ]),
      ),
    ).toEqual({ committeeMembers: ['cm.a', 'id-b'], creditOfficer: 'id-zhou', other: 1 });
  });
});

describe('forms in a deployed definition', () => {
  const withForm = (form: string, formKey: string) =>
    readFileSync(FILE, 'utf8')
      .replace(
        /<zeebe:userTaskForm id="Form_MarketRouting">[^<]*<\/zeebe:userTaskForm>/,
        `<zeebe:userTaskForm id="Form_MarketRouting">${form}</zeebe:userTaskForm>`,
      )
      .replace('camunda-forms:bpmn:Form_MarketRouting', formKey);

  it('refuses a form key that names no embedded form', async () => {
    const result = await parseDefinition(
      withForm('{"type":"object"}', 'camunda-forms:bpmn:Form_Nowhere'),
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          elementId: 'Task_MarketRouting',
          reason:
            'formKey "camunda-forms:bpmn:Form_Nowhere" names no embedded form (zeebe:userTaskForm id="Form_Nowhere")',
        },
      ],
    });
  });

  it('refuses a form that is not a JSON Schema of an object, or names a step that is not there', async () => {
    const key = 'camunda-forms:bpmn:Form_MarketRouting';
    expect(await parseDefinition(withForm('not json', key))).toMatchObject({
      ok: false,
      errors: [
        { elementId: 'Form_MarketRouting', reason: expect.stringMatching(/^the form is not JSON/) },
      ],
    });
    expect(await parseDefinition(withForm('{"type":"array"}', key))).toMatchObject({
      ok: false,
      errors: [
        {
          elementId: 'Form_MarketRouting',
          reason: 'the form must be a schema of "type": "object"',
        },
      ],
    });
    expect(
      await parseDefinition(
        withForm(
          '{"type":"object","properties":{"who":{"type":"string","x-loanflow-assigns":"Task_Nowhere"}}}',
          key,
        ),
      ),
    ).toMatchObject({
      ok: false,
      errors: [
        {
          elementId: 'Task_MarketRouting',
          reason: 'form field "who": x-loanflow-assigns "Task_Nowhere" is not a user task',
        },
      ],
    });
  });
});

describe('a recommendation or approval stays within what was applied for', () => {
  const applied = { amountText: '700000.00', amount: 700000, termMonths: 24 };

  it('accepts the amount, a lower one, a rate below the ceiling and the months applied for', () => {
    expect(
      termsWithinApplication(
        { approvedAmount: '700000.00', approvedRatePercent: '35.9999', approvedTermMonths: 24 },
        applied,
      ),
    ).toEqual([]);
    expect(
      termsWithinApplication(
        { recommendedAmount: '0.01', recommendedRatePercent: '0.0001', recommendedTermMonths: 1 },
        applied,
      ),
    ).toEqual([]);
  });

  it('refuses more money, no money, a rate of 0 or 36 % and more months, each with its field', () => {
    expect(
      termsWithinApplication(
        { approvedAmount: '700000.01', approvedRatePercent: '36.0000', approvedTermMonths: 25 },
        applied,
      ),
    ).toEqual([
      { field: 'formData.approvedAmount', reason: 'must not exceed the 700000.00 applied for' },
      { field: 'formData.approvedRatePercent', reason: 'must be above 0 and below 36 % a year' },
      { field: 'formData.approvedTermMonths', reason: 'must not exceed the 24 months applied for' },
    ]);
    expect(
      termsWithinApplication(
        {
          recommendedAmount: '999999999999999.99',
          recommendedRatePercent: '0.0000',
          recommendedTermMonths: 0,
        },
        applied,
      ),
    ).toEqual([
      {
        field: 'formData.recommendedAmount',
        reason: 'must not exceed the 700000.00 applied for',
      },
      { field: 'formData.recommendedRatePercent', reason: 'must be above 0 and below 36 % a year' },
      { field: 'formData.recommendedTermMonths', reason: 'must be at least 1 month' },
    ]);
    expect(termsWithinApplication({ approvedAmount: '0.00' }, applied)).toEqual([
      { field: 'formData.approvedAmount', reason: 'must be above 0.00' },
    ]);
  });

  it('leaves fields it does not know, and shapes the schema refuses, to the schema', () => {
    expect(termsWithinApplication({ approvedAmount: '1e9', riskOpinion: 'fine' }, applied)).toEqual(
      [],
    );
  });
});
