/** `moiety:workspace`: where this JupyterLab is in Moiety (IMoietyWorkspace). */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IDocumentManager } from '@jupyterlab/docmanager';

import { IMoietyClient, IMoietyServer, IMoietyWorkspace } from '../tokens';
import { MoietyWorkspace } from '../workspace';

export const workspacePlugin: JupyterFrontEndPlugin<IMoietyWorkspace> = {
  id: 'moiety:workspace',
  description:
    'Where this JupyterLab is in Moiety, and how to open projects and files.',
  autoStart: true,
  requires: [IMoietyClient, IMoietyServer],
  optional: [IDocumentManager],
  provides: IMoietyWorkspace,
  activate: (
    app: JupyterFrontEnd,
    client: IMoietyClient,
    server: IMoietyServer,
    docManager: IDocumentManager | null
  ): IMoietyWorkspace =>
    new MoietyWorkspace({ app, client, server, docManager })
};
