import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '../../api/schema';
import { Alert, App, Button, Card, Form, Input, List, Select, Space } from 'antd';
import { useState } from 'react';
import { api, data, idempotencyKey } from '../../api/client';
import { ApiError } from '../../api/problem';
import { PageState } from '../../components/PageState';
import { showFieldErrors } from '../../components/forms';
import { dateText } from '../../format/date';
import { hasRole, useUser } from '../../auth/useSession';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';

const messages = register(
  defineMessages(
    {
      title: '委托',
      intro:
        '外出期间，将我的待办委托给同事办理：期间内我的在办任务和新到任务都转给受托人，期满后恢复。',
      forWhom: '委托人',
      me: '本人',
      proxy: '受托人',
      fromDate: '开始日期',
      toDate: '结束日期',
      set: '设置委托',
      done: '委托已设置，已移交 {count} 个在办任务',
      recent: '生效中及待生效的委托',
      recentNote: '我委托他人的和他人委托我的（管理员可见全部）。',
      period: '{from} 至 {to}',
      setBy: '设置人：{who}',
      order: '结束日期不能早于开始日期',
    },
    {
      title: 'Proxies',
      intro:
        'While away, hand my tasks to a colleague: my open tasks and new ones go to the proxy for the period, and come back after it.',
      forWhom: 'On behalf of',
      me: 'Me',
      proxy: 'Proxy',
      fromDate: 'From',
      toDate: 'To',
      set: 'Set proxy',
      done: 'Proxy set; {count} open tasks handed over',
      recent: 'Proxies in force or to come',
      recentNote: 'Those I gave and those given to me (administrators see all).',
      period: '{from} to {to}',
      setBy: 'Set by {who}',
      order: 'The end date cannot be before the start date',
    },
  ),
);

interface ProxyForm {
  userId?: string;
  proxyUserId: string;
  fromDate: string;
  toDate: string;
}
type Proxy = components['schemas']['Proxy'];
const FIELDS = ['userId', 'proxyUserId', 'fromDate', 'toDate'] as const;

/** 委托: hand my tasks to a colleague for a period (administrators may set it for anyone). */
export default function ProxiesPage() {
  const t = useT(messages);
  const { language } = useLanguage();
  const { message } = App.useApp();
  const user = useUser();
  const isAdmin = hasRole(user, ['admin']);
  const [form] = Form.useForm<ProxyForm>();
  const [busy, setBusy] = useState(false);
  const [rest, setRest] = useState<string[]>([]);
  const client = useQueryClient();
  const proxies = useQuery({
    queryKey: ['proxies'],
    queryFn: () => data(api.GET('/proxies')),
  });

  const users = useQuery({
    queryKey: ['users', 'pick'],
    queryFn: () => data(api.GET('/users', { params: { query: { pageSize: '200' } } })),
  });
  const nameOf = (id: string) => {
    const u = users.data?.items.find((x) => x.id === id || x.username === id);
    return u ? `${u.displayName} (${u.username})` : id;
  };
  const options = (users.data?.items ?? [])
    .filter((u) => u.id !== user?.userId)
    // The proxy acts on my tasks, so holds one of my roles (administrators: anyone's).
    .filter((u) => isAdmin || u.roles.some((r) => user?.roles.includes(r)))
    .map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }));

  const submit = async (v: ProxyForm) => {
    setBusy(true);
    setRest([]);
    try {
      const out = await data(
        api.POST('/proxies', {
          body: {
            ...(isAdmin && v.userId ? { userId: v.userId } : {}),
            proxyUserId: v.proxyUserId,
            fromDate: v.fromDate,
            toDate: v.toDate,
          },
          headers: { 'Idempotency-Key': idempotencyKey() },
        }),
      );
      message.success(t('done', { count: out.tasksHandedOver }));
      void client.invalidateQueries({ queryKey: ['proxies'] });
      form.resetFields();
    } catch (e) {
      if (e instanceof ApiError) setRest(showFieldErrors(form, e, FIELDS));
      else throw e;
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space className="admin-page" direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={<h1 className="page-title">{t('title')}</h1>}>
        <p style={{ marginTop: 0 }}>{t('intro')}</p>
        <PageState loading={users.isLoading} error={users.error} retry={() => void users.refetch()}>
          {rest.length > 0 ? (
            <Alert
              type="error"
              showIcon
              role="alert"
              message={rest.join('; ')}
              style={{ marginBottom: 12 }}
            />
          ) : null}
          <Form<ProxyForm>
            form={form}
            name="proxy"
            layout="vertical"
            style={{ maxWidth: 480 }}
            onFinish={(v) => void submit(v)}
          >
            {isAdmin ? (
              <Form.Item name="userId" label={t('forWhom')}>
                <Select
                  showSearch
                  allowClear
                  optionFilterProp="label"
                  placeholder={t('me')}
                  options={(users.data?.items ?? []).map((u) => ({
                    value: u.id,
                    label: `${u.displayName} (${u.username})`,
                  }))}
                />
              </Form.Item>
            ) : null}
            <Form.Item name="proxyUserId" label={t('proxy')} rules={[{ required: true }]}>
              <Select showSearch optionFilterProp="label" options={options} />
            </Form.Item>
            <Space wrap align="start" style={{ display: 'flex' }}>
              <Form.Item name="fromDate" label={t('fromDate')} rules={[{ required: true }]}>
                <Input type="date" />
              </Form.Item>
              <Form.Item
                name="toDate"
                label={t('toDate')}
                dependencies={['fromDate']}
                rules={[
                  { required: true },
                  ({ getFieldValue }) => ({
                    validator: (_, value: string) =>
                      !value || !getFieldValue('fromDate') || value >= getFieldValue('fromDate')
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('order'))),
                  }),
                ]}
              >
                <Input type="date" />
              </Form.Item>
            </Space>
            <Button type="primary" htmlType="submit" loading={busy} className="touch">
              {t('set')}
            </Button>
          </Form>
        </PageState>
      </Card>
      <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('recent')}</h2>}>
        <p className="designer-muted">{t('recentNote')}</p>
        <PageState loading={proxies.isLoading} error={proxies.error}>
          <List<Proxy>
            data-testid="proxies"
            dataSource={proxies.data?.items ?? []}
            locale={{ emptyText: t('state.empty') }}
            renderItem={(p) => (
              <List.Item>
                <List.Item.Meta
                  title={`${nameOf(p.userId)} → ${nameOf(p.proxyUserId)}`}
                  description={`${t('period', {
                    from: dateText(p.fromDate, language),
                    to: dateText(p.toDate, language),
                  })} · ${t('setBy', { who: nameOf(p.createdBy) })}`}
                />
              </List.Item>
            )}
          />
        </PageState>
      </Card>
    </Space>
  );
}
