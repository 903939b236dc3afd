/**
 * `moiety:history`: the History panel of the current file in the right
 * sidebar of a project server (versions, snapshot, diff, restore).
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { historyIcon } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';

import { requestAPI } from '../api/server';
import { LazySidePanel } from '../common/sidebar';
import type { HistoryModel } from '../history/model';
import { IMoietyWorkspace } from '../tokens';

export const HISTORY_ID = 'moiety-history';

export const historyPlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:history',
  description: 'The History panel: versions of the current file.',
  autoStart: true,
  requires: [IMoietyWorkspace],
  optional: [ILabShell, IDocumentManager, ILayoutRestorer, IRenderMimeRegistry],
  activate: (
    app: JupyterFrontEnd,
    workspace: IMoietyWorkspace,
    shell: ILabShell | null,
    docManager: IDocumentManager | null,
    restorer: ILayoutRestorer | null,
    rendermime: IRenderMimeRegistry | null
  ): void => {
    void workspace.project.then(slug => {
      if (!slug) {
        return;
      }
      let model: HistoryModel | null = null;
      const pathOf = (widget: Widget | null): string | null =>
        (widget && docManager?.contextForWidget(widget)?.path) || null;
      let current = pathOf(shell?.currentWidget ?? null);

      const panel = new LazySidePanel({
        id: HISTORY_ID,
        label: 'History',
        icon: historyIcon,
        load: async () => {
          const { createHistoryContent } = await import('../history/view');
          const content = createHistoryContent({
            request: requestAPI,
            openDiff: async (m, comparison) => {
              const [answer, { createDiffWidget }] = await Promise.all([
                m.diff(comparison),
                import('../history/diff')
              ]);
              const widget = await createDiffWidget(answer, rendermime, {
                depictions: workspace
              });
              const existing = Array.from(app.shell.widgets('main')).find(
                w => w.id === widget.id
              );
              existing?.dispose();
              app.shell.add(widget, 'main', { mode: 'split-right' });
              app.shell.activateById(widget.id);
            }
          });
          model = content.model;
          void model.setPath(current);
          return content.widget;
        }
      });
      app.shell.add(panel, 'right', { rank: 650 });
      restorer?.add(panel, HISTORY_ID);

      shell?.currentChanged.connect((_, change) => {
        const path = pathOf(change.newValue);
        // Diff views and other widgets without a file keep the last file.
        if (path) {
          current = path;
          void model?.setPath(path);
        }
      });
    });
  }
};
