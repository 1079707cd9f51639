import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function ContractPage() {
  return <Result status="info" title="ContractPage" />;
}
