import type { ConnectorConfig, ServiceConfig } from '../config/service-schema.js';

/** The Latchkey user a consent is for, as the store knows them. */
export interface ConnectingUser {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
}

/** A client Latchkey registered at a provider for one user (RFC 7591), decrypted. */
export interface ClientRegistration {
  instanceUrl: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** RFC 7592 §3: authorises reading, updating and deleting the registration. */
  registrationAccessToken?: string | undefined;
  /** RFC 7592 §2: the client configuration endpoint. */
  registrationClientUri?: string | undefined;
}

/** Where to send the browser, and what the callback will need to finish. */
export interface AuthorizationStart {
  url: string;
  codeVerifier?: string | undefined;
  nonce?: string | undefined;
  /** A registration the connector made for this consent; the caller stores it encrypted. */
  newRegistration?: ClientRegistration | undefined;
}

/** Tokens as a provider hands them over. */
export interface ConnectorTokens {
  accessToken: string;
  /** Absent on a refresh that does not rotate: the caller keeps the refresh token it has. */
  refreshToken?: string | undefined;
  tokenType: string;
  expiresAt?: Date | undefined;
  scopes: readonly string[];
  /** Who the provider says the account is (ID token `iss`/`sub`, Matrix user id). */
  account?: { issuer?: string | undefined; subject: string } | undefined;
  /** Non-secret connector data kept with the connection (Matrix device id, instance URL). */
  metadata?: Record<string, unknown> | undefined;
}

export interface CompleteInput {
  callbackUrl: URL;
  state: string;
  redirectUri: string;
  codeVerifier?: string | undefined;
  nonce?: string | undefined;
  user: ConnectingUser;
  registration?: ClientRegistration | undefined;
}

export interface RefreshInput {
  refreshToken: string;
  registration?: ClientRegistration | undefined;
  metadata: Readonly<Record<string, unknown>>;
}

export interface RevokeInput {
  accessToken?: string | undefined;
  refreshToken?: string | undefined;
  registration?: ClientRegistration | undefined;
  metadata: Readonly<Record<string, unknown>>;
}

/** What best-effort revocation at the provider achieved; local removal happens regardless. */
export type RevocationOutcome = 'revoked' | 'unsupported' | 'failed';

/**
 * The code that knows how to obtain, refresh and revoke one user's token for one kind of service
 * (SPEC §1). One instance per catalogue entry, built once by the registry.
 */
export interface Connector {
  readonly type: ConnectorConfig['type'];
  readonly service: ServiceConfig;
  /** Builds the consent URL for `state`; may register a client first (RFC 7591). */
  startAuthorization(input: {
    state: string;
    redirectUri: string;
    user: ConnectingUser;
    registration?: ClientRegistration | undefined;
  }): Promise<AuthorizationStart>;
  /** Turns the provider's redirect back into tokens, after the protocol's own checks. */
  completeAuthorization(input: CompleteInput): Promise<ConnectorTokens>;
  refresh(input: RefreshInput): Promise<ConnectorTokens>;
  /** Best effort: revokes the tokens (and deletes the registration) at the provider. */
  revoke(input: RevokeInput): Promise<RevocationOutcome>;
  /** Optional tenant provisioning (SPEC §7); connectors without steps leave it out. */
  provision?(tenant: { slug: string }): Promise<void>;
}

/**
 * Why a provider interaction failed. `retryable` drives the refresh engine: network trouble and
 * 5xx/429 are transient; `invalid_grant`, `invalid_client` and refusals are permanent.
 */
export type ConnectorFailure =
  | 'access_denied'
  | 'invalid_grant'
  | 'invalid_client'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'account_mismatch'
  | 'unavailable'
  | 'protocol';

export class ConnectorError extends Error {
  readonly failure: ConnectorFailure;
  readonly retryable: boolean;
  /** The provider's own error code (RFC 6749 §4.1.2.1, §5.2), when it gave one. */
  readonly providerCode: string | undefined;

  constructor(
    failure: ConnectorFailure,
    message: string,
    options: { providerCode?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ConnectorError';
    this.failure = failure;
    this.retryable = failure === 'unavailable';
    this.providerCode = options.providerCode;
  }
}
