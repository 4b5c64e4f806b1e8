import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `latchkey login` stores. */
export interface StoredCredentials {
  url: string;
  token: string;
  /** `lk` for an API token, `idp` for an IdP access token. */
  kind: 'lk' | 'idp';
  tenant?: string;
  /** ISO time the token stops working, when known. */
  expiresAt?: string;
}

/** `$XDG_CONFIG_HOME/latchkey/credentials.json`, else `~/.config/latchkey/credentials.json`. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ''
      ? env.XDG_CONFIG_HOME
      : join(homedir(), '.config');
  return join(base, 'latchkey', 'credentials.json');
}

/** The stored credentials, or undefined when there are none (or the file is unreadable). */
export function readCredentials(env: NodeJS.ProcessEnv = process.env): StoredCredentials | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(credentialsPath(env), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const c = parsed as Partial<StoredCredentials>;
    if (typeof c.url !== 'string' || typeof c.token !== 'string') return undefined;
    return {
      url: c.url,
      token: c.token,
      kind: c.kind === 'idp' ? 'idp' : 'lk',
      ...(typeof c.tenant === 'string' ? { tenant: c.tenant } : {}),
      ...(typeof c.expiresAt === 'string' ? { expiresAt: c.expiresAt } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Writes the credentials readable by the owner only (mode 0600, directory 0700). */
export function writeCredentials(
  credentials: StoredCredentials,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const file = credentialsPath(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of an existing file: force it.
  chmodSync(file, 0o600);
  return file;
}

/** Removes the stored credentials; true when there were some. */
export function removeCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = credentialsPath(env);
  const existed = readCredentials(env) !== undefined;
  rmSync(file, { force: true });
  return existed;
}
