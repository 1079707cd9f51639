import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
// @ts-expect-error feelin is an ES module; the service loads it with import(), jest transpiles it here.
import { evaluate } from 'feelin';

// The default credit approval process ships as a file drawn for bpmn-js; this checks it parses
// cleanly, carries its diagram, and says what the engine and the task lists rely on.

const FILE = path.join(__dirname, '../../../processes/credit-approval.bpmn');

/* eslint-disable @typescript-eslint/no-explicit-any -- moddle elements are untyped here */
type El = any;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const ALLOWED = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:BoundaryEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:SequenceFlow',
]);

let definitions: El;
let warnings: unknown[];
let process: El;
let nodes: El[];
let flows: El[];
let shapes: Map<string, Box>;
let edges: Map<string, { x: number; y: number }[]>;
let labels: { id: string; box: Box }[];

const byId = (id: string): El => [...nodes, ...flows].find((e) => e.id === id);
const ext = (el: El, type: string): El | undefined =>
  el.extensionElements?.values?.find((v: El) => v.$type === type);
const feel = (expression: string, context: Record<string, unknown>) => {
  const result = evaluate(expression.replace(/^=/, ''), context);
  expect(result.warnings).toEqual([]);
  return result.value;
};

beforeAll(async () => {
  const parsed = await BpmnModdle().fromXML(readFileSync(FILE, 'utf8'));
  definitions = parsed.rootElement;
  warnings = parsed.warnings;
  process = definitions.rootElements.find((e: El) => e.$type === 'bpmn:Process');
  nodes = process.flowElements.filter((e: El) => e.$type !== 'bpmn:SequenceFlow');
  flows = process.flowElements.filter((e: El) => e.$type === 'bpmn:SequenceFlow');
  shapes = new Map();
  edges = new Map();
  labels = [];
  for (const di of definitions.diagrams[0].plane.planeElement) {
    if (di.$type === 'bpmndi:BPMNShape') shapes.set(di.bpmnElement.id, di.bounds);
    else edges.set(di.bpmnElement.id, di.waypoint);
    if (di.label?.bounds) labels.push({ id: di.bpmnElement.id, box: di.label.bounds });
  }
});

