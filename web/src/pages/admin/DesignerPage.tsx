import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Row,
  Space,
  Table,
  Tag,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, data, fetchBlob, idempotencyKey } from '../../api/client';
import { ApiError } from '../../api/problem';
import { PageState } from '../../components/PageState';
import { dateTimeText } from '../../format/date';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';
import type { Designer, LoanflowAttrs, SelectedElement } from './designer/modeler';

const messages = register(
  defineMessages(
    {
      title: '流程设计',
      versions: '流程版本',
      version: '版本',
      name: '名称',
      deployedBy: '部署人',
      deployedAt: '部署时间',
      editing: '正在编辑',
      edit: '编辑此版本',
      deploy: '部署为新版本',
      deployed: '已部署为第 {version} 版',
      unchanged: '与最新版本相同，未部署新版本',
      refused: '部署被拒绝',
      loanflow: '审批节点属性',
      stepCode: '节点代码 (stepCode)',
      due: '办理时限（工作日）',
      separatedFrom: '审贷分离：不得由完成以下节点者办理',
      pickTask: '选择一个用户任务以编辑节点代码和时限；拖拽左侧图标添加节点，拖动连线连接节点。',
      properties: '属性面板',
      canvas: '流程图编辑区',
      download: '下载 XML',
      latest: '最新',
      modified: '有未部署的修改',
      running: '在途实例',
    },
    {
      title: 'Process designer',
      versions: 'Process versions',
      version: 'Version',
      name: 'Name',
      deployedBy: 'Deployed by',
      deployedAt: 'Deployed at',
      editing: 'Editing',
      edit: 'Edit this version',
      deploy: 'Deploy as a new version',
      deployed: 'Deployed as version {version}',
      unchanged: 'Same as the latest version; nothing deployed',
      refused: 'Deployment refused',
      loanflow: 'Approval step',
      stepCode: 'Step code (stepCode)',
      due: 'Due in working days',
      separatedFrom: 'Separation of duties: not by whoever completed',
      pickTask:
        'Select a user task to edit its step code and due days; drag icons from the palette to add steps, drag connections to link them.',
      properties: 'Properties panel',
      canvas: 'Process diagram editor',
      download: 'Download XML',
      latest: 'latest',
      modified: 'Unsaved changes',
      running: 'Running instances',
    },
  ),
);

interface Definition {
  id: string;
  key: string;
  version: number;
  name: string;
  deployedBy: string;
  deployedAt: string;
  activeInstances: number;
}

