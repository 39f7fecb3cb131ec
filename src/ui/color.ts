// A tiny palette over chalk with an explicit on/off switch (chalk's own detection looks at
// process streams, not at the IO we were handed).
import { Chalk, type ChalkInstance } from 'chalk';
import type { Severity, Stage } from '../domain/types.js';

export type Palette = ChalkInstance;

export function palette(enabled: boolean): Palette {
  return new Chalk({ level: enabled ? 1 : 0 });
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
