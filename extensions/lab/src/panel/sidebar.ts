/**
 * The Moiety sidebar: a light shell that is in the startup bundle (it only
 * carries the tab's icon and title) and loads its content on demand, the
 * first time it is shown.
 */
import type { Message } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';

import { moietyIcon } from '../icons';

/** The sidebar's widget id (stable: layout restoration and tests use it). */
export const PANEL_ID = 'moiety-panel';

export class MoietySidebar extends Panel {
  /**
   * @param loadContent - builds the content; typically a dynamic import.
   */
  constructor(private readonly _loadContent: () => Promise<Widget>) {
    super();
    this.id = PANEL_ID;
    this.addClass('jp-MoietyPanel');
    this.title.icon = moietyIcon;
    this.title.caption = 'Moiety';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Moiety');

    const header = new Widget();
    header.addClass('jp-MoietyPanel-header');
    const h2 = document.createElement('h2');
    h2.textContent = 'Moiety';
    header.node.appendChild(h2);
    this.addWidget(header);

    this._placeholder = new Widget();
    this._placeholder.addClass('jp-MoietyPanel-muted');
    this._placeholder.node.textContent = 'Loading…';
    this._placeholder.node.setAttribute('role', 'status');
    this.addWidget(this._placeholder);
  }

  /** Resolves once the content is loaded (tests and commands may wait on it). */
  ensureContent(): Promise<void> {
    if (!this._loading) {
      this._loading = this._loadContent().then(
        content => {
          this._placeholder.dispose();
          this.addWidget(content);
        },
        reason => {
          this._placeholder.node.textContent = `The Moiety panel could not load: ${String(reason)}. Reload the page.`;
          this._placeholder.node.setAttribute('role', 'alert');
        }
      );
    }
    return this._loading;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.ensureContent();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      void this.ensureContent();
    }
  }

  private readonly _placeholder: Widget;
  private _loading: Promise<void> | null = null;
}
