import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';

/** The directory's active users (public fields), to name actors and pick signers. */
export function useDirectory() {
  const users = useQuery({
    queryKey: ['users', 'directory'],
    staleTime: 300_000,
    queryFn: async () => {
      const all = [];
      let pageToken: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await data(
          api.GET('/users', {
            params: { query: { pageSize: '100', ...(pageToken ? { pageToken } : {}) } },
          }),
        );
        all.push(...page.items);
        if (!page.nextPageToken) break;
        pageToken = page.nextPageToken;
      }
      return all;
    },
  });
  const byId = new Map((users.data ?? []).map((u) => [u.id, u]));
  const nameOf = (id: string | null | undefined) => {
    if (!id) return '—';
    const u = byId.get(id);
    return u ? `${u.displayName} (${u.username})` : id;
  };
  return { users, nameOf };
}
