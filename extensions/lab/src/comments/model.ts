/**
 * The comment threads of one file of a project (`GET api/threads`), and
 * everything people do with them: open a thread on a cell or a line, reply,
 * edit, delete, resolve, reopen, react. Live: feed events about the file make
 * it reload. No widgets: jest tests it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { messageOf, MoietyError } from '../api/errors';
import type {
  IAnchor,
  IComment,
  IFeedEvent,
  IPage,
  IReaction,
  IThread
} from '../api/types';
import type { IFeedRequester } from '../activity/model';

/** Feed kinds that change a file's threads. */
export const THREAD_KINDS = new Set([
  'thread.opened',
  'comment.added',
  'comment.edited',
  'comment.deleted',
  'thread.resolved',
  'thread.reopened',
  'file.saved',
  'snapshot.created',
  'version.restored'
]);

/** Threads fetched per request, and the most pages read for one file. */
const PAGE_SIZE = 200;
const MAX_PAGES = 10;

/** How a cell's threads sum up, for its badge. */
export interface ICellSummary {
  /** Threads still open. */
  open: number;
  /** All threads, open or resolved. */
  total: number;
  /** Whether any open thread was written on an older version of the cell. */
  outdated: boolean;
}

export type ThreadsStatus = 'loading' | 'ready' | 'error' | 'unavailable';

/** The author of a comment, whatever the service calls the field. */
export function authorOf(comment: IComment): string {
  const record = comment as unknown as Record<string, unknown>;
  const name = record.author ?? record.actor ?? record.user;
  return typeof name === 'string' ? name : '';
}

/** Whether a comment was edited. */
export function wasEdited(comment: IComment): boolean {
  return !!comment.edited;
}

/** Who may delete others' comments in a project: admins, and leads of
 * one of its teams (as the service decides, core/access.py `moderates`). */
export function moderates(
  me: { admin?: boolean; lead_of?: string[] } | null,
  teams: readonly string[]
): boolean {
  if (!me) {
    return false;
  }
  return !!me.admin || teams.some(team => (me.lead_of ?? []).includes(team));
}

/** What stands where a deleted comment was. */
export function tombstoneOf(comment: IComment): string {
  return comment.deleted_by
    ? `Comment deleted by ${comment.deleted_by}`
    : 'Comment deleted';
}

export class ThreadsModel {
  constructor(options: {
    client: IFeedRequester;
    project: string;
    path: string;
    user?: string | null;
  }) {
    this._client = options.client;
    this.project = options.project;
    this.path = options.path;
    this.user = options.user ?? null;
  }

  readonly project: string;
  readonly path: string;
  /** The current person (their own comments can be edited). */
  user: string | null;

  /** Whether the current person may delete others' comments here. */
  get moderator(): boolean {
    return this._moderator;
  }

  set moderator(value: boolean) {
    if (value !== this._moderator) {
      this._moderator = value;
      this._changed.emit();
    }
  }

  /** Emitted whenever the threads or the status change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): ThreadsStatus {
    return this._status;
  }

  /** The service's message when loading failed. */
  get error(): string {
    return this._error;
  }

  /** Every thread of the file, oldest first. */
  get threads(): readonly IThread[] {
    return this._threads;
  }

  /** Threads whose anchor still exists (current or outdated). */
  get anchored(): IThread[] {
    return this._threads.filter(t => t.anchor_state !== 'orphaned');
  }

  /** Threads whose cell or line is gone: listed apart. */
  get orphaned(): IThread[] {
    return this._threads.filter(t => t.anchor_state === 'orphaned');
  }

  /** Threads on a cell (anchored ones only). */
  threadsOfCell(cellId: string): IThread[] {
    return this.anchored.filter(t => t.anchor.cell_id === cellId);
  }

  /** Each cell's badge: counts and whether an open thread is outdated. */
  summaries(): Map<string, ICellSummary> {
    const found = new Map<string, ICellSummary>();
    for (const thread of this.anchored) {
      const cell = thread.anchor.cell_id;
      if (!cell) {
        continue;
      }
      const summary = found.get(cell) ?? { open: 0, total: 0, outdated: false };
      summary.total += 1;
      if (thread.state === 'open') {
        summary.open += 1;
        summary.outdated ||= thread.anchor_state === 'outdated';
      }
      found.set(cell, summary);
    }
    return found;
  }

  /** Load the threads again; concurrent calls share one request. */
  refresh(): Promise<void> {
    if (this._loading) {
      this._again = true;
      return this._loading;
    }
    this._loading = this._load().finally(() => {
      this._loading = null;
      if (this._again) {
        this._again = false;
        void this.refresh();
      }
    });
    return this._loading;
  }

