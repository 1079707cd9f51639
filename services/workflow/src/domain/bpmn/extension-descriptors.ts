// Moddle descriptors for the extension attributes we read. Only what the engine needs is declared;
// unknown extension elements are ignored by the parser (bpmn-js keeps them when it saves).

/** Camunda 8 (Zeebe) extensions, as written by the Camunda modeler and bpmn-js with zeebe properties. */
export const zeebeDescriptor = {
  name: 'zeebe',
  uri: 'http://camunda.org/schema/zeebe/1.0',
  prefix: 'zeebe',
  xml: { tagAlias: 'lowerCase' },
  types: [
    {
      name: 'AssignmentDefinition',
      superClass: ['Element'],
      properties: [
        { name: 'assignee', isAttr: true, type: 'String' },
        { name: 'candidateGroups', isAttr: true, type: 'String' },
        { name: 'candidateUsers', isAttr: true, type: 'String' },
      ],
    },
    {
      name: 'TaskSchedule',
      superClass: ['Element'],
      properties: [
        { name: 'dueDate', isAttr: true, type: 'String' },
        { name: 'followUpDate', isAttr: true, type: 'String' },
      ],
    },
    {
      name: 'TaskDefinition',
      superClass: ['Element'],
      properties: [
        { name: 'type', isAttr: true, type: 'String' },
        { name: 'retries', isAttr: true, type: 'String' },
      ],
    },
    {
      name: 'LoopCharacteristics',
      superClass: ['Element'],
      properties: [
        { name: 'inputCollection', isAttr: true, type: 'String' },
        { name: 'inputElement', isAttr: true, type: 'String' },
        { name: 'outputCollection', isAttr: true, type: 'String' },
        { name: 'outputElement', isAttr: true, type: 'String' },
      ],
    },
    {
      name: 'Subscription',
      superClass: ['Element'],
      properties: [{ name: 'correlationKey', isAttr: true, type: 'String' }],
    },
    {
      // On a user task: formKey="camunda-forms:bpmn:<form id>" names a form embedded in the process.
      name: 'FormDefinition',
      superClass: ['Element'],
      properties: [{ name: 'formKey', isAttr: true, type: 'String' }],
    },
    {
      // In the process's extension elements: a form embedded in the definition (for LoanFlow, a
      // JSON Schema of the task's formData), deployed and versioned with it.
      name: 'UserTaskForm',
      superClass: ['Element'],
      properties: [
        { name: 'id', isAttr: true, type: 'String' },
        { name: 'body', isBody: true, type: 'String' },
      ],
    },
  ],
};

export const loanflowNamespace = 'http://loanflow.bank/schema/bpmn/1.0';

/** The bank's own attributes on user tasks: the step code and 审贷分离. */
export const loanflowDescriptor = {
  name: 'loanflow',
  uri: loanflowNamespace,
  prefix: 'loanflow',
  xml: { tagAlias: 'lowerCase' },
  types: [
    {
      name: 'ApprovalStep',
      extends: ['bpmn:UserTask'],
      properties: [
        { name: 'stepCode', isAttr: true, type: 'String' },
        { name: 'separatedFrom', isAttr: true, type: 'String' },
        { name: 'dueInWorkingDays', isAttr: true, type: 'Integer' },
      ],
    },
  ],
};
