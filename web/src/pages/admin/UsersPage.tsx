import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Grid,
  Input,
  List,
  Modal,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { api, data, idempotencyKey } from '../../api/client';
import { ApiError } from '../../api/problem';
import { PageState } from '../../components/PageState';
import { showFieldErrors } from '../../components/forms';
import { maskPhone } from '../../format/mask';
import { defineMessages, register } from '../../i18n/catalogue';
import { useT } from '../../i18n/language';

const messages = register(
  defineMessages(
    {
      title: '用户',
      create: '新建用户',
      edit: '编辑',
      username: '用户名',
      displayName: '姓名',
      roles: '角色',
      branch: '机构',
      email: '邮箱',
      mobile: '手机',
      initialPassword: '初始密码',
      passwordHint: '12 位以上，不含用户名，不可为常见密码',
      status: '状态',
      active: '在用',
      inactive: '已停用',
      all: '全部',
      search: '用户名或姓名',
      deactivate: '停用',
      reactivate: '启用',
      resetPassword: '重置密码',
      newPassword: '新密码',
      reason: '停用原因',
      created: '已创建用户 {name}',
      saved: '已保存',
      done: '已完成',
      passwordReset: '密码已重置',
      editTitle: '编辑用户 {name}',
      actions: '操作',
      more: '加载更多',
      conflict: '该用户已被他人修改，已重新载入，请再次保存',
    },
    {
      title: 'Users',
      create: 'New user',
      edit: 'Edit',
      username: 'Username',
      displayName: 'Name',
      roles: 'Roles',
      branch: 'Branch',
      email: 'Email',
      mobile: 'Mobile',
      initialPassword: 'Initial password',
      passwordHint: 'At least 12 characters, not containing the username, not a common password',
      status: 'Status',
      active: 'Active',
      inactive: 'Deactivated',
      all: 'All',
      search: 'Username or name',
      deactivate: 'Deactivate',
      reactivate: 'Reactivate',
      resetPassword: 'Reset password',
      newPassword: 'New password',
      reason: 'Reason',
      created: 'User {name} created',
      saved: 'Saved',
      done: 'Done',
      passwordReset: 'Password reset',
      editTitle: 'Edit {name}',
      actions: 'Actions',
      more: 'Load more',
      conflict: 'Someone else changed this user; reloaded, save again',
    },
  ),
);

export const ROLES = [
  'account_manager',
  'market_specialist',
  'group_leader',
  'corporate_lending',
  'credit_officer',
  'pre_meeting_reviewer',
  'committee_member',
  'committee_chair',
  'risk_manager',
  'final_approver',
  'disbursement_reviewer',
  'post_loan_officer',
  'auditor',
  'admin',
] as const;
type Role = (typeof ROLES)[number];

interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  branchId: string;
  email?: string | null;
  mobile?: string | null;
  active?: boolean;
  version?: number;
}
interface UserForm {
  username: string;
  displayName: string;
  roles: Role[];
  branchId: string;
  email?: string;
  mobile?: string;
  initialPassword: string;
}
const FIELDS = [
  'username',
  'displayName',
  'roles',
  'branchId',
  'email',
  'mobile',
  'initialPassword',
] as const;

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: User; etag: string }
  | { kind: 'deactivate'; user: User }
  | { kind: 'reset'; user: User };

