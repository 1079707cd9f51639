import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Grid,
  Input,
  Row,
  Space,
  Table,
  Tabs,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { api, data, fetchBlob, saveBlob } from '../../api/client';
import type { components } from '../../api/schema';
import { Chart } from '../../components/Chart';
import { Money } from '../../components/Money';
import { PageState } from '../../components/PageState';
import { formFieldErrors } from '../../api/problem';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';

type Report = components['schemas']['Report'];
type ReportTable = Report['tables'][number];
type Column = ReportTable['columns'][number];

const messages = register(
  defineMessages(
    {
      title: '统计报表',
      asOf: '截至 {date}',
      csv: '导出 CSV',
      xlsx: '导出 Excel',
      target: '3 个工作日目标',
      share3: '3 日内占比',
      p50: '中位工作日',
      funnel: '审批漏斗',
      tiers: '五级分类（万元）',
      overdue: '逾期分布',
      none: '暂无可读报表',
      branchId: '机构',
      productCode: '产品',
      from: '起始日',
      to: '截止日',
      asOfDate: '统计日',
      apply: '查询',
    },
    {
      title: 'Reports',
      asOf: 'As of {date}',
      csv: 'Export CSV',
      xlsx: 'Export Excel',
      target: '3-working-day target',
      share3: 'Share within 3 days',
      p50: 'P50 working days',
      funnel: 'Pipeline funnel',
      tiers: 'Five-tier portfolio (10k yuan)',
      overdue: 'Overdue buckets',
      none: 'No report you may read',
      branchId: 'Branch',
      productCode: 'Product',
      from: 'From',
      to: 'To',
      asOfDate: 'As of',
      apply: 'Apply',
    },
  ),
);

const TIER_KEYS = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'];
const num = (v: string | undefined) => (v ? Number(v) : 0);

/** 统计报表: each report the user may read, as charts and tables, with exports. */
export default function ReportsPage() {
  const t = useT(messages);
  const catalogue = useQuery({ queryKey: ['reports'], queryFn: () => data(api.GET('/reports')) });
  const { language } = useLanguage();
  const reports = catalogue.data?.reports ?? [];
  return (
    <Card title={<h1 className="page-title">{t('title')}</h1>}>
      <PageState
        loading={catalogue.isLoading}
        error={catalogue.error}
        empty={reports.length === 0}
        retry={() => void catalogue.refetch()}
      >
        <Tabs
          destroyOnHidden
          items={reports.map((r) => ({
            key: r.report,
            label: language === 'en' ? r.titleEn : r.titleZh,
            children: <ReportView name={r.report} filters={r.filters} />,
          }))}
        />
      </PageState>
    </Card>
  );
}

type Filter = Partial<Record<'branchId' | 'productCode' | 'from' | 'to' | 'asOf', string>>;
const DATE_FILTERS = ['from', 'to', 'asOf'];

function ReportView({ name, filters }: { name: string; filters: string[] }) {
  const t = useT(messages);
  const { language } = useLanguage();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string>();
  const [filter, setFilter] = useState<Filter>({});
  const [form] = Form.useForm<Record<string, unknown>>();
  const report = useQuery({
    queryKey: ['report', name, filter],
    queryFn: () =>
      data(
        api.GET('/reports/{report}', {
          params: { path: { report: name as 'pipeline' }, query: { ...filter, format: 'json' } },
        }),
      ) as Promise<Report>,
  });
  // A refused filter (400 naming the field, 403 naming branchId) goes beside its field.
  const { fields, rest } = report.error
    ? formFieldErrors(report.error, filters)
    : { fields: [], rest: [] };
  useEffect(() => {
    if (fields.length > 0) form.setFields(fields);
  }, [report.error]);
  const r = report.data;
  const apply = (v: Record<string, unknown>) => {
    const next: Filter = {};
    for (const f of filters) {
      const x = v[f];
      if (!x) continue;
      (next as Record<string, string>)[f] = dayjs.isDayjs(x)
        ? x.format('YYYY-MM-DD')
        : String(x).trim();
    }
    form.setFields(filters.map((f) => ({ name: f, errors: [] })));
    setFilter(next);
  };
  const filterForm = (
    <Form form={form} layout="inline" onFinish={apply} style={{ rowGap: 8 }}>
      {filters.map((f) => (
        <Form.Item key={f} name={f} label={t(f === 'asOf' ? 'asOfDate' : (f as 'from'))}>
          {DATE_FILTERS.includes(f) ? (
            <DatePicker size="large" />
          ) : (
            <Input size="large" style={{ width: 160 }} allowClear />
          )}
        </Form.Item>
      ))}
      <Button type="primary" htmlType="submit" size="large">
        {t('apply')}
      </Button>
    </Form>
  );
  const exportAs = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    try {
      const query = new URLSearchParams({ ...filter, format });
      const blob = await fetchBlob(`/reports/${name}?${query}`);
      saveBlob(blob, `${name}-${r?.asOf ?? 'report'}.${format}`);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };
  if (report.error && fields.length > 0)
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        {filterForm}
        {rest.length > 0 ? <Alert type="error" showIcon message={rest.join('; ')} /> : null}
      </Space>
    );
  return (
    <PageState loading={report.isLoading} error={report.error} retry={() => void report.refetch()}>
      {r ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          {filterForm}
          <Space wrap>
            <Typography.Text type="secondary">{t('asOf', { date: r.asOf })}</Typography.Text>
            <Button
              size="large"
              loading={busy === 'csv'}
              onClick={() => void exportAs('csv')}
              data-testid={`export-csv-${name}`}
            >
              {t('csv')}
            </Button>
            <Button
              size="large"
              loading={busy === 'xlsx'}
              onClick={() => void exportAs('xlsx')}
              data-testid={`export-xlsx-${name}`}
            >
              {t('xlsx')}
            </Button>
          </Space>
          <Charts report={r} />
          {r.tables
            .filter((tb) => !tb.exportOnly)
            .map((tb) => (
              <ReportTableView key={tb.name} table={tb} language={language} />
            ))}
        </Space>
      ) : null}
    </PageState>
  );
}

