/**
 * The Digest view's state: who may read digests and of which teams, the
 * period (7 days, 30 days or since a date), the team's digest
 * (`GET api/digest?team=&since=`), its Markdown for "Copy as Markdown", and a
 * quiet reload when live activity touches one of its projects. No widgets:
 * jest tests it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { messageOf } from '../api/errors';
import type { IDigest, IFeedEvent, IProject } from '../api/types';
import type { IMe, IMoietyClient } from '../tokens';

/** The periods offered; `date` is "since a date you choose". */
export type PeriodChoice = '7d' | '30d' | 'date';

export interface IPeriod {
  choice: PeriodChoice;
  /** `YYYY-MM-DD` (UTC midnight), used when `choice` is `date`. */
  date: string;
}

export const DEFAULT_PERIOD: IPeriod = { choice: '7d', date: '' };

/** How far back the service reads (digest_period.MAX_DAYS). */
export const MAX_DAYS = 366;

/** How long live activity waits before the digest is read again. */
export const LIVE_RELOAD_DELAY = 2000;

const DAY = 86_400_000;

/** Whether someone may read digests at all: a lead of a team, or an admin. */
export function canReadDigests(me: Pick<IMe, 'lead_of' | 'admin'>): boolean {
  return me.admin || me.lead_of.length > 0;
}

/**
 * The teams whose digest `me` may read: the teams they lead; for an admin,
 * also their own teams and every team of the projects they see (all of them).
 */
export function digestTeams(
  me: IMe,
  projects: Pick<IProject, 'teams'>[] = []
): string[] {
  const teams = new Set(me.lead_of);
  if (me.admin) {
    me.teams.forEach(t => teams.add(t));
    projects.forEach(p => p.teams.forEach(t => teams.add(t)));
  }
  return [...teams].sort();
}

