// BPMN 2.0 XML (as drawn in bpmn-js) → the engine's ProcessModel, refusing everything the engine
// does not execute. All problems are reported at once, each with the element id where it is.
import type { ModdleElement, ParseWarning } from 'bpmn-moddle';
import { loadFeel, stripExpressionMarker, isExpression, type Feel } from '../feel';
import { isIsoDuration, parseCycle, parseDateTime } from '../timer-schedule';
import { ASSIGNS, formFields, formSchemaProblems, REQUIRED_WHEN, type FormSchema } from '../forms';
import { loanflowDescriptor, zeebeDescriptor } from './extension-descriptors';
import { xmlShapeProblem } from './limits';
import type {
  DefinitionProblem,
  ElementDef,
  FlowDef,
  MultiInstanceDef,
  ParseResult,
  ProcessModel,
  TimerDefinition,
} from './process-model';

const loadBpmnModdle = () => import('bpmn-moddle');

type Element = ModdleElement;

function list(value: unknown): Element[] {
  return Array.isArray(value) ? (value as Element[]) : [];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function extension(element: Element, type: string): Element | undefined {
  const extensionElements = element.extensionElements as Element | undefined;
  return list(extensionElements?.values).find((value) => value.$type === type);
}

function attribute(element: Element | undefined, name: string): string | null {
  return element ? text(element[name]) : null;
}

function referencedId(value: unknown): string | null {
  return value && typeof value === 'object' ? text((value as Element).id) : null;
}

/** Short BPMN type for messages: `bpmn:SubProcess` → `subProcess`. */
function bpmnKind(type: string): string {
  const local = type.replace(/^bpmn:/, '');
  return local.charAt(0).toLowerCase() + local.slice(1);
}

function formalExpression(value: unknown): string | null {
  return value && typeof value === 'object' ? text((value as Element).body) : null;
}

class DefinitionReader {
  readonly problems: DefinitionProblem[] = [];
  readonly elements: Record<string, ElementDef> = {};
  readonly flows: Record<string, FlowDef> = {};
  /** Elements refused as unsupported: flows to them and path checks would only repeat the news. */
  readonly unsupportedIds = new Set<string>();
  /** FEEL snippets to syntax-check once the model is read, with where they came from. */
  private readonly expressions: { elementId: string; what: string; source: string }[] = [];
  /** Forms embedded in the process (zeebe:userTaskForm), by id. */
  readonly forms = new Map<string, FormSchema>();
  /** Forms refused already: the tasks using them need not be reported again. */
  private readonly refusedForms = new Set<string>();

  /** Embedded forms: each a JSON Schema object that compiles. */
  readForms(process: Element): void {
    const values = list((process.extensionElements as Element | undefined)?.values);
    for (const form of values.filter((value) => value.$type === 'zeebe:UserTaskForm')) {
      const id = text(form.id);
      if (id === null) {
        this.problem(undefined, 'an embedded form (zeebe:userTaskForm) has no id');
        continue;
      }
      let schema: unknown;
      try {
        schema = JSON.parse(typeof form.body === 'string' ? form.body : '');
      } catch (error) {
        this.problem(id, `the form is not JSON: ${(error as Error).message}`);
        this.refusedForms.add(id);
        continue;
      }
      const problems = formSchemaProblems(schema);
      for (const reason of problems) this.problem(id, reason);
      if (problems.length === 0) this.forms.set(id, schema as FormSchema);
      else this.refusedForms.add(id);
    }
  }

  /** A task's form key must name an embedded form; its annotations must name real steps. */
  linkForms(): void {
    for (const element of Object.values(this.elements)) {
      if (element.kind !== 'userTask' || !element.formKey) continue;
      const m = /^camunda-forms:bpmn:(.+)$/.exec(element.formKey);
      const form = m ? this.forms.get(m[1]!) : undefined;
      if (m && this.refusedForms.has(m[1]!)) continue;
      if (!form) {
        this.problem(
          element.id,
          m
            ? `formKey "${element.formKey}" names no embedded form (zeebe:userTaskForm id="${m[1]}")`
            : `formKey "${element.formKey}" must be "camunda-forms:bpmn:<form id>" of a form embedded in the process`,
        );
        continue;
      }
      element.form = form;
      for (const [name, field] of Object.entries(formFields(form))) {
        const step = field[ASSIGNS];
        if (typeof step === 'string' && this.elements[step]?.kind !== 'userTask')
          this.problem(element.id, `form field "${name}": ${ASSIGNS} "${step}" is not a user task`);
        const when = field[REQUIRED_WHEN];
        if (typeof when === 'string')
          this.feelAlways(element.id, `form field "${name}" condition`, when);
      }
    }
  }

  problem(elementId: string | undefined, reason: string): void {
    this.problems.push(elementId === undefined ? { reason } : { elementId, reason });
  }

  private feelIfMarked(elementId: string, what: string, value: string | null): string | null {
    if (value !== null && isExpression(value))
      this.expressions.push({ elementId, what, source: value });
    return value;
  }

  private feelAlways(elementId: string, what: string, value: string | null): string | null {
    if (value !== null) this.expressions.push({ elementId, what, source: value });
    return value;
  }

  read(flowElements: Element[]): void {
    for (const element of flowElements) {
      const id = text(element.id);
      if (id === null) {
        this.problem(undefined, `a ${bpmnKind(element.$type)} has no id`);
        continue;
      }
      if (element.$type === 'bpmn:SequenceFlow') this.readFlow(id, element);
      else this.readNode(id, element);
    }
  }

  private readFlow(id: string, flow: Element): void {
    const sourceRef = referencedId(flow.sourceRef);
    const targetRef = referencedId(flow.targetRef);
    if (sourceRef === null || targetRef === null) {
      if (this.problems.some((problem) => problem.elementId === id)) return;
      this.problem(id, `sequence flow has no ${sourceRef === null ? 'source' : 'target'} element`);
      return;
    }
    const condition = formalExpression(flow.conditionExpression);
    this.flows[id] = {
      id,
      name: text(flow.name),
      sourceRef,
      targetRef,
      condition: condition === null ? null : stripExpressionMarker(condition),
    };
    if (condition !== null) this.feelAlways(id, 'condition', condition);
  }

  private readNode(id: string, element: Element): void {
    const base = { id, name: text(element.name), incoming: [], outgoing: [] };
    const definitions = list(element.eventDefinitions);
    const definitionTypes = definitions.map((definition) => bpmnKind(definition.$type));
    const loop = element.loopCharacteristics as Element | undefined;
    const unsupported = (what: string) => {
      this.unsupportedIds.add(id);
      this.problem(id, `${what} is not supported by the LoanFlow engine`);
    };

    if (loop && element.$type !== 'bpmn:UserTask') {
      unsupported(`multi-instance ${bpmnKind(element.$type)}`);
      return;
    }
    switch (element.$type) {
      case 'bpmn:StartEvent':
        if (definitions.length > 0)
          return unsupported(`startEvent with ${definitionTypes.join(', ')}`);
        this.elements[id] = { ...base, kind: 'startEvent' };
        return;
      case 'bpmn:EndEvent': {
        const terminate =
          definitionTypes.length === 1 && definitionTypes[0] === 'terminateEventDefinition';
        if (definitions.length > 0 && !terminate) {
          return unsupported(`endEvent with ${definitionTypes.join(', ')}`);
        }
        this.elements[id] = { ...base, kind: 'endEvent', terminate };
        return;
      }
      case 'bpmn:UserTask':
        this.readUserTask(id, element, base, loop);
        return;
      case 'bpmn:ServiceTask': {
        const jobType = attribute(extension(element, 'zeebe:TaskDefinition'), 'type');
        if (jobType === null) this.problem(id, 'service task has no zeebe:taskDefinition type');
        const retries = Number(
          attribute(extension(element, 'zeebe:TaskDefinition'), 'retries') ?? 3,
        );
        this.elements[id] = {
          ...base,
          kind: 'serviceTask',
          jobType: this.feelIfMarked(id, 'job type', jobType) ?? '',
          retries: Number.isInteger(retries) && retries > 0 ? retries : 3,
          boundaryEventIds: [],
        };
        return;
      }
      case 'bpmn:ExclusiveGateway':
        this.elements[id] = {
          ...base,
          kind: 'exclusiveGateway',
          defaultFlowId: referencedId(element.default),
        };
        return;
      case 'bpmn:ParallelGateway':
        this.elements[id] = { ...base, kind: 'parallelGateway' };
        return;
      case 'bpmn:IntermediateCatchEvent': {
        if (definitions.length !== 1 || definitionTypes[0] !== 'messageEventDefinition') {
          return unsupported(
            `intermediateCatchEvent with ${definitionTypes.join(', ') || 'no event definition'}`,
          );
        }
        const message = definitions[0]!.messageRef as Element | undefined;
        const messageName = message ? text(message.name) : null;
        if (messageName === null) this.problem(id, 'message catch event has no message name');
        const correlationKey = attribute(
          extension(message ?? { $type: '' }, 'zeebe:Subscription'),
          'correlationKey',
        );
        this.elements[id] = {
          ...base,
          kind: 'messageCatchEvent',
          messageName: this.feelIfMarked(id, 'message name', messageName) ?? '',
          correlationKey: this.feelIfMarked(id, 'correlation key', correlationKey),
        };
        return;
      }
      case 'bpmn:BoundaryEvent': {
        if (definitions.length !== 1 || definitionTypes[0] !== 'timerEventDefinition') {
          return unsupported(
            `boundaryEvent with ${definitionTypes.join(', ') || 'no event definition'}`,
          );
        }
        const attachedTo = referencedId(element.attachedToRef);
        if (attachedTo === null) this.problem(id, 'boundary event is not attached to a task');
        const timer = this.readTimer(id, definitions[0]!);
        this.elements[id] = {
          ...base,
          kind: 'timerBoundaryEvent',
          attachedTo: attachedTo ?? '',
          interrupting: element.cancelActivity !== false,
          timer: timer ?? { type: 'duration', value: '' },
        };
        return;
      }
      default:
        unsupported(bpmnKind(element.$type));
    }
  }

  private readTimer(id: string, definition: Element): TimerDefinition | null {
    const candidates: [TimerDefinition['type'], unknown][] = [
      ['duration', definition.timeDuration],
      ['cycle', definition.timeCycle],
      ['date', definition.timeDate],
    ];
    for (const [type, expression] of candidates) {
      const value = formalExpression(expression);
      if (value !== null)
        return { type, value: this.feelIfMarked(id, `timer ${type}`, value) ?? value };
    }
    this.problem(id, 'timer has no timeDuration, timeCycle or timeDate');
    return null;
  }

  private readUserTask(
    id: string,
    element: Element,
    base: { id: string; name: string | null; incoming: string[]; outgoing: string[] },
    loop: Element | undefined,
  ): void {
    const assignment = extension(element, 'zeebe:AssignmentDefinition');
    const schedule = extension(element, 'zeebe:TaskSchedule');
    const formKey = attribute(extension(element, 'zeebe:FormDefinition'), 'formKey');
    let multiInstance: MultiInstanceDef | null = null;
    if (loop) {
      if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
        this.problem(id, `${bpmnKind(loop.$type)} is not supported by the LoanFlow engine`);
      } else {
        const zeebeLoop = extension(loop, 'zeebe:LoopCharacteristics');
        const inputCollection = attribute(zeebeLoop, 'inputCollection');
        if (inputCollection === null) {
          this.problem(id, 'multi-instance task has no zeebe:loopCharacteristics inputCollection');
        }
        multiInstance = {
          isSequential: loop.isSequential === true,
          inputCollection: this.feelAlways(id, 'input collection', inputCollection) ?? '',
          inputElement: attribute(zeebeLoop, 'inputElement'),
          completionCondition: this.feelAlways(
            id,
            'completion condition',
            formalExpression(loop.completionCondition),
          ),
        };
      }
    }
    const separatedFrom = (text(element.separatedFrom) ?? '')
      .split(',')
      .map((step) => step.trim())
      .filter((step) => step !== '');
    this.elements[id] = {
      ...base,
      kind: 'userTask',
      stepCode: text(element.stepCode) ?? id,
      assignee: this.feelIfMarked(id, 'assignee', attribute(assignment, 'assignee')),
      candidateGroups: this.feelIfMarked(
        id,
        'candidate groups',
        attribute(assignment, 'candidateGroups'),
      ),
      candidateUsers: this.feelIfMarked(
        id,
        'candidate users',
        attribute(assignment, 'candidateUsers'),
      ),
      dueDate: this.feelIfMarked(id, 'due date', attribute(schedule, 'dueDate')),
      separatedFrom,
      dueInWorkingDays: this.workingDays(id, element.dueInWorkingDays),
      multiInstance,
      boundaryEventIds: [],
      formKey,
      form: null,
    };
  }

  /** `loanflow:dueInWorkingDays`: the step's service level on the mainland working-day calendar. */
  workingDays(id: string, raw: unknown): number | null {
    if (raw === undefined || raw === null || raw === '') return null;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 365) {
      this.problem(
        id,
        `loanflow:dueInWorkingDays must be a whole number of days from 0 to 365 (got ${String(raw)})`,
      );
      return null;
    }
    return n;
  }

  checkExpressions(feel: Feel): void {
    for (const { elementId, what, source } of this.expressions) {
      const error = feel.syntaxError(source);
      if (error !== null)
        this.problem(elementId, `${what} "${source}" is not valid FEEL: ${error}`);
    }
  }
}

