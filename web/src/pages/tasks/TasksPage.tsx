import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Badge,
  Button,
  Card,
  Flex,
  Grid,
  InputNumber,
  List,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, data } from '../../api/client';
import { act } from './act';
import type { components } from '../../api/schema';
import { ApiError } from '../../api/problem';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { useProductName, useProducts } from '../../components/products';
import { dateTimeText } from '../../format/date';
import { useLanguage, useT } from '../../i18n/language';
import { messages, STEPS } from './messages';

type Task = components['schemas']['Task'];
type Scope = 'mine' | 'group';

const PAGE_SIZES = ['10', '20', '50', '100'];

/**
 * 我的业务: my tasks and my groups' queues, with counts per step as filter chips, filters kept in
 * the URL, server-side paging by page token, claim on the group's tasks.
 */
export default function TasksPage() {
  const t = useT(messages);
  const { language } = useLanguage();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const navigate = useNavigate();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const scope: Scope = params.get('scope') === 'group' ? 'group' : 'mine';
  const step = params.get('step') ?? '';
  const productCode = params.get('product') ?? '';
  const minAmount = params.get('min') ?? '';
  const maxAmount = params.get('max') ?? '';
  const overdue = params.get('overdue') === 'true';
  const pageSize = PAGE_SIZES.includes(params.get('size') ?? '') ? params.get('size')! : '20';
  const pageToken = params.get('page') ?? '';
  // The tokens of the pages before this one (back goes to the previous token).
  const [previous, setPrevious] = useState<string[]>([]);

  const update = (changes: Record<string, string | undefined>, keepPage = false) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!keepPage) {
      next.delete('page');
      setPrevious([]);
    }
    setParams(next);
  };

  const query = {
    scope,
    pageSize,
    ...(step ? { step } : {}),
    ...(productCode ? { productCode } : {}),
    ...(minAmount ? { minAmount } : {}),
    ...(maxAmount ? { maxAmount } : {}),
    ...(overdue ? { overdue: 'true' as const } : {}),
    ...(pageToken ? { pageToken } : {}),
  };
  const tasks = useQuery({
    queryKey: ['tasks', query],
    queryFn: () => data(api.GET('/tasks', { params: { query } })),
    placeholderData: (prev) => prev,
  });
  const counts = useQuery({
    queryKey: ['tasks', 'counts', scope],
    queryFn: () => data(api.GET('/tasks/counts', { params: { query: { scope } } })),
  });
  const claim = useMutation({
    mutationFn: (task: Task) => act(task.id, 'claim'),
    onSuccess: async (_, task) => {
      message.success(t('claimed'));
      await client.invalidateQueries({ queryKey: ['tasks'] });
      navigate(`/tasks/${encodeURIComponent(task.id)}`);
    },
    onError: (error) => message.error(error instanceof ApiError ? error.message : String(error)),
  });

  const stepLabel = (s: string) => t(`step.${s}` as never);
  const products = useProducts();
  const productName = useProductName();
  const open = (task: Task) => navigate(`/tasks/${encodeURIComponent(task.id)}`);
  const items = tasks.data?.items ?? [];
  const nextToken = tasks.data?.nextPageToken ?? null;

  const badges = (task: Task) => (
    <Space size={4} wrap>
      {task.overdue ? <Tag color="red">{t('overdue')}</Tag> : null}
      {task.urgeCount > 0 ? (
        <Tag color="orange" style={{ color: '#873800' }} data-testid="urged-badge">
          {t('urged')}
          {task.urgeCount > 1 ? ` ×${task.urgeCount}` : ''}
        </Tag>
      ) : null}
    </Space>
  );

  const columns: ColumnsType<Task> = [
    {
      title: t('step'),
      dataIndex: 'step',
      render: (_, task) => (
        <Space size={4} wrap>
          <Typography.Text strong>{stepLabel(task.step)}</Typography.Text>
          {badges(task)}
        </Space>
      ),
    },
    { title: t('customer'), dataIndex: 'customerName' },
    { title: t('product'), dataIndex: 'productCode', render: (code: string) => productName(code) },
    {
      title: t('amount'),
      dataIndex: 'amount',
      align: 'right',
      render: (v: string) => <Money value={v} />,
    },
    {
      title: t('created'),
      dataIndex: 'createdAt',
      render: (v: string) => dateTimeText(v, language),
    },
    {
      title: t('due'),
      dataIndex: 'dueAt',
      render: (v: string, task) => (
        <Typography.Text type={task.overdue ? 'danger' : undefined}>
          {v ? dateTimeText(v, language) : '—'}
        </Typography.Text>
      ),
    },
    {
      title: '',
      key: 'actions',
      render: (_, task) => (
        <Space>
          {scope === 'group' && !task.assignee ? (
            <Button
              type="primary"
              size="small"
              loading={claim.isPending && claim.variables?.id === task.id}
              onClick={() => claim.mutate(task)}
            >
              {t('claim')}
            </Button>
          ) : null}
          <Button size="small" onClick={() => open(task)}>
            {t('open')}
          </Button>
        </Space>
      ),
    },
  ];

  const pager = (
    <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 12 }}>
      <Space>
        <Button
          disabled={!pageToken}
          onClick={() => {
            const prev = previous.slice(0, -1);
            const token = previous.at(-1) ?? '';
            setPrevious(prev);
            const next = new URLSearchParams(params);
            if (token) next.set('page', token);
            else next.delete('page');
            setParams(next);
          }}
          data-testid="tasks-prev"
          style={{ minHeight: 44 }}
        >
          {t('prev')}
        </Button>
        <Button
          disabled={!nextToken}
          onClick={() => {
            setPrevious([...previous, pageToken]);
            update({ page: nextToken ?? undefined }, true);
          }}
          data-testid="tasks-next"
          style={{ minHeight: 44 }}
        >
          {t('next')}
        </Button>
      </Space>
      <Space>
        <label htmlFor="tasks-page-size">{t('pageSize')}</label>
        <Select
          id="tasks-page-size"
          value={pageSize}
          style={{ width: 90 }}
          options={PAGE_SIZES.map((s) => ({ value: s, label: s }))}
          onChange={(v) => update({ size: v })}
        />
      </Space>
    </Flex>
  );

  return (
    <div>
      <h1 className="page-title">{t('title')}</h1>
      <Tabs
        activeKey={scope}
        onChange={(k) => update({ scope: k === 'group' ? 'group' : undefined, step: undefined })}
        items={[
          { key: 'mine', label: t('mine') },
          { key: 'group', label: t('group') },
        ]}
      />
      <Flex wrap gap={8} style={{ marginBottom: 12 }} data-testid="step-counts">
        <Tag.CheckableTag checked={!step} onChange={() => update({ step: undefined })}>
          {t('allSteps')}
        </Tag.CheckableTag>
        {(counts.data?.items ?? [])
          .filter((c) => c.open > 0)
          .map((c) => (
            <Tag.CheckableTag
              key={c.step}
              checked={step === c.step}
              data-step={c.step}
              onChange={(on) => update({ step: on ? c.step : undefined })}
            >
              {stepLabel(c.step)} <Badge count={c.open} color="#1456c8" showZero />
              {c.overdue > 0 ? (
                <Badge
                  count={c.overdue}
                  color="#c41d1d"
                  title={t('overdue')}
                  style={{ marginLeft: 4 }}
                />
              ) : null}
            </Tag.CheckableTag>
          ))}
      </Flex>
      <Flex wrap gap={8} align="center" style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('step')}
          style={{ minWidth: 170 }}
          value={step}
          onChange={(v) => update({ step: v || undefined })}
          options={[
            { value: '', label: t('allSteps') },
            ...STEPS.map((s) => ({ value: s, label: stepLabel(s) })),
          ]}
        />
        <Select
          aria-label={t('product')}
          data-testid="tasks-product"
          style={{ width: 190 }}
          value={productCode}
          onChange={(v) => update({ product: v || undefined })}
          options={[
            { value: '', label: t('allProducts') },
            ...(products.data?.items ?? []).map((p) => ({
              value: p.code,
              label: productName(p.code),
            })),
          ]}
        />
        <InputNumber<string>
          aria-label={t('minAmount')}
          placeholder={t('minAmount')}
          stringMode
          min="0"
          defaultValue={minAmount || undefined}
          onBlur={(e) => update({ min: amountParam(e.target.value) })}
          onPressEnter={(e) => update({ min: amountParam((e.target as HTMLInputElement).value) })}
          style={{ width: 140 }}
        />
        <InputNumber<string>
          aria-label={t('maxAmount')}
          placeholder={t('maxAmount')}
          stringMode
          min="0"
          defaultValue={maxAmount || undefined}
          onBlur={(e) => update({ max: amountParam(e.target.value) })}
          onPressEnter={(e) => update({ max: amountParam((e.target as HTMLInputElement).value) })}
          style={{ width: 140 }}
        />
        <Space>
          <Switch
            id="tasks-overdue"
            checked={overdue}
            onChange={(on) => update({ overdue: on ? 'true' : undefined })}
          />
          <label htmlFor="tasks-overdue">{t('overdueOnly')}</label>
        </Space>
        <Button onClick={() => void tasks.refetch()}>{t('action.refresh')}</Button>
      </Flex>
      <PageState loading={tasks.isLoading} error={tasks.error} retry={() => void tasks.refetch()}>
        {phone ? (
          <List
            data-testid="task-table"
            dataSource={items}
            locale={{ emptyText: t('state.empty') }}
            renderItem={(task) => (
              <List.Item key={task.id} data-row-key={task.id} style={{ padding: '6px 0' }}>
                <Card
                  size="small"
                  style={{ width: '100%' }}
                  title={
                    <Space size={4} wrap>
                      {stepLabel(task.step)}
                      {badges(task)}
                    </Space>
                  }
                  onClick={() => open(task)}
                  hoverable
                >
                  <Flex justify="space-between" wrap gap={4}>
                    <span>{task.customerName}</span>
                    <Money value={task.amount} />
                  </Flex>
                  <Typography.Text type={task.overdue ? 'danger' : undefined}>
                    {t('due')}: {task.dueAt ? dateTimeText(task.dueAt, language) : '—'}
                  </Typography.Text>
                  {scope === 'group' && !task.assignee ? (
                    <Button
                      type="primary"
                      block
                      style={{ marginTop: 8, minHeight: 44 }}
                      onClick={(e) => {
                        e.stopPropagation();
                        claim.mutate(task);
                      }}
                    >
                      {t('claim')}
                    </Button>
                  ) : null}
                </Card>
              </List.Item>
            )}
          />
        ) : (
          <Table<Task>
            data-testid="task-table"
            rowKey="id"
            columns={columns}
            dataSource={items}
            pagination={false}
            scroll={{ x: 'max-content' }}
            size="middle"
          />
        )}
        {pager}
      </PageState>
    </div>
  );
}

/** An amount typed in a filter as the API takes it (two decimals), or nothing. */
function amountParam(value: string): string | undefined {
  const n = Number(value.replace(/[,\s¥]/g, ''));
  if (!value.trim() || !Number.isFinite(n) || n < 0) return undefined;
  return n.toFixed(2);
}