/** The dashboard charts each report carries. */
function Charts({ report }: { report: Report }) {
  const t = useT(messages);
  const { language } = useLanguage();
  const screens = Grid.useBreakpoint();
  const charts = useMemo(() => {
    const table = (n: string) => report.tables.find((tb) => tb.name === n);
    const label = (c: Column | undefined) => (c ? (language === 'en' ? c.labelEn : c.labelZh) : '');
    const out: { key: string; title: string; option: Record<string, unknown> }[] = [];
    const monthly = table('monthly');
    if (report.report === 'approval-efficiency' && monthly) {
      out.push({
        key: 'cycle',
        title: t('target'),
        option: {
          tooltip: { trigger: 'axis' },
          legend: {},
          xAxis: { type: 'category', data: monthly.rows.map((r) => r.month) },
          yAxis: [
            { type: 'value', name: t('p50') },
            { type: 'value', name: '%', max: 100 },
          ],
          series: [
            {
              name: t('p50'),
              type: 'bar',
              data: monthly.rows.map((r) => num(r.p50_days)),
              markLine: {
                data: [{ yAxis: 3, name: t('target') }],
                lineStyle: { color: '#a8071a' },
              },
            },
            {
              name: t('share3'),
              type: 'line',
              yAxisIndex: 1,
              data: monthly.rows.map((r) => Math.round(num(r.share_within_3_days) * 1000) / 10),
            },
          ],
        },
      });
    }
    const funnel = table('funnel');
    if (report.report === 'pipeline' && funnel) {
      out.push({
        key: 'funnel',
        title: t('funnel'),
        option: {
          tooltip: {},
          series: [
            {
              type: 'funnel',
              sort: 'none',
              data: funnel.rows.map((r) => ({ name: r.stage, value: num(r.applications) })),
            },
          ],
        },
      });
    }
    const tiers = table('five_tier');
    if (report.report === 'portfolio' && tiers) {
      const cols = tiers.columns.filter((c) => TIER_KEYS.includes(c.key));
      const total =
        tiers.rows.find((r) => /合计|total|^\*?$/i.test(r.branch_id ?? '')) ?? tiers.rows[0];
      out.push({
        key: 'tiers',
        title: t('tiers'),
        option: {
          tooltip: {},
          color: ['#237804', '#d4b106', '#d46b08', '#cf1322', '#5c0011'],
          series: [
            {
              type: 'pie',
              radius: ['40%', '70%'],
              data: cols.map((c) => ({ name: label(c), value: num(total?.[c.key]) })),
            },
          ],
        },
      });
    }
    const buckets = table('overdue_buckets');
    if (report.report === 'portfolio' && buckets) {
      out.push({
        key: 'overdue',
        title: t('overdue'),
        option: {
          tooltip: { trigger: 'axis' },
          xAxis: { type: 'category', data: buckets.rows.map((r) => r.days_past_due) },
          yAxis: { type: 'value' },
          series: [
            {
              name: label(buckets.columns.find((c) => c.key === 'overdue_principal')),
              type: 'bar',
              data: buckets.rows.map((r) => num(r.overdue_principal)),
            },
          ],
        },
      });
    }
    return out;
  }, [report, language, t]);
  if (charts.length === 0) return null;
  return (
    <Row gutter={[16, 16]}>
      {charts.map((c) => (
        <Col key={c.key} xs={24} lg={12}>
          <Card
            size="small"
            title={
              <h2 className="section-title" style={{ fontSize: 16, margin: 0 }}>
                {c.title}
              </h2>
            }
          >
            <Chart
              option={c.option}
              label={c.title}
              testId={`chart-${c.key}`}
              height={screens.md ? 300 : 240}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function ReportTableView({ table, language }: { table: ReportTable; language: string }) {
  const cell = (c: Column, v: string) => {
    if (v === '' || v === undefined) return '—';
    if (c.type === 'money') return <Money value={v} />;
    if (c.type === 'ratio') return `${(Number(v) * 100).toFixed(1)}%`;
    return v;
  };
  const title = language === 'en' ? table.titleEn : table.titleZh;
  // The region scrolls sideways on a phone, reachable by keyboard.
  return (
    <div tabIndex={0} role="region" aria-label={title} style={{ overflowX: 'auto' }}>
      <Table<Record<string, string>>
        size="small"
        rowKey={(_, i) => String(i)}
        title={() => <strong>{title}</strong>}
        dataSource={table.rows}
        pagination={false}
        columns={table.columns.map((c) => ({
          key: c.key,
          title: language === 'en' ? c.labelEn : c.labelZh,
          dataIndex: c.key,
          align: ['text', 'date', 'month'].includes(c.type) ? undefined : ('right' as const),
          render: (v: string) => cell(c, v),
          onHeaderCell: () => ({ style: { whiteSpace: 'nowrap' } }),
        }))}
      />
    </div>
  );
}
