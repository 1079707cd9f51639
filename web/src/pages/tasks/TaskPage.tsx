import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Grid,
  Input,
  List,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, data, fetchBlob } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { components } from '../../api/schema';
import { useUser } from '../../auth/useSession';
import { showFieldErrors } from '../../components/forms';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { dateTimeText } from '../../format/date';
import { maskId, maskPhone } from '../../format/mask';
import { useDocumentTypeLabel } from '../../components/DocumentsPanel';
import { useProductName } from '../../components/products';
import { useLanguage, useT } from '../../i18n/language';
import { act, type Instance, type TaskAction, type TaskView } from './act';
import { messages } from './messages';
import { formDataOf, StepFields, type FormSchema } from './StepForm';

type Doc = components['schemas']['Document'];
type Dialog = 'send-back' | 'transfer' | 'delegate' | 'add-signer' | 'urge' | null;

/** The users' display names by id (every signed-in user may list the active staff). */
function useUserNames() {
  const users = useQuery({
    queryKey: ['users', 'all'],
    staleTime: 300_000,
    queryFn: () => data(api.GET('/users', { params: { query: { pageSize: '100' } } })),
  });
  return useMemo(() => {
    const map = new Map<string, string>();
    for (const u of users.data?.items ?? []) map.set(u.id, u.displayName);
    return { name: (id: string) => map.get(id) ?? id, users: users.data?.items ?? [] };
  }, [users.data]);
}

