/**
 * @kubernetes/client-node 2.0.2 fetches through undici 8, which declares Node >= 22.19 and touches
 * three things Node 20 lacks while it loads or sends: zlib's zstd decompressor (only bound at load;
 * the API server never answers in zstd, and undici offers zstd only where Node has it),
 * worker_threads.markAsUncloneable (a guard against structured-cloning its objects; nothing here
 * clones them) and Promise.withResolvers. Our engines say Node >= 20.19, so until the runtime is
 * Node 22 these are supplied when missing; on Node 22 this does nothing.
 */
export function supplyNode22Features(): void {
  // The module objects themselves (undici requires them), not the copies an ES import makes.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const zlib = require('node:zlib') as Record<string, unknown>;
  const workerThreads = require('node:worker_threads') as Record<string, unknown>;
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (typeof zlib.createZstdDecompress !== 'function') {
    zlib.createZstdDecompress = () => {
      throw new Error('zstd-encoded responses need Node >= 22.19');
    };
  }
  if (typeof workerThreads.markAsUncloneable !== 'function') {
    workerThreads.markAsUncloneable = () => undefined;
  }
  const P = Promise as unknown as { withResolvers?: unknown };
  if (typeof P.withResolvers !== 'function') {
    P.withResolvers = function withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    };
  }
}
