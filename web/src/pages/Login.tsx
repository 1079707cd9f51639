import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import { showFieldErrors } from '../components/forms';
import { session } from '../auth/session';
import { useT } from '../i18n/language';
import { LanguageSwitch } from '../layout/LanguageSwitch';

interface Credentials {
  username: string;
  password: string;
}

/** Log in; afterwards back to the page the user was on (`?next=`), or 我的业务. */
export default function Login() {
  const t = useT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Credentials>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const next = params.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/tasks';

  async function submit(values: Credentials) {
    setBusy(true);
    setError(undefined);
    try {
      const { data, error: problem, response } = await api.POST('/auth/login', { body: values });
      if (!response.ok || !data) throw new ApiError(response.status, problem);
      session.start(data.accessToken, data.expiresIn, data.user);
      navigate(target, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError(t('login.failed'));
      else if (e instanceof ApiError && e.status === 429) setError(t('login.tooMany'));
      else {
        const rest = showFieldErrors(form, e, ['username', 'password']);
        if (rest.length) setError(rest.join('; '));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login-page">
      <Card className="login-card">
        <Typography.Title level={1} className="login-title">
          {t('app.name')}
        </Typography.Title>
        {params.get('expired') ? (
          <Alert type="warning" showIcon message={t('login.expired')} />
        ) : null}
        {error ? <Alert type="error" showIcon message={error} role="alert" /> : null}
        <Form
          form={form}
          layout="vertical"
          onFinish={submit}
          requiredMark={false}
          className="login-form"
        >
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, message: t('field.required') }]}
          >
            <Input autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('field.required') }]}
          >
            <Input.Password autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
        <div className="login-language">
          <LanguageSwitch />
        </div>
      </Card>
    </main>
  );
}
