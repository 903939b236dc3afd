/**
 * The Activity panel's content: the composer, the filters and the live feed
 * (newest first, older pages as you scroll). Loaded the first time the panel
 * is shown.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { IFeedEvent, IProject } from '../api/types';
import {
  Avatar,
  EmptyState,
  ErrorNotice,
  Markdown,
  Molecules,
  MentionTextarea,
  Person,
  Reactions,
  Status,
  Time,
  ViewContext,
  useMinuteTicker,
  useSignal
} from '../common/components';
import {
  KIND_GROUPS,
  bodyOf,
  cellOf,
  describeEvent,
  excerptOf,
  lineOf,
  moleculesOfEvent,
  threadOf
} from '../common/describe';
import { withoutMoleculeBlocks } from '../common/markup';
import type { IMoietyLive, IMoietyWorkspace } from '../tokens';
import { ComposerModel, defaultPostProject } from './composer';
import type { IFeedRequester } from './model';
import { FeedModel, IFeedFilters, NO_FILTERS, hasFilters } from './model';
import type { UnreadMarker } from './unread';
import { messageOf } from '../api/errors';

/** What the Activity panel needs. */
export interface IActivityOptions {
  client: IFeedRequester;
  live: IMoietyLive;
  unread: UnreadMarker;
  workspace: IMoietyWorkspace;
  markdownParser: IRenderMime.IMarkdownParser | null;
}

/** The Activity content and a way to bring an event into view. */
export interface IActivityContent {
  widget: Widget;
  feed: FeedModel;
  /** Scroll to an event (loading it if needed) and focus it. */
  reveal(eventId: number): Promise<void>;
}

/** Build the Activity panel's content. */
export function createActivityContent(
  options: IActivityOptions
): IActivityContent {
  const feed = new FeedModel({
    client: options.client,
    unread: options.unread
  });
  const composer = new ComposerModel(options.client);
  options.live.feed.connect((_, event) => feed.addLive(event));
  options.live.connect();
  void feed.refresh();

  const widget = ReactWidget.create(
    <ActivityView options={options} feed={feed} composer={composer} />
  );
  widget.addClass('jp-MoietyActivity');

  const reveal = async (eventId: number) => {
    if (feed.loading) {
      // Opened by this very request: wait for the first page before looking.
      await feed.loadMore();
    }
    for (let i = 0; i < 10; i++) {
      if (feed.items.some(e => e.id === eventId) || !feed.hasMore) {
        break;
      }
      await feed.loadMore();
    }
    requestAnimationFrame(() => {
      const item = widget.node.querySelector<HTMLElement>(
        `[data-event-id="${eventId}"]`
      );
      if (item) {
        item.scrollIntoView({ block: 'center' });
        item.focus();
        item.classList.add('jp-mod-highlight');
        setTimeout(() => item.classList.remove('jp-mod-highlight'), 2500);
      }
    });
  };
  return { widget, feed, reveal };
}

function ActivityView({
  options,
  feed,
  composer
}: {
  options: IActivityOptions;
  feed: FeedModel;
  composer: ComposerModel;
}): JSX.Element {
  useSignal(feed.changed);
  useMinuteTicker();
  const [projects, setProjects] = React.useState<IProject[]>([]);
  const [here, setHere] = React.useState<string | null>(null);
  React.useEffect(() => {
    options.workspace.projects().then(setProjects, () => setProjects([]));
    options.workspace.project.then(setHere, () => setHere(null));
  }, []);

  const setFilter = (change: Partial<IFeedFilters>) =>
    void feed.setFilters({ ...feed.filters, ...change });
  const context = React.useMemo(
    () => ({
      markdownParser: options.markdownParser,
      depictions: options.workspace,
      onTag: (tag: string) => setFilter({ tag }),
      onPerson: (actor: string) => setFilter({ actor })
    }),
    [feed]
  );
  const titles = new Map(projects.map(p => [p.slug, p.title]));

  return (
    <ViewContext.Provider value={context}>
      <Composer model={composer} projects={projects} here={here} feed={feed} />
      <Filters feed={feed} projects={projects} />
      <LiveStatus live={options.live} />
      <Feed feed={feed} titles={titles} workspace={options.workspace} />
    </ViewContext.Provider>
  );
}