  /** A feed event: reload when it is about this file. */
  onEvent(event: IFeedEvent): void {
    if (
      event.project === this.project &&
      event.path === this.path &&
      THREAD_KINDS.has(event.kind)
    ) {
      void this.refresh();
    }
  }

  /** Open a thread on a cell or a line; resolves with its id if known. */
  async create(anchor: IAnchor, body: string): Promise<number | null> {
    const thread = await this._client.request<IThread>('api/threads', {
      method: 'POST',
      body: JSON.stringify({
        project: this.project,
        path: this.path,
        anchor: cleanAnchor(anchor),
        body
      })
    });
    await this.refresh();
    return typeof thread?.id === 'number' ? thread.id : null;
  }

  async reply(threadId: number, body: string): Promise<void> {
    await this._client.request(`api/threads/${threadId}/comments`, {
      method: 'POST',
      body: JSON.stringify({ body })
    });
    await this.refresh();
  }

  async edit(commentId: number, body: string): Promise<void> {
    await this._client.request(`api/comments/${commentId}`, {
      method: 'PATCH',
      body: JSON.stringify({ body })
    });
    await this.refresh();
  }

  async remove(commentId: number): Promise<void> {
    await this._client.request(`api/comments/${commentId}`, {
      method: 'DELETE'
    });
    await this.refresh();
  }

  async setState(threadId: number, state: 'open' | 'resolved'): Promise<void> {
    await this._client.request(`api/threads/${threadId}`, {
      method: 'PATCH',
      body: JSON.stringify({ state })
    });
    await this.refresh();
  }

  /** Toggle your reaction on a comment. */
  async react(comment: IComment, emoji: string): Promise<void> {
    const mine = (comment.reactions ?? []).find(
      r => r.emoji === emoji
    )?.reacted;
    const endpoint = `api/comments/${comment.id}/reactions`;
    const answer = await this._client.request<{ reactions?: IReaction[] }>(
      mine ? `${endpoint}?emoji=${encodeURIComponent(emoji)}` : endpoint,
      mine
        ? { method: 'DELETE' }
        : { method: 'POST', body: JSON.stringify({ emoji }) }
    );
    if (answer?.reactions) {
      this._threads = this._threads.map(thread => ({
        ...thread,
        comments: thread.comments.map(c =>
          c.id === comment.id ? { ...c, reactions: answer.reactions } : c
        )
      }));
      this._changed.emit();
    } else {
      await this.refresh();
    }
  }

  /** Whether the current person wrote a comment. */
  isMine(comment: IComment): boolean {
    return !!this.user && authorOf(comment) === this.user;
  }

  /** Whether the current person may delete a comment: their own, or any
   * when they moderate the project. */
  canDelete(comment: IComment): boolean {
    return !comment.deleted && (this.isMine(comment) || this._moderator);
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private async _load(): Promise<void> {
    if (this._status !== 'ready') {
      this._status = 'loading';
      this._changed.emit();
    }
    const params = new URLSearchParams({
      project: this.project,
      path: this.path,
      state: 'all',
      limit: String(PAGE_SIZE)
    });
    try {
      const items: IThread[] = [];
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        const page = await this._client.request<IPage<IThread>>(
          `api/threads?${params.toString()}`
        );
        items.push(...(page?.items ?? []));
        if (!page?.next) {
          break;
        }
        params.set('before', page.next);
      }
      this._threads = items.sort(
        (a, b) => Date.parse(a.created_at) - Date.parse(b.created_at)
      );
      this._status = 'ready';
      this._error = '';
    } catch (reason) {
      const missing =
        reason instanceof MoietyError &&
        reason.status === 404 &&
        reason.code.startsWith('http-');
      this._status = missing ? 'unavailable' : 'error';
      this._error = missing
        ? 'This Moiety service does not offer comment threads yet (no api/threads): update the service.'
        : messageOf(reason);
    }
    this._changed.emit();
  }

  private readonly _client: IFeedRequester;
  private _threads: IThread[] = [];
  private _status: ThreadsStatus = 'loading';
  private _error = '';
  private _loading: Promise<void> | null = null;
  private _again = false;
  private _moderator = false;
  private readonly _changed = new Signal<this, void>(this);
}

/** An anchor with only the fields that are set. */
function cleanAnchor(anchor: IAnchor): IAnchor {
  const clean: IAnchor = {};
  if (anchor.cell_id) {
    clean.cell_id = anchor.cell_id;
  }
  if (typeof anchor.line === 'number') {
    clean.line = anchor.line;
  }
  return clean;
}
