import type { FormSchema } from '../forms';

// The plain-JSON form of a deployed process definition. It is stored as JSONB next to the XML, so
// it holds only strings, numbers, booleans, arrays and plain objects.

/**
 * A value written in the modeler: `=expression` is FEEL (as in Camunda 8), anything else is a
 * literal string. Conditions and completion conditions are always FEEL (the `=` is optional).
 */
export type ExpressionOrLiteral = string;

interface ElementBase {
  id: string;
  name: string | null;
  /** Sequence flow ids, in document order. */
  incoming: string[];
  outgoing: string[];
}

export interface StartEventDef extends ElementBase {
  kind: 'startEvent';
}

export interface EndEventDef extends ElementBase {
  kind: 'endEvent';
  /** A terminate end event ends every branch of the instance. */
  terminate: boolean;
}

export interface MultiInstanceDef {
  isSequential: boolean;
  /** FEEL giving the list of items, one task per item (e.g. `=committeeMembers`). */
  inputCollection: string;
  /** Variable holding the item inside one instance (e.g. `member`). */
  inputElement: string | null;
  /** FEEL; the vote ends early when it evaluates to true. */
  completionCondition: string | null;
}

export interface UserTaskDef extends ElementBase {
  kind: 'userTask';
  /** The bank's step code (`loanflow:stepCode`), e.g. `investigation`; defaults to the element id. */
  stepCode: string;
  assignee: ExpressionOrLiteral | null;
  candidateGroups: ExpressionOrLiteral | null;
  candidateUsers: ExpressionOrLiteral | null;
  dueDate: ExpressionOrLiteral | null;
  /** 审贷分离: step codes or element ids whose completer may not act on this task. */
  separatedFrom: string[];
  /** `loanflow:dueInWorkingDays`: due this many working days after creation (China calendar, 18:00 cut-off). */
  dueInWorkingDays: number | null;
  multiInstance: MultiInstanceDef | null;
  boundaryEventIds: string[];
  /** `zeebe:formDefinition formKey`; absent in definitions deployed before forms existed. */
  formKey?: string | null;
  /** The JSON Schema of the task's formData (see domain/forms.ts); null: any formData. */
  form?: FormSchema | null;
}

export interface ServiceTaskDef extends ElementBase {
  kind: 'serviceTask';
  jobType: ExpressionOrLiteral;
  retries: number;
  boundaryEventIds: string[];
}

export interface ExclusiveGatewayDef extends ElementBase {
  kind: 'exclusiveGateway';
  defaultFlowId: string | null;
}

export interface ParallelGatewayDef extends ElementBase {
  kind: 'parallelGateway';
}

export interface MessageCatchEventDef extends ElementBase {
  kind: 'messageCatchEvent';
  messageName: ExpressionOrLiteral;
  /** FEEL evaluated when the token arrives; the message must carry the same key. */
  correlationKey: ExpressionOrLiteral | null;
}

export type TimerDefinition =
  | { type: 'duration'; value: ExpressionOrLiteral }
  | { type: 'cycle'; value: ExpressionOrLiteral }
  | { type: 'date'; value: ExpressionOrLiteral };

export interface TimerBoundaryEventDef extends ElementBase {
  kind: 'timerBoundaryEvent';
  attachedTo: string;
  /** cancelActivity="true": firing cancels the task (escalation, auto-decision). */
  interrupting: boolean;
  timer: TimerDefinition;
}

export type ElementDef =
  | StartEventDef
  | EndEventDef
  | UserTaskDef
  | ServiceTaskDef
  | ExclusiveGatewayDef
  | ParallelGatewayDef
  | MessageCatchEventDef
  | TimerBoundaryEventDef;

export type ElementKind = ElementDef['kind'];

export interface FlowDef {
  id: string;
  name: string | null;
  sourceRef: string;
  targetRef: string;
  /** FEEL without the leading `=`; null when the flow is unconditional. */
  condition: string | null;
}

export interface ProcessModel {
  id: string;
  name: string | null;
  elements: Record<string, ElementDef>;
  flows: Record<string, FlowDef>;
  startEventId: string;
}

export interface DefinitionProblem {
  elementId?: string;
  reason: string;
}

export type ParseResult =
  { ok: true; model: ProcessModel } | { ok: false; errors: DefinitionProblem[] };
