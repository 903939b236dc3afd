/**
 * `moiety:presence`: in a project server, who else is there now (the top
 * bar), from the collaboration's global awareness.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import { IGlobalAwareness } from '@jupyter/collaborative-drive';

import { IAwarenessLike, PresenceIndicator } from '../presence/widget';
import { IMoietyWorkspace } from '../tokens';

/** The indicator's name among the top bar's items. */
export const PRESENCE_ITEM = 'moiety-presence';

export const presencePlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:presence',
  description: 'Who else is in this project server now.',
  autoStart: true,
  requires: [IMoietyWorkspace],
  optional: [IGlobalAwareness, IToolbarWidgetRegistry],
  activate: (
    app: JupyterFrontEnd,
    workspace: IMoietyWorkspace,
    awareness: unknown,
    toolbars: IToolbarWidgetRegistry | null
  ): void => {
    if (!awareness) {
      return;
    }
    const indicator = new PresenceIndicator(awareness as IAwarenessLike);
    // Shown in project servers only: a personal server is yours alone.
    indicator.hide();
    void workspace.project.then(slug => {
      if (slug) {
        indicator.show();
      }
    });
    if (toolbars) {
      toolbars.addFactory('TopBar', PRESENCE_ITEM, () => indicator);
    } else {
      app.shell.add(indicator, 'top', { rank: 890 });
    }
  }
};
