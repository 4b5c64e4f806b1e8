import { BlockList, isIP } from 'node:net';

/** Strips the IPv4-mapped IPv6 prefix so `10.0.0.0/8` matches `::ffff:10.1.2.3`. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a single address; null when malformed. */
export function parseCidr(
  value: string,
): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText] = value.split('/');
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > max ||
    (prefixText !== undefined && !/^\d+$/.test(prefixText))
  ) {
    return null;
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A compiled allow-list; an empty list allows every address. */
export class AddressAllowlist {
  readonly #list: BlockList | null;

  constructor(cidrs: readonly string[]) {
    if (cidrs.length === 0) {
      this.#list = null;
      return;
    }
    const list = new BlockList();
    for (const c of cidrs) {
      const parsed = parseCidr(c);
      if (parsed !== null) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
    this.#list = list;
  }

  allows(ip: string | null): boolean {
    if (this.#list === null) return true;
    if (ip === null) return false;
    const addr = normaliseIp(ip);
    const family = isIP(addr);
    if (family === 0) return false;
    return this.#list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
  }
}
