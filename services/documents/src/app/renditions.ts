// Thumbnails and previews of scans, and page counts, made in the background after an upload: the
// uploader does not wait for them, and a crash leaves the row 'pending' for the next worker.
import type { Logger, Pool } from '@loanflow/platform';
import { imageInfo, preview, thumbnail } from '../domain/files/images';
import { countPdfPages } from '../domain/files/pdf-pages';
import {
  renderNextPending,
  type PendingRendition,
  type RenditionResult,
} from '../infra/document-repo';
import type { ObjectStore } from '../infra/storage';

/** Larger files are not read back whole for a page count or a preview. */
const MAX_RENDER_BYTES = 64 * 1024 * 1024;

export class RenditionWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly store: ObjectStore,
    private readonly log: Logger,
    private readonly pollMs = 5000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Runs a pass now (or right after the one in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.log.error({ err }, 'rendition pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits for the pass in progress (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  private async drain(): Promise<void> {
    const render = (doc: PendingRendition): Promise<RenditionResult> =>
      this.render(doc).catch((err: unknown) => {
        this.log.warn({ err, documentId: doc.id }, 'could not render a document');
        return { renditions: 'failed' };
      });
    for (;;) if (!(await renderNextPending(this.pool, render))) return;
  }

  private async render(doc: PendingRendition): Promise<RenditionResult> {
    if (doc.size > MAX_RENDER_BYTES) return { renditions: 'none' };
    const bytes = await this.store.getBuffer(doc.objectKey, MAX_RENDER_BYTES);
    if (doc.mediaType === 'application/pdf') {
      const pages = countPdfPages(bytes);
      return { renditions: 'none', pages: pages ?? 0 };
    }
    const info = await imageInfo(bytes);
    const thumbnailKey = `renditions/${doc.id}/thumbnail.jpg`;
    const previewKey = `renditions/${doc.id}/preview.jpg`;
    await this.store.put(thumbnailKey, await thumbnail(bytes), 'image/jpeg');
    await this.store.put(previewKey, await preview(bytes), 'image/jpeg');
    return { renditions: 'done', pages: info.pages, thumbnailKey, previewKey };
  }
}
