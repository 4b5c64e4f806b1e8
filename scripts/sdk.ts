import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { errorCatalogue, errorCodes } from '../packages/server/src/errors.js';
import { repoRoot } from './docs.js';

/*
 * The generators of the SDK's committed sources: the OpenAPI types (from docs/openapi.json, so run
 * after the docs) and the error-code union (from the server's catalogue). Deterministic, so
 * `sdk-generated.test.ts` can fail on drift.
 */

const HEADER = (source: string): string =>
  `/*\n * Generated from ${source} by \`npm run gen\` (scripts/generate-sdk.ts). Do not edit by hand.\n */\n`;

async function pretty(path: string, source: string): Promise<string> {
  const options = (await resolveConfig(join(repoRoot, path))) ?? {};
  return format(source, { ...options, filepath: path });
}

async function openapiTypes(document: string): Promise<string> {
  const ast = await openapiTS(document, { exportType: false, alphabetize: true, defaultNonNullable: false });
  const body = astToString(ast);
  return pretty(SDK_OPENAPI_PATH, HEADER('docs/openapi.json') + body);
}

async function errorCodeUnion(): Promise<string> {
  const lines = [
    HEADER('packages/server/src/errors.ts'),
    '/** Every `code` a Latchkey problem response can carry: `switch (err.code)` is exhaustive. */',
    `export type ErrorCode = ${errorCodes.map((c) => JSON.stringify(c)).join(' | ')};`,
    '',
    '/** The HTTP status each error code is answered with. */',
    'export const errorStatus = {',
    ...errorCodes.map((c) => `  ${c}: ${String(errorCatalogue[c].status)},`),
    '} as const satisfies Record<ErrorCode, number>;',
    '',
  ];
  return pretty(SDK_ERROR_CODES_PATH, lines.join('\n'));
}

/** Where the generated OpenAPI types live, relative to the repository root. */
export const SDK_OPENAPI_PATH = 'packages/sdk/src/generated/openapi.ts';
/** Where the generated error-code union lives, relative to the repository root. */
export const SDK_ERROR_CODES_PATH = 'packages/sdk/src/generated/error-codes.ts';

/** Every generated SDK file with its content, from the committed OpenAPI document. */
export async function generateSdk(): Promise<{ path: string; content: string }[]> {
  const document = readFileSync(join(repoRoot, 'docs/openapi.json'), 'utf8');
  return [
    { path: SDK_OPENAPI_PATH, content: await openapiTypes(document) },
    { path: SDK_ERROR_CODES_PATH, content: await errorCodeUnion() },
  ];
}
