import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Grid,
  Input,
  Modal,
  Row,
  Select,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, data, idempotencyKey } from '../../api/client';
import type { components } from '../../api/schema';
import { ApiError } from '../../api/problem';
import { hasRole, useUser } from '../../auth/useSession';
import { DocumentsPanel } from '../../components/DocumentsPanel';
import { showFieldErrors } from '../../components/forms';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { ProcessDiagram } from '../../components/ProcessDiagram';
import { dateTimeText } from '../../format/date';
import { maskId, maskPhone } from '../../format/mask';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';
import { ROLE_GROUPS } from '../../nav';
import { PreAssessmentView } from './PreAssessment';
import { STATUS_COLOURS } from './status';
import { useDirectory } from './users';
import './applications.css';

type Application = components['schemas']['Application'];
type ProcessInstance = components['schemas']['ProcessInstance'];
type GenerateContract = components['schemas']['GenerateContractRequest'];

const messages = register(
  defineMessages(
    {
      title: '贷款申请 · {name}',
      overview: '申请信息',
      customer: '客户',
      residentId: '身份证号',
      mobile: '手机号',
      creditCode: '统一社会信用代码',
      product: '产品',
      amount: '申请金额',
      term: '期限',
      months: '{n} 个月',
      method: '还款方式',
      rate: '年利率',
      status: '状态',
      purpose: '用途',
      branch: '机构',
      createdAt: '创建时间',
      submittedAt: '提交时间',
      decidedAt: '审批完成',
      approved: '批准金额 / 利率 / 期限',
      contract: '合同',
      'contractStatus.generated': '待签署',
      'contractStatus.signing': '签署中',
      'contractStatus.signed': '已签署',
      contractSuperseded: '已被新合同取代',
      loan: '贷款',
      preAssessment: '预审结果',
      documents: '影像资料',
      history: '审批记录',
      diagram: '流程图',
      noProcess: '尚未进入审批流程',
      withdraw: '撤回申请',
      withdrawTitle: '撤回申请',
      withdrawReason: '撤回原因',
      withdrawn: '申请已撤回',
      generate: '生成合同',
      generateTitle: '生成借款合同',
      disbursementDate: '放款日期',
      lender: '贷款人',
      borrower: '借款人',
      guarantor: '担保人',
      partyName: '名称',
      signer: '签署人',
      withGuarantor: '有担保人',
      collateral: '抵押物',
      repaymentAccount: '还款账户',
      generated: '合同已生成',
      openContract: '查看合同',
      activeSteps: '当前步骤：{steps}',
      processStatus: '流程：{status}',
      'process.active': '进行中',
      'process.completed': '已结束',
      'process.terminated': '已终止',
      by: '{who}',
      applicationEvents: '申请记录',
      'action.started': '发起',
      'action.completed': '完成',
      'action.claimed': '签收',
      'action.unclaimed': '退回队列',
      'action.delegated': '委派',
      'action.transferred': '转办',
      'action.sentBack': '退回',
      'action.signerAdded': '加签',
      'action.urged': '催办',
      'action.withdrawn': '撤回',
      'action.terminated': '终止',
      'action.ended': '结束',
      'action.migrated': '迁移版本',
      'action.resolved': '委派办结',
      'action.timerFired': '超时',
      'action.jobCompleted': '自动完成',
      'action.messageCorrelated': '收到消息',
    },
    {
      title: 'Application · {name}',
      overview: 'Application',
      customer: 'Customer',
      residentId: 'ID number',
      mobile: 'Mobile',
      creditCode: 'Credit code',
      product: 'Product',
      amount: 'Amount',
      term: 'Term',
      months: '{n} months',
      method: 'Repayment',
      rate: 'Annual rate',
      status: 'Status',
      purpose: 'Purpose',
      branch: 'Branch',
      createdAt: 'Created',
      submittedAt: 'Submitted',
      decidedAt: 'Decided',
      approved: 'Approved amount / rate / term',
      contract: 'Contract',
      'contractStatus.generated': 'To be signed',
      'contractStatus.signing': 'Being signed',
      'contractStatus.signed': 'Signed',
      contractSuperseded: 'Superseded by a newer contract',
      loan: 'Loan',
      preAssessment: 'Pre-assessment',
      documents: 'Documents',
      history: 'Approval history',
      diagram: 'Process diagram',
      noProcess: 'Not in approval yet',
      withdraw: 'Withdraw',
      withdrawTitle: 'Withdraw the application',
      withdrawReason: 'Reason',
      withdrawn: 'Application withdrawn',
      generate: 'Generate contract',
      generateTitle: 'Generate the loan contract',
      disbursementDate: 'Disbursement date',
      lender: 'Lender',
      borrower: 'Borrower',
      guarantor: 'Guarantor',
      partyName: 'Name',
      signer: 'Signer',
      withGuarantor: 'With a guarantor',
      collateral: 'Collateral',
      repaymentAccount: 'Repayment account',
      generated: 'Contract generated',
      openContract: 'Open the contract',
      activeSteps: 'Current step: {steps}',
      processStatus: 'Process: {status}',
      'process.active': 'active',
      'process.completed': 'completed',
      'process.terminated': 'terminated',
      by: '{who}',
      applicationEvents: 'Application events',
      'action.started': 'Started',
      'action.completed': 'Completed',
      'action.claimed': 'Claimed',
      'action.unclaimed': 'Unclaimed',
      'action.delegated': 'Delegated',
      'action.transferred': 'Transferred',
      'action.sentBack': 'Sent back',
      'action.signerAdded': 'Signer added',
      'action.urged': 'Urged',
      'action.withdrawn': 'Withdrawn',
      'action.terminated': 'Terminated',
      'action.ended': 'Ended',
      'action.migrated': 'Migrated',
      'action.resolved': 'Resolved',
      'action.timerFired': 'Timer fired',
      'action.jobCompleted': 'Done automatically',
      'action.messageCorrelated': 'Message received',
    },
  ),
);

