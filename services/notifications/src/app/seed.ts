import { withTransaction, type Pool } from '@loanflow/platform';
import { DEFAULT_TEMPLATES } from '../domain/default-templates';
import { DEFAULT_RULES } from '../domain/rules';
import { checkTemplate } from '../domain/templates';
import { lockSeeding, seedRules } from '../infra/rule-repo';
import { hasTemplate, insertTemplateVersion } from '../infra/template-repo';

/**
 * Version 1 of each default template and rule that has no version yet (a fresh installation, or
 * a template added by an upgrade); what administrators changed is left alone. Serialised across
 * replicas starting together by an advisory lock.
 */
export async function seedDefaults(pool: Pool): Promise<{ templates: number; rules: number }> {
  return withTransaction(pool, async (tx) => {
    await lockSeeding(tx);
    let templates = 0;
    for (const t of DEFAULT_TEMPLATES) {
      if (await hasTemplate(tx, t.code, t.channel, t.locale)) continue;
      const { variables } = checkTemplate(t);
      await insertTemplateVersion(tx, { ...t, variables }, 'system');
      templates++;
    }
    return { templates, rules: await seedRules(tx, DEFAULT_RULES) };
  });
}
