import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Grid,
  Input,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, data, fetchBlob, idempotencyKey, saveBlob } from '../../api/client';
import type { components } from '../../api/schema';
import { useUser, hasRole } from '../../auth/useSession';
import { Money } from '../../components/Money';
import { ErrorState, PageState } from '../../components/PageState';
import { showFieldErrors } from '../../components/forms';
import { percent } from '../../format/money';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';
import { dateTimeText } from '../../format/date';
import { ROLE_GROUPS } from '../../nav';
import { loanWords, TIER_COLORS } from './words';
import { ScrollTable } from './ScrollTable';
import { useProductName } from '../../components/products';

type Loan = components['schemas']['Loan'];
type Installment = components['schemas']['LoanInstallment'];
type Repayment = components['schemas']['Repayment'];
type Statement = components['schemas']['Statement'];
type StatementLine = Statement['lines'][number];

const messages = register(
  defineMessages(
    {
      title: '贷款 {number}',
      back: '返回列表',
      overview: '账户概况',
      schedule: '还款计划',
      segments: '分段利息',
      repayments: '还款记录',
      loanNumber: '借据号',
      contract: '合同号',
      branch: '机构',
      product: '产品',
      status: '状态',
      tier: '五级分类',
      dpd: '逾期天数',
      approved: '批准金额',
      disbursed: '已放款金额',
      rate: '年利率',
      penaltyRate: '罚息利率',
      method: '还款方式',
      openedOn: '放款日',
      maturity: '到期日',
      nextDue: '下次还款日',
      accruedThrough: '计息至',
      balances: '余额',
      principal: '未到期本金',
      duePrincipal: '应还本金',
      dueInterest: '应还利息',
      overduePrincipal: '逾期本金',
      overdueInterest: '逾期利息',
      accruedInterest: '应计利息',
      penaltyInterest: '罚息',
      compoundInterest: '复利',
      creditBalance: '溢缴款',
      payoffAmount: '结清金额',
      period: '期次',
      dueDate: '到期日',
      instPrincipal: '本金',
      instInterest: '利息',
      total: '合计',
      paid: '已还',
      balance: '剩余本金',
      paidOn: '还清日',
      range: '期间',
      kind: '类型',
      start: '起',
      end: '止',
      days: '天数',
      base: '计息基数',
      interest: '利息',
      'kind.normal': '正常利息',
      'kind.penalty': '罚息',
      'kind.compound': '复利',
      pdf: '下载 PDF',
      csv: '下载 CSV',
      notAccrued: '尚未计息：营业日终后方有利息清单',
      repay: '还款',
      postRepayment: '登记还款',
      amount: '金额',
      repayKind: '还款类型',
      'repayKind.regular': '正常还款',
      'repayKind.prepayment': '提前还款',
      'repayKind.payoff': '提前结清',
      prepaymentOption: '提前还款后',
      'prepay.shorten_term': '缩短期限',
      'prepay.lower_installment': '减少月供',
      reference: '业务参考号',
      posted: '已入账：{amount}',
      noRepayments: '尚无还款记录',
      more: '加载更多',
      postedAt: '入账时间',
      valueDate: '入账日',
      allocation: '冲销',
      amountFormat: '请输入金额，最多两位小数',
      repaymentStatus: '状态',
      'rs.posted': '已入账',
      'rs.reversed': '已冲正',
    },
    {
      title: 'Loan {number}',
      back: 'Back to the list',
      overview: 'Overview',
      schedule: 'Schedule',
      segments: 'Interest segments',
      repayments: 'Repayments',
      loanNumber: 'Loan number',
      contract: 'Contract',
      branch: 'Branch',
      product: 'Product',
      status: 'Status',
      tier: 'Tier',
      dpd: 'Days past due',
      approved: 'Approved',
      disbursed: 'Disbursed',
      rate: 'Annual rate',
      penaltyRate: 'Penalty rate',
      method: 'Repayment method',
      openedOn: 'Opened on',
      maturity: 'Maturity',
      nextDue: 'Next due',
      accruedThrough: 'Accrued through',
      balances: 'Balances',
      principal: 'Principal not billed',
      duePrincipal: 'Due principal',
      dueInterest: 'Due interest',
      overduePrincipal: 'Overdue principal',
      overdueInterest: 'Overdue interest',
      accruedInterest: 'Accrued interest',
      penaltyInterest: 'Penalty interest',
      compoundInterest: 'Compound interest',
      creditBalance: 'Credit balance',
      payoffAmount: 'Payoff amount',
      period: 'Period',
      dueDate: 'Due date',
      instPrincipal: 'Principal',
      instInterest: 'Interest',
      total: 'Total',
      paid: 'Paid',
      balance: 'Principal after',
      paidOn: 'Paid on',
      range: 'Period',
      kind: 'Kind',
      start: 'From',
      end: 'To',
      days: 'Days',
      base: 'Base',
      interest: 'Interest',
      'kind.normal': 'Normal interest',
      'kind.penalty': 'Penalty interest',
      'kind.compound': 'Compound interest',
      pdf: 'Download PDF',
      csv: 'Download CSV',
      notAccrued: 'Nothing accrued yet: the statement exists after a day close',
      repay: 'Repay',
      postRepayment: 'Post a repayment',
      amount: 'Amount',
      repayKind: 'Kind',
      'repayKind.regular': 'Regular',
      'repayKind.prepayment': 'Prepayment',
      'repayKind.payoff': 'Payoff',
      prepaymentOption: 'After the prepayment',
      'prepay.shorten_term': 'Shorten the term',
      'prepay.lower_installment': 'Lower the installment',
      reference: 'Reference',
      posted: 'Posted: {amount}',
      noRepayments: 'No repayments yet',
      more: 'Load more',
      postedAt: 'Posted at',
      valueDate: 'Value date',
      allocation: 'Allocation',
      amountFormat: 'Enter an amount with at most 2 decimals',
      repaymentStatus: 'Status',
      'rs.posted': 'Posted',
      'rs.reversed': 'Reversed',
    },
  ),
);

