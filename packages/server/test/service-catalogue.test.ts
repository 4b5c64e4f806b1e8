import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../src/config/load.js';

function problemsOf(services: unknown[]): readonly string[] {
  try {
    createConfig({ services }, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const base = { id: 'files', name: 'Drive', baseUrl: 'https://files.example.com/' };

/** SPEC §4.1: the catalogue is validated at start; a new OAuth2/OIDC service is only an entry. */
describe('service catalogue validation', () => {
  it('accepts one entry of each built-in connector, with defaults filled in', () => {
    const config = createConfig(
      {
        services: [
          { ...base, connector: { type: 'oidc', issuer: 'https://auth.example.com', clientId: 'c' } },
          {
            ...base,
            id: 'tasks',
            connector: {
              type: 'oauth2',
              authorizationEndpoint: 'https://tasks.example.com/oauth/authorize',
              tokenEndpoint: 'https://tasks.example.com/oauth/token',
              clientId: 'c',
              clientSecret: 's',
              tokenEndpointAuthMethod: 'client_secret_post',
            },
          },
          {
            ...base,
            id: 'drive',
            connector: {
              type: 'oauth2-dcr',
              issuer: 'https://{username}.drive.example.com',
              endpoints: { registration: '/auth/register' },
            },
          },
          {
            ...base,
            id: 'chat',
            connector: { type: 'matrix-sso', homeserver: 'https://matrix.example.com' },
          },
        ],
      },
      {},
    );
    const [oidc, oauth2, dcr, matrix] = config.services;
    expect(oidc?.connector).toMatchObject({ scopes: ['openid', 'offline_access'], pkce: true });
    expect(oauth2?.connector).toMatchObject({ type: 'oauth2', scopes: [], pkce: true });
    expect(dcr?.connector).toMatchObject({ discovery: true, clientName: 'Latchkey' });
    expect(matrix?.connector).toMatchObject({ deviceDisplayName: 'Latchkey' });
    expect(oidc?.proxy.inject).toEqual({ header: 'Authorization', format: 'Bearer {token}' });
    expect(oidc?.refresh).toEqual({ enabled: true, earlySeconds: 60, beforeExpirySeconds: 300 });
  });

  it('names every problem of an entry by its path', () => {
    const problems = problemsOf([
      { ...base, connector: { type: 'oidc', clientId: 'c', scope: ['x'] } },
      {
        ...base,
        id: 'tasks',
        connector: { type: 'oauth2', clientId: 'c', authorizationEndpoint: 'ftp://x' },
      },
      { ...base, id: 'chat', connector: { type: 'smtp' } },
      {
        ...base,
        id: 'mail',
        connector: { type: 'matrix-sso', homeserver: 'https://m.example' },
        proxy: { inject: { format: 'Bearer' } },
      },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\.0\.connector\.issuer: /),
        expect.stringMatching(/^services\.0\.connector: .*scope/),
        expect.stringMatching(/^services\.1\.connector\.authorizationEndpoint: /),
        expect.stringMatching(/^services\.1\.connector\.tokenEndpoint: /),
        expect.stringMatching(/^services\.2\.connector\.type: /),
        expect.stringMatching(/^services\.3\.proxy\.inject\.format: /),
      ]),
    );
  });

  it('refuses an instance pattern that is not a URL', () => {
    const problems = problemsOf([{ ...base, connector: { type: 'oauth2-dcr', issuer: '{username}.drive' } }]);
    expect(problems).toEqual([
      expect.stringMatching(/^services\.0\.connector\.issuer: must be an http\(s\) URL/),
    ]);
  });
});
