import { useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Collapse,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, data } from '../../api/client';
import type { components } from '../../api/schema';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { defineMessages, register } from '../../i18n/catalogue';
import { useT } from '../../i18n/language';
import { loanWords, TIER_COLORS, TIERS } from './words';
import { ScrollTable } from './ScrollTable';
import { useProductName } from '../../components/products';

type Loan = components['schemas']['Loan'];

const messages = register(
  defineMessages(
    {
      title: '贷款账户',
      loanNumber: '借据号',
      branch: '机构',
      product: '产品',
      status: '状态',
      tier: '五级分类',
      dpd: '逾期天数',
      minDpd: '最少逾期天数',
      approved: '批准金额',
      principal: '未到期本金',
      payoff: '结清金额',
      nextDue: '下次还款日',
      maturity: '到期日',
      any: '全部',
      next: '下一页',
      first: '第一页',
      branchPlaceholder: '如 SH001',
      days: '{n} 天',
      filters: '筛选条件',
    },
    {
      title: 'Loans',
      loanNumber: 'Loan number',
      branch: 'Branch',
      product: 'Product',
      status: 'Status',
      tier: 'Tier',
      dpd: 'Days past due',
      minDpd: 'Min. days past due',
      approved: 'Approved',
      principal: 'Principal not billed',
      payoff: 'Payoff amount',
      nextDue: 'Next due',
      maturity: 'Maturity',
      any: 'Any',
      next: 'Next page',
      first: 'First page',
      branchPlaceholder: 'e.g. SH001',
      days: '{n} days',
      filters: 'Filters',
    },
  ),
);

interface Filters {
  branchId?: string;
  status?: string;
  classification?: string;
  minDaysPastDue?: number;
}

