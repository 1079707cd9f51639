import { useQuery } from '@tanstack/react-query';
import { Alert, Button, DatePicker, Form, Select, type FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef, useState, type ReactNode } from 'react';
import { api, data, idempotencyKey } from '../../api/client';
import { showFieldErrors } from '../../components/forms';

/** The open business date: the default of every date a post-loan record takes. */
export function useBusinessDate(): string | undefined {
  const q = useQuery({
    queryKey: ['business-day'],
    queryFn: () => data(api.GET('/business-days/current')),
  });
  return q.data?.openBusinessDate;
}

/** Loans of the user's scope to pick one from, by loan number. */
export function LoanPicker(props: {
  value?: string;
  onChange?: (v: string) => void;
  id?: string;
  ariaLabel: string;
}) {
  const loans = useQuery({
    queryKey: ['loans', 'picker'],
    queryFn: () => data(api.GET('/loans', { params: { query: { pageSize: '100' } } })),
  });
  return (
    <Select
      id={props.id}
      aria-label={props.ariaLabel}
      showSearch
      size="large"
      style={{ minWidth: 260 }}
      loading={loans.isLoading}
      value={props.value}
      onChange={props.onChange}
      optionFilterProp="label"
      options={(loans.data?.items ?? []).map((l) => ({
        value: l.id,
        label: `${l.loanNumber} · ${l.branchId} · ${l.productCode}`,
      }))}
    />
  );
}

/** A date field holding "YYYY-MM-DD". */
export function DateField(props: {
  value?: string;
  onChange?: (v: string | undefined) => void;
  id?: string;
}) {
  return (
    <DatePicker
      id={props.id}
      size="large"
      style={{ width: '100%' }}
      value={props.value ? dayjs(props.value) : null}
      onChange={(d: Dayjs | null) => props.onChange?.(d ? d.format('YYYY-MM-DD') : undefined)}
    />
  );
}

/**
 * A write form: the body cleaned of empty strings, one Idempotency-Key per distinct body (a retry
 * of the same body finds the first record), the API's field errors beside the fields, the rest above.
 */
export function WriteForm<V extends Record<string, unknown>>(props: {
  form: FormInstance<V>;
  fields: string[];
  initialValues?: Partial<V>;
  submitLabel: string;
  send: (body: Record<string, unknown>, key: string) => Promise<unknown>;
  onDone: () => void;
  children: ReactNode;
  testId?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [rest, setRest] = useState<string[]>([]);
  const attempt = useRef<{ body: string; key: string } | null>(null);
  const submit = async (v: V) => {
    const body = Object.fromEntries(
      Object.entries(v).filter(([, x]) => x !== undefined && x !== null && x !== ''),
    );
    const json = JSON.stringify(body);
    if (attempt.current?.body !== json) attempt.current = { body: json, key: idempotencyKey() };
    setBusy(true);
    setRest([]);
    try {
      await props.send(body, attempt.current.key);
      attempt.current = null;
      props.form.resetFields();
      props.onDone();
    } catch (e) {
      setRest(showFieldErrors(props.form, e, props.fields));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form<V>
      form={props.form}
      layout="vertical"
      initialValues={props.initialValues}
      onFinish={(v) => void submit(v)}
      data-testid={props.testId}
    >
      {rest.length > 0 ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 12 }}
          message={rest.join('; ')}
        />
      ) : null}
      {props.children}
      <Button type="primary" htmlType="submit" size="large" loading={busy}>
        {props.submitLabel}
      </Button>
    </Form>
  );
}