/** Links flows and boundary events to their elements and checks the graph. */
function connectAndCheck(reader: DefinitionReader): string | null {
  const { elements, flows } = reader;
  for (const flow of Object.values(flows)) {
    const source = elements[flow.sourceRef];
    const target = elements[flow.targetRef];
    if (!source && !reader.unsupportedIds.has(flow.sourceRef))
      reader.problem(
        flow.id,
        `sequence flow starts at "${flow.sourceRef}", which is not a supported element of this process`,
      );
    if (!target && !reader.unsupportedIds.has(flow.targetRef))
      reader.problem(
        flow.id,
        `sequence flow leads to "${flow.targetRef}", which is not a supported element of this process`,
      );
    source?.outgoing.push(flow.id);
    target?.incoming.push(flow.id);
  }
  for (const element of Object.values(elements)) {
    if (element.kind !== 'timerBoundaryEvent' || element.attachedTo === '') continue;
    const host = elements[element.attachedTo];
    if (host && (host.kind === 'userTask' || host.kind === 'serviceTask')) {
      host.boundaryEventIds.push(element.id);
    } else {
      reader.problem(
        element.id,
        `boundary event is attached to "${element.attachedTo}", which is not a user or service task`,
      );
    }
  }

  const starts = Object.values(elements).filter((element) => element.kind === 'startEvent');
  if (starts.length === 0) reader.problem(undefined, 'the process has no start event');
  if (starts.length > 1) {
    for (const start of starts)
      reader.problem(start.id, 'the process has more than one start event');
  }

  for (const element of Object.values(elements)) {
    if (element.kind === 'startEvent' && element.incoming.length > 0) {
      reader.problem(element.id, 'a start event cannot have incoming sequence flows');
    }
    if (element.kind === 'endEvent' && element.outgoing.length > 0) {
      reader.problem(element.id, 'an end event cannot have outgoing sequence flows');
    }
    if (element.kind === 'timerBoundaryEvent' && element.incoming.length > 0) {
      reader.problem(element.id, 'a boundary event cannot have incoming sequence flows');
    }
    const isGateway = element.kind === 'exclusiveGateway' || element.kind === 'parallelGateway';
    if (!isGateway && element.outgoing.length > 1) {
      reader.problem(
        element.id,
        'only gateways may have more than one outgoing flow; add a gateway',
      );
    }
    if (element.kind === 'timerBoundaryEvent' && !isExpression(element.timer.value)) {
      const timerProblem = literalTimerProblem(element.timer);
      if (timerProblem !== null) reader.problem(element.id, timerProblem);
    }
    if (element.kind === 'exclusiveGateway') {
      if (element.defaultFlowId !== null && !element.outgoing.includes(element.defaultFlowId)) {
        reader.problem(
          element.id,
          `default flow "${element.defaultFlowId}" does not leave this gateway`,
        );
      }
      if (element.outgoing.length > 1) {
        const unconditioned = element.outgoing.filter(
          (flowId) => flowId !== element.defaultFlowId && flows[flowId]?.condition === null,
        );
        if (unconditioned.length > 0) {
          reader.problem(
            element.id,
            `exclusive gateway has outgoing flows without a condition that are not the default: ${unconditioned.join(', ')}`,
          );
        }
      }
    }
  }

  const startId = starts.length === 1 ? starts[0]!.id : null;
  if (startId !== null && reader.unsupportedIds.size === 0) checkPaths(reader, startId);
  return startId;
}