/** The approval history: every step taken, who, when, the outcome and the opinion. */
export function ApprovalHistory({ process }: { process: ProcessInstance }) {
  const t = useT(messages);
  const { language } = useLanguage();
  const { nameOf } = useDirectory();
  const actionLabel = (action: string) => {
    const label = t(`action.${action}` as 'action.started');
    return label === `action.${action}` ? action : label;
  };
  const colour = (action: string) =>
    /reject|terminat|withdraw/i.test(action)
      ? 'red'
      : /sent.?back|return/i.test(action)
        ? 'orange'
        : /approve|complete/.test(action)
          ? 'green'
          : 'blue';
  return (
    <Timeline
      className="approval-history"
      items={process.history.map((h, i) => ({
        key: `${h.at}-${i}`,
        color: colour(h.action),
        children: (
          <div className="history-entry" data-element-id={h.elementId}>
            <Space wrap size={4}>
              <Typography.Text strong>
                {h.elementName || t(`step.${h.elementId}` as 'step.investigation')}
              </Typography.Text>
              <Tag color={colour(h.action)} data-action={h.action}>
                {actionLabel(h.action)}
              </Tag>
              <Typography.Text type="secondary">
                {nameOf(h.actor)} · {dateTimeText(h.at, language)}
              </Typography.Text>
            </Space>
            {h.opinion ? (
              <Typography.Paragraph style={{ margin: '4px 0 0' }}>{h.opinion}</Typography.Paragraph>
            ) : null}
          </div>
        ),
      }))}
    />
  );
}

