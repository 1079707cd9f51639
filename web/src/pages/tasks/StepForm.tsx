import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Switch,
  type FormInstance,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { api, data } from '../../api/client';
import type { components } from '../../api/schema';
import { useT } from '../../i18n/language';
import { messages } from './messages';
import { decimalPlaces, padDecimals } from './decimals';

type Role = components['schemas']['User']['roles'][number];
interface Prop {
  type?: string;
  enum?: string[];
  description?: string;
  title?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  items?: { type?: string };
  'x-loanflow-assigns'?: string;
  'x-loanflow-required-when'?: string;
}
export interface FormSchema {
  title?: string;
  description?: string;
  properties?: Record<string, Prop>;
  required?: string[];
}

/** Labels of the fields the credit process's forms have (others fall back to the schema). */
const LABELS: Record<string, string> = {
  productCategory: 'productCategory',
  customerType: 'customerType',
  creditOfficer: 'creditOfficer',
  opinion: 'investigationOpinion',
  recommendedAmount: 'recommendedAmount',
  recommendedRatePercent: 'recommendedRate',
  recommendedTermMonths: 'recommendedTerm',
  investigationReport: 'investigationReport',
  committeeMembers: 'committeeMembers',
  committeeMeetingAt: 'committeeMeetingAt',
  reviewNote: 'reviewNote',
  conditions: 'conditions',
  riskOpinion: 'riskOpinion',
  riskRating: 'riskRating',
  approvedAmount: 'approvedAmount',
  approvedRatePercent: 'approvedRate',
  approvedTermMonths: 'approvedTerm',
  followUpNote: 'followUpNote',
};
/** Enum values with labels of their own. */
const ENUM_PREFIX: Record<string, string> = {
  opinion: 'opinion.',
  riskRating: 'rating.',
  productCategory: 'category.',
  customerType: 'customerType.',
};
/** User fields: which role the named users hold. */
const USER_ROLE: Record<string, Role> = {
  creditOfficer: 'credit_officer',
  committeeMembers: 'committee_member',
};
const LONG_TEXT = new Set(['reviewNote', 'conditions', 'riskOpinion', 'followUpNote']);

/** Active users of a role, for a picker (GET /users gives every signed-in user the public fields). */
export function useUsersOfRole(role: Role | undefined) {
  return useQuery({
    queryKey: ['users', 'role', role],
    enabled: !!role,
    staleTime: 300_000,
    queryFn: () =>
      data(api.GET('/users', { params: { query: { role, status: 'active', pageSize: '100' } } })),
  });
}

function UserPicker(props: {
  role: Role;
  multiple?: boolean;
  id?: string;
  value?: string | string[];
  onChange?: (v: string | string[]) => void;
  'aria-label'?: string;
}) {
  const users = useUsersOfRole(props.role);
  return (
    <Select
      id={props.id}
      aria-label={props['aria-label']}
      mode={props.multiple ? 'multiple' : undefined}
      showSearch={{ optionFilterProp: 'label' }}
      loading={users.isLoading}
      value={props.value}
      onChange={props.onChange}
      options={(users.data?.items ?? []).map((u) => ({
        value: u.username,
        label: `${u.displayName} (${u.username}, ${u.branchId})`,
      }))}
    />
  );
}

/** The wall time picked, in the bank's time zone, as the ISO date-time the process takes. */
export function shanghaiDateTime(d: Dayjs): string {
  return `${d.format('YYYY-MM-DDTHH:mm')}:00+08:00`;
}

/**
 * The step's form from its JSON Schema: every property as a field of its type (strings, enums,
 * integers, money, booleans, user references), with purpose-built widgets and labels for the
 * fields of the credit process (officer and committee pickers, amounts, rates, the meeting time).
 * Fields are named ['formData', field], so the API's `formData.<field>` errors land beside them.
 */