function literalTimerProblem(timer: TimerDefinition): string | null {
  try {
    if (timer.type === 'date') parseDateTime(timer.value);
    else if (timer.type === 'cycle') parseCycle(timer.value);
    else if (!isIsoDuration(timer.value))
      return `timer duration "${timer.value}" is not an ISO-8601 duration`;
    return null;
  } catch (error) {
    return `timer ${timer.type}: ${(error as Error).message}`;
  }
}

function nextElementIds(
  elements: Record<string, ElementDef>,
  flows: Record<string, FlowDef>,
  id: string,
): string[] {
  const element = elements[id]!;
  const next = element.outgoing
    .map((flowId) => flows[flowId]!.targetRef)
    .filter((target) => elements[target]);
  if (element.kind === 'userTask' || element.kind === 'serviceTask')
    next.push(...element.boundaryEventIds);
  return next;
}

function checkPaths(reader: DefinitionReader, startId: string): void {
  const { elements, flows } = reader;
  const reachable = new Set<string>([startId]);
  const queue = [startId];
  while (queue.length > 0) {
    for (const next of nextElementIds(elements, flows, queue.shift()!)) {
      if (!reachable.has(next)) {
        reachable.add(next);
        queue.push(next);
      }
    }
  }
  // A boundary event without outgoing flows ends its path, like an end event would.
  const reachesEnd = new Set(
    Object.values(elements)
      .filter(
        (element) =>
          element.kind === 'endEvent' ||
          (element.kind === 'timerBoundaryEvent' && element.outgoing.length === 0),
      )
      .map((element) => element.id),
  );
  let grew = true;
  while (grew) {
    grew = false;
    for (const element of Object.values(elements)) {
      if (reachesEnd.has(element.id)) continue;
      if (nextElementIds(elements, flows, element.id).some((next) => reachesEnd.has(next))) {
        reachesEnd.add(element.id);
        grew = true;
      }
    }
  }
  for (const element of Object.values(elements)) {
    if (!reachable.has(element.id))
      reader.problem(element.id, 'element cannot be reached from the start event');
    else if (!reachesEnd.has(element.id))
      reader.problem(element.id, 'element has no path to an end event');
  }
}

