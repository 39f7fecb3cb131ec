// Progress on stderr, on a terminal only; a no-op elsewhere so pipes and logs stay clean.
import type { IO } from './io.js';

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const NOOP: Spinner = { update() {}, stop() {} };

export async function startSpinner(io: IO, text: string): Promise<Spinner> {
  if (!io.stderrIsTTY || io.env.CI) return NOOP;
  const { default: ora } = await import('ora');
  const s = ora({ text, stream: io.stderr as NodeJS.WritableStream }).start();
  return {
    update: (t) => {
      s.text = t;
    },
    stop: () => s.stop(),
  };
}
