import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Grid,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, data, fetchBlob, idempotencyKey, saveBlob } from '../../api/client';
import type { components } from '../../api/schema';
import { ApiError } from '../../api/problem';
import { hasRole, useUser } from '../../auth/useSession';
import { PdfPages } from '../../components/DocumentPdfPages';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { dateText, dateTimeText } from '../../format/date';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';
import '../applications/applications.css';
import { useDirectory } from '../applications/users';

type Contract = components['schemas']['Contract'];
type Signature = components['schemas']['ContractSignature'];
type Verification = components['schemas']['ContractVerification'];
type Installment = components['schemas']['ContractInstallment'];

const messages = register(
  defineMessages(
    {
      title: '借款合同 {number}',
      terms: '合同条款',
      amount: '借款金额',
      amountWords: '大写',
      rate: '年利率',
      rateBasis: '利率基准',
      'basis.fixed': '固定利率',
      'basis.lpr_1y': '1 年期 LPR',
      'basis.lpr_5y': '5 年期 LPR',
      spread: '加点 {bp} 个基点',
      term: '期限',
      months: '{n} 个月',
      method: '还款方式',
      repaymentDay: '每期还款日',
      disbursementDate: '放款日',
      firstDueDate: '首期还款日',
      maturityDate: '到期日',
      penalty: '罚息上浮',
      totalInterest: '利息合计',
      totalPayment: '还款总额',
      application: '申请',
      generatedAt: '生成时间',
      template: '模板',
      status: '状态',
      'status.generated': '待签署',
      'status.signing': '签署中',
      'status.signed': '已签署',
      parties: '合同当事人',
      role: '身份',
      'party.lender': '贷款人',
      'party.borrower': '借款人',
      'party.guarantor': '担保人',
      name: '名称',
      signer: '签署人',
      idNumber: '证件号',
      signed: '已签',
      unsigned: '未签',
      sign: '以{role}身份签署',
      signedOk: '已签署',
      verify: '验证签名',
      verified: '签名与时间戳均有效',
      notVerified: '验证未通过',
      allSigned: '各方均已签署',
      notAllSigned: '尚有当事人未签署',
      signatures: '签名',
      signedAt: '签署时间',
      tsa: '时间戳（TSA）',
      certificate: '证书',
      valid: '有效',
      invalid: '无效',
      pdf: '合同文本',
      pdfPage: '合同第几页',
      download: '下载 PDF',
      schedule: '还款计划',
      period: '期次',
      dueDate: '还款日',
      principal: '本金',
      interest: '利息',
      total: '合计',
      balance: '剩余本金',
      sha256: 'SHA-256',
    },
    {
      title: 'Loan contract {number}',
      terms: 'Terms',
      amount: 'Amount',
      amountWords: 'In words',
      rate: 'Annual rate',
      rateBasis: 'Rate basis',
      'basis.fixed': 'Fixed',
      'basis.lpr_1y': '1-year LPR',
      'basis.lpr_5y': '5-year LPR',
      spread: 'plus {bp} bp',
      term: 'Term',
      months: '{n} months',
      method: 'Repayment',
      repaymentDay: 'Repayment day',
      disbursementDate: 'Disbursement date',
      firstDueDate: 'First due date',
      maturityDate: 'Maturity',
      penalty: 'Penalty markup',
      totalInterest: 'Total interest',
      totalPayment: 'Total repaid',
      application: 'Application',
      generatedAt: 'Generated',
      template: 'Template',
      status: 'Status',
      'status.generated': 'Awaiting signatures',
      'status.signing': 'Being signed',
      'status.signed': 'Signed',
      parties: 'Parties',
      role: 'Role',
      'party.lender': 'Lender',
      'party.borrower': 'Borrower',
      'party.guarantor': 'Guarantor',
      name: 'Name',
      signer: 'Signer',
      idNumber: 'ID number',
      signed: 'Signed',
      unsigned: 'Not signed',
      sign: 'Sign as {role}',
      signedOk: 'Signed',
      verify: 'Verify signatures',
      verified: 'Every signature and timestamp verifies',
      notVerified: 'Verification failed',
      allSigned: 'Every party has signed',
      notAllSigned: 'Some parties have not signed yet',
      signatures: 'Signatures',
      signedAt: 'Signed at',
      tsa: 'Timestamp (TSA)',
      certificate: 'Certificate',
      valid: 'Valid',
      invalid: 'Invalid',
      pdf: 'Contract text',
      pdfPage: 'Contract page',
      download: 'Download PDF',
      schedule: 'Repayment schedule',
      period: 'No.',
      dueDate: 'Due',
      principal: 'Principal',
      interest: 'Interest',
      total: 'Total',
      balance: 'Balance',
      sha256: 'SHA-256',
    },
  ),
);

const STATUS_COLOUR = { generated: 'default', signing: 'processing', signed: 'success' } as const;