/** 流程设计: the deployed credit process in bpmn-js, edited by drag and drop, deployed as a version. */
export default function DesignerPage() {
  const t = useT(messages);
  const { language } = useLanguage();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const client = useQueryClient();
  const canvasRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const designerRef = useRef<Designer | null>(null);
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [selected, setSelected] = useState<SelectedElement | null>(null);
  const [dirty, setDirty] = useState(false);
  const [deploying, setDeploying] = useState(false);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [form] = Form.useForm<LoanflowAttrs & { dueDays?: number | null }>();

  const definitions = useQuery({
    queryKey: ['process-definitions'],
    queryFn: async () => {
      const out = await data(api.GET('/process-definitions', { params: { query: {} } }));
      return (out.items as Definition[]).slice().sort((a, b) => b.version - a.version);
    },
  });

  // The modeler (bpmn-js and its CSS) loads only here.
  useEffect(() => {
    let cancelled = false;
    void import('./designer/modeler').then(({ createDesigner }) => {
      if (cancelled || !canvasRef.current || !panelRef.current) return;
      const designer = createDesigner(canvasRef.current, panelRef.current);
      designer.onSelect(setSelected);
      designer.onChange(() => setDirty(true));
      designerRef.current = designer;
      setReady(true);
    });
    return () => {
      cancelled = true;
      designerRef.current?.destroy();
      designerRef.current = null;
    };
  }, []);

  const open = useCallback(async (id: string) => {
    const designer = designerRef.current;
    if (!designer) return;
    setLoadError(null);
    try {
      const xml = await (
        await fetchBlob(`/process-definitions/${encodeURIComponent(id)}?format=xml`)
      ).text();
      await designer.importXml(xml);
      setOpenId(id);
      setDirty(false);
      setRefusal(null);
    } catch (e) {
      setLoadError(e);
    }
  }, []);

  // The latest version opens first.
  const latest = definitions.data?.[0];
  useEffect(() => {
    if (ready && latest && openId === null) void open(latest.id);
  }, [ready, latest, openId, open]);

  useEffect(() => {
    form.setFieldsValue({
      stepCode: selected?.loanflow.stepCode ?? '',
      dueDays:
        selected?.loanflow.dueInWorkingDays === undefined
          ? null
          : Number(selected.loanflow.dueInWorkingDays),
      separatedFrom: selected?.loanflow.separatedFrom ?? '',
    });
  }, [selected, form]);

  const deploy = async () => {
    const designer = designerRef.current;
    if (!designer) return;
    setDeploying(true);
    setRefusal(null);
    try {
      const xml = await designer.saveXml();
      const out = await data(
        api.POST('/process-definitions', {
          body: { xml },
          headers: { 'Idempotency-Key': idempotencyKey() },
        }),
      );
      if (out.created) message.success(t('deployed', { version: out.definition.version }));
      else message.info(t('unchanged'));
      setDirty(false);
      setOpenId(out.definition.id);
      await client.invalidateQueries({ queryKey: ['process-definitions'] });
    } catch (e) {
      if (e instanceof ApiError) setRefusal(e);
      else throw e;
    } finally {
      setDeploying(false);
    }
  };

  const download = async () => {
    const designer = designerRef.current;
    if (!designer) return;
    const xml = await designer.saveXml();
    const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'credit-approval.bpmn';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const isUserTask = selected?.type === 'bpmn:UserTask';
  const onLoanflowChange = () => {
    if (!selected || !designerRef.current) return;
    const v = form.getFieldsValue();
    designerRef.current.setLoanflow(selected.id, {
      stepCode: v.stepCode ?? '',
      dueInWorkingDays:
        v.dueDays === null || v.dueDays === undefined ? '' : String(Math.trunc(v.dueDays)),
      separatedFrom: v.separatedFrom ?? '',
    });
  };

  return (
    <Space className="admin-page" direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={<h1 className="page-title">{t('title')}</h1>}
        extra={
          <Space wrap>
            {dirty ? <Tag>{t('modified')}</Tag> : null}
            <Button onClick={() => void download()} disabled={!openId}>
              {t('download')}
            </Button>
            <Button
              type="primary"
              data-testid="deploy"
              loading={deploying}
              disabled={!openId}
              onClick={() => void deploy()}
            >
              {t('deploy')}
            </Button>
          </Space>
        }
      >
        {refusal ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            style={{ marginBottom: 12 }}
            message={t('refused')}
            description={
              <>
                <div>{refusal.detail ?? refusal.title}</div>
                {refusal.errors.length > 0 ? (
                  <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
                    {refusal.errors.map((e, i) => (
                      <li key={i}>{e.field ? `${e.field}: ${e.message}` : e.message}</li>
                    ))}
                  </ul>
                ) : null}
              </>
            }
          />
        ) : null}
        {loadError ? (
          <PageState error={loadError} retry={() => openId && void open(openId)} />
        ) : null}
        <Row gutter={[12, 12]}>
          <Col xs={24} lg={17}>
            <div
              ref={canvasRef}
              className="designer-canvas"
              role="application"
              aria-label={t('canvas')}
              style={{
                height: screens.md ? 620 : 420,
                border: '1px solid #d9d9d9',
                borderRadius: 6,
                background: '#fff',
              }}
            />
          </Col>
          <Col xs={24} lg={7}>
            <Card size="small" title={t('loanflow')} style={{ marginBottom: 12 }}>
              {isUserTask ? (
                <Form
                  form={form}
                  name="loanflow"
                  layout="vertical"
                  onValuesChange={onLoanflowChange}
                  data-testid="loanflow-form"
                >
                  <p className="designer-muted">{selected.name || selected.id}</p>
                  <Form.Item name="stepCode" label={t('stepCode')}>
                    <Input />
                  </Form.Item>
                  <Form.Item name="dueDays" label={t('due')}>
                    <InputNumber min={0} max={365} precision={0} />
                  </Form.Item>
                  <Form.Item name="separatedFrom" label={t('separatedFrom')}>
                    <Input />
                  </Form.Item>
                </Form>
              ) : (
                <p className="designer-muted">{t('pickTask')}</p>
              )}
            </Card>
            <div
              ref={panelRef}
              className="designer-properties"
              aria-label={t('properties')}
              style={{
                border: '1px solid #d9d9d9',
                borderRadius: 6,
                maxHeight: 620,
                overflow: 'auto',
              }}
            />
          </Col>
        </Row>
      </Card>
      <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('versions')}</h2>}>
        <PageState
          loading={definitions.isLoading}
          error={definitions.error}
          empty={(definitions.data ?? []).length === 0}
          retry={() => void definitions.refetch()}
        >
          {screens.md ? (
            <Table<Definition>
              rowKey="id"
              size="small"
              data-testid="versions"
              pagination={false}
              scroll={{ x: 'max-content' }}
              dataSource={definitions.data ?? []}
              columns={[
                {
                  title: t('version'),
                  dataIndex: 'version',
                  render: (v: number, d) => (
                    <Space>
                      <span>v{v}</span>
                      {d.id === latest?.id ? <Tag color="blue">{t('latest')}</Tag> : null}
                      {d.id === openId ? <Tag color="geekblue">{t('editing')}</Tag> : null}
                    </Space>
                  ),
                },
                { title: t('name'), dataIndex: 'name' },
                {
                  title: t('running'),
                  dataIndex: 'activeInstances',
                  align: 'right' as const,
                  render: (n: number) => <span data-testid="running">{n}</span>,
                },
                { title: t('deployedBy'), dataIndex: 'deployedBy' },
                {
                  title: t('deployedAt'),
                  dataIndex: 'deployedAt',
                  render: (v: string) => dateTimeText(v, language),
                },
                {
                  title: '',
                  key: 'open',
                  render: (_: unknown, d) => (
                    <Button size="small" onClick={() => void open(d.id)} disabled={d.id === openId}>
                      {t('edit')}
                    </Button>
                  ),
                },
              ]}
            />
          ) : (
            <List<Definition>
              data-testid="versions"
              dataSource={definitions.data ?? []}
              renderItem={(d) => (
                <List.Item
                  actions={[
                    <Button key="open" onClick={() => void open(d.id)} disabled={d.id === openId}>
                      {t('edit')}
                    </Button>,
                  ]}
                >
                  <List.Item.Meta
                    title={
                      <Space wrap>
                        <span>v{d.version}</span>
                        {d.id === latest?.id ? <Tag color="blue">{t('latest')}</Tag> : null}
                        {d.id === openId ? <Tag color="geekblue">{t('editing')}</Tag> : null}
                      </Space>
                    }
                    description={
                      <>
                        <div>{d.name}</div>
                        <div>
                          {t('running')}: <span data-testid="running">{d.activeInstances}</span>
                        </div>
                        <div>
                          {d.deployedBy} · {dateTimeText(d.deployedAt, language)}
                        </div>
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          )}
        </PageState>
      </Card>
    </Space>
  );
}
