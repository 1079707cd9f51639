import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as engine from './engine';
import { parseDefinition } from './bpmn/parse';
import type { ProcessModel } from './bpmn/process-model';
import { actor, NOW, later, openTaskAt, openTasks } from './engine-test-support';
import type { InstanceState } from './instance-state';

// A withdrawn, declined or expired application ends its approval process at once (issue 9, 1).

const FILE = path.join(__dirname, '../../processes/credit-approval.bpmn');
const market = actor('mkt-1', 'market_specialist');
const leader = actor('gl-1', 'group_leader');
const officer = actor('co-1', 'credit_officer');
const reviewer = actor('rev-1', 'pre_meeting_reviewer');

let model: ProcessModel;
beforeAll(async () => {
  const parsed = await parseDefinition(readFileSync(FILE, 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  model = parsed.model;
});

const START = {
  applicationId: 'app-1',
  customerType: 'individual',
  productCategory: 'consumer',
  amount: 800000,
};

async function complete(state: InstanceState, elementId: string, who: engine.Actor, formData = {}) {
  const task = openTaskAt(state, elementId);
  return (
    await engine.completeTask(
      model,
      state,
      task.id,
      who,
      { outcome: 'approve', formData, variables: { ...formData, outcome: 'approve' } },
      NOW,
    )
  ).state;
}

/** An instance waiting at the investigation (claimed) with its reminder timer scheduled. */
async function atInvestigation(): Promise<InstanceState> {
  let state = (await engine.start(model, START, NOW, actor('am-1'))).state;
  state = await complete(state, 'Task_MarketRouting', market);
  state = await complete(state, 'Task_AssignPersonal', leader, { creditOfficer: 'co-1' });
  return state;
}

describe('terminateProcess', () => {
  it('cancels every open task with the reason, cancels the timers, records who and why, and says so', async () => {
    const before = await atInvestigation();
    const investigation = openTaskAt(before, 'Task_Investigation');
    expect(investigation.assignee).toBe('co-1');
    expect(before.timers).toHaveLength(1);

    const { state, effects } = await engine.terminateProcess(
      model,
      before,
      { cause: 'withdrawn', reason: 'customer changed their mind', actor: 'am-1' },
      later(1),
    );

    expect(state.status).toBe('terminated');
    expect(state.endedAt).toBe(later(1));
    expect(state.tokens).toEqual([]);
    expect(state.timers).toEqual([]);
    expect(openTasks(state)).toEqual([]);
    const cancelled = state.tasks.find((t) => t.id === investigation.id)!;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelReason).toBe(
      'the application was withdrawn: customer changed their mind',
    );
    expect(state.termination).toEqual({
      cause: 'withdrawn',
      reason: 'customer changed their mind',
      actor: 'am-1',
      at: later(1),
    });
    expect(state.history.at(-1)).toMatchObject({
      actor: 'am-1',
      action: 'terminated',
      reason: 'the application was withdrawn: customer changed their mind',
    });
    expect(effects).toContainEqual({
      type: 'processTerminated',
      cause: 'withdrawn',
      reason: 'customer changed their mind',
      actor: 'am-1',
      cancelledTaskIds: [investigation.id],
    });
    expect(effects).toContainEqual({ type: 'timerCancelled', timerId: before.timers[0]!.id });
    expect(effects).toContainEqual(
      expect.objectContaining({ type: 'taskCancelled', taskId: investigation.id }),
    );
    // No decision: process.completed is not what a withdrawal means.
    expect(effects.some((e) => e.type === 'processCompleted')).toBe(false);
  });

  it('refuses every action on the old task afterwards, naming the withdrawal', async () => {
    const before = await atInvestigation();
    const task = openTaskAt(before, 'Task_Investigation');
    const { state } = await engine.terminateProcess(
      model,
      before,
      { cause: 'declined', reason: '', actor: 'system' },
      NOW,
    );
    const refusal = {
      code: 'failed_precondition',
      message: 'the application was declined: its approval process has ended',
    };
    await expect(
      engine.completeTask(model, state, task.id, officer, { outcome: 'approve' }, NOW),
    ).rejects.toMatchObject(refusal);
    await expect(engine.claimTask(model, state, task.id, officer, NOW)).rejects.toMatchObject(
      refusal,
    );
    await expect(
      engine.transfer(model, state, task.id, officer, 'co-2', NOW),
    ).rejects.toMatchObject(refusal);
    await expect(
      engine.sendBack(model, state, task.id, officer, 'Task_MarketRouting', 'why', NOW),
    ).rejects.toMatchObject(refusal);
    expect(await engine.allowedActions(model, state, task.id, officer, NOW)).toEqual({
      actions: [],
      sendBackTargets: [],
    });
  });

  it('changes nothing on an instance that has already ended (a redelivered event, a retry)', async () => {
    const before = await atInvestigation();
    const once = await engine.terminateProcess(
      model,
      before,
      { cause: 'expired', reason: 'offer lapsed', actor: 'system' },
      NOW,
    );
    const twice = await engine.terminateProcess(
      model,
      once.state,
      { cause: 'withdrawn', reason: 'again', actor: 'am-1' },
      later(2),
    );
    expect(twice.effects).toEqual([]);
    expect(twice.state).toEqual(once.state);
  });

  it('ends a committee vote with every voter task and the multi-instance body', async () => {
    let state = await atInvestigation();
    state = await complete(state, 'Task_Investigation', officer, {
      opinion: 'recommend',
      recommendedAmount: '800000.00',
      recommendedRatePercent: '3.8500',
      recommendedTermMonths: 36,
    });
    state = await complete(state, 'Task_PreMeetingReview', reviewer, {
      committeeMembers: ['cm-1', 'cm-2', 'cm-3'],
      committeeMeetingAt: '2026-12-01T10:00:00+08:00',
    });
    expect(openTasks(state).map((t) => t.assignee)).toEqual(['cm-1', 'cm-2', 'cm-3']);
    const { state: ended } = await engine.terminateProcess(
      model,
      state,
      { cause: 'withdrawn', reason: '', actor: 'am-1' },
      NOW,
    );
    expect(openTasks(ended)).toEqual([]);
    expect(ended.multiInstanceBodies).toEqual([]);
    expect(ended.tasks.filter((t) => t.status === 'cancelled')).toHaveLength(3);
  });

  it('refuses a cause it does not know', async () => {
    const before = await atInvestigation();
    await expect(
      engine.terminateProcess(
        model,
        before,
        { cause: 'cancelled' as engine.TerminationCause, reason: '', actor: 'x' },
        NOW,
      ),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('allowedActions', () => {
  it('offers claim to candidates, complete and hand-overs to the assignee, nothing to others', async () => {
    let state = (await engine.start(model, START, NOW, actor('am-1'))).state;
    const routing = openTaskAt(state, 'Task_MarketRouting');
    expect((await engine.allowedActions(model, state, routing.id, market, NOW)).actions).toEqual([
      'claim',
      'complete',
      'transfer',
      'urge',
    ]);
    expect((await engine.allowedActions(model, state, routing.id, officer, NOW)).actions).toEqual([
      'urge',
    ]);
    state = (await engine.claimTask(model, state, routing.id, market, NOW)).state;
    expect((await engine.allowedActions(model, state, routing.id, market, NOW)).actions).toEqual([
      'unclaim',
      'complete',
      'transfer',
      'delegate',
      'add-signer',
      'urge',
    ]);
  });

  it('offers send-back with the earlier steps, and withdraw on a completed task to its completer', async () => {
    let state = (await engine.start(model, START, NOW, actor('am-1'))).state;
    const routing = openTaskAt(state, 'Task_MarketRouting');
    state = await complete(state, 'Task_MarketRouting', market);
    const assignment = openTaskAt(state, 'Task_AssignPersonal');
    const forLeader = await engine.allowedActions(model, state, assignment.id, leader, NOW);
    expect(forLeader.actions).toContain('send-back');
    expect(forLeader.sendBackTargets).toEqual(['Task_MarketRouting']);
    expect((await engine.allowedActions(model, state, routing.id, market, NOW)).actions).toEqual([
      'withdraw',
    ]);
    expect((await engine.allowedActions(model, state, routing.id, leader, NOW)).actions).toEqual(
      [],
    );
  });

  it('keeps the investigating officer off the approval steps (审贷分离)', async () => {
    let state = await atInvestigation();
    state = await complete(state, 'Task_Investigation', officer, {
      opinion: 'recommend',
      recommendedAmount: '800000.00',
      recommendedRatePercent: '3.8500',
      recommendedTermMonths: 36,
    });
    const review = openTaskAt(state, 'Task_PreMeetingReview');
    const investigatorAsReviewer = actor('co-1', 'pre_meeting_reviewer');
    const { actions } = await engine.allowedActions(
      model,
      state,
      review.id,
      investigatorAsReviewer,
      NOW,
    );
    expect(actions).not.toContain('complete');
    expect(actions).not.toContain('claim');
  });
});
