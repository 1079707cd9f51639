import { api, data, idempotencyKey } from '../../api/client';
import type { components } from '../../api/schema';

export type TaskView = components['schemas']['TaskView'];
export type TaskAction = TaskView['allowedActions'][number];
export type ActionBody = components['schemas']['TaskAction'];
export type ActionResult = components['schemas']['TaskActionResult'];
export type Instance = components['schemas']['ProcessInstance'];

/** POST /tasks/{id}:<action> with a fresh Idempotency-Key (a double click acts once). */
export function act(id: string, action: TaskAction, body: ActionBody = {}): Promise<ActionResult> {
  const path = `/tasks/{id}:${action}` as '/tasks/{id}:claim';
  return data(
    api.POST(path, {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey() } },
      body,
    }),
  ) as Promise<ActionResult>;
}
