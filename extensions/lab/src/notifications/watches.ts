/**
 * What you watch (`api/watches`): whole projects or single files. Changes by
 * others to what you watch come as notifications. No widgets: jest tests it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { IFeedRequester } from '../activity/model';
import type { IPage } from '../api/types';
import { messageOf } from '../api/errors';

/** A watch as the service lists it. */
export interface IWatch {
  id: number;
  project: string;
  /** The file watched, or null for the whole project. */
  path: string | null;
}

export class WatchesModel {
  constructor(client: IFeedRequester) {
    this._client = client;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get items(): readonly IWatch[] {
    return this._items;
  }

  /** The service's message when the last change failed. */
  get error(): string {
    return this._error;
  }

  /** Load your watches (once; `refresh` to load again). */
  load(): Promise<void> {
    if (!this._loading) {
      this._loading = this.refresh();
    }
    return this._loading;
  }

  async refresh(): Promise<void> {
    try {
      const page = await this._client.request<IPage<IWatch>>('api/watches');
      this._items = page?.items ?? [];
      this._error = '';
    } catch (reason) {
      this._error = messageOf(reason);
    }
    this._changed.emit();
  }

  /** Whether you watch a project (`path` null) or one of its files. */
  isWatching(project: string, path: string | null = null): boolean {
    return this._items.some(w => w.project === project && w.path === path);
  }

  /** Watch, or stop watching, a project or a file. */
  async toggle(project: string, path: string | null = null): Promise<void> {
    this._error = '';
    try {
      if (this.isWatching(project, path)) {
        const params = new URLSearchParams({ project });
        if (path) {
          params.set('path', path);
        }
        await this._client.request(`api/watches?${params.toString()}`, {
          method: 'DELETE'
        });
        this._items = this._items.filter(
          w => !(w.project === project && w.path === path)
        );
      } else {
        const watch = await this._client.request<IWatch>('api/watches', {
          method: 'POST',
          body: JSON.stringify({ project, path })
        });
        this._items = [
          ...this._items,
          { id: watch?.id ?? -1, project, path: watch?.path ?? path }
        ];
      }
    } catch (reason) {
      this._error = messageOf(reason);
    }
    this._changed.emit();
  }

  private readonly _client: IFeedRequester;
  private _items: IWatch[] = [];
  private _error = '';
  private _loading: Promise<void> | null = null;
  private readonly _changed = new Signal<this, void>(this);
}
