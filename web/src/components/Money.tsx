import { Typography } from 'antd';
import { money, moneyInWords } from '../format/money';

/** An amount as money (¥, thousands, 2 decimals), right-aligned digits; with 大写 when asked. */
export function Money({ value, inWords }: { value: string | null | undefined; inWords?: boolean }) {
  const text = money(value);
  return (
    <span className="money">
      {text}
      {inWords && value ? (
        <Typography.Text type="secondary" className="money-words">
          {' '}
          ({safeWords(value)})
        </Typography.Text>
      ) : null}
    </span>
  );
}

function safeWords(value: string): string {
  try {
    return moneyInWords(value);
  } catch {
    return value;
  }
}
