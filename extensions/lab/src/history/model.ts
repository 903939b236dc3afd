/**
 * The versions of one file of a project server (`GET moiety/api/history`),
 * snapshots, diffs between two versions and restores. No widgets: jest tests
 * it with a stand-in for requestAPI.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type {
  IDiffAnswer,
  IPage,
  IRestoreAnswer,
  ISnapshotAnswer,
  IVersion
} from '../api/types';
import { messageOf } from '../api/errors';

/** The working copy, as the diff endpoint names it. */
export const WORKING = 'WORKING';

/** Calls the server extension (requestAPI's signature). */
export type ServerRequest = <T>(
  endpoint: string,
  init?: RequestInit
) => Promise<T>;

export type HistoryStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The two versions being compared: `from` older, `to` newer or WORKING. */
export interface IComparison {
  from: string;
  to: string;
}

export class HistoryModel {
  constructor(options: { request: ServerRequest; pageSize?: number }) {
    this._request = options.request;
    this._pageSize = options.pageSize ?? 30;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The file whose history is shown, or null (no document open). */
  get path(): string | null {
    return this._path;
  }

  get versions(): readonly IVersion[] {
    return this._versions;
  }

  get status(): HistoryStatus {
    return this._status;
  }

  get error(): string {
    return this._error;
  }

  get hasMore(): boolean {
    return this._next !== null;
  }

  /** Follow another file (the current document); loads its history. */
  setPath(path: string | null): Promise<void> {
    if (path === this._path) {
      return Promise.resolve();
    }
    this._path = path;
    this._versions = [];
    this._next = null;
    this._comparison = null;
    return this.refresh();
  }

  /** Load the newest versions again. */
  refresh(): Promise<void> {
    this._generation += 1;
    if (!this._path) {
      this._status = 'idle';
      this._versions = [];
      this._changed.emit();
      return Promise.resolve();
    }
    return this._load(0, true);
  }

  /** Load older versions. */
  loadMore(): Promise<void> {
    if (this._next === null || !this._path) {
      return Promise.resolve();
    }
    return this._load(Number(this._next), false);
  }

  /** Two versions picked for comparing, or null. */
  get comparison(): IComparison | null {
    return this._comparison;
  }

  /**
   * Compare `commit` with the version before it (or with the working copy
   * when `withWorking`): the older one is `from`.
   */
  compare(commit: string, withWorking = false): IComparison {
    const index = this._versions.findIndex(v => v.commit === commit);
    const comparison = withWorking
      ? { from: commit, to: WORKING }
      : {
          from: this._versions[index + 1]?.commit ?? commit,
          to: commit
        };
    this._comparison = comparison;
    this._changed.emit();
    return comparison;
  }

  /** Compare two chosen versions, older first whatever the order given. */
  compareTwo(a: string, b: string): IComparison {
    const rank = (commit: string) =>
      commit === WORKING
        ? -1
        : this._versions.findIndex(v => v.commit === commit);
    const [from, to] = rank(a) > rank(b) ? [a, b] : [b, a];
    this._comparison = { from, to };
    this._changed.emit();
    return this._comparison;
  }

  /** The diff of the current file between two versions. */
  diff(comparison: IComparison): Promise<IDiffAnswer> {
    const params = new URLSearchParams({
      path: this._path ?? '',
      from: comparison.from,
      to: comparison.to
    });
    return this._request<IDiffAnswer>(`diff?${params.toString()}`);
  }

  /** Snapshot the current file with a message; reloads the versions. */
  async snapshot(message: string): Promise<ISnapshotAnswer> {
    const answer = await this._request<ISnapshotAnswer>('snapshot', {
      method: 'POST',
      body: JSON.stringify({
        message,
        ...(this._path ? { paths: [this._path] } : {})
      })
    });
    await this.refresh();
    return answer;
  }

  /** Restore the current file as it was at `commit` (a new version). */
  async restore(commit: string): Promise<IRestoreAnswer> {
    const answer = await this._request<IRestoreAnswer>('restore', {
      method: 'POST',
      body: JSON.stringify({ path: this._path, commit })
    });
    await this.refresh();
    return answer;
  }

  private async _load(skip: number, replace: boolean): Promise<void> {
    const generation = this._generation;
    const path = this._path!;
    this._status = replace ? 'loading' : this._status;
    this._error = '';
    this._changed.emit();
    const params = new URLSearchParams({
      path,
      limit: String(this._pageSize)
    });
    if (skip) {
      params.set('skip', String(skip));
    }
    try {
      const page = await this._request<IPage<IVersion>>(
        `history?${params.toString()}`
      );
      if (generation !== this._generation) {
        return;
      }
      const items = page?.items ?? [];
      const known = new Set(replace ? [] : this._versions.map(v => v.commit));
      this._versions = [
        ...(replace ? [] : this._versions),
        ...items.filter(v => !known.has(v.commit))
      ];
      this._next = page?.next ?? null;
      this._status = 'ready';
    } catch (reason) {
      if (generation !== this._generation) {
        return;
      }
      this._status = 'error';
      this._error = messageOf(reason);
    }
    this._changed.emit();
  }

  private readonly _request: ServerRequest;
  private readonly _pageSize: number;
  private _path: string | null = null;
  private _versions: IVersion[] = [];
  private _next: string | null = null;
  private _status: HistoryStatus = 'idle';
  private _error = '';
  private _comparison: IComparison | null = null;
  private _generation = 0;
  private readonly _changed = new Signal<this, void>(this);
}

/** The first line of a commit message. */
export function firstLine(message: string): string {
  return message.split('\n')[0] ?? '';
}

/** A commit id as people see it. */
export function shortCommit(commit: string): string {
  return commit === WORKING ? 'working copy' : commit.slice(0, 8);
}
