/**
 * The Projects panel's content: who you are (teams, lead, admin, warnings),
 * your projects with their teams and who is in them, opening a project (its
 * server started if needed) and creating one. Loaded on first show.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { IProject } from '../api/types';
import {
  EmptyState,
  ErrorNotice,
  Status,
  useSignal
} from '../common/components';
import { MoietyPanelModel } from '../panel/model';
import type { IMe, IMoietyClient, IVersionCheck } from '../tokens';
import { openPlaceholderTab, type MoietyWorkspace } from '../workspace';
import { WatchesModel } from '../notifications/watches';
import { createProjectDialog } from './dialog';
import type { ProjectsModel } from './model';

export interface IProjectsOptions {
  client: IMoietyClient;
  versionCheck: Promise<IVersionCheck>;
  workspace: MoietyWorkspace;
}

/** Build the Projects panel's content. */
export async function createProjectsContent(
  options: IProjectsOptions
): Promise<Widget> {
  const model = await options.workspace.model();
  const me = new MoietyPanelModel(options.client, options.versionCheck);
  void me.refresh();
  const watches = new WatchesModel(options.client);
  void watches.load();
  void model.list().catch(() => undefined);
  const widget = ReactWidget.create(
    <ProjectsView
      me={me}
      model={model}
      watches={watches}
      workspace={options.workspace}
    />
  );
  widget.addClass('jp-MoietyProjects');
  return widget;
}

function ProjectsView({
  me,
  model,
  watches,
  workspace
}: {
  me: MoietyPanelModel;
  model: ProjectsModel;
  watches: WatchesModel;
  workspace: MoietyWorkspace;
}): JSX.Element {
  useSignal(me.changed);
  useSignal(model.changed);
  useSignal(watches.changed);
  const person = me.me.kind === 'ready' ? me.me.me : null;
  const canCreate = !!person && (person.admin || person.lead_of.length > 0);
  const [created, setCreated] = React.useState('');
  const create = async () => {
    if (!person) {
      return;
    }
    const teams = person.admin
      ? [...new Set([...person.lead_of, ...person.teams])]
      : person.lead_of;
    const project = await createProjectDialog(model, teams, person.admin);
    if (project) {
      setCreated(`Project ${project.title} created.`);
    }
  };
  return (
    <>
      <YouSection model={me} here={workspace.projectNow} />
      <section
        className="jp-MoietySection"
        aria-labelledby="moiety-projects-heading"
      >
        <div className="jp-MoietySection-heading">
          <h3 id="moiety-projects-heading">Your projects</h3>
          <div className="jp-MoietySection-actions">
            <button
              type="button"
              className="jp-mod-styled jp-mod-reject"
              onClick={() => void model.refresh().catch(() => undefined)}
            >
              Refresh
            </button>
            {canCreate && (
              <button
                type="button"
                className="jp-mod-styled jp-mod-accept"
                data-testid="moiety-new-project"
                onClick={() => void create()}
              >
                New project
              </button>
            )}
          </div>
        </div>
        {created && <Status>{created}</Status>}
        {watches.error && <ErrorNotice message={watches.error} />}
        <ProjectList
          model={model}
          watches={watches}
          workspace={workspace}
          canCreate={canCreate}
        />
      </section>
    </>
  );
}

function ProjectList({
  model,
  watches,
  workspace,
  canCreate
}: {
  model: ProjectsModel;
  watches: WatchesModel;
  workspace: MoietyWorkspace;
  canCreate: boolean;
}): JSX.Element {
  if (model.status === 'loading' || model.status === 'idle') {
    return <Status>Loading your projects…</Status>;
  }
  if (model.status === 'error') {
    return (
      <ErrorNotice
        message={model.error}
        onRetry={() => void model.refresh().catch(() => undefined)}
        testId="moiety-projects-error"
      />
    );
  }
  if (!model.items.length) {
    return (
      <EmptyState
        title="You are in no project yet."
        testId="moiety-projects-empty"
      >
        {canCreate
          ? 'Create the first project of your team with New project.'
          : "Projects belong to teams: ask your team's lead to create one, or a hub admin to add you to a team."}
      </EmptyState>
    );
  }
  return (
    <ul className="jp-MoietyProjectList" aria-label="Your projects">
      {model.items.map(project => (
        <ProjectCard
          key={project.slug}
          project={project}
          model={model}
          watches={watches}
          here={workspace.projectNow === project.slug}
        />
      ))}
    </ul>
  );
}

