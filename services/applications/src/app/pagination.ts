import { invalidArgument } from '@loanflow/platform';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(requested: number): number {
  if (!requested) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_PAGE_SIZE) {
    throw invalidArgument([
      { field: 'pageSize', reason: `must be between 1 and ${MAX_PAGE_SIZE}` },
    ]);
  }
  return requested;
}

/** Cursors are opaque to clients: base64url of the sort key of the last row returned. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(token: string, arity: number): string[] | undefined {
  if (!token) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string'))
      return key as string[];
  } catch {
    // reported below
  }
  throw invalidArgument([{ field: 'pageToken', reason: 'is not a token this service issued' }]);
}
