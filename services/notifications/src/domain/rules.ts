import { invalidArgument, ROLES, type FieldViolation } from '@loanflow/platform';

export const CHANNELS = ['in_app', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export const RECIPIENT_KINDS = [
  'assignee',
  'candidates',
  'assignee_or_candidates',
  'role',
  'account_manager',
  'borrower',
] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export interface RecipientSpec {
  kind: RecipientKind;
  /** For `role`: who holds it in a branch covering the subject's. */
  role?: string;
}

export interface RuleCondition {
  /** A variable of the event (see the event catalogue). */
  field: string;
  anyOf: string[];
}

/** A rule as stored: one version of event type → recipients → channels → template. */
export interface Rule {
  id: string;
  version: number;
  eventType: string;
  conditions: RuleCondition[];
  recipients: RecipientSpec[];
  channels: Channel[];
  templateCode: string;
  category: string;
  mandatory: boolean;
  active: boolean;
  description: string;
}

export type RuleDraft = Omit<Rule, 'version'>;

/**
 * Categories a user may switch off per channel, and those nobody can: notices the bank owes the
 * borrower or that stop a loss (overdue, escalations) go out whatever the preferences say.
 */
export const CATEGORIES = [
  'task',
  'task_reminder',
  'task_urge',
  'task_escalation',
  'approval_result',
  'contract',
  'disbursement',
  'repayment_reminder',
  'receipt',
  'overdue',
  'risk',
  'digest',
  /** One-time codes (log-in, signing): the only borrower SMS sent in quiet hours. */
  'one_time_code',
] as const;
export const MANDATORY_CATEGORIES: readonly string[] = [
  'task_escalation',
  'overdue',
  'one_time_code',
];
/** Task messages that a user with many gets in the daily digest e-mail instead of one by one. */
export const DIGESTIBLE_CATEGORIES: readonly string[] = ['task', 'task_reminder'];

const rule = (r: Omit<RuleDraft, 'active' | 'conditions'> & Partial<RuleDraft>): RuleDraft => ({
  active: true,
  conditions: [],
  ...r,
});

/** The rules a new installation starts with (version 1 of each); administrators version them. */
export const DEFAULT_RULES: readonly RuleDraft[] = [
  rule({
    id: 'task-created',
    eventType: 'workflow.task.created',
    recipients: [{ kind: 'assignee_or_candidates' }],
    channels: ['in_app'],
    templateCode: 'task.created',
    category: 'task',
    mandatory: false,
    description: 'A new task: to its assignee, or to every candidate of its groups (我的业务).',
  }),
  rule({
    id: 'task-assigned',
    eventType: 'workflow.task.assigned',
    recipients: [{ kind: 'assignee' }],
    channels: ['in_app'],
    templateCode: 'task.assigned',
    category: 'task',
    mandatory: false,
    description: 'A task claimed by, transferred or delegated to a user.',
  }),
  rule({
    id: 'task-reminder',
    eventType: 'workflow.task.reminder',
    recipients: [{ kind: 'assignee_or_candidates' }],
    channels: ['in_app', 'email'],
    templateCode: 'task.reminder',
    category: 'task_reminder',
    mandatory: false,
    description: 'A task close to its due time.',
  }),
  rule({
    id: 'task-overdue',
    eventType: 'workflow.task.overdue',
    recipients: [{ kind: 'assignee_or_candidates' }],
    channels: ['in_app', 'email'],
    templateCode: 'task.overdue',
    category: 'task_reminder',
    mandatory: false,
    description: 'A task past its due time.',
  }),
  rule({
    id: 'task-urged',
    eventType: 'workflow.task.urged',
    recipients: [{ kind: 'assignee_or_candidates' }],
    channels: ['in_app', 'email', 'sms'],
    templateCode: 'task.urged',
    category: 'task_urge',
    mandatory: false,
    description: '催办: someone asked for the task to be done.',
  }),
  rule({
    id: 'task-escalated',
    eventType: 'workflow.task.escalated',
    recipients: [{ kind: 'assignee_or_candidates' }, { kind: 'role', role: 'group_leader' }],
    channels: ['in_app', 'email', 'sms'],
    templateCode: 'task.escalated',
    category: 'task_escalation',
    mandatory: true,
    description: 'A step escalated by its timer: the assignee and the group leader.',
  }),
  rule({
    id: 'application-decided-manager',
    eventType: 'workflow.process.completed',
    recipients: [{ kind: 'account_manager' }],
    channels: ['in_app'],
    templateCode: 'application.decided',
    category: 'approval_result',
    mandatory: false,
    description: "The approval's outcome to the application's account manager.",
  }),
  rule({
    id: 'application-approved-borrower',
    eventType: 'workflow.process.completed',
    conditions: [{ field: 'decision', anyOf: ['approved'] }],
    recipients: [{ kind: 'borrower' }],
    channels: ['sms'],
    templateCode: 'application.approved.borrower',
    category: 'approval_result',
    mandatory: false,
    description: 'Approved: to the borrower by SMS (one provider template per outcome).',
  }),
  rule({
    id: 'application-declined-borrower',
    eventType: 'workflow.process.completed',
    conditions: [{ field: 'decision', anyOf: ['rejected'] }],
    recipients: [{ kind: 'borrower' }],
    channels: ['sms'],
    templateCode: 'application.declined.borrower',
    category: 'approval_result',
    mandatory: false,
    description: 'Declined: to the borrower by SMS.',
  }),
  rule({
    id: 'contract-generated-borrower',
    eventType: 'documents.contract.generated',
    recipients: [{ kind: 'borrower' }],
    channels: ['sms'],
    templateCode: 'contract.generated',
    category: 'contract',
    mandatory: false,
    description: 'The contract is ready: how the borrower signs it.',
  }),
  rule({
    id: 'contract-signed-manager',
    eventType: 'documents.contract.signed',
    recipients: [{ kind: 'account_manager' }],
    channels: ['in_app', 'email'],
    templateCode: 'contract.signed',
    category: 'contract',
    mandatory: false,
    description: 'Every party signed: the account manager can have the loan disbursed.',
  }),
  rule({
    id: 'loan-disbursed-borrower',
    eventType: 'accounting.loan.disbursed',
    recipients: [{ kind: 'borrower' }],
    channels: ['sms'],
    templateCode: 'loan.disbursed',
    category: 'disbursement',
    mandatory: false,
    description: 'The money is paid out: amount and account tail.',
  }),
  rule({
    id: 'installment-due-soon-borrower',
    eventType: 'accounting.installment.due-soon',
    recipients: [{ kind: 'borrower' }],
    channels: ['sms'],
    templateCode: 'installment.due-soon',
    category: 'repayment_reminder',
    mandatory: false,
    description: 'An installment falls due in a few days.',
  }),
  rule({
    id: 'loan-overdue-borrower',
    eventType: 'accounting.loan.overdue',
    recipients: [{ kind: 'borrower' }],
    channels: ['sms'],
    templateCode: 'loan.overdue.borrower',
    category: 'overdue',
    mandatory: true,
    description: 'The loan fell overdue: the borrower is told (催收 starts here).',
  }),
  rule({
    id: 'loan-overdue-officer',
    eventType: 'accounting.loan.overdue',
    recipients: [{ kind: 'role', role: 'post_loan_officer' }],
    channels: ['in_app', 'email'],
    templateCode: 'loan.overdue',
    category: 'overdue',
    mandatory: true,
    description: "The loan fell overdue: the branch's post-loan officers.",
  }),
  rule({
    id: 'repayment-receipt',
    eventType: 'accounting.loan.repayment-posted',
    conditions: [{ field: 'loanClosed', anyOf: ['false', ''] }],
    recipients: [{ kind: 'borrower' }],
    channels: ['sms'],
    templateCode: 'repayment.receipt',
    category: 'receipt',
    mandatory: false,
    description: 'A receipt for each repayment.',
  }),
  rule({
    id: 'loan-settled-borrower',
    eventType: 'accounting.loan.repayment-posted',
    conditions: [{ field: 'loanClosed', anyOf: ['true'] }],
    recipients: [{ kind: 'borrower' }],
    channels: ['sms'],
    templateCode: 'loan.settled',
    category: 'receipt',
    mandatory: false,
    description: 'The repayment that paid the loan off: the receipt says it is settled.',
  }),
  rule({
    id: 'loan-classified-risk',
    eventType: 'accounting.loan.classified',
    conditions: [{ field: 'toTier', anyOf: ['substandard', 'doubtful', 'loss'] }],
    recipients: [{ kind: 'role', role: 'risk_manager' }],
    channels: ['in_app', 'email'],
    templateCode: 'loan.classified',
    category: 'risk',
    mandatory: false,
    description: 'A loan classified 次级 or worse: the branch’s risk managers.',
  }),
];

const RULE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Checks a rule draft on its own: the shapes of its parts. Whether its event type, template and
 * condition fields exist is `checkRuleReferences`' (it needs the catalogue and the templates).
 */
export function ruleViolations(draft: RuleDraft): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (!RULE_ID.test(draft.id))
    v.push({ field: 'rule.id', reason: 'must be 1-64 lower-case letters, digits and dashes' });
  if (!(CATEGORIES as readonly string[]).includes(draft.category))
    v.push({ field: 'rule.category', reason: `must be one of ${CATEGORIES.join(', ')}` });
  if (draft.channels.length === 0)
    v.push({ field: 'rule.channels', reason: 'must name at least one channel' });
  draft.channels.forEach((c, i) => {
    if (!(CHANNELS as readonly string[]).includes(c))
      v.push({ field: `rule.channels[${i}]`, reason: `must be one of ${CHANNELS.join(', ')}` });
  });
  if (new Set(draft.channels).size !== draft.channels.length)
    v.push({ field: 'rule.channels', reason: 'must not name a channel twice' });
  if (draft.recipients.length === 0)
    v.push({ field: 'rule.recipients', reason: 'must name at least one recipient' });
  draft.recipients.forEach((r, i) => {
    if (!(RECIPIENT_KINDS as readonly string[]).includes(r.kind))
      v.push({
        field: `rule.recipients[${i}].kind`,
        reason: `must be one of ${RECIPIENT_KINDS.join(', ')}`,
      });
    else if (r.kind === 'role' && !(ROLES as readonly string[]).includes(r.role ?? ''))
      v.push({ field: `rule.recipients[${i}].role`, reason: `must be one of ${ROLES.join(', ')}` });
    else if (r.kind !== 'role' && r.role)
      v.push({ field: `rule.recipients[${i}].role`, reason: 'is only for kind "role"' });
  });
  draft.conditions.forEach((c, i) => {
    if (!c.field) v.push({ field: `rule.conditions[${i}].field`, reason: 'is required' });
    if (c.anyOf.length === 0)
      v.push({ field: `rule.conditions[${i}].anyOf`, reason: 'must list at least one value' });
  });
  if (draft.mandatory !== MANDATORY_CATEGORIES.includes(draft.category))
    v.push({
      field: 'rule.mandatory',
      reason: draft.mandatory
        ? `category ${draft.category} is optional: its messages can be switched off`
        : `category ${draft.category} is mandatory: its messages cannot be switched off`,
    });
  if (draft.description.length > 500)
    v.push({ field: 'rule.description', reason: 'must be at most 500 characters' });
  return v;
}

export function checkRule(draft: RuleDraft, more: FieldViolation[] = []): void {
  const v = [...ruleViolations(draft), ...more];
  if (v.length > 0) throw invalidArgument(v);
}

/** Whether an event's variables meet every condition of a rule. */
export const conditionsMet = (r: Pick<Rule, 'conditions'>, values: Record<string, string>) =>
  r.conditions.every((c) => c.anyOf.includes(values[c.field] ?? ''));

/** The category × channel pairs the rules use, for the preferences screen. */
export function preferenceChoices(rules: readonly Pick<Rule, 'category' | 'channels'>[]) {
  const seen = new Map<string, { category: string; channel: Channel }>();
  for (const r of rules)
    for (const channel of r.channels)
      seen.set(`${r.category}/${channel}`, { category: r.category, channel });
  return [...seen.values()].sort(
    (a, b) =>
      CATEGORIES.indexOf(a.category as (typeof CATEGORIES)[number]) -
        CATEGORIES.indexOf(b.category as (typeof CATEGORIES)[number]) ||
      CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel),
  );
}
