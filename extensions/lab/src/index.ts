/**
 * The Moiety JupyterLab extension.
 *
 * - `moiety:server` checks this server's Moiety extension (health, version)
 *   and provides IMoietyServer.
 * - `moiety:plugin` provides IMoietyClient, the client of the Moiety service
 *   (its settings are schema/plugin.json).
 * - `moiety:live` provides IMoietyLive, the page's one live stream.
 * - `moiety:workspace` provides IMoietyWorkspace (this server's project,
 *   opening projects and files).
 * - `moiety:activity`, `moiety:projects`: the Activity and Projects panels
 *   (left sidebar).
 * - `moiety:comments`, `moiety:history`: the Comments and History panels
 *   (right sidebar, project servers only), with cell badges and commands.
 * - `moiety:notifications`: the bell in the top bar.
 * - `moiety:presence`: who else is in this project server (top bar).
 * - `moiety:digest`: the Digest panel (left sidebar), for team leads and
 *   admins only: a team's week at a glance, with a chart of activity.
 *
 * Only small modules are imported statically; panel contents and anything
 * heavy are loaded with dynamic import() when first needed.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { MoietyError } from './api/errors';
import { requestAPI } from './api/server';
import {
  DEFAULT_SESSION_TIMEOUT,
  MoietyClient,
  serviceUrlFromHubPrefix
} from './api/service';
import { activityPlugin } from './plugins/activity';
import { commentsPlugin } from './plugins/comments';
import { digestPlugin } from './plugins/digest';
import { historyPlugin } from './plugins/history';
import { livePlugin } from './plugins/live';
import { notificationsPlugin } from './plugins/notifications';
import { presencePlugin } from './plugins/presence';
import { OPEN_PANEL_COMMAND, projectsPlugin } from './plugins/projects';
import { workspacePlugin } from './plugins/workspace';
import { IHealth, IMoietyClient, IMoietyServer, IVersionCheck } from './tokens';
import { checkServerVersion } from './version';

const serverPlugin: JupyterFrontEndPlugin<IMoietyServer> = {
  id: 'moiety:server',
  description:
    "Checks that this server's Moiety extension matches the frontend.",
  autoStart: true,
  provides: IMoietyServer,
  activate: (app: JupyterFrontEnd): IMoietyServer => {
    const check = checkServerVersion(() => requestAPI<IHealth>('health'));
    // Notify once the shell is restored: earlier, the toast layer may not
    // listen yet and the warning would only land in the notification list.
    void Promise.all([check, app.restored]).then(([result]) =>
      notifyVersionProblem(app, result)
    );
    return { check };
  }
};

/** A persistent notification when the server extension is missing or differs. */
function notifyVersionProblem(
  app: JupyterFrontEnd,
  check: IVersionCheck
): void {
  if (check.status === 'ok') {
    return;
  }
  console.warn(`Moiety: ${check.message}`);
  const actions = app.commands.hasCommand(OPEN_PANEL_COMMAND)
    ? [
        {
          label: 'Open the Projects panel',
          callback: () => void app.commands.execute(OPEN_PANEL_COMMAND)
        }
      ]
    : [];
  Notification.warning(check.message, { autoClose: false, actions });
}

const clientPlugin: JupyterFrontEndPlugin<IMoietyClient> = {
  id: 'moiety:plugin',
  description: 'The client of the Moiety service (sessions, requests, events).',
  autoStart: true,
  requires: [IMoietyServer],
  optional: [ISettingRegistry],
  provides: IMoietyClient,
  activate: (
    app: JupyterFrontEnd,
    server: IMoietyServer,
    settingRegistry: ISettingRegistry | null
  ): IMoietyClient => {
    const settings = settingRegistry
      ? settingRegistry.load(clientPlugin.id).catch(reason => {
          console.warn('Moiety: could not load the settings.', reason);
          return null;
        })
      : Promise.resolve(null);

    const serviceUrl = (async () => {
      const override = (await settings)?.composite.serviceUrl;
      if (typeof override === 'string' && override) {
        return override;
      }
      const check = await server.check;
      if (check.health?.service_url) {
        return check.health.service_url;
      }
      const fromHub = serviceUrlFromHubPrefix(
        PageConfig.getOption('hubPrefix')
      );
      if (fromHub) {
        return fromHub;
      }
      throw new MoietyError(
        0,
        'no-service',
        'This JupyterLab does not run under a JupyterHub, so it has no Moiety ' +
          'service: start it through the hub, or set "serviceUrl" in the Moiety settings.'
      );
    })();

    const client = new MoietyClient({ serviceUrl });
    void settings.then(loaded => {
      if (!loaded) {
        return;
      }
      const apply = () => {
        const timeout = loaded.composite.sessionTimeout;
        client.sessionTimeout =
          typeof timeout === 'number' ? timeout : DEFAULT_SESSION_TIMEOUT;
      };
      apply();
      loaded.changed.connect(apply);
    });
    return client;
  }
};

export default [
  serverPlugin,
  clientPlugin,
  livePlugin,
  workspacePlugin,
  activityPlugin,
  projectsPlugin,
  commentsPlugin,
  historyPlugin,
  notificationsPlugin,
  presencePlugin,
  digestPlugin
];
