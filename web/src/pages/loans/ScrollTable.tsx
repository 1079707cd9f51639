import { Table, type TableProps } from 'antd';

/**
 * A table that scrolls sideways on a narrow screen inside a labelled region reachable by keyboard
 * (axe: scrollable-region-focusable), rather than antd's own unfocusable scroller.
 */
export function ScrollTable<T extends object>({
  label,
  ...props
}: TableProps<T> & { label: string }) {
  return (
    <div tabIndex={0} role="region" aria-label={label} style={{ overflowX: 'auto' }}>
      <Table<T> {...props} />
    </div>
  );
}
