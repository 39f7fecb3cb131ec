// Rejected input is kept, never dropped: one JSON line per reject, with where it came from.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export interface Reject {
  source: string;
  line: number;
  reason: string;
  field?: string;
  text: string;
}

export class RejectsFile {
  private stream?: WriteStream;
  count = 0;
  constructor(readonly path: string) {}

  write(r: Reject): void {
    if (!this.stream) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.stream = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
    }
    this.count++;
    this.stream.write(JSON.stringify({ at: new Date().toISOString(), ...r }) + '\n');
  }

  async close(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
