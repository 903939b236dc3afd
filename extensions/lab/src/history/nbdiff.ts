/**
 * A notebook diff in nbdime's own viewer (the `nbdime` package, bundled in
 * this chunk only: nbdime's JupyterLab extension does not share it). Loaded
 * the first time someone compares two versions of a notebook.
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type * as nbformat from '@jupyterlab/nbformat';
import { Panel, Widget } from '@lumino/widgets';
import type { IDiffEntry } from 'nbdime/lib/diff/diffentries';
import { NotebookDiffModel } from 'nbdime/lib/diff/model';
import { NotebookDiffWidget } from 'nbdime/lib/diff/widget';

import 'nbdime/lib/styles/variables.css';
import 'nbdime/lib/styles/common.css';
import 'nbdime/lib/styles/diff.css';

/** nbdime's notebook diff of `base` by `diff`, ready to be shown. */
export async function notebookDiffWidget(
  base: unknown,
  diff: unknown,
  rendermime: IRenderMimeRegistry
): Promise<Widget> {
  const model = new NotebookDiffModel(
    base as nbformat.INotebookContent,
    diff as IDiffEntry[]
  );
  const widget = new NotebookDiffWidget({ model, rendermime });
  const root = new Panel();
  root.addClass('nbdime-root');
  root.addClass('jp-MoietyNbdiff');
  root.addWidget(widget);
  await widget.init();
  return root;
}
