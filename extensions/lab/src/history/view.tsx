/**
 * The History panel's content: the versions of the current file (author,
 * message, when), a snapshot with a message, comparing two versions (opened
 * in the main area) and restoring one after a confirmation. Loaded on first
 * show.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { IVersion } from '../api/types';
import {
  Avatar,
  EmptyState,
  ErrorNotice,
  Status,
  Time,
  useMinuteTicker,
  useSignal
} from '../common/components';
import {
  HistoryModel,
  IComparison,
  ServerRequest,
  WORKING,
  firstLine,
  shortCommit
} from './model';
import { messageOf } from '../api/errors';

export interface IHistoryOptions {
  request: ServerRequest;
  /** Show a diff of the current file in the main area. */
  openDiff: (model: HistoryModel, comparison: IComparison) => Promise<void>;
}

export interface IHistoryContent {
  widget: Widget;
  model: HistoryModel;
}

export function createHistoryContent(
  options: IHistoryOptions
): IHistoryContent {
  const model = new HistoryModel({ request: options.request });
  const widget = ReactWidget.create(
    <HistoryView model={model} openDiff={options.openDiff} />
  );
  widget.addClass('jp-MoietyHistory');
  return { widget, model };
}

function HistoryView({
  model,
  openDiff
}: {
  model: HistoryModel;
  openDiff: IHistoryOptions['openDiff'];
}): JSX.Element {
  useSignal(model.changed);
  useMinuteTicker();
  const [selected, setSelected] = React.useState<string[]>([]);
  const [diffError, setDiffError] = React.useState('');
  const [opening, setOpening] = React.useState(false);
  React.useEffect(() => setSelected([]), [model.path]);

  if (!model.path) {
    return (
      <EmptyState title="No file selected." testId="moiety-history-none">
        Open a file of this project to see its versions, take a snapshot or
        restore an earlier version.
      </EmptyState>
    );
  }
  const compare = (comparison: IComparison) => {
    setOpening(true);
    setDiffError('');
    openDiff(model, comparison)
      .catch(reason => setDiffError(messageOf(reason)))
      .finally(() => setOpening(false));
  };
  const toggle = (commit: string) =>
    setSelected(
      selected.includes(commit)
        ? selected.filter(c => c !== commit)
        : [...selected, commit].slice(-2)
    );

  return (
    <>
      <p className="jp-MoietyHistory-path" title={model.path}>
        {model.path}
      </p>
      <SnapshotForm model={model} />
      {model.status === 'loading' && <Status>Loading versions…</Status>}
      {model.status === 'error' && (
        <ErrorNotice
          message={model.error}
          onRetry={() => void model.refresh()}
          testId="moiety-history-error"
        />
      )}
      {model.status === 'ready' && model.versions.length === 0 && (
        <EmptyState title="No versions yet." testId="moiety-history-empty">
          This file has never been in a snapshot. Take one above to keep this
          version.
        </EmptyState>
      )}
      {model.versions.length > 1 && (
        <div className="jp-MoietyActions jp-MoietyHistory-compare">
          {selected.length === 2 ? (
            <button
              type="button"
              className="jp-mod-styled jp-mod-accept"
              disabled={opening}
              data-testid="moiety-compare-selected"
              onClick={() =>
                compare(model.compareTwo(selected[0], selected[1]))
              }
            >
              Compare the two selected
            </button>
          ) : (
            <span className="jp-MoietyMuted">
              Tick two versions to compare them.
            </span>
          )}
        </div>
      )}
      {opening && <Status>Computing the changes…</Status>}
      {diffError && (
        <ErrorNotice
          message={diffError}
          onDismiss={() => setDiffError('')}
          testId="moiety-diff-error"
        />
      )}
      <ol
        className="jp-MoietyVersions"
        aria-label={`Versions of ${model.path}`}
      >
        {model.versions.map((version, i) => (
          <VersionItem
            key={version.commit}
            version={version}
            isLatest={i === 0}
            hasPrevious={i + 1 < model.versions.length || model.hasMore}
            model={model}
            selected={selected.includes(version.commit)}
            onToggle={() => toggle(version.commit)}
            onCompare={compare}
          />
        ))}
      </ol>
      {model.hasMore && (
        <button
          type="button"
          className="jp-mod-styled"
          onClick={() => void model.loadMore()}
        >
          Load older versions
        </button>
      )}
    </>
  );
}

