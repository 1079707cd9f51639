import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function BusinessDayPage() {
  return <Result status="info" title="BusinessDayPage" />;
}