function LiveStatus({ live }: { live: IMoietyLive }): JSX.Element | null {
  useSignal(live.statusChanged);
  if (live.status === 'open' || live.status === 'idle') {
    return null;
  }
  return (
    <Status testId="moiety-live-status">
      {live.status === 'connecting'
        ? 'Connecting to the live feed…'
        : 'The live feed is reconnecting; new activity will appear when it is back.'}
    </Status>
  );
}

function Composer({
  model,
  projects,
  here,
  feed
}: {
  model: ComposerModel;
  projects: IProject[];
  here: string | null;
  feed: FeedModel;
}): JSX.Element | null {
  useSignal(model.changed);
  const [open, setOpen] = React.useState(false);
  const [chosen, setChosen] = React.useState(false);
  React.useEffect(() => {
    if (!chosen) {
      model.project = defaultPostProject(projects, here);
    }
  }, [projects, here]);
  if (!projects.length) {
    return null;
  }
  const markup = model.markup;
  const send = async () => {
    const event = await model.post();
    if (event) {
      feed.addLive(event);
    }
  };
  if (!open) {
    return (
      <div className="jp-MoietyComposer jp-mod-collapsed">
        <button
          type="button"
          className="jp-mod-styled jp-mod-accept"
          data-testid="moiety-compose"
          onClick={() => setOpen(true)}
        >
          Write a post
        </button>
      </div>
    );
  }
  return (
    <form
      className="jp-MoietyComposer"
      aria-label="Write a post"
      onSubmit={event => {
        event.preventDefault();
        void send();
      }}
    >
      <label className="jp-MoietyField">
        <span>Post to</span>
        <select
          className="jp-mod-styled"
          value={model.project}
          data-testid="moiety-compose-project"
          onChange={event => {
            setChosen(true);
            model.project = event.target.value;
          }}
        >
          {projects.map(p => (
            <option key={p.slug} value={p.slug}>
              {p.title}
            </option>
          ))}
        </select>
      </label>
      <MentionTextarea
        value={model.body}
        onChange={body => model.setBody(body)}
        completer={model.completer}
        project={model.project}
        label="Post (markdown)"
        placeholder={
          'Share a result, ask a question. #tags, @mentions, and molecules in a ```smiles block'
        }
        onSubmit={() => void send()}
        disabled={model.posting}
        autoFocus
        testId="moiety-compose-body"
        rows={4}
      />
      {(markup.tags.length > 0 ||
        markup.mentions.length > 0 ||
        markup.molecules.length > 0) && (
        <p
          className="jp-MoietyComposer-preview"
          data-testid="moiety-compose-preview"
        >
          {markup.tags.map(t => (
            <span key={t} className="jp-MoietyChip jp-MoietyChip-tag">
              #{t}
            </span>
          ))}
          {markup.mentions.map(m => (
            <span key={m} className="jp-MoietyChip jp-MoietyChip-mention">
              @{m}
            </span>
          ))}
          {markup.molecules.length > 0 && (
            <span>
              {markup.molecules.length} molecule
              {markup.molecules.length === 1 ? '' : 's'}
            </span>
          )}
        </p>
      )}
      <Molecules molecules={markup.molecules} />
      {model.error && (
        <ErrorNotice message={model.error} testId="moiety-compose-error" />
      )}
      <div className="jp-MoietyComposer-actions">
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          onClick={() => setOpen(false)}
        >
          Close
        </button>
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept"
          disabled={!model.canPost}
          data-testid="moiety-compose-send"
        >
          {model.posting ? 'Posting…' : 'Post'}
        </button>
      </div>
    </form>
  );
}

