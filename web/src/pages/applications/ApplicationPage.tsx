import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function ApplicationPage() {
  return <Result status="info" title="ApplicationPage" />;
}
