// The osTicket backend: tickets are created with the API key, everything else goes through the
// staff panel as the logged-in agent. Each SOC stage is an osTicket status, so osTicket's own UI
// and CSV show the same state (Open, Triaged, In Progress, Resolved, Closed).
import type { NormalisedAlert } from '../../alerts/types.js';
import type { Severity, Stage, Ticket } from '../../domain/types.js';
import { StageConflictError, WorkflowError } from '../../errors.js';
import type { StateDb } from '../../ingest/state.js';
import { mapLimit } from '../../util/concurrency.js';
import type {
  AttachmentInput,
  BatchIngest,
  IngestItem,
  IngestOptions,
  IngestOutcome,
  Lookups,
  PartialBatchFailure,
  TicketChange,
  TicketFilter,
  TicketStore,
} from '../types.js';
import { createBody, createTicket } from './api.js';
import { ticketFromCsv, ticketFromPage } from './convert.js';
import {
  AlertRejectedError,
  OsTicketAuthError,
  OsTicketPartialChangeError,
  OsTicketPermissionError,
  OsTicketRefusedError,
} from './errors.js';
import { HttpClient } from './http.js';
import { Mapping } from './mapping.js';
import { socNoteHtml, type SocNote } from './message.js';
import { findMsgError, maybeJson, parsePreviewState, parseTicketPage, type TicketPage } from './parse.js';
import type { OsTicketProfile, OsTicketSecrets } from './profile.js';
import { exportQueue, idsForNumbers, rememberId } from './queue.js';
import { OsTicketSession, type SessionStore } from './session.js';

export interface OsTicketStoreOptions {
  profile: OsTicketProfile;
  secrets: OsTicketSecrets;
  /** Dedup index, number → id cache, ingested hashes. */
  state?: StateDb;
  sessionStore?: SessionStore;
  /** Where the second session (parallel exports for list --all) keeps its cookie. */
  exportSessionStore?: SessionStore;
  http?: HttpClient;
  clock?: () => Date;
  /** Messages about osTicket's side effects, for the user (stderr). */
  notice?: (message: string) => void;
}

const SEV_ORDER: Record<Severity, number> = { low: 0, normal: 1, high: 2, emergency: 3 };
const STAGE_ORDER: Record<Stage, number> = { new: 0, triaged: 1, assigned: 2, resolved: 3, closed: 4 };
const OPEN_STAGES: Stage[] = ['new', 'triaged', 'assigned'];
const DEDUP_BUILT = 'osticket.dedup-index';

/** Tickets the API created are known by number until their id is needed: id = -number. */
function pseudoId(number: string): number {
  return /^\d{1,15}$/.test(number) ? -Number(number) : 0;
}

export class OsTicketStore implements TicketStore, BatchIngest {
  readonly kind = 'osticket' as const;
  /** osTicket's default max_file_size (1 MB); larger uploads are refused by the server. */
  readonly maxAttachmentBytes = 1024 * 1024;
  readonly map: Mapping;
  readonly http: HttpClient;
  readonly session: OsTicketSession;
  private readonly clock: () => Date;
  private readonly notice: (m: string) => void;
  /** Repeats counted but not written (API key only: nobody to write a note as). */
  suppressed = 0;

  constructor(private readonly o: OsTicketStoreOptions) {
    this.map = new Mapping(o.profile);
    this.http = o.http ?? new HttpClient(o.profile);
    this.session = new OsTicketSession({ profile: o.profile, secrets: o.secrets, sessionStore: o.sessionStore, http: this.http });
    this.clock = o.clock ?? (() => new Date());
    this.notice = o.notice ?? (() => {});
  }

  private get state(): StateDb | undefined {
    return this.o.state;
  }

  private get concurrency(): number {
    return this.o.profile.concurrency ?? 8;
  }

  private needSession(what: string): void {
    if (!this.session.hasCredentials()) {
      throw new OsTicketAuthError(`${what} on osTicket needs an agent login; this profile has only an API key.`, 'Log in: soc-ticket login');
    }
  }

  // ---- reading ---------------------------------------------------------------------

