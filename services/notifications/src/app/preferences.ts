// 通知偏好: what a user wants on which channel. Mandatory categories stay on whatever is asked.
import {
  invalidArgument,
  withTransaction,
  type FieldViolation,
  type Principal,
} from '@loanflow/platform';
import type { EmailDigest } from '../domain/policies';
import { MANDATORY_CATEGORIES, preferenceChoices } from '../domain/rules';
import { emailDigestOf, preferencesOf, replacePreferences } from '../infra/preference-repo';
import { listRules } from '../infra/rule-repo';
import type { NotificationsDeps } from './deps';

export interface PreferenceView {
  category: string;
  channel: string;
  enabled: boolean;
  mandatory: boolean;
}

export async function preferencesFor(
  deps: NotificationsDeps,
  me: Principal,
): Promise<{ preferences: PreferenceView[]; emailDigest: EmailDigest }> {
  const choices = preferenceChoices((await listRules(deps.pool, false)).filter((r) => r.active));
  const mine = await preferencesOf(deps.pool, me.userId);
  return {
    preferences: choices.map((c) => {
      const mandatory = MANDATORY_CATEGORIES.includes(c.category);
      const set = mine.find((p) => p.category === c.category && p.channel === c.channel);
      return { ...c, enabled: mandatory || (set?.enabled ?? true), mandatory };
    }),
    emailDigest: await emailDigestOf(deps.pool, me.userId),
  };
}

export async function updatePreferences(
  deps: NotificationsDeps,
  me: Principal,
  input: {
    preferences: { category: string; channel: string; enabled: boolean }[];
    emailDigest: string;
  },
) {
  const choices = preferenceChoices((await listRules(deps.pool, false)).filter((r) => r.active));
  const v: FieldViolation[] = [];
  const seen = new Set<string>();
  input.preferences.forEach((p, i) => {
    const key = `${p.category}/${p.channel}`;
    if (!choices.some((c) => c.category === p.category && c.channel === p.channel))
      v.push({
        field: `preferences[${i}]`,
        reason: `no rule sends ${p.category} messages on ${p.channel}`,
      });
    else if (MANDATORY_CATEGORIES.includes(p.category) && !p.enabled)
      v.push({
        field: `preferences[${i}].enabled`,
        reason: `${p.category} messages are mandatory and cannot be switched off`,
      });
    if (seen.has(key)) v.push({ field: `preferences[${i}]`, reason: `${key} is given twice` });
    seen.add(key);
  });
  const digest = input.emailDigest || 'auto';
  if (!['auto', 'always', 'never'].includes(digest))
    v.push({ field: 'emailDigest', reason: 'must be auto, always or never' });
  if (v.length > 0) throw invalidArgument(v);
  await withTransaction(deps.pool, (tx) =>
    replacePreferences(
      tx,
      me.userId,
      input.preferences.filter((p) => !MANDATORY_CATEGORIES.includes(p.category)),
      digest as EmailDigest,
    ),
  );
  return preferencesFor(deps, me);
}
