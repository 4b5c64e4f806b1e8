import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/** Who sent a request and how it reached us, believing `X-Forwarded-*` only from trusted proxies. */
export interface ClientAddressing {
  ip(req: IncomingMessage): string;
  /** `Host` as the client sent it (or the trusted proxy's `X-Forwarded-Host`). */
  host(req: IncomingMessage): string;
  /** `http`, `https`, or what a trusted proxy's `X-Forwarded-Proto` says. */
  protocol(req: IncomingMessage): string;
}

type TrustSetting = boolean | string | string[];

/**
 * The same answers as Fastify's `request.ip`, `request.host` and `request.protocol` for the same
 * `server.trustProxy` setting, for code that runs in front of Fastify (the proxy's front door), so
 * both paths see one client the same way.
 */
export function clientAddressing(trustProxy: TrustSetting): ClientAddressing {
  if (trustProxy === false) {
    return {
      ip: (req) => req.socket.remoteAddress ?? '',
      host: (req) => req.headers.host ?? '',
      protocol: (req) => (isEncrypted(req) ? 'https' : 'http'),
    };
  }
  const trusted =
    trustProxy === true
      ? () => true
      : proxyAddr.compile(
          typeof trustProxy === 'string' ? trustProxy.split(',').map((v) => v.trim()) : trustProxy,
        );
  const fromTrustedPeer = (req: IncomingMessage) =>
    req.socket.remoteAddress !== undefined && trusted(req.socket.remoteAddress, 0);
  return {
    ip: (req) => {
      const chain = proxyAddr.all(req, trusted);
      return chain[chain.length - 1] ?? '';
    },
    host: (req) => {
      const forwarded = req.headers['x-forwarded-host'];
      if (typeof forwarded === 'string' && forwarded !== '' && fromTrustedPeer(req))
        return lastEntry(forwarded);
      return req.headers.host ?? '';
    },
    protocol: (req) => {
      const forwarded = req.headers['x-forwarded-proto'];
      if (typeof forwarded === 'string' && forwarded !== '' && fromTrustedPeer(req))
        return lastEntry(forwarded);
      return isEncrypted(req) ? 'https' : 'http';
    },
  };
}

function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

/** A header repeated by several proxies: the last one is the one next to us. */
function lastEntry(value: string): string {
  const comma = value.lastIndexOf(',');
  return comma < 0 ? value.trim() : value.slice(comma + 1).trim();
}
