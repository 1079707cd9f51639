import { createServer } from 'node:net';
import { reservablePort } from '@loanflow/launcher';

describe('reservablePort', () => {
  it('gives a free port below the ephemeral range, and another when that one is taken', async () => {
    const port = await reservablePort(() => 0.5);
    expect(port).toBeGreaterThanOrEqual(20000);
    expect(port).toBeLessThan(32768);
    // Taken by a listener: the same draw is refused and the next one is used.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const draws = [0.5, 0.25];
      const next = await reservablePort(() => draws.shift() ?? 0.75);
      expect(next).not.toBe(port);
      expect(next).toBe(20000 + Math.floor(0.25 * (32767 - 20000)));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
