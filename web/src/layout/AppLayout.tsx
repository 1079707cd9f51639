import { LogoutOutlined, MenuOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Drawer, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { session } from '../auth/session';
import { hasRole, useUser } from '../auth/useSession';
import { PageState } from '../components/PageState';
import { useT } from '../i18n/language';
import { LanguageSwitch } from './LanguageSwitch';
import { NAV } from '../nav';
import { NotificationBell } from './NotificationBell';

/**
 * Every signed-in page: the header (the user, their roles and branch, the language, the bell, log
 * out) and the menu of what their roles may use; on a phone the menu is a drawer.
 */
export function AppLayout() {
  const t = useT();
  const user = useUser();
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [drawer, setDrawer] = useState(false);

  const items = useMemo(() => {
    const visible = NAV.filter((n) => !n.roles || hasRole(user, n.roles));
    const link = (n: (typeof NAV)[number]) => ({
      key: n.path,
      label: <Link to={n.path}>{t(n.label as never)}</Link>,
    });
    const admin = visible.filter((n) => n.admin);
    return [
      ...visible.filter((n) => !n.admin).map(link),
      ...(admin.length
        ? [
            {
              key: 'admin',
              label: t('nav.admin'),
              type: 'group' as const,
              children: admin.map(link),
            },
          ]
        : []),
    ];
  }, [user, t]);
  const selected = NAV.map((n) => n.path)
    .filter((p) => location.pathname === p || location.pathname.startsWith(`${p}/`))
    .sort((a, b) => b.length - a.length)
    .slice(0, 1);
  if (!user) return null;

  const menu = (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={selected}
      onClick={() => setDrawer(false)}
      aria-label={t('nav.menu')}
    />
  );
  return (
    <Layout className="app-layout">
      <Layout.Header className="app-header">
        <Space size={phone ? 4 : 12} className="app-header-left">
          {phone ? (
            <Button
              type="text"
              icon={<MenuOutlined />}
              aria-label={t('nav.menu')}
              onClick={() => setDrawer(true)}
              className="touch"
            />
          ) : null}
          <Link to="/tasks" className="app-brand">
            {phone ? t('app.short') : t('app.name')}
          </Link>
        </Space>
        <Space size={phone ? 4 : 12} className="app-header-right">
          {phone ? null : (
            <span className="app-user" data-testid="current-user">
              <Typography.Text strong>{user.displayName}</Typography.Text>{' '}
              {user.roles.map((r) => (
                <Tag key={r} color="blue">
                  {t(`role.${r}` as never)}
                </Tag>
              ))}
              <Tag>
                {t('header.branch')}: {user.branchId}
              </Tag>
            </span>
          )}
          <LanguageSwitch compact={phone} />
          <NotificationBell />
          <Button
            type="text"
            icon={<LogoutOutlined />}
            aria-label={t('header.logout')}
            onClick={() => {
              session.end();
              client.clear();
              navigate('/login');
            }}
          >
            {phone ? null : t('header.logout')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        {phone ? (
          <Drawer
            open={drawer}
            onClose={() => setDrawer(false)}
            placement="left"
            title={user.displayName}
          >
            {menu}
          </Drawer>
        ) : (
          <Layout.Sider width={200} theme="light" className="app-sider">
            {menu}
          </Layout.Sider>
        )}
        <Layout.Content className={phone ? 'app-content phone' : 'app-content'}>
          <main>
            <Suspense fallback={<PageState loading />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
