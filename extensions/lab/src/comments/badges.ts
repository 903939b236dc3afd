/**
 * Badges on the cells of a notebook that have comment threads: the number of
 * open threads (or of all, when every one is resolved), marked when one was
 * written on an older version of the cell. A badge is a button that shows the
 * cell's threads in the Comments panel.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';

import { commentIcon } from '../icons';
import type { ICellSummary, ThreadsModel } from './model';

export const BADGE_CLASS = 'jp-MoietyCellBadge';

/** The accessible name of a badge. */
export function badgeLabel(summary: ICellSummary): string {
  const threads = (n: number) => `${n} comment thread${n === 1 ? '' : 's'}`;
  const what =
    summary.open > 0
      ? `${threads(summary.open)} open${summary.total > summary.open ? ` (${summary.total} in all)` : ''}`
      : `${threads(summary.total)}, all resolved`;
  return `${what}${summary.outdated ? '; the cell changed since' : ''}. Show comments`;
}

export class CellBadges implements IDisposable {
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _model: ThreadsModel,
    private readonly _show: (cellId: string) => void
  ) {
    _model.changed.connect(this._schedule, this);
    void _panel.context.ready.then(() => {
      if (this._disposed) {
        return;
      }
      _panel.content.model?.cells.changed.connect(this._schedule, this);
      this._schedule();
    });
    _panel.disposed.connect(() => this.dispose());
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    cancelAnimationFrame(this._frame);
    this._model.changed.disconnect(this._schedule, this);
    this._panel.content.model?.cells.changed.disconnect(this._schedule, this);
    for (const cell of this._panel.content.widgets) {
      cell.node.querySelector(`:scope > .${BADGE_CLASS}`)?.remove();
    }
  }

  /** Update the badges on the next frame (changes come in bursts). */
  private _schedule(): void {
    cancelAnimationFrame(this._frame);
    this._frame = requestAnimationFrame(() => this.update());
  }

  /** Put a badge on each cell with threads, and take the others away. */
  update(): void {
    if (this._disposed) {
      return;
    }
    const summaries = this._model.summaries();
    for (const cell of this._panel.content.widgets) {
      const cellId = cell.model.id;
      const summary = summaries.get(cellId);
      let badge = cell.node.querySelector<HTMLButtonElement>(
        `:scope > .${BADGE_CLASS}`
      );
      if (!summary) {
        badge?.remove();
        continue;
      }
      if (!badge) {
        badge = document.createElement('button');
        badge.type = 'button';
        badge.className = BADGE_CLASS;
        badge.addEventListener('click', event => {
          event.stopPropagation();
          this._show(cellId);
        });
        badge.addEventListener('mousedown', event => event.stopPropagation());
        badge.appendChild(
          commentIcon.element({
            tag: 'span',
            className: `${BADGE_CLASS}-icon`
          })
        );
        const count = document.createElement('span');
        count.className = `${BADGE_CLASS}-count`;
        badge.appendChild(count);
        cell.node.appendChild(badge);
        cell.addClass('jp-MoietyCell-hasThreads');
      }
      const shown = summary.open || summary.total;
      badge.querySelector(`.${BADGE_CLASS}-count`)!.textContent = String(shown);
      badge.classList.toggle('jp-mod-resolved', summary.open === 0);
      badge.classList.toggle('jp-mod-outdated', summary.outdated);
      badge.dataset.open = String(summary.open);
      badge.setAttribute('aria-label', badgeLabel(summary));
      badge.title = badgeLabel(summary);
    }
  }

  private _disposed = false;
  private _frame = 0;
}
