// Thumbnails and previews of scans, and page counts, made in the background after an upload: the
// uploader does not wait for them, and a crash leaves the row 'pending' for the next worker.
import type { Logger, Pool } from '@loanflow/platform';
import { imageInfo, preview, thumbnail } from '../domain/files/images';
import { countPdfPages } from '../domain/files/pdf-pages';
import type { ObjectStore } from '../infra/storage';

/** Larger files are not read back whole for a page count or a preview. */
const MAX_RENDER_BYTES = 64 * 1024 * 1024;

interface Rendered {
  renditions: 'done' | 'none' | 'failed';
  pages?: number;
  thumbnailKey?: string;
  previewKey?: string;
}

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
    for (;;) {
      const client = await this.pool.connect();
      let doc: { id: string; object_key: string; media_type: string; size: string } | undefined;
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{
          id: string;
          object_key: string;
          media_type: string;
          size: string;
        }>(
          `SELECT id, object_key, media_type, size FROM documents
            WHERE renditions = 'pending' AND status <> 'deleted'
            ORDER BY uploaded_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        doc = rows[0];
        if (!doc) {
          await client.query('COMMIT');
          return;
        }
        const result: Rendered = await this.render(doc).catch((err: unknown) => {
          this.log.warn({ err, documentId: doc!.id }, 'could not render a document');
          return { renditions: 'failed' };
        });
        await client.query(
          `UPDATE documents SET renditions = $2, pages = COALESCE($3, pages),
                  thumbnail_key = COALESCE($4, thumbnail_key), preview_key = COALESCE($5, preview_key)
            WHERE id = $1`,
          [
            doc.id,
            result.renditions,
            result.pages ?? null,
            result.thumbnailKey ?? null,
            result.previewKey ?? null,
          ],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
  }

  private async render(doc: {
    id: string;
    object_key: string;
    media_type: string;
    size: string;
  }): Promise<{
    renditions: 'done' | 'none' | 'failed';
    pages?: number;
    thumbnailKey?: string;
    previewKey?: string;
  }> {
    if (Number(doc.size) > MAX_RENDER_BYTES) return { renditions: 'none' };
    const bytes = await this.store.getBuffer(doc.object_key, MAX_RENDER_BYTES);
    if (doc.media_type === 'application/pdf') {
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
