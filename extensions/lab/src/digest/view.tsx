/**
 * The Digest panel's content, for team leads and admins: choose a team and a
 * period, see its projects' week at a glance (what changed, compounds,
 * discussions, most-reacted posts) with a chart of activity per project, and
 * copy it as Markdown for e-mail or chat. Loaded the first time the panel is
 * shown, with its styles.
 */
import '../../style/digest.css';

import { ReactWidget } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import * as React from 'react';

import { messageOf } from '../api/errors';
import type { IDigest } from '../api/types';
import {
  Avatar,
  EmptyState,
  ErrorNotice,
  Status,
  ViewContext,
  useSignal
} from '../common/components';
import type { IMoietyLive, IMoietyWorkspace } from '../tokens';
import { ActivityChart } from './chart';
import { DigestModel, IDigestRequester, MAX_DAYS, PeriodChoice } from './model';
import { ProjectDigest } from './project';
import { chartData, plural } from './series';

/** What the Digest panel needs. */
export interface IDigestOptions {
  client: IDigestRequester;
  live: IMoietyLive | null;
  workspace: IMoietyWorkspace;
  /** Show a post in the Activity panel. */
  revealPost: (eventId: number) => Promise<void>;
}

/** Build the Digest panel's content. */
export function createDigestContent(options: IDigestOptions): {
  widget: Widget;
  model: DigestModel;
} {
  const model = new DigestModel({
    client: options.client,
    projects: () => options.workspace.projects()
  });
  if (options.live) {
    options.live.feed.connect((_, event) => model.noteEvent(event));
    options.live.connect();
  }
  void model.start();
  const widget = ReactWidget.create(
    <DigestView model={model} options={options} />
  );
  widget.addClass('jp-MoietyDigest');
  widget.disposed.connect(() => model.dispose());
  return { widget, model };
}

const PERIODS: { value: PeriodChoice; label: string }[] = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'date', label: 'Since a date…' }
];

function DigestView({
  model,
  options
}: {
  model: DigestModel;
  options: IDigestOptions;
}): JSX.Element {
  useSignal(model.changed);
  const context = React.useMemo(
    () => ({
      markdownParser: null,
      depictions: options.workspace
    }),
    [options.workspace]
  );
  if (model.status === 'forbidden') {
    return (
      <EmptyState
        title="The Digest is for team leads and admins."
        testId="moiety-digest-forbidden"
      >
        {model.error}
      </EmptyState>
    );
  }
  if (!model.me) {
    return model.status === 'error' ? (
      <ErrorNotice
        message={model.error}
        onRetry={() => void model.start()}
        testId="moiety-digest-error"
      />
    ) : (
      <Status>Finding the teams you lead…</Status>
    );
  }
  const digest = model.digest;
  return (
    <ViewContext.Provider value={context}>
      <Controls model={model} />
      {model.status === 'error' && (
        <ErrorNotice
          message={model.error}
          onRetry={() => void model.refresh()}
          testId="moiety-digest-error"
        />
      )}
      {!digest && model.loading && (
        <Status testId="moiety-digest-loading">
          Reading the digest of {model.team}…
        </Status>
      )}
      {digest && (
        <div aria-busy={model.loading} data-testid="moiety-digest">
          <Overview digest={digest} />
          {digest.projects.map((project, i) => (
            <ProjectDigest
              key={project.slug}
              project={project}
              index={i}
              workspace={options.workspace}
              revealPost={options.revealPost}
            />
          ))}
        </div>
      )}
    </ViewContext.Provider>
  );
}