function SignatureTable({ signatures }: { signatures: Signature[] }) {
  const t = useT(messages);
  const { language } = useLanguage();
  const { nameOf } = useDirectory();
  return (
    <Table<Signature>
      className="signature-table"
      rowKey="partyRole"
      size="small"
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={signatures}
      columns={[
        {
          title: t('role'),
          dataIndex: 'partyRole',
          render: (r: string) => t(`party.${r}` as 'party.lender'),
        },
        { title: t('signer'), dataIndex: 'signer', render: (s: string) => nameOf(s) },
        {
          title: t('signedAt'),
          dataIndex: 'signedAt',
          render: (v: string) => (v ? dateTimeText(v, language) : '—'),
        },
        {
          title: t('tsa'),
          dataIndex: 'timestampTime',
          render: (v: string) => (v ? dateTimeText(v, language) : '—'),
        },
        { title: t('certificate'), dataIndex: 'certificateSubject' },
        {
          title: t('valid'),
          dataIndex: 'valid',
          render: (v: boolean, s) => (
            <Space direction="vertical" size={0}>
              <Tag color={v ? 'green' : 'red'}>{v ? t('valid') : t('invalid')}</Tag>
              {s.reason ? <Typography.Text type="secondary">{s.reason}</Typography.Text> : null}
            </Space>
          ),
        },
      ]}
    />
  );
}

