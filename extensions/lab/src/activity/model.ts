/**
 * The Activity feed's state: pages from `GET api/feed` (newest first, the
 * `next` cursor for more), live events merged in without duplicates, the
 * filters, the unread marker and reactions. No widgets: jest tests it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { IFeedEvent, IPage, IReaction } from '../api/types';
import { UnreadMarker } from './unread';
import { messageOf } from '../api/errors';

/** What the feed shows; empty lists and strings mean "any". */
export interface IFeedFilters {
  projects: string[];
  actor: string;
  kinds: string[];
  tag: string;
}

export const NO_FILTERS: IFeedFilters = {
  projects: [],
  actor: '',
  kinds: [],
  tag: ''
};

/** Whether any filter is set. */
export function hasFilters(filters: IFeedFilters): boolean {
  return (
    filters.projects.length > 0 ||
    filters.kinds.length > 0 ||
    !!filters.actor ||
    !!filters.tag
  );
}

/** The query arguments of `GET api/feed` (and the stream) for filters. */
export function filterQuery(filters: IFeedFilters): URLSearchParams {
  const params = new URLSearchParams();
  filters.projects.forEach(p => params.append('project', p));
  if (filters.actor) {
    params.set('actor', filters.actor.trim().replace(/^@/, '').toLowerCase());
  }
  filters.kinds.forEach(k => params.append('kind', k));
  if (filters.tag) {
    params.set('tag', filters.tag.trim().replace(/^#/, '').toLowerCase());
  }
  return params;
}

/** Whether an event passes the filters (as the service would filter it). */
export function matchesFilters(
  event: IFeedEvent,
  filters: IFeedFilters
): boolean {
  if (filters.projects.length && !filters.projects.includes(event.project)) {
    return false;
  }
  const actor = filters.actor.trim().replace(/^@/, '').toLowerCase();
  if (actor && event.actor.toLowerCase() !== actor) {
    return false;
  }
  if (filters.kinds.length && !filters.kinds.includes(event.kind)) {
    return false;
  }
  const tag = filters.tag.trim().replace(/^#/, '').toLowerCase();
  if (tag && !(event.tags ?? []).map(t => t.toLowerCase()).includes(tag)) {
    return false;
  }
  return true;
}

/**
 * `existing` with `incoming` merged in: one entry per id (the incoming one
 * wins, it is newer data), newest first.
 */
export function mergeEvents(
  existing: IFeedEvent[],
  incoming: IFeedEvent[]
): IFeedEvent[] {
  const byId = new Map<number, IFeedEvent>();
  for (const event of existing) {
    byId.set(event.id, event);
  }
  for (const event of incoming) {
    byId.set(event.id, event);
  }
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

/** How the feed reaches the service (a subset of IMoietyClient). */
export interface IFeedRequester {
  request<T>(endpoint: string, init?: RequestInit): Promise<T>;
}

export type FeedStatus = 'idle' | 'loading' | 'ready' | 'error';

export class FeedModel {
  constructor(options: {
    client: IFeedRequester;
    unread: UnreadMarker;
    pageSize?: number;
  }) {
    this._client = options.client;
    this.unread = options.unread;
    this._pageSize = options.pageSize ?? 30;
    this.unread.changed.connect(() => this._changed.emit(), this);
  }

  /** The unread marker (shared with the sidebar tab's dot). */
  readonly unread: UnreadMarker;

  /** Emitted on any change of what the view shows. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get items(): readonly IFeedEvent[] {
    return this._items;
  }

  get filters(): IFeedFilters {
    return this._filters;
  }

  get status(): FeedStatus {
    return this._status;
  }

  /** The message of the last failed load (the server's own words). */
  get error(): string {
    return this._error;
  }

  /** Whether older events can be loaded. */
  get hasMore(): boolean {
    return this._next !== null;
  }

  /** Whether a page is being loaded. */
  get loading(): boolean {
    return this._loading !== null;
  }

  /** Change the filters and load the first page for them. */
  setFilters(filters: IFeedFilters): Promise<void> {
    this._filters = {
      projects: [...filters.projects],
      actor: filters.actor,
      kinds: [...filters.kinds],
      tag: filters.tag
    };
    return this.refresh();
  }

  /** Load the first page again (what live events did not bring is fetched). */
  refresh(): Promise<void> {
    this._generation += 1;
    this._items = [];
    this._next = null;
    this._loading = null;
    return this._load(null);
  }

  /** Load the next (older) page, if there is one and none is loading. */
  loadMore(): Promise<void> {
    if (this._loading) {
      return this._loading;
    }
    if (this._next === null) {
      return Promise.resolve();
    }
    return this._load(this._next);
  }

  /** A live event: merged in if it passes the filters (once per id). */
  addLive(event: IFeedEvent): void {
    this.unread.observe(event);
    if (!matchesFilters(event, this._filters)) {
      return;
    }
    this._items = mergeEvents(this._items, [event]);
    this._changed.emit();
  }

  /** Toggle your reaction `emoji` on an event. */
  async react(event: IFeedEvent, emoji: string): Promise<void> {
    const mine = (event.reactions ?? []).find(r => r.emoji === emoji)?.reacted;
    const endpoint = `api/events/${event.id}/reactions`;
    const answer = await this._client.request<{ reactions: IReaction[] }>(
      mine ? `${endpoint}?emoji=${encodeURIComponent(emoji)}` : endpoint,
      mine
        ? { method: 'DELETE' }
        : { method: 'POST', body: JSON.stringify({ emoji }) }
    );
    const reactions = answer?.reactions ?? [];
    this._items = this._items.map(item =>
      item.id === event.id ? { ...item, reactions } : item
    );
    this._changed.emit();
  }

  private _load(cursor: string | null): Promise<void> {
    const generation = this._generation;
    const params = filterQuery(this._filters);
    params.set('limit', String(this._pageSize));
    if (cursor) {
      params.set('before', cursor);
    }
    this._status = this._items.length ? this._status : 'loading';
    this._error = '';
    const loading = this._client
      .request<IPage<IFeedEvent>>(`api/feed?${params.toString()}`)
      .then(
        page => {
          if (generation !== this._generation) {
            return;
          }
          const items = page?.items ?? [];
          this._items = mergeEvents(this._items, items);
          this._next = page?.next ?? null;
          this._status = 'ready';
          items.forEach(event => this.unread.observe(event));
        },
        reason => {
          if (generation !== this._generation) {
            return;
          }
          this._status = this._items.length ? 'ready' : 'error';
          this._error = messageOf(reason);
        }
      )
      .finally(() => {
        if (generation === this._generation) {
          this._loading = null;
          this._changed.emit();
        }
      });
    this._loading = loading;
    this._changed.emit();
    return loading;
  }

  private readonly _client: IFeedRequester;
  private readonly _pageSize: number;
  private _items: IFeedEvent[] = [];
  private _filters: IFeedFilters = NO_FILTERS;
  private _next: string | null = null;
  private _status: FeedStatus = 'idle';
  private _error = '';
  private _loading: Promise<void> | null = null;
  private _generation = 0;
  private readonly _changed = new Signal<this, void>(this);
}
