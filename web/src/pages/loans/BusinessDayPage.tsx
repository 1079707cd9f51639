import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Grid,
  Modal,
  Progress,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, data } from '../../api/client';
import type { components } from '../../api/schema';
import { Money } from '../../components/Money';
import { ErrorState, PageState } from '../../components/PageState';
import { dateTimeText } from '../../format/date';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';
import { ScrollTable } from './ScrollTable';

type DayClose = components['schemas']['DayClose'];
type Simulation = components['schemas']['Simulation'];

const messages = register(
  defineMessages(
    {
      title: '营业日终',
      open: '当前营业日',
      lastClosed: '上一已关账日',
      calendar: '今日（{zone}）',
      ahead: '模拟运行中（营业日超前于日历）',
      close: '日终关账 {date}',
      confirmTitle: '确认关闭营业日 {date}？',
      confirmBody:
        '将对全部贷款计提利息、出账、转逾期、五级分类，并开启下一营业日。此操作不可撤销。',
      running: '日终处理中：计息、出账、逾期、分类……',
      done: '营业日 {date} 已关账，下一营业日 {next}',
      already: '营业日 {date} 此前已关账，下一营业日 {next}',
      loansAccrued: '计息贷款笔数',
      normal: '正常利息',
      penalty: '罚息',
      compound: '复利',
      closedBy: '操作人',
      closes: '本次关账记录',
      simulations: '模拟运行记录',
      through: '模拟至',
      reason: '原因',
      startedBy: '发起人',
      startedAt: '发起时间',
      datesClosed: '已关账日期',
      date: '营业日',
      status: '状态',
      'st.open': '营业中',
      'st.closing': '关账中',
      'st.closed': '已关账',
    },
    {
      title: 'Business day close',
      open: 'Open business date',
      lastClosed: 'Last closed date',
      calendar: 'Today ({zone})',
      ahead: 'Simulation running (business date ahead of the calendar)',
      close: 'Close {date}',
      confirmTitle: 'Close business date {date}?',
      confirmBody:
        'Every loan is accrued, billed, moved overdue and classified, and the next business date opens. This cannot be undone.',
      running: 'End of day running: accrual, billing, overdue, classification…',
      done: 'Business date {date} closed; the next is {next}',
      already: 'Business date {date} was closed before; the next is {next}',
      loansAccrued: 'Loans accrued',
      normal: 'Normal interest',
      penalty: 'Penalty interest',
      compound: 'Compound interest',
      closedBy: 'Closed by',
      closes: 'Closed in this session',
      simulations: 'Simulations',
      through: 'Through',
      reason: 'Reason',
      startedBy: 'Started by',
      startedAt: 'Started at',
      datesClosed: 'Dates closed',
      date: 'Business date',
      status: 'Status',
      'st.open': 'Open',
      'st.closing': 'Closing',
      'st.closed': 'Closed',
    },
  ),
);

