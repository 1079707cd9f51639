import { Alert, Button, Empty, Result, Skeleton } from 'antd';
import type { ReactNode } from 'react';
import { ApiError } from '../api/problem';
import { useT } from '../i18n/language';

/**
 * What a page shows while its data loads, when it failed (the problem's title and detail, with a
 * retry) or when there is nothing; otherwise its children.
 */
export function PageState(props: {
  loading?: boolean;
  error?: unknown;
  empty?: boolean;
  retry?: () => void;
  children?: ReactNode;
}) {
  const t = useT();
  if (props.error) return <ErrorState error={props.error} retry={props.retry} />;
  if (props.loading)
    return (
      <div aria-busy="true" aria-label={t('state.loading')}>
        <Skeleton active />
      </div>
    );
  if (props.empty) return <Empty description={t('state.empty')} />;
  return <>{props.children}</>;
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const t = useT();
  if (error instanceof ApiError && error.status === 404)
    return <Result status="404" title={t('state.notFound')} subTitle={error.detail} />;
  if (error instanceof ApiError && error.status === 403)
    return <Result status="403" title={t('state.forbidden')} subTitle={error.detail} />;
  return (
    <Alert
      type="error"
      showIcon
      message={error instanceof ApiError ? error.title : t('state.error')}
      description={error instanceof Error ? error.message : String(error)}
      action={
        retry ? (
          <Button size="small" onClick={retry}>
            {t('state.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
