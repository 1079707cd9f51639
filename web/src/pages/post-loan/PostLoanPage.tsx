import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Drawer,
  Form,
  Grid,
  Input,
  List,
  Segmented,
  Select,
  Space,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, data } from '../../api/client';
import type { components } from '../../api/schema';
import { useUser, hasRole } from '../../auth/useSession';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { defineMessages, register } from '../../i18n/catalogue';
import { useT } from '../../i18n/language';
import { ROLE_GROUPS } from '../../nav';
import { DateField, LoanPicker, useBusinessDate, WriteForm } from './postLoanKit';
import { ScrollTable } from '../loans/ScrollTable';

type CaseSummary = components['schemas']['CollectionCaseSummary'];
type Litigation = components['schemas']['Litigation'];
type Asset = components['schemas']['RepossessedAsset'];

const ACTION_KINDS = ['call', 'visit', 'letter', 'sms', 'legal_notice'] as const;
const OUTCOMES = [
  'reached',
  'not_reached',
  'promised_to_pay',
  'refused_to_pay',
  'disputed',
  'delivered',
  'undeliverable',
  'other',
] as const;
const CLOSE_REASONS = ['repaid', 'restructured', 'litigation', 'written_off', 'other'] as const;
const LIT_STATUSES = ['filed', 'accepted', 'in_trial', 'judged', 'enforcing', 'closed'] as const;
const ASSET_TYPES = ['real_estate', 'vehicle', 'equipment', 'equity', 'other'] as const;
const DISPOSALS = ['auction', 'negotiated_sale', 'transfer_to_own_use', 'other'] as const;

