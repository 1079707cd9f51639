import { parseDefinition } from './parse';
import {
  chain,
  definitions,
  endEvent,
  exclusiveGateway,
  flow,
  messageCatchEvent,
  parallelGateway,
  serviceTask,
  startEvent,
  timerBoundary,
  userTask,
} from './bpmn-fixture';
import type { DefinitionProblem, ProcessModel } from './process-model';

async function parsed(parts: (string | string[])[]): Promise<ProcessModel> {
  const result = await parseDefinition(definitions(parts));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.model;
}

async function problems(parts: (string | string[])[] | string): Promise<DefinitionProblem[]> {
  const result = await parseDefinition(typeof parts === 'string' ? parts : definitions(parts));
  if (result.ok) throw new Error('expected the definition to be refused');
  return result.errors;
}

describe('parseDefinition: the supported subset', () => {
  it('reads a straight approval chain with ids, names and flows', async () => {
    const model = await parsed([
      startEvent(),
      userTask('investigate', { name: 'Investigation' }),
      endEvent(),
      chain('start', 'investigate', 'end'),
    ]);
    expect(model.id).toBe('loan_process');
    expect(model.startEventId).toBe('start');
    expect(model.elements.investigate).toMatchObject({
      kind: 'userTask',
      name: 'Investigation',
      incoming: ['flow_start_investigate'],
      outgoing: ['flow_investigate_end'],
    });
    expect(model.flows.flow_start_investigate).toEqual({
      id: 'flow_start_investigate',
      name: null,
      sourceRef: 'start',
      targetRef: 'investigate',
      condition: null,
    });
  });

  it('produces plain JSON that survives a round trip unchanged', async () => {
    const model = await parsed([
      startEvent(),
      userTask('a', { assignee: '=officer' }),
      endEvent(),
      chain('start', 'a', 'end'),
    ]);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('reads zeebe assignment, due date and the loanflow step code and separation', async () => {
    const model = await parsed([
      startEvent(),
      userTask('approve', {
        assignee: '=approver',
        candidateGroups: 'final_approver, risk_manager',
        candidateUsers: '=["u1"]',
        dueDate: '=now() + duration("P3D")',
        stepCode: 'finalApproval',
        separatedFrom: 'investigation, preReview',
      }),
      endEvent(),
      chain('start', 'approve', 'end'),
    ]);
    expect(model.elements.approve).toMatchObject({
      assignee: '=approver',
      candidateGroups: 'final_approver, risk_manager',
      candidateUsers: '=["u1"]',
      dueDate: '=now() + duration("P3D")',
      stepCode: 'finalApproval',
      separatedFrom: ['investigation', 'preReview'],
      multiInstance: null,
    });
  });

  it('uses the element id as step code when none is given', async () => {
    const model = await parsed([
      startEvent(),
      userTask('review'),
      endEvent(),
      chain('start', 'review', 'end'),
    ]);
    expect(model.elements.review).toMatchObject({ stepCode: 'review', separatedFrom: [] });
  });

  it('reads multi-instance loop characteristics with a completion condition', async () => {
    const model = await parsed([
      startEvent(),
      userTask('committee', {
        multiInstance: {
          sequential: true,
          inputCollection: '=members',
          inputElement: 'member',
          completionCondition: '=approvals >= 2',
        },
      }),
      endEvent(),
      chain('start', 'committee', 'end'),
    ]);
    expect(model.elements.committee).toMatchObject({
      multiInstance: {
        isSequential: true,
        inputCollection: '=members',
        inputElement: 'member',
        completionCondition: '=approvals >= 2',
      },
    });
  });

  it('reads exclusive gateways with default flow and strips the = of conditions', async () => {
    const model = await parsed([
      startEvent(),
      exclusiveGateway('amount', { default: 'flow_amount_small' }),
      userTask('large'),
      userTask('small'),
      endEvent(),
      flow('start', 'amount'),
      flow('amount', 'large', { condition: '=amount > 1000000' }),
      flow('amount', 'small', { id: 'flow_amount_small' }),
      flow('large', 'end'),
      flow('small', 'end'),
    ]);
    expect(model.elements.amount).toMatchObject({
      kind: 'exclusiveGateway',
      defaultFlowId: 'flow_amount_small',
    });
    expect(model.flows.flow_amount_large!.condition).toBe('amount > 1000000');
  });

  it('reads parallel gateways, service tasks, message catch events and terminate ends', async () => {
    const model = await parsed([
      startEvent(),
      parallelGateway('split'),
      serviceTask('score', 'credit-score'),
      messageCatchEvent('documents', 'documentsComplete', '=applicationId'),
      parallelGateway('join'),
      endEvent('end', { terminate: true }),
      flow('start', 'split'),
      flow('split', 'score'),
      flow('split', 'documents'),
      flow('score', 'join'),
      flow('documents', 'join'),
      flow('join', 'end'),
    ]);
    expect(model.elements.split!.kind).toBe('parallelGateway');
    expect(model.elements.score).toMatchObject({
      kind: 'serviceTask',
      jobType: 'credit-score',
      retries: 3,
    });
    expect(model.elements.documents).toMatchObject({
      kind: 'messageCatchEvent',
      messageName: 'documentsComplete',
      correlationKey: '=applicationId',
    });
    expect(model.elements.end).toMatchObject({ kind: 'endEvent', terminate: true });
  });

  it('reads timer boundary events and links them to their task', async () => {
    const model = await parsed([
      startEvent(),
      userTask('review'),
      timerBoundary('remind', 'review', { cycle: 'R3/PT4H' }, { interrupting: false }),
      timerBoundary('escalate', 'review', { duration: 'P3D' }),
      userTask('leader'),
      endEvent(),
      chain('start', 'review', 'end'),
      flow('escalate', 'leader'),
      flow('leader', 'end'),
    ]);
    expect(model.elements.review).toMatchObject({ boundaryEventIds: ['remind', 'escalate'] });
    expect(model.elements.remind).toMatchObject({
      kind: 'timerBoundaryEvent',
      attachedTo: 'review',
      interrupting: false,
      timer: { type: 'cycle', value: 'R3/PT4H' },
    });
    expect(model.elements.escalate).toMatchObject({
      interrupting: true,
      timer: { type: 'duration', value: 'P3D' },
    });
  });

  it('accepts a message without a correlation key', async () => {
    const model = await parsed([
      startEvent(),
      messageCatchEvent('wait', 'go'),
      endEvent(),
      chain('start', 'wait', 'end'),
    ]);
    expect(model.elements.wait).toMatchObject({ messageName: 'go', correlationKey: null });
  });

  it('parses a diagram drawn in bpmn-js, ignoring its bpmndi section', async () => {
    const diagram = `<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="loan_process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="a_di" bpmnElement="a"><dc:Bounds x="200" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="360" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="flow_start_a"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="flow_a_end"><di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>`;
    const result = await parseDefinition(
      definitions([startEvent(), userTask('a'), endEvent(), chain('start', 'a', 'end')], {
        diagram,
      }),
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.keys(result.model.elements).sort()).toEqual(['a', 'end', 'start']);
  });
});

describe('parseDefinition: refusals name what and where', () => {
  it('refuses malformed XML with the parser message', async () => {
    const errors = await problems('<bpmn:definitions><unclosed');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.reason).toMatch(/^malformed BPMN XML: /);
  });

  it('lists every unsupported element with its id and type at once', async () => {
    const errors = await problems([
      startEvent(),
      '<bpmn:subProcess id="sub" />',
      '<bpmn:scriptTask id="script" />',
      '<bpmn:inclusiveGateway id="inclusive" />',
      '<bpmn:eventBasedGateway id="eventGw" />',
      '<bpmn:intermediateThrowEvent id="signal"><bpmn:signalEventDefinition id="s1" /></bpmn:intermediateThrowEvent>',
      '<bpmn:endEvent id="errorEnd"><bpmn:errorEventDefinition id="e1" /></bpmn:endEvent>',
      endEvent(),
      chain('start', 'end'),
    ]);
    const unsupported = errors.filter((error) => error.reason.includes('not supported'));
    expect(unsupported.map((error) => error.elementId)).toEqual([
      'sub',
      'script',
      'inclusive',
      'eventGw',
      'signal',
      'errorEnd',
    ]);
    expect(unsupported[0]!.reason).toContain('subProcess');
    expect(unsupported[2]!.reason).toContain('inclusiveGateway');
    expect(unsupported[5]!.reason).toContain('errorEventDefinition');
  });

  it('refuses a timer start event and a timer catch event', async () => {
    const errors = await problems([
      '<bpmn:startEvent id="timedStart"><bpmn:timerEventDefinition id="t" /></bpmn:startEvent>',
      '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition id="t2" /></bpmn:intermediateCatchEvent>',
      endEvent(),
      chain('timedStart', 'wait', 'end'),
    ]);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          elementId: 'timedStart',
          reason: expect.stringContaining('timerEventDefinition'),
        }),
        expect.objectContaining({
          elementId: 'wait',
          reason: expect.stringContaining('timerEventDefinition'),
        }),
      ]),
    );
  });

  it('refuses a process without a start event', async () => {
    const errors = await problems([userTask('a'), endEvent(), chain('a', 'end')]);
    expect(errors).toContainEqual({ reason: 'the process has no start event' });
  });

  it('refuses more than one start event, naming each', async () => {
    const errors = await problems([
      startEvent('s1'),
      startEvent('s2'),
      endEvent(),
      chain('s1', 'end'),
      chain('s2', 'end'),
    ]);
    expect(
      errors
        .filter((error) => error.reason.includes('more than one start event'))
        .map((error) => error.elementId),
    ).toEqual(['s1', 's2']);
  });

  it('refuses flows to elements that do not exist', async () => {
    const errors = await problems([
      startEvent(),
      endEvent(),
      chain('start', 'end'),
      flow('start', 'ghost', { id: 'toGhost' }),
    ]);
    expect(errors).toContainEqual({
      elementId: 'toGhost',
      reason: 'targetRef points to "ghost", which does not exist',
    });
  });

  it('refuses an exclusive gateway with an unconditioned non-default flow', async () => {
    const errors = await problems([
      startEvent(),
      exclusiveGateway('gw'),
      userTask('a'),
      userTask('b'),
      endEvent(),
      flow('start', 'gw'),
      flow('gw', 'a', { condition: 'x > 1' }),
      flow('gw', 'b'),
      flow('a', 'end'),
      flow('b', 'end'),
    ]);
    expect(errors).toEqual([{ elementId: 'gw', reason: expect.stringContaining('flow_gw_b') }]);
  });

  it('accepts an unconditioned flow when it is the default', async () => {
    const model = await parsed([
      startEvent(),
      exclusiveGateway('gw', { default: 'flow_gw_b' }),
      userTask('a'),
      userTask('b'),
      endEvent(),
      flow('start', 'gw'),
      flow('gw', 'a', { condition: 'x > 1' }),
      flow('gw', 'b'),
      flow('a', 'end'),
      flow('b', 'end'),
    ]);
    expect(model.elements.gw).toMatchObject({
      kind: 'exclusiveGateway',
      defaultFlowId: 'flow_gw_b',
      outgoing: ['flow_gw_a', 'flow_gw_b'],
    });
    expect(model.flows.flow_gw_a).toMatchObject({ targetRef: 'a', condition: 'x > 1' });
    expect(model.flows.flow_gw_b).toMatchObject({ targetRef: 'b', condition: null });
  });

  it('refuses FEEL syntax errors in conditions, assignments and completion conditions', async () => {
    const errors = await problems([
      startEvent(),
      exclusiveGateway('gw', { default: 'flow_gw_end' }),
      userTask('a', {
        assignee: '=officer +',
        multiInstance: { inputCollection: '=members', completionCondition: '=approvals >= ' },
      }),
      endEvent(),
      flow('start', 'gw'),
      flow('gw', 'a', { condition: '=amount > (' }),
      flow('gw', 'end'),
      flow('a', 'end'),
    ]);
    expect(errors.map((error) => error.elementId).sort()).toEqual(['a', 'a', 'flow_gw_a']);
    expect(errors.every((error) => error.reason.includes('is not valid FEEL'))).toBe(true);
  });

  it('does not treat literal assignees as FEEL', async () => {
    const model = await parsed([
      startEvent(),
      userTask('a', { assignee: 'demo user +' }),
      endEvent(),
      chain('start', 'a', 'end'),
    ]);
    expect(model.elements.a).toMatchObject({ kind: 'userTask', assignee: 'demo user +' });
  });

  it('refuses elements with no path to an end event', async () => {
    const errors = await problems([
      startEvent(),
      exclusiveGateway('gw', { default: 'flow_gw_end' }),
      userTask('deadEnd'),
      endEvent(),
      flow('start', 'gw'),
      flow('gw', 'deadEnd', { condition: 'x' }),
      flow('gw', 'end'),
    ]);
    expect(errors).toEqual([
      { elementId: 'deadEnd', reason: 'element has no path to an end event' },
    ]);
  });

  it('refuses a cycle that never reaches an end', async () => {
    const errors = await problems([
      startEvent(),
      userTask('a'),
      userTask('b'),
      endEvent(),
      flow('start', 'a'),
      flow('a', 'b'),
      flow('b', 'a'),
    ]);
    expect(errors.map((error) => error.elementId)).toEqual(
      expect.arrayContaining(['a', 'b', 'start']),
    );
  });

  it('refuses unreachable elements', async () => {
    const errors = await problems([
      startEvent(),
      userTask('island'),
      endEvent(),
      chain('start', 'end'),
      flow('island', 'end'),
    ]);
    expect(errors).toEqual([
      { elementId: 'island', reason: 'element cannot be reached from the start event' },
    ]);
  });

  it('refuses a service task without job type and a multi-instance without collection', async () => {
    const errors = await problems([
      startEvent(),
      '<bpmn:serviceTask id="svc" />',
      '<bpmn:userTask id="vote"><bpmn:multiInstanceLoopCharacteristics /></bpmn:userTask>',
      endEvent(),
      chain('start', 'svc', 'vote', 'end'),
    ]);
    expect(errors).toEqual([
      { elementId: 'svc', reason: 'service task has no zeebe:taskDefinition type' },
      {
        elementId: 'vote',
        reason: 'multi-instance task has no zeebe:loopCharacteristics inputCollection',
      },
    ]);
  });

  it('refuses malformed literal timers', async () => {
    const errors = await problems([
      startEvent(),
      userTask('a'),
      timerBoundary('t1', 'a', { duration: '3 days' }),
      timerBoundary('t2', 'a', { cycle: 'every hour' }, { interrupting: false }),
      endEvent(),
      chain('start', 'a', 'end'),
      flow('t1', 'end'),
    ]);
    expect(errors.map((error) => error.elementId)).toEqual(['t1', 't2']);
  });

  it('refuses a boundary event attached to a gateway and activities with two outgoing flows', async () => {
    const errors = await problems([
      startEvent(),
      exclusiveGateway('gw'),
      userTask('a'),
      timerBoundary('t', 'gw', { duration: 'PT1H' }),
      endEvent(),
      flow('start', 'gw'),
      flow('gw', 'a'),
      flow('a', 'end'),
      flow('a', 'gw', { id: 'back' }),
      flow('t', 'end'),
    ]);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          elementId: 't',
          reason: expect.stringContaining('not a user or service task'),
        }),
        expect.objectContaining({
          elementId: 'a',
          reason: expect.stringContaining('only gateways'),
        }),
      ]),
    );
  });

  it('refuses a multi-instance service task', async () => {
    const errors = await problems([
      startEvent(),
      '<bpmn:serviceTask id="svc"><bpmn:multiInstanceLoopCharacteristics /></bpmn:serviceTask>',
      endEvent(),
      chain('start', 'svc', 'end'),
    ]);
    expect(errors).toEqual([
      {
        elementId: 'svc',
        reason: 'multi-instance serviceTask is not supported by the LoanFlow engine',
      },
    ]);
  });

  it('refuses definitions without a process', async () => {
    const errors = await problems(
      '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" />',
    );
    expect(errors).toEqual([{ reason: 'the definitions contain no process' }]);
  });
});
