/**
 * `moiety:presence`: in a project server, who else is there now (the top
 * bar), from the collaboration's global awareness.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IGlobalAwareness } from '@jupyter/collaborative-drive';

import { IAwarenessLike, PresenceIndicator } from '../presence/widget';
import { IMoietyWorkspace } from '../tokens';

export const presencePlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:presence',
  description: 'Who else is in this project server now.',
  autoStart: true,
  requires: [IMoietyWorkspace],
  optional: [IGlobalAwareness],
  activate: (
    app: JupyterFrontEnd,
    workspace: IMoietyWorkspace,
    awareness: unknown
  ): void => {
    if (!awareness) {
      return;
    }
    void workspace.project.then(slug => {
      if (slug) {
        const indicator = new PresenceIndicator(awareness as IAwarenessLike);
        app.shell.add(indicator, 'top', { rank: 890 });
      }
    });
  }
};
