import { recordAudit } from '../audit/record.js';
import { randomSecret, sha256Hex } from '../crypto/hash.js';
import { newId } from '../ids.js';
import type { Db } from '../store/db.js';
import { findLiveSession, insertSession, revokeSession, type SessionRow } from '../store/sessions.js';
import type { UserRow } from '../store/users.js';
import type { RequestMeta } from './user-directory.js';

/**
 * Server-side console sessions: the cookie holds 256 random bits, the store only their SHA-256,
 * so a database leak yields no usable session.
 */
export class SessionService {
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #operatorTtlMs: number;

  /** `operatorTtlSeconds`: the shorter life of an operator session (capped at `ttlSeconds`). */
  constructor(db: Db, ttlSeconds: number, operatorTtlSeconds = ttlSeconds) {
    this.#db = db;
    this.#ttlMs = ttlSeconds * 1000;
    this.#operatorTtlMs = Math.min(operatorTtlSeconds, ttlSeconds) * 1000;
  }

  /** `operator`: the sign-in proved an operator-audience token (see ConsoleLogin.finish). */
  async create(
    user: UserRow,
    meta: RequestMeta,
    options: { operator?: boolean } = {},
  ): Promise<{ cookie: string; session: SessionRow; ttlSeconds: number }> {
    const cookie = randomSecret(32);
    const now = new Date();
    // The operator API can suspend or delete any tenant: such a session lives shorter.
    const ttlMs = options.operator === true ? this.#operatorTtlMs : this.#ttlMs;
    const session: SessionRow = {
      id: newId('ses'),
      tokenHash: sha256Hex(cookie),
      userId: user.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
      lastSeenAt: now,
      ip: meta.ip,
      userAgent: meta.userAgent,
      revokedAt: null,
      operator: options.operator === true,
    };
    await this.#db.transaction(async (tx) => {
      await insertSession(tx, session);
      await recordAudit(tx, {
        action: 'session.created',
        actor: {
          type: 'user',
          id: user.id,
          label: user.email ?? user.subject,
          ip: meta.ip,
          userAgent: meta.userAgent,
        },
        target: { type: 'session', id: session.id },
        metadata: { operator: session.operator },
      });
    });
    return { cookie, session, ttlSeconds: ttlMs / 1000 };
  }

  async find(cookie: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    if (cookie.length < 20 || cookie.length > 100) return undefined;
    return findLiveSession(this.#db, sha256Hex(cookie), new Date());
  }

  async end(sessionId: string, user: UserRow, meta: RequestMeta): Promise<void> {
    await this.#db.transaction(async (tx) => {
      if (!(await revokeSession(tx, sessionId, new Date()))) return;
      await recordAudit(tx, {
        action: 'session.ended',
        actor: {
          type: 'user',
          id: user.id,
          label: user.email ?? user.subject,
          ip: meta.ip,
          userAgent: meta.userAgent,
        },
        target: { type: 'session', id: sessionId },
      });
    });
  }
}
