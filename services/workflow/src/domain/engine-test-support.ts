// Shared helpers for the engine's tests: deploy a compact BPMN description and look at tasks.
import { definitions } from './bpmn/bpmn-fixture';
import { parseDefinition } from './bpmn/parse';
import type { ProcessModel } from './bpmn/process-model';
import type { Actor, InstanceState, TaskState } from './instance-state';

export const NOW = '2025-03-03T09:00:00.000Z';

export async function deploy(parts: (string | string[])[]): Promise<ProcessModel> {
  const result = await parseDefinition(definitions(parts));
  if (!result.ok) throw new Error(`test process refused: ${JSON.stringify(result.errors)}`);
  return result.model;
}

export function actor(userId: string, ...groups: string[]): Actor {
  return { userId, groups };
}

export function openTasks(state: InstanceState): TaskState[] {
  return state.tasks.filter((task) => task.status === 'open');
}

/** The single open task at an element; fails the test when there is none or more than one. */
export function openTaskAt(state: InstanceState, elementId: string): TaskState {
  const tasks = openTasks(state).filter((task) => task.elementId === elementId);
  if (tasks.length !== 1)
    throw new Error(`expected one open task at ${elementId}, found ${tasks.length}`);
  return tasks[0]!;
}

export function later(hours: number): string {
  return new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
}
