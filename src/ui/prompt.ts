// The one place that asks the user anything. Prompts only when stdin and stdout are terminals
// and input is not switched off; otherwise a missing value is a usage error naming its flag.
import type { IO } from './io.js';
import { UsageError } from '../errors.js';

export interface Choice<V> {
  name: string;
  value: V;
  description?: string;
  checked?: boolean;
}

export class Prompter {
  constructor(
    private readonly io: IO,
    readonly enabled: boolean,
  ) {}

  /** Why no prompt can be shown (for the usage error that replaces it). */
  whyNot(): string {
    return this.io.stdinIsTTY && this.io.stdoutIsTTY ? 'input is switched off (--no-input)' : 'there is no terminal to ask';
  }

  private need(flag: string): void {
    if (!this.enabled) throw new UsageError(`Missing ${flag}: ${this.whyNot()}.`);
  }

  private ctx() {
    return { input: this.io.stdin as NodeJS.ReadableStream, output: this.io.stderr as NodeJS.WritableStream };
  }

  async text(flag: string, message: string, opts: { default?: string; required?: boolean } = {}): Promise<string> {
    this.need(flag);
    const { input } = await import('@inquirer/prompts');
    return input({ message, default: opts.default, required: opts.required ?? true }, this.ctx());
  }

  async secret(flag: string, message: string): Promise<string> {
    this.need(flag);
    const { password } = await import('@inquirer/prompts');
    return password({ message, mask: true }, this.ctx());
  }

  async select<V>(flag: string, message: string, choices: Choice<V>[]): Promise<V> {
    this.need(flag);
    const { select } = await import('@inquirer/prompts');
    return select<V>({ message, choices }, this.ctx());
  }

  async multi<V>(flag: string, message: string, choices: Choice<V>[]): Promise<V[]> {
    this.need(flag);
    const { checkbox } = await import('@inquirer/prompts');
    return checkbox<V>({ message, choices, pageSize: 15 }, this.ctx());
  }

  /** Confirmation for dangerous or bulk actions: `--yes` skips it; without a terminal, refuse. */
  async confirm(message: string, yes: boolean): Promise<boolean> {
    if (yes) return true;
    this.need('--yes');
    const { confirm } = await import('@inquirer/prompts');
    return confirm({ message, default: false }, this.ctx());
  }
}
