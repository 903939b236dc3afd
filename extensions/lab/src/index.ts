/**
 * The Moiety JupyterLab extension.
 *
 * - `moiety:server` checks this server's Moiety extension (health, version)
 *   and provides IMoietyServer.
 * - `moiety:plugin` provides IMoietyClient, the client of the Moiety service
 *   (its settings are schema/plugin.json).
 * - `moiety:panel` adds the Moiety panel to the left sidebar.
 *
 * Only small modules are imported statically; panel contents and anything
 * heavy are loaded with dynamic import() when first needed.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { MoietyError } from './api/errors';
import { requestAPI } from './api/server';
import {
  DEFAULT_SESSION_TIMEOUT,
  MoietyClient,
  serviceUrlFromHubPrefix
} from './api/service';
import { moietyIcon } from './icons';
import { MoietySidebar, PANEL_ID } from './panel/sidebar';
import { IHealth, IMoietyClient, IMoietyServer, IVersionCheck } from './tokens';
import { checkServerVersion } from './version';

/** Command ids. */
const CommandIDs = {
  openPanel: 'moiety:open-panel'
} as const;

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
  const actions = app.commands.hasCommand(CommandIDs.openPanel)
    ? [
        {
          label: 'Open the Moiety panel',
          callback: () => void app.commands.execute(CommandIDs.openPanel)
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

const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:panel',
  description: 'The Moiety panel in the left sidebar: who you are, your teams.',
  autoStart: true,
  requires: [IMoietyClient, IMoietyServer],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    client: IMoietyClient,
    server: IMoietyServer,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    const sidebar = new MoietySidebar(async () => {
      const { createPanelContent } = await import('./panel/view');
      return createPanelContent(client, server.check);
    });
    app.shell.add(sidebar, 'left', { rank: 850 });
    restorer?.add(sidebar, PANEL_ID);

    app.commands.addCommand(CommandIDs.openPanel, {
      label: 'Open the Moiety Panel',
      caption: 'Show who you are in Moiety, your teams and warnings',
      icon: moietyIcon,
      execute: () => {
        app.shell.activateById(PANEL_ID);
      }
    });
    palette?.addItem({ command: CommandIDs.openPanel, category: 'Moiety' });
  }
};

export default [serverPlugin, clientPlugin, panelPlugin];
