import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateDocs, repoRoot } from './docs.js';

// `npm run gen`: rewrites the committed reference docs; generated-docs.test.ts fails on drift.
for (const doc of await generateDocs()) {
  const file = join(repoRoot, doc.path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, doc.content);
  console.log(`wrote ${doc.path}`);
}
