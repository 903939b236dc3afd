/**
 * The service's live stream (`api/feed/stream`, Server-Sent Events): one
 * connection per page, shared by the Activity panel, the comments and the
 * notifications bell.
 *
 * EventSource reconnects by itself after a dropped connection (and sends
 * Last-Event-ID). It gives up for good when the service answers with an HTTP
 * error (an expired session, a restart behind the proxy): then this opens a
 * new one, after a growing delay, from a fresh URL that resumes after the last
 * event seen (`after=`).
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { IFeedEvent, INotification } from './types';
import { messageOf } from './errors';

/** The part of EventSource this uses (a fake in tests). */
export interface IEventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** EventSource.CLOSED, without depending on a global in tests. */
const CLOSED = 2;

/** Where the stream stands. */
export type StreamStatus = 'idle' | 'connecting' | 'open' | 'retrying';

export interface ILiveStreamOptions {
  /**
   * The stream's URL, resuming after `after` when given. `attempt` counts the
   * reopenings since the last open connection (0 the first time).
   */
  url: (after: number | null, attempt: number) => Promise<string>;
  /** Creates the EventSource (the browser's by default). */
  create?: (url: string) => IEventSourceLike;
  /** Milliseconds before reopening, by attempt (1, 2, ...). */
  retryDelay?: (attempt: number) => number;
}

/** 1 s, 2 s, 4 s ... up to a minute. */
export function defaultRetryDelay(attempt: number): number {
  return Math.min(60000, 1000 * 2 ** Math.max(0, attempt - 1));
}

export class LiveStream {
  constructor(options: ILiveStreamOptions) {
    this._url = options.url;
    this._create =
      options.create ??
      (url => new EventSource(url) as unknown as IEventSourceLike);
    this._retryDelay = options.retryDelay ?? defaultRetryDelay;
  }

  /** Every feed event, as it arrives. */
  get feed(): ISignal<this, IFeedEvent> {
    return this._feed;
  }

  /** Every notification of the stream's user, as it arrives. */
  get notification(): ISignal<this, INotification> {
    return this._notification;
  }

  /** Emitted when `status` changes. */
  get statusChanged(): ISignal<this, StreamStatus> {
    return this._statusChanged;
  }

  get status(): StreamStatus {
    return this._status;
  }

  /** The last error that made the stream reopen, for the UI. */
  get lastError(): string {
    return this._lastError;
  }

  /** The id of the newest feed event seen. */
  get lastEventId(): number | null {
    return this._lastId;
  }

  /** Open the stream (once; later calls do nothing). */
  connect(): void {
    if (this._status !== 'idle' || this._disposed) {
      return;
    }
    void this._open();
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    clearTimeout(this._timer);
    this._source?.close();
    this._source = null;
    Signal.clearData(this);
  }

  private async _open(): Promise<void> {
    this._setStatus(this._attempt === 0 ? 'connecting' : 'retrying');
    let url: string;
    try {
      url = await this._url(this._lastId, this._attempt);
    } catch (reason) {
      this._lastError = messageOf(reason);
      this._retry();
      return;
    }
    if (this._disposed) {
      return;
    }
    const source = this._create(url);
    this._source = source;
    source.onopen = () => {
      this._attempt = 0;
      this._lastError = '';
      this._setStatus('open');
    };
    source.onerror = () => {
      if (this._source !== source) {
        return;
      }
      if (source.readyState === CLOSED) {
        // The browser gave up (an HTTP error): open a new one ourselves.
        source.close();
        this._source = null;
        this._lastError = 'The live stream was refused; reconnecting.';
        this._retry();
      } else {
        this._setStatus('retrying');
      }
    };
    source.addEventListener('feed', message => this._onFeed(message));
    source.addEventListener('notification', message =>
      this._onNotification(message)
    );
  }

  private _retry(): void {
    if (this._disposed) {
      return;
    }
    this._attempt += 1;
    this._setStatus('retrying');
    this._timer = setTimeout(
      () => void this._open(),
      this._retryDelay(this._attempt)
    );
  }

  private _onFeed(message: MessageEvent): void {
    const event = parse<IFeedEvent>(message.data);
    if (!event || typeof event.id !== 'number') {
      return;
    }
    if (this._lastId === null || event.id > this._lastId) {
      this._lastId = event.id;
    }
    this._feed.emit(event);
  }

  private _onNotification(message: MessageEvent): void {
    const notification = parse<INotification>(message.data);
    if (notification && typeof notification.id === 'number') {
      this._notification.emit(notification);
    }
  }

  private _setStatus(status: StreamStatus): void {
    if (this._status !== status) {
      this._status = status;
      this._statusChanged.emit(status);
    }
  }

  private readonly _url: ILiveStreamOptions['url'];
  private readonly _create: (url: string) => IEventSourceLike;
  private readonly _retryDelay: (attempt: number) => number;
  private _source: IEventSourceLike | null = null;
  private _status: StreamStatus = 'idle';
  private _attempt = 0;
  private _lastId: number | null = null;
  private _lastError = '';
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _disposed = false;
  private readonly _feed = new Signal<this, IFeedEvent>(this);
  private readonly _notification = new Signal<this, INotification>(this);
  private readonly _statusChanged = new Signal<this, StreamStatus>(this);
}

function parse<T>(data: unknown): T | null {
  if (typeof data !== 'string') {
    return null;
  }
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' ? (value as T) : null;
  } catch {
    return null;
  }
}
