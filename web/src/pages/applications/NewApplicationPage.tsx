import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Divider,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Radio,
  Result,
  Row,
  Segmented,
  Select,
  Space,
  Steps,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, data, idempotencyKey } from '../../api/client';
import type { components } from '../../api/schema';
import { ApiError } from '../../api/problem';
import { DocumentsPanel, useDocumentTypeLabel } from '../../components/DocumentsPanel';
import { showFieldErrors } from '../../components/forms';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { maskId, maskPhone } from '../../format/mask';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';
import { PreAssessmentView } from './PreAssessment';
import { SchedulePreview } from './SchedulePreview';
import { STATUS_COLOURS } from './status';
import './applications.css';

type Customer = components['schemas']['Customer'];
type CustomerInput = components['schemas']['CustomerInput'];
type Product = components['schemas']['Product'];
type Application = components['schemas']['Application'];
type ApplicationInput = components['schemas']['ApplicationInput'];

const messages = register(
  defineMessages(
    {
      title: '新建贷款申请',
      stepCustomer: '客户',
      stepProduct: '产品',
      stepTerms: '金额与期限',
      stepDocuments: '影像资料',
      stepSubmit: '提交',
      findBy: '查找方式',
      byResidentId: '身份证号',
      byMobile: '手机号',
      byCreditCode: '统一社会信用代码',
      byName: '名称',
      searchValue: '查找内容',
      find: '查找客户',
      noCustomer: '没有找到客户，可新建',
      choose: '选择',
      chosen: '已选客户',
      change: '更换',
      newCustomer: '新建客户',
      customerType: '客户类型',
      name: '姓名 / 名称',
      residentId: '身份证号',
      mobile: '手机号',
      address: '地址',
      occupation: '职业',
      employer: '工作单位',
      monthlyIncome: '月收入',
      creditCode: '统一社会信用代码',
      legalRepresentative: '法定代表人',
      registeredCapital: '注册资本',
      industry: '行业',
      annualRevenue: '年营业收入',
      contactMobile: '联系电话',
      createCustomer: '保存客户',
      amountRange: '金额',
      termRange: '期限',
      rateRange: '年利率',
      methods: '还款方式',
      documents: '所需资料',
      months: '{min}–{max} 个月',
      amount: '申请金额（元）',
      termMonths: '期限（月）',
      repaymentMethod: '还款方式',
      ratePercent: '年利率（%）',
      ratePlaceholder: '默认 {rate}',
      purpose: '贷款用途',
      existingDebt: '现有月还款额',
      saveDraft: '保存草稿，下一步',
      next: '下一步',
      previous: '上一步',
      submitNow: '提交申请',
      submitHint: '提交后进行预审，并进入审批流程。',
      draftSaved: '草稿已保存',
      submitted: '申请已提交',
      declined: '预审未通过',
      openApplication: '查看申请',
      another: '再建一笔',
      summary: '申请概要',
      customer: '客户',
      product: '产品',
      pickProduct: '请选择产品',
      pickCustomer: '请先选择或新建客户',
      missingWarn: '仍缺资料：提交前请补齐，审批环节会检查。',
    },
    {
      title: 'New loan application',
      stepCustomer: 'Customer',
      stepProduct: 'Product',
      stepTerms: 'Amount and term',
      stepDocuments: 'Documents',
      stepSubmit: 'Submit',
      findBy: 'Find by',
      byResidentId: 'ID number',
      byMobile: 'Mobile',
      byCreditCode: 'Credit code',
      byName: 'Name',
      searchValue: 'Search for',
      find: 'Find customer',
      noCustomer: 'No customer found; you can create one',
      choose: 'Choose',
      chosen: 'Customer',
      change: 'Change',
      newCustomer: 'New customer',
      customerType: 'Customer type',
      name: 'Name',
      residentId: 'Resident ID number',
      mobile: 'Mobile',
      address: 'Address',
      occupation: 'Occupation',
      employer: 'Employer',
      monthlyIncome: 'Monthly income',
      creditCode: 'Unified social credit code',
      legalRepresentative: 'Legal representative',
      registeredCapital: 'Registered capital',
      industry: 'Industry',
      annualRevenue: 'Annual revenue',
      contactMobile: 'Contact mobile',
      createCustomer: 'Save customer',
      amountRange: 'Amount',
      termRange: 'Term',
      rateRange: 'Annual rate',
      methods: 'Repayment methods',
      documents: 'Documents required',
      months: '{min}–{max} months',
      amount: 'Amount (CNY)',
      termMonths: 'Term (months)',
      repaymentMethod: 'Repayment method',
      ratePercent: 'Annual rate (%)',
      ratePlaceholder: 'Default {rate}',
      purpose: 'Purpose',
      existingDebt: 'Existing monthly repayments',
      saveDraft: 'Save draft and continue',
      next: 'Next',
      previous: 'Back',
      submitNow: 'Submit application',
      submitHint: 'Submitting runs the pre-assessment and starts the approval.',
      draftSaved: 'Draft saved',
      submitted: 'Application submitted',
      declined: 'Declined at pre-assessment',
      openApplication: 'Open the application',
      another: 'Enter another',
      summary: 'Summary',
      customer: 'Customer',
      product: 'Product',
      pickProduct: 'Choose a product',
      pickCustomer: 'Find or create the customer first',
      missingWarn: 'Documents are missing: file them before the approval steps check them.',
    },
  ),
);

