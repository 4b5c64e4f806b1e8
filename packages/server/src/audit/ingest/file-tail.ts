import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileSourceConfig } from '../../config/audit-schema.js';
import type { Db } from '../../store/db.js';
import type { Logger } from '../../workers/worker.js';
import { readCursor, writeCursor } from './cursors.js';
import type { IngestObserver } from './observer.js';
import { storeIngested, type RawIngest } from './store-ingested.js';

/** Where a tail stands: the file (by inode) and the byte after the last complete line stored. */
export interface FileCursor extends Record<string, unknown> {
  inode: number;
  offset: number;
  /**
   * Bumped at every truncation or switch to a new file: a truncated file repeats offsets and a
   * file system may reuse an inode, so `inode:offset` alone could name two different lines.
   */
  generation: number;
  /** Lines skipped because they were not JSON objects, in total. */
  skipped: number;
}

const CHUNK = 1_048_576;

export interface TailStep {
  /** Lines read (complete lines only). */
  lines: number;
  stored: number;
  skipped: number;
  /** More bytes are waiting: call again at once. */
  more: boolean;
}

/**
 * One step of tailing a JSON-lines file (oCIS audit log). The position `inode:offset` lives in the
 * store and moves in the transaction that stores the lines, so a restart resumes exactly where the
 * last commit left: no line lost, none twice. A smaller file with the same inode was truncated
 * (read again from 0); a new inode means rotation: the rest of the renamed old file (found by its
 * inode beside the path, `audit.log.1`) is read first, then the new file from 0.
 */
export async function tailStep(
  db: Db,
  source: FileSourceConfig,
  log: Logger,
  observer?: IngestObserver,
): Promise<TailStep> {
  const cursorId = `file:${source.id}`;
  const cursor = await readCursor<FileCursor>(db, cursorId);
  let current;
  try {
    current = await stat(source.path);
  } catch {
    return { lines: 0, stored: 0, skipped: 0, more: false };
  }
  let file = source.path;
  let inode = current.ino;
  let offset = 0;
  let size = current.size;
  let generation = (cursor?.generation ?? 0) + 1;
  if (cursor !== null && cursor.inode === current.ino) {
    offset = cursor.offset;
    generation = cursor.generation;
    if (size < offset) {
      log.warn(
        { source: source.id, offset, size },
        'audit file was truncated: reading it again from the start',
      );
      offset = 0;
      generation += 1;
    }
  } else if (cursor !== null) {
    const rotated = await findByInode(source.path, cursor.inode);
    if (rotated !== null && rotated.size > cursor.offset) {
      // Finish the rotated file first; the new one is read on the next step.
      file = rotated.path;
      inode = cursor.inode;
      offset = cursor.offset;
      size = rotated.size;
      generation = cursor.generation;
    }
  }
  const position = (o: number, extra = 0): FileCursor => ({
    inode,
    offset: o,
    generation,
    skipped: (cursor?.skipped ?? 0) + extra,
  });
  if (offset >= size) {
    if (
      cursor === null ||
      cursor.inode !== inode ||
      cursor.offset !== offset ||
      cursor.generation !== generation
    ) {
      await writeCursor(db, cursorId, position(offset));
    }
    return { lines: 0, stored: 0, skipped: 0, more: inode !== current.ino };
  }

  const length = Math.min(CHUNK, size - offset);
  const buffer = Buffer.alloc(length);
  const handle = await open(file, 'r');
  try {
    await handle.read(buffer, 0, length, offset);
  } finally {
    await handle.close();
  }
  const end = buffer.lastIndexOf(0x0a);
  if (end < 0) {
    // No complete line yet (a writer is mid-line), unless one line exceeds the chunk: skip it then.
    if (length < CHUNK) return { lines: 0, stored: 0, skipped: 0, more: false };
    log.warn({ source: source.id, offset }, 'audit file line longer than 1 MiB skipped');
    await writeCursor(db, cursorId, position(offset + length, 1));
    return { lines: 0, stored: 0, skipped: 1, more: true };
  }

  const batch: RawIngest[] = [];
  let skipped = 0;
  let lines = 0;
  let start = 0;
  while (start <= end) {
    const nl = buffer.indexOf(0x0a, start);
    const text = buffer.subarray(start, nl).toString('utf8').trim();
    const lineOffset = offset + start;
    start = nl + 1;
    if (text === '') continue;
    lines += 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      skipped += 1;
      log.warn(
        { source: source.id, file, offset: lineOffset },
        'audit file line is not a JSON object: skipped',
      );
      continue;
    }
    batch.push({ value, fallbackId: `${inode}:${generation}:${lineOffset}` });
  }
  const next = offset + end + 1;
  const counts = await db.transaction(async (tx) => {
    const c = await storeIngested(tx, source, batch, observer);
    await writeCursor(tx, cursorId, position(next, skipped));
    return c;
  });
  // A partial last line is not "more": the worker would spin on it until the writer ends the line.
  const fullChunk = length === CHUNK && next < size;
  return { lines, stored: counts.stored, skipped, more: fullChunk || inode !== current.ino };
}

/** A file beside `path` whose name starts with its name (`audit.log.1`) and has this inode. */
async function findByInode(path: string, inode: number): Promise<{ path: string; size: number } | null> {
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (entry === name || !entry.startsWith(name)) continue;
    try {
      const s = await stat(join(dir, entry));
      if (s.ino === inode) return { path: join(dir, entry), size: s.size };
    } catch {
      // vanished between readdir and stat: not our file
    }
  }
  return null;
}
