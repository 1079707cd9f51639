import { BellOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, List, Popover, Typography } from 'antd';
import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import { API_BASE, api, data } from '../api/client';
import { session } from '../auth/session';
import { dateTimeText } from '../format/date';
import { useLanguage, useT } from '../i18n/language';
import { streamEvents } from '../lib/sse';
import { subjectPath } from '../pages/notifications/subject';

/** The bell: the unread count, live over the inbox's Server-Sent Events, and the newest messages. */
export function NotificationBell() {
  const t = useT();
  const { language } = useLanguage();
  const client = useQueryClient();
  const navigate = useNavigate();
  const unread = useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: () => data(api.GET('/notifications/unread-count')),
  });
  const latest = useQuery({
    queryKey: ['notifications', 'latest'],
    queryFn: () => data(api.GET('/notifications', { params: { query: { limit: '5' } } })),
  });

  useEffect(() => {
    const abort = new AbortController();
    void streamEvents({
      url: `${API_BASE}/notifications/stream`,
      headers: (): Record<string, string> => {
        const token = session.token();
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
      onEvent: (e) => {
        if (e.event === 'end') return;
        void client.invalidateQueries({ queryKey: ['notifications'] });
      },
      onStatus: (status) => {
        if (status === 401) session.expired();
      },
      signal: abort.signal,
    });
    return () => abort.abort();
  }, [client]);

  const count = unread.data?.unreadCount ?? 0;
  const items = latest.data?.items ?? [];
  const content = (
    <div className="bell-panel">
      <List
        size="small"
        locale={{ emptyText: t('header.noMessages') }}
        dataSource={items}
        renderItem={(n) => (
          <List.Item
            className={n.readAt ? 'bell-read' : 'bell-unread'}
            onClick={() => {
              void api
                .POST('/notifications/{id}:read', { params: { path: { id: n.id } } })
                .then(() => client.invalidateQueries({ queryKey: ['notifications'] }));
              const path = subjectPath(n.subjectKind, n.subjectId);
              if (path) navigate(path);
            }}
          >
            <List.Item.Meta
              title={n.title}
              description={
                <>
                  <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
                    {n.body}
                  </Typography.Paragraph>
                  <Typography.Text type="secondary">
                    {dateTimeText(n.createdAt, language)}
                  </Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
      <div className="bell-actions">
        <Button
          size="small"
          type="link"
          onClick={() =>
            void api
              .POST('/notifications:read-all', { body: {} })
              .then(() => client.invalidateQueries({ queryKey: ['notifications'] }))
          }
        >
          {t('header.markAllRead')}
        </Button>
        <Button size="small" type="link" onClick={() => navigate('/notifications')}>
          {t('header.allMessages')}
        </Button>
      </div>
    </div>
  );
  return (
    <Popover
      content={content}
      title={t('header.notifications')}
      trigger="click"
      placement="bottomRight"
    >
      <Button
        type="text"
        aria-label={`${t('header.notifications')}: ${t('header.unread', { count })}`}
        data-testid="notification-bell"
        icon={
          <Badge count={count} size="small" data-testid="unread-count">
            <BellOutlined style={{ fontSize: 18 }} />
          </Badge>
        }
      />
    </Popover>
  );
}
