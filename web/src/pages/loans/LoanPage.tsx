import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function LoanPage() {
  return <Result status="info" title="LoanPage" />;
}
