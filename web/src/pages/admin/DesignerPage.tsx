import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function DesignerPage() {
  return <Result status="info" title="DesignerPage" />;
}
