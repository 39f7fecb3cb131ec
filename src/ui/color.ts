// A tiny palette with an explicit on/off switch (chalk's own detection looks at process streams,
// not at the IO we were handed). chalk is loaded only when colour is on: piped runs skip it.
import type { ChalkInstance } from 'chalk';
import type { Severity, Stage } from '../domain/types.js';

type Paint = (s: string) => string;
export interface Palette {
  bold: Paint & { red: Paint };
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  gray: Paint;
  cyan: Paint;
  blue: Paint;
  magenta: Paint;
}

const same: Paint = (s) => s;
const PLAIN: Palette = {
  bold: Object.assign((s: string) => s, { red: same }),
  dim: same,
  red: same,
  green: same,
  yellow: same,
  gray: same,
  cyan: same,
  blue: same,
  magenta: same,
};

let chalk: ChalkInstance | undefined;

/** Load chalk before building a coloured palette (cli.ts does, when colour is on). */
export async function loadColor(): Promise<void> {
  if (chalk) return;
  const { Chalk } = await import('chalk');
  chalk = new Chalk({ level: 1 });
}

/** Colours when enabled and loadColor() has run; plain text otherwise. */
export function palette(enabled: boolean): Palette {
  return enabled && chalk ? chalk : PLAIN;
}

export function severityColor(c: Palette, s: Severity | string): string {
  switch (s) {
    case 'emergency':
      return c.bold.red(s);
    case 'high':
      return c.red(s);
    case 'normal':
      return c.yellow(s);
    default:
      return c.gray(s);
  }
}

export function stageColor(c: Palette, s: Stage | string): string {
  switch (s) {
    case 'new':
      return c.cyan(s);
    case 'triaged':
      return c.blue(s);
    case 'assigned':
      return c.magenta(s);
    case 'resolved':
      return c.green(s);
    default:
      return c.gray(s);
  }
}