type T = ReturnType<typeof useT<keyof typeof messages.zh>>;

/** One loan account: terms, balances, tier, schedule, interest segments, repayments. */
export default function LoanPage() {
  const { id = '' } = useParams();
  const t = useT(messages);
  const productName = useProductName();
  const w = useT(loanWords);
  const user = useUser();
  const screens = Grid.useBreakpoint();
  const loan = useQuery({
    queryKey: ['loan', id],
    queryFn: () => data(api.GET('/loans/{loanId}', { params: { path: { loanId: id } } })),
  });
  const client = useQueryClient();
  const mayRepay = hasRole(user, ROLE_GROUPS.cashiers);
  const l = loan.data;

  return (
    <PageState loading={loan.isLoading} error={loan.error} retry={() => void loan.refetch()}>
      {l ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Card
            title={<h1 className="page-title">{t('title', { number: l.loanNumber })}</h1>}
            extra={<Link to="/loans">{t('back')}</Link>}
          >
            <Descriptions
              size="small"
              column={screens.lg ? 3 : screens.sm ? 2 : 1}
              data-testid="loan-overview"
              items={[
                { label: t('loanNumber'), children: l.loanNumber },
                { label: t('contract'), children: l.contractNumber || '—' },
                { label: t('branch'), children: l.branchId },
                { label: t('product'), children: productName(l.productCode) },
                {
                  label: t('status'),
                  children: w(`loanStatus.${l.status}` as 'loanStatus.active'),
                },
                {
                  label: t('tier'),
                  children: (
                    <Tag color={TIER_COLORS[l.classification]} data-testid="loan-tier">
                      {w(`tier.${l.classification}` as 'tier.normal')}
                    </Tag>
                  ),
                },
                {
                  label: t('dpd'),
                  children: (
                    <span data-testid="loan-dpd">
                      {l.daysPastDue > 0 ? (
                        <Typography.Text type="danger">{l.daysPastDue}</Typography.Text>
                      ) : (
                        0
                      )}
                    </span>
                  ),
                },
                { label: t('approved'), children: <Money value={l.approvedAmount} /> },
                { label: t('disbursed'), children: <Money value={l.disbursedAmount} /> },
                {
                  label: t('rate'),
                  children: `${percent(l.annualRatePercent)}${
                    l.rateType === 'floating' ? ` (LPR ${l.lprTerm} + ${l.spreadBp}bp)` : ''
                  }`,
                },
                { label: t('penaltyRate'), children: percent(l.penaltyRatePercent) },
                {
                  label: t('method'),
                  children: l.repaymentMethod
                    ? t(`method.${l.repaymentMethod}` as 'method.bullet')
                    : '—',
                },
                { label: t('openedOn'), children: l.openedOn },
                { label: t('maturity'), children: l.maturityDate },
                { label: t('nextDue'), children: l.nextDueDate || '—' },
                { label: t('accruedThrough'), children: l.accruedThrough || '—' },
              ]}
            />
          </Card>
          <Card
            title={
              <h2 className="section-title" style={{ fontSize: 16, margin: 0 }}>
                {t('balances')}
              </h2>
            }
          >
            <Descriptions
              size="small"
              column={screens.lg ? 4 : screens.sm ? 2 : 1}
              data-testid="loan-balances"
              items={(
                [
                  'principal',
                  'duePrincipal',
                  'dueInterest',
                  'overduePrincipal',
                  'overdueInterest',
                  'accruedInterest',
                  'penaltyInterest',
                  'compoundInterest',
                  'creditBalance',
                  'payoffAmount',
                ] as const
              ).map((k) => ({ label: t(k), children: <Money value={l.balances[k]} /> }))}
            />
          </Card>
          {mayRepay && l.status === 'active' ? (
            <RepaymentForm
              loan={l}
              t={t}
              onPosted={() => void client.invalidateQueries({ queryKey: ['repayments', id] })}
            />
          ) : null}
          <Card>
            <Tabs
              items={[
                {
                  key: 'schedule',
                  label: t('schedule'),
                  children: <ScheduleTable items={l.installments} t={t} w={w} />,
                },
                { key: 'segments', label: t('segments'), children: <Segments loan={l} t={t} /> },
                {
                  key: 'repayments',
                  label: t('repayments'),
                  children: <Repayments loanId={l.id} t={t} />,
                },
              ]}
            />
          </Card>
        </Space>
      ) : null}
    </PageState>
  );
}

