/** The calendar date in the bank's time zone (Asia/Shanghai, UTC+8 all year). */
export const todayInShanghai = (now: Date): string =>
  new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
