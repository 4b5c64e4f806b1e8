import type { ServiceConfig } from '../config/service-schema.js';
import type { Connector } from './connector.js';
import { MatrixSsoConnector } from './matrix-sso.js';
import { OAuth2DcrConnector } from './oauth2-dcr.js';
import { OAuth2Connector } from './oauth2.js';
import { OidcConnector } from './oidc.js';

/** Builds the connector of one catalogue entry. */
export function createConnector(service: ServiceConfig, devMode: boolean): Connector {
  const c = service.connector;
  switch (c.type) {
    case 'oidc':
      return new OidcConnector(service, c, devMode);
    case 'oauth2':
      return new OAuth2Connector(service, c, devMode);
    case 'oauth2-dcr':
      return new OAuth2DcrConnector(service, c, devMode);
    case 'matrix-sso':
      return new MatrixSsoConnector(service, c);
  }
}

/** One connector per service of the catalogue, built once by `buildApp`. */
export class ConnectorRegistry {
  readonly #connectors: ReadonlyMap<string, Connector>;

  constructor(services: readonly ServiceConfig[], devMode: boolean) {
    this.#connectors = new Map(services.map((s) => [s.id, createConnector(s, devMode)]));
  }

  /** The connector of a service, or undefined when the catalogue has no such service. */
  get(serviceId: string): Connector | undefined {
    return this.#connectors.get(serviceId);
  }

  get services(): ServiceConfig[] {
    return [...this.#connectors.values()].map((c) => c.service);
  }
}