function Filters({
  feed,
  projects
}: {
  feed: FeedModel;
  projects: IProject[];
}): JSX.Element {
  const filters = feed.filters;
  const [actor, setActor] = React.useState(filters.actor);
  const [tag, setTag] = React.useState(filters.tag);
  React.useEffect(() => setActor(filters.actor), [filters.actor]);
  React.useEffect(() => setTag(filters.tag), [filters.tag]);
  const apply = (change: Partial<IFeedFilters>) =>
    void feed.setFilters({ ...feed.filters, ...change });
  const group = KIND_GROUPS.findIndex(
    g => g.kinds.join() === filters.kinds.join()
  );
  const active = hasFilters(filters);
  const [open, setOpen] = React.useState(active);
  React.useEffect(() => {
    if (active) {
      setOpen(true);
    }
  }, [active]);
  return (
    <details
      className="jp-MoietyFilters"
      open={open}
      onToggle={event => setOpen((event.target as HTMLDetailsElement).open)}
    >
      <summary>Filters{active ? ' (on)' : ''}</summary>
      <form
        className="jp-MoietyFilters-form"
        aria-label="Filter the activity"
        onSubmit={event => {
          event.preventDefault();
          apply({ actor, tag });
        }}
      >
        <label className="jp-MoietyField">
          <span>Project</span>
          <select
            className="jp-mod-styled"
            value={filters.projects[0] ?? ''}
            data-testid="moiety-filter-project"
            onChange={event =>
              apply({
                projects: event.target.value ? [event.target.value] : []
              })
            }
          >
            <option value="">All projects</option>
            {projects.map(p => (
              <option key={p.slug} value={p.slug}>
                {p.title}
              </option>
            ))}
          </select>
        </label>
        <label className="jp-MoietyField">
          <span>What</span>
          <select
            className="jp-mod-styled"
            value={group < 0 ? 0 : group}
            data-testid="moiety-filter-kind"
            onChange={event =>
              apply({ kinds: KIND_GROUPS[Number(event.target.value)].kinds })
            }
          >
            {KIND_GROUPS.map((g, i) => (
              <option key={g.label} value={i}>
                {g.label}
              </option>
            ))}
          </select>
        </label>
        <label className="jp-MoietyField">
          <span>Person</span>
          <input
            className="jp-mod-styled"
            value={actor}
            placeholder="anyone"
            data-testid="moiety-filter-person"
            onChange={event => setActor(event.target.value)}
            onBlur={() => actor !== filters.actor && apply({ actor })}
          />
        </label>
        <label className="jp-MoietyField">
          <span>Tag</span>
          <input
            className="jp-mod-styled"
            value={tag}
            placeholder="any tag"
            data-testid="moiety-filter-tag"
            onChange={event => setTag(event.target.value)}
            onBlur={() => tag !== filters.tag && apply({ tag })}
          />
        </label>
        <div className="jp-MoietyFilters-actions">
          <button type="submit" className="jp-mod-styled jp-mod-accept">
            Apply
          </button>
          <button
            type="button"
            className="jp-mod-styled jp-mod-reject"
            disabled={!active}
            onClick={() => void feed.setFilters(NO_FILTERS)}
          >
            Clear filters
          </button>
        </div>
      </form>
    </details>
  );
}