/** 日终: the open business date, closing it, and what each close did. */
export default function BusinessDayPage() {
  const t = useT(messages);
  const { language } = useLanguage();
  const screens = Grid.useBreakpoint();
  const client = useQueryClient();
  const current = useQuery({
    queryKey: ['business-day'],
    queryFn: () => data(api.GET('/business-days/current')),
  });
  const [running, setRunning] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<unknown>();
  const [closes, setCloses] = useState<DayClose[]>([]);

  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    const timer = setInterval(() => setElapsed(Date.now() - started), 250);
    return () => clearInterval(timer);
  }, [running]);

  const closeDay = async (date: string) => {
    setRunning(true);
    setElapsed(0);
    setError(undefined);
    try {
      const out = await data(
        api.POST('/business-days/{date}:close', { params: { path: { date } }, body: {} }),
      );
      setCloses((c) => [out, ...c]);
      await client.invalidateQueries({ queryKey: ['business-day'] });
      void client.invalidateQueries({ queryKey: ['loans'] });
      void client.invalidateQueries({ queryKey: ['loan'] });
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };

  const b = current.data;
  const last = closes[0];
  return (
    <Card title={<h1 className="page-title">{t('title')}</h1>}>
      <PageState
        loading={current.isLoading}
        error={current.error}
        retry={() => void current.refetch()}
      >
        {b ? (
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Space size={32} wrap data-testid="business-date">
              <Statistic title={t('open')} value={b.openBusinessDate} />
              <Statistic title={t('lastClosed')} value={b.lastClosedDate || '—'} />
              <Statistic title={t('calendar', { zone: b.timeZone })} value={b.calendarDate} />
            </Space>
            {b.aheadOfCalendar ? <Alert type="warning" showIcon message={t('ahead')} /> : null}
            <Button
              type="primary"
              size="large"
              loading={running}
              data-testid="close-day"
              block={!screens.sm}
              onClick={() =>
                Modal.confirm({
                  title: t('confirmTitle', { date: b.openBusinessDate }),
                  content: t('confirmBody'),
                  okText: t('action.confirm'),
                  cancelText: t('action.cancel'),

                  onOk: () => void closeDay(b.openBusinessDate),
                })
              }
            >
              {t('close', { date: b.openBusinessDate })}
            </Button>
            {running ? (
              <div role="status" aria-live="polite">
                <Typography.Text>{t('running')}</Typography.Text>
                <Progress
                  percent={Math.min(95, Math.round(100 * (1 - Math.exp(-elapsed / 3000))))}
                  status="active"
                  aria-label={t('running')}
                />
              </div>
            ) : null}
            {error ? (
              <div role="alert" data-testid="close-error">
                <ErrorState error={error} />
              </div>
            ) : null}
            {last ? (
              <Alert
                type="success"
                showIcon
                data-testid="close-result"
                message={t(last.alreadyClosed ? 'already' : 'done', {
                  date: last.day.businessDate,
                  next: last.nextBusinessDate,
                })}
              />
            ) : null}
            {closes.length > 0 ? (
              <ScrollTable<DayClose>
                label={t('closes')}
                rowKey={(c) => c.day.businessDate}
                size="small"
                dataSource={closes}
                pagination={false}

                data-testid="close-totals"
                title={() => <strong>{t('closes')}</strong>}
                columns={[
                  { title: t('date'), render: (_, c) => c.day.businessDate },
                  {
                    title: t('status'),
                    render: (_, c) => (
                      <Tag color={c.day.status === 'closed' ? '#237804' : '#1456c8'}>
                        {t(`st.${c.day.status}` as 'st.open')}
                      </Tag>
                    ),
                  },
                  {
                    title: t('loansAccrued'),
                    align: 'right',
                    render: (_, c) => c.day.loansAccrued,
                  },
                  {
                    title: t('normal'),
                    align: 'right',
                    render: (_, c) => <Money value={c.day.normalInterest} />,
                  },
                  {
                    title: t('penalty'),
                    align: 'right',
                    render: (_, c) => <Money value={c.day.penaltyInterest} />,
                  },
                  {
                    title: t('compound'),
                    align: 'right',
                    render: (_, c) => <Money value={c.day.compoundInterest} />,
                  },
                ]}
              />
            ) : null}
            {b.simulations.length > 0 ? (
              <ScrollTable<Simulation>
                label={t('simulations')}
                rowKey="id"
                size="small"
                dataSource={b.simulations}
                pagination={false}

                title={() => <strong>{t('simulations')}</strong>}
                columns={[
                  { title: t('through'), dataIndex: 'throughDate' },
                  { title: t('reason'), dataIndex: 'reason' },
                  { title: t('startedAt'), render: (_, s) => dateTimeText(s.startedAt, language) },
                  {
                    title: t('datesClosed'),
                    render: (_, s) => s.datesClosed.join(', ') || '—',
                  },
                ]}
              />
            ) : null}
            {last ? (
              <Descriptions
                size="small"
                column={1}
                items={[{ label: t('closedBy'), children: last.day.closedBy || '—' }]}
              />
            ) : null}
          </Space>
        ) : null}
      </PageState>
    </Card>
  );
}
