/**
 * `moiety:notifications`: the bell in the top bar with your unread count; a
 * click on a notification opens the thread or the post it is about.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IToolbarWidgetRegistry, Notification } from '@jupyterlab/apputils';

import type { INotification } from '../api/types';
import { cellOf, lineOf, threadOf } from '../common/describe';
import { NotificationBell } from '../notifications/bell';
import { NotificationsModel } from '../notifications/model';
import { IMoietyClient, IMoietyLive, IMoietyWorkspace } from '../tokens';
import { ActivityCommands } from './activity';
import { whenIdle } from './idle';
import { messageOf } from '../api/errors';

/** The bell's name among the top bar's items. */
export const BELL_ITEM = 'moiety-notifications';

export const notificationsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:notifications',
  description: 'The notifications bell: mentions, replies and watched changes.',
  autoStart: true,
  requires: [IMoietyClient, IMoietyLive, IMoietyWorkspace],
  optional: [IToolbarWidgetRegistry],
  activate: (
    app: JupyterFrontEnd,
    client: IMoietyClient,
    live: IMoietyLive,
    workspace: IMoietyWorkspace,
    toolbars: IToolbarWidgetRegistry | null
  ): void => {
    const model = new NotificationsModel(client);
    const open = async (notification: INotification) => {
      const event = notification.event;
      try {
        if (event.path) {
          const thread = notification.thread;
          await workspace.openFile(event.project, event.path, {
            cellId: thread?.cell_id ?? cellOf(event),
            line: thread?.line ?? lineOf(event),
            threadId: thread?.id ?? threadOf(event)
          });
        } else {
          await app.commands.execute(ActivityCommands.reveal, {
            eventId: event.id
          });
        }
      } catch (reason) {
        Notification.error(messageOf(reason), { autoClose: 8000 });
      }
    };
    const bell = new NotificationBell(model, open);
    if (toolbars) {
      // In the top bar's toolbar (schema/notifications.json gives its rank).
      toolbars.addFactory('TopBar', BELL_ITEM, () => bell);
    } else {
      app.shell.add(bell, 'top', { rank: 900 });
    }

    live.notification.connect((_, notification) => model.add(notification));
    void whenIdle(app).then(() => {
      live.connect();
      return model.refresh();
    });
  }
};
