/**
 * The client of the hub-managed Moiety service: a session (see session.ts)
 * whose XSRF token, kept in memory only, goes with every request as
 * `X-XSRFToken`, along with the service's same-origin cookies.
 *
 * The window, document and fetch are injected so that all of this is unit
 * tested without a browser.
 */
import type { IMoietyClient } from '../tokens';
import { MoietyError, parseErrorBody, parseJsonAnswer } from './errors';
import {
  DEFAULT_LOAD_GRACE,
  DEFAULT_SESSION_TIMEOUT,
  ISession,
  SESSION_PAGE,
  openSession
} from './session';

export { DEFAULT_SESSION_TIMEOUT } from './session';

/** Options of the Moiety service client. */
export interface IMoietyClientOptions {
  /** The service URL (absolute path on this origin), or a promise of it. */
  serviceUrl: string | PromiseLike<string>;
  /** The window whose messages are read and whose origin is trusted. */
  window?: Window;
  /** The document the session iframe is added to. */
  document?: Document;
  /** The fetch used for requests. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Milliseconds to wait for a session before giving up. */
  sessionTimeout?: number;
  /** Milliseconds to wait for the message after the session page loaded. */
  loadGrace?: number;
}

/** The service URL with exactly one trailing slash. */
function normalizeServiceUrl(url: string): string {
  return url.replace(/\/*$/, '/');
}

/**
 * The service URL derived from the hub's prefix (PageConfig `hubPrefix`,
 * e.g. `/hub/` or `/base/hub/`), or null outside a hub.
 */
export function serviceUrlFromHubPrefix(
  hubPrefix: string | null | undefined
): string | null {
  if (!hubPrefix || !/(^|\/)hub\/?$/.test(hubPrefix)) {
    return null;
  }
  return hubPrefix.replace(/hub\/?$/, 'services/moiety/');
}

/** The service client: sessions through a hidden iframe, then plain fetch. */
export class MoietyClient implements IMoietyClient {
  constructor(options: IMoietyClientOptions) {
    this._window = options.window ?? window;
    this._document = options.document ?? this._window.document;
    const win = this._window;
    this._fetch = options.fetch ?? ((input, init) => win.fetch(input, init));
    this.sessionTimeout = options.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT;
    this.loadGrace = options.loadGrace ?? DEFAULT_LOAD_GRACE;
    this.serviceUrl = Promise.resolve(options.serviceUrl).then(
      normalizeServiceUrl
    );
    // A rejected service URL surfaces on each request; do not report it twice.
    this.serviceUrl.catch(() => undefined);
  }

  /** The service URL, ending in `/`. */
  readonly serviceUrl: Promise<string>;

  /** Milliseconds to wait for a session (settings may change it). */
  sessionTimeout: number;

  /** Milliseconds to wait for the message once the session page loaded. */
  loadGrace: number;

  /** The user of the current session, once one is open. */
  get user(): string | null {
    return this._user;
  }

  /** Send a request and parse its JSON answer (undefined when empty). */
  async request<T>(endpoint: string, init: RequestInit = {}): Promise<T> {
    const response = await this.fetch(endpoint, init);
    return parseJsonAnswer<T>(
      response.status,
      await response.text(),
      'The Moiety service',
      endpoint
    );
  }

  /**
   * Send a request with the session's token. Opens a session first if there
   * is none; reopens it once, and retries once, when the service answers that
   * the session is gone or the session page timed out.
   */
  async fetch(endpoint: string, init: RequestInit = {}): Promise<Response> {
    const url = (await this.serviceUrl) + endpoint.replace(/^\/+/, '');
    let reopened = false;

    let pending = this._ensureSession();
    let session: ISession;
    try {
      session = await pending;
    } catch (reason) {
      if (!(reason instanceof MoietyError && reason.code === 'session')) {
        throw reason;
      }
      reopened = true;
      pending = this._reopenSession(pending);
      session = await pending;
    }

    let response = await this._send(url, init, session);
    if (response.status === 401 || response.status === 403) {
      const text = await response.text();
      if (reopened || parseErrorBody(text)?.error !== 'session') {
        throw MoietyError.fromResponse(response, text, 'The Moiety service');
      }
      session = await this._reopenSession(pending);
      response = await this._send(url, init, session);
    }
    if (!response.ok) {
      throw MoietyError.fromResponse(
        response,
        await response.text(),
        'The Moiety service'
      );
    }
    return response;
  }

  /** A Server-Sent Events URL carrying the token as `_xsrf`. */
  async eventSourceUrl(
    endpoint: string,
    query: Record<string, string | string[]> = {}
  ): Promise<string> {
    const base = await this.serviceUrl;
    const session = await this._ensureSession();
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        params.append(key, item);
      }
    }
    params.set('_xsrf', session.xsrf);
    return `${base}${endpoint.replace(/^\/+/, '')}?${params.toString()}`;
  }

  /** Forget the session; the next request opens a new one. */
  resetSession(): void {
    this._session = null;
    this._user = null;
  }

  /** The current session, opening one if needed (shared by concurrent calls). */
  private _ensureSession(): Promise<ISession> {
    if (!this._session) {
      this._session = this._openSession();
      // A failed opening is not kept: the next call tries again.
      const opening = this._session;
      opening.catch(() => {
        if (this._session === opening) {
          this._session = null;
        }
      });
    }
    return this._session;
  }

  /** Replace a stale session, unless a concurrent call already did. */
  private _reopenSession(stale: Promise<ISession>): Promise<ISession> {
    if (this._session === stale) {
      this._session = null;
    }
    return this._ensureSession();
  }

  /** Open a session through the session page and remember its user. */
  private async _openSession(): Promise<ISession> {
    const session = await openSession({
      src: (await this.serviceUrl) + SESSION_PAGE,
      window: this._window,
      document: this._document,
      timeout: this.sessionTimeout,
      loadGrace: this.loadGrace
    });
    this._user = session.user;
    return session;
  }

  /** One request with the token and the same-origin cookies. */
  private async _send(
    url: string,
    init: RequestInit,
    session: ISession
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('X-XSRFToken', session.xsrf);
    if (typeof init.body === 'string' && !headers.has('Content-Type')) {
      headers.set('Content-Type', 'application/json');
    }
    try {
      return await this._fetch(url, {
        ...init,
        headers,
        credentials: 'same-origin'
      });
    } catch (reason) {
      throw new MoietyError(
        0,
        'network',
        `Could not reach the Moiety service at ${url} (${String(reason)}).`
      );
    }
  }

  private readonly _window: Window;
  private readonly _document: Document;
  private readonly _fetch: (
    input: string,
    init: RequestInit
  ) => Promise<Response>;
  private _session: Promise<ISession> | null = null;
  private _user: string | null = null;
}
