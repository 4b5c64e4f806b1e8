import type { Permission } from '../api-tokens/permissions.js';

/**
 * The JMAP request classifier of SPEC §5: JMAP tunnels every operation through POST (RFC 8620
 * §3.3), so each `methodCalls` entry is classified on its own and the request needs the union.
 * - `Foo/get`, `Foo/query`, `Foo/changes`, `Foo/queryChanges` → read (RFC 8620 §5.1–5.6);
 * - `Foo/set` → write for `create`/`update`, delete for `destroy` (RFC 8620 §5.3);
 * - `Foo/copy`, `Foo/import`, `Foo/parse` of a blob into new objects, `EmailSubmission/*` → write;
 * - anything unknown → write (the safe side), as for unknown HTTP methods.
 * A body that is not a JMAP request object needs `write`: the upstream would refuse it anyway,
 * and a read token must not be able to push arbitrary payloads.
 */
export function classifyJmap(body: unknown): Permission[] {
  const calls = isRecord(body) ? body.methodCalls : undefined;
  if (!Array.isArray(calls) || calls.length === 0) return ['write'];
  const needed = new Set<Permission>();
  for (const call of calls) {
    if (!Array.isArray(call) || typeof call[0] !== 'string') return ['write'];
    for (const p of classifyCall(call[0], call[1])) needed.add(p);
  }
  return [...needed];
}

const READ_SUFFIXES = new Set(['get', 'query', 'changes', 'queryChanges']);

function classifyCall(name: string, args: unknown): Permission[] {
  const slash = name.indexOf('/');
  const type = slash < 0 ? name : name.slice(0, slash);
  const verb = slash < 0 ? '' : name.slice(slash + 1);
  if (type === 'EmailSubmission') {
    // SPEC §5: every EmailSubmission call sends or controls sending mail → write; RFC 8621 §7.5
    // lets a submission destroy the sent e-mail (or itself) → delete too.
    const a = isRecord(args) ? args : {};
    return hasEntries(a.destroy) || hasEntries(a.onSuccessDestroyEmail) ? ['write', 'delete'] : ['write'];
  }
  // RFC 8620 §5.4: a copy may destroy its originals.
  if (verb === 'copy' && isRecord(args) && args.onSuccessDestroyOriginal === true) return ['write', 'delete'];
  if (name === 'Core/echo') return ['read'];
  if (READ_SUFFIXES.has(verb)) return ['read'];
  if (verb === 'set') {
    const perms: Permission[] = [];
    const a = isRecord(args) ? args : {};
    if (hasEntries(a.create) || hasEntries(a.update)) perms.push('write');
    if (hasEntries(a.destroy)) perms.push('delete');
    // A `set` that changes nothing still goes through the write path of the server.
    return perms.length === 0 ? ['write'] : perms;
  }
  return ['write'];
}

function hasEntries(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return Object.keys(v).length > 0;
  return v !== undefined && v !== null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
