/**
 * A wake-up call that is not lost: a signal given while nobody waits makes the next wait return
 * at once. A wait also ends after its timeout, the poll that stands in for a lost notification.
 */
export class Wakeup {
  private pending = false;
  private waiter: (() => void) | undefined;

  signal(): void {
    this.pending = true;
    this.waiter?.();
  }

  /** Forgets signals given so far (after a failure, to wait a whole poll before retrying). */
  clear(): void {
    this.pending = false;
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }
}
