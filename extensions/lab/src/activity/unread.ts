/**
 * The unread marker of the Activity feed: the newest event you have seen is
 * remembered per person (localStorage); events by others after it are new.
 * Small and without imports of views: the sidebar tab's dot uses it at start.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { IFeedEvent } from '../api/types';

/** The part of Storage this uses. */
export interface IStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const SEEN_KEY_PREFIX = 'moiety:feed-seen:';

export class UnreadMarker {
  constructor(options: { storage: IStorageLike | null; user?: string | null }) {
    this._storage = options.storage;
    if (options.user) {
      this.setUser(options.user);
    }
  }

  /** Emitted when the unread count or the divider changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Whose marker this is (events of that person are never unread). */
  get user(): string | null {
    return this._user;
  }

  /** Set the person once the session knows them; reads their marker. */
  setUser(user: string): void {
    if (user === this._user) {
      return;
    }
    this._user = user;
    const stored = Number(this._storage?.getItem(SEEN_KEY_PREFIX + user));
    this._lastSeen = Number.isFinite(stored) && stored > 0 ? stored : null;
    this._unread = new Set(
      [...this._unread].filter(
        id => this._lastSeen === null || id > this._lastSeen
      )
    );
    this._changed.emit();
  }

  /** The id of the newest event seen, or null before the first visit. */
  get lastSeen(): number | null {
    return this._lastSeen;
  }

  /** How many events by others arrived since you last looked. */
  get count(): number {
    return this._unread.size;
  }

  /**
   * While the feed is on screen: the last event seen when it was opened.
   * Events after it are shown as new; null when not viewing.
   */
  get divider(): number | null {
    return this._viewing ? this._divider : null;
  }

  /**
   * Take the newest event id as the starting point on a first visit, so a
   * newcomer does not find the whole history unread.
   */
  baseline(newestId: number | null): void {
    if (this._lastSeen === null && newestId !== null) {
      this._write(newestId);
      this._unread = new Set([...this._unread].filter(id => id > newestId));
      this._changed.emit();
    }
  }

  /** Note an event (from a page or the live stream). */
  observe(event: IFeedEvent): void {
    this._newest = Math.max(this._newest, event.id);
    if (event.actor === this._user) {
      return;
    }
    if (this._lastSeen !== null && event.id <= this._lastSeen) {
      return;
    }
    if (this._lastSeen === null && !this._viewing) {
      return; // before the baseline: not news
    }
    if (this._viewing) {
      this._write(Math.max(this._lastSeen ?? 0, event.id));
      this._changed.emit();
      return;
    }
    if (!this._unread.has(event.id)) {
      this._unread.add(event.id);
      this._changed.emit();
    }
  }

  /** Whether an event shows as new in the feed being viewed. */
  isNew(event: IFeedEvent): boolean {
    const divider = this.divider;
    return divider !== null && event.id > divider && event.actor !== this._user;
  }

  /** The feed came on screen: keep the divider, count everything as seen. */
  beginViewing(): void {
    // On a first visit nothing is "new": everything is.
    this._divider = this._lastSeen ?? Number.MAX_SAFE_INTEGER;
    this._viewing = true;
    this.markSeen();
  }

  /** The feed left the screen. */
  endViewing(): void {
    this.markSeen();
    this._viewing = false;
    this._divider = null;
    this._changed.emit();
  }

  /** Everything observed so far counts as seen. */
  markSeen(): void {
    const newest = Math.max(this._newest, ...this._unread);
    if (newest > 0 && newest > (this._lastSeen ?? 0)) {
      this._write(newest);
    }
    this._unread.clear();
    this._changed.emit();
  }

  private _write(id: number): void {
    this._lastSeen = id;
    if (this._user) {
      try {
        this._storage?.setItem(SEEN_KEY_PREFIX + this._user, String(id));
      } catch {
        // A full or disabled storage only loses the marker.
      }
    }
  }

  private readonly _storage: IStorageLike | null;
  private _user: string | null = null;
  private _lastSeen: number | null = null;
  private _newest = 0;
  private _unread = new Set<number>();
  private _viewing = false;
  private _divider: number | null = null;
  private readonly _changed = new Signal<this, void>(this);
}
