/** The page of what a message is about: a task, an application, a contract or a loan. */
export function subjectPath(kind: string | null, id: string | null): string | undefined {
  if (!kind || !id) return undefined;
  switch (kind) {
    case 'task':
      return `/tasks/${encodeURIComponent(id)}`;
    case 'application':
      return `/applications/${encodeURIComponent(id)}`;
    case 'contract':
      return `/contracts/${encodeURIComponent(id)}`;
    case 'loan':
      return `/loans/${encodeURIComponent(id)}`;
    default:
      return undefined;
  }
}