/** 借款合同: terms (with 大写), the PDF in the page, the parties' signatures, sign and verify. */
export default function ContractPage() {
  const { id = '' } = useParams();
  const t = useT(messages);
  const { language } = useLanguage();
  const user = useUser();
  const screens = Grid.useBreakpoint();
  const client = useQueryClient();
  const { message } = AntApp.useApp();
  const { nameOf } = useDirectory();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [verification, setVerification] = useState<Verification>();
  const contract = useQuery({
    queryKey: ['contract', id],
    queryFn: () => data(api.GET('/contracts/{id}', { params: { path: { id } } })),
  });
  const c: Contract | undefined = contract.data?.contract;
  const pdf = useQuery({
    queryKey: ['contract-pdf', id, c?.sha256],
    enabled: !!c,
    staleTime: Infinity,
    queryFn: () => fetchBlob(`/documents/${id}/content`),
  });

  const failure = (e: unknown) =>
    e instanceof ApiError
      ? [e.detail ?? e.title, ...e.errors.map((x) => `${x.field}: ${x.message}`)]
          .filter(Boolean)
          .join('; ')
      : String(e);

  const sign = async (partyRole: 'lender' | 'borrower' | 'guarantor') => {
    setBusy(partyRole);
    setError(undefined);
    try {
      const out = await data(
        api.POST('/contracts/{id}:sign', {
          params: { path: { id } },
          headers: { 'Idempotency-Key': idempotencyKey() },
          body: { partyRole },
        }),
      );
      client.setQueryData(['contract', id], out);
      setVerification(undefined);
      void message.success(t('signedOk'));
    } catch (e) {
      setError(failure(e));
    } finally {
      setBusy(undefined);
    }
  };
  const verify = async () => {
    setBusy('verify');
    setError(undefined);
    try {
      setVerification(
        await data(
          api.POST('/contracts/{id}:verify', {
            params: { path: { id } },
            headers: { 'Idempotency-Key': idempotencyKey() },
            body: {},
          }),
        ),
      );
    } catch (e) {
      setError(failure(e));
    } finally {
      setBusy(undefined);
    }
  };

  const staff = !!user && !hasRole(user, ['auditor']);
  const terms = c?.terms;
  return (
    <PageState
      loading={contract.isLoading}
      error={contract.error}
      retry={() => void contract.refetch()}
    >
      {c ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }} className="lf-app-page">
          <Card
            title={
              <h1 className="page-title">
                {t('title', { number: c.contractNumber })}{' '}
                <Tag color={STATUS_COLOUR[c.status]} className="contract-status">
                  {t(`status.${c.status}`)}
                </Tag>
              </h1>
            }
            extra={
              <Space wrap>
                <Link to={`/applications/${c.applicationId}`}>{t('application')}</Link>
              </Space>
            }
          >
            <Descriptions
              bordered
              size="small"
              column={screens.lg ? 3 : screens.sm ? 2 : 1}
              className="contract-terms"
              title={t('terms')}
            >
              <Descriptions.Item label={t('amount')}>
                <Money value={terms?.amount ?? c.amount} inWords />
              </Descriptions.Item>
              <Descriptions.Item label={t('amountWords')}>{c.amountInCapitals}</Descriptions.Item>
              {terms ? (
                <>
                  <Descriptions.Item label={t('rate')}>
                    {terms.annualRatePercent}%
                  </Descriptions.Item>
                  <Descriptions.Item label={t('rateBasis')}>
                    {t(`basis.${terms.rateBasis}`)}
                    {terms.rateBasis !== 'fixed' ? ` ${t('spread', { bp: terms.spreadBp })}` : ''}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('term')}>
                    {t('months', { n: terms.termMonths })}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('method')}>
                    {t(`method.${terms.repaymentMethod}`)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('repaymentDay')}>
                    {terms.repaymentDay || '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('disbursementDate')}>
                    {dateText(terms.disbursementDate, language)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('firstDueDate')}>
                    {dateText(terms.firstDueDate, language)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('maturityDate')}>
                    {dateText(terms.maturityDate, language)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('penalty')}>
                    {terms.penaltyMarkupPercent}%
                  </Descriptions.Item>
                  <Descriptions.Item label={t('totalInterest')}>
                    <Money value={terms.totalInterest} />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('totalPayment')}>
                    <Money value={terms.totalPayment} inWords />
                  </Descriptions.Item>
                </>
              ) : null}
              <Descriptions.Item label={t('template')}>
                {c.templateCode} v{c.templateVersion}
              </Descriptions.Item>
              <Descriptions.Item label={t('generatedAt')}>
                {dateTimeText(c.generatedAt, language)}
              </Descriptions.Item>
              <Descriptions.Item label={t('sha256')}>
                <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                  {c.sha256.slice(0, 16)}…
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          </Card>

          <Card title={<h2 className="section-title">{t('parties')}</h2>}>
            <Table
              rowKey="role"
              size="small"
              pagination={false}
              scroll={{ x: 'max-content' }}
              className="party-table"
              dataSource={c.parties}
              columns={[
                {
                  title: t('role'),
                  dataIndex: 'role',
                  render: (r: string) => t(`party.${r}` as 'party.lender'),
                },
                { title: t('name'), dataIndex: 'name' },
                {
                  title: t('idNumber'),
                  dataIndex: 'idNumberMasked',
                  render: (v: string) => v || '—',
                },
                { title: t('signer'), dataIndex: 'signerUserId', render: (v: string) => nameOf(v) },
                {
                  title: t('status'),
                  key: 'signed',
                  render: (_: unknown, party) => {
                    const signed = c.signatures.some((s) => s.partyRole === party.role);
                    if (signed) return <Tag color="green">{t('signed')}</Tag>;
                    if (staff && party.signerUserId === user?.userId)
                      return (
                        <Button
                          type="primary"
                          loading={busy === party.role}
                          onClick={() => void sign(party.role)}
                          data-party={party.role}
                        >
                          {t('sign', { role: t(`party.${party.role}`) })}
                        </Button>
                      );
                    return <Tag>{t('unsigned')}</Tag>;
                  },
                },
              ]}
            />
            {error ? (
              <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />
            ) : null}
            <Space style={{ marginTop: 16 }} wrap>
              <Button
                onClick={() => void verify()}
                loading={busy === 'verify'}
                className="verify-button"
              >
                {t('verify')}
              </Button>
            </Space>
            {verification ? (
              <div
                className="verification"
                data-intact={verification.intact}
                style={{ marginTop: 16 }}
              >
                <Alert
                  type={verification.intact ? 'success' : 'error'}
                  showIcon
                  message={verification.intact ? t('verified') : t('notVerified')}
                  description={verification.allPartiesSigned ? t('allSigned') : t('notAllSigned')}
                  style={{ marginBottom: 12 }}
                />
                <SignatureTable signatures={verification.signatures} />
              </div>
            ) : c.signatures.length > 0 ? (
              <div style={{ marginTop: 16 }}>
                <Typography.Title level={3} style={{ fontSize: 15 }}>
                  {t('signatures')}
                </Typography.Title>
                <SignatureTable signatures={c.signatures} />
              </div>
            ) : null}
          </Card>

          <Row gutter={[16, 16]}>
            <Col xs={24} xl={14}>
              <Card
                title={<h2 className="section-title">{t('pdf')}</h2>}
                extra={
                  pdf.data ? (
                    <Button onClick={() => saveBlob(pdf.data, `${c.contractNumber}.pdf`)}>
                      {t('download')}
                    </Button>
                  ) : null
                }
              >
                <PageState loading={pdf.isLoading} error={pdf.error}>
                  <PdfPages source={pdf.data} label={t('pdfPage')} className="contract-pdf" />
                </PageState>
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card title={<h2 className="section-title">{t('schedule')}</h2>}>
                <Table<Installment>
                  rowKey="period"
                  size="small"
                  scroll={{ x: 'max-content' }}
                  pagination={(terms?.schedule.length ?? 0) > 12 ? { pageSize: 12 } : false}
                  dataSource={terms?.schedule ?? []}
                  columns={[
                    { title: t('period'), dataIndex: 'period' },
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
                  ]}
                />
              </Card>
            </Col>
          </Row>
        </Space>
      ) : null}
    </PageState>
  );
}
