// `--kibana-report URL` on note and resolve: start the report job Kibana's "Copy POST URL" names,
// poll it with a progress display, and hand the file back as an attachment.
import { createHash } from 'node:crypto';
import type { Ctx } from '../context.js';
import type { AttachmentInput } from '../backends/types.js';
import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';
import { checkUrlPolicy } from '../config/url-policy.js';
import { detectMime } from '../integrations/evidence.js';
import { humanBytes, humanMs, ResponseTooLargeError } from '../integrations/http.js';
import { generateReport, type KibanaAuth, type KibanaProgress } from '../integrations/kibana.js';
import { startSpinner } from '../ui/spinner.js';
import { durationSetting, readCaSetting } from './service-settings.js';

/** API key first (it names one purpose), then basic auth; neither is a usage error naming both. */
export function kibanaAuth(cfg: Config): KibanaAuth {
  const key = cfg.get('kibana.apiKey');
  if (key) return { type: 'apikey', key };
  const username = cfg.get('kibana.username');
  const password = cfg.get('kibana.password');
  if (username && password) return { type: 'basic', username, password };
  if (username) {
    throw new UsageError(`kibana.username is set but kibana.password is not (profile ${cfg.profile}).`, 'Set it: soc-ticket admin config set kibana.password --stdin');
  }
  throw new UsageError(
    `No Kibana credentials in profile ${cfg.profile}: set kibana.apiKey, or kibana.username and kibana.password.`,
    'Secrets are read from stdin: soc-ticket admin config set kibana.apiKey --stdin',
  );
}

const GENERIC = new Set(['application/octet-stream', 'text/plain', '']);

function progressText(p: KibanaProgress): string {
  if (p.phase === 'queued') return 'Kibana: report queued…';
  if (p.phase === 'done') return 'Kibana: downloading the report…';
  return `Kibana: report ${p.status ?? 'pending'} (${humanMs(Math.round(p.elapsedMs))} elapsed, poll ${p.attempt})…`;
}

/**
 * The profile's Kibana credentials go only to the profile's Kibana: with kibana.url set, the report
 * URL must be on that origin; without it, https (or http to loopback) is required.
 */
export function checkReportUrl(cfg: Config, url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError('--kibana-report is not a URL.', 'Paste the POST URL from Share → Export → Copy POST URL.');
  }
  const configured = cfg.get('kibana.url');
  if (configured) {
    let base: URL;
    try {
      base = new URL(configured);
    } catch {
      throw new UsageError(`kibana.url "${configured}" is not a URL.`);
    }
    if (u.origin !== base.origin) {
      throw new UsageError(
        `--kibana-report points at ${u.origin}, not at the Kibana of profile ${cfg.profile} (${base.origin}); the credentials go nowhere else.`,
        'Use a POST URL from that Kibana, or change kibana.url.',
      );
    }
    return;
  }
  try {
    checkUrlPolicy(url, false, '--kibana-report');
  } catch (e) {
    throw new UsageError((e as Error).message, 'Use https, or name that Kibana in kibana.url to allow it.');
  }
}

export async function kibanaAttachment(ctx: Ctx, url: string, maxBytes: number): Promise<AttachmentInput> {
  const cfg = ctx.config();
  checkReportUrl(cfg, url);
  const auth = kibanaAuth(cfg);
  const ca = readCaSetting(cfg, 'kibana.ca');
  const pollIntervalMs = durationSetting(cfg, 'kibana.pollInterval', '3s');
  const maxWaitMs = durationSetting(cfg, 'kibana.maxWait', '5m');
  const tooBig = (size?: number) =>
    new UsageError(
      size === undefined
        ? `The Kibana report is larger than ${humanBytes(maxBytes)}, the most this backend accepts per file.`
        : `The Kibana report is ${humanBytes(size)}; this backend accepts at most ${humanBytes(maxBytes)} per file.`,
      'Narrow the time range or the panels of the report, or attach a link to it instead.',
    );

  const spinner = await startSpinner(ctx.io, 'Kibana: starting the report job…');
  let report;
  try {
    report = await generateReport({
      postUrl: url,
      auth,
      ca,
      pollIntervalMs,
      // Kibana asks for 30 s between polls; a short configured interval caps that too.
      maxRetryAfterMs: Math.min(30_000, Math.max(pollIntervalMs * 10, pollIntervalMs)),
      maxWaitMs,
      maxBytes,
      onProgress: (p) => {
        spinner.update(progressText(p));
        // Without a terminal there is no spinner: say once why we wait.
        if (p.phase === 'queued' && !ctx.io.stderrIsTTY) ctx.out.info('Kibana: report queued; waiting for it…');
      },
    });
  } catch (err) {
    if (err instanceof ResponseTooLargeError && err.limit === maxBytes) throw tooBig();
    throw err;
  } finally {
    spinner.stop();
  }
  if (report.data.length > maxBytes) throw tooBig(report.data.length);
  const name = report.filename;
  const mime = detectMime(report.data, name);
  ctx.out.info(`Kibana report ready: ${name} (${humanBytes(report.data.length)}).`);
  return {
    name,
    size: report.data.length,
    sha256: createHash('sha256').update(report.data).digest('hex'),
    // Content first; Kibana's own Content-Type when the bytes say nothing more specific.
    mime: GENERIC.has(mime) && !GENERIC.has(report.mime) ? report.mime : mime,
    data: report.data,
  };
}