function ProjectCard({
  project,
  model,
  watches,
  here
}: {
  project: IProject;
  model: ProjectsModel;
  watches: WatchesModel;
  here: boolean;
}): JSX.Element {
  const watching = watches.isWatching(project.slug);
  const members = model.members(project.slug);
  const [membersError, setMembersError] = React.useState('');
  React.useEffect(() => {
    if (!project.active && !members) {
      model
        .loadMembers(project.slug)
        .catch(reason => setMembersError(String(reason?.message ?? reason)));
    }
  }, [project.slug]);
  const progress = model.progress(project.slug);
  const busy = progress?.phase === 'starting' || progress?.phase === 'waiting';
  const open = () => {
    const tab = openPlaceholderTab(`Opening ${project.title}…`);
    model
      .start(project.slug, p => tab?.say(p.message))
      .then(
        answer => {
          const url = `${answer.server_url.replace(/\/?$/, '/')}lab`;
          if (tab) {
            tab.go(url);
          } else {
            window.open(url, '_blank', 'noopener,noreferrer');
          }
        },
        () => tab?.close()
      );
  };
  const headingId = `moiety-project-${project.slug}`;
  return (
    <li className="jp-MoietyProject" data-project={project.slug}>
      <article aria-labelledby={headingId}>
        <h4 id={headingId}>{project.title}</h4>
        <p className="jp-MoietyProject-slug">
          <code>{project.slug}</code>
        </p>
        {project.description && (
          <p className="jp-MoietyProject-description">{project.description}</p>
        )}
        <ul className="jp-MoietyChips" aria-label="Teams">
          {project.teams.map(team => (
            <li key={team} className="jp-MoietyChip">
              {team}
            </li>
          ))}
        </ul>
        <People project={project} members={members} error={membersError} />
        <div className="jp-MoietyProject-actions jp-MoietyActions">
          <button
            type="button"
            className="jp-mod-styled jp-mod-reject"
            aria-pressed={watching}
            title="Be notified of everything others do in this project"
            onClick={() => void watches.toggle(project.slug)}
          >
            {watching ? 'Watching' : 'Watch'}
          </button>
          {here ? (
            <span className="jp-MoietyProject-here">
              You are in this project’s server.
            </span>
          ) : (
            <button
              type="button"
              className="jp-mod-styled jp-mod-accept"
              aria-label={`Open ${project.title}`}
              data-testid="moiety-open-project"
              disabled={busy}
              onClick={open}
            >
              {busy ? 'Opening…' : 'Open'}
            </button>
          )}
        </div>
        {progress && progress.phase !== 'error' && (
          <Status testId="moiety-open-progress">
            {progress.phase === 'ready'
              ? 'Opened in a new tab.'
              : progress.message}
          </Status>
        )}
        {progress?.phase === 'error' && (
          <ErrorNotice
            message={progress.message}
            onDismiss={() => model.clearProgress(project.slug)}
          />
        )}
      </article>
    </li>
  );
}

function People({
  project,
  members,
  error
}: {
  project: IProject;
  members: { name: string; lead?: boolean }[] | null;
  error: string;
}): JSX.Element {
  if (project.active) {
    return (
      <p
        className="jp-MoietyProject-people"
        data-testid="moiety-project-active"
      >
        {project.active.length
          ? `Here now: ${project.active.join(', ')}`
          : 'Nobody is in the project’s server now.'}
      </p>
    );
  }
  if (error) {
    return <p className="jp-MoietyInlineError">{error}</p>;
  }
  if (!members) {
    return <p className="jp-MoietyProject-people">Loading members…</p>;
  }
  return (
    <p className="jp-MoietyProject-people" data-testid="moiety-project-members">
      Members:{' '}
      {members.map((m, i) => (
        <React.Fragment key={m.name}>
          {i > 0 && ', '}
          {m.name}
          {m.lead ? ' (lead)' : ''}
        </React.Fragment>
      ))}
    </p>
  );
}

function YouSection({
  model,
  here
}: {
  model: MoietyPanelModel;
  here: string | null;
}): JSX.Element {
  const check = model.versionCheck;
  const me = model.me;
  return (
    <section className="jp-MoietySection" aria-labelledby="moiety-me">
      {check && check.status !== 'ok' && <VersionWarning check={check} />}
      <h3 id="moiety-me">You</h3>
      {me.kind === 'loading' && (
        <Status>Connecting to the Moiety service…</Status>
      )}
      {me.kind === 'ready' && <MeView me={me.me} />}
      {me.kind === 'error' && (
        <div className="jp-MoietyError" role="alert">
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
      {here && (
        <p className="jp-MoietyMuted" data-testid="moiety-server-project">
          This is the shared server of project <strong>{here}</strong>.
        </p>
      )}
    </section>
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
      className="jp-MoietyWarning"
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
          className="jp-MoietyChips"
          aria-label="Your teams"
          data-testid="moiety-me-teams"
        >
          {me.teams.map(team => (
            <li key={team} className="jp-MoietyChip">
              {team}
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-MoietyMuted" data-testid="moiety-me-teams">
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
