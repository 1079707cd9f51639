import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function UsersPage() {
  return <Result status="info" title="UsersPage" />;
}
