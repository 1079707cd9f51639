import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, List, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, data } from '../../api/client';
import { PageState } from '../../components/PageState';
import { dateTimeText } from '../../format/date';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';
import { subjectPath } from './subject';

const messages = register(
  defineMessages(
    {
      title: '消息中心',
      all: '全部',
      unread: '未读',
      read: '标为已读',
      more: '加载更多',
      mandatory: '必达',
      open: '查看',
    },
    {
      title: 'Messages',
      all: 'All',
      unread: 'Unread',
      read: 'Mark read',
      more: 'Load more',
      mandatory: 'Mandatory',
      open: 'Open',
    },
  ),
);

/** 站内信: the caller's inbox, newest first, paged back by seq. */
export default function NotificationsPage() {
  const t = useT(messages);
  const { language } = useLanguage();
  const client = useQueryClient();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const inbox = useInfiniteQuery({
    queryKey: ['notifications', 'inbox', unreadOnly],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/notifications', {
          params: {
            query: {
              limit: '20',
              unreadOnly: unreadOnly ? 'true' : 'false',
              ...(pageParam ? { beforeSeq: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) =>
      last.nextBeforeSeq === null ? undefined : String(last.nextBeforeSeq),
  });
  const items = inbox.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card
      title={<h1 className="page-title">{t('title')}</h1>}
      extra={
        <Segmented
          value={unreadOnly ? 'unread' : 'all'}
          options={[
            { value: 'all', label: t('all') },
            { value: 'unread', label: t('unread') },
          ]}
          onChange={(v) => setUnreadOnly(v === 'unread')}
        />
      }
    >
      <PageState
        loading={inbox.isLoading}
        error={inbox.error}
        empty={items.length === 0}
        retry={() => void inbox.refetch()}
      >
        <List
          dataSource={items}
          renderItem={(n) => {
            const path = subjectPath(n.subjectKind, n.subjectId);
            return (
              <List.Item
                actions={[
                  ...(path
                    ? [
                        <Link key="open" to={path}>
                          {t('open')}
                        </Link>,
                      ]
                    : []),
                  ...(n.readAt
                    ? []
                    : [
                        <Button
                          key="read"
                          size="small"
                          onClick={() =>
                            void api
                              .POST('/notifications/{id}:read', { params: { path: { id: n.id } } })
                              .then(() => client.invalidateQueries({ queryKey: ['notifications'] }))
                          }
                        >
                          {t('read')}
                        </Button>,
                      ]),
                ]}
              >
                <List.Item.Meta
                  title={
                    <Space>
                      {n.readAt ? n.title : <strong>{n.title}</strong>}
                      {n.mandatory ? <Tag color="red">{t('mandatory')}</Tag> : null}
                    </Space>
                  }
                  description={
                    <>
                      <Typography.Paragraph style={{ marginBottom: 4 }}>
                        {n.body}
                      </Typography.Paragraph>
                      <Typography.Text type="secondary">
                        {dateTimeText(n.createdAt, language)}
                      </Typography.Text>
                    </>
                  }
                />
              </List.Item>
            );
          }}
        />
        {inbox.hasNextPage ? (
          <Button onClick={() => void inbox.fetchNextPage()} loading={inbox.isFetchingNextPage}>
            {t('more')}
          </Button>
        ) : null}
      </PageState>
    </Card>
  );
}
