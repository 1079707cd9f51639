// A token's branch is the path of parallel forks it went through (`fork-1.0`, `fork-2.1`, ...):
// a branch contains every branch that starts with it.

export function startsWith(branch: string[], prefix: string[]): boolean {
  return prefix.every((part, index) => branch[index] === part);
}

/** The innermost branch that contains all of `branches` (where a join continues). */
export function commonPrefix(branches: string[][]): string[] {
  const [first = [], ...rest] = branches;
  const prefix: string[] = [];
  for (const [index, part] of first.entries()) {
    if (rest.some((branch) => branch[index] !== part)) break;
    prefix.push(part);
  }
  return prefix;
}