const zh = {
  title: '贷后管理',
  collection: '催收案件',
  litigation: '诉讼',
  assets: '抵债资产',
  open: '在催',
  closed: '已结案',
  all: '全部',
  loan: '贷款',
  openedOn: '立案日',
  officer: '催收员',
  reason: '原因',
  dpdAtOpen: '立案时逾期天数',
  status: '状态',
  openCase: '新建催收案件',
  view: '查看',
  actions: '催收记录',
  promises: '还款承诺',
  recordAction: '登记催收',
  recordPromise: '登记还款承诺',
  closeCase: '结案',
  kind: '方式',
  actionOn: '日期',
  contactPerson: '联系人',
  notes: '备注',
  outcome: '结果',
  amount: '金额',
  promisedDate: '承诺日期',
  closedOn: '结案日',
  chooseLoan: '选择贷款',
  court: '法院',
  caseNumber: '案号',
  filedOn: '起诉日',
  legalCosts: '诉讼费用',
  file: '登记诉讼',
  changeStatus: '变更状态',
  changedOn: '变更日',
  judgementAmount: '判决金额',
  judgementDate: '判决日',
  history: '状态历史',
  assetType: '资产类型',
  description: '描述',
  valuationAmount: '评估价值',
  valuationDate: '评估日',
  acquiredOn: '取得日',
  settledAmount: '抵偿金额',
  bookValue: '入账价值',
  register: '登记抵债资产',
  dispose: '处置',
  disposedOn: '处置日',
  proceeds: '处置收入',
  method: '处置方式',
  disposed: '已处置',
  held: '持有中',
  readOnly: '只读：您的角色可查看贷后记录，不能登记',
  'ak.call': '电话',
  'ak.visit': '上门',
  'ak.letter': '信函',
  'ak.sms': '短信',
  'ak.legal_notice': '律师函',
  'oc.reached': '已联系',
  'oc.not_reached': '未联系上',
  'oc.promised_to_pay': '承诺还款',
  'oc.refused_to_pay': '拒绝还款',
  'oc.disputed': '有异议',
  'oc.delivered': '已送达',
  'oc.undeliverable': '无法送达',
  'oc.other': '其他',
  'cr.repaid': '已还款',
  'cr.restructured': '已重组',
  'cr.litigation': '转诉讼',
  'cr.written_off': '已核销',
  'cr.other': '其他',
  'ps.pending': '待兑现',
  'ps.kept': '已兑现',
  'ps.broken': '未兑现',
  'ls.filed': '已起诉',
  'ls.accepted': '已受理',
  'ls.in_trial': '审理中',
  'ls.judged': '已判决',
  'ls.enforcing': '执行中',
  'ls.closed': '已结案',
  'at.real_estate': '房产',
  'at.vehicle': '车辆',
  'at.equipment': '设备',
  'at.equity': '股权',
  'at.other': '其他',
  'dm.auction': '拍卖',
  'dm.negotiated_sale': '协议转让',
  'dm.transfer_to_own_use': '转自用',
  'dm.other': '其他',
};
type Key = keyof typeof zh;
const messages = register(
  defineMessages(zh, {
    title: 'Post-loan',
    collection: 'Collection cases',
    litigation: 'Litigation',
    assets: 'Repossessed assets',
    open: 'Open',
    closed: 'Closed',
    all: 'All',
    loan: 'Loan',
    openedOn: 'Opened on',
    officer: 'Officer',
    reason: 'Reason',
    dpdAtOpen: 'Days past due at opening',
    status: 'Status',
    openCase: 'Open a collection case',
    view: 'View',
    actions: 'Actions',
    promises: 'Promises to pay',
    recordAction: 'Record an action',
    recordPromise: 'Record a promise',
    closeCase: 'Close the case',
    kind: 'Kind',
    actionOn: 'Date',
    contactPerson: 'Contact person',
    notes: 'Notes',
    outcome: 'Outcome',
    amount: 'Amount',
    promisedDate: 'Promised date',
    closedOn: 'Closed on',
    chooseLoan: 'Choose a loan',
    court: 'Court',
    caseNumber: 'Case number',
    filedOn: 'Filed on',
    legalCosts: 'Legal costs',
    file: 'Record a lawsuit',
    changeStatus: 'Change status',
    changedOn: 'Changed on',
    judgementAmount: 'Judgement amount',
    judgementDate: 'Judgement date',
    history: 'Status history',
    assetType: 'Asset type',
    description: 'Description',
    valuationAmount: 'Valuation',
    valuationDate: 'Valued on',
    acquiredOn: 'Acquired on',
    settledAmount: 'Settled amount',
    bookValue: 'Book value',
    register: 'Register an asset',
    dispose: 'Dispose',
    disposedOn: 'Disposed on',
    proceeds: 'Proceeds',
    method: 'Method',
    disposed: 'Disposed',
    held: 'Held',
    readOnly: 'Read only: your role may see post-loan records but not record them',
    'ak.call': 'Call',
    'ak.visit': 'Visit',
    'ak.letter': 'Letter',
    'ak.sms': 'SMS',
    'ak.legal_notice': 'Legal notice',
    'oc.reached': 'Reached',
    'oc.not_reached': 'Not reached',
    'oc.promised_to_pay': 'Promised to pay',
    'oc.refused_to_pay': 'Refused to pay',
    'oc.disputed': 'Disputed',
    'oc.delivered': 'Delivered',
    'oc.undeliverable': 'Undeliverable',
    'oc.other': 'Other',
    'cr.repaid': 'Repaid',
    'cr.restructured': 'Restructured',
    'cr.litigation': 'Litigation',
    'cr.written_off': 'Written off',
    'cr.other': 'Other',
    'ps.pending': 'Pending',
    'ps.kept': 'Kept',
    'ps.broken': 'Broken',
    'ls.filed': 'Filed',
    'ls.accepted': 'Accepted',
    'ls.in_trial': 'In trial',
    'ls.judged': 'Judged',
    'ls.enforcing': 'Enforcing',
    'ls.closed': 'Closed',
    'at.real_estate': 'Real estate',
    'at.vehicle': 'Vehicle',
    'at.equipment': 'Equipment',
    'at.equity': 'Equity',
    'at.other': 'Other',
    'dm.auction': 'Auction',
    'dm.negotiated_sale': 'Negotiated sale',
    'dm.transfer_to_own_use': 'Transfer to own use',
    'dm.other': 'Other',
  }),
);

