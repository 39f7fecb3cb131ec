// Data on stdout (table on a TTY, TSV when piped, JSON with --json); messages on stderr.
import type { IO } from './io.js';
import { palette, type Palette } from './color.js';
import { sanitizeCell, sanitizeText } from './sanitize.js';

export type OutputMode = 'json' | 'table' | 'tsv';

export interface Column<T> {
  header: string;
  /** Plain value: used for TSV and for the table before colouring. */
  value: (row: T) => string | number | undefined;
  /** Optional colouring of the (already sanitised) table cell. */
  color?: (cell: string, row: T) => string;
  /** Truncate table cells to this width. */
  max?: number;
}

export class Output {
  readonly mode: OutputMode;
  readonly c: Palette;

  constructor(
    readonly io: IO,
    opts: { json: boolean; color: boolean },
  ) {
    this.mode = opts.json ? 'json' : io.stdoutIsTTY ? 'table' : 'tsv';
    this.c = palette(opts.color);
  }

  json(value: unknown): void {
    this.io.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** Raw text for stdout; sanitised because it may carry alert data. */
  text(s: string): void {
    this.io.stdout.write(sanitizeText(s) + (s.endsWith('\n') ? '' : '\n'));
  }

  async rows<T>(columns: Column<T>[], rows: T[], opts: { empty?: string } = {}): Promise<void> {
    if (this.mode === 'tsv') {
      const lines = [columns.map((c) => c.header.toLowerCase()).join('\t')];
      for (const r of rows) lines.push(columns.map((c) => sanitizeCell(c.value(r) ?? '')).join('\t'));
      this.io.stdout.write(lines.join('\n') + '\n');
      return;
    }
    if (!rows.length) {
      this.info(opts.empty ?? 'Nothing to show.');
      return;
    }
    const { default: Table } = await import('cli-table3');
    const table = new Table({
      head: columns.map((c) => this.c.bold(c.header)),
      style: { head: [], border: [] },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    for (const r of rows) {
      table.push(
        columns.map((c) => {
          let cell = sanitizeCell(c.value(r) ?? '');
          if (c.max && cell.length > c.max) cell = cell.slice(0, c.max - 1) + '…';
          return c.color ? c.color(cell, r) : cell;
        }),
      );
    }
    this.io.stdout.write(table.toString() + '\n');
  }

  info(msg: string): void {
    this.io.stderr.write(sanitizeText(msg) + '\n');
  }

  /** A write command's outcome: the message on stderr, and with --json the data on stdout. */
  done(msg: string, data: unknown): void {
    this.success(msg);
    if (this.mode === 'json') this.json(data);
  }

  success(msg: string): void {
    this.io.stderr.write(this.c.green('✓ ') + sanitizeText(msg) + '\n');
  }

  warn(msg: string): void {
    this.io.stderr.write(this.c.yellow('! ') + sanitizeText(msg) + '\n');
  }

  error(msg: string): void {
    this.io.stderr.write(this.c.red('✗ ') + sanitizeText(msg) + '\n');
  }
}