/** 用户: staff accounts — create, roles and branch, deactivate and reactivate, reset a password. */
export default function UsersPage() {
  const t = useT(messages);
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const client = useQueryClient();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<'active' | 'inactive' | ''>('');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [busy, setBusy] = useState(false);
  const [rest, setRest] = useState<string[]>([]);
  const [form] = Form.useForm<UserForm>();
  const [small] = Form.useForm<{ reason?: string; newPassword?: string }>();

  const users = useQuery({
    queryKey: ['users', q, status],
    queryFn: () =>
      data(
        api.GET('/users', {
          params: {
            query: { pageSize: '200', ...(q ? { q } : {}), ...(status ? { status } : {}) },
          },
        }),
      ),
  });
  const branches = useQuery({
    queryKey: ['branches'],
    queryFn: () => data(api.GET('/branches')),
  });
  const branchName = (code: string) =>
    branches.data?.items.find((b) => b.code === code)?.name ?? code;
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));
  const branchOptions = (branches.data?.items ?? []).map((b) => ({
    value: b.code,
    label: `${b.code} ${b.name}`,
  }));

  const close = () => {
    setDialog(null);
    setRest([]);
    form.resetFields();
    small.resetFields();
  };
  const refresh = () => client.invalidateQueries({ queryKey: ['users'] });

  const openEdit = async (user: User) => {
    const { data: full, response } = await api.GET('/users/{id}', {
      params: { path: { id: user.id } },
    });
    if (!response.ok || !full) {
      message.error(new ApiError(response.status, undefined).message);
      return;
    }
    const etag = response.headers.get('ETag') ?? `"${full.version ?? 1}"`;
    form.resetFields();
    form.setFieldsValue({
      displayName: full.displayName,
      roles: full.roles as Role[],
      branchId: full.branchId,
      email: full.email ?? '',
      mobile: full.mobile ?? '',
    });
    setRest([]);
    setDialog({ kind: 'edit', user: full as User, etag });
  };

  const submit = async () => {
    if (!dialog) return;
    setBusy(true);
    setRest([]);
    try {
      if (dialog.kind === 'create') {
        const v = await form.validateFields();
        const out = await data(
          api.POST('/users', {
            body: {
              username: v.username,
              displayName: v.displayName,
              roles: v.roles,
              branchId: v.branchId,
              email: v.email || null,
              mobile: v.mobile || null,
              initialPassword: v.initialPassword,
            },
            headers: { 'Idempotency-Key': idempotencyKey() },
          }),
        );
        message.success(t('created', { name: out.displayName }));
      } else if (dialog.kind === 'edit') {
        const v = await form.validateFields();
        try {
          await data(
            api.PATCH('/users/{id}', {
              params: { path: { id: dialog.user.id }, header: { 'if-match': dialog.etag } },
              body: {
                displayName: v.displayName,
                roles: v.roles,
                branchId: v.branchId,
                email: v.email || null,
                mobile: v.mobile || null,
              },
            }),
          );
        } catch (e) {
          if (e instanceof ApiError && (e.status === 409 || e.status === 412)) {
            setRest([t('conflict')]);
            await openEdit(dialog.user);
            return;
          }
          throw e;
        }
        message.success(t('saved'));
      } else if (dialog.kind === 'deactivate') {
        const v = await small.validateFields();
        await data(
          api.POST('/users/{id}:deactivate', {
            params: { path: { id: dialog.user.id } },
            body: { reason: v.reason ?? '' },
            headers: { 'Idempotency-Key': idempotencyKey() },
          }),
        );
        message.success(t('done'));
      } else {
        const v = await small.validateFields();
        await data(
          api.POST('/users/{id}:reset-password', {
            params: { path: { id: dialog.user.id } },
            body: { newPassword: v.newPassword ?? '' },
            headers: { 'Idempotency-Key': idempotencyKey() },
          }),
        );
        message.success(t('passwordReset'));
      }
      close();
      await refresh();
    } catch (e) {
      if (e instanceof ApiError) {
        setRest(
          dialog.kind === 'create' || dialog.kind === 'edit'
            ? showFieldErrors(form, e, FIELDS)
            : showFieldErrors(small, e, ['reason', 'newPassword']),
        );
      } else if (!(e && typeof e === 'object' && 'errorFields' in e)) throw e;
    } finally {
      setBusy(false);
    }
  };

  const reactivate = async (user: User) => {
    try {
      await data(
        api.POST('/users/{id}:reactivate', {
          params: { path: { id: user.id } },
          headers: { 'Idempotency-Key': idempotencyKey() },
        }),
      );
      message.success(t('done'));
      await refresh();
    } catch (e) {
      message.error(e instanceof Error ? e.message : String(e));
    }
  };

  const actions = (u: User) => [
    <Button key="edit" size="small" onClick={() => void openEdit(u)}>
      {t('edit')}
    </Button>,
    u.active === false ? (
      <Button key="re" size="small" onClick={() => void reactivate(u)}>
        {t('reactivate')}
      </Button>
    ) : (
      <Button key="de" size="small" onClick={() => setDialog({ kind: 'deactivate', user: u })}>
        {t('deactivate')}
      </Button>
    ),
    <Button key="pw" size="small" onClick={() => setDialog({ kind: 'reset', user: u })}>
      {t('resetPassword')}
    </Button>,
  ];
  const statusTag = (u: User) =>
    u.active === false ? <Tag>{t('inactive')}</Tag> : <Tag color="blue">{t('active')}</Tag>;
  const items = (users.data?.items ?? []) as User[];

  return (
    <Card
      className="admin-page"
      title={<h1 className="page-title">{t('title')}</h1>}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            form.resetFields();
            setRest([]);
            setDialog({ kind: 'create' });
          }}
        >
          {t('create')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t('search')}
          placeholder={t('search')}
          allowClear
          onSearch={setQ}
          style={{ width: 220 }}
        />
        <Select
          aria-label={t('status')}
          style={{ width: 120 }}
          value={status}
          onChange={setStatus}
          options={[
            { value: '', label: t('all') },
            { value: 'active', label: t('active') },
            { value: 'inactive', label: t('inactive') },
          ]}
        />
      </Space>
      <PageState
        loading={users.isLoading}
        error={users.error}
        empty={items.length === 0}
        retry={() => void users.refetch()}
      >
        {screens.md ? (
          <Table<User>
            rowKey="id"
            size="small"
            data-testid="users"
            scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={items}
            columns={[
              { title: t('username'), dataIndex: 'username' },
              { title: t('displayName'), dataIndex: 'displayName' },
              {
                title: t('roles'),
                dataIndex: 'roles',
                render: (roles: Role[]) => roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>),
              },
              {
                title: t('branch'),
                dataIndex: 'branchId',
                render: (b: string) => `${b} ${branchName(b)}`,
              },
              {
                title: t('mobile'),
                dataIndex: 'mobile',
                render: (m?: string | null) => (m ? maskPhone(m) : '—'),
              },
              { title: t('status'), key: 'status', render: (_: unknown, u) => statusTag(u) },
              {
                title: t('actions'),
                key: 'actions',
                render: (_: unknown, u) => <Space>{actions(u)}</Space>,
              },
            ]}
          />
        ) : (
          <List<User>
            data-testid="users"
            dataSource={items}
            renderItem={(u) => (
              <List.Item>
                <List.Item.Meta
                  title={
                    <Space wrap>
                      {u.displayName} <span>({u.username})</span> {statusTag(u)}
                    </Space>
                  }
                  description={
                    <>
                      <div>
                        {u.roles.map((r) => (
                          <Tag key={r}>{t(`role.${r}`)}</Tag>
                        ))}
                      </div>
                      <div>
                        {u.branchId} {branchName(u.branchId)}
                      </div>
                      <Space wrap style={{ marginTop: 8 }}>
                        {actions(u)}
                      </Space>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </PageState>

      <Modal
        open={dialog?.kind === 'create' || dialog?.kind === 'edit'}
        title={
          dialog?.kind === 'edit' ? t('editTitle', { name: dialog.user.displayName }) : t('create')
        }
        onCancel={close}
        onOk={() => void submit()}
        okText={t('action.save')}
        cancelText={t('action.cancel')}
        confirmLoading={busy}
        forceRender
        rootClassName="admin-page"
      >
        {rest.length > 0 ? (
          <Alert type="error" showIcon role="alert" message={rest.join('; ')} />
        ) : null}
        <Form<UserForm> form={form} name="user" layout="vertical">
          {dialog?.kind === 'create' ? (
            <Form.Item name="username" label={t('username')} rules={[{ required: true }]}>
              <Input autoComplete="off" maxLength={64} />
            </Form.Item>
          ) : null}
          <Form.Item name="displayName" label={t('displayName')} rules={[{ required: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="roles" label={t('roles')} rules={[{ required: true }]}>
            <Select
              mode="multiple"
              optionFilterProp="label"
              options={roleOptions}
              aria-label={t('roles')}
            />
          </Form.Item>
          <Form.Item name="branchId" label={t('branch')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              options={branchOptions}
              aria-label={t('branch')}
            />
          </Form.Item>
          <Form.Item name="email" label={t('email')}>
            <Input type="email" maxLength={254} />
          </Form.Item>
          <Form.Item name="mobile" label={t('mobile')}>
            <Input maxLength={32} />
          </Form.Item>
          {dialog?.kind === 'create' ? (
            <Form.Item
              name="initialPassword"
              label={t('initialPassword')}
              extra={t('passwordHint')}
              rules={[{ required: true }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>

      <Modal
        open={dialog?.kind === 'deactivate' || dialog?.kind === 'reset'}
        title={
          dialog?.kind === 'deactivate'
            ? `${t('deactivate')} ${dialog.user.displayName}`
            : dialog?.kind === 'reset'
              ? `${t('resetPassword')} ${dialog.user.displayName}`
              : ''
        }
        onCancel={close}
        onOk={() => void submit()}
        okText={t('action.confirm')}
        cancelText={t('action.cancel')}
        confirmLoading={busy}
        forceRender
        rootClassName="admin-page"
      >
        {rest.length > 0 ? (
          <Alert type="error" showIcon role="alert" message={rest.join('; ')} />
        ) : null}
        <Form form={small} name="userAction" layout="vertical">
          {dialog?.kind === 'deactivate' ? (
            <Form.Item name="reason" label={t('reason')} rules={[{ required: true }]}>
              <Input.TextArea maxLength={500} rows={3} />
            </Form.Item>
          ) : (
            <Form.Item
              name="newPassword"
              label={t('newPassword')}
              extra={t('passwordHint')}
              rules={[{ required: true }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
