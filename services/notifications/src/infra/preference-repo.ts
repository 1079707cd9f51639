import type { Queryable } from '@loanflow/platform';
import type { EmailDigest } from '../domain/policies';

export interface PreferenceRow {
  category: string;
  channel: string;
  enabled: boolean;
}

export async function preferencesOf(tx: Queryable, userId: string): Promise<PreferenceRow[]> {
  const { rows } = await tx.query<PreferenceRow>(
    'SELECT category, channel, enabled FROM preferences WHERE user_id = $1',
    [userId],
  );
  return rows;
}

/** Of `userIds`, who switched `category` off on `channel`. */
export async function optedOut(
  tx: Queryable,
  userIds: string[],
  category: string,
  channel: string,
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const { rows } = await tx.query<{ user_id: string }>(
    `SELECT user_id FROM preferences
      WHERE user_id = ANY($1::uuid[]) AND category = $2 AND channel = $3 AND NOT enabled`,
    [userIds, category, channel],
  );
  return new Set(rows.map((r) => r.user_id));
}

export async function replacePreferences(
  tx: Queryable,
  userId: string,
  prefs: PreferenceRow[],
  digest: EmailDigest,
): Promise<void> {
  await tx.query('DELETE FROM preferences WHERE user_id = $1', [userId]);
  if (prefs.length > 0)
    await tx.query(
      `INSERT INTO preferences (user_id, category, channel, enabled)
       SELECT $1, c, ch, e FROM unnest($2::text[], $3::text[], $4::boolean[]) AS p(c, ch, e)`,
      [
        userId,
        prefs.map((p) => p.category),
        prefs.map((p) => p.channel),
        prefs.map((p) => p.enabled),
      ],
    );
  await tx.query(
    `INSERT INTO user_settings (user_id, email_digest) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET email_digest = EXCLUDED.email_digest, updated_at = now()`,
    [userId, digest],
  );
}

export async function emailDigestOf(tx: Queryable, userId: string): Promise<EmailDigest> {
  const { rows } = await tx.query<{ email_digest: EmailDigest }>(
    'SELECT email_digest FROM user_settings WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.email_digest ?? 'auto';
}
