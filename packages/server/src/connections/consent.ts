import type { AuditActor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import { safeReturnTo } from '../auth/console-login.js';
import type {
  ClientRegistration,
  ConnectingUser,
  ConnectorFailure,
  ConnectorTokens,
} from '../connectors/connector.js';
import { ConnectorError } from '../connectors/connector.js';
import { OAuth2DcrConnector } from '../connectors/oauth2-dcr.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { Keyring } from '../crypto/keyring.js';
import { randomSecret, sha256Hex } from '../crypto/hash.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import {
  consumeConnectionAuthorization,
  deleteStaleConnectionAuthorizations,
  findClientRegistration,
  findClientRegistrationFor,
  findConnectionForService,
  insertClientRegistration,
  insertConnectionAuthorization,
  isConnectionAuthorizationPending,
  saveConnectionTokens,
  type ConnectionRow,
  type StateRejection,
} from '../store/connections.js';
import type { Db } from '../store/db.js';
import { findUserById, type UserRow } from '../store/users.js';
import { nextRefreshAt } from './schedule.js';
import { openRegistration, openVerifier, sealRegistration, sealToken, sealVerifier } from './secrets.js';
import { effectiveStatus } from './view.js';

/** SPEC §4.2: a pending authorization lives 10 minutes. */
export const CONSENT_TTL_MS = 10 * 60 * 1000;

/**
 * A consent URL handed out on a refusal is handed out again while at least this much of its life
 * is left: enough for the user to open it and consent.
 */
const REUSE_MIN_LEFT_MS = 5 * 60 * 1000;

/** Bounds the memory of handed-out consents; expired entries are dropped first. */
const MAX_HANDED_OUT = 10_000;

/** Where the browser lands after a consent when the caller named no return URL: My tokens. */
export const DEFAULT_CONSENT_RETURN = '/tokens';

/** Why a callback was refused; each has its own sentence on the error page. */
export type CallbackRejection =
  'missing_state' | StateRejection | 'service_mismatch' | 'other_user' | ConnectorFailure;

/** A refused callback: nothing was stored, the reason was audited. */
export class CallbackRejectedError extends Error {
  readonly reason: CallbackRejection;
  constructor(reason: CallbackRejection, message: string) {
    super(message);
    this.name = 'CallbackRejectedError';
    this.reason = reason;
  }
}

/** Who consents to which service, and where the browser returns afterwards. */
export interface ConsentInput {
  tenantId: string;
  user: UserRow;
  serviceId: string;
  returnTo: string | undefined;
  actor: AuditActor;
}

export type ConsentStart =
  | { kind: 'existing'; connection: ConnectionRow }
  | { kind: 'consent_required'; authorizationUrl: string; expiresAt: Date };

function connectingUser(user: UserRow): ConnectingUser {
  return { id: user.id, issuer: user.issuer, subject: user.subject, email: user.email };
}

/** Maps a provider failure at consent start onto the API's error catalogue. */
function startFailure(err: unknown): never {
  if (err instanceof ConnectorError) {
    throw new AppError(err.retryable ? 'provider_unavailable' : 'provider_error', err.message, {
      cause: err,
    });
  }
  throw err;
}

/**
 * The consent flow of SPEC §4.2. Pending authorizations live in the store (any replica finishes
 * what another started): hashed state, encrypted PKCE verifier, nonce, user, tenant, service,
 * same-origin return URL, 10 minutes, single use.
 */
export class ConsentFlow {
  readonly #db: Db;
  readonly #keyring: Keyring;
  readonly #connectors: ConnectorRegistry;
  readonly #publicUrl: string;
  /** Consents started by `startOnRefusal`, by tenant, user and service (this process only). */
  readonly #handedOut = new Map<string, { id: string; authorizationUrl: string; expiresAt: Date }>();
  /** Refusals being answered right now, by the same key: parallel ones share one consent. */
  readonly #starting = new Map<string, Promise<ConsentStart>>();

