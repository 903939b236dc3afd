/**
 * `moiety:digest`: the Digest panel in the left sidebar, for team leads and
 * admins only: a team's week at a glance. Once the page is idle, the service
 * says who you are; only a lead or an admin then gets the panel and the
 * `moiety:open-digest` command in the palette. Anyone else who runs the
 * command is told why there is no digest for them.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';

import { LazySidePanel } from '../common/sidebar';
import {
  type IMe,
  IMoietyClient,
  IMoietyLive,
  IMoietyWorkspace
} from '../tokens';
import { ActivityCommands } from './activity';
import { whenIdle } from './idle';

export const DIGEST_ID = 'moiety-digest';

export const DigestCommands = { open: 'moiety:open-digest' } as const;

/** Bars of a chart: a team's week. */
export const digestIcon = new LabIcon({
  name: 'moiety:digest',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M3 19h18v2H3zM5 11h3v7H5zm5.5-6h3v13h-3zM16 8h3v10h-3z"/></svg>'
});

const NOT_A_LEAD =
  'The Digest is for team leads and admins, and you lead no team. ' +
  "Ask your team's lead or an admin for the digest, or to make you a lead.";

export const digestPlugin: JupyterFrontEndPlugin<void> = {
  id: 'moiety:digest',
  description: "The Digest panel: a team's week at a glance, for its leads.",
  autoStart: true,
  requires: [IMoietyClient, IMoietyLive, IMoietyWorkspace],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    client: IMoietyClient,
    live: IMoietyLive,
    workspace: IMoietyWorkspace,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    /** Whether you may read digests: null until the service said. */
    let allowed: boolean | null = null;

    app.commands.addCommand(DigestCommands.open, {
      label: 'Open the Digest',
      caption: "Your teams' week at a glance (leads and admins)",
      icon: digestIcon,
      isVisible: () => allowed === true,
      execute: () => {
        if (allowed) {
          app.shell.activateById(DIGEST_ID);
        } else {
          Notification.info(
            allowed === false
              ? NOT_A_LEAD
              : 'Moiety is still asking the service which teams you lead; try again in a moment.',
            { autoClose: 8000 }
          );
        }
      }
    });
    palette?.addItem({ command: DigestCommands.open, category: 'Moiety' });

    void whenIdle(app).then(async () => {
      let me: IMe;
      try {
        me = await client.request<IMe>('api/me');
      } catch (reason) {
        console.warn('Moiety: could not learn which teams you lead', reason);
        return;
      }
      allowed = me.admin || me.lead_of.length > 0;
      app.commands.notifyCommandChanged(DigestCommands.open);
      if (!allowed) {
        return;
      }
      const panel = new LazySidePanel({
        id: DIGEST_ID,
        label: 'Digest',
        icon: digestIcon,
        load: async () => {
          const { createDigestContent } = await import('../digest/view');
          return createDigestContent({
            client,
            live,
            workspace,
            revealPost: async eventId => {
              await app.commands.execute(ActivityCommands.reveal, { eventId });
            }
          }).widget;
        }
      });
      app.shell.add(panel, 'left', { rank: 170 });
      restorer?.add(panel, DIGEST_ID);
    });
  }
};
