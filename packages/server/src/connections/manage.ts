import type { AuditActor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import type { ClientRegistration, RevocationOutcome } from '../connectors/connector.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { Keyring } from '../crypto/keyring.js';
import { AppError } from '../errors.js';
import { publishChange, type ChangeBus } from '../notify/change-bus.js';
import {
  deleteClientRegistration,
  deleteConnection,
  findClientRegistration,
  findConnection,
  listConnections,
  type ConnectionRow,
} from '../store/connections.js';
import type { Db } from '../store/db.js';
import { coolingError, type RefreshEngine } from '../refresh/engine.js';
import { openRegistration, openToken } from './secrets.js';
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
  readonly #engine: RefreshEngine;
  readonly #bus: ChangeBus;

  constructor(deps: {
    db: Db;
    keyring: Keyring;
    connectors: ConnectorRegistry;
    engine: RefreshEngine;
    bus: ChangeBus;
  }) {
    this.#db = deps.db;
    this.#keyring = deps.keyring;
    this.#connectors = deps.connectors;
    this.#engine = deps.engine;
    this.#bus = deps.bus;
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
   * Refreshes now (`POST /connections/{id}/refresh`) through the refresh engine, which shares one
   * refresh among concurrent callers in every replica and commits it with a compare-and-swap.
   * A caller that finds the row changed since it read it takes that result instead.
   */
  async refresh(owner: ConnectionOwner, id: string, actor: AuditActor): Promise<ConnectionView> {
    const row = await this.#load(owner, id);
    const outcome = await this.#engine.refresh(owner.tenantId, row.id, {
      trigger: 'manual',
      actor,
      needed: (current) => current.version === row.version,
    });
    if (outcome.kind === 'cooling') throw coolingError(outcome.until, new Date());
    return this.view(outcome.row);
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
      // Every replica's token cache forgets it once this commits.
      await publishChange(tx, { kind: 'connection', id: row.id });
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
    this.#bus.announceLocally({ kind: 'connection', id: row.id });
    return outcome;
  }
}