function WithdrawButton({ application }: { application: Application }) {
  const t = useT(messages);
  const client = useQueryClient();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [key] = useState(idempotencyKey);
  const [rest, setRest] = useState<string[]>([]);
  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    try {
      await data(
        api.POST('/applications/{id}/withdraw', {
          params: { path: { id: application.id } },
          headers: { 'Idempotency-Key': key },
          body: { reason },
        }),
      );
      void message.success(t('withdrawn'));
      setOpen(false);
      void client.invalidateQueries({ queryKey: ['application', application.id] });
      void client.invalidateQueries({ queryKey: ['process', application.id] });
    } catch (e) {
      setRest(showFieldErrors(form, e, ['reason']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button danger onClick={() => setOpen(true)}>
        {t('withdraw')}
      </Button>
      <Modal
        open={open}
        title={t('withdrawTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('withdraw')}
        okButtonProps={{ danger: true, loading: busy }}
        cancelText={t('action.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item
            name="reason"
            label={t('withdrawReason')}
            rules={[{ required: true, message: t('field.required') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        </Form>
        {rest.length > 0 ? <Alert type="error" showIcon message={rest.join('; ')} /> : null}
      </Modal>
    </>
  );
}

interface GenerateValues {
  disbursementDate: dayjs.Dayjs;
  lenderName: string;
  lenderSigner: string;
  borrowerName: string;
  borrowerSigner: string;
  withGuarantor?: boolean;
  guarantorName?: string;
  guarantorSigner?: string;
  collateral?: string;
  repaymentAccount?: string;
}

function GenerateContractButton({ application }: { application: Application }) {
  const t = useT(messages);
  const user = useUser();
  const navigate = useNavigate();
  const { users } = useDirectory();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<GenerateValues>();
  const withGuarantor = Form.useWatch('withGuarantor', form);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(idempotencyKey);
  const [rest, setRest] = useState<string[]>([]);
  const userOptions = (users.data ?? []).map((u) => ({
    value: u.id,
    label: `${u.displayName} (${u.username})`,
  }));
  const submit = async (v: GenerateValues) => {
    setBusy(true);
    setRest([]);
    const parties: GenerateContract['parties'] = [
      { role: 'lender', name: v.lenderName, signerUserId: v.lenderSigner },
      { role: 'borrower', name: v.borrowerName, signerUserId: v.borrowerSigner },
    ];
    if (v.withGuarantor && v.guarantorName && v.guarantorSigner)
      parties.push({ role: 'guarantor', name: v.guarantorName, signerUserId: v.guarantorSigner });
    try {
      const out = await data(
        api.POST('/contracts', {
          headers: { 'Idempotency-Key': key },
          body: {
            applicationId: application.id,
            disbursementDate: v.disbursementDate.format('YYYY-MM-DD'),
            parties,
            ...(v.collateral ? { collateral: v.collateral } : {}),
            ...(v.repaymentAccount ? { repaymentAccount: v.repaymentAccount } : {}),
          },
        }),
      );
      setOpen(false);
      if (out.contract) navigate(`/contracts/${out.contract.id}`);
    } catch (e) {
      setKey(idempotencyKey());
      const others = showFieldErrors(form, e, [
        'disbursementDate',
        'collateral',
        'repaymentAccount',
      ]);
      setRest(e instanceof ApiError && e.errors.length === 0 ? [e.detail ?? e.title] : others);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        type="primary"
        onClick={() => {
          setOpen(true);
          void data(api.GET('/business-days/current')).then((d) => {
            if (!form.getFieldValue('disbursementDate'))
              form.setFieldsValue({ disbursementDate: dayjs(d.openBusinessDate) });
          });
          form.setFieldsValue({
            lenderName: `LoanFlow ${application.branchId}`,
            lenderSigner: user?.userId,
            borrowerName: application.customerName,
            borrowerSigner: user?.userId,
          });
        }}
      >
        {t('generate')}
      </Button>
      <Modal
        open={open}
        title={t('generateTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('generate')}
        okButtonProps={{ loading: busy }}
        cancelText={t('action.cancel')}
        width={640}
        forceRender
      >
        <Form<GenerateValues>
          form={form}
          layout="vertical"
          onFinish={(v) => void submit(v)}
          className="generate-contract-form"
        >
          <Form.Item
            name="disbursementDate"
            label={t('disbursementDate')}
            rules={[{ required: true, message: t('field.required') }]}
          >
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          {(['lender', 'borrower'] as const).map((role) => (
            <Row gutter={12} key={role}>
              <Col xs={24} sm={12}>
                <Form.Item
                  name={`${role}Name`}
                  label={`${t(role)} · ${t('partyName')}`}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name={`${role}Signer`}
                  label={`${t(role)} · ${t('signer')}`}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Select showSearch optionFilterProp="label" options={userOptions} />
                </Form.Item>
              </Col>
            </Row>
          ))}
          <Form.Item name="withGuarantor" valuePropName="checked">
            <Checkbox>{t('withGuarantor')}</Checkbox>
          </Form.Item>
          {withGuarantor ? (
            <Row gutter={12}>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="guarantorName"
                  label={`${t('guarantor')} · ${t('partyName')}`}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="guarantorSigner"
                  label={`${t('guarantor')} · ${t('signer')}`}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Select showSearch optionFilterProp="label" options={userOptions} />
                </Form.Item>
              </Col>
            </Row>
          ) : null}
          <Form.Item name="collateral" label={t('collateral')}>
            <Input />
          </Form.Item>
          <Form.Item name="repaymentAccount" label={t('repaymentAccount')}>
            <Input />
          </Form.Item>
        </Form>
        {rest.length > 0 ? <Alert type="error" showIcon message={rest.join('; ')} /> : null}
      </Modal>
    </>
  );
}

/** 贷款申请: its terms, the customer (masked), the pre-assessment, documents, history, diagram. */
export default function ApplicationPage() {
  const { id = '' } = useParams();
  const t = useT(messages);
  const { language } = useLanguage();
  const user = useUser();
  const screens = Grid.useBreakpoint();
  const application = useQuery({
    queryKey: ['application', id],
    queryFn: () => data(api.GET('/applications/{id}', { params: { path: { id } } })),
  });
  const a = application.data;
  const customer = useQuery({
    queryKey: ['customer', a?.customerId],
    enabled: !!a,
    queryFn: () => data(api.GET('/customers/{id}', { params: { path: { id: a!.customerId } } })),
  });
  const products = useQuery({
    queryKey: ['products'],
    queryFn: () => data(api.GET('/products')),
    staleTime: 300_000,
  });
  const process = useQuery({
    queryKey: ['process', id],
    enabled: !!a && a.status !== 'draft',
    retry: false,
    queryFn: () =>
      data(api.GET('/applications/{id}/process', { params: { path: { id } } })).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
  });
  const product = products.data?.items.find((p) => p.code === a?.productCode);
  const frontOffice = hasRole(user, ROLE_GROUPS.frontOffice);
  const canFile = !!user && !hasRole(user, ['auditor']) && user.roles.length > 0;
  const c = customer.data;
  const p = process.data;
  const [activeNames, setActiveNames] = useState<string[]>();
  const contracts = useQuery({
    queryKey: ['contracts', id],
    queryFn: () => data(api.GET('/contracts', { params: { query: { applicationId: id } } })),
    enabled: !!id,
  });
  const completed = [...new Set((p?.history ?? []).map((h) => h.elementId).filter(Boolean))];

  return (
    <PageState
      loading={application.isLoading}
      error={application.error}
      retry={() => void application.refetch()}
    >
      {a ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }} className="lf-app-page">
          <Card
            title={
              <h1 className="page-title">
                {t('title', { name: a.customerName })}{' '}
                <Tag color={STATUS_COLOURS[a.status ?? 'draft']} className="application-status">
                  {t(`status.${a.status ?? 'draft'}`)}
                </Tag>
              </h1>
            }
            extra={
              <Space wrap>
                {frontOffice && (a.status === 'submitted' || a.status === 'draft') ? (
                  <WithdrawButton application={a} />
                ) : null}
                {hasRole(user, ROLE_GROUPS.contractMakers) && a.status === 'approved' ? (
                  <GenerateContractButton application={a} />
                ) : null}
              </Space>
            }
          >
            <Descriptions
              bordered
              size="small"
              column={screens.lg ? 3 : screens.sm ? 2 : 1}
              className="application-overview"
            >
              <Descriptions.Item label={t('customer')}>
                {a.customerName}{' '}
                {a.customerType ? <Tag>{t(`customerType.${a.customerType}`)}</Tag> : null}
              </Descriptions.Item>
              {c?.individual ? (
                <>
                  <Descriptions.Item label={t('residentId')}>
                    <span className="masked-id">{maskId(c.individual.residentIdMasked)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('mobile')}>
                    <span className="masked-phone">{maskPhone(c.individual.mobileMasked)}</span>
                  </Descriptions.Item>
                </>
              ) : null}
              {c?.corporate ? (
                <>
                  <Descriptions.Item label={t('creditCode')}>
                    {c.corporate.creditCode}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('mobile')}>
                    <span className="masked-phone">
                      {maskPhone(c.corporate.contactMobileMasked)}
                    </span>
                  </Descriptions.Item>
                </>
              ) : null}
              <Descriptions.Item label={t('product')}>
                {product ? (language === 'en' ? product.name : product.nameZh) : a.productCode}
              </Descriptions.Item>
              <Descriptions.Item label={t('amount')}>
                <Money value={a.amount} inWords />
              </Descriptions.Item>
              <Descriptions.Item label={t('term')}>
                {t('months', { n: a.termMonths })}
              </Descriptions.Item>
              <Descriptions.Item label={t('method')}>
                {a.repaymentMethod ? t(`method.${a.repaymentMethod}`) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('rate')}>{a.ratePercent}%</Descriptions.Item>
              <Descriptions.Item label={t('branch')}>{a.branchId}</Descriptions.Item>
              <Descriptions.Item label={t('purpose')}>{a.purpose}</Descriptions.Item>
              <Descriptions.Item label={t('createdAt')}>
                {dateTimeText(a.createdAt, language)}
              </Descriptions.Item>
              {a.submittedAt ? (
                <Descriptions.Item label={t('submittedAt')}>
                  {dateTimeText(a.submittedAt, language)}
                </Descriptions.Item>
              ) : null}
              {a.decidedAt ? (
                <Descriptions.Item label={t('decidedAt')}>
                  {dateTimeText(a.decidedAt, language)}
                </Descriptions.Item>
              ) : null}
              {a.approvedAmount ? (
                <Descriptions.Item label={t('approved')}>
                  <Money value={a.approvedAmount} /> / {a.approvedRatePercent ?? '—'}% /{' '}
                  {a.approvedTermMonths ?? '—'}
                </Descriptions.Item>
              ) : null}
              {contracts.data?.items.length ? (
                <Descriptions.Item label={t('contract')}>
                  <Space direction="vertical" size={0} data-testid="application-contracts">
                    {contracts.data.items.map((c, i) => (
                      <span key={c.id}>
                        <Link to={`/contracts/${c.id}`}>{c.contractNumber}</Link>{' '}
                        <Tag>
                          {i > 0 && c.status !== 'signed'
                            ? t('contractSuperseded')
                            : t(`contractStatus.${c.status}` as 'contractStatus.generated')}
                        </Tag>
                      </span>
                    ))}
                  </Space>
                </Descriptions.Item>
              ) : null}
              {a.loanId ? (
                <Descriptions.Item label={t('loan')}>
                  <Link to={`/loans/${a.loanId}`}>{a.loanNumber ?? a.loanId}</Link>
                </Descriptions.Item>
              ) : null}
            </Descriptions>
          </Card>

          <Card title={<h2 className="section-title">{t('preAssessment')}</h2>}>
            <PreAssessmentView value={a.preAssessment} />
          </Card>

          <Card title={<h2 className="section-title">{t('documents')}</h2>}>
            <DocumentsPanel applicationId={a.id} canUpload={canFile} />
          </Card>

          <Row gutter={[16, 16]}>
            <Col xs={24} xl={9}>
              <Card
                title={<h2 className="section-title">{t('history')}</h2>}
                style={{ height: '100%' }}
              >
                <PageState
                  loading={process.isLoading && a.status !== 'draft'}
                  error={process.error}
                >
                  {p ? (
                    <>
                      <Typography.Paragraph type="secondary">
                        {t('processStatus', { status: t(`process.${p.status}`) })}
                      </Typography.Paragraph>
                      <ApprovalHistory process={p} />
                    </>
                  ) : (
                    <Empty description={t('noProcess')} />
                  )}
                </PageState>
              </Card>
            </Col>
            <Col xs={24} xl={15}>
              <Card title={<h2 className="section-title">{t('diagram')}</h2>}>
                {p ? (
                  <>
                    {p.activeElementIds.length > 0 ? (
                      <Typography.Paragraph>
                        {t('activeSteps', {
                          steps: (activeNames ?? p.activeElementIds).join('、'),
                        })}
                      </Typography.Paragraph>
                    ) : null}
                    <ProcessDiagram
                      definitionId={p.definitionId}
                      activeElementIds={p.activeElementIds}
                      completedElementIds={completed}
                      height={screens.md ? 420 : 300}
                      onActiveNames={setActiveNames}
                    />
                  </>
                ) : (
                  <Empty description={t('noProcess')} />
                )}
              </Card>
            </Col>
          </Row>
          {a.history.length > 0 ? (
            <Card title={<h2 className="section-title">{t('applicationEvents')}</h2>}>
              <Timeline
                items={a.history.map((h, i) => ({
                  key: `${h.at}-${i}`,
                  children: (
                    <Space wrap size={4}>
                      <Tag>
                        {t(`status.${h.action}` as 'status.draft') === `status.${h.action}`
                          ? h.action
                          : t(`status.${h.action}` as 'status.draft')}
                      </Tag>
                      <Typography.Text type="secondary">
                        {dateTimeText(h.at, language)}
                      </Typography.Text>
                      {h.reason ? <span>{h.reason}</span> : null}
                    </Space>
                  ),
                }))}
              />
            </Card>
          ) : null}
        </Space>
      ) : null}
    </PageState>
  );
}
