import { Result } from 'antd';

/** Placeholder: this page is being built. */
export default function CalendarPage() {
  return <Result status="info" title="CalendarPage" />;
}
