import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, data } from '../../api/client';
import { ApiError } from '../../api/problem';
import { PageState } from '../../components/PageState';
import { dateText, dateTimeText } from '../../format/date';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';

const messages = register(
  defineMessages(
    {
      title: '节假日',
      year: '年度',
      notice: '国务院通知',
      source: '来源',
      builtIn: '内置',
      published: '已发布',
      publishedBy: '发布人',
      publishedAt: '发布时间',
      holiday: '假期',
      firstDay: '第一天',
      lastDay: '最后一天',
      days: '放假日期',
      workdays: '调休上班日',
      workdaysHint: '周六或周日上班，多个日期以逗号分隔',
      edit: '编辑',
      newYear: '新增年度',
      newYearLabel: '新年度',
      addHoliday: '添加假期',
      removeHoliday: '删除假期',
      saved: '{year} 年节假日安排已发布',
      none: '无',
    },
    {
      title: 'Holiday calendar',
      year: 'Year',
      notice: "State Council's notice",
      source: 'Source',
      builtIn: 'Built in',
      published: 'Published',
      publishedBy: 'Published by',
      publishedAt: 'Published at',
      holiday: 'Holiday',
      firstDay: 'First day',
      lastDay: 'Last day',
      days: 'Days off',
      workdays: 'Make-up working days',
      workdaysHint: 'Saturdays or Sundays worked, separated by commas',
      edit: 'Edit',
      newYear: 'New year',
      newYearLabel: 'New year',
      addHoliday: 'Add a holiday',
      removeHoliday: 'Remove holiday',
      saved: 'Arrangements for {year} published',
      none: 'None',
    },
  ),
);

interface Holiday {
  name: string;
  firstDay: string;
  lastDay: string;
  workdays: string[];
}
interface HolidayYear {
  year: number;
  notice: string;
  holidays: Holiday[];
  source: 'built_in' | 'published';
  publishedBy: string;
  publishedAt: string;
}
interface EditValues {
  notice: string;
  holidays: { name: string; firstDay: string; lastDay: string; workdays: string }[];
}

