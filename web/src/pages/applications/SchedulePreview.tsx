import { useQuery } from '@tanstack/react-query';
import { Alert, Grid, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, data } from '../../api/client';
import type { components } from '../../api/schema';
import { ApiError } from '../../api/problem';
import { Money } from '../../components/Money';
import { dateText } from '../../format/date';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';

type Installment = components['schemas']['ScheduleInstallment'];
type Method = components['schemas']['ScheduleRequest']['repaymentMethod'];

const messages = register(
  defineMessages(
    {
      title: '还款计划试算',
      period: '期次',
      dueDate: '还款日',
      principal: '本金',
      interest: '利息',
      total: '应还合计',
      balance: '剩余本金',
      totalInterest: '利息合计',
      totalPayment: '还款总额',
      incomplete: '填写金额、期限、还款方式后显示还款计划',
      failed: '无法试算：{reason}',
      assumes: '按今日放款、年利率 {rate}% 试算',
    },
    {
      title: 'Repayment schedule preview',
      period: 'No.',
      dueDate: 'Due',
      principal: 'Principal',
      interest: 'Interest',
      total: 'Total due',
      balance: 'Balance',
      totalInterest: 'Total interest',
      totalPayment: 'Total repaid',
      incomplete: 'Enter the amount, term and method to see the schedule',
      failed: 'No preview: {reason}',
      assumes: 'Assuming disbursement today at {rate}% a year',
    },
  ),
);

/** Today in the bank's time zone, as YYYY-MM-DD. */
export function bankToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** The value after it stopped changing for `ms`. */
function useSettled<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The repayment schedule (POST /schedules:preview) of the amount, term, method and rate being
 * entered, recomputed as they change.
 */
export function SchedulePreview(props: {
  amount?: string | number | null;
  termMonths?: number | null;
  repaymentMethod?: string | null;
  ratePercent?: string | null;
}) {
  const t = useT(messages);
  const { language } = useLanguage();
  const screens = Grid.useBreakpoint();
  const input = useSettled(
    JSON.stringify([
      props.amount ?? '',
      props.termMonths ?? 0,
      props.repaymentMethod ?? '',
      props.ratePercent ?? '',
    ]),
  );
  const [amount, termMonths, method, rate] = JSON.parse(input) as [string, number, string, string];
  const ready =
    !!amount && Number(amount) > 0 && termMonths > 0 && !!method && !!rate && Number(rate) > 0;
  const preview = useQuery({
    queryKey: ['schedule-preview', input],
    enabled: ready,
    retry: false,
    queryFn: () =>
      data(
        api.POST('/schedules:preview', {
          body: {
            principal: Number(amount).toFixed(2),
            annualRatePercent: rate,
            term: termMonths,
            termUnit: 'month',
            repaymentMethod: method as Method,
            disbursementDate: bankToday(),
          },
        }),
      ),
  });
  if (!ready) return <Typography.Text type="secondary">{t('incomplete')}</Typography.Text>;
  if (preview.error)
    return (
      <Alert
        type="warning"
        showIcon
        message={t('failed', {
          reason:
            preview.error instanceof ApiError
              ? preview.error.errors.map((e) => `${e.field}: ${e.message}`).join('; ') ||
                preview.error.detail ||
                preview.error.title
              : String(preview.error),
        })}
      />
    );
  const schedule = preview.data;
  return (
    <div className="schedule-preview">
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('assumes', { rate })}</Typography.Text>
        {schedule ? (
          <>
            <span>
              {t('totalInterest')}: <Money value={schedule.totalInterest} />
            </span>
            <span>
              {t('totalPayment')}: <Money value={schedule.totalPayment} />
            </span>
          </>
        ) : null}
      </Space>
      <Table<Installment>
        aria-label={t('title')}
        className="schedule-table"
        rowKey="period"
        size="small"
        loading={preview.isFetching}
        dataSource={schedule?.installments ?? []}
        pagination={
          (schedule?.installments.length ?? 0) > 12
            ? { pageSize: 12, showSizeChanger: false }
            : false
        }
        scroll={screens.md ? undefined : { x: 'max-content' }}
        columns={[
          { title: t('period'), dataIndex: 'period', width: 64 },
          {
            title: t('dueDate'),
            dataIndex: 'dueDate',
            render: (v: string) => dateText(v, language),
          },
          {
            title: t('principal'),
            dataIndex: 'principal',
            align: 'right',
            render: (v: string) => <Money value={v} />,
          },
          {
            title: t('interest'),
            dataIndex: 'interest',
            align: 'right',
            render: (v: string) => <Money value={v} />,
          },
          {
            title: t('total'),
            dataIndex: 'total',
            align: 'right',
            render: (v: string) => <Money value={v} />,
          },
          {
            title: t('balance'),
            dataIndex: 'balance',
            align: 'right',
            render: (v: string) => <Money value={v} />,
          },
        ]}
      />
    </div>
  );
}
