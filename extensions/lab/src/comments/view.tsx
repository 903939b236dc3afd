/**
 * The Comments panel's content: the threads of the current notebook or text
 * file, in document order, with replies, edits, deletions, resolving,
 * reopening, reactions and a way to the cell or line; threads whose cell is
 * gone are listed apart. Loaded on first show.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { IComment, IThread } from '../api/types';
import {
  Avatar,
  EmptyState,
  ErrorNotice,
  Markdown,
  MentionTextarea,
  Molecules,
  Reactions,
  Status,
  Time,
  ViewContext,
  useMinuteTicker,
  useSignal
} from '../common/components';
import { withoutMoleculeBlocks } from '../common/markup';
import type { CommentsController } from './controller';
import { ThreadsModel, authorOf, tombstoneOf, wasEdited } from './model';
import { messageOf } from '../api/errors';
import type { IDepictions } from '../tokens';

export function createCommentsContent(
  controller: CommentsController,
  options: {
    markdownParser: IRenderMime.IMarkdownParser | null;
    depictions: IDepictions;
  }
): Widget {
  const widget = ReactWidget.create(
    <ViewContext.Provider
      value={{
        markdownParser: options.markdownParser,
        depictions: options.depictions
      }}
    >
      <CommentsView controller={controller} />
    </ViewContext.Provider>
  );
  widget.addClass('jp-MoietyComments');
  return widget;
}

/** Run an action, keeping the server's message where it happened. */
function useAction(): [
  string,
  boolean,
  (action: () => Promise<unknown>) => Promise<boolean>,
  () => void
] {
  const [error, setError] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await action();
      return true;
    } catch (reason) {
      setError(messageOf(reason));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return [error, busy, run, () => setError('')];
}

function CommentsView({
  controller
}: {
  controller: CommentsController;
}): JSX.Element {
  useSignal(controller.changed);
  const target = controller.target;
  if (!target) {
    return (
      <EmptyState title="No document selected." testId="moiety-comments-none">
        Open a notebook or a text file of this project to see its comments.
      </EmptyState>
    );
  }
  const model = controller.modelFor(target.path);
  return (
    <FileThreads
      key={target.path}
      controller={controller}
      model={model}
      path={target.path}
      kind={target.kind}
    />
  );
}

