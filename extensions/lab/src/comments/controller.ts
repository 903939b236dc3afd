/**
 * Comments in a project server: one ThreadsModel per file, kept live from
 * the feed stream; badges on the cells of open notebooks; the document the
 * Comments panel shows; the thread being started ("Comment" on a cell or a
 * line) and the thread to bring into view. Loaded when first needed.
 */
import type { ILabShell } from '@jupyterlab/application';
import type { IDocumentWidget } from '@jupyterlab/docregistry';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import { MentionCompleter } from '../activity/composer';
import type { IFeedRequester } from '../activity/model';
import type { IAnchor, IProject, IThread } from '../api/types';
import { WatchesModel } from '../notifications/watches';
import type { IMe, IMoietyLive } from '../tokens';
import { CellBadges } from './badges';
import { ThreadsModel, moderates } from './model';

/** The document the Comments panel is about. */
export interface ICommentTarget {
  path: string;
  kind: 'notebook' | 'text';
  widget: IDocumentWidget;
}

/** A thread being started. */
export interface IDraft {
  path: string;
  anchor: IAnchor;
  /** Where, in words ("Cell 3", "Line 12"). */
  label: string;
}

export class CommentsController {
  constructor(options: {
    client: IFeedRequester;
    live: IMoietyLive;
    project: string;
    user: () => string | null;
    shell: ILabShell | null;
    showPanel: () => void;
  }) {
    this._client = options.client;
    this.project = options.project;
    this._user = options.user;
    this._shell = options.shell;
    this._showPanel = options.showPanel;
    this.completer = new MentionCompleter(options.client);
    this.watches = new WatchesModel(options.client);
    void this.watches.load();
    void this._loadModeration();
    options.live.feed.connect((_, event) => {
      if (event.project === this.project && event.path) {
        this._models.get(event.path)?.onEvent(event);
      }
    });
    options.live.connect();
  }

  readonly project: string;
  /** @mention completion for every comment box. */
  readonly completer: MentionCompleter;
  /** The files and projects you watch. */
  readonly watches: WatchesModel;

  /** Emitted when the target, the draft or the focused thread change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get target(): ICommentTarget | null {
    return this._target;
  }

  get draft(): IDraft | null {
    return this._draft;
  }

  /** The thread to bring into view once, then null. */
  takeFocus(): number | null {
    const id = this._focus;
    this._focus = null;
    return id;
  }

  /** The threads of a file of this project (created and loaded once). */
  modelFor(path: string): ThreadsModel {
    let model = this._models.get(path);
    if (!model) {
      model = new ThreadsModel({
        client: this._client,
        project: this.project,
        path,
        user: this._user()
      });
      this._models.set(path, model);
      void model.refresh();
    }
    model.user = this._user();
    model.moderator = this._moderator;
    return model;
  }

  /** Follow the current document (null when it is not a notebook or text). */
  setTarget(widget: Widget | null, kind: 'notebook' | 'text' | null): void {
    const doc = widget as IDocumentWidget | null;
    const target =
      doc && kind ? { path: doc.context.path, kind, widget: doc } : null;
    if (target?.widget === this._target?.widget) {
      return;
    }
    this._target = target;
    if (target) {
      this.modelFor(target.path);
      doc!.context.pathChanged.connect(this._onPathChanged, this);
    }
    this._changed.emit();
  }

  /** Put badges on a notebook's cells. */
  attachNotebook(panel: NotebookPanel): void {
    void panel.context.ready.then(() => {
      const model = this.modelFor(panel.context.path);
      new CellBadges(panel, model, cellId => this.showCell(panel, cellId));
    });
  }

  /** Start a thread on a cell or a line: the panel shows a comment box. */
  startDraft(target: ICommentTarget, anchor: IAnchor, label: string): void {
    this._target = target;
    this.modelFor(target.path);
    this._draft = { path: target.path, anchor, label };
    this._showPanel();
    this._changed.emit();
  }

  cancelDraft(): void {
    this._draft = null;
    this._changed.emit();
  }

  /** Send the draft as a new thread. */
  async submitDraft(body: string): Promise<void> {
    const draft = this._draft;
    if (!draft) {
      return;
    }
    const id = await this.modelFor(draft.path).create(draft.anchor, body);
    this._draft = null;
    this._focus = id;
    this._changed.emit();
  }

  /** Show a cell's threads (its badge was clicked). */
  showCell(panel: NotebookPanel, cellId: string): void {
    this.setTarget(panel, 'notebook');
    const first = this.modelFor(panel.context.path).threadsOfCell(cellId)[0];
    this._focus = first?.id ?? null;
    this._showPanel();
    this._changed.emit();
  }

