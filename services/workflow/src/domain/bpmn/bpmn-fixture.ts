// Builds small BPMN XML documents for tests from a compact description, so each test shows only
// the elements it is about. Flows get the id `flow_<source>_<target>` unless one is given.

const escape = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const attr = (name: string, value: string | boolean | undefined) =>
  value === undefined ? '' : ` ${name}="${escape(String(value))}"`;

export interface UserTaskOptions {
  name?: string;
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  dueDate?: string;
  stepCode?: string;
  separatedFrom?: string;
  multiInstance?: {
    sequential?: boolean;
    inputCollection: string;
    inputElement?: string;
    completionCondition?: string;
  };
}

export function startEvent(id = 'start'): string {
  return `<bpmn:startEvent id="${id}" />`;
}

export function endEvent(id = 'end', options: { terminate?: boolean } = {}): string {
  return options.terminate
    ? `<bpmn:endEvent id="${id}"><bpmn:terminateEventDefinition id="${id}_terminate" /></bpmn:endEvent>`
    : `<bpmn:endEvent id="${id}" />`;
}

export function userTask(id: string, options: UserTaskOptions = {}): string {
  const assignment =
    options.assignee || options.candidateGroups || options.candidateUsers
      ? `<zeebe:assignmentDefinition${attr('assignee', options.assignee)}${attr('candidateGroups', options.candidateGroups)}${attr('candidateUsers', options.candidateUsers)} />`
      : '';
  const schedule = options.dueDate
    ? `<zeebe:taskSchedule${attr('dueDate', options.dueDate)} />`
    : '';
  const extensions =
    assignment || schedule
      ? `<bpmn:extensionElements>${assignment}${schedule}</bpmn:extensionElements>`
      : '';
  const mi = options.multiInstance;
  const loop = mi
    ? `<bpmn:multiInstanceLoopCharacteristics${attr('isSequential', mi.sequential)}><bpmn:extensionElements><zeebe:loopCharacteristics${attr('inputCollection', mi.inputCollection)}${attr('inputElement', mi.inputElement)} /></bpmn:extensionElements>${
        mi.completionCondition
          ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${escape(mi.completionCondition)}</bpmn:completionCondition>`
          : ''
      }</bpmn:multiInstanceLoopCharacteristics>`
    : '';
  return `<bpmn:userTask id="${id}"${attr('name', options.name)}${attr('loanflow:stepCode', options.stepCode)}${attr('loanflow:separatedFrom', options.separatedFrom)}>${extensions}${loop}</bpmn:userTask>`;
}

export function serviceTask(id: string, jobType: string): string {
  return `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${escape(jobType)}" /></bpmn:extensionElements></bpmn:serviceTask>`;
}

export function exclusiveGateway(id: string, options: { default?: string } = {}): string {
  return `<bpmn:exclusiveGateway id="${id}"${attr('default', options.default)} />`;
}

export function parallelGateway(id: string): string {
  return `<bpmn:parallelGateway id="${id}" />`;
}

/** A message catch event; the message definition itself is emitted by `definitions`. */
export function messageCatchEvent(
  id: string,
  messageName: string,
  correlationKey?: string,
): string {
  const messageId = `${id}_message`;
  return `<bpmn:intermediateCatchEvent id="${id}"><bpmn:messageEventDefinition id="${id}_def" messageRef="${messageId}" /></bpmn:intermediateCatchEvent>
<!--message:${messageId}|${escape(messageName)}|${correlationKey === undefined ? '' : escape(correlationKey)}-->`;
}

export function timerBoundary(
  id: string,
  attachedTo: string,
  timer: { duration?: string; cycle?: string; date?: string },
  options: { interrupting?: boolean } = {},
): string {
  const [element, value] = timer.cycle
    ? ['timeCycle', timer.cycle]
    : timer.date
      ? ['timeDate', timer.date]
      : ['timeDuration', timer.duration ?? ''];
  return `<bpmn:boundaryEvent id="${id}" attachedToRef="${attachedTo}"${attr('cancelActivity', options.interrupting === false ? false : undefined)}><bpmn:timerEventDefinition id="${id}_def"><bpmn:${element} xsi:type="bpmn:tFormalExpression">${escape(value)}</bpmn:${element}></bpmn:timerEventDefinition></bpmn:boundaryEvent>`;
}

export function flow(
  source: string,
  target: string,
  options: { id?: string; condition?: string } = {},
): string {
  const id = options.id ?? flowId(source, target);
  const condition = options.condition
    ? `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escape(options.condition)}</bpmn:conditionExpression>`
    : '';
  return `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}">${condition}</bpmn:sequenceFlow>`;
}

export function flowId(source: string, target: string): string {
  return `flow_${source}_${target}`;
}

/** Flows along a chain of element ids: chain('start', 'a', 'end'). */
export function chain(...ids: string[]): string[] {
  return ids.slice(1).map((target, index) => flow(ids[index]!, target));
}

export function definitions(
  parts: (string | string[])[],
  options: { processId?: string; diagram?: string } = {},
): string {
  const body = parts.flat().join('\n    ');
  const messages = [...body.matchAll(/<!--message:([^|]*)\|([^|]*)\|([^>]*?)-->/g)]
    .map(([, id, name, key]) =>
      key
        ? `<bpmn:message id="${id}" name="${name}"><bpmn:extensionElements><zeebe:subscription correlationKey="${key}" /></bpmn:extensionElements></bpmn:message>`
        : `<bpmn:message id="${id}" name="${name}" />`,
    )
    .join('\n  ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:loanflow="http://loanflow.bank/schema/bpmn/1.0" id="definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${options.processId ?? 'loan_process'}" isExecutable="true">
    ${body}
  </bpmn:process>
  ${messages}
  ${options.diagram ?? ''}
</bpmn:definitions>`;
}
