/**
 * The bell in the top bar: your unread notifications' count, and the list
 * (loaded on first click) in a popup under it. Small: in the startup bundle.
 */
import { bellIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import type { INotification } from '../api/types';
import type { NotificationsModel } from './model';

/** What the popup does with a notification that was clicked. */
export type OpenNotification = (notification: INotification) => Promise<void>;

export class NotificationBell extends Widget {
  constructor(
    private readonly _model: NotificationsModel,
    private readonly _open: OpenNotification
  ) {
    super();
    this.id = 'moiety-notifications-bell';
    this.addClass('jp-MoietyBell');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-MoietyBell-button';
    button.setAttribute('aria-haspopup', 'dialog');
    button.setAttribute('aria-expanded', 'false');
    button.dataset.testid = 'moiety-bell';
    button.appendChild(
      bellIcon.element({ tag: 'span', className: 'jp-MoietyBell-icon' })
    );
    this._count = document.createElement('span');
    this._count.className = 'jp-MoietyBell-count';
    this._count.setAttribute('aria-hidden', 'true');
    button.appendChild(this._count);
    button.addEventListener('click', () => void this.toggle());
    this.node.appendChild(button);
    this._button = button;
    _model.changed.connect(this._render, this);
    this._render();
  }

  /** The button (for focus return and positioning). */
  get button(): HTMLButtonElement {
    return this._button;
  }

  /** Open or close the list. */
  async toggle(): Promise<void> {
    if (this._popup && !this._popup.isDisposed) {
      this._popup.dispose();
      return;
    }
    const { NotificationsPopup } = await import('./popup');
    void this._model.refresh();
    const popup = new NotificationsPopup(this._model, this._open, this._button);
    popup.disposed.connect(() => {
      this._button.setAttribute('aria-expanded', 'false');
      this._popup = null;
    });
    this._popup = popup;
    this._button.setAttribute('aria-expanded', 'true');
    popup.show();
  }

  private _render(): void {
    const unread = this._model.unreadCount;
    this._count.textContent =
      unread > 99 ? '99+' : unread ? String(unread) : '';
    this._count.hidden = unread === 0;
    const label =
      unread === 0
        ? 'Notifications: none unread'
        : `Notifications: ${unread} unread`;
    this._button.setAttribute('aria-label', label);
    this._button.title = label;
    this.toggleClass('jp-mod-unread', unread > 0);
  }

  private readonly _button: HTMLButtonElement;
  private readonly _count: HTMLSpanElement;
  private _popup: Widget | null = null;
}