type FindKey = 'residentId' | 'mobile' | 'creditCode' | 'name';

interface TermsValues {
  amount?: string;
  termMonths?: number;
  repaymentMethod?: ApplicationInput['repaymentMethod'];
  ratePercent?: string;
  purpose?: string;
  monthlyIncome?: string;
  existingMonthlyDebtPayments?: string;
}

const TERM_FIELDS = [
  'customerId',
  'productCode',
  'amount',
  'termMonths',
  'repaymentMethod',
  'ratePercent',
  'purpose',
  'monthlyIncome',
  'existingMonthlyDebtPayments',
] as const;

/** The product's name in the current language. */
function productName(p: Product, language: string) {
  return language === 'en' ? p.name : p.nameZh;
}

/** Step 1: find the customer by an identity or phone number, or enter a new one. */
function CustomerStep({ onChosen }: { onChosen: (c: Customer) => void }) {
  const t = useT(messages);
  const [by, setBy] = useState<FindKey>('residentId');
  const [value, setValue] = useState('');
  const [search, setSearch] = useState<{ by: FindKey; value: string }>();
  const [creating, setCreating] = useState(false);
  const found = useQuery({
    queryKey: ['customers', search],
    enabled: !!search,
    queryFn: () =>
      data(
        api.GET('/customers', {
          params: { query: { [search!.by]: search!.value, pageSize: '20' } },
        }),
      ),
  });
  return (
    <div>
      <Form
        layout="vertical"
        onFinish={() => value.trim() && setSearch({ by, value: value.trim() })}
        aria-label={t('find')}
      >
        <Form.Item label={t('findBy')}>
          <Segmented<FindKey>
            value={by}
            onChange={setBy}
            options={[
              { value: 'residentId', label: t('byResidentId') },
              { value: 'mobile', label: t('byMobile') },
              { value: 'creditCode', label: t('byCreditCode') },
              { value: 'name', label: t('byName') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('searchValue')} htmlFor="customer-search">
          <Space.Compact style={{ width: '100%', maxWidth: 480 }}>
            <Input
              id="customer-search"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              autoComplete="off"
            />
            <Button type="primary" htmlType="submit">
              {t('find')}
            </Button>
          </Space.Compact>
        </Form.Item>
      </Form>
      {search ? (
        <PageState loading={found.isLoading} error={found.error}>
          {found.data && found.data.items.length === 0 ? (
            <Alert type="info" showIcon message={t('noCustomer')} style={{ marginBottom: 16 }} />
          ) : (
            <List
              className="customer-results"
              dataSource={found.data?.items ?? []}
              renderItem={(c) => (
                <List.Item
                  actions={[
                    <Button
                      key="choose"
                      type="primary"
                      className="choose-customer"
                      onClick={() => onChosen(c)}
                    >
                      {t('choose')}
                    </Button>,
                  ]}
                >
                  <List.Item.Meta
                    title={
                      <Space>
                        {c.name}
                        <Tag>{t(`customerType.${c.type ?? 'individual'}`)}</Tag>
                      </Space>
                    }
                    description={
                      c.individual
                        ? `${maskId(c.individual.residentIdMasked)} · ${maskPhone(c.individual.mobileMasked)}`
                        : c.corporate
                          ? `${c.corporate.creditCode} · ${c.corporate.legalRepresentative}`
                          : c.branchId
                    }
                  />
                </List.Item>
              )}
            />
          )}
        </PageState>
      ) : null}
      <Divider />
      {creating ? (
        <NewCustomerForm onCreated={onChosen} onCancel={() => setCreating(false)} />
      ) : (
        <Button onClick={() => setCreating(true)}>{t('newCustomer')}</Button>
      )}
    </div>
  );
}

function NewCustomerForm({
  onCreated,
  onCancel,
}: {
  onCreated: (c: Customer) => void;
  onCancel: () => void;
}) {
  const t = useT(messages);
  const [form] = Form.useForm<CustomerInput>();
  const type = Form.useWatch('type', form) ?? 'individual';
  // One key per attempt that may have written: a refused body (4xx) wrote nothing, so the
  // corrected one is a new command with a new key; a lost answer is retried with the same key.
  const [key, setKey] = useState(idempotencyKey);
  const [busy, setBusy] = useState(false);
  const [rest, setRest] = useState<string[]>([]);
  const submit = async (values: CustomerInput) => {
    setBusy(true);
    setRest([]);
    const body: CustomerInput =
      values.type === 'individual'
        ? { type: 'individual', name: values.name, individual: clean(values.individual!) }
        : { type: 'corporate', name: values.name, corporate: clean(values.corporate!) };
    try {
      const created = await data(
        api.POST('/customers', { body, headers: { 'Idempotency-Key': key } }),
      );
      onCreated(created);
    } catch (e) {
      if (e instanceof ApiError && e.status < 500) setKey(idempotencyKey());
      setRest(showFieldErrors(form, e, ['type', 'name', 'individual', 'corporate']));
      if (e instanceof ApiError && e.errors.length === 0) setRest([e.detail ?? e.title]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('newCustomer')}>
      <Form<CustomerInput>
        form={form}
        layout="vertical"
        initialValues={{ type: 'individual' }}
        onFinish={(v) => void submit(v)}
        className="new-customer-form"
      >
        <Form.Item name="type" label={t('customerType')}>
          <Radio.Group
            options={[
              { value: 'individual', label: t('customerType.individual') },
              { value: 'corporate', label: t('customerType.corporate') },
            ]}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="name"
              label={t('name')}
              rules={[{ required: true, message: t('field.required') }]}
            >
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
          {type === 'individual' ? (
            <>
              <Col xs={24} md={12}>
                <Form.Item
                  name={['individual', 'residentId']}
                  label={t('residentId')}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Input autoComplete="off" maxLength={18} />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  name={['individual', 'mobile']}
                  label={t('mobile')}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Input autoComplete="off" inputMode="tel" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name={['individual', 'monthlyIncome']} label={t('monthlyIncome')}>
                  <Input inputMode="decimal" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name={['individual', 'occupation']} label={t('occupation')}>
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name={['individual', 'employer']} label={t('employer')}>
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={24}>
                <Form.Item name={['individual', 'address']} label={t('address')}>
                  <Input />
                </Form.Item>
              </Col>
            </>
          ) : (
            <>
              <Col xs={24} md={12}>
                <Form.Item
                  name={['corporate', 'creditCode']}
                  label={t('creditCode')}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Input autoComplete="off" maxLength={18} />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  name={['corporate', 'legalRepresentative']}
                  label={t('legalRepresentative')}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name={['corporate', 'registeredCapital']} label={t('registeredCapital')}>
                  <Input inputMode="decimal" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name={['corporate', 'annualRevenue']} label={t('annualRevenue')}>
                  <Input inputMode="decimal" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name={['corporate', 'industry']} label={t('industry')}>
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name={['corporate', 'contactMobile']} label={t('contactMobile')}>
                  <Input inputMode="tel" />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
        {rest.length > 0 ? (
          <Alert type="error" showIcon message={rest.join('; ')} style={{ marginBottom: 16 }} />
        ) : null}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('createCustomer')}
          </Button>
          <Button onClick={onCancel}>{t('action.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

/** Drops empty optional fields (the API refuses "" for money). */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as T;
}

function ProductLimits({ product }: { product: Product }) {
  const t = useT(messages);
  const docLabel = useDocumentTypeLabel();
  return (
    <Descriptions size="small" column={1} className="product-limits">
      <Descriptions.Item label={t('amountRange')}>
        <Money value={product.minAmount} /> – <Money value={product.maxAmount} />
      </Descriptions.Item>
      <Descriptions.Item label={t('termRange')}>
        {t('months', { min: product.minTermMonths, max: product.maxTermMonths })}
      </Descriptions.Item>
      <Descriptions.Item label={t('rateRange')}>
        {product.minRatePercent}% – {product.maxRatePercent}%
      </Descriptions.Item>
      <Descriptions.Item label={t('methods')}>
        {product.repaymentMethods
          .filter((m) => m)
          .map((m) => t(`method.${m!}`))
          .join(' / ')}
      </Descriptions.Item>
      <Descriptions.Item label={t('documents')}>
        {product.requiredDocuments
          .filter((d) => d)
          .map((d) => docLabel(d!))
          .join('、')}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** 新建申请: customer → product → amount/term/method with the schedule → documents → submit. */
export default function NewApplicationPage() {
  const t = useT(messages);
  const { language } = useLanguage();
  const screens = Grid.useBreakpoint();
  const client = useQueryClient();
  const [step, setStep] = useState(0);
  const [customer, setCustomer] = useState<Customer>();
  const [product, setProduct] = useState<Product>();
  const [application, setApplication] = useState<Application>();
  const [terms] = Form.useForm<TermsValues>();
  const watched = Form.useWatch([], terms) as TermsValues | undefined;
  const [busy, setBusy] = useState(false);
  const [rest, setRest] = useState<string[]>([]);
  const [createKey, setCreateKey] = useState(idempotencyKey);
  const [submitKey] = useState(idempotencyKey);

  const products = useQuery({
    queryKey: ['products'],
    queryFn: () => data(api.GET('/products')),
    staleTime: 300_000,
  });
  const fitting = (products.data?.items ?? []).filter(
    (p) => !customer || !p.customerType || p.customerType === customer.type,
  );

  const saveDraft = async (values: TermsValues) => {
    if (!customer || !product) return;
    setBusy(true);
    setRest([]);
    const body: ApplicationInput = clean({
      customerId: customer.id,
      productCode: product.code,
      amount: Number(values.amount).toFixed(2),
      termMonths: values.termMonths!,
      repaymentMethod: values.repaymentMethod!,
      ratePercent: values.ratePercent,
      purpose: values.purpose!,
      monthlyIncome: values.monthlyIncome,
      existingMonthlyDebtPayments: values.existingMonthlyDebtPayments,
    });
    try {
      const saved = application
        ? await data(
            api.PATCH('/applications/{id}', {
              params: { path: { id: application.id } },
              headers: { 'If-Match': `"${application.version}"` },
              body,
            }),
          )
        : await data(
            api.POST('/applications', { body, headers: { 'Idempotency-Key': createKey } }),
          );
      setApplication(saved);
      setStep(3);
    } catch (e) {
      setRest(showFieldErrors(terms, e, TERM_FIELDS));
      // The next try is a new request (the body may have changed).
      setCreateKey(idempotencyKey());
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    if (!application) return;
    setBusy(true);
    setRest([]);
    try {
      const out = await data(
        api.POST('/applications/{id}/submit', {
          params: { path: { id: application.id } },
          headers: { 'Idempotency-Key': submitKey },
        }),
      );
      setApplication(out);
      void client.invalidateQueries({ queryKey: ['applications'] });
    } catch (e) {
      setRest(
        e instanceof ApiError
          ? [e.detail ?? e.title, ...e.errors.map((x) => `${x.field}: ${x.message}`)]
          : [String(e)],
      );
    } finally {
      setBusy(false);
    }
  };

  const done = application && application.status !== 'draft';
  const stepItems = [
    { title: t('stepCustomer') },
    { title: t('stepProduct') },
    { title: t('stepTerms') },
    { title: t('stepDocuments') },
    { title: t('stepSubmit') },
  ];

  return (
    <Card className="lf-app-page" title={<h1 className="page-title">{t('title')}</h1>}>
      <Steps
        current={step}
        className="wizard-steps"
        items={stepItems}
        size="small"
        direction={screens.md ? 'horizontal' : 'vertical'}
        style={{ marginBottom: 24 }}
      />
      {customer && step > 0 ? (
        <Alert
          type="info"
          className="chosen-customer"
          message={
            <Space wrap>
              <span>
                {t('chosen')}: <strong>{customer.name}</strong>
              </span>
              {customer.individual ? (
                <span>
                  {maskId(customer.individual.residentIdMasked)} ·{' '}
                  {maskPhone(customer.individual.mobileMasked)}
                </span>
              ) : null}
              {product && step > 1 ? (
                <span>
                  {t('product')}: <strong>{productName(product, language)}</strong>
                </span>
              ) : null}
            </Space>
          }
          style={{ marginBottom: 16 }}
        />
      ) : null}

      {step === 0 ? (
        <CustomerStep
          onChosen={(c) => {
            setCustomer(c);
            const income = c.individual?.monthlyIncome;
            if (income && !terms.getFieldValue('monthlyIncome'))
              terms.setFieldsValue({ monthlyIncome: income });
            if (product && product.customerType && product.customerType !== c.type)
              setProduct(undefined);
            setStep(1);
          }}
        />
      ) : null}

      {step === 1 ? (
        <PageState loading={products.isLoading} error={products.error} empty={fitting.length === 0}>
          <Radio.Group
            value={product?.code}
            onChange={(e) => setProduct(fitting.find((p) => p.code === e.target.value))}
            style={{ width: '100%' }}
            aria-label={t('pickProduct')}
          >
            <Row gutter={[16, 16]}>
              {fitting.map((p) => (
                <Col key={p.code} xs={24} md={12} xl={8}>
                  <Card
                    size="small"
                    className="product-card"
                    data-product={p.code}
                    title={
                      <Radio value={p.code}>
                        {productName(p, language)}{' '}
                        <Typography.Text type="secondary">{p.code}</Typography.Text>
                      </Radio>
                    }
                  >
                    <ProductLimits product={p} />
                  </Card>
                </Col>
              ))}
            </Row>
          </Radio.Group>
          <Space style={{ marginTop: 24 }}>
            <Button onClick={() => setStep(0)}>{t('previous')}</Button>
            <Button
              type="primary"
              disabled={!product}
              onClick={() => {
                const r = product!.repaymentMethods.filter(Boolean);
                const current = terms.getFieldValue('repaymentMethod') as string | undefined;
                if (!current || !r.includes(current as never))
                  terms.setFieldsValue({ repaymentMethod: r[0] ?? undefined });
                setStep(2);
              }}
            >
              {t('next')}
            </Button>
          </Space>
        </PageState>
      ) : null}

      <div hidden={step !== 2}>
        {product ? (
          <Row gutter={24}>
            <Col xs={24} lg={10}>
              <Form<TermsValues>
                form={terms}
                layout="vertical"
                onFinish={(v) => void saveDraft(v)}
                className="terms-form"
              >
                <Form.Item
                  name="amount"
                  label={t('amount')}
                  extra={
                    <span>
                      <Money value={product.minAmount} /> – <Money value={product.maxAmount} />
                    </span>
                  }
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <InputNumber<string>
                    stringMode
                    min="0"
                    step="1000"
                    precision={2}
                    style={{ width: '100%' }}
                    inputMode="decimal"
                  />
                </Form.Item>
                <Form.Item
                  name="termMonths"
                  label={t('termMonths')}
                  extra={t('months', { min: product.minTermMonths, max: product.maxTermMonths })}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <InputNumber
                    min={1}
                    max={600}
                    precision={0}
                    style={{ width: '100%' }}
                    inputMode="numeric"
                  />
                </Form.Item>
                <Form.Item
                  name="repaymentMethod"
                  label={t('repaymentMethod')}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Select
                    options={product.repaymentMethods
                      .filter((m) => m)
                      .map((m) => ({ value: m!, label: t(`method.${m!}`) }))}
                  />
                </Form.Item>
                <Form.Item
                  name="ratePercent"
                  label={t('ratePercent')}
                  extra={`${product.minRatePercent}% – ${product.maxRatePercent}%`}
                >
                  <Input
                    inputMode="decimal"
                    placeholder={t('ratePlaceholder', { rate: product.referenceRatePercent })}
                  />
                </Form.Item>
                <Form.Item
                  name="purpose"
                  label={t('purpose')}
                  rules={[{ required: true, message: t('field.required') }]}
                >
                  <Input.TextArea rows={2} maxLength={1000} />
                </Form.Item>
                <Form.Item name="monthlyIncome" label={t('monthlyIncome')}>
                  <Input inputMode="decimal" />
                </Form.Item>
                <Form.Item name="existingMonthlyDebtPayments" label={t('existingDebt')}>
                  <Input inputMode="decimal" />
                </Form.Item>
                {rest.length > 0 && step === 2 ? (
                  <Alert
                    type="error"
                    showIcon
                    message={rest.join('; ')}
                    style={{ marginBottom: 16 }}
                  />
                ) : null}
                <Space>
                  <Button onClick={() => setStep(1)}>{t('previous')}</Button>
                  <Button type="primary" htmlType="submit" loading={busy}>
                    {t('saveDraft')}
                  </Button>
                </Space>
              </Form>
            </Col>
            <Col xs={24} lg={14}>
              <Typography.Title level={2} style={{ fontSize: 16 }}>
                {t('stepTerms')} · {productName(product, language)}
              </Typography.Title>
              <SchedulePreview
                amount={watched?.amount}
                termMonths={watched?.termMonths}
                repaymentMethod={watched?.repaymentMethod}
                ratePercent={watched?.ratePercent || product.referenceRatePercent}
              />
            </Col>
          </Row>
        ) : null}
      </div>

      {step === 3 && application ? (
        <div>
          <DocumentsPanel applicationId={application.id} canUpload stage="market_routing" />
          <Space style={{ marginTop: 24 }}>
            <Button onClick={() => setStep(2)}>{t('previous')}</Button>
            <Button type="primary" onClick={() => setStep(4)}>
              {t('next')}
            </Button>
          </Space>
        </div>
      ) : null}

      {step === 4 && application ? (
        done ? (
          <Result
            status={application.status === 'declined' ? 'warning' : 'success'}
            title={application.status === 'declined' ? t('declined') : t('submitted')}
            subTitle={
              <Tag color={STATUS_COLOURS[application.status ?? 'draft']}>
                {t(`status.${application.status ?? 'draft'}`)}
              </Tag>
            }
            extra={[
              <Link key="open" to={`/applications/${application.id}`}>
                <Button type="primary">{t('openApplication')}</Button>
              </Link>,
              <Button
                key="another"
                onClick={() => {
                  setApplication(undefined);
                  setCustomer(undefined);
                  setProduct(undefined);
                  terms.resetFields();
                  setCreateKey(idempotencyKey());
                  setStep(0);
                }}
              >
                {t('another')}
              </Button>,
            ]}
          >
            <PreAssessmentView value={application.preAssessment} />
          </Result>
        ) : (
          <div>
            <Descriptions
              title={t('summary')}
              bordered
              size="small"
              column={screens.md ? 2 : 1}
              className="application-summary"
            >
              <Descriptions.Item label={t('customer')}>
                {application.customerName}
              </Descriptions.Item>
              <Descriptions.Item label={t('product')}>
                {product ? productName(product, language) : application.productCode}
              </Descriptions.Item>
              <Descriptions.Item label={t('amount')}>
                <Money value={application.amount} inWords />
              </Descriptions.Item>
              <Descriptions.Item label={t('termMonths')}>
                {application.termMonths}
              </Descriptions.Item>
              <Descriptions.Item label={t('repaymentMethod')}>
                {application.repaymentMethod ? t(`method.${application.repaymentMethod}`) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('ratePercent')}>
                {application.ratePercent}%
              </Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph style={{ marginTop: 16 }}>{t('submitHint')}</Typography.Paragraph>
            {rest.length > 0 ? (
              <Alert type="error" showIcon message={rest.join('; ')} style={{ marginBottom: 16 }} />
            ) : null}
            <Space>
              <Button onClick={() => setStep(3)}>{t('previous')}</Button>
              <Button type="primary" loading={busy} onClick={() => void submit()}>
                {t('submitNow')}
              </Button>
            </Space>
          </div>
        )
      ) : null}
      {step > 0 && !customer ? <Alert type="warning" message={t('pickCustomer')} /> : null}
    </Card>
  );
}