function ScheduleTable({
  items,
  t,
  w,
}: {
  items: Installment[];
  t: T;
  w: ReturnType<typeof useT<keyof typeof loanWords.zh>>;
}) {
  const color = {
    scheduled: '#595959',
    due: '#1456c8',
    overdue: '#a8071a',
    paid: '#237804',
  } as const;
  return (
    <ScrollTable<Installment>
      label={t('schedule')}
      rowKey="period"
      size="small"
      dataSource={items}
      pagination={false}

      data-testid="loan-schedule"
      columns={[
        { title: t('period'), dataIndex: 'period' },
        { title: t('dueDate'), dataIndex: 'dueDate' },
        {
          title: t('instPrincipal'),
          dataIndex: 'principal',
          align: 'right',
          render: (v: string) => <Money value={v} />,
        },
        {
          title: t('instInterest'),
          key: 'interest',
          align: 'right',
          render: (_: unknown, i) => <Money value={i.billedInterest || i.scheduledInterest} />,
        },
        {
          title: t('total'),
          dataIndex: 'total',
          align: 'right',
          render: (v: string) => <Money value={v} />,
        },
        {
          title: t('paid'),
          key: 'paid',
          align: 'right',
          render: (_: unknown, i) => (
            <Space direction="vertical" size={0}>
              <Money value={i.principalPaid} />
              <Money value={i.interestPaid} />
            </Space>
          ),
        },
        {
          title: t('balance'),
          dataIndex: 'balance',
          align: 'right',
          render: (v: string) => <Money value={v} />,
        },
        {
          title: t('status'),
          dataIndex: 'status',
          render: (s: Installment['status']) => (
            <Tag color={color[s]}>{w(`inst.${s}` as 'inst.paid')}</Tag>
          ),
        },
        { title: t('paidOn'), dataIndex: 'paidOn', render: (d: string) => d || '—' },
      ]}
    />
  );
}

