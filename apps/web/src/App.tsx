import { Center, Loader } from '@mantine/core'
import { lazy, Suspense } from 'react'
import { Navigate, Route, Routes, useLocation } from 'react-router'
import { ErrorPage } from './components/ErrorPage.tsx'
import { Layout } from './components/Layout.tsx'
import { homeViewKey } from './lib/views.ts'
import { InboxPage } from './pages/InboxPage.tsx'
import { SignInPage } from './pages/SignInPage.tsx'
import { SessionProvider, useSession, useSessionQuery } from './session.tsx'

// Everything but sign-in and the inbox loads when first opened, to keep the first load small.
const TicketPage = lazy(() => import('./pages/TicketPage.tsx'))
const CustomersPage = lazy(() => import('./pages/CustomersPage.tsx'))
const CustomerPage = lazy(() => import('./pages/CustomerPage.tsx'))
const OrganizationPage = lazy(() => import('./pages/OrganizationPage.tsx'))
const UsersAdminPage = lazy(() => import('./pages/UsersAdminPage.tsx'))
const TeamsAdminPage = lazy(() => import('./pages/TeamsAdminPage.tsx'))
const EmailAdminPage = lazy(() => import('./pages/EmailAdminPage.tsx'))
const EmailMessagesPage = lazy(() => import('./pages/EmailMessagesPage.tsx'))
const ProfilePage = lazy(() => import('./pages/ProfilePage.tsx'))
const AuditPage = lazy(() => import('./features/audit/AuditPage.tsx'))
const TextModulesPage = lazy(() => import('./features/text-modules/TextModulesPage.tsx'))
const MacrosPage = lazy(() => import('./features/macros/MacrosPage.tsx'))
const WebhooksPage = lazy(() => import('./features/webhooks/WebhooksPage.tsx'))
const SignInSettingsPage = lazy(() => import('./features/sign-in/SignInSettingsPage.tsx'))
const EnrolmentRequiredPage = lazy(() => import('./features/sign-in/EnrolmentRequiredPage.tsx'))
const FieldsAdminPage = lazy(() => import('./features/fields/FieldsAdminPage.tsx'))
const CalendarsPage = lazy(() => import('./features/calendars/CalendarsPage.tsx'))
const SlaPoliciesPage = lazy(() => import('./features/promises/SlaPoliciesPage.tsx'))
const SupervisorBoardPage = lazy(() => import('./features/escalations/SupervisorBoardPage.tsx'))
const EscalationSettingsPage = lazy(() => import('./features/escalations/EscalationSettingsPage.tsx'))

export const PageLoader = () => (
  <Center h="50vh">
    <Loader aria-label="…" />
  </Center>
)

/** Where the desk opens: "All open" for supervisors and admins, "Mine" for agents. */
const Home = () => {
  const { isSupervisor } = useSession()
  return <Navigate to={`/inbox/${homeViewKey(isSupervisor)}`} replace />
}

export const App = () => {
  const session = useSessionQuery()
  const location = useLocation()
  if (session.isPending) return <PageLoader />
  if (session.isError) return <ErrorPage kind="unavailable" onRetry={() => void session.refetch()} />
  if (!session.data) {
    return (
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route
          path="*"
          element={
            <Navigate
              to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}
              replace
            />
          }
        />
      </Routes>
    )
  }
  // The role requires two-factor sign-in that is not set up: nothing else until it is.
  if (session.data.twoFactor?.enrolmentRequired) {
    return (
      <SessionProvider info={session.data}>
        <Suspense fallback={<PageLoader />}>
          <EnrolmentRequiredPage />
        </Suspense>
      </SessionProvider>
    )
  }
  return (
    <SessionProvider info={session.data}>
      <Layout>
        <Suspense fallback={<PageLoader />}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/sign-in" element={<Home />} />
            <Route path="/inbox/:view" element={<InboxPage />} />
            <Route path="/tickets/:ref" element={<TicketPage />} />
            <Route path="/customers" element={<CustomersPage />} />
            <Route path="/customers/:id" element={<CustomerPage />} />
            <Route path="/organizations/:id" element={<OrganizationPage />} />
            <Route path="/admin/users" element={<UsersAdminPage />} />
            <Route path="/admin/teams" element={<TeamsAdminPage />} />
            <Route path="/admin/email" element={<EmailAdminPage />} />
            <Route path="/admin/email/messages" element={<EmailMessagesPage />} />
            <Route path="/admin/audit" element={<AuditPage />} />
            <Route path="/text-modules" element={<TextModulesPage />} />
            <Route path="/admin/macros" element={<MacrosPage />} />
            <Route path="/admin/webhooks" element={<WebhooksPage />} />
            <Route path="/admin/sign-in" element={<SignInSettingsPage />} />
            <Route path="/admin/fields" element={<FieldsAdminPage />} />
            <Route path="/admin/calendars" element={<CalendarsPage />} />
            <Route path="/admin/sla-policies" element={<SlaPoliciesPage />} />
            <Route path="/admin/escalations" element={<EscalationSettingsPage />} />
            <Route path="/supervisor" element={<SupervisorBoardPage />} />
            <Route path="/profile" element={<ProfilePage />} />
            <Route path="*" element={<ErrorPage kind="notFound" />} />
          </Routes>
        </Suspense>
      </Layout>
    </SessionProvider>
  )
}