function Controls({ model }: { model: DigestModel }): JSX.Element {
  const [copy, setCopy] = React.useState({ busy: false, said: '', error: '' });
  const today = new Date().toISOString().slice(0, 10);
  const earliest = new Date(Date.now() - MAX_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const period = model.period;
  const copyMarkdown = () => {
    setCopy({ busy: true, said: '', error: '' });
    const team = model.team;
    copyText(model.markdown()).then(
      () =>
        setCopy({
          busy: false,
          said: `Copied the digest of ${team} as Markdown.`,
          error: ''
        }),
      reason => setCopy({ busy: false, said: '', error: messageOf(reason) })
    );
  };
  return (
    <form
      className="jp-MoietyDigest-controls"
      aria-label="Which digest"
      onSubmit={event => {
        event.preventDefault();
        void model.refresh();
      }}
    >
      <div className="jp-MoietyDigest-fields">
        <label className="jp-MoietyField">
          <span>Team</span>
          <select
            className="jp-mod-styled"
            value={model.team}
            data-testid="moiety-digest-team"
            onChange={event => void model.setTeam(event.target.value)}
          >
            {model.teams.map(team => (
              <option key={team} value={team}>
                {team}
              </option>
            ))}
          </select>
        </label>
        <label className="jp-MoietyField">
          <span>Period</span>
          <select
            className="jp-mod-styled"
            value={period.choice}
            data-testid="moiety-digest-period"
            onChange={event =>
              void model.setPeriod({
                choice: event.target.value as PeriodChoice,
                date: period.date
              })
            }
          >
            {PERIODS.map(p => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        {period.choice === 'date' && (
          <label className="jp-MoietyField">
            <span>Since (UTC)</span>
            <input
              type="date"
              className="jp-mod-styled"
              value={period.date}
              min={earliest}
              max={today}
              data-testid="moiety-digest-date"
              onChange={event =>
                void model.setPeriod({
                  choice: 'date',
                  date: event.target.value
                })
              }
            />
          </label>
        )}
      </div>
      {model.periodError && (
        <p className="jp-MoietyInlineError" role="alert">
          {model.periodError}
        </p>
      )}
      <div className="jp-MoietyActions">
        <button
          type="submit"
          className="jp-mod-styled jp-mod-reject"
          disabled={model.loading || !!model.periodError}
        >
          {model.loading ? 'Reading…' : 'Refresh'}
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-mod-accept"
          data-testid="moiety-digest-copy"
          disabled={copy.busy || !model.team || !!model.periodError}
          onClick={copyMarkdown}
        >
          {copy.busy ? 'Copying…' : 'Copy as Markdown'}
        </button>
      </div>
      {copy.said && <Status testId="moiety-digest-copied">{copy.said}</Status>}
      {copy.error && (
        <ErrorNotice
          message={copy.error}
          onDismiss={() => setCopy({ busy: false, said: '', error: '' })}
          testId="moiety-digest-copy-error"
        />
      )}
    </form>
  );
}

/**
 * Put text that is still on its way on the clipboard. The clipboard item is
 * made within the click (browsers refuse a write once the click is over) and
 * filled when the text arrives; older browsers write the text when it does.
 */
async function copyText(text: Promise<string>): Promise<void> {
  const clipboard = navigator.clipboard;
  if (!clipboard) {
    await text;
    throw new Error(
      'This browser gives no access to the clipboard here; use the moiety digest command instead.'
    );
  }
  if (typeof ClipboardItem !== 'undefined' && clipboard.write) {
    const blob = text.then(t => new Blob([t], { type: 'text/plain' }));
    try {
      await clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
      return;
    } catch (reason) {
      // The service's own refusal is the message to show.
      await text;
      console.warn('Moiety: writing a clipboard item failed', reason);
    }
  }
  await clipboard.writeText(await text);
}

function Overview({ digest }: { digest: IDigest }): JSX.Element {
  const totals = digest.totals;
  const data = React.useMemo(() => chartData(digest), [digest]);
  const from = digest.since.slice(0, 10);
  const to = digest.until.slice(0, 10);
  return (
    <section
      className="jp-MoietySection jp-MoietyDigest-overview"
      aria-labelledby="moiety-digest-heading"
    >
      <h3 id="moiety-digest-heading" data-testid="moiety-digest-heading">
        {digest.team}: {from === to ? from : `${from} to ${to}`}
      </h3>
      <p data-testid="moiety-digest-totals">
        {plural(totals.events, 'event')} in {plural(totals.projects, 'project')}{' '}
        by {plural(totals.people, 'person', 'people')}.
      </p>
      {digest.projects.length === 0 ? (
        <EmptyState
          title={`${digest.team} has no project yet.`}
          testId="moiety-digest-empty"
        >
          Create one with <strong>New project</strong> in the Projects panel;
          its activity will show here.
        </EmptyState>
      ) : totals.events === 0 ? (
        <EmptyState
          title="Nothing happened in this period."
          testId="moiety-digest-empty"
        >
          Choose <strong>Last 30 days</strong> or an earlier date above. The
          digest fills as people of {digest.team} save, snapshot, comment or
          post in its projects.
        </EmptyState>
      ) : (
        <>
          <ul className="jp-MoietyDigest-totals" aria-label="Team totals">
            {totalsOf(digest).map(said => (
              <li key={said}>{said}</li>
            ))}
          </ul>
          {digest.people.length > 0 && (
            <p className="jp-MoietyDigest-people">
              <span className="jp-MoietyMuted">Most active: </span>
              {digest.people.slice(0, 5).map(person => (
                <span key={person.name} className="jp-MoietyDigest-person">
                  <Avatar name={person.name} /> {person.name} ({person.events})
                </span>
              ))}
            </p>
          )}
        </>
      )}
      {digest.projects.length > 0 && <ActivityChart data={data} />}
    </section>
  );
}

/** The team's totals in words, leaving out what did not happen. */
function totalsOf(digest: IDigest): string[] {
  const t = digest.totals;
  const said = [
    t.snapshots && plural(t.snapshots, 'snapshot'),
    t.files_created && plural(t.files_created, 'file created', 'files created'),
    t.saves && plural(t.saves, 'save'),
    (t.compounds_added || t.compounds_removed) &&
      `compounds +${t.compounds_added} −${t.compounds_removed}`,
    t.threads_opened &&
      plural(t.threads_opened, 'discussion opened', 'discussions opened'),
    t.threads_unresolved && `${t.threads_unresolved} unresolved`,
    t.posts && plural(t.posts, 'post')
  ];
  return said.filter((s): s is string => !!s);
}
