import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import { useMe } from './api/queries.js';
import { OperatorGate } from './components/operator-gate.js';
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
  // Platform admins see the operator pages; without an operator sign-in they offer one.
  const operator = user.user.platformAdmin;
  return (
    <Shell me={user}>
      <Routes>
        <Route path="/" element={<DashboardPage me={user} />} />
        <Route path="/tokens" element={<TokensPage />} />
        <Route path="/audit" element={<AuditPage />} />
        {admin && <Route path="/admin/users" element={<AdminUsersPage />} />}
        {admin && <Route path="/admin/audit" element={<AdminAuditPage me={user} />} />}
        {admin && <Route path="/admin/services" element={<AdminServicesPage />} />}
        {operator && (
          <Route
            path="/operator/tenants"
            element={
              <OperatorGate me={user}>
                <OperatorTenantsPage />
              </OperatorGate>
            }
          />
        )}
        {operator && (
          <Route
            path="/operator/tenants/:slug"
            element={
              <OperatorGate me={user}>
                <OperatorTenantPage />
              </OperatorGate>
            }
          />
        )}
        {operator && (
          <Route
            path="/operator/partners"
            element={
              <OperatorGate me={user}>
                <OperatorPartnersPage />
              </OperatorGate>
            }
          />
        )}
        {operator && (
          <Route
            path="/operator/partners/:slug"
            element={
              <OperatorGate me={user}>
                <OperatorPartnerPage />
              </OperatorGate>
            }
          />
        )}
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Shell>
  );
}
