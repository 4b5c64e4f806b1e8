import { isIP } from 'node:net';

/** Hosts a tenant admin must not point deliveries at: this machine, private and link-local networks. */
const privateV4 = [
  /^127\./,
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^169\.254\./,
  /^0\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

/**
 * True when the URL's host is a loopback, private, link-local or unspecified address, or a name
 * for this machine. Checked at subscription time on the literal host: a tenant admin must not make
 * Latchkey POST to its own network (SSRF). A public name that resolves to a private address is not
 * caught here.
 */
export function isPrivateTarget(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '') return true;
  const kind = isIP(host);
  if (kind === 4) return privateV4.some((r) => r.test(host));
  if (kind === 6) {
    if (host === '::1' || host === '::') return true;
    if (/^f[cd]/.test(host) || /^fe[89ab]/.test(host)) return true;
    // IPv4-mapped: the URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped === null) return false;
    const hi = parseInt(mapped[1] ?? '0', 16);
    const lo = parseInt(mapped[2] ?? '0', 16);
    const v4 = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    return privateV4.some((r) => r.test(v4));
  }
  return false;
}