function pickProcess(definitions: Element, reader: DefinitionReader): Element | null {
  const processes = list(definitions.rootElements).filter((root) => root.$type === 'bpmn:Process');
  if (processes.length === 0) {
    reader.problem(undefined, 'the definitions contain no process');
    return null;
  }
  if (processes.length === 1) return processes[0]!;
  const executable = processes.filter((process) => process.isExecutable === true);
  if (executable.length === 1) return executable[0]!;
  reader.problem(
    undefined,
    `the definitions contain ${processes.length} processes; mark exactly one as executable`,
  );
  return null;
}

function unresolvedReferences(warnings: ParseWarning[]): DefinitionProblem[] {
  return warnings
    .filter((warning) => warning.message.startsWith('unresolved reference'))
    .map((warning) => {
      const owner = warning.element?.id;
      const missing = /<([^>]*)>/.exec(warning.message)?.[1] ?? '?';
      const property = (warning.property ?? 'reference').replace(/^bpmn:/, '');
      const reason = `${property} points to "${missing}", which does not exist`;
      return typeof owner === 'string' ? { elementId: owner, reason } : { reason };
    });
}

export async function parseDefinition(xml: string): Promise<ParseResult> {
  const shape = xmlShapeProblem(xml);
  if (shape !== null) return { ok: false, errors: [{ reason: shape }] };
  const [{ BpmnModdle }, feel] = await Promise.all([loadBpmnModdle(), loadFeel()]);
  const moddle = BpmnModdle({ zeebe: zeebeDescriptor, loanflow: loanflowDescriptor });
  let definitions: Element;
  let warnings: ParseWarning[];
  try {
    ({ rootElement: definitions, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions'));
  } catch (error) {
    return {
      ok: false,
      errors: [
        { reason: `malformed BPMN XML: ${error instanceof Error ? error.message : String(error)}` },
      ],
    };
  }
  const reader = new DefinitionReader();
  reader.problems.push(...unresolvedReferences(warnings));
  const process = pickProcess(definitions, reader);
  if (process === null) return { ok: false, errors: reader.problems };
  const processId = text(process.id) ?? 'process';

  reader.readForms(process);
  reader.read(list(process.flowElements));
  reader.linkForms();
  const startEventId = connectAndCheck(reader);
  reader.checkExpressions(feel);
  if (reader.problems.length > 0 || startEventId === null)
    return { ok: false, errors: reader.problems };

  const model: ProcessModel = {
    id: processId,
    name: text(process.name),
    elements: reader.elements,
    flows: reader.flows,
    startEventId,
  };
  return { ok: true, model };
}
