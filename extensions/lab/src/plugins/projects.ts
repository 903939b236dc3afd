/**
 * `moiety:projects`: the Projects panel in the left sidebar (who you are, your
 * projects, opening and creating them). `moiety:open-panel` shows it.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { LazySidePanel } from '../common/sidebar';
import { moietyIcon } from '../icons';
import { IMoietyClient, IMoietyServer, IMoietyWorkspace } from '../tokens';
import type { MoietyWorkspace } from '../workspace';

export const PROJECTS_ID = 'moiety-projects';

/** Shows the Projects panel (also offered by the version warning). */
export const OPEN_PANEL_COMMAND = 'moiety:open-panel';

export const projectsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:projects',
  description: 'The Projects panel: your projects, opening and creating them.',
  autoStart: true,
  requires: [IMoietyClient, IMoietyServer, IMoietyWorkspace],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    client: IMoietyClient,
    server: IMoietyServer,
    workspace: IMoietyWorkspace,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    const panel = new LazySidePanel({
      id: PROJECTS_ID,
      label: 'Projects',
      icon: moietyIcon,
      load: async () => {
        const { createProjectsContent } = await import('../projects/view');
        return createProjectsContent({
          client,
          versionCheck: server.check,
          workspace: workspace as MoietyWorkspace
        });
      }
    });
    app.shell.add(panel, 'left', { rank: 160 });
    restorer?.add(panel, PROJECTS_ID);

    app.commands.addCommand(OPEN_PANEL_COMMAND, {
      label: 'Open the Projects Panel',
      caption: 'Your Moiety projects, who you are, and warnings',
      icon: moietyIcon,
      execute: () => app.shell.activateById(PROJECTS_ID)
    });
    palette?.addItem({ command: OPEN_PANEL_COMMAND, category: 'Moiety' });
  }
};
