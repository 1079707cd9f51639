import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Result } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router-dom';
import { ApiError } from './api/problem';
import { session } from './auth/session';
import { hasRole, useUser } from './auth/useSession';
import { LanguageProvider, useLanguage, useT } from './i18n/language';
import { AppLayout } from './layout/AppLayout';
import { NAV } from './nav';
import Login from './pages/Login';

// Every page but the log-in loads when first opened: the first screen carries only the shell.
const TasksPage = lazy(() => import('./pages/tasks/TasksPage'));
const TaskPage = lazy(() => import('./pages/tasks/TaskPage'));
const NewApplicationPage = lazy(() => import('./pages/applications/NewApplicationPage'));
const ApplicationsPage = lazy(() => import('./pages/applications/ApplicationsPage'));
const ApplicationPage = lazy(() => import('./pages/applications/ApplicationPage'));
const ContractPage = lazy(() => import('./pages/contracts/ContractPage'));
const LoansPage = lazy(() => import('./pages/loans/LoansPage'));
const LoanPage = lazy(() => import('./pages/loans/LoanPage'));
const BusinessDayPage = lazy(() => import('./pages/loans/BusinessDayPage'));
const PostLoanPage = lazy(() => import('./pages/post-loan/PostLoanPage'));
const ReportsPage = lazy(() => import('./pages/reports/ReportsPage'));
const NotificationsPage = lazy(() => import('./pages/notifications/NotificationsPage'));
const DesignerPage = lazy(() => import('./pages/admin/DesignerPage'));
const CalendarPage = lazy(() => import('./pages/admin/CalendarPage'));
const UsersPage = lazy(() => import('./pages/admin/UsersPage'));
const ProxiesPage = lazy(() => import('./pages/admin/ProxiesPage'));

/** Pages of a signed-in user; without a session, the log-in, then back here. */
function RequireUser() {
  const user = useUser();
  const location = useLocation();
  if (!user) {
    const next = encodeURIComponent(`${location.pathname}${location.search}`);
    const expired = session.expiredLast() ? 'expired=1&' : '';
    return <Navigate to={`/login?${expired}next=${next}`} replace />;
  }
  return <AppLayout />;
}

/** A page only some roles may open (as its menu entry says). */
function Allowed({ path, children }: { path: string; children: ReactNode }) {
  const user = useUser();
  const t = useT();
  const item = NAV.find((n) => n.path === path);
  if (item?.roles && !hasRole(user, item.roles))
    return <Result status="403" title={t('state.forbidden')} />;
  return <>{children}</>;
}

function NotFound() {
  const t = useT();
  return <Result status="404" title={t('state.notFound')} />;
}

const router = createBrowserRouter([
  { path: '/login', element: <Login /> },
  {
    element: <RequireUser />,
    children: [
      { index: true, element: <Navigate to="/tasks" replace /> },
      { path: 'tasks', element: <TasksPage /> },
      { path: 'tasks/:id', element: <TaskPage /> },
      { path: 'applications', element: <ApplicationsPage /> },
      {
        path: 'applications/new',
        element: (
          <Allowed path="/applications/new">
            <NewApplicationPage />
          </Allowed>
        ),
      },
      { path: 'applications/:id', element: <ApplicationPage /> },
      { path: 'contracts/:id', element: <ContractPage /> },
      { path: 'loans', element: <LoansPage /> },
      { path: 'loans/:id', element: <LoanPage /> },
      {
        path: 'business-day',
        element: (
          <Allowed path="/business-day">
            <BusinessDayPage />
          </Allowed>
        ),
      },
      {
        path: 'post-loan',
        element: (
          <Allowed path="/post-loan">
            <PostLoanPage />
          </Allowed>
        ),
      },
      { path: 'reports', element: <ReportsPage /> },
      { path: 'notifications', element: <NotificationsPage /> },
      {
        path: 'admin/process',
        element: (
          <Allowed path="/admin/process">
            <DesignerPage />
          </Allowed>
        ),
      },
      {
        path: 'admin/calendar',
        element: (
          <Allowed path="/admin/calendar">
            <CalendarPage />
          </Allowed>
        ),
      },
      {
        path: 'admin/users',
        element: (
          <Allowed path="/admin/users">
            <UsersPage />
          </Allowed>
        ),
      },
      {
        path: 'proxies',
        element: (
          <Allowed path="/proxies">
            <ProxiesPage />
          </Allowed>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A refusal (4xx) is an answer, not a failure to retry.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function Themed() {
  const { language } = useLanguage();
  return (
    <ConfigProvider
      locale={language === 'zh-CN' ? zhCN : enUS}
      theme={{
        token: {
          colorPrimary: '#1456c8',
          borderRadius: 6,
          // Secondary text, placeholders and group titles with AA contrast (axe: 4.5:1).
          colorTextDescription: '#5f6672',
          colorTextPlaceholder: '#5f6672',
          colorTextTertiary: '#5f6672',
          colorLink: '#1456c8',
          // Hovered and focused buttons and links keep AA contrast too.
          colorPrimaryHover: '#0f47a8',
          colorLinkHover: '#0f47a8',
        },
      }}
    >
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <LanguageProvider>
        <Themed />
      </LanguageProvider>
    </QueryClientProvider>
  );
}
