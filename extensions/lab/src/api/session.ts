/**
 * Opening a session with the Moiety service through a hidden iframe.
 *
 * JupyterHub sets the `_xsrf` cookie only on navigation requests, so a fetch
 * cannot obtain the service's XSRF token. Loading `<service>/session` in an
 * iframe is a navigation: the hub's OAuth redirects run inside it (no consent
 * page, the service is `oauth_no_confirm`), the service sets its cookies, and
 * the page posts `{type: "moiety:session", xsrf, user}` to this window.
 */
import { MoietyError } from './errors';

/** The message the service's session page posts to its parent window. */
export const SESSION_MESSAGE_TYPE = 'moiety:session';

/** The page that opens a session, relative to the service URL. */
export const SESSION_PAGE = 'session';

/** How long to wait for a session by default (the OAuth dance included). */
export const DEFAULT_SESSION_TIMEOUT = 20000;

/** How long to wait for the message once the session page has loaded. */
export const DEFAULT_LOAD_GRACE = 3000;

/** An open session with the service. */
export interface ISession {
  xsrf: string;
  user: string | null;
}

/** Where and how to open a session. */
export interface IOpenSessionOptions {
  /** The session page's URL. */
  src: string;
  /** The window whose messages are read and whose origin is trusted. */
  window: Window;
  /** The document the iframe is added to. */
  document: Document;
  /** Milliseconds to wait for the message at all. */
  timeout: number;
  /** Milliseconds to wait for the message once the page has loaded. */
  loadGrace: number;
}

/** Whether a value is a well-formed session message. */
function isSessionMessage(
  data: unknown
): data is { type: string; xsrf: string; user?: unknown } {
  if (data === null || typeof data !== 'object') {
    return false;
  }
  const record = data as Record<string, unknown>;
  return (
    record.type === SESSION_MESSAGE_TYPE &&
    typeof record.xsrf === 'string' &&
    record.xsrf.length > 0
  );
}

/**
 * Load the session page in a hidden iframe and resolve with its token.
 *
 * Only a message from this window's own origin whose source is that iframe's
 * window is accepted. The iframe is removed whatever happens.
 *
 * @throws {MoietyError} with code `session` on a time-out.
 */
export function openSession(options: IOpenSessionOptions): Promise<ISession> {
  const { src, window: win, document: doc, timeout, loadGrace } = options;

  return new Promise<ISession>((resolve, reject) => {
    const iframe = doc.createElement('iframe');
    let graceTimer: number | undefined;

    const finish = () => {
      win.removeEventListener('message', onMessage);
      win.clearTimeout(timer);
      win.clearTimeout(graceTimer);
      iframe.remove();
    };
    const fail = (message: string) => {
      finish();
      reject(new MoietyError(0, 'session', message));
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== win.location.origin) {
        return;
      }
      if (!iframe.contentWindow || event.source !== iframe.contentWindow) {
        return;
      }
      if (!isSessionMessage(event.data)) {
        return;
      }
      const user = event.data.user;
      finish();
      resolve({
        xsrf: event.data.xsrf,
        user: typeof user === 'string' ? user : null
      });
    };

    const timer = win.setTimeout(
      () =>
        fail(
          `The Moiety service did not open a session within ${Math.round(
            timeout / 1000
          )} s (${src}). Check that the service is running and that you may use it.`
        ),
      timeout
    );
    // The page posts while it loads; a page that loaded without posting is a
    // login or error page, so do not wait for the full time-out.
    iframe.addEventListener('load', () => {
      win.clearTimeout(graceTimer);
      graceTimer = win.setTimeout(
        () =>
          fail(
            `The Moiety service's session page (${src}) loaded without opening a ` +
              'session. You may have been logged out of the hub: reload this page.'
          ),
        loadGrace
      );
    });

    win.addEventListener('message', onMessage);
    iframe.hidden = true;
    iframe.tabIndex = -1;
    iframe.title = 'Moiety session';
    iframe.setAttribute('aria-hidden', 'true');
    iframe.className = 'jp-moiety-session-frame';
    iframe.src = src;
    doc.body.appendChild(iframe);
  });
}
