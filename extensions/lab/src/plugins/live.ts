/** `moiety:live`: the one live stream of the page (IMoietyLive). */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { LiveStream } from '../api/stream';
import { IMoietyClient, IMoietyLive } from '../tokens';

export const livePlugin: JupyterFrontEndPlugin<IMoietyLive> = {
  id: 'moiety:live',
  description: "The Moiety service's live stream (feed events, notifications).",
  autoStart: true,
  requires: [IMoietyClient],
  provides: IMoietyLive,
  activate: (app: JupyterFrontEnd, client: IMoietyClient): IMoietyLive =>
    new LiveStream({
      url: (after, attempt) => {
        // A stream refused twice in a row may hold an expired session token.
        if (attempt >= 2) {
          client.resetSession();
        }
        return client.eventSourceUrl(
          'api/feed/stream',
          after !== null ? { after: String(after) } : {}
        );
      }
    })
};
