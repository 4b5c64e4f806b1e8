import { describe, expect, it } from 'vitest';
import type { DownstreamToken } from '../src/refresh/fresh-token.js';
import { TokenCache } from '../src/refresh/token-cache.js';

const token = (connectionId: string): DownstreamToken => ({
  connectionId,
  serviceId: 'files',
  accessToken: `at-${connectionId}`,
  tokenType: 'Bearer',
  expiresAt: undefined,
  scopes: [],
});

describe('downstream token cache: least recently used goes first', () => {
  const now = Date.now();
  const owner = { tenantId: 'ten_1', userId: 'usr_1' };

  it('keeps what was read last, also when the same entry is read again and again', () => {
    const cache = new TokenCache(2);
    cache.set('a', owner, token('a'), cache.epoch);
    cache.set('b', owner, token('b'), cache.epoch);
    // `a` becomes the most recent, then is read again while already the most recent.
    for (let i = 0; i < 3; i++) expect(cache.get('a', now, 0)?.connectionId).toBe('a');
    cache.set('c', owner, token('c'), cache.epoch);
    expect(cache.get('b', now, 0)).toBeUndefined();
    expect(cache.get('a', now, 0)?.connectionId).toBe('a');
    expect(cache.get('c', now, 0)?.connectionId).toBe('c');
  });

  it('moves an entry that is no longer the newest when it is read', () => {
    const cache = new TokenCache(2);
    cache.set('a', owner, token('a'), cache.epoch);
    cache.get('a', now, 0);
    cache.set('b', owner, token('b'), cache.epoch);
    // `a` was the newest once; `b` is now. Reading `a` must make it the newest again.
    cache.get('a', now, 0);
    cache.set('c', owner, token('c'), cache.epoch);
    expect(cache.get('b', now, 0)).toBeUndefined();
    expect(cache.get('a', now, 0)?.connectionId).toBe('a');
  });
});
