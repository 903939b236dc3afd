/**
 * The list of notifications under the bell: newest first, unread ones marked,
 * each opening the thread or post it is about; "Mark all as read". Closes on
 * Escape or a click elsewhere and gives the focus back to the bell.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { INotification } from '../api/types';
import {
  EmptyState,
  ErrorNotice,
  Status,
  Time,
  useSignal
} from '../common/components';
import { describeNotification } from '../common/describe';
import type { OpenNotification } from './bell';
import type { NotificationsModel } from './model';

export class NotificationsPopup extends Widget {
  constructor(
    private readonly _model: NotificationsModel,
    private readonly _open: OpenNotification,
    private readonly _anchor: HTMLElement
  ) {
    super();
    this.addClass('jp-MoietyNotifications');
    this.node.setAttribute('role', 'dialog');
    this.node.setAttribute('aria-label', 'Notifications');
    this.node.dataset.testid = 'moiety-notifications';
    this._content = ReactWidget.create(
      <List
        model={_model}
        onOpen={notification => void this._choose(notification)}
        onClose={() => this.dispose()}
      />
    );
  }

  /** Attach under the bell and move the focus into the list. */
  show(): void {
    const rect = this._anchor.getBoundingClientRect();
    this.node.style.top = `${Math.round(rect.bottom + 4)}px`;
    this.node.style.right = `${Math.max(8, Math.round(window.innerWidth - rect.right))}px`;
    Widget.attach(this, document.body);
    Widget.attach(this._content, this.node);
    document.addEventListener('mousedown', this._onOutside, true);
    document.addEventListener('keydown', this._onKey, true);
    requestAnimationFrame(() => {
      const first =
        this.node.querySelector<HTMLElement>('.jp-MoietyNotification button') ??
        this.node.querySelector<HTMLElement>('button:not(:disabled)');
      first?.focus();
    });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    document.removeEventListener('mousedown', this._onOutside, true);
    document.removeEventListener('keydown', this._onKey, true);
    this._content.dispose();
    super.dispose();
    this._anchor.focus();
  }

  private async _choose(notification: INotification): Promise<void> {
    this.dispose();
    void this._model.markRead([notification.id]).catch(() => undefined);
    await this._open(notification);
  }

  private readonly _onOutside = (event: MouseEvent) => {
    const target = event.target as Node;
    if (!this.node.contains(target) && !this._anchor.contains(target)) {
      this.dispose();
    }
  };

  private readonly _onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.dispose();
    }
  };

  private readonly _content: Widget;
}

function List({
  model,
  onOpen,
  onClose
}: {
  model: NotificationsModel;
  onOpen: (notification: INotification) => void;
  onClose: () => void;
}): JSX.Element {
  useSignal(model.changed);
  const [error, setError] = React.useState('');
  return (
    <>
      <div className="jp-MoietyNotifications-header">
        <h2>Notifications</h2>
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          disabled={model.unreadCount === 0}
          data-testid="moiety-mark-all-read"
          onClick={() =>
            void model
              .markAllRead()
              .then(() => setError(''))
              .catch(reason => setError(String(reason?.message ?? reason)))
          }
        >
          Mark all as read
        </button>
        <button
          type="button"
          className="jp-MoietyLinkButton"
          aria-label="Close notifications"
          onClick={onClose}
        >
          ✕
        </button>
      </div>
      {error && <ErrorNotice message={error} />}
      {model.status === 'loading' && !model.items.length && (
        <Status>Loading notifications…</Status>
      )}
      {(model.status === 'error' || model.status === 'unavailable') && (
        <ErrorNotice
          message={model.error}
          onRetry={() => void model.refresh()}
        />
      )}
      {model.status === 'ready' && model.items.length === 0 && (
        <EmptyState
          title="No notifications."
          testId="moiety-notifications-empty"
        >
          You hear here when someone mentions you, replies to a thread you are
          in, or changes something you watch.
        </EmptyState>
      )}
      <ul
        className="jp-MoietyNotifications-list"
        aria-label="Your notifications"
      >
        {model.items.map(n => (
          <li
            key={n.id}
            className={`jp-MoietyNotification ${n.read ? '' : 'jp-mod-unread'}`}
            data-notification-id={n.id}
          >
            <button type="button" onClick={() => onOpen(n)}>
              {!n.read && (
                <span className="jp-MoietyVisuallyHidden">Unread: </span>
              )}
              <span className="jp-MoietyNotification-text">
                {describeNotification(n)}
              </span>
              <span className="jp-MoietyNotification-meta">
                {n.event.project} ·{' '}
                <Time iso={n.created_at ?? n.event.created_at} />
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