export function StepFields({ schema }: { schema: FormSchema }) {
  const form = Form.useFormInstance();
  const t = useT(messages);
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  return (
    <>
      {schema.description ? (
        <Alert
          type="info"
          showIcon={false}
          message={schema.description}
          style={{ marginBottom: 12 }}
        />
      ) : null}
      {Object.entries(props).map(([name, prop]) => {
        const key = LABELS[name];
        const label = key ? t(key as never) : prop.title || prop.description || name;
        const rules = required.has(name) ? [{ required: true, message: t('field.required') }] : [];
        const common = {
          name: ['formData', name],
          label,
          rules: prop.pattern
            ? [...rules, { pattern: new RegExp(prop.pattern), message: prop.description ?? '' }]
            : rules,
          extra: key ? undefined : prop.description,
          key: name,
        };
        if (USER_ROLE[name] || prop['x-loanflow-assigns']) {
          const role = USER_ROLE[name] ?? 'credit_officer';
          const multiple = prop.type === 'array';
          return (
            <Form.Item
              {...common}
              rules={[
                ...rules,
                ...(multiple && prop.minItems
                  ? [{ type: 'array' as const, min: prop.minItems, message: t('threeMembers') }]
                  : []),
              ]}
            >
              <UserPicker role={role} multiple={multiple} aria-label={label} />
            </Form.Item>
          );
        }
        if (name === 'committeeMeetingAt')
          return (
            <Form.Item {...common} rules={rules}>
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                aria-label={label}
              />
            </Form.Item>
          );
        if (prop.enum)
          return (
            <Form.Item {...common}>
              <Select
                aria-label={label}
                allowClear={!required.has(name)}
                options={prop.enum.map((v) => ({
                  value: v,
                  label: ENUM_PREFIX[name] ? t(`${ENUM_PREFIX[name]}${v}` as never) : v,
                }))}
              />
            </Form.Item>
          );
        if (prop.type === 'integer' || prop.type === 'number')
          return (
            <Form.Item {...common}>
              <InputNumber
                aria-label={label}
                min={prop.minimum}
                max={prop.maximum}
                precision={prop.type === 'integer' ? 0 : undefined}
                style={{ width: 200 }}
              />
            </Form.Item>
          );
        if (prop.type === 'boolean')
          return (
            <Form.Item {...common} valuePropName="checked">
              <Switch aria-label={label} />
            </Form.Item>
          );
        if (prop.type === 'array')
          return (
            <Form.Item {...common}>
              <Select mode="tags" aria-label={label} />
            </Form.Item>
          );
        if (LONG_TEXT.has(name))
          return (
            <Form.Item {...common}>
              <Input.TextArea rows={3} aria-label={label} />
            </Form.Item>
          );
        const isMoney = /Amount$/.test(name);
        const places = decimalPlaces(prop.pattern);
        return (
          <Form.Item {...common}>
            <Input
              aria-label={label}
              // 250000 → 250000.00, 6.5 → 6.5000: what the step's schema asks for, typed as people do.
              onBlur={
                places === undefined
                  ? undefined
                  : (e) => {
                      const padded = padDecimals(e.target.value, places);
                      if (padded !== e.target.value) form.setFieldValue(['formData', name], padded);
                    }
              }
              prefix={isMoney ? '¥' : undefined}
              suffix={/RatePercent$/.test(name) ? '%' : undefined}
              inputMode={isMoney || /RatePercent$/.test(name) ? 'decimal' : undefined}
              style={{ maxWidth: 320 }}
            />
          </Form.Item>
        );
      })}
    </>
  );
}

/** The form data to send: empty fields left out, the meeting time as ISO with +08:00. */
export function formDataOf(form: FormInstance): Record<string, unknown> {
  const values = (form.getFieldValue('formData') ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (k === 'committeeMeetingAt' && typeof v === 'object' && 'format' in v)
      out[k] = shanghaiDateTime(v as Dayjs);
    else out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}