/** One task: the application, the history, the step's form and the actions the API allows now. */
export default function TaskPage() {
  const { id = '' } = useParams();
  const t = useT(messages);
  const { language } = useLanguage();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message, modal } = App.useApp();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const user = useUser();
  const names = useUserNames();
  const [form] = Form.useForm();
  const [dialogForm] = Form.useForm();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [problems, setProblems] = useState<string[]>([]);

  const task = useQuery({
    queryKey: ['task', id],
    queryFn: () => data(api.GET('/tasks/{id}', { params: { path: { id } } })),
  });
  const appId = task.data?.businessKey;
  const application = useQuery({
    queryKey: ['application', appId],
    enabled: !!appId,
    queryFn: () => data(api.GET('/applications/{id}', { params: { path: { id: appId! } } })),
  });
  const customerId = application.data?.customerId;
  const customer = useQuery({
    queryKey: ['customer', customerId],
    enabled: !!customerId,
    queryFn: () => data(api.GET('/customers/{id}', { params: { path: { id: customerId! } } })),
  });
  const instance = useQuery({
    queryKey: ['process-instance', task.data?.instanceId],
    enabled: !!task.data?.instanceId,
    queryFn: () =>
      data(api.GET('/process-instances/{id}', { params: { path: { id: task.data!.instanceId } } })),
  });
  const documents = useQuery({
    queryKey: ['documents', appId],
    enabled: !!appId,
    queryFn: () =>
      data(
        api.GET('/documents', {
          params: { query: { ownerKind: 'application', ownerId: appId! } },
        }),
      ),
  });

  // The approval step starts from the investigation's recommendation.
  const variables = instance.data?.variables;
  useEffect(() => {
    if (!variables || !task.data) return;
    if (task.data.step === 'final_approval' || task.data.step === 'small_loan_approval') {
      const cur = form.getFieldValue(['formData', 'approvedAmount']) as unknown;
      if (cur) return;
      form.setFieldsValue({
        formData: {
          approvedAmount: variables.recommendedAmount,
          approvedRatePercent: variables.recommendedRatePercent,
          approvedTermMonths: variables.recommendedTermMonths,
        },
      });
    }
  }, [variables, task.data, form]);

  const run = useMutation({
    mutationFn: (v: { action: TaskAction; body?: Parameters<typeof act>[2] }) =>
      act(id, v.action, v.body),
    onSuccess: async (result, v) => {
      message.success(`${t(actionLabel(v.action))}: ${t('actionDone')}`);
      setDialog(null);
      await client.invalidateQueries({ queryKey: ['tasks'] });
      await client.invalidateQueries({ queryKey: ['task', id] });
      await client.invalidateQueries({ queryKey: ['process-instance'] });
      if (v.action === 'claim' || v.action === 'unclaim' || v.action === 'urge') return;
      const next = result.nextTasks.find((n) => n.assignee && n.assignee === user?.userId);
      navigate(next ? `/tasks/${encodeURIComponent(next.id)}` : '/tasks');
    },
    onError: (error, v) => {
      const target = v.action === 'complete' ? form : dialogForm;
      const fields =
        v.action === 'complete' ? ['formData', 'opinion'] : ['targetElementId', 'userId', 'reason'];
      setProblems(showFieldErrors(target, error, fields));
      if (!(error instanceof ApiError) || error.errors.length === 0)
        message.error(error instanceof Error ? error.message : String(error));
    },
  });

  const complete = async (outcome: 'approve' | 'reject') => {
    setProblems([]);
    if (outcome === 'approve') {
      try {
        await form.validateFields();
      } catch {
        return;
      }
    }
    const body = {
      outcome,
      opinion: ((form.getFieldValue('opinion') as string | undefined) ?? '').trim() || undefined,
      formData: formDataOf(form),
    };
    if (outcome === 'reject')
      modal.confirm({
        title: t('reject'),
        content: t('confirmReject'),
        okButtonProps: { danger: true },
        onOk: () => run.mutate({ action: 'complete', body }),
      });
    else run.mutate({ action: 'complete', body });
  };

  const view = task.data;
  const allowed = new Set(view?.allowedActions ?? []);
  const history = instance.data?.history ?? [];
  const elementNames = new Map(history.map((h) => [h.elementId, h.elementName]));

  return (
    <div style={{ paddingBottom: phone ? 96 : 0 }}>
      <Space style={{ marginBottom: 8 }}>
        <Link to="/tasks" style={{ color: '#1456c8' }}>
          ← {t('title')}
        </Link>
      </Space>
      <h1 className="page-title">{view ? t(`step.${view.step}` as never) : t('taskTitle')}</h1>
      <PageState loading={task.isLoading} error={task.error} retry={() => void task.refetch()}>
        {view ? (
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={14}>
              <Space direction="vertical" size={16} style={{ width: '100%' }}>
                <TaskSummary view={view} names={names.name} />
                <ApplicationCard application={application} customer={customer.data} />
                {view.step === 'committee_vote' || variables?.committee_voteVotes ? (
                  <VoteCard view={view} instance={instance.data} names={names.name} />
                ) : null}
                <Card title={t('form')} size="small" data-testid="task-form">
                  {view.state !== 'open' ? (
                    <Alert type="info" message={t('notOpen')} />
                  ) : !allowed.has('complete') ? (
                    <Alert type="info" message={t('readOnly')} style={{ marginBottom: 12 }} />
                  ) : null}
                  {problems.length ? (
                    <Alert
                      type="error"
                      showIcon
                      message={problems.join('; ')}
                      style={{ marginBottom: 12 }}
                    />
                  ) : null}
                  {allowed.has('complete') ? (
                    <Form form={form} layout="vertical" name="step">
                      {view.form ? <StepFields schema={view.form as FormSchema} /> : null}
                      <Form.Item name="opinion" label={t('opinion')}>
                        <Input.TextArea rows={3} maxLength={4000} />
                      </Form.Item>
                    </Form>
                  ) : null}
                  <ActionBar
                    view={view}
                    phone={phone}
                    busy={run.isPending}
                    onComplete={(o) => void complete(o)}
                    onAction={(a) => {
                      setProblems([]);
                      dialogForm.resetFields();
                      if (a === 'claim' || a === 'unclaim' || a === 'withdraw')
                        run.mutate({ action: a });
                      else setDialog(a as Dialog);
                    }}
                  />
                </Card>
              </Space>
            </Col>
            <Col xs={24} lg={10}>
              <Space direction="vertical" size={16} style={{ width: '100%' }}>
                <Card title={t('history')} size="small" data-testid="task-history">
                  <PageState loading={instance.isLoading} error={instance.error}>
                    <Timeline
                      items={history
                        .filter((h) => h.action !== 'created')
                        .map((h, i) => ({
                          key: `${h.at}-${i}`,
                          color:
                            h.action === 'sentBack' || h.action === 'withdrawn'
                              ? 'orange'
                              : h.action === 'completed'
                                ? 'green'
                                : 'blue',
                          children: (
                            <div>
                              <Typography.Text strong>
                                {h.elementName || h.elementId}
                              </Typography.Text>{' '}
                              <Tag>{t(`action.${h.action}` as never)}</Tag>
                              <div>
                                <Typography.Text style={{ color: 'rgba(0,0,0,0.7)' }}>
                                  {dateTimeText(h.at, language)} ·{' '}
                                  {h.actor === 'system' ? 'system' : names.name(h.actor)}
                                </Typography.Text>
                              </div>
                              {h.opinion ? <div>{h.opinion}</div> : null}
                            </div>
                          ),
                        }))}
                    />
                  </PageState>
                </Card>
                <DocumentsCard
                  docs={documents.data?.documents}
                  loading={documents.isLoading}
                  error={documents.error}
                />
              </Space>
            </Col>
          </Row>
        ) : null}
      </PageState>
      <Modal
        open={dialog !== null}
        title={dialog ? t(actionLabel(dialog)) : ''}
        onCancel={() => setDialog(null)}
        okText={t('action.confirm')}
        cancelText={t('action.cancel')}
        confirmLoading={run.isPending}
        onOk={() =>
          void dialogForm.validateFields().then((v: Record<string, string>) => {
            const body = Object.fromEntries(
              Object.entries(v).filter(([, x]) => x !== undefined && x !== ''),
            );
            if (dialog) run.mutate({ action: dialog, body });
          })
        }
        destroyOnHidden
      >
        <Form form={dialogForm} layout="vertical" name="action" preserve={false}>
          {problems.length && dialog ? (
            <Alert type="error" message={problems.join('; ')} style={{ marginBottom: 12 }} />
          ) : null}
          {dialog === 'send-back' ? (
            <Form.Item
              name="targetElementId"
              label={t('target')}
              rules={[{ required: true, message: t('field.required') }]}
            >
              <Select
                aria-label={t('target')}
                options={(view?.sendBackTargets ?? []).map((e) => ({
                  value: e,
                  label: elementNames.get(e) ?? e,
                }))}
              />
            </Form.Item>
          ) : null}
          {dialog === 'transfer' || dialog === 'delegate' || dialog === 'add-signer' ? (
            <Form.Item
              name="userId"
              label={t('user')}
              rules={[{ required: true, message: t('field.required') }]}
            >
              <Select
                aria-label={t('user')}
                showSearch={{ optionFilterProp: 'label' }}
                options={names.users
                  .filter((u) => u.id !== user?.userId)
                  .map((u) => ({
                    value: u.username,
                    label: `${u.displayName} (${u.username})`,
                  }))}
              />
            </Form.Item>
          ) : null}
          {dialog === 'add-signer' ? (
            <Form.Item name="position" label={t('position')} initialValue="after">
              <Radio.Group
                options={[
                  { value: 'before', label: t('before') },
                  { value: 'after', label: t('after') },
                ]}
              />
            </Form.Item>
          ) : null}
          {dialog === 'send-back' || dialog === 'urge' ? (
            <Form.Item
              name="reason"
              label={t('reason')}
              rules={
                dialog === 'send-back' ? [{ required: true, message: t('field.required') }] : []
              }
            >
              <Input.TextArea rows={3} maxLength={1000} />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>
    </div>
  );
}

function actionLabel(a: TaskAction): keyof typeof messages.zh {
  const labels: Record<TaskAction, keyof typeof messages.zh> = {
    claim: 'claim',
    unclaim: 'unclaim',
    complete: 'approve',
    'send-back': 'sendBack',
    withdraw: 'withdraw',
    transfer: 'transfer',
    delegate: 'delegate',
    'add-signer': 'addSigner',
    urge: 'urge',
  };
  return labels[a];
}

/** Approve / reject / send back first (large on a phone, in a bar at the bottom), then the rest. */
function ActionBar(props: {
  view: TaskView;
  phone: boolean;
  busy: boolean;
  onComplete: (o: 'approve' | 'reject') => void;
  onAction: (a: TaskAction) => void;
}) {
  const t = useT(messages);
  const allowed = new Set(props.view.allowedActions);
  const size = props.phone ? 'large' : 'middle';
  const style = props.phone ? { minHeight: 44, flex: 1 } : { minHeight: 44 };
  const main = (
    <>
      {allowed.has('claim') ? (
        <Button
          type="primary"
          size={size}
          style={style}
          loading={props.busy}
          onClick={() => props.onAction('claim')}
        >
          {t('claim')}
        </Button>
      ) : null}
      {allowed.has('complete') ? (
        <>
          <Button
            type="primary"
            size={size}
            style={style}
            loading={props.busy}
            data-testid="action-approve"
            onClick={() => props.onComplete('approve')}
          >
            {t('approve')}
          </Button>
          <Button
            danger
            size={size}
            style={style}
            data-testid="action-reject"
            styles={{ root: { color: '#b21f1f', borderColor: '#b21f1f' } }}
            onClick={() => props.onComplete('reject')}
          >
            {t('reject')}
          </Button>
        </>
      ) : null}
      {allowed.has('send-back') && props.view.sendBackTargets.length ? (
        <Button
          size={size}
          style={style}
          data-testid="action-send-back"
          onClick={() => props.onAction('send-back')}
        >
          {t('sendBack')}
        </Button>
      ) : null}
    </>
  );
  const more = (['transfer', 'delegate', 'add-signer', 'urge', 'withdraw', 'unclaim'] as const)
    .filter((a) => allowed.has(a))
    .map((a) => (
      <Button
        key={a}
        size={size}
        style={style}
        data-testid={`action-${a}`}
        onClick={() => props.onAction(a)}
      >
        {t(actionLabel(a))}
      </Button>
    ));
  if (props.phone)
    return (
      <>
        {more.length ? (
          <Flex wrap gap={8} style={{ marginTop: 12 }}>
            {more}
          </Flex>
        ) : null}
        <div
          data-testid="action-bar"
          style={{
            position: 'fixed',
            left: 0,
            right: 0,
            bottom: 0,
            zIndex: 20,
            padding: '8px 12px',
            background: '#fff',
            boxShadow: '0 -2px 8px rgba(0,0,0,0.12)',
          }}
        >
          <Flex gap={8} style={{ width: '100%' }}>
            {main}
          </Flex>
        </div>
      </>
    );
  return (
    <Flex wrap gap={8} style={{ marginTop: 12 }} data-testid="action-bar">
      {main}
      {more}
    </Flex>
  );
}

function TaskSummary({ view, names }: { view: TaskView; names: (id: string) => string }) {
  const t = useT(messages);
  const { language } = useLanguage();
  return (
    <Card size="small" data-testid="task-summary">
      <Descriptions
        size="small"
        styles={{ label: { color: 'rgba(0,0,0,0.7)' } }}
        column={{ xs: 1, sm: 2 }}
      >
        <Descriptions.Item label={t('step')}>
          {t(`step.${view.step}` as never)}{' '}
          {view.overdue ? <Tag color="red">{t('overdue')}</Tag> : null}
        </Descriptions.Item>
        <Descriptions.Item label={t('status')}>
          <Tag data-testid="task-state">{t(`state.${view.state}` as never)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('assignee')}>
          {view.assignee
            ? names(view.assignee)
            : view.candidateGroups.map((g) => t(`role.${g}` as never)).join('、')}
        </Descriptions.Item>
        <Descriptions.Item label={t('due')}>
          {view.dueAt ? dateTimeText(view.dueAt, language) : '—'}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function ApplicationCard({
  application,
  customer,
}: {
  application: { data?: components['schemas']['Application']; isLoading: boolean; error: unknown };
  customer?: components['schemas']['Customer'];
}) {
  const t = useT(messages);
  const productName = useProductName();
  const a = application.data;
  return (
    <Card
      size="small"
      title={t('application')}
      data-testid="task-application"
      extra={
        a ? (
          <Link to={`/applications/${a.id}`} style={{ color: '#1456c8' }}>
            {t('action.open')}
          </Link>
        ) : null
      }
    >
      <PageState loading={application.isLoading} error={application.error}>
        {a ? (
          <>
            <Descriptions
              size="small"
              styles={{ label: { color: 'rgba(0,0,0,0.7)' } }}
              column={{ xs: 1, sm: 2 }}
            >
              <Descriptions.Item label={t('customer')}>{a.customerName}</Descriptions.Item>
              <Descriptions.Item label={t('status')}>
                <Tag data-testid="application-status">{t(`status.${a.status}` as never)}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('idNumber')}>
                {maskId(customer?.individual?.residentIdMasked ?? customer?.corporate?.creditCode)}
              </Descriptions.Item>
              <Descriptions.Item label={t('phone')}>
                {maskPhone(
                  customer?.individual?.mobileMasked ?? customer?.corporate?.contactMobileMasked,
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('product')}>
                {productName(a.productCode)}
              </Descriptions.Item>
              <Descriptions.Item label={t('amount')}>
                <Money value={a.amount} />
              </Descriptions.Item>
              <Descriptions.Item label={t('term')}>
                {t('months', { count: a.termMonths })}
              </Descriptions.Item>
              <Descriptions.Item label={t('method')}>
                {a.repaymentMethod ? t(`method.${a.repaymentMethod}` as never) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('purpose')}>{a.purpose || '—'}</Descriptions.Item>
            </Descriptions>
            {a.preAssessment ? (
              <div data-testid="pre-assessment">
                <Typography.Title level={2} style={{ fontSize: 15, marginTop: 8 }}>
                  {t('preAssessment')}: {t(`opinion.${a.preAssessment.opinion}` as never)} ·{' '}
                  {t('score')} {a.preAssessment.score}
                </Typography.Title>
                <List
                  size="small"
                  dataSource={a.preAssessment.results}
                  renderItem={(r) => (
                    <List.Item key={r.ruleId}>
                      <Tag
                        color={
                          r.outcome === 'pass' ? undefined : r.outcome === 'warn' ? 'orange' : 'red'
                        }
                      >
                        {t(`rule.${r.outcome}` as never)}
                      </Tag>
                      {r.reason}
                    </List.Item>
                  )}
                />
              </div>
            ) : null}
          </>
        ) : null}
      </PageState>
    </Card>
  );
}

/**
 * The committee vote: who has voted in the current round and their opinions while it runs, and
 * the tally the process published when it was decided (committee_voteVotes).
 */
function VoteCard({
  view,
  instance,
  names,
}: {
  view: TaskView;
  instance?: Instance;
  names: (id: string) => string;
}) {
  const t = useT(messages);
  const { language } = useLanguage();
  const history = instance?.history ?? [];
  const tally = instance?.variables?.committee_voteVotes as
    { nrOfInstances: number; approvals: number; rejections: number } | undefined;
  const members = (instance?.variables?.committeeMembers as string[] | undefined) ?? [];
  // The current round: the votes since the step before it last completed.
  let start = 0;
  history.forEach((h, i) => {
    if (
      h.elementId !== 'Task_CommitteeVote' &&
      (h.action === 'completed' || h.action === 'sentBack')
    )
      start = i + 1;
  });
  const votes =
    view.step === 'committee_vote'
      ? history
          .slice(start)
          .filter((h) => h.elementId === view.elementId && h.action === 'completed')
      : [];
  return (
    <Card size="small" title={t('tally')} data-testid="vote-tally">
      {tally && view.step !== 'committee_vote' ? (
        <Typography.Text strong data-testid="tally-result">
          {t('tallyResult', {
            approvals: tally.approvals,
            rejections: tally.rejections,
            total: tally.nrOfInstances,
          })}
        </Typography.Text>
      ) : (
        <>
          <Typography.Text strong data-testid="votes-cast">
            {t('votesCast', { done: votes.length, total: members.length || '?' })}
          </Typography.Text>{' '}
          <Typography.Text data-testid="running-tally">
            {t('tallySoFar', {
              approvals: votes.filter((v) => v.outcome === 'approve').length,
              rejections: votes.filter((v) => v.outcome === 'reject').length,
            })}
          </Typography.Text>
          <List
            size="small"
            dataSource={members}
            renderItem={(m) => {
              const vote = votes.find((v) => v.actor === m);
              return (
                <List.Item key={m}>
                  <Space wrap>
                    <span>{names(m)}</span>
                    {vote?.outcome === 'approve' ? (
                      <Tag color="blue" data-testid="member-vote">
                        {t('approve')}
                      </Tag>
                    ) : vote?.outcome === 'reject' ? (
                      <Tag color="red" data-testid="member-vote">
                        {t('reject')}
                      </Tag>
                    ) : vote ? (
                      <Tag color="blue">{t('done')}</Tag>
                    ) : (
                      <Tag>—</Tag>
                    )}
                    {vote ? (
                      <Typography.Text style={{ color: 'rgba(0,0,0,0.7)' }}>
                        {dateTimeText(vote.at, language)} {vote.opinion}
                      </Typography.Text>
                    ) : null}
                  </Space>
                </List.Item>
              );
            }}
          />
        </>
      )}
      <div>
        <Typography.Text style={{ color: 'rgba(0,0,0,0.7)' }}>{t('voteRule')}</Typography.Text>
      </div>
    </Card>
  );
}

function DocumentsCard(props: { docs?: Doc[]; loading: boolean; error: unknown }) {
  const t = useT(messages);
  const docs = (props.docs ?? []).filter((d) => d.current);
  return (
    <Card size="small" title={t('documents')} data-testid="task-documents">
      <PageState loading={props.loading} error={props.error}>
        {docs.length === 0 ? (
          <Typography.Text style={{ color: 'rgba(0,0,0,0.7)' }}>{t('noDocuments')}</Typography.Text>
        ) : (
          <Flex wrap gap={8}>
            {docs.map((d) => (
              <DocThumb key={d.id} doc={d} />
            ))}
          </Flex>
        )}
      </PageState>
    </Card>
  );
}

function DocThumb({ doc }: { doc: Doc }) {
  const docTypeLabel = useDocumentTypeLabel();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!doc.hasThumbnail) return;
    let live = true;
    let made: string | null = null;
    fetchBlob(`/documents/${doc.id}/content?rendition=thumbnail`)
      .then((b) => {
        made = URL.createObjectURL(b);
        if (live) setUrl(made);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [doc.id, doc.hasThumbnail]);
  return (
    <div style={{ width: 96, textAlign: 'center' }}>
      <div
        style={{
          width: 96,
          height: 96,
          border: '1px solid #d9d9d9',
          borderRadius: 6,
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
          overflow: 'hidden',
          background: '#fafafa',
        }}
      >
        {url ? (
          <img src={url} alt={doc.fileName} style={{ maxWidth: '100%', maxHeight: '100%' }} />
        ) : (
          <Typography.Text style={{ color: 'rgba(0,0,0,0.7)' }}>
            {doc.mediaType.split('/')[1]?.toUpperCase()}
          </Typography.Text>
        )}
      </div>
      <Typography.Text style={{ fontSize: 12 }} ellipsis={{ tooltip: doc.fileName }}>
        {docTypeLabel(doc.documentType)}
      </Typography.Text>
    </div>
  );
}
