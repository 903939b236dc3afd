/**
 * Work that is not needed to show the page (opening the live stream,
 * fetching unread counts) waits until JupyterLab is restored and the browser
 * is idle, so that it never delays opening a notebook.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';

export function whenIdle(app: JupyterFrontEnd): Promise<void> {
  return app.restored.then(
    () =>
      new Promise<void>(resolve => {
        if (typeof window.requestIdleCallback === 'function') {
          window.requestIdleCallback(() => resolve(), { timeout: 3000 });
        } else {
          setTimeout(resolve, 500);
        }
      })
  );
}