describe('credit-approval.bpmn', () => {
  it('parses without warnings into one executable process', () => {
    expect(warnings).toEqual([]);
    expect(process.id).toBe('Process_CreditApproval');
    expect(process.isExecutable).toBe(true);
  });

  it('uses only the element kinds the engine supports, with meaningful ids', () => {
    for (const el of process.flowElements) {
      expect([el.id, ALLOWED.has(el.$type)]).toEqual([el.id, true]);
      expect(el.id).toMatch(/^(StartEvent|EndEvent|Task|Gateway|Timer|Flow)_[A-Z][A-Za-z_]+$/);
    }
  });

  describe('diagram', () => {
    it('has a shape for every flow node and an edge for every sequence flow, and nothing else', () => {
      expect([...shapes.keys()].sort()).toEqual(nodes.map((n) => n.id).sort());
      expect([...edges.keys()].sort()).toEqual(flows.map((f) => f.id).sort());
    });

    const overlaps = (a: Box, b: Box) =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    const touches = (p: { x: number; y: number }, b: Box) =>
      p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;

    it('lays shapes out without overlaps; timers sit on the border of their task', () => {
      const free = nodes.filter((n) => n.$type !== 'bpmn:BoundaryEvent');
      for (const [i, a] of free.entries())
        for (const b of free.slice(i + 1))
          expect([a.id, b.id, overlaps(shapes.get(a.id)!, shapes.get(b.id)!)]).toEqual([
            a.id,
            b.id,
            false,
          ]);
      for (const timer of nodes.filter((n) => n.$type === 'bpmn:BoundaryEvent')) {
        const t = shapes.get(timer.id)!;
        expect(overlaps(t, shapes.get(timer.attachedToRef.id)!)).toBe(true);
        for (const other of free.filter((n) => n !== timer.attachedToRef))
          expect([timer.id, other.id, overlaps(t, shapes.get(other.id)!)]).toEqual([
            timer.id,
            other.id,
            false,
          ]);
      }
    });

    it('keeps labels clear of shapes and of each other', () => {
      for (const { id, box } of labels) {
        for (const n of nodes)
          expect([id, n.id, overlaps(box, shapes.get(n.id)!)]).toEqual([id, n.id, false]);
      }
      for (const [i, a] of labels.entries())
        for (const b of labels.slice(i + 1))
          expect([a.id, b.id, overlaps(a.box, b.box)]).toEqual([a.id, b.id, false]);
    });

    it('draws edges with right angles from their source to their target', () => {
      for (const f of flows) {
        const points = edges.get(f.id)!;
        expect(points.length).toBeGreaterThanOrEqual(2);
        expect([f.id, touches(points[0]!, shapes.get(f.sourceRef.id)!)]).toEqual([f.id, true]);
        expect([f.id, touches(points.at(-1)!, shapes.get(f.targetRef.id)!)]).toEqual([f.id, true]);
        for (let i = 1; i < points.length; i++)
          expect([
            f.id,
            points[i - 1].x === points[i].x || points[i - 1].y === points[i].y,
          ]).toEqual([f.id, true]);
      }
    });

    it('reads left to right along the main chain', () => {
      const chain = [
        'StartEvent_ApplicationSubmitted',
        'Task_MarketRouting',
        'Gateway_BusinessLine',
        'Task_AssignCorporate',
        'Task_Investigation',
        'Task_PreMeetingReview',
        'Gateway_Amount',
        'Task_CommitteeVote',
        'Task_RiskAssessment',
        'Task_FinalApproval',
        'EndEvent_Approved',
      ];
      const xs = chain.map((id) => shapes.get(id)!.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
    });
  });

  describe('flow', () => {
    const outgoing = (id: string): El[] => flows.filter((f) => f.sourceRef.id === id);

    it('has one plain start event: the workflow service starts it on application.submitted', () => {
      const starts = nodes.filter((n) => n.$type === 'bpmn:StartEvent');
      expect(starts.map((s) => s.id)).toEqual(['StartEvent_ApplicationSubmitted']);
      expect(starts[0].eventDefinitions ?? []).toEqual([]);
    });

    it('reaches every node from the start, and an end from every node', () => {
      const next = (n: El): El[] => [
        ...outgoing(n.id).map((f) => f.targetRef),
        ...nodes.filter((b) => b.attachedToRef?.id === n.id),
      ];
      const seen = new Set<string>();
      const stack = ['StartEvent_ApplicationSubmitted'];
      while (stack.length) {
        const id = stack.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        stack.push(...next(byId(id)).map((n) => n.id));
      }
      expect([...seen].sort()).toEqual(nodes.map((n) => n.id).sort());
      const reachesEnd = (n: El, path: Set<string> = new Set()): boolean =>
        n.$type === 'bpmn:EndEvent' ||
        next(n).some((m) => !path.has(m.id) && reachesEnd(m, new Set([...path, n.id])));
      for (const n of nodes) expect([n.id, reachesEnd(n)]).toEqual([n.id, true]);
    });

    it('ends as approved or rejected, terminating the instance', () => {
      const ends = nodes.filter(
        (n) => n.$type === 'bpmn:EndEvent' && n.id !== 'EndEvent_ReminderSent',
      );
      expect(new Set(ends.map((e) => e.name))).toEqual(
        new Set(['Approved (批准)', 'Rejected (否决)']),
      );
      for (const e of ends)
        expect(e.eventDefinitions[0].$type).toBe('bpmn:TerminateEventDefinition');
    });

    it('gives every branch of an exclusive gateway a FEEL condition or makes it the default', () => {
      for (const g of nodes.filter((n) => n.$type === 'bpmn:ExclusiveGateway')) {
        const out = outgoing(g.id);
        if (out.length < 2) continue;
        for (const f of out) {
          if (g.default?.id === f.id) expect(f.conditionExpression).toBeUndefined();
          else
            expect([f.id, f.conditionExpression?.body]).toEqual([
              f.id,
              expect.stringMatching(/^=/),
            ]);
        }
      }
    });

    it('routes the business line on productCategory and customerType', () => {
      const line = (customerType: string, productCategory: string) =>
        outgoing('Gateway_BusinessLine')
          .filter((f) => feel(f.conditionExpression.body, { customerType, productCategory }))
          .map((f) => f.targetRef.id);
      expect(line('individual', 'consumer')).toEqual(['Task_AssignPersonal']);
      expect(line('individual', 'mortgage')).toEqual(['Task_AssignPersonal']);
      expect(line('individual', 'business')).toEqual(['Task_AssignSmallBusiness']);
      expect(line('corporate', 'working_capital')).toEqual(['Task_AssignCorporate']);
      expect(ext(byId('Task_AssignCorporate'), 'zeebe:assignmentDefinition').candidateGroups).toBe(
        'corporate_lending',
      );
    });

    it('sends small loans that are not declined to the lower authority, the rest to the committee', () => {
      const small = byId('Flow_Amount_SmallLoan').conditionExpression.body;
      expect(feel(small, { amount: 500000, opinion: 'recommend' })).toBe(true);
      expect(feel(small, { amount: 500000.01, opinion: 'recommend' })).toBe(false);
      expect(feel(small, { amount: 100000, opinion: 'decline' })).toBe(false);
      expect(byId('Gateway_Amount').default.targetRef.id).toBe('Task_CommitteeVote');
    });

    it('ends a rejection at any deciding step as rejected', () => {
      for (const id of ['Gateway_PreMeetingOutcome', 'Gateway_RiskOutcome']) {
        const toRejected = outgoing(id).find((f) => f.targetRef.name === 'Rejected (否决)');
        expect(feel(toRejected.conditionExpression.body, { outcome: 'reject' })).toBe(true);
        expect(feel(toRejected.conditionExpression.body, { outcome: 'approve' })).toBe(false);
      }
      for (const id of ['Gateway_FinalOutcome', 'Gateway_SmallLoanOutcome']) {
        expect(byId(id).default.targetRef.name).toBe('Rejected (否决)');
        const approve = outgoing(id).find((f) => f.targetRef.id === 'EndEvent_Approved');
        expect(feel(approve.conditionExpression.body, { outcome: 'approve' })).toBe(true);
      }
    });
  });

  describe('tasks', () => {
    const userTasks = () => nodes.filter((n) => n.$type === 'bpmn:UserTask');

    it('gives every user task a step code and candidate groups from the roles', () => {
      const roles = new Set([
        'market_specialist',
        'group_leader',
        'corporate_lending',
        'credit_officer',
        'pre_meeting_reviewer',
        'committee_member',
        'risk_manager',
        'final_approver',
      ]);
      for (const t of userTasks()) {
        expect([t.id, t.$attrs['loanflow:stepCode']]).toEqual([
          t.id,
          expect.stringMatching(/^[a-z_]+$/),
        ]);
        const groups = ext(t, 'zeebe:assignmentDefinition').candidateGroups.split(',');
        for (const g of groups) expect([t.id, roles.has(g)]).toEqual([t.id, true]);
        expect(t.name).toMatch(/^[A-Z].* \(.*[\u4e00-\u9fff].*\)$/);
      }
    });

    it('separates the approval steps from the investigation (审贷分离)', () => {
      const separated = userTasks()
        .filter((t) => t.$attrs['loanflow:separatedFrom'] === 'investigation')
        .map((t) => t.id)
        .sort();
      expect(separated).toEqual([
        'Task_CommitteeVote',
        'Task_FinalApproval',
        'Task_PreMeetingReview',
        'Task_RiskAssessment',
        'Task_SmallLoanApproval',
      ]);
    });

    it('assigns the investigation to the credit officer the group leader chose', () => {
      expect(ext(byId('Task_Investigation'), 'zeebe:assignmentDefinition').assignee).toBe(
        '=creditOfficer',
      );
    });

    it('reminds on the investigation after 2 days and escalates the pre-meeting review after 3', () => {
      const reminder = byId('Timer_InvestigationReminder');
      expect([reminder.attachedToRef.id, reminder.cancelActivity]).toEqual([
        'Task_Investigation',
        false,
      ]);
      expect(reminder.eventDefinitions[0].timeDuration.body).toBe('P2D');
      const escalation = byId('Timer_PreMeetingReviewOverdue');
      expect([escalation.attachedToRef.id, escalation.cancelActivity]).toEqual([
        'Task_PreMeetingReview',
        true,
      ]);
      expect(escalation.eventDefinitions[0].timeDuration.body).toBe('P3D');
      const escalated = outgoing(escalation.id)[0].targetRef;
      expect(ext(escalated, 'zeebe:assignmentDefinition').candidateGroups).toBe('group_leader');
    });

    const outgoing = (id: string): El[] => flows.filter((f) => f.sourceRef.id === id);

    describe('committee vote', () => {
      const loop = () => byId('Task_CommitteeVote').loopCharacteristics;
      // The engine's tally: approvals and rejections so far, during the vote; committee_voteVotes after it.
      const tally = (votes: (string | null)[]) => ({
        nrOfInstances: votes.length,
        approvals: votes.filter((v) => v === 'approve').length,
        rejections: votes.filter((v) => v === 'reject').length,
      });
      const done = (votes: (string | null)[]) =>
        feel(loop().completionCondition.body, tally(votes));
      const rejected = (votes: (string | null)[]) =>
        feel(byId('Flow_Committee_Rejected').conditionExpression.body, {
          committee_voteVotes: tally(votes),
        });

      it('is a parallel vote, one task per member', () => {
        expect(loop().$type).toBe('bpmn:MultiInstanceLoopCharacteristics');
        expect(loop().isSequential).toBe(false);
        const zeebe = ext(loop(), 'zeebe:loopCharacteristics');
        expect([zeebe.inputCollection, zeebe.inputElement]).toEqual([
          '=committeeMembers',
          'member',
        ]);
        expect(ext(byId('Task_CommitteeVote'), 'zeebe:assignmentDefinition').assignee).toBe(
          '=member',
        );
      });

      it('completes once two thirds approve, and then approves', () => {
        expect(done(['approve', 'approve', null])).toBe(true);
        expect(rejected(['approve', 'approve', null])).toBe(false);
        expect(done(['approve', 'approve', 'approve', null, null])).toBe(false);
        expect(done(['approve', 'approve', 'approve', 'approve', null])).toBe(true);
      });

      it('completes once more than a third reject, and then rejects', () => {
        expect(done(['approve', 'reject', null])).toBe(false);
        expect(done(['reject', 'reject', null])).toBe(true);
        expect(rejected(['reject', 'reject', null])).toBe(true);
        expect(done(['approve', 'approve', 'approve', 'reject', 'reject'])).toBe(true);
        expect(rejected(['approve', 'approve', 'approve', 'reject', 'reject'])).toBe(true);
      });
    });
  });
});
