import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { clientFrom, withApiOptions, type ApiOptions } from '../api/options.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { examples } from '../output.js';

interface ProxyOptions extends ApiOptions {
  request: string;
  data?: string;
  header: string[];
  include?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `-d @file` streams the file, `-d @-` stdin, else the literal text (as curl does). */
function requestBody(data: string | undefined): RequestInit['body'] | undefined {
  if (data === undefined) return undefined;
  if (!data.startsWith('@')) return data;
  const source = data === '@-' ? process.stdin : createReadStream(data.slice(1));
  return Readable.toWeb(source) as ReadableStream<Uint8Array>;
}

/** `latchkey proxy <service> <path>`: one request through the proxy, the body streamed to stdout. */
export function registerProxy(program: Command): void {
  withApiOptions(program.command('proxy <service> <path>'))
    .description('Call a service through Latchkey; the response body is streamed to stdout')
    .option('-X, --request <method>', 'HTTP method', 'GET')
    .option('-d, --data <data>', 'request body: text, @file or @- for stdin')
    .option('-H, --header <header>', "request header 'Name: value' (repeat)", collect, [])
    .option('-i, --include', 'print the status line and headers to stderr')
    .addHelpText(
      'after',
      examples(
        'latchkey proxy demo /notes',
        `latchkey proxy demo /notes -X POST -H 'content-type: application/json' -d '{"title":"hi","body":"there"}'`,
        'latchkey proxy files /remote.php/dav/files/alice/report.pdf > report.pdf',
      ),
    )
    .action(async (service: string, path: string, options: ProxyOptions) => {
      const headers = new Headers();
      for (const h of options.header) {
        const colon = h.indexOf(':');
        if (colon <= 0) throw new CliError(`bad header ${h}: use 'Name: value'`, ExitCode.usage);
        headers.append(h.slice(0, colon).trim(), h.slice(colon + 1).trim());
      }
      const body = requestBody(options.data);
      const method = options.request.toUpperCase();
      const response = await clientFrom(options).proxyFetch(service, path, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      if (options.include === true) {
        process.stderr.write(`HTTP ${String(response.status)} ${response.statusText}\n`);
        for (const [name, value] of response.headers) process.stderr.write(`${name}: ${value}\n`);
      }
      if (response.body !== null)
        await pipeline(Readable.fromWeb(response.body), process.stdout, { end: false });
      // The upstream's own error statuses pass through; a script sees them as exit 1.
      if (response.status >= 400) {
        process.stderr.write(`latchkey: ${service} answered ${String(response.status)}\n`);
        process.exitCode = ExitCode.error;
      }
    });
}
