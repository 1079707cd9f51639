// Deterministic CloudEvents ids: a record derived again (after a crash, or by a replay) carries
// the id it had the first time, so consumers deduplicate on ce_id.
import { createHash } from 'node:crypto';
import type { TopicSpec } from './catalogue';

/** Namespace of the report streams' name-based UUIDs (itself uuidv5(URL, "loanflow:reports")). */
export const REPORT_ID_NAMESPACE = 'bd6f3821-99cc-5916-9433-98aa2940095a';

/** RFC 9562 UUID version 5: SHA-1 of namespace + name, version and variant bits set. */
export function uuidv5(name: string, namespace = REPORT_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The ce_id of a record. A fact (a booked entry, a delivery, a loan's closed day) is the same
 * record whenever it is produced, so its id is its identity (`identity` = key, or date + key for
 * loans.daily). A state record (an application, a task, a loan's latest state) is identified by
 * the entity and the state itself: `valueJson` is PostgreSQL's jsonb text, which is canonical (keys
 * in one order), so the same state produced by its event, re-derived after a crash or replayed
 * later carries one id, and a changed state (its updatedAt moves) a new one.
 */
export function ceIdOf(
  topic: string,
  spec: Pick<TopicSpec, 'kind'>,
  identity: string,
  valueJson: string,
): string {
  if (spec.kind === 'fact') return uuidv5(`${topic}\n${identity}`);
  const content = createHash('sha1').update(valueJson, 'utf8').digest('hex');
  return uuidv5(`${topic}\n${identity}\n${content}`);
}