type T = (k: Key, v?: Record<string, string | number>) => string;
const opts = (t: T, prefix: string, words: readonly string[]) =>
  words.map((w) => ({ value: w, label: t(`${prefix}.${w}` as Key) }));

/** 贷后管理: collection cases, litigation and repossessed assets; writers record, readers read. */
export default function PostLoanPage() {
  const t = useT(messages) as T & ReturnType<typeof useT>;
  const user = useUser();
  const writer = hasRole(user, ROLE_GROUPS.postLoanWriters);
  return (
    <Card title={<h1 className="page-title">{t('title')}</h1>}>
      {!writer ? (
        <Typography.Paragraph type="secondary" data-testid="read-only">
          {t('readOnly')}
        </Typography.Paragraph>
      ) : null}
      <Tabs
        items={[
          { key: 'c', label: t('collection'), children: <Collection t={t} writer={writer} /> },
          { key: 'l', label: t('litigation'), children: <Litigations t={t} writer={writer} /> },
          { key: 'a', label: t('assets'), children: <Assets t={t} writer={writer} /> },
        ]}
      />
    </Card>
  );
}

function Collection({ t, writer }: { t: T; writer: boolean }) {
  const screens = Grid.useBreakpoint();
  const client = useQueryClient();
  const today = useBusinessDate();
  const [status, setStatus] = useState<'open' | 'closed' | 'all'>('open');
  const [opening, setOpening] = useState(false);
  const [caseId, setCaseId] = useState<string>();
  const [form] = Form.useForm();
  const cases = useQuery({
    queryKey: ['collection-cases', status],
    queryFn: () =>
      data(
        api.GET('/collection-cases', {
          params: { query: { pageSize: '50', ...(status === 'all' ? {} : { status }) } },
        }),
      ),
  });
  const items = cases.data?.items ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Segmented
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          options={[
            { value: 'open', label: t('open') },
            { value: 'closed', label: t('closed') },
            { value: 'all', label: t('all') },
          ]}
        />
        {writer ? (
          <Button
            type="primary"
            size="large"
            onClick={() => setOpening(true)}
            data-testid="open-case"
          >
            {t('openCase')}
          </Button>
        ) : null}
      </Space>
      <PageState loading={cases.isLoading} error={cases.error} empty={items.length === 0}>
        <ScrollTable<CaseSummary>
          label={t('collection')}
          rowKey="id"
          dataSource={items}
          pagination={false}

          size={screens.md ? 'middle' : 'small'}
          data-testid="cases-table"
          columns={[
            {
              title: t('loan'),
              render: (_, c) =>
                c.loan ? <Link to={`/loans/${c.loan.loanId}`}>{c.loan.loanNumber}</Link> : '—',
            },
            { title: t('openedOn'), dataIndex: 'openedOn' },
            { title: t('officer'), dataIndex: 'officer' },
            { title: t('dpdAtOpen'), dataIndex: 'daysPastDueAtOpen', align: 'right' },
            {
              title: t('status'),
              dataIndex: 'status',
              render: (s: string) => (
                <Tag color={s === 'open' ? '#a8071a' : '#237804'}>{t(s as Key)}</Tag>
              ),
            },
            {
              title: '',
              key: 'view',
              render: (_, c) => (
                <Button onClick={() => setCaseId(c.id)} data-testid="view-case">
                  {t('view')}
                </Button>
              ),
            },
          ]}
        />
      </PageState>
      <Drawer
        open={opening}
        onClose={() => setOpening(false)}
        title={t('openCase')}
        width={screens.md ? 480 : '100%'}
        destroyOnHidden
      >
        <WriteForm
          form={form}
          testId="case-form"
          fields={['loanId', 'openedOn', 'officer', 'reason']}
          initialValues={{ openedOn: today }}
          submitLabel={t('openCase')}
          send={({ loanId, ...body }, key) =>
            data(
              api.POST('/loans/{loanId}/collection-cases', {
                params: { path: { loanId: String(loanId) }, header: { 'Idempotency-Key': key } },
                body: body as never,
              }),
            )
          }
          onDone={() => {
            setOpening(false);
            void client.invalidateQueries({ queryKey: ['collection-cases'] });
          }}
        >
          <Form.Item
            name="loanId"
            label={t('loan')}
            rules={[{ required: true, message: t('chooseLoan') }]}
          >
            <LoanPicker ariaLabel={t('loan')} />
          </Form.Item>
          <Form.Item name="openedOn" label={t('openedOn')} rules={[{ required: true }]}>
            <DateField />
          </Form.Item>
          <Form.Item name="officer" label={t('officer')}>
            <Input size="large" />
          </Form.Item>
          <Form.Item name="reason" label={t('reason')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </WriteForm>
      </Drawer>
      <Drawer
        open={!!caseId}
        onClose={() => setCaseId(undefined)}
        title={t('collection')}
        width={screens.md ? 640 : '100%'}
        destroyOnHidden
      >
        {caseId ? <CaseDetail id={caseId} t={t} writer={writer} /> : null}
      </Drawer>
    </Space>
  );
}