/** Why a period cannot be asked for (a sentence), or null when it can. */
export function periodProblem(period: IPeriod, now: Date): string | null {
  if (period.choice !== 'date') {
    return null;
  }
  const text = period.date.trim();
  if (!text) {
    return 'Choose the date the digest starts from.';
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const start = match
    ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
    : NaN;
  if (!match || new Date(start).toISOString().slice(0, 10) !== text) {
    return `${text} is not a date; write it as 2026-11-16.`;
  }
  if (start >= now.getTime()) {
    return 'The digest starts in the past: choose today or an earlier date.';
  }
  if (now.getTime() - start > MAX_DAYS * DAY) {
    return `A digest covers at most ${MAX_DAYS} days: choose a date after ${new Date(
      now.getTime() - MAX_DAYS * DAY
    )
      .toISOString()
      .slice(0, 10)}.`;
  }
  return null;
}

/** The `since` argument of a period; throws its problem as an Error. */
export function sinceOf(period: IPeriod, now: Date): string {
  const problem = periodProblem(period, now);
  if (problem) {
    throw new Error(problem);
  }
  return period.choice === 'date' ? period.date.trim() : period.choice;
}

/** The query of a team's digest over a period (and a format). */
export function digestQuery(
  team: string,
  period: IPeriod,
  now: Date,
  format?: 'md'
): string {
  const params = new URLSearchParams({ team, since: sinceOf(period, now) });
  if (format) {
    params.set('format', format);
  }
  return `api/digest?${params.toString()}`;
}

/** How the model reaches the service (a subset of IMoietyClient). */
export type IDigestRequester = Pick<IMoietyClient, 'request' | 'fetch'>;

export type DigestStatus =
  | 'idle'
  | 'loading'
  | 'ready'
  | 'error'
  /** Leads no team and is no admin. */
  | 'forbidden';

export class DigestModel {
  constructor(options: {
    client: IDigestRequester;
    /** The projects you see (an admin's teams come from them). */
    projects?: () => Promise<IProject[]>;
    now?: () => Date;
    schedule?: (callback: () => void, ms: number) => () => void;
  }) {
    this._client = options.client;
    this._projects = options.projects ?? (async () => []);
    this._now = options.now ?? (() => new Date());
    this._schedule =
      options.schedule ??
      ((callback, ms) => {
        const timer = setTimeout(callback, ms);
        return () => clearTimeout(timer);
      });
  }

  /** Emitted on any change of what the view shows. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): DigestStatus {
    return this._status;
  }
  /** The error (or refusal) to show, as the service said it. */
  get error(): string {
    return this._error;
  }
  get me(): IMe | null {
    return this._me;
  }
  get teams(): readonly string[] {
    return this._teams;
  }
  get team(): string {
    return this._team;
  }
  get period(): IPeriod {
    return this._period;
  }
  /** Why the chosen period cannot be asked for, if it cannot. */
  get periodError(): string {
    return periodProblem(this._period, this._now()) ?? '';
  }
  /** The digest of `team` over `period`, once read (kept while re-reading it). */
  get digest(): IDigest | null {
    return this._digest;
  }
  /** Whether a request is under way. */
  get loading(): boolean {
    return this._pending > 0;
  }

  /** Learn who you are and which teams you lead, then read the first digest. */
  async start(): Promise<void> {
    this._set('loading');
    try {
      const me = await this._client.request<IMe>('api/me');
      this._me = me;
      if (!canReadDigests(me)) {
        this._refuse(
          'The Digest is for team leads and admins, and you lead no team. ' +
            "Ask your team's lead or an admin for the digest, or to make you a lead."
        );
        return;
      }
      const projects = me.admin ? await this._projects().catch(() => []) : [];
      this._teams = digestTeams(me, projects);
      if (!this._teams.includes(this._team)) {
        this._team = this._teams[0] ?? '';
      }
    } catch (reason) {
      this._fail(reason);
      return;
    }
    await this.refresh();
  }

  /** Read another team's digest. */
  setTeam(team: string): Promise<void> {
    if (team === this._team || !this._teams.includes(team)) {
      return Promise.resolve();
    }
    this._team = team;
    this._digest = null;
    return this.refresh();
  }

  /** Change the period; the digest is read again when the period is valid. */
  setPeriod(period: IPeriod): Promise<void> {
    this._period = { ...period };
    if (periodProblem(this._period, this._now())) {
      this._changed.emit();
      return Promise.resolve();
    }
    this._digest = null;
    return this.refresh();
  }

  /** Read the digest again (the newest answer asked for wins). */
  async refresh(): Promise<void> {
    this._cancelLive?.();
    this._cancelLive = null;
    if (!this._me || !canReadDigests(this._me) || !this._team) {
      return;
    }
    let endpoint: string;
    try {
      endpoint = digestQuery(this._team, this._period, this._now());
    } catch {
      this._changed.emit();
      return;
    }
    const ticket = ++this._ticket;
    this._pending++;
    this._set(this._digest ? 'ready' : 'loading');
    try {
      const digest = await this._client.request<IDigest>(endpoint);
      if (ticket === this._ticket) {
        this._digest = digest;
        this._error = '';
        this._set('ready');
      }
    } catch (reason) {
      if (ticket === this._ticket) {
        this._fail(reason);
      }
    } finally {
      this._pending--;
      this._changed.emit();
    }
  }

  /** The digest as Markdown (`format=md`), for e-mail and chat. */
  async markdown(): Promise<string> {
    const endpoint = digestQuery(this._team, this._period, this._now(), 'md');
    const response = await this._client.fetch(endpoint);
    return response.text();
  }

  /** A live event: read the digest again soon when it is about one of its projects. */
  noteEvent(event: Pick<IFeedEvent, 'project'>): void {
    const digest = this._digest;
    if (
      this._cancelLive ||
      this._status !== 'ready' ||
      !digest?.projects.some(p => p.slug === event.project)
    ) {
      return;
    }
    this._cancelLive = this._schedule(() => {
      this._cancelLive = null;
      void this.refresh();
    }, LIVE_RELOAD_DELAY);
  }

  /** Stop any pending reload. */
  dispose(): void {
    this._cancelLive?.();
    this._cancelLive = null;
  }

  private _fail(reason: unknown): void {
    this._error = messageOf(reason);
    this._set('error');
  }

  private _refuse(message: string): void {
    this._error = message;
    this._digest = null;
    this._set('forbidden');
  }

  private _set(status: DigestStatus): void {
    this._status = status;
    this._changed.emit();
  }

  private readonly _client: IDigestRequester;
  private readonly _projects: () => Promise<IProject[]>;
  private readonly _now: () => Date;
  private readonly _schedule: (callback: () => void, ms: number) => () => void;
  private _status: DigestStatus = 'idle';
  private _error = '';
  private _me: IMe | null = null;
  private _teams: string[] = [];
  private _team = '';
  private _period: IPeriod = { ...DEFAULT_PERIOD };
  private _digest: IDigest | null = null;
  private _ticket = 0;
  private _pending = 0;
  private _cancelLive: (() => void) | null = null;
  private readonly _changed = new Signal<this, void>(this);
}
