/**
 * A JupyterLab side panel whose content is loaded the first time it is shown
 * (a dynamic import), so that only this light shell is in the startup bundle.
 */
import { LabIcon, SidePanel } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';

export interface ILazySidePanelOptions {
  /** Stable id (layout restoration and tests use it). */
  id: string;
  /** The tab's caption and the panel's heading. */
  label: string;
  icon: LabIcon;
  /** Builds the content (typically `import()` then a factory). */
  load: () => Promise<Widget>;
}

export class LazySidePanel extends SidePanel {
  constructor(options: ILazySidePanelOptions) {
    // A plain panel: the default accordion would add a section title bar.
    super({ content: new Panel() });
    this.id = options.id;
    this._load = options.load;
    this.addClass('jp-MoietySidePanel');
    this.title.icon = options.icon;
    this.title.caption = options.label;
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', options.label);

    const heading = new Widget({ node: document.createElement('h2') });
    heading.addClass('jp-MoietySidePanel-title');
    heading.node.textContent = options.label;
    this.header.addWidget(heading);

    this._placeholder = new Widget();
    this._placeholder.addClass('jp-MoietySidePanel-placeholder');
    this._placeholder.node.textContent = 'Loading…';
    this._placeholder.node.setAttribute('role', 'status');
    this.addWidget(this._placeholder);
  }

  /** Emitted when the panel is shown (true) or hidden (false). */
  get visibilityChanged(): ISignal<this, boolean> {
    return this._visibilityChanged;
  }

  /** The loaded content, once loaded. */
  get loaded(): Widget | null {
    return this._loadedContent;
  }

  /** Resolves once the content is loaded (commands may wait on it). */
  ensureContent(): Promise<Widget | null> {
    if (!this._loading) {
      this._loading = this._load().then(
        content => {
          this._placeholder.dispose();
          this._loadedContent = content;
          this.addWidget(content);
          return content;
        },
        reason => {
          console.error(
            `Moiety: the ${this.title.caption} panel failed`,
            reason
          );
          this._placeholder.node.textContent = `The ${this.title.caption} panel could not load: ${String(
            reason
          )}. Reload the page.`;
          this._placeholder.node.setAttribute('role', 'alert');
          return null;
        }
      );
    }
    return this._loading;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.ensureContent();
    this._visibilityChanged.emit(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._visibilityChanged.emit(false);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      void this.ensureContent();
    }
  }

  private readonly _load: () => Promise<Widget>;
  private readonly _placeholder: Widget;
  private _loadedContent: Widget | null = null;
  private _loading: Promise<Widget | null> | null = null;
  private readonly _visibilityChanged = new Signal<this, boolean>(this);
}
