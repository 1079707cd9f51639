import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function LoansPage() {
  return <Result status="info" title="LoansPage" />;
}