  /** Show a thread of a file (from a notification or the feed). */
  showThread(path: string, threadId: number): void {
    this.modelFor(path);
    this._focus = threadId;
    this._showPanel();
    this._changed.emit();
  }

  /** Where a thread is, in words, for the current target. */
  placeOf(thread: IThread): string {
    if (thread.anchor.cell_id) {
      const index = this._cellIndex(thread.anchor.cell_id);
      if (index < 0) {
        return 'A cell that is gone';
      }
      const source = this._cellSource(index);
      return `Cell ${index + 1}${source ? `: ${source}` : ''}`;
    }
    if (typeof thread.anchor.line === 'number') {
      const end = thread.anchor.line_end;
      return end && end !== thread.anchor.line
        ? `Lines ${thread.anchor.line}–${end}`
        : `Line ${thread.anchor.line}`;
    }
    return 'The whole file';
  }

  /** The position of a thread in the document, for sorting. */
  orderOf(thread: IThread): number {
    if (thread.anchor.cell_id) {
      const index = this._cellIndex(thread.anchor.cell_id);
      return index < 0 ? Number.MAX_SAFE_INTEGER : index;
    }
    return thread.anchor.line ?? -1;
  }

  /** Bring a thread's cell or line into view in its document. */
  jumpTo(thread: IThread): void {
    const target = this._target;
    if (!target || target.path !== thread.path) {
      return;
    }
    this._shell?.activateById(target.widget.id);
    if (thread.anchor.cell_id && target.kind === 'notebook') {
      const notebook = (target.widget as NotebookPanel).content;
      const index = this._cellIndex(thread.anchor.cell_id);
      if (index >= 0) {
        notebook.activeCellIndex = index;
        void notebook.scrollToCell(notebook.widgets[index], 'center');
      }
    } else if (typeof thread.anchor.line === 'number') {
      const editor = (
        target.widget.content as unknown as {
          editor?: {
            setCursorPosition(p: { line: number; column: number }): void;
            revealPosition(p: { line: number; column: number }): void;
            focus(): void;
          };
        }
      ).editor;
      const position = { line: Math.max(0, thread.anchor.line - 1), column: 0 };
      editor?.setCursorPosition(position);
      editor?.revealPosition(position);
      editor?.focus();
    }
  }

  private _cellIndex(cellId: string): number {
    const target = this._target;
    if (!target || target.kind !== 'notebook') {
      return -1;
    }
    const cells = (target.widget as NotebookPanel).content.model?.cells;
    if (!cells) {
      return -1;
    }
    for (let i = 0; i < cells.length; i++) {
      if (cells.get(i).id === cellId) {
        return i;
      }
    }
    return -1;
  }

  private _cellSource(index: number): string {
    const cells = (this._target!.widget as NotebookPanel).content.model?.cells;
    const source = cells?.get(index).sharedModel.getSource() ?? '';
    const line = source.split('\n').find(l => l.trim()) ?? '';
    return line.length > 48 ? `${line.slice(0, 47)}…` : line;
  }

  /** Whether you lead one of the project's teams or are an admin: then
   * you may delete others' comments (the service checks it again). */
  private async _loadModeration(): Promise<void> {
    try {
      const [me, project] = await Promise.all([
        this._client.request<IMe>('api/me'),
        this._client.request<IProject>(
          `api/projects/${encodeURIComponent(this.project)}`
        )
      ]);
      this._moderator = moderates(me, project?.teams ?? []);
    } catch (reason) {
      // Only the Delete buttons on others' comments stay hidden.
      console.warn('Moiety: could not learn who moderates comments', reason);
      this._moderator = false;
    }
    for (const model of this._models.values()) {
      model.moderator = this._moderator;
    }
  }

  private _onPathChanged(): void {
    if (this._target) {
      this._target = {
        ...this._target,
        path: this._target.widget.context.path
      };
      this.modelFor(this._target.path);
      this._changed.emit();
    }
  }

  private readonly _client: IFeedRequester;
  private readonly _user: () => string | null;
  private readonly _shell: ILabShell | null;
  private readonly _showPanel: () => void;
  private readonly _models = new Map<string, ThreadsModel>();
  private _target: ICommentTarget | null = null;
  private _draft: IDraft | null = null;
  private _focus: number | null = null;
  private _moderator = false;
  private readonly _changed = new Signal<this, void>(this);
}
