// --attach and --kibana-report, shared by note and resolve.
import type { Ctx } from '../context.js';
import type { AttachmentInput, TicketStore } from '../backends/types.js';
import { readEvidence } from '../integrations/evidence.js';
import { UsageError } from '../errors.js';

export async function gatherEvidence(ctx: Ctx, store: TicketStore, files: string[] = [], kibanaUrl?: string): Promise<AttachmentInput[]> {
  const out: AttachmentInput[] = [];
  for (const f of files) {
    if (f === '-') throw new UsageError('--attach - is not supported; name the file.');
    out.push(await readEvidence(f, store.maxAttachmentBytes));
  }
  if (kibanaUrl) {
    const { kibanaAttachment } = await import('./kibana.js');
    out.push(await kibanaAttachment(ctx, kibanaUrl, store.maxAttachmentBytes));
  }
  return out;
}

export function evidenceLines(atts: AttachmentInput[]): string {
  return atts.map((a) => `Evidence: ${a.name} (${a.mime}, ${a.size} B) sha256:${a.sha256}`).join('\n');
}
