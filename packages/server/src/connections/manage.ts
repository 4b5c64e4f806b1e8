import type { AuditActor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import type { ClientRegistration, ConnectorTokens, RevocationOutcome } from '../connectors/connector.js';
import { ConnectorError } from '../connectors/connector.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { Keyring } from '../crypto/keyring.js';
import { AppError } from '../errors.js';
import {
  deleteClientRegistration,
  deleteConnection,
  findClientRegistration,
  findConnection,
  listConnections,
  updateConnectionIfVersion,
  type ConnectionRow,
} from '../store/connections.js';
import type { Db } from '../store/db.js';
import { nextRefreshAt } from './schedule.js';
import { openRegistration, openToken, sealToken } from './secrets.js';
import { toConnectionView, type ConnectionView } from './view.js';

/** Whose connections: a user in a tenant. Every read is scoped by both. */
export interface ConnectionOwner {
  tenantId: string;
  userId: string;
}

/**
 * The connections API of SPEC §4.3 as domain operations: list, show, refresh through the
 * connector, and delete with best-effort revocation at the provider. No token ever leaves.
 */
export class ConnectionManager {
  readonly #db: Db;
  readonly #keyring: Keyring;
  readonly #connectors: ConnectorRegistry;
  /**
   * Refreshes in flight in this process, by connection id: concurrent callers share one (SPEC
   * §4.4), because a second use of a rotated refresh token makes a provider revoke the whole
   * grant (RFC 9700 §4.14.2). Across replicas the refresh engine adds an advisory lock.
   */
  readonly #inFlight = new Map<string, Promise<ConnectionView>>();

  constructor(deps: { db: Db; keyring: Keyring; connectors: ConnectorRegistry }) {
    this.#db = deps.db;
    this.#keyring = deps.keyring;
    this.#connectors = deps.connectors;
  }

  view(row: ConnectionRow): ConnectionView {
    return toConnectionView(row, this.#connectors.get(row.serviceId)?.service);
  }

  async list(owner: ConnectionOwner): Promise<ConnectionView[]> {
    const rows = await listConnections(this.#db, owner.tenantId, owner.userId);
    return rows.map((r) => this.view(r));
  }

  async #load(owner: ConnectionOwner, id: string): Promise<ConnectionRow> {
    const row = await findConnection(this.#db, owner.tenantId, owner.userId, id);
    // Another tenant's or user's id answers exactly like a missing one (SPEC §3.2).
    if (row === undefined) throw new AppError('not_found', 'no such connection');
    return row;
  }

  async get(owner: ConnectionOwner, id: string): Promise<ConnectionView> {
    return this.view(await this.#load(owner, id));
  }

  async #registration(owner: ConnectionOwner, row: ConnectionRow): Promise<ClientRegistration | undefined> {
    if (row.registrationId === null) return undefined;
    const reg = await findClientRegistration(this.#db, owner.tenantId, owner.userId, row.registrationId);
    return reg === undefined ? undefined : openRegistration(this.#keyring, reg.id, reg.registrationEnc);
  }

  /**
   * Refreshes now. A rotated refresh token is stored in the same transaction as the audit event;
   * the write is a compare-and-swap on the version read, so a concurrent writer is never
   * overwritten. Permanent failures (`invalid_grant`…) mark the connection `needs_consent`.
   */
  async refresh(owner: ConnectionOwner, id: string, actor: AuditActor): Promise<ConnectionView> {
    const row = await this.#load(owner, id);
    const running = this.#inFlight.get(row.id);
    if (running !== undefined) return running;
    const refreshing = this.#refresh(owner, row, actor).finally(() => this.#inFlight.delete(row.id));
    this.#inFlight.set(row.id, refreshing);
    return refreshing;
  }

  async #refresh(owner: ConnectionOwner, row: ConnectionRow, actor: AuditActor): Promise<ConnectionView> {
    const id = row.id;
    const connector = this.#connectors.get(row.serviceId);
    if (connector === undefined)
      throw new AppError('unknown_service', `service "${row.serviceId}" left the catalogue`);
    if (row.refreshTokenEnc === null || row.status === 'needs_consent' || row.status === 'revoked') {
      throw new AppError(
        'connection_needs_consent',
        'this connection cannot be refreshed: connect the service again',
      );
    }
    const refreshToken = openToken(this.#keyring, row.id, 'refresh_token', row.refreshTokenEnc);
    const target = { type: 'connection', id: row.id, label: connector.service.name };

    let tokens: ConnectorTokens;
    try {
      tokens = await connector.refresh({
        refreshToken,
        registration: await this.#registration(owner, row),
        metadata: row.metadata,
      });
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      await this.#db.transaction(async (tx) => {
        await updateConnectionIfVersion(tx, owner.tenantId, row.id, row.version, {
          ...(err.retryable ? {} : { status: 'needs_consent', nextRefreshAt: null }),
          failureCount: row.failureCount + 1,
          lastError: err.failure,
        });
        await recordAudit(tx, {
          action: 'connection.refresh_failed',
          tenantId: owner.tenantId,
          actor,
          target,
          outcome: 'failure',
          metadata: {
            failure: err.failure,
            retryable: err.retryable,
            providerCode: err.providerCode ?? null,
          },
        });
      });
      if (err.retryable) throw new AppError('provider_unavailable', err.message, { cause: err });
      throw new AppError(
        'connection_needs_consent',
        'the provider refused the refresh: connect the service again',
        {
          cause: err,
        },
      );
    }

    const updated = await this.#db.transaction(async (tx) => {
      const hasRefresh = tokens.refreshToken !== undefined || row.refreshTokenEnc !== null;
      const next = await updateConnectionIfVersion(tx, owner.tenantId, row.id, row.version, {
        status: 'active',
        accessTokenEnc: sealToken(this.#keyring, row.id, 'access_token', tokens.accessToken),
        // RFC 6749 §6: a new refresh token replaces the old one, which is never used again.
        ...(tokens.refreshToken !== undefined && {
          refreshTokenEnc: sealToken(this.#keyring, row.id, 'refresh_token', tokens.refreshToken),
        }),
        tokenType: tokens.tokenType,
        scopes: [...tokens.scopes],
        expiresAt: tokens.expiresAt ?? null,
        nextRefreshAt: nextRefreshAt(connector.service, tokens.expiresAt, hasRefresh),
        failureCount: 0,
        lastError: null,
        lastRefreshedAt: new Date(),
      });
      if (next === undefined) return undefined;
      await recordAudit(tx, {
        action: 'connection.refreshed',
        tenantId: owner.tenantId,
        actor,
        target,
        metadata: {
          rotated: tokens.refreshToken !== undefined,
          expiresAt: tokens.expiresAt?.toISOString() ?? null,
        },
      });
      return next;
    });
    // Someone else wrote first: theirs is the current state.
    return this.view(updated ?? (await this.#load(owner, id)));
  }

  /** Best-effort revocation at the provider, then local removal; one audit event says both. */
  async remove(owner: ConnectionOwner, id: string, actor: AuditActor): Promise<RevocationOutcome> {
    const row = await this.#load(owner, id);
    const connector = this.#connectors.get(row.serviceId);
    let outcome: RevocationOutcome = 'unsupported';
    if (connector !== undefined) {
      try {
        outcome = await connector.revoke({
          accessToken:
            row.accessTokenEnc === null
              ? undefined
              : openToken(this.#keyring, row.id, 'access_token', row.accessTokenEnc),
          refreshToken:
            row.refreshTokenEnc === null
              ? undefined
              : openToken(this.#keyring, row.id, 'refresh_token', row.refreshTokenEnc),
          registration: await this.#registration(owner, row),
          metadata: row.metadata,
        });
      } catch {
        outcome = 'failed';
      }
    }
    await this.#db.transaction(async (tx) => {
      const deleted = await deleteConnection(tx, owner.tenantId, owner.userId, row.id);
      if (!deleted) throw new AppError('not_found', 'no such connection');
      if (row.registrationId !== null)
        await deleteClientRegistration(tx, owner.tenantId, owner.userId, row.registrationId);
      await recordAudit(tx, {
        action: 'connection.revoked',
        tenantId: owner.tenantId,
        actor,
        target: { type: 'connection', id: row.id, label: connector?.service.name ?? row.serviceId },
        metadata: { service: row.serviceId, providerRevocation: outcome },
      });
    });
    return outcome;
  }
}
