/**
 * The Moiety panel's content. Loaded on demand (dynamic import) the first
 * time the panel is shown, so it stays out of the startup bundle.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { IMe, IMoietyClient, IVersionCheck } from '../tokens';
import { MoietyPanelModel } from './model';

/** Build the panel content for a client and the version check. */
export function createPanelContent(
  client: IMoietyClient,
  versionCheck: Promise<IVersionCheck>
): Widget {
  const model = new MoietyPanelModel(client, versionCheck);
  void model.refresh();
  const widget = ReactWidget.create(
    <UseSignal signal={model.changed}>
      {() => <PanelBody model={model} />}
    </UseSignal>
  );
  widget.addClass('jp-MoietyPanel-content');
  return widget;
}

function PanelBody({ model }: { model: MoietyPanelModel }): JSX.Element {
  const check = model.versionCheck;
  const me = model.me;
  return (
    <>
      {check && check.status !== 'ok' && <VersionWarning check={check} />}
      <section className="jp-MoietyPanel-section" aria-labelledby="moiety-me">
        <h3 id="moiety-me" className="jp-MoietyPanel-heading">
          You
        </h3>
        {me.kind === 'loading' && (
          <p className="jp-MoietyPanel-muted" role="status" aria-live="polite">
            Connecting to the Moiety service…
          </p>
        )}
        {me.kind === 'ready' && <MeView me={me.me} />}
        {me.kind === 'error' && (
          <div className="jp-MoietyPanel-error" role="alert">
            <p data-testid="moiety-me-error">
              <WithCode text={me.message} />
            </p>
            <button
              type="button"
              className="jp-mod-styled jp-mod-accept"
              data-testid="moiety-me-retry"
              onClick={() => void model.refresh()}
            >
              Retry
            </button>
          </div>
        )}
        {check?.health?.server_kind === 'project' && check.health.project && (
          <p
            className="jp-MoietyPanel-muted"
            data-testid="moiety-server-project"
          >
            This is the shared server of project{' '}
            <strong>{check.health.project}</strong>.
          </p>
        )}
      </section>
    </>
  );
}

const WARNING_TITLES: Record<string, string> = {
  missing: 'Moiety server extension missing',
  mismatch: 'Moiety versions do not match',
  unreachable: 'Moiety server extension not answering'
};

function VersionWarning({ check }: { check: IVersionCheck }): JSX.Element {
  return (
    <div
      className="jp-MoietyPanel-warning"
      role="alert"
      data-testid="moiety-version-warning"
      data-status={check.status}
    >
      <strong>{WARNING_TITLES[check.status]}</strong>
      <p>
        <WithCode text={check.message} />
      </p>
    </div>
  );
}

/** Text whose `backticked` parts (commands) are shown as code. */
function WithCode({ text }: { text: string }): JSX.Element {
  return (
    <>
      {text
        .split('`')
        .map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}
    </>
  );
}

function MeView({ me }: { me: IMe }): JSX.Element {
  return (
    <>
      <p data-testid="moiety-me-name">
        Signed in as <strong>{me.name}</strong>
      </p>
      {me.teams.length > 0 ? (
        <ul
          className="jp-MoietyPanel-chips"
          aria-label="Your teams"
          data-testid="moiety-me-teams"
        >
          {me.teams.map(team => (
            <li key={team} className="jp-MoietyPanel-chip">
              {team}
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-MoietyPanel-muted" data-testid="moiety-me-teams">
          You are not in a team yet: ask a hub admin to add you to one.
        </p>
      )}
      {me.lead_of.length > 0 && (
        <p data-testid="moiety-me-lead">Lead of {me.lead_of.join(', ')}</p>
      )}
      {me.admin && <p data-testid="moiety-me-admin">Hub admin</p>}
    </>
  );
}
