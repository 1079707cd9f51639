import { Skeleton, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';

/**
 * The pages of a PDF drawn on canvases by pdfjs-dist, which loads only when a PDF is first shown
 * (its worker from the origin: the CSP allows no eval and no inline worker).
 */
export function PdfPages({
  source,
  maxPages,
  width = 760,
  label,
  className,
}: {
  /** The PDF's bytes (fetched with the token). */
  source: Blob | undefined;
  /** Draw only the first pages (a thumbnail draws one). */
  maxPages?: number;
  /** CSS pixels wide each page is drawn. */
  width?: number;
  /** The accessible name of each page, "{label} 1" … */
  label: string;
  className?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'done' | 'error'>('loading');
  const [pages, setPages] = useState(0);

  useEffect(() => {
    const host = container.current;
    if (!source || !host) return;
    let cancelled = false;
    let destroy: (() => void) | undefined;
    setState('loading');
    (async () => {
      const pdfjs = await import('pdfjs-dist');
      const worker = (await import('pdfjs-dist/build/pdf.worker.min.mjs?url')).default;
      pdfjs.GlobalWorkerOptions.workerSrc = worker;
      const task = pdfjs.getDocument({
        data: new Uint8Array(await source.arrayBuffer()),
        isEvalSupported: false,
      });
      destroy = () => void task.destroy();
      const doc = await task.promise;
      if (cancelled) return;
      setPages(doc.numPages);
      host.replaceChildren();
      const count = Math.min(doc.numPages, maxPages ?? doc.numPages);
      const ratio = window.devicePixelRatio || 1;
      for (let n = 1; n <= count; n++) {
        const page = await doc.getPage(n);
        if (cancelled) return;
        const base = page.getViewport({ scale: 1 });
        const viewport = page.getViewport({ scale: (width / base.width) * ratio });
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = '100%';
        canvas.style.maxWidth = `${width}px`;
        canvas.className = 'pdf-page';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${label} ${n}`);
        host.appendChild(canvas);
        await page.render({ canvas, viewport }).promise;
      }
      if (!cancelled) setState('done');
    })().catch(() => {
      if (!cancelled) setState('error');
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [source, maxPages, width, label]);

  return (
    <div className={className}>
      {state === 'loading' ? <Skeleton.Image active /> : null}
      {state === 'error' ? <Typography.Text type="danger">PDF ✕</Typography.Text> : null}
      <div ref={container} className="pdf-pages" data-pages={pages} />
    </div>
  );
}
