import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function NewApplicationPage() {
  return <Result status="info" title="NewApplicationPage" />;
}