/** 贷款账户: the loans of the user's branch scope, filtered, paged by the API's page token. */
export default function LoansPage() {
  const t = useT(messages);
  const productName = useProductName();
  const w = useT(loanWords);
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    branchId: params.get('branchId') ?? undefined,
    status: params.get('status') ?? undefined,
    classification: params.get('classification') ?? undefined,
    minDaysPastDue: params.get('minDaysPastDue') ? Number(params.get('minDaysPastDue')) : undefined,
  };
  const [pageTokens, setPageTokens] = useState<string[]>([]);
  const pageToken = pageTokens[pageTokens.length - 1];
  const [form] = Form.useForm<Filters>();

  const loans = useQuery({
    queryKey: ['loans', filters, pageToken],
    queryFn: () =>
      data(
        api.GET('/loans', {
          params: {
            query: {
              pageSize: '20',
              ...(filters.branchId ? { branchId: filters.branchId } : {}),
              ...(filters.status ? { status: filters.status as Loan['status'] } : {}),
              ...(filters.classification
                ? { classification: filters.classification as Loan['classification'] }
                : {}),
              ...(filters.minDaysPastDue !== undefined
                ? { minDaysPastDue: String(filters.minDaysPastDue) }
                : {}),
              ...(pageToken ? { pageToken } : {}),
            },
          },
        }),
      ),
  });

  const apply = (v: Filters) => {
    const next = new URLSearchParams();
    for (const [k, value] of Object.entries(v))
      if (value !== undefined && value !== null && value !== '') next.set(k, String(value));
    setPageTokens([]);
    setParams(next);
  };

  const items = loans.data?.items ?? [];
  const tierTag = (c: string) => (
    <Tag color={TIER_COLORS[c]}>{w(`tier.${c}` as 'tier.normal')}</Tag>
  );

  const filterForm = (
    <Form
      form={form}
      layout={screens.md ? 'inline' : 'vertical'}
      initialValues={filters}
      onFinish={apply}
      style={{ marginBottom: 16, rowGap: 8 }}
      aria-label={t('title')}
    >
      <Form.Item name="branchId" label={t('branch')}>
        <Input placeholder={t('branchPlaceholder')} allowClear style={{ width: 140 }} />
      </Form.Item>
      <Form.Item name="status" label={t('status')}>
        <Select
          allowClear
          placeholder={t('any')}
          style={{ width: 140 }}
          options={['active', 'closed', 'written_off'].map((s) => ({
            value: s,
            label: w(`loanStatus.${s}` as 'loanStatus.active'),
          }))}
        />
      </Form.Item>
      <Form.Item name="classification" label={t('tier')}>
        <Select
          allowClear
          placeholder={t('any')}
          style={{ width: 140 }}
          options={TIERS.map((c) => ({ value: c, label: w(`tier.${c}`) }))}
        />
      </Form.Item>
      <Form.Item name="minDaysPastDue" label={t('minDpd')}>
        <InputNumber min={0} max={100000} style={{ width: 120 }} />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('action.search')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              form.setFieldsValue({
                branchId: undefined,
                status: undefined,
                classification: undefined,
                minDaysPastDue: undefined,
              });
              apply({});
            }}
          >
            {t('action.reset')}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );

  return (
    <Card title={<h1 className="page-title">{t('title')}</h1>}>
      {screens.md ? (
        filterForm
      ) : (
        <Collapse
          size="small"
          style={{ marginBottom: 16 }}
          items={[{ key: 'f', label: t('filters'), children: filterForm, forceRender: true }]}
        />
      )}
      <PageState
        loading={loans.isLoading}
        error={loans.error}
        empty={items.length === 0}
        retry={() => void loans.refetch()}
      >
        {screens.md ? (
          <ScrollTable<Loan>
            label={t('title')}
            rowKey="id"
            dataSource={items}
            pagination={false}

            data-testid="loans-table"
            columns={[
              {
                title: t('loanNumber'),
                dataIndex: 'loanNumber',
                render: (v: string, l) => <Link to={`/loans/${l.id}`}>{v}</Link>,
              },
              { title: t('branch'), dataIndex: 'branchId' },
              {
                title: t('product'),
                dataIndex: 'productCode',
                render: (code: string) => productName(code),
              },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (s: string) => w(`loanStatus.${s}` as 'loanStatus.active'),
              },
              { title: t('tier'), dataIndex: 'classification', render: tierTag },
              {
                title: t('dpd'),
                dataIndex: 'daysPastDue',
                align: 'right',
                render: (d: number) =>
                  d > 0 ? <Typography.Text type="danger">{d}</Typography.Text> : d,
              },
              {
                title: t('approved'),
                dataIndex: 'approvedAmount',
                align: 'right',
                render: (v: string) => <Money value={v} />,
              },
              {
                title: t('payoff'),
                key: 'payoff',
                align: 'right',
                render: (_: unknown, l) => <Money value={l.balances.payoffAmount} />,
              },
              { title: t('nextDue'), dataIndex: 'nextDueDate', render: (d: string) => d || '—' },
              { title: t('maturity'), dataIndex: 'maturityDate' },
            ]}
          />
        ) : (
          <List
            dataSource={items}
            data-testid="loans-list"
            renderItem={(l) => (
              <List.Item>
                <List.Item.Meta
                  title={
                    <Space wrap>
                      <Link to={`/loans/${l.id}`}>{l.loanNumber}</Link>
                      {tierTag(l.classification)}
                    </Space>
                  }
                  description={
                    <Space direction="vertical" size={0}>
                      <span>
                        {l.branchId} · {productName(l.productCode)} ·{' '}
                        {w(`loanStatus.${l.status}` as 'loanStatus.active')}
                      </span>
                      <span>
                        {t('payoff')}: <Money value={l.balances.payoffAmount} />
                      </span>
                      {l.daysPastDue > 0 ? (
                        <Typography.Text type="danger">
                          {t('dpd')}: {t('days', { n: l.daysPastDue })}
                        </Typography.Text>
                      ) : null}
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </PageState>
      <Space style={{ marginTop: 16 }}>
        {pageTokens.length > 0 ? (
          <Button onClick={() => setPageTokens([])} size="large">
            {t('first')}
          </Button>
        ) : null}
        {loans.data?.nextPageToken ? (
          <Button
            size="large"
            onClick={() => setPageTokens([...pageTokens, loans.data!.nextPageToken!])}
          >
            {t('next')}
          </Button>
        ) : null}
      </Space>
    </Card>
  );
}
