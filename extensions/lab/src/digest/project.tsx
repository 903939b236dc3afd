/**
 * One project's part of the Digest: what changed (snapshots, files, restores,
 * people), compounds added and removed (depicted when their SMILES are
 * known), discussions opened and still unresolved (a click opens the thread
 * at its file), and the most-reacted posts (a click shows the post in the
 * Activity panel). Everything people wrote is React text.
 */
import * as React from 'react';

import { messageOf } from '../api/errors';
import type {
  IDigestCompound,
  IDigestFiles,
  IDigestProject,
  IDigestThread
} from '../api/types';
import {
  Avatar,
  ErrorNotice,
  Molecules,
  Status,
  Time
} from '../common/components';
import type { IMoietyWorkspace } from '../tokens';
import { SeriesSwatch } from './chart';
import { plural } from './series';

/** How many items of a list are shown before "and N more". */
const SHOWN = 5;
/** How many compounds of a kind are depicted. */
const DEPICTED = 6;

export function ProjectDigest({
  project,
  index,
  workspace,
  revealPost
}: {
  project: IDigestProject;
  index: number;
  workspace: IMoietyWorkspace;
  revealPost: (eventId: number) => Promise<void>;
}): JSX.Element {
  const [busy, setBusy] = React.useState('');
  const [error, setError] = React.useState('');
  const run = (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError('');
    action()
      .catch(reason => setError(messageOf(reason)))
      .finally(() => setBusy(''));
  };
  const openThread = (thread: IDigestThread) =>
    run(`Opening ${thread.path}…`, () =>
      workspace.openFile(project.slug, thread.path, { threadId: thread.thread })
    );
  const headingId = `moiety-digest-${project.slug}`;
  const quiet = project.events === 0;
  const unresolved = project.discussions.unresolved;
  return (
    <section
      className="jp-MoietyDigestProject"
      data-project={project.slug}
      aria-labelledby={headingId}
    >
      <h3 id={headingId} className="jp-MoietyDigestProject-title">
        <SeriesSwatch index={index} /> {project.title}{' '}
        <span className="jp-MoietyMuted">
          {quiet ? 'no activity' : plural(project.events, 'event')}
        </span>
      </h3>
      {busy && <Status>{busy}</Status>}
      {error && <ErrorNotice message={error} onDismiss={() => setError('')} />}
      {!quiet && <Changes project={project} />}
      {!quiet && <Compounds project={project} />}
      {(project.discussions.opened.count > 0 || unresolved.count > 0) && (
        <div className="jp-MoietyDigestProject-part">
          <h4>Discussions</h4>
          <Threads
            label="Opened"
            list={project.discussions.opened}
            onOpen={openThread}
          />
          <Threads label="Unresolved" list={unresolved} onOpen={openThread} />
        </div>
      )}
      {project.top_posts.length > 0 && (
        <div className="jp-MoietyDigestProject-part">
          <h4>Most-reacted posts</h4>
          <ol className="jp-MoietyDigest-list" aria-label="Most-reacted posts">
            {project.top_posts.map(post => (
              <li key={post.event}>
                <button
                  type="button"
                  className="jp-MoietyLinkButton"
                  title="Show the post in the Activity panel"
                  onClick={() =>
                    run('Showing the post…', () => revealPost(post.event))
                  }
                >
                  {post.excerpt || 'a post'}
                </button>{' '}
                <span className="jp-MoietyMuted">
                  {post.actor} · {plural(post.reactions, 'reaction')} ·{' '}
                  <Time iso={post.created_at} />
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

function Changes({ project }: { project: IDigestProject }): JSX.Element {
  const { created, saved, renamed, deleted } = project.files;
  const snapshots = project.snapshots;
  return (
    <div className="jp-MoietyDigestProject-part">
      <h4>What changed</h4>
      <ul className="jp-MoietyDigest-list" aria-label="What changed">
        {snapshots.items.slice(0, SHOWN).map((s, i) => (
          <li key={`${s.commit}-${i}`} data-kind="snapshot">
            {s.auto ? 'Automatic snapshot' : 'Snapshot'}{' '}
            {s.commit && <code>{s.commit.slice(0, 8)}</code>} by {s.author}
            {s.message && <>: {s.message}</>}{' '}
            <span className="jp-MoietyMuted">
              ({plural(s.files, 'file')}, <Time iso={s.created_at} />)
            </span>
          </li>
        ))}
        <More shown={SHOWN} count={snapshots.count} what="snapshot" />
        <FileLine files={created} what="Created" />
        {saved.count > 0 && (
          <li data-kind="saved">
            {plural(saved.count, 'save')} of {plural(saved.files, 'file')}{' '}
            <People names={saved.people} />
          </li>
        )}
        {(renamed.renames ?? []).slice(0, SHOWN).map((r, i) => (
          <li key={`${r.to}-${i}`} data-kind="renamed">
            {r.actor} renamed {r.from ?? 'a file'} to {r.to}
          </li>
        ))}
        <FileLine files={deleted} what="Deleted" />
        {project.restores.items.slice(0, SHOWN).map((r, i) => (
          <li key={`${r.path}-${i}`} data-kind="restored">
            {r.author} restored {r.path ?? 'a file'}
            {r.restored_from && (
              <>
                {' '}
                from <code>{r.restored_from.slice(0, 8)}</code>
              </>
            )}
          </li>
        ))}
      </ul>
      <p className="jp-MoietyDigest-people" data-testid="moiety-digest-people">
        <span className="jp-MoietyMuted">Active: </span>
        {project.people.map(person => (
          <span key={person.name} className="jp-MoietyDigest-person">
            <Avatar name={person.name} /> {person.name} ({person.events})
          </span>
        ))}
      </p>
    </div>
  );
}

function FileLine({
  files,
  what
}: {
  files: IDigestFiles;
  what: string;
}): JSX.Element | null {
  if (!files.count) {
    return null;
  }
  const paths = files.paths ?? [];
  return (
    <li data-kind={what.toLowerCase()}>
      {what} {plural(files.files, 'file')}
      {paths.length > 0 && `: ${paths.slice(0, SHOWN).join(', ')}`}
      {paths.length > SHOWN && '…'} <People names={files.people} />
    </li>
  );
}

function People({ names }: { names: string[] }): JSX.Element | null {
  return names.length ? (
    <span className="jp-MoietyMuted">({names.join(', ')})</span>
  ) : null;
}

function More({
  shown,
  count,
  what
}: {
  shown: number;
  count: number;
  what: string;
}): JSX.Element | null {
  return count > shown ? (
    <li className="jp-MoietyMuted">
      and {plural(count - shown, `more ${what}`, `more ${what}s`)}
    </li>
  ) : null;
}

function Compounds({
  project
}: {
  project: IDigestProject;
}): JSX.Element | null {
  const compounds = project.compounds;
  if (!compounds.added && !compounds.removed && !compounds.changed) {
    return null;
  }
  return (
    <div
      className="jp-MoietyDigestProject-part"
      data-testid="moiety-digest-compounds"
    >
      <h4>
        Compounds{' '}
        <span className="jp-MoietyMuted">
          +{compounds.added} −{compounds.removed} ~{compounds.changed}
        </span>
      </h4>
      <ul className="jp-MoietyDigest-list" aria-label="Compound files">
        {compounds.files.map((file, i) => (
          <li key={`${file.path}-${i}`}>
            {file.path ?? 'a file'}: +{file.added} −{file.removed} ~
            {file.changed} <People names={file.people} />
          </li>
        ))}
      </ul>
      <CompoundList label="Added" items={compounds.added_items} />
      <CompoundList label="Removed" items={compounds.removed_items} />
    </div>
  );
}

function CompoundList({
  label,
  items
}: {
  label: string;
  items: IDigestCompound[];
}): JSX.Element | null {
  if (!items.length) {
    return null;
  }
  const drawn = items.filter(c => c.smiles).slice(0, DEPICTED);
  const named = items.filter(c => !drawn.includes(c));
  return (
    <div
      className="jp-MoietyDigest-compounds"
      aria-label={`${label} compounds`}
      role="group"
    >
      <p className="jp-MoietyMuted">{label}</p>
      <Molecules
        molecules={drawn.map(c => ({ smiles: c.smiles!, name: c.name }))}
      />
      {named.length > 0 && (
        <p>
          {named
            .map(c => c.name ?? c.smiles ?? 'unnamed')
            .slice(0, 20)
            .join(', ')}
          {named.length > 20 && '…'}
        </p>
      )}
    </div>
  );
}

function Threads({
  label,
  list,
  onOpen
}: {
  label: string;
  list: { count: number; items: IDigestThread[] };
  onOpen: (thread: IDigestThread) => void;
}): JSX.Element | null {
  if (!list.count) {
    return null;
  }
  return (
    <>
      <p className="jp-MoietyMuted">
        {label}: {list.count}
      </p>
      <ul className="jp-MoietyDigest-list" aria-label={`${label} discussions`}>
        {list.items.slice(0, SHOWN * 2).map(thread => (
          <li key={thread.thread} data-thread={thread.thread}>
            <button
              type="button"
              className="jp-MoietyLinkButton"
              title={`Open the thread on ${thread.path}`}
              onClick={() => onOpen(thread)}
            >
              {thread.path}
            </button>
            : {thread.excerpt}{' '}
            <span className="jp-MoietyMuted">{threadFacts(thread)}</span>
          </li>
        ))}
        <More shown={SHOWN * 2} count={list.count} what="discussion" />
      </ul>
    </>
  );
}

/** "alice, open for 3 days, 4 comments". */
function threadFacts(thread: IDigestThread): string {
  const state =
    thread.state !== 'open'
      ? 'resolved'
      : thread.age_days < 1
        ? 'open since today'
        : `open for ${plural(thread.age_days, 'day')}`;
  return `${thread.opened_by}, ${state}, ${plural(thread.comments, 'comment')}`;
}