function FileThreads({
  controller,
  model,
  path,
  kind
}: {
  controller: CommentsController;
  model: ThreadsModel;
  path: string;
  kind: 'notebook' | 'text';
}): JSX.Element {
  useSignal(model.changed);
  useSignal(controller.watches.changed);
  useMinuteTicker();
  const [showResolved, setShowResolved] = React.useState(false);
  const watching = controller.watches.isWatching(controller.project, path);
  const root = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    const id = controller.takeFocus();
    if (id === null || !root.current) {
      return;
    }
    const thread = model.threads.find(t => t.id === id);
    if (thread?.state === 'resolved' && !showResolved) {
      setShowResolved(true);
    }
    requestAnimationFrame(() => {
      const node = root.current?.querySelector<HTMLElement>(
        `[data-thread-id="${id}"]`
      );
      if (node) {
        node.scrollIntoView({ block: 'nearest' });
        node.focus();
        node.classList.add('jp-mod-highlight');
        setTimeout(() => node.classList.remove('jp-mod-highlight'), 2500);
      }
    });
  });

  const draft = controller.draft?.path === path ? controller.draft : null;
  const anchored = model.anchored
    .filter(t => showResolved || t.state === 'open')
    .sort((a, b) => controller.orderOf(a) - controller.orderOf(b));
  const resolvedCount = model.anchored.filter(
    t => t.state === 'resolved'
  ).length;
  const orphaned = model.orphaned;

  return (
    <div ref={root} className="jp-MoietyComments-file">
      <div className="jp-MoietyComments-header">
        <p className="jp-MoietyComments-path" title={path}>
          {path}
        </p>
        <button
          type="button"
          className="jp-MoietyLinkButton"
          data-testid="moiety-comments-refresh"
          onClick={() => void model.refresh()}
        >
          Refresh
        </button>
        <button
          type="button"
          className="jp-MoietyLinkButton"
          aria-pressed={watching}
          title="Be notified when others change or comment on this file"
          data-testid="moiety-watch-file"
          onClick={() =>
            void controller.watches.toggle(controller.project, path)
          }
        >
          {watching ? 'Watching' : 'Watch this file'}
        </button>
        <label className="jp-MoietyCheck">
          <input
            type="checkbox"
            checked={showResolved}
            data-testid="moiety-show-resolved"
            onChange={event => setShowResolved(event.target.checked)}
          />
          Show resolved ({resolvedCount})
        </label>
      </div>
      {controller.watches.error && (
        <ErrorNotice message={controller.watches.error} />
      )}
      {draft && <DraftBox controller={controller} label={draft.label} />}
      {model.status === 'loading' && <Status>Loading comments…</Status>}
      {(model.status === 'error' || model.status === 'unavailable') && (
        <ErrorNotice
          message={model.error}
          onRetry={() => void model.refresh()}
          testId="moiety-comments-error"
        />
      )}
      {model.status === 'ready' && anchored.length === 0 && !draft && (
        <EmptyState
          title={
            resolvedCount && !showResolved
              ? 'Every thread here is resolved.'
              : 'No comments here yet.'
          }
          testId="moiety-comments-empty"
        >
          {kind === 'notebook'
            ? 'Select a cell and choose Comment on its toolbar or in its right-click menu to start a thread.'
            : 'Put the cursor on a line and choose Comment on Line in the right-click menu to start a thread.'}
        </EmptyState>
      )}
      <ul
        className="jp-MoietyThreads"
        aria-label={`Comment threads on ${path}`}
      >
        {anchored.map(thread => (
          <ThreadView
            key={thread.id}
            thread={thread}
            model={model}
            controller={controller}
            place={controller.placeOf(thread)}
          />
        ))}
      </ul>
      {orphaned.length > 0 && (
        <section
          className="jp-MoietyThreads-orphaned"
          aria-labelledby="moiety-orphaned-heading"
          data-testid="moiety-orphaned"
        >
          <h3 id="moiety-orphaned-heading">
            On {kind === 'notebook' ? 'cells' : 'lines'} that no longer exist
          </h3>
          <ul className="jp-MoietyThreads">
            {orphaned.map(thread => (
              <ThreadView
                key={thread.id}
                thread={thread}
                model={model}
                controller={controller}
                place="Gone"
              />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function DraftBox({
  controller,
  label
}: {
  controller: CommentsController;
  label: string;
}): JSX.Element {
  const [body, setBody] = React.useState('');
  const [error, busy, run] = useAction();
  const send = () =>
    void run(() => controller.submitDraft(body)).then(ok => ok && setBody(''));
  return (
    <form
      className="jp-MoietyDraft"
      aria-label={`New comment on ${label}`}
      onSubmit={event => {
        event.preventDefault();
        send();
      }}
    >
      <p className="jp-MoietyDraft-where">New comment on {label}</p>
      <MentionTextarea
        value={body}
        onChange={setBody}
        completer={controller.completer}
        project={controller.project}
        label={`Comment on ${label}`}
        placeholder="Write a comment (markdown, @mentions). Ctrl+Enter sends."
        onSubmit={send}
        disabled={busy}
        autoFocus
        testId="moiety-new-comment"
      />
      {error && (
        <ErrorNotice message={error} testId="moiety-new-comment-error" />
      )}
      <div className="jp-MoietyActions">
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          onClick={() => controller.cancelDraft()}
        >
          Cancel
        </button>
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept"
          disabled={busy || !body.trim()}
          data-testid="moiety-new-comment-send"
        >
          {busy ? 'Sending…' : 'Comment'}
        </button>
      </div>
    </form>
  );
}

function ThreadView({
  thread,
  model,
  controller,
  place
}: {
  thread: IThread;
  model: ThreadsModel;
  controller: CommentsController;
  place: string;
}): JSX.Element {
  const [reply, setReply] = React.useState('');
  const [replying, setReplying] = React.useState(false);
  const [error, busy, run, clear] = useAction();
  const resolved = thread.state === 'resolved';
  const headingId = `moiety-thread-${thread.id}`;
  const sendReply = () =>
    void run(() => model.reply(thread.id, reply)).then(ok => {
      if (ok) {
        setReply('');
        setReplying(false);
      }
    });
  return (
    <li
      className={`jp-MoietyThread ${resolved ? 'jp-mod-resolved' : ''}`}
      data-thread-id={thread.id}
      data-state={thread.state}
      data-anchor-state={thread.anchor_state}
      tabIndex={-1}
    >
      <article aria-labelledby={headingId}>
        <div className="jp-MoietyThread-header">
          {thread.anchor_state === 'orphaned' ? (
            <span id={headingId} className="jp-MoietyThread-place">
              {place}
            </span>
          ) : (
            <button
              type="button"
              id={headingId}
              className="jp-MoietyLinkButton jp-MoietyThread-place"
              title="Go to it in the document"
              onClick={() => controller.jumpTo(thread)}
            >
              {place}
            </button>
          )}
          {thread.anchor_state === 'outdated' && (
            <span
              className="jp-MoietyBadge jp-mod-warn"
              title="The cell changed since this thread was started"
            >
              Outdated
            </span>
          )}
          {resolved && <span className="jp-MoietyBadge">Resolved</span>}
        </div>
        <ol className="jp-MoietyCommentList" aria-label="Comments">
          {thread.comments.map(comment => (
            <CommentView key={comment.id} comment={comment} model={model} />
          ))}
        </ol>
        {error && <ErrorNotice message={error} onDismiss={clear} />}
        {replying ? (
          <form
            className="jp-MoietyReply"
            onSubmit={event => {
              event.preventDefault();
              sendReply();
            }}
          >
            <MentionTextarea
              value={reply}
              onChange={setReply}
              completer={controller.completer}
              project={controller.project}
              label="Reply"
              placeholder="Reply (markdown, @mentions). Ctrl+Enter sends."
              onSubmit={sendReply}
              disabled={busy}
              autoFocus
              testId="moiety-reply-body"
              rows={2}
            />
            <div className="jp-MoietyActions">
              <button
                type="button"
                className="jp-mod-styled jp-mod-reject"
                onClick={() => setReplying(false)}
              >
                Cancel
              </button>
              <button
                type="submit"
                className="jp-mod-styled jp-mod-accept"
                disabled={busy || !reply.trim()}
                data-testid="moiety-reply-send"
              >
                Reply
              </button>
            </div>
          </form>
        ) : (
          <div className="jp-MoietyActions">
            <button
              type="button"
              className="jp-mod-styled jp-mod-reject"
              data-testid="moiety-reply"
              onClick={() => setReplying(true)}
            >
              Reply
            </button>
            <button
              type="button"
              className="jp-mod-styled jp-mod-reject"
              disabled={busy}
              data-testid={resolved ? 'moiety-reopen' : 'moiety-resolve'}
              onClick={() =>
                void run(() =>
                  model.setState(thread.id, resolved ? 'open' : 'resolved')
                )
              }
            >
              {resolved ? 'Reopen' : 'Resolve'}
            </button>
          </div>
        )}
      </article>
    </li>
  );
}

function CommentView({
  comment,
  model
}: {
  comment: IComment;
  model: ThreadsModel;
}): JSX.Element {
  const [editing, setEditing] = React.useState(false);
  const [draft, setDraft] = React.useState(comment.body);
  const [error, busy, run, clear] = useAction();
  const author = authorOf(comment);
  const mine = model.isMine(comment);
  const canDelete = model.canDelete(comment);
  const confirmDelete = async () => {
    const result = await showDialog({
      title: mine ? 'Delete your comment?' : `Delete ${author}'s comment?`,
      body: mine
        ? 'It disappears for everyone; this cannot be undone.'
        : `${author}'s comment disappears for everyone, and the thread shows that you deleted it. This cannot be undone.`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (result.button.accept) {
      await run(() => model.remove(comment.id));
    }
  };
  return (
    <li className="jp-MoietyComment" data-comment-id={comment.id}>
      <div className="jp-MoietyComment-header">
        <Avatar name={author} />
        <strong className="jp-MoietyPerson">{author}</strong>
        <Time iso={comment.created_at} />
        {wasEdited(comment) && (
          <span
            className="jp-MoietyComment-edited"
            title={
              typeof comment.edited === 'string' ? comment.edited : undefined
            }
          >
            (edited)
          </span>
        )}
      </div>
      {editing ? (
        <form
          onSubmit={event => {
            event.preventDefault();
            void run(() => model.edit(comment.id, draft)).then(
              ok => ok && setEditing(false)
            );
          }}
        >
          <textarea
            className="jp-MoietyTextarea"
            value={draft}
            aria-label="Edit your comment"
            rows={3}
            autoFocus
            onChange={event => setDraft(event.target.value)}
          />
          <div className="jp-MoietyActions">
            <button
              type="button"
              className="jp-mod-styled jp-mod-reject"
              onClick={() => {
                setEditing(false);
                setDraft(comment.body);
              }}
            >
              Cancel
            </button>
            <button
              type="submit"
              className="jp-mod-styled jp-mod-accept"
              disabled={busy || !draft.trim()}
            >
              Save
            </button>
          </div>
        </form>
      ) : comment.deleted ? (
        <p className="jp-MoietyMuted jp-MoietyComment-deleted">
          {tombstoneOf(comment)}
          {comment.deleted_at && (
            <>
              {' · '}
              <Time iso={comment.deleted_at} />
            </>
          )}
        </p>
      ) : (
        <>
          <Markdown source={withoutMoleculeBlocks(comment.body)} />
          <Molecules molecules={comment.molecules ?? []} />
        </>
      )}
      {error && <ErrorNotice message={error} onDismiss={clear} />}
      <div className="jp-MoietyComment-footer">
        {!comment.deleted && (
          <Reactions
            reactions={comment.reactions ?? []}
            label={`Reactions to ${author}'s comment`}
            onToggle={emoji => model.react(comment, emoji)}
          />
        )}
        {!editing && (mine || canDelete) && (
          <span className="jp-MoietyComment-own">
            {mine && !comment.deleted && (
              <button
                type="button"
                className="jp-MoietyLinkButton"
                onClick={() => {
                  setDraft(comment.body);
                  setEditing(true);
                }}
              >
                Edit
              </button>
            )}
            {canDelete && (
              <button
                type="button"
                className="jp-MoietyLinkButton"
                disabled={busy}
                aria-label={mine ? undefined : `Delete ${author}'s comment`}
                onClick={() => void confirmDelete()}
              >
                Delete
              </button>
            )}
          </span>
        )}
      </div>
    </li>
  );
}
