import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function TasksPage() {
  return <Result status="info" title="TasksPage" />;
}
