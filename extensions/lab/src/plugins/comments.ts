/**
 * `moiety:comments`: comment threads in a project server. The "Comment"
 * action on the cell toolbar (schema/comments.json) and in the context menus
 * of cells and text editors, badges on cells with threads, and the Comments
 * panel in the right sidebar. Everything but the commands is loaded when the
 * first notebook or text file opens.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import type { IDocumentWidget } from '@jupyterlab/docregistry';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { Widget } from '@lumino/widgets';

import type { CommentsController } from '../comments/controller';
import { LazySidePanel } from '../common/sidebar';
import { commentIcon } from '../icons';
import { whenIdle } from './idle';
import {
  IMoietyClient,
  IMoietyLive,
  IMoietyServer,
  IMoietyWorkspace
} from '../tokens';
import { SHOW_THREAD_COMMAND } from '../workspace';

export const COMMENTS_ID = 'moiety-comments';

export const CommentCommands = {
  cell: 'moiety:comment-cell',
  line: 'moiety:comment-line',
  open: 'moiety:open-comments',
  thread: SHOW_THREAD_COMMAND
} as const;

export const commentsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:comments',
  description: 'Comment threads on cells and lines, in project servers.',
  autoStart: true,
  requires: [IMoietyClient, IMoietyLive, IMoietyServer, IMoietyWorkspace],
  optional: [
    INotebookTracker,
    IEditorTracker,
    ILabShell,
    ILayoutRestorer,
    IRenderMimeRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    client: IMoietyClient,
    live: IMoietyLive,
    server: IMoietyServer,
    workspace: IMoietyWorkspace,
    notebooks: INotebookTracker | null,
    editors: IEditorTracker | null,
    shell: ILabShell | null,
    restorer: ILayoutRestorer | null,
    rendermime: IRenderMimeRegistry | null
  ): void => {
    // The thread a link asked for (`?moiety-thread=`), before routing drops it.
    const askedThread = Number(
      new URLSearchParams(window.location.search).get('moiety-thread')
    );
    let project: string | null = null;
    let user: string | null = null;
    let controller: Promise<CommentsController> | null = null;
    let panel: LazySidePanel | null = null;

    const getController = (): Promise<CommentsController> => {
      if (!controller) {
        controller = import('../comments/controller')
          .then(
            ({ CommentsController }) =>
              new CommentsController({
                client,
                live,
                project: project!,
                user: () => client.user ?? user,
                shell,
                showPanel: () => {
                  if (panel) {
                    app.shell.activateById(panel.id);
                  }
                }
              })
          )
          .then(c => {
            const current = shell?.currentWidget ?? null;
            c.setTarget(current, kindOf(current));
            return c;
          });
      }
      return controller;
    };

    const kindOf = (widget: Widget | null): 'notebook' | 'text' | null => {
      if (widget && notebooks?.has(widget)) {
        return 'notebook';
      }
      if (widget && editors?.has(widget)) {
        return 'text';
      }
      return null;
    };

    const isProject = () => project !== null;

    app.commands.addCommand(CommentCommands.cell, {
      label: 'Comment',
      caption: 'Start a comment thread on this cell',
      icon: commentIcon,
      className: 'jp-cell-all',
      isVisible: isProject,
      isEnabled: () => isProject() && !!notebooks?.activeCell,
      execute: async () => {
        const nb = notebooks?.currentWidget;
        const cell = notebooks?.activeCell;
        if (!nb || !cell) {
          return;
        }
        const index = nb.content.widgets.indexOf(cell);
        const c = await getController();
        c.startDraft(
          { path: nb.context.path, kind: 'notebook', widget: nb },
          { cell_id: cell.model.id },
          `cell ${index + 1}`
        );
      }
    });

    app.commands.addCommand(CommentCommands.line, {
      label: 'Comment on Line',
      caption: 'Start a comment thread on the line of the cursor',
      icon: commentIcon,
      isVisible: isProject,
      isEnabled: () => isProject() && !!editors?.currentWidget,
      execute: async () => {
        const doc = editors?.currentWidget;
        if (!doc) {
          return;
        }
        // The service counts lines from 1, the editor from 0.
        const line = doc.content.editor.getCursorPosition().line + 1;
        const c = await getController();
        c.startDraft(
          {
            path: doc.context.path,
            kind: 'text',
            widget: doc as unknown as IDocumentWidget
          },
          { line },
          `line ${line}`
        );
      }
    });

    app.commands.addCommand(CommentCommands.open, {
      label: 'Open the Comments Panel',
      icon: commentIcon,
      isVisible: isProject,
      execute: () => {
        if (panel) {
          app.shell.activateById(panel.id);
        }
      }
    });

    app.commands.addCommand(CommentCommands.thread, {
      label: 'Show a Comment Thread',
      isVisible: () => false,
      describedBy: {
        args: {
          type: 'object',
          properties: {
            path: { type: 'string' },
            threadId: { type: 'number' }
          }
        }
      },
      execute: async args => {
        if (!isProject()) {
          return;
        }
        const c = await getController();
        c.showThread(String(args.path), Number(args.threadId));
      }
    });

    app.contextMenu.addItem({
      command: CommentCommands.cell,
      selector: '.jp-Notebook .jp-Cell',
      rank: 12
    });
    app.contextMenu.addItem({
      command: CommentCommands.line,
      selector: '.jp-FileEditor',
      rank: 12
    });

    void workspace.project.then(slug => {
      if (!slug) {
        return;
      }
      project = slug;
      void server.check.then(check => (user = check.health?.user ?? null));

      panel = new LazySidePanel({
        id: COMMENTS_ID,
        label: 'Comments',
        icon: commentIcon,
        load: async () => {
          const [c, { createCommentsContent }] = await Promise.all([
            getController(),
            import('../comments/view')
          ]);
          c.setTarget(
            shell?.currentWidget ?? null,
            kindOf(shell?.currentWidget ?? null)
          );
          return createCommentsContent(c, {
            markdownParser: rendermime?.markdownParser ?? null,
            depictions: workspace
          });
        }
      });
      app.shell.add(panel, 'right', { rank: 600 });
      restorer?.add(panel, COMMENTS_ID);

      // Threads and badges come once the notebook is shown and the page idle.
      const attach = (nb: NotebookPanel) =>
        void Promise.all([nb.revealed, whenIdle(app)])
          .then(getController)
          .then(c => c.attachNotebook(nb));
      notebooks?.forEach(attach);
      notebooks?.widgetAdded.connect((_, nb) => attach(nb));

      const follow = (widget: Widget | null) => {
        const kind = kindOf(widget);
        if (controller) {
          void controller.then(c => c.setTarget(widget, kind));
        }
      };
      shell?.currentChanged.connect((_, change) => follow(change.newValue));
      follow(shell?.currentWidget ?? null);

      if (Number.isFinite(askedThread) && askedThread > 0) {
        void app.restored.then(async () => {
          const c = await getController();
          const show = () => {
            if (c.target) {
              c.showThread(c.target.path, askedThread);
              return true;
            }
            return false;
          };
          if (!show()) {
            const once = () => {
              if (show()) {
                c.changed.disconnect(once);
              }
            };
            c.changed.connect(once);
          }
        });
      }
      app.commands.notifyCommandChanged(CommentCommands.cell);
      app.commands.notifyCommandChanged(CommentCommands.line);
    });
  }
};
