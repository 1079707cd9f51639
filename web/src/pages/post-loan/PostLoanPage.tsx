import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function PostLoanPage() {
  return <Result status="info" title="PostLoanPage" />;
}