/** 节假日: the years of public holidays and make-up working days (调休) that due dates count with. */
export default function CalendarPage() {
  const t = useT(messages);
  const { language } = useLanguage();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const client = useQueryClient();
  const [year, setYear] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const [newYear, setNewYear] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const [rest, setRest] = useState<string[]>([]);
  const [form] = Form.useForm<EditValues>();

  const years = useQuery({
    queryKey: ['holiday-years'],
    queryFn: () => data(api.GET('/calendar/holiday-years')),
  });
  const items = useMemo(
    () => ((years.data?.items ?? []) as HolidayYear[]).slice().sort((a, b) => b.year - a.year),
    [years.data],
  );
  useEffect(() => {
    if (year === null && items.length > 0) setYear(items[0]!.year);
  }, [items, year]);
  const current = items.find((y) => y.year === year);

  const startEdit = (y: number, from?: HolidayYear) => {
    setYear(y);
    setRest([]);
    form.resetFields();
    form.setFieldsValue({
      notice: from?.notice ?? '',
      holidays: (from?.holidays ?? []).map((h) => ({ ...h, workdays: h.workdays.join(', ') })),
    });
    setEditing(true);
  };

  const save = async (values: EditValues) => {
    if (year === null) return;
    setSaving(true);
    setRest([]);
    try {
      await data(
        api.PUT('/calendar/holiday-years/{year}', {
          params: { path: { year: String(year) } },
          body: {
            notice: values.notice,
            holidays: (values.holidays ?? []).map((h) => ({
              name: h.name,
              firstDay: h.firstDay,
              lastDay: h.lastDay,
              workdays: (h.workdays ?? '')
                .split(/[,，\s]+/)
                .map((d) => d.trim())
                .filter(Boolean),
            })),
          },
        }),
      );
      message.success(t('saved', { year }));
      setEditing(false);
      await client.invalidateQueries({ queryKey: ['holiday-years'] });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // holidays.0.workdays.1 → beside holidays.0.workdays; the rest above the form.
      const byField = new Map<string, string[]>();
      const other: string[] = [];
      for (const err of e.errors) {
        const parts = err.field.split('.');
        if (parts[0] === 'notice') byField.set('notice', [err.message]);
        else if (parts[0] === 'holidays' && parts.length >= 3) {
          const key = parts.slice(0, 3).join('.');
          byField.set(key, [...(byField.get(key) ?? []), err.message]);
        } else other.push(err.field ? `${err.field}: ${err.message}` : err.message);
      }
      if (e.errors.length === 0) other.push(e.message);
      form.setFields(
        [...byField].map(([field, errors]) => ({
          name: field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          errors,
        })) as Parameters<typeof form.setFields>[0],
      );
      setRest(other);
    } finally {
      setSaving(false);
    }
  };

  const period = (h: Holiday) =>
    h.firstDay === h.lastDay
      ? dateText(h.firstDay, language)
      : `${dateText(h.firstDay, language)} – ${dateText(h.lastDay, language)}`;

  return (
    <Card
      className="admin-page"
      title={<h1 className="page-title">{t('title')}</h1>}
      extra={
        <Space wrap>
          <Select<number>
            aria-label={t('year')}
            style={{ minWidth: 110 }}
            value={year ?? undefined}
            options={items.map((y) => ({ value: y.year, label: String(y.year) }))}
            onChange={(v) => {
              setYear(v);
              setEditing(false);
            }}
          />
          {!editing && current ? (
            <Button type="primary" onClick={() => startEdit(current.year, current)}>
              {t('edit')}
            </Button>
          ) : null}
        </Space>
      }
    >
      {years.data?.warning ? (
        <Alert type="warning" showIcon message={years.data.warning} style={{ marginBottom: 12 }} />
      ) : null}
      <PageState loading={years.isLoading} error={years.error} retry={() => void years.refetch()}>
        {!editing ? (
          <Space wrap style={{ marginBottom: 12 }}>
            <InputNumber<number>
              aria-label={t('newYearLabel')}
              placeholder={t('newYearLabel')}
              min={2000}
              max={2100}
              precision={0}
              value={newYear}
              onChange={setNewYear}
            />
            <Button
              icon={<PlusOutlined />}
              disabled={!newYear || items.some((y) => y.year === newYear)}
              onClick={() => newYear && startEdit(newYear)}
            >
              {t('newYear')}
            </Button>
          </Space>
        ) : null}
        {editing ? (
          <Form<EditValues>
            form={form}
            name="holidayYear"
            layout="vertical"
            onFinish={(v) => void save(v)}
            data-testid="holiday-form"
          >
            <h2 style={{ fontSize: 16 }}>
              {t('year')} {year}
            </h2>
            {rest.length > 0 ? (
              <Alert type="error" showIcon role="alert" message={rest.join('; ')} />
            ) : null}
            <Form.Item name="notice" label={t('notice')} rules={[{ required: true }]}>
              <Input maxLength={500} />
            </Form.Item>
            <Form.List name="holidays">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Card
                      key={field.key}
                      size="small"
                      style={{ marginBottom: 8 }}
                      title={`${t('holiday')} ${field.name + 1}`}
                      extra={
                        <Button
                          type="text"
                          danger
                          aria-label={`${t('removeHoliday')} ${field.name + 1}`}
                          icon={<MinusCircleOutlined />}
                          onClick={() => remove(field.name)}
                        />
                      }
                    >
                      <Space wrap align="start">
                        <Form.Item
                          name={[field.name, 'name']}
                          label={t('holiday')}
                          rules={[{ required: true }]}
                        >
                          <Input maxLength={100} />
                        </Form.Item>
                        <Form.Item
                          name={[field.name, 'firstDay']}
                          label={t('firstDay')}
                          rules={[{ required: true }]}
                        >
                          <Input type="date" />
                        </Form.Item>
                        <Form.Item
                          name={[field.name, 'lastDay']}
                          label={t('lastDay')}
                          rules={[{ required: true }]}
                        >
                          <Input type="date" />
                        </Form.Item>
                        <Form.Item
                          name={[field.name, 'workdays']}
                          label={t('workdays')}
                          extra={t('workdaysHint')}
                        >
                          <Input placeholder="2027-02-07, 2027-02-20" />
                        </Form.Item>
                      </Space>
                    </Card>
                  ))}
                  <Button
                    icon={<PlusOutlined />}
                    onClick={() => add({ name: '', firstDay: '', lastDay: '', workdays: '' })}
                    style={{ marginBottom: 16 }}
                  >
                    {t('addHoliday')}
                  </Button>
                </>
              )}
            </Form.List>
            <Space>
              <Button type="primary" htmlType="submit" loading={saving}>
                {t('action.save')}
              </Button>
              <Button onClick={() => setEditing(false)}>{t('action.cancel')}</Button>
            </Space>
          </Form>
        ) : current ? (
          <>
            <Descriptions
              size="small"
              className="readable-labels"
              column={screens.md ? 2 : 1}
              style={{ marginBottom: 12 }}
              items={[
                { key: 'notice', label: t('notice'), children: current.notice || '—' },
                {
                  key: 'source',
                  label: t('source'),
                  children: (
                    <Tag color="blue">
                      {current.source === 'built_in' ? t('builtIn') : t('published')}
                    </Tag>
                  ),
                },
                { key: 'by', label: t('publishedBy'), children: current.publishedBy || '—' },
                {
                  key: 'at',
                  label: t('publishedAt'),
                  children: dateTimeText(current.publishedAt, language),
                },
              ]}
            />
            {screens.md ? (
              <Table<Holiday>
                rowKey={(h) => `${h.name}-${h.firstDay}`}
                size="small"
                pagination={false}
                data-testid="holidays"
                dataSource={current.holidays}
                columns={[
                  { title: t('holiday'), dataIndex: 'name' },
                  { title: t('days'), key: 'days', render: (_: unknown, h) => period(h) },
                  {
                    title: t('workdays'),
                    dataIndex: 'workdays',
                    render: (w: string[]) =>
                      w.length ? w.map((d) => dateText(d, language)).join('、') : t('none'),
                  },
                ]}
              />
            ) : (
              <List<Holiday>
                data-testid="holidays"
                dataSource={current.holidays}
                renderItem={(h) => (
                  <List.Item>
                    <List.Item.Meta
                      title={h.name}
                      description={
                        <>
                          <div>{period(h)}</div>
                          <div>
                            {t('workdays')}:{' '}
                            {h.workdays.length
                              ? h.workdays.map((d) => dateText(d, language)).join('、')
                              : t('none')}
                          </div>
                        </>
                      }
                    />
                  </List.Item>
                )}
              />
            )}
          </>
        ) : null}
      </PageState>
    </Card>
  );
}
