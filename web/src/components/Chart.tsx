import { useEffect, useRef } from 'react';

/**
 * An echarts chart: echarts loads (dynamic import) when the first chart mounts, never with the
 * first screen. `option` is an echarts option object; the chart follows its container's size.
 */
export function Chart({
  option,
  height = 280,
  label,
  testId,
}: {
  option: Record<string, unknown>;
  height?: number;
  label: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart:
      { setOption: (o: unknown) => void; resize: () => void; dispose: () => void } | undefined;
    let observer: ResizeObserver | undefined;
    void import('echarts').then((echarts) => {
      if (disposed || !ref.current) return;
      chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
      chart.setOption({ animation: false, ...option });
      observer = new ResizeObserver(() => chart?.resize());
      observer.observe(ref.current);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart?.dispose();
    };
  }, [option]);
  return (
    <div
      ref={ref}
      role="img"
      aria-label={label}
      className="chart"
      data-testid={testId}
      style={{ width: '100%', height }}
    />
  );
}