/** 分段利息清单: the segments for a range, and the statement as PDF or CSV. */
function Segments({ loan, t }: { loan: Loan; t: T }) {
  const { message } = App.useApp();
  const last = loan.accruedThrough;
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(
    last ? [dayjs(loan.openedOn), dayjs(last)] : null,
  );
  const from = range?.[0].format('YYYY-MM-DD');
  const to = range?.[1].format('YYYY-MM-DD');
  const statement = useQuery({
    queryKey: ['statement', loan.id, from, to],
    enabled: !!from && !!to,
    queryFn: async () =>
      (await data(
        api.GET('/loans/{loanId}/statement', {
          params: { path: { loanId: loan.id }, query: { from: from!, to: to!, format: 'json' } },
        }),
      )) as Statement,
  });
  const [downloading, setDownloading] = useState<string>();
  const download = async (format: 'pdf' | 'csv') => {
    if (!from || !to) return;
    setDownloading(format);
    try {
      const blob = await fetchBlob(
        `/loans/${loan.id}/statement?from=${from}&to=${to}&format=${format}`,
        { headers: { Accept: format === 'pdf' ? 'application/pdf' : 'text/csv' } },
      );
      saveBlob(blob, `${loan.loanNumber}-${from}-${to}.${format}`);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setDownloading(undefined);
    }
  };
  if (!last) return <Alert type="info" showIcon message={t('notAccrued')} />;
  const lines = statement.data?.lines ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <DatePicker.RangePicker
          aria-label={t('range')}
          value={range}
          allowClear={false}
          disabledDate={(d) => d.isAfter(dayjs(last)) || d.isBefore(dayjs(loan.openedOn))}
          onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
        />
        <Button
          size="large"
          onClick={() => void download('pdf')}
          loading={downloading === 'pdf'}
          data-testid="statement-pdf"
        >
          {t('pdf')}
        </Button>
        <Button
          size="large"
          onClick={() => void download('csv')}
          loading={downloading === 'csv'}
          data-testid="statement-csv"
        >
          {t('csv')}
        </Button>
      </Space>
      <PageState
        loading={statement.isLoading}
        error={statement.error}
        empty={lines.length === 0}
        retry={() => void statement.refetch()}
      >
        <ScrollTable<StatementLine>
          label={t('segments')}
          rowKey={(r) => `${r.kind}-${r.start}`}
          size="small"
          dataSource={lines}
          pagination={false}

          data-testid="loan-segments"
          columns={[
            {
              title: t('kind'),
              dataIndex: 'kind',
              render: (k: string) => t(`kind.${k}` as 'kind.normal'),
            },
            { title: t('start'), dataIndex: 'start' },
            { title: t('end'), dataIndex: 'end' },
            { title: t('days'), dataIndex: 'days', align: 'right' },
            {
              title: t('base'),
              dataIndex: 'base',
              align: 'right',
              render: (v: string) => <Money value={v} />,
            },
            {
              title: t('rate'),
              dataIndex: 'annualRatePercent',
              render: (v: string) => percent(v),
            },
            {
              title: t('interest'),
              dataIndex: 'interest',
              align: 'right',
              render: (v: string) => <Money value={v} />,
            },
          ]}
          summary={() =>
            statement.data?.totals ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={6}>
                  {t('total')}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6} align="right">
                  <Money value={statement.data.totals.total} />
                </Table.Summary.Cell>
              </Table.Summary.Row>
            ) : null
          }
        />
      </PageState>
    </Space>
  );
}

