import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../scripts/docs.js';
import { generateSdk } from '../../../scripts/sdk.js';

describe('SDK generated from the OpenAPI document and the error catalogue', () => {
  it('matches the committed files (run npm run gen)', async () => {
    for (const file of await generateSdk()) {
      const committed = readFileSync(join(repoRoot, file.path), 'utf8');
      expect(committed, `${file.path} is out of date: run npm run gen`).toBe(file.content);
    }
  });
});
