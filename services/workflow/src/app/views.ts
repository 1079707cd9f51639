import type { workflowV1 as pb } from '@loanflow/proto';
import type { StoredDefinition } from '../infra/definition-repo';
import type { StoredInstance } from '../infra/instance-store';

/** An instance as clients see it: state, where it waits (for the diagram) and its timeline. */
export function instanceView(
  i: StoredInstance,
  d: StoredDefinition,
  withHistory = true,
): pb.ProcessInstance {
  const s = i.state;
  return {
    id: i.id,
    definitionId: d.id,
    definitionKey: d.key,
    definitionVersion: d.version,
    businessKey: i.businessKey,
    status: s.status,
    variables: s.variables,
    activeElementIds: [...new Set(s.tokens.map((t) => t.elementId))],
    history: withHistory
      ? s.history.map((h) => ({
          at: h.at,
          actor: h.actor ?? 'system',
          action: h.action,
          elementId: h.elementId ?? '',
          elementName: (h.elementId && d.model.elements[h.elementId]?.name) || '',
          opinion: h.opinion ?? h.reason ?? '',
          formData: h.formData,
          taskId: h.taskId ? `${i.id}:${h.taskId}` : '',
        }))
      : [],
    startedAt: s.startedAt,
    endedAt: s.endedAt ?? '',
  };
}