  constructor(deps: { db: Db; keyring: Keyring; connectors: ConnectorRegistry; publicUrl: string }) {
    this.#db = deps.db;
    this.#keyring = deps.keyring;
    this.#connectors = deps.connectors;
    this.#publicUrl = deps.publicUrl;
  }

  redirectUri(serviceId: string): string {
    return `${this.#publicUrl}/connect/${serviceId}/callback`;
  }

  /**
   * Answers the usable connection when there is one (active, or expired with a refresh token);
   * otherwise records a pending authorization and answers the consent URL.
   */
  async start(input: ConsentInput): Promise<ConsentStart> {
    const started = await this.#begin(input);
    return started.kind === 'existing'
      ? started
      : { kind: started.kind, authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt };
  }

  /**
   * `start` for a request refused for want of a connection (the proxy's 409, the token
   * exchange's `consent_required`): a client retrying in a loop gets the consent URL it was given
   * before while that pending authorization is unused and has at least 5 minutes left, instead
   * of a new pending authorization and audit event per attempt. The row is checked, so a URL
   * consumed or purged through another replica is never handed out again.
   */
  async startOnRefusal(input: Omit<ConsentInput, 'returnTo'>): Promise<ConsentStart> {
    const key = `${input.tenantId}\u0000${input.user.id}\u0000${input.serviceId}`;
    // A DAV client's first sync fires several requests at once: one consent for all of them.
    const inFlight = this.#starting.get(key);
    if (inFlight !== undefined) return inFlight;
    const answer = this.#reuseOrBegin(key, input).finally(() => {
      this.#starting.delete(key);
    });
    this.#starting.set(key, answer);
    return answer;
  }

  async #reuseOrBegin(key: string, input: Omit<ConsentInput, 'returnTo'>): Promise<ConsentStart> {
    const now = new Date();
    const recent = this.#handedOut.get(key);
    if (
      recent !== undefined &&
      recent.expiresAt.getTime() - now.getTime() >= REUSE_MIN_LEFT_MS &&
      (await isConnectionAuthorizationPending(this.#db, recent.id, now))
    ) {
      return {
        kind: 'consent_required',
        authorizationUrl: recent.authorizationUrl,
        expiresAt: recent.expiresAt,
      };
    }
    this.#handedOut.delete(key);
    const started = await this.#begin({ ...input, returnTo: undefined });
    if (started.kind === 'existing') return started;
    if (this.#handedOut.size >= MAX_HANDED_OUT) this.#forgetExpired(now);
    if (this.#handedOut.size < MAX_HANDED_OUT) {
      this.#handedOut.set(key, {
        id: started.id,
        authorizationUrl: started.authorizationUrl,
        expiresAt: started.expiresAt,
      });
    }
    return { kind: started.kind, authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt };
  }

  #forgetExpired(now: Date): void {
    for (const [key, entry] of this.#handedOut) {
      if (entry.expiresAt.getTime() - now.getTime() < REUSE_MIN_LEFT_MS) this.#handedOut.delete(key);
    }
  }

  async #begin(
    input: ConsentInput,
  ): Promise<
    | { kind: 'existing'; connection: ConnectionRow }
    | { kind: 'consent_required'; id: string; authorizationUrl: string; expiresAt: Date }
  > {
    const connector = this.#connectors.get(input.serviceId);
    if (connector === undefined)
      throw new AppError('unknown_service', `no service "${input.serviceId}" in the catalogue`);
    const existing = await findConnectionForService(this.#db, input.tenantId, input.user.id, input.serviceId);
    if (existing !== undefined) {
      const status = effectiveStatus(existing, new Date());
      if (status === 'active' || (status === 'expired' && existing.refreshTokenEnc !== null)) {
        return { kind: 'existing', connection: existing };
      }
    }

    const user = connectingUser(input.user);
    let registration: ClientRegistration | undefined;
    let registrationId: string | undefined;
    if (connector instanceof OAuth2DcrConnector) {
      const row = await findClientRegistrationFor(
        this.#db,
        input.tenantId,
        user.id,
        input.serviceId,
        connector.instanceUrl(user),
      );
      if (row !== undefined) {
        registration = openRegistration(this.#keyring, row.id, row.registrationEnc);
        registrationId = row.id;
      }
    }

    const state = randomSecret(32);
    const start = await connector
      .startAuthorization({ state, redirectUri: this.redirectUri(input.serviceId), user, registration })
      .catch(startFailure);

    const id = newId('cau');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + CONSENT_TTL_MS);
    await this.#db.transaction(async (tx) => {
      await deleteStaleConnectionAuthorizations(tx, now);
      if (start.newRegistration !== undefined) {
        registrationId = newId('reg');
        await insertClientRegistration(tx, {
          id: registrationId,
          tenantId: input.tenantId,
          userId: user.id,
          serviceId: input.serviceId,
          instanceUrl: start.newRegistration.instanceUrl,
          clientId: start.newRegistration.clientId,
          registrationEnc: sealRegistration(this.#keyring, registrationId, start.newRegistration),
        });
      }
      await insertConnectionAuthorization(tx, {
        id,
        stateHash: sha256Hex(state),
        tenantId: input.tenantId,
        userId: user.id,
        serviceId: input.serviceId,
        codeVerifierEnc:
          start.codeVerifier === undefined ? null : sealVerifier(this.#keyring, id, start.codeVerifier),
        nonce: start.nonce ?? null,
        returnTo: safeReturnTo(input.returnTo ?? DEFAULT_CONSENT_RETURN),
        registrationId: registrationId ?? null,
        expiresAt,
      });
      await recordAudit(tx, {
        action: 'connection.consent_started',
        tenantId: input.tenantId,
        actor: input.actor,
        target: { type: 'service', id: input.serviceId, label: connector.service.name },
        metadata: { authorizationId: id, registered: start.newRegistration !== undefined },
      });
    });
    return { kind: 'consent_required', id, authorizationUrl: start.url, expiresAt };
  }

  /** Audits a refused callback (in a transaction of its own: nothing else is written) and throws. */
  async #reject(
    reason: CallbackRejection,
    message: string,
    context: {
      tenantId?: string | undefined;
      serviceId: string;
      userId?: string | undefined;
      actor: AuditActor;
    },
  ): Promise<never> {
    await this.#db.transaction((tx) =>
      recordAudit(tx, {
        action: 'connection.callback_rejected',
        tenantId: context.tenantId ?? null,
        actor:
          context.userId === undefined
            ? context.actor
            : { ...context.actor, id: context.actor.id ?? context.userId },
        target: { type: 'service', id: context.serviceId.slice(0, 64) },
        outcome: 'denied',
        metadata: { reason },
      }),
    );
    throw new CallbackRejectedError(reason, message);
  }

  /**
   * Finishes a consent from the provider's redirect. Named steps: the state must match a live,
   * unused pending authorization of this service (consumed at once, so it is single use even if
   * what follows fails); a signed-in caller must be the user who started it; the connector
   * checks the provider's answer (error, RFC 9207 `iss`, code + PKCE + nonce, token audience);
   * an ID token from the user's own IdP must name that same user; then the tokens are encrypted
   * and stored with the audit event in one transaction.
   */
  async finish(input: {
    serviceId: string;
    callbackUrl: URL;
    callerUserId: string | undefined;
    actor: AuditActor;
  }): Promise<{ connection: ConnectionRow; returnTo: string; created: boolean }> {
    const { serviceId, callbackUrl, actor } = input;
    const state = callbackUrl.searchParams.get('state');
    if (state === null || state === '' || state.length > 512) {
      return this.#reject('missing_state', 'the response carries no state', { serviceId, actor });
    }
    const consumed = await this.#db.transaction((tx) =>
      consumeConnectionAuthorization(tx, sha256Hex(state), new Date()),
    );
    if (!consumed.ok) {
      return this.#reject(consumed.reason, `state ${consumed.reason}`, {
        serviceId,
        tenantId: consumed.row?.tenantId,
        userId: consumed.row?.userId,
        actor,
      });
    }
    const pending = consumed.row;
    const context = { serviceId, tenantId: pending.tenantId, userId: pending.userId, actor };
    if (pending.serviceId !== serviceId) {
      return this.#reject('service_mismatch', 'the state was issued for another service', context);
    }
    if (input.callerUserId !== undefined && input.callerUserId !== pending.userId) {
      return this.#reject('other_user', 'the state was issued to another user', context);
    }
    const connector = this.#connectors.get(serviceId);
    const userRow = await findUserById(this.#db, pending.userId);
    if (connector === undefined || userRow === undefined) {
      return this.#reject('unknown', 'the service or the user no longer exists', context);
    }
    const user = connectingUser(userRow);
    let registration: ClientRegistration | undefined;
    if (pending.registrationId !== null) {
      const row = await findClientRegistration(
        this.#db,
        pending.tenantId,
        pending.userId,
        pending.registrationId,
      );
      if (row !== undefined) registration = openRegistration(this.#keyring, row.id, row.registrationEnc);
    }

    let tokens: ConnectorTokens;
    try {
      tokens = await connector.completeAuthorization({
        callbackUrl,
        state,
        redirectUri: this.redirectUri(serviceId),
        codeVerifier:
          pending.codeVerifierEnc === null
            ? undefined
            : openVerifier(this.#keyring, pending.id, pending.codeVerifierEnc),
        nonce: pending.nonce ?? undefined,
        user,
        registration,
      });
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      return this.#reject(err.failure, err.message, context);
    }
    // The provider is the user's own IdP: the account that consented must be the user who asked,
    // or a consent link handed to someone else would file their tokens under the asker's name.
    if (tokens.account?.issuer === user.issuer && tokens.account.subject !== user.subject) {
      return this.#reject('account_mismatch', 'another account consented at the provider', context);
    }

    const service = connector.service;
    const saved = await this.#db.transaction(async (tx) => {
      const result = await saveConnectionTokens(
        tx,
        { tenantId: pending.tenantId, userId: pending.userId, serviceId },
        newId('con'),
        (rowId) => ({
          status: 'active',
          accessTokenEnc: sealToken(this.#keyring, rowId, 'access_token', tokens.accessToken),
          refreshTokenEnc:
            tokens.refreshToken === undefined
              ? null
              : sealToken(this.#keyring, rowId, 'refresh_token', tokens.refreshToken),
          tokenType: tokens.tokenType,
          scopes: [...tokens.scopes],
          expiresAt: tokens.expiresAt ?? null,
          account: tokens.account?.subject ?? null,
          registrationId: pending.registrationId,
          metadata: tokens.metadata ?? {},
          nextRefreshAt: nextRefreshAt(service, tokens.expiresAt, tokens.refreshToken !== undefined),
          failureCount: 0,
          lastError: null,
          lastRefreshedAt: null,
        }),
      );
      await recordAudit(tx, {
        action: 'connection.created',
        tenantId: pending.tenantId,
        actor: { ...actor, type: 'user', id: pending.userId, label: userRow.email ?? userRow.subject },
        target: { type: 'connection', id: result.row.id, label: service.name },
        metadata: {
          service: serviceId,
          reconnected: !result.created,
          scopes: result.row.scopes,
          expiresAt: result.row.expiresAt?.toISOString() ?? null,
          refreshable: result.row.refreshTokenEnc !== null,
        },
      });
      return result;
    });
    return { connection: saved.row, returnTo: pending.returnTo, created: saved.created };
  }
}
