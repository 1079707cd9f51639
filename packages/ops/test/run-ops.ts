import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The built CLI (`npm run build` first): run as a child process, as the ops team runs it. */
export const OPS_MAIN = join(__dirname, '..', 'dist', 'main.js');

export interface OpsResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runOps(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<OpsResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [OPS_MAIN, ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
