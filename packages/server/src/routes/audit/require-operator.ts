/**
 * The operator guard of the audit routes is the one of the whole operator API (SPEC §3.2: an
 * operator-audience token and `platform_admin`, never an API token), kept under this name here.
 */
export { requirePlatformAdmin as requireOperator } from '../../auth/require-platform-admin.js';
