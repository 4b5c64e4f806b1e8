import type { Config } from '@latchkey/server';
import { serverModule } from '../server-module.js';
import type { Command } from 'commander';
import { serverConfig } from '../server-config.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { examples } from '../output.js';

/** One verdict line of `latchkey doctor`. */
interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

const TIMEOUT_MS = 5000;

/** Why a fetch failed, without the stack: undici hides the reason in `cause`. */
function reason(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause;
    if (cause instanceof Error)
      return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
    return err.name === 'TimeoutError' ? `no answer within ${String(TIMEOUT_MS / 1000)} s` : err.message;
  }
  return String(err);
}

async function checkStore(config: Config): Promise<Check[]> {
  const where = config.database.url === undefined ? `embedded (${config.dataDir})` : 'PostgreSQL';
  const { openConfiguredStore, pendingMigrations } = await serverModule();
  let store;
  try {
    store = await openConfiguredStore(config);
  } catch (err) {
    return [{ check: 'store', ok: false, detail: `${where}: cannot open (${reason(err)})` }];
  }
  try {
    const pending = await pendingMigrations(store);
    return [
      { check: 'store', ok: true, detail: `${where}: reachable` },
      pending === 0
        ? { check: 'migrations', ok: true, detail: 'up to date' }
        : // Not a fault: `serve` applies them at start (and `latchkey migrate` ahead of a rollout).
          {
            check: 'migrations',
            ok: true,
            detail: `${String(pending)} pending: applied at the next start or by latchkey migrate`,
          },
    ];
  } catch (err) {
    return [{ check: 'store', ok: false, detail: `${where}: ${reason(err)}` }];
  } finally {
    await store.close();
  }
}

/** OpenID Connect Discovery 1.0 §4: the document lives under the issuer and names it exactly. */
async function checkIssuer(label: string, issuer: string): Promise<Check> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) return { check: label, ok: false, detail: `${url} answered ${String(res.status)}` };
    const doc = (await res.json()) as { issuer?: unknown };
    if (doc.issuer !== issuer) {
      return {
        check: label,
        ok: false,
        detail: `discovery names issuer ${String(doc.issuer)}, expected ${issuer}`,
      };
    }
    return { check: label, ok: true, detail: `${issuer}: discovery ok` };
  } catch (err) {
    return { check: label, ok: false, detail: `${issuer}: ${reason(err)}` };
  }
}

/** Any HTTP answer means the upstream is reachable; the proxy authenticates later. */
async function checkService(id: string, baseUrl: string): Promise<Check> {
  try {
    const res = await fetch(baseUrl, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return { check: `service ${id}`, ok: true, detail: `${baseUrl}: reachable (HTTP ${String(res.status)})` };
  } catch (err) {
    return { check: `service ${id}`, ok: false, detail: `${baseUrl}: unreachable (${reason(err)})` };
  }
}

async function* checks(options: { config?: string }): AsyncGenerator<Check, void, undefined> {
  let config: Config;
  try {
    config = await serverConfig(options);
  } catch (err) {
    yield { check: 'config', ok: false, detail: err instanceof Error ? err.message : String(err) };
    return;
  }
  yield {
    check: 'config',
    ok: true,
    detail: options.config ?? process.env.LATCHKEY_CONFIG ?? 'defaults and environment',
  };
  yield* await checkStore(config);
  if (config.dev.enabled) yield { check: 'dev IdP', ok: true, detail: 'built in (development mode)' };
  for (const issuer of config.idp.issuers) yield await checkIssuer(`IdP ${issuer.issuer}`, issuer.issuer);
  if (config.idp.console !== undefined) yield await checkIssuer('console IdP', config.idp.console.issuer);
  for (const service of config.services) {
    yield await checkService(service.id, service.baseUrl);
    if (service.connector.type === 'oidc') {
      yield await checkIssuer(`service ${service.id} IdP`, service.connector.issuer);
    }
  }
}

/** `latchkey doctor`: one verdict per check, exit 1 when one fails. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check the configuration, the store, each IdP and each service; one verdict per line')
    .option('-c, --config <file>', 'YAML configuration file (env LATCHKEY_CONFIG)')
    .option('--format <format>', 'table or json', 'table')
    .addHelpText('after', examples('latchkey doctor -c latchkey.yaml', 'latchkey doctor --format json'))
    .action(async (options: { config?: string; format: string }) => {
      if (options.format !== 'table' && options.format !== 'json') {
        throw new CliError('--format must be table or json', ExitCode.usage);
      }
      const all: Check[] = [];
      for await (const c of checks(options)) {
        all.push(c);
        // Printed as each check ends: the slow ones (timeouts) show progress.
        if (options.format === 'table')
          process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.check}: ${c.detail}\n`);
      }
      const ok = all.every((c) => c.ok);
      if (options.format === 'json')
        process.stdout.write(`${JSON.stringify({ ok, checks: all }, null, 2)}\n`);
      else
        process.stdout.write(
          ok
            ? 'doctor: all checks passed\n'
            : `doctor: ${String(all.filter((c) => !c.ok).length)} check(s) failed\n`,
        );
      if (!ok) process.exitCode = ExitCode.error;
    });
}
