import { Alert, Button, Skeleton, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { fetchBlob } from '../api/client';
import { defineMessages, register } from '../i18n/catalogue';
import { useT } from '../i18n/language';
import './ProcessDiagram.css';

const messages = register(
  defineMessages(
    {
      'diagram.label': '审批流程图',
      'diagram.done': '已完成',
      'diagram.current': '当前步骤',
      'diagram.fit': '适应窗口',
      'diagram.zoomIn': '放大',
      'diagram.zoomOut': '缩小',
      'diagram.failed': '流程图无法显示',
    },
    {
      'diagram.label': 'Approval process diagram',
      'diagram.done': 'Done',
      'diagram.current': 'Current step',
      'diagram.fit': 'Fit',
      'diagram.zoomIn': 'Zoom in',
      'diagram.zoomOut': 'Zoom out',
      'diagram.failed': 'The diagram cannot be shown',
    },
  ),
);

interface Canvas {
  zoom(level?: number | 'fit-viewport', center?: 'auto'): number;
  addMarker(element: string, marker: string): void;
}
interface Registry {
  get(id: string): { businessObject?: { name?: string } } | undefined;
  getAll(): { id: string; type: string; source?: { id: string }; target?: { id: string } }[];
}

/**
 * The BPMN diagram of a deployed process (bpmn-js NavigatedViewer, loaded only when shown): the
 * path taken in green (completed elements and the flows between them) and the current steps
 * highlighted. Pan by dragging, zoom with the buttons or the wheel.
 */
export function ProcessDiagram({
  definitionId,
  activeElementIds = [],
  completedElementIds = [],
  height = 420,
  onActiveNames,
}: {
  definitionId: string;
  activeElementIds?: readonly string[];
  completedElementIds?: readonly string[];
  height?: number;
  /** The names the diagram gives the current steps, once it is drawn (for a caption). */
  onActiveNames?: (names: string[]) => void;
}) {
  const t = useT(messages);
  const container = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<Canvas | undefined>(undefined);
  const [state, setState] = useState<'loading' | 'done' | 'error'>('loading');
  const active = activeElementIds.join(',');
  const onActiveNamesRef = useRef(onActiveNames);
  onActiveNamesRef.current = onActiveNames;
  const done = completedElementIds.join(',');

  useEffect(() => {
    const host = container.current;
    if (!host) return;
    let cancelled = false;
    let destroy: (() => void) | undefined;
    setState('loading');
    (async () => {
      const [xml, { default: Viewer }] = await Promise.all([
        fetchBlob(`/process-definitions/${encodeURIComponent(definitionId)}?format=xml`).then((b) =>
          b.text(),
        ),
        import('bpmn-js/lib/NavigatedViewer'),
        import('bpmn-js/dist/assets/diagram-js.css'),
        import('bpmn-js/dist/assets/bpmn-js.css'),
      ]);
      if (cancelled) return;
      const viewer = new Viewer({ container: host });
      destroy = () => viewer.destroy();
      await viewer.importXML(xml);
      if (cancelled) return;
      const canvas = viewer.get<Canvas>('canvas');
      const registry = viewer.get<Registry>('elementRegistry');
      const doneIds = new Set(done ? done.split(',') : []);
      const activeIds = new Set(active ? active.split(',') : []);
      for (const el of registry.getAll()) {
        if (doneIds.has(el.id)) canvas.addMarker(el.id, 'lf-done');
        if (activeIds.has(el.id)) canvas.addMarker(el.id, 'lf-current');
        // A flow is on the path taken when both its ends are.
        if (
          el.type === 'bpmn:SequenceFlow' &&
          el.source &&
          el.target &&
          doneIds.has(el.source.id) &&
          (doneIds.has(el.target.id) || activeIds.has(el.target.id))
        )
          canvas.addMarker(el.id, 'lf-done');
      }
      canvas.zoom('fit-viewport', 'auto');
      onActiveNamesRef.current?.(
        [...activeIds].map((id) => registry.get(id)?.businessObject?.name || id),
      );
      canvasRef.current = canvas;
      setState('done');
    })().catch(() => {
      if (!cancelled) setState('error');
    });
    return () => {
      cancelled = true;
      canvasRef.current = undefined;
      destroy?.();
    };
  }, [definitionId, active, done]);

  const zoom = (factor: number) => {
    const c = canvasRef.current;
    if (c) c.zoom(c.zoom() * factor);
  };

  return (
    <div>
      {state === 'error' ? <Alert type="error" showIcon message={t('diagram.failed')} /> : null}
      {state === 'loading' ? <Skeleton active /> : null}
      <div
        ref={container}
        className="process-diagram"
        role="figure"
        aria-label={t('diagram.label')}
        data-state={state}
        data-active={active}
        style={{ height }}
      />
      <div className="process-diagram-legend">
        <span>
          <span className="swatch done" aria-hidden />
          {t('diagram.done')}
        </span>
        <span>
          <span className="swatch current" aria-hidden />
          {t('diagram.current')}
        </span>
        <Space size={4} style={{ marginLeft: 'auto' }}>
          <Button size="small" onClick={() => zoom(1.25)}>
            {t('diagram.zoomIn')}
          </Button>
          <Button size="small" onClick={() => zoom(0.8)}>
            {t('diagram.zoomOut')}
          </Button>
          <Button size="small" onClick={() => canvasRef.current?.zoom('fit-viewport', 'auto')}>
            {t('diagram.fit')}
          </Button>
        </Space>
      </div>
    </div>
  );
}

export default ProcessDiagram;
