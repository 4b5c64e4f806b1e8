/** What an API token may do (SPEC §5). `exchange` obtains raw downstream tokens (RFC 8693). */
export const permissions = ['read', 'write', 'delete', 'exchange'] as const;
export type Permission = (typeof permissions)[number];

const methodPermission: Readonly<Record<string, Permission>> = {
  GET: 'read',
  HEAD: 'read',
  OPTIONS: 'read',
  PROPFIND: 'read',
  REPORT: 'read',
  SEARCH: 'read',
  POST: 'write',
  PUT: 'write',
  PATCH: 'write',
  PROPPATCH: 'write',
  MKCOL: 'write',
  MKCALENDAR: 'write',
  COPY: 'write',
  MOVE: 'write',
  LOCK: 'write',
  UNLOCK: 'write',
  DELETE: 'delete',
};

/** The permission an HTTP method needs; unknown methods need `write` (the safe side). */
export function permissionForMethod(method: string): Permission {
  return methodPermission[method.toUpperCase()] ?? 'write';
}

/** A token's scopes, parsed once and cached with the token. */
export interface TokenScope {
  /** `'*'` means every service of the catalogue. */
  services: ReadonlySet<string> | '*';
  permissions: ReadonlySet<Permission>;
}

export function parseScope(services: readonly string[], perms: readonly string[]): TokenScope {
  return {
    services: services.includes('*') ? '*' : new Set(services),
    permissions: new Set(
      perms.filter((p): p is Permission => (permissions as readonly string[]).includes(p)),
    ),
  };
}

/** The permissions missing for `service` (empty when allowed). The one scope check every route uses. */
export function missingScope(
  scope: TokenScope,
  service: string | null,
  needed: readonly Permission[],
): string[] {
  const missing: string[] = [];
  if (service !== null && scope.services !== '*' && !scope.services.has(service))
    missing.push(`service:${service}`);
  for (const p of needed) if (!scope.permissions.has(p)) missing.push(p);
  return missing;
}