function CaseDetail({ id, t, writer }: { id: string; t: T; writer: boolean }) {
  const client = useQueryClient();
  const { message } = App.useApp();
  const today = useBusinessDate();
  const [actionForm] = Form.useForm();
  const [promiseForm] = Form.useForm();
  const [closeForm] = Form.useForm();
  const c = useQuery({
    queryKey: ['collection-case', id],
    queryFn: () => data(api.GET('/collection-cases/{id}', { params: { path: { id } } })),
  });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['collection-case', id] });
    void client.invalidateQueries({ queryKey: ['collection-cases'] });
  };
  const k = c.data;
  return (
    <PageState loading={c.isLoading} error={c.error}>
      {k ? (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="case-detail">
          <Typography.Text strong>
            {k.loan?.loanNumber} · {t(k.status as Key)} · {k.openedOn}
          </Typography.Text>
          <h2 className="section-title" style={{ fontSize: 16, margin: 0 }}>
            {t('actions')}
          </h2>
          <List
            dataSource={k.actions}
            data-testid="case-actions"
            renderItem={(a) => (
              <List.Item>
                {a.actionOn} · {t(`ak.${a.kind}` as Key)} · {a.contactPerson} ·{' '}
                {t(`oc.${a.outcome}` as Key)} {a.notes ? `· ${a.notes}` : ''}
              </List.Item>
            )}
          />
          <h2 className="section-title" style={{ fontSize: 16, margin: 0 }}>
            {t('promises')}
          </h2>
          <List
            dataSource={k.promises}
            data-testid="case-promises"
            renderItem={(p) => (
              <List.Item
                actions={
                  writer && p.status === 'pending'
                    ? (['kept', 'broken'] as const).map((status) => (
                        <Button
                          key={status}
                          onClick={() =>
                            void data(
                              api.PATCH('/promises/{id}', {
                                params: { path: { id: p.id } },
                                body: { status, resolvedOn: today ?? p.promisedDate },
                              }),
                            ).then(refresh, (e: unknown) =>
                              message.error(e instanceof Error ? e.message : String(e)),
                            )
                          }
                        >
                          {t(`ps.${status}`)}
                        </Button>
                      ))
                    : undefined
                }
              >
                {p.promisedDate} · <Money value={p.amount} /> · {t(`ps.${p.status}` as Key)}
              </List.Item>
            )}
          />
          {writer && k.status === 'open' ? (
            <Tabs
              items={[
                {
                  key: 'a',
                  label: t('recordAction'),
                  children: (
                    <WriteForm
                      form={actionForm}
                      testId="action-form"
                      fields={['kind', 'actionOn', 'officer', 'contactPerson', 'notes', 'outcome']}
                      initialValues={{ actionOn: today, kind: 'call', outcome: 'reached' }}
                      submitLabel={t('recordAction')}
                      send={(body, key) =>
                        data(
                          api.POST('/collection-cases/{id}/actions', {
                            params: { path: { id }, header: { 'Idempotency-Key': key } },
                            body: body as never,
                          }),
                        )
                      }
                      onDone={refresh}
                    >
                      <Form.Item name="kind" label={t('kind')}>
                        <Select size="large" options={opts(t, 'ak', ACTION_KINDS)} />
                      </Form.Item>
                      <Form.Item name="actionOn" label={t('actionOn')}>
                        <DateField />
                      </Form.Item>
                      <Form.Item name="contactPerson" label={t('contactPerson')}>
                        <Input size="large" />
                      </Form.Item>
                      <Form.Item name="outcome" label={t('outcome')}>
                        <Select size="large" options={opts(t, 'oc', OUTCOMES)} />
                      </Form.Item>
                      <Form.Item name="notes" label={t('notes')}>
                        <Input.TextArea rows={2} />
                      </Form.Item>
                    </WriteForm>
                  ),
                },
                {
                  key: 'p',
                  label: t('recordPromise'),
                  children: (
                    <WriteForm
                      form={promiseForm}
                      testId="promise-form"
                      fields={['amount', 'promisedDate', 'notes']}
                      initialValues={{ promisedDate: today }}
                      submitLabel={t('recordPromise')}
                      send={(body, key) =>
                        data(
                          api.POST('/collection-cases/{id}/promises', {
                            params: { path: { id }, header: { 'Idempotency-Key': key } },
                            body: body as never,
                          }),
                        )
                      }
                      onDone={refresh}
                    >
                      <Form.Item name="amount" label={t('amount')}>
                        <Input size="large" prefix="¥" inputMode="decimal" />
                      </Form.Item>
                      <Form.Item name="promisedDate" label={t('promisedDate')}>
                        <DateField />
                      </Form.Item>
                      <Form.Item name="notes" label={t('notes')}>
                        <Input.TextArea rows={2} />
                      </Form.Item>
                    </WriteForm>
                  ),
                },
                {
                  key: 'c',
                  label: t('closeCase'),
                  children: (
                    <WriteForm
                      form={closeForm}
                      fields={['reason', 'closedOn', 'notes']}
                      initialValues={{ closedOn: today, reason: 'repaid' }}
                      submitLabel={t('closeCase')}
                      send={(body) =>
                        data(
                          api.POST('/collection-cases/{id}:close', {
                            params: { path: { id } },
                            body: body as never,
                          }),
                        )
                      }
                      onDone={refresh}
                    >
                      <Form.Item name="reason" label={t('reason')}>
                        <Select size="large" options={opts(t, 'cr', CLOSE_REASONS)} />
                      </Form.Item>
                      <Form.Item name="closedOn" label={t('closedOn')}>
                        <DateField />
                      </Form.Item>
                      <Form.Item name="notes" label={t('notes')}>
                        <Input.TextArea rows={2} />
                      </Form.Item>
                    </WriteForm>
                  ),
                },
              ]}
            />
          ) : null}
        </Space>
      ) : null}
    </PageState>
  );
}