  /** The staff page of one ticket; null when osTicket does not know it. */
  private async page(q: { id: number } | { number: string }): Promise<TicketPage | null> {
    this.needSession('Reading tickets');
    const path = 'id' in q ? `scp/tickets.php?id=${q.id}` : `scp/tickets.php?number=${encodeURIComponent(q.number)}`;
    const res = await this.session.get(path, false);
    const what = 'id' in q ? `id ${q.id}` : q.number;
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.session.unexpected(`the view of ticket ${what}`, res);
    const p = parseTicketPage(res.body);
    if (p) {
      rememberId(this.state, p.number, p.id);
      return p;
    }
    const err = findMsgError(res.body);
    if (err && /access denied/i.test(err.message)) {
      throw new OsTicketPermissionError(`Ticket ${what} is not visible to ${this.session.username} in osTicket.`, 'It is outside your departments; ask a lead or an osTicket admin.');
    }
    if (err && /unknown or invalid|not found/i.test(err.message)) return null;
    throw this.session.unexpected(`the view of ticket ${what}`, res);
  }

  private async pageOf(ref: string | number): Promise<TicketPage | null> {
    if (typeof ref === 'number') {
      if (ref > 0) return this.page({ id: ref });
      if (ref < 0) return this.page({ number: String(-ref) });
      return null;
    }
    const r = ref.trim().replace(/^#/, '');
    if (!r || /[\s/?&#]/.test(r)) return null;
    // People quote ticket numbers; a short all-digit reference may also be an internal id.
    const byNumber = await this.page({ number: r });
    if (byNumber) return byNumber;
    if (/^\d{1,9}$/.test(r)) return this.page({ id: Number(r) });
    return null;
  }

  async get(ref: string | number): Promise<Ticket | null> {
    const p = await this.pageOf(ref);
    return p ? ticketFromPage(p, this.map) : null;
  }

  /** The current stage of a ticket, from its preview fragment (one small request). */
  private async stageNow(id: number, number: string): Promise<Stage> {
    this.needSession('Reading tickets');
    const res = await this.session.get(`scp/ajax.php/tickets/${id}/preview`, true);
    if (res.status === 404) throw new WorkflowError(`No ticket ${number} in osTicket (or it is no longer visible to ${this.session.username}).`);
    const p = res.status === 200 ? parsePreviewState(res.body) : undefined;
    if (!p || p.number !== number) throw this.session.unexpected(`the preview of ticket ${number}`, res);
    return this.map.stageOf(p.status) ?? (/closed|resolved/i.test(p.status) ? 'closed' : 'new');
  }

  /** Internal id of a ticket we may know only by number. */
  private async realId(id: number): Promise<number> {
    if (id > 0) return id;
    if (id === 0) throw new WorkflowError('This ticket has no known osTicket id.');
    const number = String(-id);
    const ids = await idsForNumbers(this.session, this.state, [number], 1);
    const real = ids.get(number);
    if (!real) throw new WorkflowError(`osTicket has no ticket ${number} visible to ${this.session.username}.`);
    return real;
  }

  async list(f: TicketFilter): Promise<Ticket[]> {
    this.needSession('Listing tickets');
    const stages = f.stages?.length ? f.stages : undefined;
    const queues: number[] = [];
    if (!stages || stages.some((s) => OPEN_STAGES.includes(s))) queues.push(1);
    if (!stages || stages.some((s) => !OPEN_STAGES.includes(s))) queues.push(8);
    // Nothing else may run in a session during its export (see exportQueue): with both queues
    // wanted, the closed one is exported in a second session of the same agent, at the same time
    // (osTicket builds each CSV in its own PHP worker; list --all over 4,300 tickets 4.5 s → see
    // bench/osticket/list.sh).
    const exported =
      queues.length === 2
        ? await Promise.all([exportQueue(this.session, queues[0]), exportQueue(this.exportSession(), queues[1])])
        : [await exportQueue(this.session, queues[0])];
    let tickets = exported.flat().map((row) => ticketFromCsv(row, this.map));
    const needle = f.search?.toLowerCase();
    tickets = tickets.filter(
      (t) =>
        (!stages || stages.includes(t.stage)) &&
        (!f.severity?.length || f.severity.includes(t.severity)) &&
        (!f.assignee || t.assignee === f.assignee) &&
        (!f.category || t.category === f.category) &&
        (!f.since || t.createdAt >= f.since.toISOString()) &&
        (!needle || t.title.toLowerCase().includes(needle) || t.number.includes(needle)),
    );
    const ids = await idsForNumbers(this.session, this.state, tickets.map((t) => t.number), this.concurrency);
    for (const t of tickets) t.id = ids.get(t.number) ?? pseudoId(t.number);
    const key: Record<NonNullable<TicketFilter['sort']>, (t: Ticket) => number | string> = {
      id: (t) => t.id,
      created: (t) => t.createdAt,
      updated: (t) => t.updatedAt,
      severity: (t) => SEV_ORDER[t.severity],
      stage: (t) => STAGE_ORDER[t.stage],
    };
    const k = key[f.sort ?? 'id'];
    const dir = f.desc ? -1 : 1;
    tickets.sort((a, b) => {
      const x = k(a);
      const y = k(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir || (a.id - b.id) * dir;
    });
    return f.limit ? tickets.slice(0, f.limit) : tickets;
  }

  private second?: OsTicketSession;

  /** A second session of the same agent, for a parallel export (its cookie kept in its own file). */
  private exportSession(): OsTicketSession {
    this.second ??= new OsTicketSession({ profile: this.o.profile, secrets: this.o.secrets, sessionStore: this.o.exportSessionStore, http: this.http });
    return this.second;
  }

  // ---- ingest ------------------------------------------------------------------------

  private apiKey(): string {
    const k = this.o.secrets.apiKey;
    if (!k) {
      throw new OsTicketAuthError('No osTicket API key in this profile; tickets are created with it.', 'soc-ticket admin config set osticket.apiKey   (prompts, or --stdin)');
    }
    return k;
  }

  private ticketFromAlert(alert: NormalisedAlert, number: string, id: number, actor: string): Ticket {
    const now = this.clock().toISOString();
    return {
      id,
      number,
      title: alert.title,
      description: alert.description ?? '',
      severity: alert.severity,
      stage: 'new',
      category: alert.category,
      host: alert.host,
      srcIp: alert.srcIp,
      dstIp: alert.dstIp,
      ruleId: alert.ruleId,
      ruleName: alert.ruleName,
      source: alert.format,
      dedupKey: alert.dedupKey,
      occurrences: 1,
      lastSeen: alert.time,
      observables: alert.observables,
      mitre: alert.mitre,
      createdAt: now,
      updatedAt: now,
      createdBy: actor,
    };
  }

  async createFromAlert(alert: NormalisedAlert, actor: string): Promise<Ticket> {
    const number = await createTicket(this.http, this.apiKey(), createBody(alert, this.map));
    const id = pseudoId(number);
    this.state?.dedupPut(alert.dedupKey, id, number);
    return this.ticketFromAlert(alert, number, id, actor);
  }

  async findByDedupKey(key: string, since: Date): Promise<Ticket | null> {
    await this.ensureDedupIndex(since);
    const hit = this.state?.dedupGet(key);
    if (!hit || hit.lastSeenAt < since.toISOString()) return null;
    if (this.session.hasCredentials() && !this.dedupConfirmed.has(key)) {
      // The index only knows what soc-ticket did: a ticket closed (or deleted) in osTicket's own UI
      // must not collect the repeats. One small request per key and run; a closed one opens anew.
      const stage = await this.dedupTicketStage(hit.ticketId, hit.number);
      if (stage === undefined || stage === 'closed') {
        this.state?.dedupDrop(key);
        return null;
      }
      this.dedupConfirmed.add(key);
    }
    const t = this.ticketFromAlert({ title: '', severity: 'normal', mitre: [], observables: [], dedupKey: key, format: 'generic', raw: '', time: hit.lastSeenAt }, hit.number, hit.ticketId, '');
    return t;
  }

  /** Stage of a dedup hit's ticket; undefined when osTicket no longer shows it to this agent. */
  private async dedupTicketStage(id: number, number: string): Promise<Stage | undefined> {
    try {
      return await this.stageNow(await this.realId(id), number);
    } catch (e) {
      if (e instanceof WorkflowError) return undefined;
      throw e;
    }
  }

  /** Dedup keys whose ticket was seen open in this run (no need to ask again). */
  private readonly dedupConfirmed = new Set<string>();
  private dedupChecked = false;
  private closerNoticed = false;

  /**
   * A fresh machine (or a lost state file) has no dedup index: rebuild it once from the open
   * tickets updated within the window, whose first message carries the dedup key.
   */
  private async ensureDedupIndex(since: Date): Promise<void> {
    if (this.dedupChecked || !this.state) return;
    this.dedupChecked = true;
    if (this.state.cacheGet('meta', DEDUP_BUILT) || !this.session.hasCredentials()) return;
    await this.rebuildDedupIndex(since);
  }

  async rebuildDedupIndex(since: Date): Promise<number> {
    const state = this.state;
    if (!state) return 0;
    const rows = (await exportQueue(this.session, 1)).map((r) => ticketFromCsv(r, this.map)).filter((t) => t.updatedAt >= since.toISOString());
    const ids = await idsForNumbers(this.session, state, rows.map((t) => t.number), this.concurrency);
    let n = 0;
    await mapLimit(rows, this.concurrency, async (row) => {
      const id = ids.get(row.number);
      const p = id ? await this.page({ id }) : null;
      const t = p && ticketFromPage(p, this.map);
      if (t?.dedupKey && !state.dedupGet(t.dedupKey)) {
        state.dedupPut(t.dedupKey, t.id, t.number, t.updatedAt);
        n++;
      }
    });
    state.cachePut('meta', DEDUP_BUILT, this.clock().toISOString());
    return n;
  }

  async addOccurrence(id: number, alert: NormalisedAlert, actor: string): Promise<Ticket> {
    const hit = this.state?.dedupGet(alert.dedupKey);
    const number = hit?.number ?? (id < 0 ? String(-id) : String(id));
    if (!this.session.hasCredentials()) {
      // API key only: osTicket's API cannot add to a ticket. Count it; the summary says so.
      this.state?.dedupSuppress(alert.dedupKey);
      this.suppressed++;
      return { ...this.ticketFromAlert(alert, number, id, actor), occurrences: 1 + (hit?.suppressed ?? 0) + 1 };
    }
    const where = [alert.srcIp, alert.dstIp].filter(Boolean).join(' → ');
    await this.postNote(await this.realId(id), number, {
      kind: 'occurrence',
      actor,
      fields: { Seen: alert.time },
      text: `Seen again at ${alert.time}${where ? ` (${where})` : ''}.`,
    });
    if (hit) this.state?.dedupPut(alert.dedupKey, hit.ticketId, hit.number);
    return this.ticketFromAlert(alert, number, id, actor);
  }

  async ingestBatch(items: IngestItem[], opts: IngestOptions): Promise<IngestOutcome[]> {
    const state = this.state;
    const out: IngestOutcome[] = new Array(items.length);
    // Alerts with the same dedup key go one after another (the first opens the ticket, the
    // others fold into it); different keys go in parallel, at most `concurrency` at a time.
    const groups = new Map<string, number[]>();
    items.forEach((it, i) => {
      const g = groups.get(it.alert.dedupKey);
      if (g) g.push(i);
      else groups.set(it.alert.dedupKey, [i]);
    });
    let failure: Error | undefined;
    await mapLimit([...groups.values()], this.concurrency, async (idx) => {
      for (const i of idx) {
        if (failure) return;
        const { alert, hash } = items[i];
        try {
          out[i] = await this.ingestOne(alert, hash, opts);
        } catch (e) {
          if (e instanceof AlertRejectedError) {
            out[i] = { fate: 'rejected', detail: e.message };
            continue;
          }
          failure ??= e as Error;
          return;
        }
      }
    });
    // What got through before a failure is marked ingested and handed back with the error, so the
    // pipeline queues only the rest (and the summary counts only those as queued).
    if (failure) throw Object.assign(failure, { delivered: out } satisfies PartialBatchFailure);
    void state;
    return out;
  }

  private async ingestOne(alert: NormalisedAlert, hash: string, opts: IngestOptions): Promise<IngestOutcome> {
    const state = this.state;
    const prior = state?.wasIngested(hash);
    if (prior) return { fate: 'duplicate', ticket: prior.ticketId ? { id: prior.ticketId, number: this.numberOf(prior.ticketId) } : undefined };
    const existing = await this.findByDedupKey(alert.dedupKey, opts.windowSince);
    const mark = (t: { id: number; number: string } | undefined) => state?.markIngested(hash, t ? t.id : null);
    if (alert.status === 'resolved') {
      if (!existing) {
        mark(undefined);
        return { fate: 'skipped', detail: 'resolved alert with no open ticket' };
      }
      if (this.session.hasCredentials()) {
        await this.postNote(await this.realId(existing.id), existing.number, { kind: 'occurrence', actor: opts.actor, fields: {}, text: `The source reports this alert resolved at ${alert.time}.` });
      } else this.suppressed++;
      const ref = { id: existing.id, number: existing.number };
      mark(ref);
      return { fate: 'resolved-update', ticket: ref };
    }
    if (existing) {
      const t = await this.addOccurrence(existing.id, alert, opts.actor);
      mark(t);
      return { fate: 'occurrence', ticket: { id: t.id, number: t.number }, detail: this.session.hasCredentials() ? undefined : 'counted, not noted (API key only)' };
    }
    const t = await this.createFromAlert(alert, opts.actor);
    mark(t);
    return { fate: 'created', ticket: { id: t.id, number: t.number } };
  }

  private numberOf(id: number): string {
    return id < 0 ? String(-id) : String(id);
  }

  // ---- writing -----------------------------------------------------------------------

  /** Upload files in this session; returns `attach:note[]` values ("fileid,name"). */
  private async upload(atts: AttachmentInput[] | undefined): Promise<string[]> {
    const refs: string[] = [];
    for (const a of atts ?? []) {
      const form = new FormData();
      form.append('upload[]', new Blob([new Uint8Array(a.data)], { type: a.mime }), a.name);
      const res = await this.session.request('POST', 'scp/ajax.php/form/upload/attach', { multipart: form, ajax: true });
      const j = maybeJson(res.body) as { id?: number; error?: string } | undefined;
      if (res.status !== 200 || !j?.id) {
        throw new OsTicketRefusedError(`osTicket refused the upload of ${a.name}${j?.error ? `: ${j.error}` : ` (HTTP ${res.status})`}.`, j?.error ?? '', 'osTicket accepts files up to its max_file_size (1 MB by default) of allowed types (Admin → Settings → Tickets → Attachments).');
      }
      refs.push(`${j.id},${a.name.replace(/,/g, '_')}`);
    }
    return refs;
  }

  /** An internal note (with files, optionally a status) under a ticket lock (INTERFACE.md §e). */
  private async postNote(id: number, number: string, note: SocNote, atts?: AttachmentInput[], statusId?: number): Promise<void> {
    const files = await this.upload(atts);
    const lock = await this.session.acquireLock(id, number);
    try {
      const res = await this.session.post(
        `scp/tickets.php?id=${id}`,
        {
          id,
          a: 'postnote',
          lockCode: lock.code,
          title: `soc-ticket: ${note.kind}`,
          note: socNoteHtml(note),
          note_status_id: statusId,
          'attach:note[]': files.length ? files : undefined,
        },
        { csrfInForm: true, ajax: false },
      );
      this.session.judgePage('add a note', res, number);
      this.session.forgetLock(id);
    } catch (e) {
      await this.session.releaseLock(id);
      throw e;
    }
  }

  private async ajax(id: number, number: string, what: string, route: string, form: Record<string, string | number | undefined>): Promise<string> {
    const res = await this.session.post(`scp/ajax.php/tickets/${id}/${route}`, form);
    return this.session.judgeAjax(what, res, number).body;
  }

  private async setStatus(id: number, number: string, stage: Stage, note: SocNote): Promise<void> {
    await this.ajax(id, number, `set status ${this.map.statusName(stage)} on`, 'status', { status_id: this.map.statusId(stage), comments: socNoteHtml(note) });
  }

  /** A field edit that is already the value is not a failure. */
  private async editField(id: number, number: string, field: string, param: string, value: number): Promise<void> {
    try {
      await this.ajax(id, number, `change the ${field} of`, `field/${field}/edit`, { [param]: value });
    } catch (e) {
      if (e instanceof OsTicketRefusedError && /already assigned this value/i.test(e.osticketMessage)) return;
      throw e;
    }
  }

  async applyChange(id: number, change: TicketChange, known?: Ticket): Promise<Ticket> {
    const rid = await this.realId(id);
    // A closure planned on a ticket the caller has just read (bulk close) needs only its stage
    // again, not the whole ~100 KB page: the preview fragment re-checks it right before the
    // change, as the full read did. Every other transition needs the page (assignee, fields).
    const reuse = change.to === 'closed' && known !== undefined && known.id === rid;
    const page = reuse ? undefined : await this.page({ id: rid });
    if (!reuse && !page) throw new WorkflowError(`No ticket ${this.numberOf(id)} in osTicket.`);
    const t = reuse ? { ...known, stage: await this.stageNow(rid, known.number) } : ticketFromPage(page!, this.map);
    if (t.stage !== change.expectStage) {
      throw new StageConflictError(`Ticket ${t.number} changed under us: it is now ${t.stage}, not ${change.expectStage}.`, `Look again: soc-ticket show ${t.number}`);
    }
    const n = t.number;
    const set = change.set ?? {};
    const done: string[] = [];
    const note = (kind: SocNote['kind'], fields: Record<string, string | undefined>): SocNote => ({
      kind,
      actor: change.actor,
      from: t.stage,
      to: change.to,
      fields: Object.fromEntries(Object.entries(fields).filter(([, v]) => v)) as Record<string, string>,
      text: change.comment,
    });
    const hadAgent = !!page?.assignedTo;
    try {
      switch (change.to) {
        case 'triaged': {
          if (set.severity && set.severity !== t.severity) {
            await this.editField(rid, n, 'priority', 'priority', this.map.priorityId(set.severity));
            done.push('priority');
          }
          const topic = set.category ? this.o.profile.topics[set.category] : undefined;
          if (topic !== undefined && set.category !== t.category) {
            await this.editField(rid, n, 'topic', 'topic_id', topic);
            done.push('help topic');
          }
          const n2 = note('triage', { Verdict: set.verdict, Severity: set.severity, Category: set.category, 'Triaged by': set.triagedBy ?? change.actor });
          if (t.stage === 'triaged') await this.postNote(rid, n, n2);
          else await this.setStatus(rid, n, 'triaged', n2);
          break;
        }
        case 'assigned': {
          const target = set.assignee ?? t.assignee ?? change.actor;
          const reopening = t.stage === 'resolved' || t.stage === 'closed';
          const n2 = note(reopening ? 'reopen' : 'assign', { Assignee: target });
          if (reopening) {
            // Reopening makes osTicket re-assign on its own (to whoever closed it): set the status
            // first, then put the ticket where the SOC wants it.
            await this.setStatus(rid, n, 'assigned', n2);
            done.push('status');
            await this.assign(rid, n, target, true);
          } else {
            await this.assign(rid, n, target, hadAgent);
            done.push('assignment');
            if (t.stage === 'assigned') await this.postNote(rid, n, n2);
            else await this.setStatus(rid, n, 'assigned', n2);
          }
          break;
        }
        case 'resolved': {
          const n2 = note('resolve', { 'Resolved by': set.resolvedBy ?? change.actor, Summary: set.summary ? 'see below' : undefined });
          n2.text = set.summary ?? change.comment;
          await this.postNote(rid, n, n2, change.attachments, this.map.statusId('resolved'));
          break;
        }
        case 'closed': {
          await this.setStatus(rid, n, 'closed', note('close', {}));
          break;
        }
        default:
          throw new WorkflowError(`osTicket backend cannot move a ticket to ${change.to}.`);
      }
    } catch (e) {
      if (done.length && !(e instanceof StageConflictError)) {
        throw new OsTicketPartialChangeError(`${(e as Error).message} (already changed on ticket ${n}: ${done.join(', ')})`, done, e as Error);
      }
      throw e;
    }
    if ((change.to === 'resolved' || change.to === 'closed') && t.assignee !== this.session.username && !this.closerNoticed) {
      // class.ticket.php setStatus: a ticket that enters a closed state is handed to the agent doing it.
      this.closerNoticed = true;
      this.notice(`osTicket now shows ${this.session.username} as the agent of tickets ${change.to === 'closed' ? 'closed' : 'resolved'} here (it hands a ticket to whoever resolves or closes it); soc-ticket keeps the SOC assignee in its notes.`);
    }
    if (change.to === 'closed' || change.to === 'resolved') {
      if (t.dedupKey && change.to === 'closed') this.state?.dedupDrop(t.dedupKey);
    }
    const after: Ticket = { ...t, stage: change.to, updatedAt: this.clock().toISOString() };
    if (set.severity) after.severity = set.severity;
    if (set.category) after.category = set.category;
    if (set.verdict) after.verdict = set.verdict;
    if (set.triagedBy) after.triagedBy = set.triagedBy;
    if (set.assignee !== undefined) after.assignee = set.assignee ?? undefined;
    if (set.resolvedBy !== undefined) after.resolvedBy = set.resolvedBy ?? undefined;
    if (set.summary) after.summary = set.summary;
    if (change.to === 'resolved') after.resolvedAt = after.updatedAt;
    if (!after.assignee && (change.to === 'resolved' || change.to === 'closed')) after.assignee = this.session.username;
    after.events = [...(t.events ?? []), { at: after.updatedAt, actor: change.actor, kind: 'transition', from: t.stage, to: change.to, comment: change.comment }];
    return after;
  }

  /** Agent or team assignment; `--to me` on an unassigned ticket is osTicket's claim. */
  private async assign(id: number, number: string, target: string, hasAgent: boolean): Promise<void> {
    const me = this.session.username;
    const tolerate = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        if (e instanceof OsTicketRefusedError && /already assigned/i.test(e.osticketMessage)) return;
        throw e;
      }
    };
    if (target.startsWith('team:')) {
      const teamId = this.map.teamId(target.slice(5));
      await tolerate(() => this.ajax(id, number, 'assign', 'assign/teams', { assignee: `t${teamId}` }));
      return;
    }
    const staffId = this.map.agentId(target);
    if (target === me && !hasAgent) {
      // 201 = claimed, whatever the body says (it re-renders the dialog: INTERFACE.md gotcha 1).
      await this.ajax(id, number, 'claim', 'claim', { assignee: `s${staffId}` });
      return;
    }
    await tolerate(() => this.ajax(id, number, 'assign', 'assign/agents', { assignee: `s${staffId}` }));
  }

  async addNote(id: number, actor: string, text: string, attachments?: AttachmentInput[], kind: 'note' | 'occurrence' | 'created' | 'transition' | 'enrichment' | 'escalation' = 'note'): Promise<Ticket> {
    this.needSession('Adding a note');
    const rid = await this.realId(id);
    const page = await this.page({ id: rid });
    if (!page) throw new WorkflowError(`No ticket ${this.numberOf(id)} in osTicket.`);
    const noteKind: SocNote['kind'] = kind === 'occurrence' ? 'occurrence' : 'note';
    await this.postNote(rid, page.number, { kind: noteKind, actor, fields: {}, text }, attachments);
    const after = await this.page({ id: rid });
    return ticketFromPage(after ?? page, this.map);
  }

  async lookups(): Promise<Lookups> {
    return {
      agents: Object.keys(this.o.profile.agents ?? {}),
      teams: Object.keys(this.o.profile.teams ?? {}),
      categories: Object.keys(this.o.profile.topics ?? {}),
    };
  }

  async close(): Promise<void> {
    if (this.suppressed) {
      this.notice(`${this.suppressed} repeated alert(s) were counted and suppressed, not noted on their tickets: this profile has only an API key (soc-ticket login adds agent credentials).`);
      this.suppressed = 0;
    }
    this.session.close();
    this.second?.close();
    this.state?.db.close();
  }
}