function Feed({
  feed,
  titles,
  workspace
}: {
  feed: FeedModel;
  titles: Map<string, string>;
  workspace: IMoietyWorkspace;
}): JSX.Element {
  const sentinel = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    const node = sentinel.current;
    if (!node || typeof IntersectionObserver === 'undefined') {
      return;
    }
    const observer = new IntersectionObserver(entries => {
      if (entries.some(e => e.isIntersecting)) {
        void feed.loadMore();
      }
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [feed]);

  if (feed.status === 'loading' && !feed.items.length) {
    return <Status>Loading the activity of your projects…</Status>;
  }
  if (feed.status === 'error') {
    return (
      <ErrorNotice
        message={feed.error}
        onRetry={() => void feed.refresh()}
        testId="moiety-feed-error"
      />
    );
  }
  const items = feed.items;
  // The line between what came since you last looked and what you had seen.
  const divider = feed.unread.divider;
  const firstOld =
    divider === null ? -1 : items.findIndex(e => e.id <= divider);
  const anyNew = firstOld > 0 && items.some(e => feed.unread.isNew(e));
  return (
    <>
      {items.length === 0 ? (
        hasFilters(feed.filters) ? (
          <EmptyState
            title="Nothing matches these filters."
            testId="moiety-feed-empty"
          >
            <button
              type="button"
              className="jp-mod-styled jp-mod-accept"
              onClick={() => void feed.setFilters(NO_FILTERS)}
            >
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No activity yet." testId="moiety-feed-empty">
            When people of your teams create, save, snapshot or comment on files
            of your projects, or post, it shows up here. Write the first post
            with <strong>Write a post</strong>.
          </EmptyState>
        )
      ) : (
        <ol
          className="jp-MoietyFeed"
          aria-label="Activity"
          aria-busy={feed.loading}
        >
          {items.map((event, i) => (
            <React.Fragment key={event.id}>
              {anyNew && i === firstOld && (
                <li className="jp-MoietyFeed-divider" role="separator">
                  Seen before
                </li>
              )}
              <FeedItem
                event={event}
                isNew={feed.unread.isNew(event)}
                projectTitle={titles.get(event.project) ?? event.project}
                feed={feed}
                workspace={workspace}
              />
            </React.Fragment>
          ))}
        </ol>
      )}
      <div ref={sentinel} className="jp-MoietyFeed-sentinel" />
      {feed.error && items.length > 0 && (
        <ErrorNotice
          message={feed.error}
          onRetry={() => void feed.loadMore()}
        />
      )}
      {feed.hasMore && (
        <button
          type="button"
          className="jp-mod-styled jp-MoietyFeed-more"
          disabled={feed.loading}
          onClick={() => void feed.loadMore()}
        >
          {feed.loading ? 'Loading…' : 'Load older activity'}
        </button>
      )}
      {!feed.hasMore && items.length > 0 && (
        <p className="jp-MoietyFeed-end">That is everything.</p>
      )}
    </>
  );
}

function FeedItem({
  event,
  isNew,
  projectTitle,
  feed,
  workspace
}: {
  event: IFeedEvent;
  isNew: boolean;
  projectTitle: string;
  feed: FeedModel;
  workspace: IMoietyWorkspace;
}): JSX.Element {
  const [openError, setOpenError] = React.useState('');
  const [opening, setOpening] = React.useState(false);
  const description = describeEvent(event);
  const body = bodyOf(event);
  const excerpt = body ? null : excerptOf(event);
  const molecules = moleculesOfEvent(event);
  const cell = cellOf(event);
  const open = () => {
    if (!description.path) {
      return;
    }
    setOpening(true);
    setOpenError('');
    workspace
      .openFile(event.project, description.path, {
        cellId: cell,
        line: lineOf(event),
        threadId: threadOf(event)
      })
      .catch(reason => setOpenError(messageOf(reason)))
      .finally(() => setOpening(false));
  };
  const headingId = `moiety-event-${event.id}`;
  return (
    <li
      className={`jp-MoietyEvent ${isNew ? 'jp-mod-new' : ''}`}
      data-event-id={event.id}
      data-kind={event.kind}
      tabIndex={-1}
    >
      <article aria-labelledby={headingId}>
        <div className="jp-MoietyEvent-header">
          <Avatar name={event.actor} />
          <div className="jp-MoietyEvent-text">
            <p className="jp-MoietyEvent-line" id={headingId}>
              <Person name={event.actor} /> {description.verb}{' '}
              {description.path && (
                <button
                  type="button"
                  className="jp-MoietyLinkButton jp-MoietyEvent-path"
                  title={`Open ${description.path}${cell ? ' at the cell' : ''}`}
                  onClick={open}
                  disabled={opening}
                >
                  {description.path}
                </button>
              )}{' '}
              {description.detail}
            </p>
            <p className="jp-MoietyEvent-meta">
              <span className="jp-MoietyEvent-project">{projectTitle}</span>
              {' · '}
              <Time iso={event.created_at} />
              {isNew && <span className="jp-MoietyEvent-new">new</span>}
            </p>
          </div>
        </div>
        {body && <Markdown source={withoutMoleculeBlocks(body)} />}
        {excerpt && (
          <blockquote className="jp-MoietyEvent-excerpt">{excerpt}</blockquote>
        )}
        <Molecules molecules={molecules} />
        {event.tags.length > 0 && (
          <ul className="jp-MoietyTags" aria-label="Tags">
            {event.tags.map(tag => (
              <li key={tag}>
                <button
                  type="button"
                  className="jp-MoietyChip jp-MoietyChip-tag"
                  title={`Show everything tagged #${tag}`}
                  onClick={() => void feed.setFilters({ ...feed.filters, tag })}
                >
                  #{tag}
                </button>
              </li>
            ))}
          </ul>
        )}
        {opening && <Status>Opening {description.path}…</Status>}
        {openError && (
          <ErrorNotice message={openError} onDismiss={() => setOpenError('')} />
        )}
        <Reactions
          reactions={event.reactions ?? []}
          label="Reactions"
          onToggle={emoji => feed.react(event, emoji)}
        />
      </article>
    </li>
  );
}