/** 还款记录: the loan's repayments from the server, newest first, a page at a time. */
function Repayments({ loanId, t }: { loanId: string; t: T }) {
  const list = useInfiniteQuery({
    queryKey: ['repayments', loanId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/loans/{loanId}/repayments', {
          params: {
            path: { loanId },
            query: { pageSize: '20', ...(pageParam ? { pageToken: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <PageState loading={list.isLoading} error={list.error} retry={() => void list.refetch()}>
      {items.length === 0 ? (
        <Alert type="info" showIcon message={t('noRepayments')} />
      ) : (
        <RepaymentTable items={items} t={t} />
      )}
      {list.hasNextPage ? (
        <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('more')}
        </Button>
      ) : null}
    </PageState>
  );
}

function RepaymentTable({ items, t }: { items: Repayment[]; t: T }) {
  const { language } = useLanguage();
  return (
    <ScrollTable<Repayment>
      label={t('repayments')}
      rowKey="id"
      size="small"
      dataSource={items}
      pagination={false}

      data-testid="loan-repayments"
      columns={[
        { title: t('valueDate'), dataIndex: 'valueDate' },
        {
          title: t('postedAt'),
          dataIndex: 'postedAt',
          render: (v: string) => dateTimeText(v || null, language),
        },
        {
          title: t('amount'),
          dataIndex: 'amount',
          align: 'right',
          render: (v: string) => <Money value={v} />,
        },
        {
          title: t('repayKind'),
          dataIndex: 'kind',
          render: (k: string) => t(`repayKind.${k}` as 'repayKind.regular'),
        },
        {
          title: t('allocation'),
          key: 'alloc',
          render: (_: unknown, r) => (
            <Space direction="vertical" size={0}>
              {(
                [
                  ['overduePrincipal', 'overduePrincipal'],
                  ['overdueInterest', 'overdueInterest'],
                  ['duePrincipal', 'duePrincipal'],
                  ['dueInterest', 'dueInterest'],
                  ['principal', 'principal'],
                  ['accruedInterest', 'accruedInterest'],
                  ['penalty', 'penaltyInterest'],
                  ['compound', 'compoundInterest'],
                  ['credit', 'creditBalance'],
                ] as const
              )
                .filter(([k]) => r.allocation[k] && !/^-?0*(\.0*)?$/.test(r.allocation[k]))
                .map(([k, label]) => (
                  <span key={k}>
                    {t(label)}: <Money value={r.allocation[k]} />
                  </span>
                ))}
            </Space>
          ),
        },
        { title: t('reference'), dataIndex: 'reference', render: (v: string) => v || '—' },
        {
          title: t('repaymentStatus'),
          dataIndex: 'status',
          render: (s: string) => t(`rs.${s}` as 'rs.posted'),
        },
      ]}
    />
  );
}

interface RepaymentValues {
  amount: string;
  kind: 'regular' | 'prepayment' | 'payoff';
  prepaymentOption?: 'shorten_term' | 'lower_installment';
  reference?: string;
}

/** 还款: for the cashiers; the API's field errors beside the fields, one key per distinct body. */
function RepaymentForm({
  loan,
  t,
  onPosted,
}: {
  loan: Loan;
  t: T;
  onPosted: (r: Repayment) => void;
}) {
  const [form] = Form.useForm<RepaymentValues>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const kind = Form.useWatch('kind', form);
  const [problem, setProblem] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ body: string; key: string } | null>(null);

  const submit = async (v: RepaymentValues) => {
    const body = {
      amount: v.amount.trim(),
      kind: v.kind,
      ...(v.kind === 'prepayment' && v.prepaymentOption
        ? { prepaymentOption: v.prepaymentOption }
        : {}),
      ...(v.reference ? { reference: v.reference } : {}),
    };
    const json = JSON.stringify(body);
    if (attempt.current?.body !== json) attempt.current = { body: json, key: idempotencyKey() };
    setBusy(true);
    setProblem([]);
    setError(undefined);
    try {
      const out = await data(
        api.POST('/loans/{loanId}/repayments', {
          params: {
            path: { loanId: loan.id },
            header: { 'Idempotency-Key': attempt.current.key },
          },
          body,
        }),
      );
      attempt.current = null;
      onPosted(out.repayment);
      client.setQueryData(['loan', loan.id], out.loan);
      void client.invalidateQueries({ queryKey: ['loans'] });
      void client.invalidateQueries({ queryKey: ['statement', loan.id] });
      form.resetFields();
      void message.success(t('posted', { amount: out.repayment.amount }));
    } catch (e) {
      const rest = showFieldErrors(form, e, ['amount', 'kind', 'prepaymentOption', 'reference']);
      if (rest.length > 0) {
        setProblem(rest);
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={
        <h2 className="section-title" style={{ fontSize: 16, margin: 0 }}>
          {t('postRepayment')}
        </h2>
      }
    >
      {problem.length > 0 ? (
        <div style={{ marginBottom: 12 }} role="alert">
          <ErrorState error={error} />
        </div>
      ) : null}
      <Form<RepaymentValues>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'regular' }}
        onFinish={(v) => void submit(v)}
        data-testid="repayment-form"
        style={{ maxWidth: 640 }}
      >
        <Form.Item
          name="amount"
          label={t('amount')}
          rules={[{ required: true, message: t('amountFormat') }]}
          extra={
            <span>
              {t('payoffAmount')}: <Money value={loan.balances.payoffAmount} />
            </span>
          }
        >
          <Input inputMode="decimal" prefix="¥" size="large" autoComplete="off" />
        </Form.Item>
        <Form.Item name="kind" label={t('repayKind')}>
          <Select
            size="large"
            options={(['regular', 'prepayment', 'payoff'] as const).map((k) => ({
              value: k,
              label: t(`repayKind.${k}`),
            }))}
          />
        </Form.Item>
        {kind === 'prepayment' ? (
          <Form.Item name="prepaymentOption" label={t('prepaymentOption')}>
            <Select
              size="large"
              allowClear
              options={(['shorten_term', 'lower_installment'] as const).map((k) => ({
                value: k,
                label: t(`prepay.${k}`),
              }))}
            />
          </Form.Item>
        ) : null}
        <Form.Item name="reference" label={t('reference')}>
          <Input size="large" maxLength={100} autoComplete="off" />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" loading={busy}>
          {t('repay')}
        </Button>
      </Form>
    </Card>
  );
}
