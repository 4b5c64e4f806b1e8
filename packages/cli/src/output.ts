/** One column of a table: header and how to read the cell from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.map(text).join(',');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** An aligned plain-text table (no colours: output is often piped). */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => text(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** Prints `data` as JSON (scripts) or as a table of `rows` (people). */
export function print<T>(
  format: 'table' | 'json',
  data: unknown,
  rows: readonly T[],
  columns: readonly Column<T>[],
): void {
  if (format === 'json') process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (rows.length === 0) process.stdout.write('(none)\n');
  else process.stdout.write(table(rows, columns));
}

/** Prints one record as JSON or as `key: value` lines. */
export function printRecord(format: 'table' | 'json', record: object): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return;
  }
  const entries = Object.entries(record);
  const width = Math.max(...entries.map(([k]) => k.length));
  for (const [key, value] of entries) process.stdout.write(`${key.padEnd(width)}  ${text(value)}\n`);
}

/** A progress line on stderr (never stdout: it would corrupt piped output). */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Usage text appended to `--help`. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
