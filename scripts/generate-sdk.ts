import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './docs.js';
import { generateSdk } from './sdk.js';

// Part of `npm run gen` (after generate-docs.ts, which writes docs/openapi.json); sdk-generated.test.ts fails on drift.
for (const file of await generateSdk()) {
  const target = join(repoRoot, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  console.log(`wrote ${file.path}`);
}
