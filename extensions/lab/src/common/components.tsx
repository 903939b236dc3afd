/**
 * React pieces the Moiety panels share: markdown bodies (sanitized), times,
 * errors in place, empty states, molecules, reactions, people, and a text box
 * that completes @mentions. Loaded with the panels (never at start).
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { ISignal } from '@lumino/signaling';
import * as React from 'react';

import type { MentionCompleter } from '../activity/composer';
import type { IMolecule, IReaction } from '../api/types';
import { renderUserMarkdown } from './render';
import { MENTION_ATTRIBUTE, TAG_ATTRIBUTE } from './sanitize';
import { absoluteTime, relativeTime } from './time';
import { messageOf } from '../api/errors';
import type { IDepictions } from '../tokens';

/** What views need from the page, given once at the root. */
export interface IViewContext {
  /** JupyterLab's markdown parser (null: bodies shown as text). */
  markdownParser: IRenderMime.IMarkdownParser | null;
  /** Where molecules are drawn (null: shown as SMILES). */
  depictions: IDepictions | null;
  /** A tag chip was clicked. */
  onTag?: (tag: string) => void;
  /** A person's name was clicked. */
  onPerson?: (name: string) => void;
}

export const ViewContext = React.createContext<IViewContext>({
  markdownParser: null,
  depictions: null
});

/** Re-render when a signal fires. */
export function useSignal(signal: ISignal<unknown, unknown>): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const bump = () => setTick(n => n + 1);
    signal.connect(bump);
    return () => {
      signal.disconnect(bump);
    };
  }, [signal]);
}

/** Re-render every minute (relative times). */
export function useMinuteTicker(): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const timer = setInterval(() => setTick(n => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
}

/** A user's markdown body, rendered through the sanitizing pipeline. */
export function Markdown({
  source,
  className
}: {
  source: string;
  className?: string;
}): JSX.Element {
  const context = React.useContext(ViewContext);
  const ref = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    const host = ref.current;
    if (!host) {
      return;
    }
    let cancelled = false;
    const scratch = host.ownerDocument.createElement('div');
    void renderUserMarkdown(scratch, source, context.markdownParser).then(
      () => {
        if (!cancelled) {
          host.replaceChildren(...Array.from(scratch.childNodes));
        }
      },
      reason => {
        if (!cancelled) {
          host.textContent = source;
          console.warn('Moiety: could not render markdown', reason);
        }
      }
    );
    return () => {
      cancelled = true;
    };
  }, [source, context.markdownParser]);

  const onClick = (event: React.MouseEvent) => {
    const target = event.target as HTMLElement;
    const tag = target.closest(`[${TAG_ATTRIBUTE}]`);
    if (tag && context.onTag) {
      context.onTag(tag.getAttribute(TAG_ATTRIBUTE)!);
      return;
    }
    const mention = target.closest(`[${MENTION_ATTRIBUTE}]`);
    if (mention && context.onPerson) {
      context.onPerson(mention.getAttribute(MENTION_ATTRIBUTE)!);
    }
  };
  return (
    // Clicking a chip is a shortcut; the filters reach the same by keyboard.
    <div
      ref={ref}
      className={`jp-MoietyMarkdown jp-RenderedHTMLCommon ${className ?? ''}`}
      onClick={onClick}
    />
  );
}

/** A relative time with the full date as its tooltip. */
export function Time({ iso }: { iso: string }): JSX.Element {
  return (
    <time className="jp-MoietyTime" dateTime={iso} title={absoluteTime(iso)}>
      {relativeTime(iso)}
    </time>
  );
}