function Litigations({ t, writer }: { t: T; writer: boolean }) {
  const [loanId, setLoanId] = useState<string>();
  const client = useQueryClient();
  const today = useBusinessDate();
  const [form] = Form.useForm();
  const [statusForm] = Form.useForm();
  const list = useQuery({
    queryKey: ['litigations', loanId],
    enabled: !!loanId,
    queryFn: () =>
      data(api.GET('/loans/{loanId}/litigations', { params: { path: { loanId: loanId! } } })),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['litigations', loanId] });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <LoanPicker
        ariaLabel={t('chooseLoan')}
        value={loanId}
        onChange={setLoanId}
        id="litigation-loan"
      />
      {loanId ? (
        <PageState loading={list.isLoading} error={list.error} empty={!list.data?.items.length}>
          <List<Litigation>
            dataSource={list.data?.items ?? []}
            data-testid="litigations"
            renderItem={(s) => (
              <List.Item>
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Typography.Text strong>
                    {s.court} · {s.caseNumber ?? '—'} · {t(`ls.${s.status}` as Key)}
                  </Typography.Text>
                  <span>
                    {t('filedOn')}: {s.filedOn}
                    {s.judgementAmount ? (
                      <>
                        {' '}
                        · {t('judgementAmount')}: <Money value={s.judgementAmount} />
                      </>
                    ) : null}
                  </span>
                  <Timeline
                    items={s.history.map((h) => ({
                      children: `${h.changedOn} ${h.fromStatus ? t(`ls.${h.fromStatus}` as Key) : ''} → ${t(`ls.${h.toStatus}` as Key)} ${h.notes}`,
                    }))}
                  />
                  {writer && s.status !== 'closed' ? (
                    <WriteForm
                      form={statusForm}
                      testId="litigation-status-form"
                      fields={[
                        'status',
                        'changedOn',
                        'judgementAmount',
                        'judgementDate',
                        'caseNumber',
                        'notes',
                      ]}
                      initialValues={{ changedOn: today }}
                      submitLabel={t('changeStatus')}
                      send={(body) =>
                        data(
                          api.POST('/litigations/{id}/status', {
                            params: { path: { id: s.id } },
                            body: body as never,
                          }),
                        )
                      }
                      onDone={refresh}
                    >
                      <Space wrap align="start">
                        <Form.Item name="status" label={t('status')} rules={[{ required: true }]}>
                          <Select
                            size="large"
                            style={{ minWidth: 160 }}
                            options={opts(t, 'ls', LIT_STATUSES)}
                          />
                        </Form.Item>
                        <Form.Item name="changedOn" label={t('changedOn')}>
                          <DateField />
                        </Form.Item>
                        <Form.Item name="judgementAmount" label={t('judgementAmount')}>
                          <Input size="large" prefix="¥" />
                        </Form.Item>
                        <Form.Item name="caseNumber" label={t('caseNumber')}>
                          <Input size="large" />
                        </Form.Item>
                      </Space>
                    </WriteForm>
                  ) : null}
                </Space>
              </List.Item>
            )}
          />
        </PageState>
      ) : null}
      {writer && loanId ? (
        <Card
          size="small"
          title={
            <h2 className="section-title" style={{ fontSize: 16, margin: 0 }}>
              {t('file')}
            </h2>
          }
        >
          <WriteForm
            form={form}
            testId="litigation-form"
            fields={['court', 'caseNumber', 'filedOn', 'legalCosts', 'notes']}
            initialValues={{ filedOn: today }}
            submitLabel={t('file')}
            send={(body, key) =>
              data(
                api.POST('/loans/{loanId}/litigations', {
                  params: { path: { loanId }, header: { 'Idempotency-Key': key } },
                  body: body as never,
                }),
              )
            }
            onDone={refresh}
          >
            <Form.Item name="court" label={t('court')}>
              <Input size="large" />
            </Form.Item>
            <Form.Item name="caseNumber" label={t('caseNumber')}>
              <Input size="large" />
            </Form.Item>
            <Form.Item name="filedOn" label={t('filedOn')}>
              <DateField />
            </Form.Item>
            <Form.Item name="legalCosts" label={t('legalCosts')}>
              <Input size="large" prefix="¥" />
            </Form.Item>
          </WriteForm>
        </Card>
      ) : null}
    </Space>
  );
}

