/**
 * `moiety:activity`: the Activity panel in the left sidebar, and a dot on its
 * tab when people posted or worked since you last looked.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { UnreadMarker } from '../activity/unread';
import type { IActivityContent } from '../activity/view';
import type { IFeedEvent, IPage } from '../api/types';
import { LazySidePanel } from '../common/sidebar';
import { activityIcon } from '../icons';
import {
  IMoietyClient,
  IMoietyLive,
  IMoietyServer,
  IMoietyWorkspace
} from '../tokens';
import { whenIdle } from './idle';

export const ACTIVITY_ID = 'moiety-activity';

export const ActivityCommands = {
  open: 'moiety:open-activity',
  reveal: 'moiety:reveal-event'
} as const;

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export const activityPlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:activity',
  description: 'The Activity panel: the live feed of your projects.',
  autoStart: true,
  requires: [IMoietyClient, IMoietyLive, IMoietyServer, IMoietyWorkspace],
  optional: [ILayoutRestorer, IRenderMimeRegistry, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    client: IMoietyClient,
    live: IMoietyLive,
    server: IMoietyServer,
    workspace: IMoietyWorkspace,
    restorer: ILayoutRestorer | null,
    rendermime: IRenderMimeRegistry | null,
    palette: ICommandPalette | null
  ): void => {
    const unread = new UnreadMarker({ storage: localStorageOrNull() });
    void server.check.then(check => {
      if (check.health?.user) {
        unread.setUser(check.health.user);
      }
    });

    let content: IActivityContent | null = null;
    const panel = new LazySidePanel({
      id: ACTIVITY_ID,
      label: 'Activity',
      icon: activityIcon,
      load: async () => {
        const { createActivityContent } = await import('../activity/view');
        content = createActivityContent({
          client,
          live,
          unread,
          workspace,
          markdownParser: rendermime?.markdownParser ?? null
        });
        return content.widget;
      }
    });
    app.shell.add(panel, 'left', { rank: 150 });
    restorer?.add(panel, ACTIVITY_ID);

    panel.visibilityChanged.connect((_, visible) =>
      visible ? unread.beginViewing() : unread.endViewing()
    );
    const showDot = () => {
      const count = unread.count;
      panel.title.className = count > 0 ? 'jp-mod-moiety-unread' : '';
      panel.title.caption =
        count > 0 ? `Activity: ${count} new since you last looked` : 'Activity';
    };
    unread.changed.connect(showDot);

    void whenIdle(app).then(async () => {
      live.feed.connect((_, event) => unread.observe(event));
      live.connect();
      try {
        const page =
          await client.request<IPage<IFeedEvent>>('api/feed?limit=1');
        const newest = page?.items?.[0];
        if (newest && !unread.user && client.user) {
          unread.setUser(client.user);
        }
        unread.baseline(newest?.id ?? null);
        if (newest) {
          unread.observe(newest);
        }
      } catch (reason) {
        console.warn('Moiety: could not read the feed', reason);
      }
    });

    app.commands.addCommand(ActivityCommands.open, {
      label: 'Open the Activity Panel',
      caption: 'What happens in your projects, live',
      icon: activityIcon,
      execute: () => app.shell.activateById(ACTIVITY_ID)
    });
    app.commands.addCommand(ActivityCommands.reveal, {
      label: 'Show an Activity Event',
      describedBy: {
        args: {
          type: 'object',
          properties: { eventId: { type: 'number' } }
        }
      },
      execute: async args => {
        app.shell.activateById(ACTIVITY_ID);
        await panel.ensureContent();
        const id = Number(args.eventId);
        if (content && Number.isFinite(id)) {
          await content.reveal(id);
        }
      }
    });
    palette?.addItem({ command: ActivityCommands.open, category: 'Moiety' });
  }
};