/** An error where it happened, with the server's own message. */
export function ErrorNotice({
  message,
  onRetry,
  onDismiss,
  testId
}: {
  message: string;
  onRetry?: () => void;
  onDismiss?: () => void;
  testId?: string;
}): JSX.Element {
  return (
    <div className="jp-MoietyError" role="alert" data-testid={testId}>
      <p>{message}</p>
      {(onRetry || onDismiss) && (
        <div className="jp-MoietyError-actions">
          {onRetry && (
            <button
              type="button"
              className="jp-mod-styled jp-mod-accept"
              onClick={onRetry}
            >
              Try again
            </button>
          )}
          {onDismiss && (
            <button
              type="button"
              className="jp-mod-styled jp-mod-reject"
              onClick={onDismiss}
            >
              Dismiss
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** What an empty list means and what to do about it. */
export function EmptyState({
  title,
  children,
  testId
}: {
  title: string;
  children?: React.ReactNode;
  testId?: string;
}): JSX.Element {
  return (
    <div className="jp-MoietyEmpty" data-testid={testId}>
      <p className="jp-MoietyEmpty-title">{title}</p>
      {children && <div className="jp-MoietyEmpty-body">{children}</div>}
    </div>
  );
}

/** A polite status line (loading, live state). */
export function Status({
  children,
  testId
}: {
  children: React.ReactNode;
  testId?: string;
}): JSX.Element {
  return (
    <p
      className="jp-MoietyStatus"
      role="status"
      aria-live="polite"
      data-testid={testId}
    >
      {children}
    </p>
  );
}

/** Depictions of molecules, the SMILES as alt text, names as captions. */
export function Molecules({
  molecules
}: {
  molecules: IMolecule[];
}): JSX.Element | null {
  const { depictions } = React.useContext(ViewContext);
  const [, setReady] = React.useState(false);
  React.useEffect(() => {
    let mounted = true;
    depictions?.depictReady.then(
      () => mounted && setReady(true),
      () => undefined
    );
    return () => {
      mounted = false;
    };
  }, [depictions]);
  if (!molecules.length) {
    return null;
  }
  return (
    <ul className="jp-MoietyMolecules" aria-label="Molecules">
      {molecules.map((molecule, i) => {
        const src = depictions?.depictUrl(molecule.smiles, 160, 120) ?? null;
        return (
          <li key={`${molecule.smiles}-${i}`} className="jp-MoietyMolecule">
            <figure>
              {src ? (
                <img
                  src={src}
                  alt={molecule.smiles}
                  title={molecule.smiles}
                  width={160}
                  height={120}
                  loading="lazy"
                />
              ) : (
                <code>{molecule.smiles}</code>
              )}
              {molecule.name && <figcaption>{molecule.name}</figcaption>}
            </figure>
          </li>
        );
      })}
    </ul>
  );
}

/** Emoji people can react with. */
export const REACTION_CHOICES = ['👍', '🎉', '👀', '🧪', '❓'];

const REACTION_NAMES: Record<string, string> = {
  '👍': 'thumbs up',
  '🎉': 'celebrate',
  '👀': 'looking',
  '🧪': 'test it',
  '❓': 'question'
};

/** Reactions as toggle buttons, and a way to add one. */
export function Reactions({
  reactions,
  onToggle,
  label
}: {
  reactions: IReaction[];
  onToggle: (emoji: string) => Promise<void>;
  label: string;
}): JSX.Element {
  const [picking, setPicking] = React.useState(false);
  const [error, setError] = React.useState('');
  const toggle = (emoji: string) => {
    setPicking(false);
    onToggle(emoji).then(
      () => setError(''),
      reason => setError(messageOf(reason))
    );
  };
  const shown = reactions.filter(r => r.count > 0);
  return (
    <div className="jp-MoietyReactions" role="group" aria-label={label}>
      {shown.map(r => (
        <button
          key={r.emoji}
          type="button"
          className={`jp-MoietyReaction ${r.reacted ? 'jp-mod-active' : ''}`}
          aria-pressed={r.reacted}
          aria-label={`${REACTION_NAMES[r.emoji] ?? r.emoji}: ${r.count}${r.reacted ? ', including you' : ''}`}
          onClick={() => toggle(r.emoji)}
        >
          <span aria-hidden="true">{r.emoji}</span> {r.count}
        </button>
      ))}
      <button
        type="button"
        className="jp-MoietyReaction jp-MoietyReaction-add"
        aria-expanded={picking}
        aria-label="Add a reaction"
        title="Add a reaction"
        onClick={() => setPicking(!picking)}
      >
        <span aria-hidden="true">☺+</span>
      </button>
      {picking && (
        <span className="jp-MoietyReaction-picker">
          {REACTION_CHOICES.map(emoji => (
            <button
              key={emoji}
              type="button"
              className="jp-MoietyReaction"
              aria-label={`React with ${REACTION_NAMES[emoji]}`}
              onClick={() => toggle(emoji)}
              onKeyDown={event => {
                if (event.key === 'Escape') {
                  setPicking(false);
                }
              }}
            >
              <span aria-hidden="true">{emoji}</span>
            </button>
          ))}
        </span>
      )}
      {error && (
        <span className="jp-MoietyInlineError" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** A person: initials in a circle (colour from the name), as text. */
export function Avatar({ name }: { name: string }): JSX.Element {
  let hash = 0;
  for (const c of name) {
    hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  }
  return (
    <span
      className={`jp-MoietyAvatar jp-MoietyAvatar-${hash % 6}`}
      aria-hidden="true"
    >
      {(name[0] ?? '?').toUpperCase()}
    </span>
  );
}

/** A person's name; a button that filters by them when the view allows. */
export function Person({ name }: { name: string }): JSX.Element {
  const { onPerson } = React.useContext(ViewContext);
  if (!onPerson) {
    return <strong className="jp-MoietyPerson">{name}</strong>;
  }
  return (
    <button
      type="button"
      className="jp-MoietyLinkButton jp-MoietyPerson"
      title={`Show the activity of ${name}`}
      onClick={() => onPerson(name)}
    >
      {name}
    </button>
  );
}

let boxCounter = 0;

/**
 * A markdown text box that completes @mentions of a project's members
 * (arrow keys, Enter or Tab to choose, Escape to stop) and sends with
 * Ctrl+Enter.
 */
export function MentionTextarea({
  value,
  onChange,
  completer,
  project,
  label,
  placeholder,
  onSubmit,
  disabled,
  autoFocus,
  testId,
  rows
}: {
  value: string;
  onChange: (value: string) => void;
  completer: MentionCompleter;
  project: string;
  label: string;
  placeholder?: string;
  onSubmit?: () => void;
  disabled?: boolean;
  autoFocus?: boolean;
  testId?: string;
  rows?: number;
}): JSX.Element {
  useSignal(completer.changed);
  const [id] = React.useState(() => `jp-moiety-box-${++boxCounter}`);
  const ref = React.useRef<HTMLTextAreaElement>(null);
  const caretAfter = React.useRef<number | null>(null);
  const candidates = completer.candidates;
  const open = candidates.length > 0;

  React.useLayoutEffect(() => {
    if (caretAfter.current !== null && ref.current) {
      ref.current.setSelectionRange(caretAfter.current, caretAfter.current);
      caretAfter.current = null;
    }
  });

  const choose = (index?: number) => {
    const chosen = completer.choose(value, index);
    if (chosen) {
      caretAfter.current = chosen.caret;
      onChange(chosen.text);
      ref.current?.focus();
    }
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        completer.move(event.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        choose();
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        completer.dismiss();
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && onSubmit) {
      event.preventDefault();
      onSubmit();
    }
  };

  return (
    <div className="jp-MoietyMentionBox">
      <textarea
        ref={ref}
        className="jp-MoietyTextarea"
        value={value}
        rows={rows ?? 3}
        aria-label={label}
        placeholder={placeholder}
        disabled={disabled}
        autoFocus={autoFocus}
        data-testid={testId}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-activedescendant={open ? `${id}-${completer.active}` : undefined}
        onChange={event => {
          onChange(event.target.value);
          void completer.update(
            project,
            event.target.value,
            event.target.selectionStart ?? event.target.value.length
          );
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => completer.dismiss(), 150)}
      />
      <ul
        id={`${id}-list`}
        role="listbox"
        aria-label="People to mention"
        className="jp-MoietyCompletions"
        hidden={!open}
      >
        {candidates.map((name, i) => (
          <li
            key={name}
            id={`${id}-${i}`}
            role="option"
            aria-selected={i === completer.active}
            className={i === completer.active ? 'jp-mod-active' : ''}
            onMouseDown={event => {
              event.preventDefault();
              choose(i);
            }}
          >
            <Avatar name={name} /> @{name}
          </li>
        ))}
      </ul>
    </div>
  );
}
