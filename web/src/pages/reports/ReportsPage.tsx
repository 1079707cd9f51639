import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function ReportsPage() {
  return <Result status="info" title="ReportsPage" />;
}
