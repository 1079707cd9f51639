import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function ApplicationsPage() {
  return <Result status="info" title="ApplicationsPage" />;
}
