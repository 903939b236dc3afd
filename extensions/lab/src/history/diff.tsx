/**
 * What the History panel's "Changes" opens in the main area: nbdime's viewer
 * for notebooks (loaded on demand), the compounds added, removed and changed
 * for compound files (with their lines below), a unified diff for text files,
 * a note for binary or very large files.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget, historyIcon } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';
import * as React from 'react';

import type { IDiffAnswer } from '../api/types';
import { ViewContext } from '../common/components';
import { strictSanitizer } from '../common/render';
import { CompoundDiffView } from './compoundDiff';
import { shortCommit } from './model';
import type { IDepictions } from '../tokens';

/** One line of a unified diff, with how to show it. */
export interface IDiffLine {
  kind: 'add' | 'del' | 'hunk' | 'meta' | 'context';
  text: string;
}

/** Split a unified diff into classified lines. */
export function parseUnifiedDiff(diff: string): IDiffLine[] {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map(text => {
      if (text.startsWith('+++') || text.startsWith('---')) {
        return { kind: 'meta', text };
      }
      if (text.startsWith('@@')) {
        return { kind: 'hunk', text };
      }
      if (text.startsWith('+')) {
        return { kind: 'add', text };
      }
      if (text.startsWith('-')) {
        return { kind: 'del', text };
      }
      if (text.startsWith('\\')) {
        return { kind: 'meta', text };
      }
      return { kind: 'context', text };
    });
}

function TextDiff({ diff }: { diff: string }): JSX.Element {
  const lines = parseUnifiedDiff(diff);
  return (
    <pre className="jp-MoietyTextDiff" aria-label="Changes, line by line">
      {lines.map((line, i) => (
        <span key={i} className={`jp-MoietyTextDiff-${line.kind}`}>
          {line.kind === 'add' && (
            <span className="jp-MoietyVisuallyHidden">added: </span>
          )}
          {line.kind === 'del' && (
            <span className="jp-MoietyVisuallyHidden">removed: </span>
          )}
          {line.text}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

function Note({ text }: { text: string }): JSX.Element {
  return <p className="jp-MoietyDiffNote">{text}</p>;
}

/** The title of a comparison: "a.ipynb: 1a2b3c4d → working copy". */
export function diffTitle(answer: IDiffAnswer): string {
  const name = answer.path.split('/').pop() ?? answer.path;
  return `${name}: ${shortCommit(answer.from)} → ${shortCommit(answer.to)}`;
}

/** What a diff view needs besides the answer. */
export interface IDiffViewOptions {
  /** Where molecules are drawn (without it, SMILES are shown). */
  depictions?: IDepictions;
}

/** A unified diff behind a disclosure, drawn only once opened. */
function FoldedLines({ diff }: { diff: string }): JSX.Element {
  const [open, setOpen] = React.useState(false);
  return (
    <details
      className="jp-MoietyCompoundDiff-lines"
      onToggle={event => setOpen((event.target as HTMLDetailsElement).open)}
    >
      <summary>The file line by line</summary>
      {open && <TextDiff diff={diff} />}
    </details>
  );
}

/** A compound file's diff: its compounds, then its lines folded away. */
function CompoundFileDiff({
  answer,
  depictions
}: {
  answer: IDiffAnswer;
  depictions: IDepictions | null;
}): JSX.Element {
  return (
    <ViewContext.Provider value={{ markdownParser: null, depictions }}>
      <CompoundDiffView diff={answer.compounds!} />
      {answer.kind === 'text' && typeof answer.diff === 'string' && (
        <FoldedLines diff={answer.diff} />
      )}
    </ViewContext.Provider>
  );
}

/** Build the main-area widget showing a diff. */
export async function createDiffWidget(
  answer: IDiffAnswer,
  rendermime: IRenderMimeRegistry | null,
  options: IDiffViewOptions = {}
): Promise<MainAreaWidget> {
  let content: Widget;
  if (answer.identical) {
    content = ReactWidget.create(
      <Note text="These two versions are the same." />
    );
  } else if (answer.compounds) {
    content = ReactWidget.create(
      <CompoundFileDiff
        answer={answer}
        depictions={options.depictions ?? null}
      />
    );
  } else if (answer.kind === 'notebook' && rendermime) {
    const { notebookDiffWidget } = await import('./nbdiff');
    content = await notebookDiffWidget(
      answer.base,
      answer.diff,
      rendermime.clone({ sanitizer: strictSanitizer() })
    );
  } else if (answer.kind === 'text' || answer.kind === 'notebook') {
    content = ReactWidget.create(
      <>
        {answer.notebook_error && (
          <Note text={`Shown as text: ${answer.notebook_error}.`} />
        )}
        {answer.compounds_error && (
          <Note
            text={`Compounds not compared: ${answer.compounds_error.message}`}
          />
        )}
        <TextDiff diff={typeof answer.diff === 'string' ? answer.diff : ''} />
      </>
    );
  } else if (answer.kind === 'binary') {
    content = ReactWidget.create(
      <Note
        text={`A binary file: ${answer.from_size ?? '?'} bytes before, ${answer.to_size ?? '?'} bytes after. It cannot be compared line by line.`}
      />
    );
  } else {
    content = ReactWidget.create(
      <Note
        text={`Too large to compare here (${answer.from_size ?? '?'} and ${answer.to_size ?? '?'} bytes).`}
      />
    );
  }
  const wrapper = new Panel();
  wrapper.addClass('jp-MoietyDiff');
  wrapper.addWidget(content);
  const widget = new MainAreaWidget({ content: wrapper });
  widget.id = `moiety-diff-${answer.path}-${answer.from}-${answer.to}`;
  widget.title.label = diffTitle(answer);
  widget.title.caption = `Changes to ${answer.path} from ${shortCommit(answer.from)} to ${shortCommit(answer.to)}`;
  widget.title.icon = historyIcon;
  widget.title.closable = true;
  return widget;
}
