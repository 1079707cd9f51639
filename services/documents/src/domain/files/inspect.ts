import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DETECTION_BYTES } from './detect';

/** Raised (as the stream error) when more than `limit` bytes pass through an {@link InspectingStream}. */
export class FileTooLargeError extends Error {
  readonly code = 'FILE_TOO_LARGE';

  constructor(readonly limit: number) {
    super(`file exceeds the maximum size of ${limit} bytes`);
    this.name = 'FileTooLargeError';
  }
}

export interface InspectingStreamOptions {
  /** Largest accepted file, in bytes (inclusive). */
  maxBytes: number;
  /** How many leading bytes to keep for type detection; defaults to {@link DETECTION_BYTES}. */
  headBytes?: number;
}

export interface InspectionResult {
  /** Lower-case hex SHA-256 of everything that passed through. */
  sha256: string;
  size: number;
  /** The first `headBytes` bytes (fewer if the file is shorter). */
  head: Buffer;
}

/**
 * Pass-through stream for uploads: bytes go through unchanged while the SHA-256, the size and the first
 * bytes are recorded. Memory use is constant (the hash state plus `headBytes`), whatever the file size.
 *
 * When the size limit would be exceeded the offending chunk is not pushed and the stream fails with
 * {@link FileTooLargeError}, so `pipeline(source, inspecting, sink)` rejects and the sink never sees more
 * than `maxBytes` bytes.
 */
export class InspectingStream extends Transform {
  private readonly maxBytes: number;
  private readonly hash: Hash = createHash('sha256');
  private readonly headBuffer: Buffer;
  private headLength = 0;
  private size = 0;
  private digest: string | undefined;

  constructor(options: InspectingStreamOptions) {
    super();
    const { maxBytes, headBytes = DETECTION_BYTES } = options;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    }
    if (!Number.isSafeInteger(headBytes) || headBytes < 0) {
      throw new RangeError(`headBytes must be a non-negative integer, got ${headBytes}`);
    }
    this.maxBytes = maxBytes;
    this.headBuffer = Buffer.alloc(headBytes);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.size + chunk.length > this.maxBytes) {
      callback(new FileTooLargeError(this.maxBytes));
      return;
    }
    this.size += chunk.length;
    this.hash.update(chunk);
    if (this.headLength < this.headBuffer.length) {
      // Copy rather than keep a slice, which would pin the whole chunk in memory.
      this.headLength += chunk.copy(this.headBuffer, this.headLength);
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    callback();
  }

  /** Available once the stream has finished (after 'finish'/'end', or once `pipeline` resolves). */
  result(): InspectionResult {
    if (this.digest === undefined) {
      throw new Error('InspectingStream.result() called before the stream finished');
    }
    return {
      sha256: this.digest,
      size: this.size,
      head: this.headBuffer.subarray(0, this.headLength),
    };
  }
}
