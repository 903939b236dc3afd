/**
 * Your notifications (`GET api/notifications`): the bell's unread count, the
 * list, live additions from the stream without duplicates, and marking read.
 * In the startup bundle (the bell shows the count), so it stays small.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { messageOf, MoietyError } from '../api/errors';
import type { INotification, IPage } from '../api/types';
import type { IFeedRequester } from '../activity/model';

export type NotificationsStatus =
  'idle' | 'loading' | 'ready' | 'error' | 'unavailable';

export class NotificationsModel {
  constructor(client: IFeedRequester) {
    this._client = client;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Newest first. */
  get items(): readonly INotification[] {
    return this._items;
  }

  get unreadCount(): number {
    return this._items.filter(n => !n.read).length;
  }

  get status(): NotificationsStatus {
    return this._status;
  }

  get error(): string {
    return this._error;
  }

  /** Load the list (the newest the service keeps). */
  async refresh(): Promise<void> {
    if (this._status === 'idle' || this._status === 'error') {
      this._status = 'loading';
      this._changed.emit();
    }
    try {
      const page = await this._client.request<
        IPage<INotification> | INotification[]
      >('api/notifications');
      const items = Array.isArray(page) ? page : (page?.items ?? []);
      this._items = merge(this._items, items, true);
      this._status = 'ready';
      this._error = '';
    } catch (reason) {
      const missing =
        reason instanceof MoietyError &&
        reason.status === 404 &&
        reason.code.startsWith('http-');
      this._status = missing ? 'unavailable' : 'error';
      this._error = missing
        ? 'This Moiety service does not offer notifications yet (no api/notifications).'
        : messageOf(reason);
    }
    this._changed.emit();
  }

  /** A notification from the live stream (once per id). */
  add(notification: INotification): void {
    this._items = merge(this._items, [notification], false);
    this._changed.emit();
  }

  /** Mark some as read (optimistically; restored if the service refuses). */
  async markRead(ids: number[]): Promise<void> {
    const unread = new Set(
      this._items.filter(n => !n.read && ids.includes(n.id)).map(n => n.id)
    );
    if (!unread.size) {
      return;
    }
    this._setRead(unread, true);
    try {
      await this._client.request('api/notifications/read', {
        method: 'POST',
        body: JSON.stringify({ ids: [...unread] })
      });
    } catch (reason) {
      this._setRead(unread, false);
      this._error = messageOf(reason);
      this._changed.emit();
      throw reason;
    }
  }

  /** Mark everything read. */
  async markAllRead(): Promise<void> {
    const unread = new Set(this._items.filter(n => !n.read).map(n => n.id));
    this._setRead(unread, true);
    try {
      await this._client.request('api/notifications/read', {
        method: 'POST',
        body: JSON.stringify({ all: true })
      });
    } catch (reason) {
      this._setRead(unread, false);
      this._error = messageOf(reason);
      this._changed.emit();
      throw reason;
    }
  }

  private _setRead(ids: Set<number>, read: boolean): void {
    this._items = this._items.map(n => (ids.has(n.id) ? { ...n, read } : n));
    this._changed.emit();
  }

  private readonly _client: IFeedRequester;
  private _items: INotification[] = [];
  private _status: NotificationsStatus = 'idle';
  private _error = '';
  private readonly _changed = new Signal<this, void>(this);
}

/**
 * One entry per id, newest first. From a full list (`authoritative`), the
 * service's read flags win; a live copy never marks a read one unread.
 */
function merge(
  existing: INotification[],
  incoming: INotification[],
  authoritative: boolean
): INotification[] {
  const byId = new Map(existing.map(n => [n.id, n]));
  for (const n of incoming) {
    const known = byId.get(n.id);
    byId.set(
      n.id,
      known && !authoritative ? { ...n, read: known.read || n.read } : n
    );
  }
  return [...byId.values()].sort((a, b) => b.id - a.id);
}