function SnapshotForm({ model }: { model: HistoryModel }): JSX.Element {
  const [message, setMessage] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState('');
  const [result, setResult] = React.useState('');
  const submit = async () => {
    setBusy(true);
    setError('');
    setResult('');
    try {
      const answer = await model.snapshot(message.trim());
      setResult(
        answer.changed && answer.commit
          ? `Snapshot ${shortCommit(answer.commit)} taken.`
          : (answer.detail ?? 'Nothing changed; no snapshot was made.')
      );
      if (answer.changed) {
        setMessage('');
      }
    } catch (reason) {
      setError(messageOf(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="jp-MoietySnapshot"
      aria-label="Take a snapshot"
      onSubmit={event => {
        event.preventDefault();
        void submit();
      }}
    >
      <label className="jp-MoietyField">
        <span>Snapshot this file</span>
        <input
          className="jp-mod-styled"
          value={message}
          placeholder="What changed, e.g. Before the group meeting"
          maxLength={2000}
          data-testid="moiety-snapshot-message"
          onChange={event => setMessage(event.target.value)}
        />
      </label>
      <button
        type="submit"
        className="jp-mod-styled jp-mod-accept"
        disabled={busy || !message.trim()}
        data-testid="moiety-snapshot"
      >
        {busy ? 'Saving…' : 'Snapshot'}
      </button>
      {result && <Status testId="moiety-snapshot-result">{result}</Status>}
      {error && <ErrorNotice message={error} testId="moiety-snapshot-error" />}
    </form>
  );
}

function VersionItem({
  version,
  isLatest,
  hasPrevious,
  model,
  selected,
  onToggle,
  onCompare
}: {
  version: IVersion;
  isLatest: boolean;
  hasPrevious: boolean;
  model: HistoryModel;
  selected: boolean;
  onToggle: () => void;
  onCompare: (comparison: IComparison) => void;
}): JSX.Element {
  const [error, setError] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const restore = async () => {
    const path = model.path!;
    const result = await showDialog({
      title: 'Restore this version?',
      body: `${path} will be as it was at ${shortCommit(version.commit)} (“${firstLine(
        version.message
      )}”, by ${version.author}). This makes a new version: nothing in the history is lost, and you can restore the current one later.`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Restore' })]
    });
    if (!result.button.accept) {
      return;
    }
    setBusy(true);
    setError('');
    try {
      const answer = await model.restore(version.commit);
      Notification.success(
        answer.changed
          ? `${path} restored as it was at ${shortCommit(version.commit)}.`
          : (answer.detail ?? `${path} was already as it was then.`),
        { autoClose: 5000 }
      );
    } catch (reason) {
      setError(messageOf(reason));
    } finally {
      setBusy(false);
    }
  };
  const titleId = `moiety-version-${version.commit}`;
  return (
    <li className="jp-MoietyVersion" data-commit={version.commit}>
      <div className="jp-MoietyVersion-header">
        <input
          type="checkbox"
          checked={selected}
          aria-label={`Select ${shortCommit(version.commit)} to compare`}
          onChange={onToggle}
        />
        <Avatar name={version.author} />
        <div className="jp-MoietyVersion-text">
          <p className="jp-MoietyVersion-message" id={titleId}>
            {firstLine(version.message) || '(no message)'}
          </p>
          <p className="jp-MoietyVersion-meta">
            {version.author} · <Time iso={version.created_at} /> ·{' '}
            <code>{shortCommit(version.commit)}</code>
            {isLatest && <span className="jp-MoietyBadge">latest</span>}
          </p>
        </div>
      </div>
      <div
        className="jp-MoietyActions jp-MoietyVersion-actions"
        role="group"
        aria-labelledby={titleId}
      >
        {hasPrevious && (
          <button
            type="button"
            className="jp-mod-styled jp-mod-reject"
            data-testid="moiety-version-changes"
            onClick={() => onCompare(model.compare(version.commit))}
          >
            Changes
          </button>
        )}
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          data-testid="moiety-version-vs-working"
          onClick={() => onCompare(model.compare(version.commit, true))}
        >
          Compare with now
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          disabled={busy}
          data-testid="moiety-version-restore"
          onClick={() => void restore()}
        >
          {busy ? 'Restoring…' : 'Restore…'}
        </button>
      </div>
      {error && <ErrorNotice message={error} onDismiss={() => setError('')} />}
    </li>
  );
}

export { WORKING };
