import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Grid, Input, List, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, data } from '../../api/client';
import type { components } from '../../api/schema';
import { hasRole, useUser } from '../../auth/useSession';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { dateTimeText } from '../../format/date';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';
import { ROLE_GROUPS } from '../../nav';
import { APPLICATION_STATUSES, STATUS_COLOURS } from './status';
import './applications.css';

type Application = components['schemas']['Application'];

const messages = register(
  defineMessages(
    {
      title: '贷款申请',
      status: '状态',
      anyStatus: '全部状态',
      product: '产品',
      anyProduct: '全部产品',
      customer: '客户',
      customerPlaceholder: '客户编号',
      customerName: '客户名称',
      amount: '金额',
      term: '期限',
      months: '{n} 个月',
      createdAt: '创建时间',
      next: '下一页',
      first: '第一页',
      page: '第 {n} 页',
      open: '查看',
      filters: '筛选',
    },
    {
      title: 'Loan applications',
      status: 'Status',
      anyStatus: 'Any status',
      product: 'Product',
      anyProduct: 'Any product',
      customer: 'Customer',
      customerPlaceholder: 'Customer ID',
      customerName: 'Customer',
      amount: 'Amount',
      term: 'Term',
      months: '{n} months',
      createdAt: 'Created',
      next: 'Next page',
      first: 'First page',
      page: 'Page {n}',
      open: 'Open',
      filters: 'Filters',
    },
  ),
);

const PAGE_SIZE = 20;

/** 贷款申请: newest first within the caller's branch scope, filtered on the server and paged. */
export default function ApplicationsPage() {
  const t = useT(messages);
  const { language } = useLanguage();
  const user = useUser();
  const screens = Grid.useBreakpoint();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? undefined;
  const productCode = params.get('product') ?? undefined;
  const customerId = params.get('customer') ?? undefined;
  // The tokens of the pages seen so far: back goes to the one before.
  const [tokens, setTokens] = useState<string[]>([]);
  const pageToken = tokens[tokens.length - 1];
  const [form] = Form.useForm();

  const products = useQuery({
    queryKey: ['products'],
    queryFn: () => data(api.GET('/products')),
    staleTime: 300_000,
  });
  const list = useQuery({
    queryKey: ['applications', status, productCode, customerId, pageToken],
    queryFn: () =>
      data(
        api.GET('/applications', {
          params: {
            query: {
              pageSize: String(PAGE_SIZE),
              ...(status ? { status: status as (typeof APPLICATION_STATUSES)[number] } : {}),
              ...(productCode ? { productCode } : {}),
              ...(customerId ? { customerId } : {}),
              ...(pageToken ? { pageToken } : {}),
            },
          },
        }),
      ),
  });
  const productName = (code: string) => {
    const p = products.data?.items.find((x) => x.code === code);
    return p ? (language === 'en' ? p.name : p.nameZh) : code;
  };

  const apply = (values: { status?: string; product?: string; customer?: string }) => {
    const next = new URLSearchParams();
    if (values.status) next.set('status', values.status);
    if (values.product) next.set('product', values.product);
    if (values.customer?.trim()) next.set('customer', values.customer.trim());
    setTokens([]);
    setParams(next);
  };

  const items = list.data?.items ?? [];
  const statusTag = (s: Application['status']) =>
    s ? <Tag color={STATUS_COLOURS[s]}>{t(`status.${s}`)}</Tag> : null;

  return (
    <Card
      className="lf-app-page"
      title={<h1 className="page-title">{t('title')}</h1>}
      extra={
        hasRole(user, ROLE_GROUPS.frontOffice) ? (
          <Link to="/applications/new">
            <Button type="primary">{t('nav.newApplication')}</Button>
          </Link>
        ) : null
      }
    >
      <Form
        form={form}
        layout={screens.md ? 'inline' : 'vertical'}
        initialValues={{ status, product: productCode, customer: customerId }}
        onFinish={apply}
        aria-label={t('filters')}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="status" label={t('status')} htmlFor="filter-status">
          <Select
            id="filter-status"
            allowClear
            placeholder={t('anyStatus')}
            style={{ minWidth: 160 }}
            options={APPLICATION_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="product" label={t('product')} htmlFor="filter-product">
          <Select
            id="filter-product"
            allowClear
            placeholder={t('anyProduct')}
            style={{ minWidth: 200 }}
            loading={products.isLoading}
            options={(products.data?.items ?? []).map((p) => ({
              value: p.code,
              label: language === 'en' ? p.name : p.nameZh,
            }))}
          />
        </Form.Item>
        <Form.Item name="customer" label={t('customer')} htmlFor="filter-customer">
          <Input id="filter-customer" allowClear placeholder={t('customerPlaceholder')} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" className="filter-search">
              {t('action.search')}
            </Button>
            <Button
              className="filter-reset"
              onClick={() => {
                form.resetFields();
                form.setFieldsValue({ status: undefined, product: undefined, customer: undefined });
                apply({});
              }}
            >
              {t('action.reset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <PageState
        loading={list.isLoading}
        error={list.error}
        empty={!list.isLoading && items.length === 0}
        retry={() => void list.refetch()}
      >
        {screens.md ? (
          <Table<Application>
            rowKey="id"
            dataSource={items}
            pagination={false}
            scroll={{ x: 'max-content' }}
            onRow={(a) => ({
              onDoubleClick: () => navigate(`/applications/${a.id}`),
            })}
            columns={[
              {
                title: t('customerName'),
                dataIndex: 'customerName',
                render: (v: string, a) => <Link to={`/applications/${a.id}`}>{v}</Link>,
              },
              { title: t('product'), dataIndex: 'productCode', render: productName },
              {
                title: t('amount'),
                dataIndex: 'amount',
                align: 'right',
                render: (v: string) => <Money value={v} />,
              },
              {
                title: t('term'),
                dataIndex: 'termMonths',
                render: (n: number) => t('months', { n }),
              },
              {
                title: t('status'),
                dataIndex: 'status',
                render: statusTag,
              },
              {
                title: t('createdAt'),
                dataIndex: 'createdAt',
                render: (v: string) => dateTimeText(v, language),
              },
            ]}
          />
        ) : (
          <List
            dataSource={items}
            renderItem={(a) => (
              <List.Item>
                <Link to={`/applications/${a.id}`} style={{ width: '100%', padding: '4px 0' }}>
                  <Space direction="vertical" size={2} style={{ width: '100%' }}>
                    <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                      <Typography.Text strong>{a.customerName}</Typography.Text>
                      {statusTag(a.status)}
                    </Space>
                    <Typography.Text>
                      <Money value={a.amount} /> · {t('months', { n: a.termMonths })}
                    </Typography.Text>
                    <Typography.Text type="secondary">
                      {productName(a.productCode)} · {dateTimeText(a.createdAt, language)}
                    </Typography.Text>
                  </Space>
                </Link>
              </List.Item>
            )}
          />
        )}
      </PageState>
      <Space style={{ marginTop: 16 }}>
        <Typography.Text type="secondary">{t('page', { n: tokens.length + 1 })}</Typography.Text>
        <Button disabled={tokens.length === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
          {t('action.back')}
        </Button>
        <Button
          disabled={!list.data?.nextPageToken}
          onClick={() =>
            list.data?.nextPageToken && setTokens([...tokens, list.data.nextPageToken])
          }
        >
          {t('next')}
        </Button>
      </Space>
    </Card>
  );
}
