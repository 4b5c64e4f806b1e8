import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import { useMe } from './api/queries.js';
import { ProblemAlert } from './components/problem-alert.js';
import { Shell } from './layout/shell.js';
import { isTenantAdmin } from './layout/navigation.js';
import { AdminAuditPage } from './pages/admin-audit.js';
import { AdminServicesPage } from './pages/admin-services.js';
import { AdminUsersPage } from './pages/admin-users.js';
import { AuditPage } from './pages/audit.js';
import { DashboardPage } from './pages/dashboard.js';
import { OperatorPartnerPage, OperatorPartnersPage } from './pages/operator-partners.js';
import { OperatorTenantPage } from './pages/operator-tenant.js';
import { OperatorTenantsPage } from './pages/operator-tenants.js';
import { SignInPage } from './pages/sign-in.js';
import { TokensPage } from './pages/tokens.js';

/** Sign-in state first, then the pages this user's role opens. */
export function App() {
  const me = useMe();
  if (me.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (me.isError) return <ProblemAlert error={me.error} />;
  if (me.data === null) return <SignInPage />;
  const user = me.data;
  const admin = isTenantAdmin(user);
  const operator = user.user.platformAdmin;
  return (
    <Shell me={user}>
      <Routes>
        <Route path="/" element={<DashboardPage me={user} />} />
        <Route path="/tokens" element={<TokensPage />} />
        <Route path="/audit" element={<AuditPage />} />
        {admin && <Route path="/admin/users" element={<AdminUsersPage />} />}
        {admin && <Route path="/admin/audit" element={<AdminAuditPage />} />}
        {admin && <Route path="/admin/services" element={<AdminServicesPage />} />}
        {operator && <Route path="/operator/tenants" element={<OperatorTenantsPage />} />}
        {operator && <Route path="/operator/tenants/:slug" element={<OperatorTenantPage />} />}
        {operator && <Route path="/operator/partners" element={<OperatorPartnersPage />} />}
        {operator && <Route path="/operator/partners/:slug" element={<OperatorPartnerPage />} />}
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Shell>
  );
}