function Assets({ t, writer }: { t: T; writer: boolean }) {
  const [loanId, setLoanId] = useState<string>();
  const client = useQueryClient();
  const today = useBusinessDate();
  const [form] = Form.useForm();
  const [disposeForm] = Form.useForm();
  const list = useQuery({
    queryKey: ['assets', loanId],
    enabled: !!loanId,
    queryFn: () =>
      data(
        api.GET('/loans/{loanId}/repossessed-assets', { params: { path: { loanId: loanId! } } }),
      ),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['assets', loanId] });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <LoanPicker ariaLabel={t('chooseLoan')} value={loanId} onChange={setLoanId} id="asset-loan" />
      {loanId ? (
        <PageState loading={list.isLoading} error={list.error} empty={!list.data?.items.length}>
          <List<Asset>
            dataSource={list.data?.items ?? []}
            data-testid="assets"
            renderItem={(a) => (
              <List.Item>
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Typography.Text strong>
                    {t(`at.${a.assetType}` as Key)} · {a.description} ·{' '}
                    {a.disposal ? t('disposed') : t('held')}
                  </Typography.Text>
                  <span>
                    {t('bookValue')}: <Money value={a.bookValue} /> · {t('valuationAmount')}:{' '}
                    <Money value={a.valuationAmount} /> · {t('acquiredOn')}: {a.acquiredOn}
                  </span>
                  {a.disposal ? (
                    <span>
                      {t('disposedOn')}: {a.disposal.disposedOn} · {t('proceeds')}:{' '}
                      <Money value={a.disposal.proceeds} />
                    </span>
                  ) : writer ? (
                    <WriteForm
                      form={disposeForm}
                      testId="dispose-form"
                      fields={['disposedOn', 'proceeds', 'method', 'notes']}
                      initialValues={{ disposedOn: today, method: 'auction' }}
                      submitLabel={t('dispose')}
                      send={(body) =>
                        data(
                          api.POST('/repossessed-assets/{id}/disposal', {
                            params: { path: { id: a.id } },
                            body: body as never,
                          }),
                        )
                      }
                      onDone={refresh}
                    >
                      <Space wrap align="start">
                        <Form.Item name="disposedOn" label={t('disposedOn')}>
                          <DateField />
                        </Form.Item>
                        <Form.Item name="proceeds" label={t('proceeds')}>
                          <Input size="large" prefix="¥" />
                        </Form.Item>
                        <Form.Item name="method" label={t('method')}>
                          <Select
                            size="large"
                            style={{ minWidth: 160 }}
                            options={opts(t, 'dm', DISPOSALS)}
                          />
                        </Form.Item>
                      </Space>
                    </WriteForm>
                  ) : null}
                </Space>
              </List.Item>
            )}
          />
        </PageState>
      ) : null}
      {writer && loanId ? (
        <Card
          size="small"
          title={
            <h2 className="section-title" style={{ fontSize: 16, margin: 0 }}>
              {t('register')}
            </h2>
          }
        >
          <WriteForm
            form={form}
            testId="asset-form"
            fields={[
              'assetType',
              'description',
              'valuationAmount',
              'valuationDate',
              'acquiredOn',
              'settledAmount',
              'bookValue',
              'notes',
            ]}
            initialValues={{ assetType: 'vehicle', valuationDate: today, acquiredOn: today }}
            submitLabel={t('register')}
            send={(body, key) =>
              data(
                api.POST('/loans/{loanId}/repossessed-assets', {
                  params: { path: { loanId }, header: { 'Idempotency-Key': key } },
                  body: body as never,
                }),
              )
            }
            onDone={refresh}
          >
            <Form.Item name="assetType" label={t('assetType')}>
              <Select size="large" options={opts(t, 'at', ASSET_TYPES)} />
            </Form.Item>
            <Form.Item name="description" label={t('description')}>
              <Input size="large" />
            </Form.Item>
            {(['valuationAmount', 'settledAmount', 'bookValue'] as const).map((f) => (
              <Form.Item key={f} name={f} label={t(f)}>
                <Input size="large" prefix="¥" />
              </Form.Item>
            ))}
            <Form.Item name="valuationDate" label={t('valuationDate')}>
              <DateField />
            </Form.Item>
            <Form.Item name="acquiredOn" label={t('acquiredOn')}>
              <DateField />
            </Form.Item>
          </WriteForm>
        </Card>
      ) : null}
    </Space>
  );
}
