/**
 * Work that is not needed to show the page (opening the live stream and the
 * service session, fetching unread counts, comment threads) waits until
 * JupyterLab is restored, the documents it opens have loaded and are shown,
 * and the browser is idle: it never competes with opening a notebook.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { Widget } from '@lumino/widgets';

/** The longest a document may keep background work waiting. */
const MAX_DOCUMENT_WAIT = 20_000;

function idle(timeout: number): Promise<void> {
  return new Promise<void>(resolve => {
    if (typeof window.requestIdleCallback === 'function') {
      window.requestIdleCallback(() => resolve(), { timeout });
    } else {
      setTimeout(resolve, Math.min(timeout, 500));
    }
  });
}

/**
 * Resolves once the browser has had `count` idle periods in a row with room
 * to spare (not merely a gap between two rendering tasks), or after `timeout`.
 */
function settled(count: number, timeout: number): Promise<void> {
  if (typeof window.requestIdleCallback !== 'function') {
    return idle(timeout);
  }
  return new Promise<void>(resolve => {
    const giveUp = setTimeout(resolve, timeout);
    let calm = 0;
    const check = (deadline: IdleDeadline) => {
      calm = deadline.timeRemaining() >= 40 ? calm + 1 : 0;
      if (calm >= count) {
        clearTimeout(giveUp);
        resolve();
      } else {
        window.requestIdleCallback(check);
      }
    };
    window.requestIdleCallback(check);
  });
}

function frame(): Promise<void> {
  return new Promise<void>(resolve => requestAnimationFrame(() => resolve()));
}

/** A document widget's loading, as far as the shell can tell. */
interface ILoading {
  context?: { ready?: Promise<void> };
  revealed?: Promise<void>;
}

/** Resolves once the documents now in the main area are loaded and shown. */
export async function documentsShown(app: JupyterFrontEnd): Promise<void> {
  const loading = Array.from(app.shell.widgets('main')).flatMap(
    (widget: Widget) => {
      const doc = widget as unknown as ILoading;
      return [doc.context?.ready, doc.revealed].filter(
        (p): p is Promise<void> => !!p
      );
    }
  );
  const cap = new Promise<void>(resolve =>
    setTimeout(resolve, MAX_DOCUMENT_WAIT)
  );
  await Promise.race([Promise.allSettled(loading), cap]);
}

let shared: Promise<void> | null = null;

/** Restored, documents shown, then an idle moment (shared by all plugins). */
export function whenIdle(app: JupyterFrontEnd): Promise<void> {
  if (!shared) {
    shared = app.restored
      .then(frame)
      .then(() => idle(2000))
      .then(() => documentsShown(app))
      .then(() => settled(5, 10_000));
  }
  return shared;
}
