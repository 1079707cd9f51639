import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function ProxiesPage() {
  return <Result status="info" title="ProxiesPage" />;
}
