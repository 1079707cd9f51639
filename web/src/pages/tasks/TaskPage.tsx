import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function TaskPage() {
  return <Result status="info" title="TaskPage" />;
}
