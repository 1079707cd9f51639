// Timer boundary events: scheduled when their host task or job starts, cancelled with its token.
import type { ElementDef, UserTaskDef } from '../bpmn/process-model';
import { EngineError } from '../engine-error';
import type { Token } from '../instance-state';
import { addDuration, parseCycle, parseDateTime } from '../timer-schedule';
import type { Execution } from './execution';

export function scheduleBoundaryTimers(
  run: Execution,
  element: UserTaskDef | Extract<ElementDef, { kind: 'serviceTask' }>,
  token: Token,
): void {
  for (const boundaryId of element.boundaryEventIds) {
    const boundary = run.element(boundaryId);
    if (boundary.kind !== 'timerBoundaryEvent') continue;
    const value = String(
      run.evaluate(boundary.timer.value, run.state.variables, `timer of "${boundary.id}"`),
    );
    let dueAt: string;
    let cycle: { interval: string; remainingAfterThis: number | null } | null = null;
    try {
      if (boundary.timer.type === 'date') dueAt = parseDateTime(value);
      else if (boundary.timer.type === 'duration') dueAt = addDuration(run.now, value);
      else {
        const parsed = parseCycle(value);
        dueAt = addDuration(run.now, parsed.interval);
        cycle = {
          interval: parsed.interval,
          remainingAfterThis: parsed.repetitions === null ? null : parsed.repetitions - 1,
        };
      }
    } catch (error) {
      throw new EngineError(
        'failed_precondition',
        `timer of "${boundary.id}": ${(error as Error).message}`,
      );
    }
    const timer = {
      id: run.nextId('timer'),
      boundaryEventId: boundary.id,
      hostElementId: element.id,
      hostTokenId: token.id,
      interrupting: boundary.interrupting,
      dueAt,
      cycle,
    };
    run.state.timers.push(timer);
    run.effects.push({ type: 'timerScheduled', timer: { ...timer } });
  }
}

export function cancelTimersOf(run: Execution, tokenId: string): void {
  for (const timer of run.state.timers.filter((candidate) => candidate.hostTokenId === tokenId)) {
    run.effects.push({ type: 'timerCancelled', timerId: timer.id });
  }
  run.state.timers = run.state.timers.filter((timer) => timer.hostTokenId !== tokenId);
}
