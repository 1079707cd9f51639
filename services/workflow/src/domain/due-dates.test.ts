import { parseDefinition } from './bpmn/parse';
import { start } from './engine';

const xml = (dueInWorkingDays: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:loanflow="http://loanflow.bank/schema/bpmn/1.0" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" loanflow:stepCode="review" loanflow:dueInWorkingDays="${dueInWorkingDays}"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

describe('service levels in working days (loanflow:dueInWorkingDays)', () => {
  it('gives a task created before the National Day holiday its due date after it', async () => {
    const parsed = await parseDefinition(xml('2'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    // Tuesday 2025-09-30 10:00 Shanghai; 10-01..10-08 are holidays, 10-09 and 10-10 working days.
    const { state } = await start(parsed.model, {}, '2025-09-30T02:00:00.000Z', {
      userId: 'u',
      groups: [],
    });
    expect(state.tasks[0]!.dueAt).toBe('2025-10-10T10:00:00.000Z');
  });

  it('refuses a service level that is not a whole number of days, naming the task', async () => {
    const parsed = await parseDefinition(xml('two'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.errors).toContainEqual(expect.objectContaining({ elementId: 'review' }));
  });
});
