/**
 * The state behind the Moiety panel: who the service says you are, and
 * whether this server's Moiety extension matches the frontend. Pure (no
 * widgets), so it is unit tested on its own.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { IMe, IMoietyClient, IVersionCheck } from '../tokens';
import { messageOf } from '../api/errors';

/** Where the `/api/me` request stands. */
export type MeState =
  | { kind: 'loading' }
  | { kind: 'ready'; me: IMe }
  | { kind: 'error'; message: string };

export class MoietyPanelModel {
  constructor(
    private readonly _client: Pick<IMoietyClient, 'request'>,
    versionCheck: Promise<IVersionCheck>
  ) {
    void versionCheck.then(check => {
      this._versionCheck = check;
      this._changed.emit();
    });
  }

  /** Emitted whenever `me` or `versionCheck` changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The `/api/me` state. */
  get me(): MeState {
    return this._me;
  }

  /** The version check, once it has settled. */
  get versionCheck(): IVersionCheck | null {
    return this._versionCheck;
  }

  /** (Re)load `/api/me`; concurrent calls share one request. */
  refresh(): Promise<void> {
    if (!this._refreshing) {
      this._refreshing = this._load().finally(() => {
        this._refreshing = null;
      });
    }
    return this._refreshing;
  }

  private async _load(): Promise<void> {
    this._set({ kind: 'loading' });
    try {
      const me = await this._client.request<IMe>('api/me');
      this._set({ kind: 'ready', me });
    } catch (reason) {
      const message = messageOf(reason);
      this._set({ kind: 'error', message });
    }
  }

  private _set(state: MeState): void {
    this._me = state;
    this._changed.emit();
  }

  private _me: MeState = { kind: 'loading' };
  private _versionCheck: IVersionCheck | null = null;
  private _refreshing: Promise<void> | null = null;
  private readonly _changed = new Signal<this, void>(this);
}
