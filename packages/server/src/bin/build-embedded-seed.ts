// Build step: writes packages/server/embedded-seed.tar.gz so a first `latchkey serve` on the
// embedded default unpacks a migrated data directory instead of running initdb.
import { embeddedSeedFile, writeEmbeddedSeed } from '../store/db.js';
import { runMigrations } from '../store/migrate.js';

const started = Date.now();
await writeEmbeddedSeed(embeddedSeedFile, runMigrations);
process.stdout.write(`embedded store seed written in ${Date.now() - started} ms\n`);
