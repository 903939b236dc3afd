/**
 * Feed events in plain words: who did what, where. Pure functions over the
 * event JSON, so every kind is unit tested; the views add "when".
 */
import type { IFeedEvent } from '../api/types';

/** Kinds of events as the Activity filter groups them. */
export const KIND_GROUPS: { label: string; kinds: string[] }[] = [
  { label: 'Everything', kinds: [] },
  {
    label: 'Posts and shared molecules',
    kinds: ['post.created', 'molecule.shared']
  },
  {
    label: 'Comments',
    kinds: [
      'thread.opened',
      'comment.added',
      'comment.edited',
      'comment.deleted',
      'thread.resolved',
      'thread.reopened'
    ]
  },
  {
    label: 'Files',
    kinds: ['file.created', 'file.saved', 'file.renamed', 'file.deleted']
  },
  { label: 'Versions', kinds: ['snapshot.created', 'version.restored'] },
  { label: 'Compounds', kinds: ['compounds.changed'] },
  { label: 'Projects and members', kinds: ['project.created', 'member.joined'] }
];

/** An event as a sentence: `actor` `verb` [`path`] [`detail`]. */
export interface IDescription {
  verb: string;
  /** The file the event is about, shown as a link when it can be opened. */
  path: string | null;
  /** More words after the path (counts, the old name, a message). */
  detail: string;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Describe an event in plain words. */
export function describeEvent(event: IFeedEvent): IDescription {
  const data = event.data ?? {};
  const path = event.path || null;
  switch (event.kind) {
    case 'project.created':
      return { verb: 'created the project', path: null, detail: '' };
    case 'member.joined':
      return { verb: 'joined the project', path: null, detail: '' };
    case 'file.created':
      return { verb: 'created', path, detail: '' };
    case 'file.saved': {
      const saves = count(data.count);
      return {
        verb: 'saved',
        path,
        detail: saves > 1 ? `(${plural(saves, 'save')})` : ''
      };
    }
    case 'file.renamed': {
      const from = text(data.from);
      return {
        verb: from ? `renamed ${from} to` : 'renamed a file to',
        path,
        detail: ''
      };
    }
    case 'file.deleted':
      return { verb: 'deleted', path: null, detail: path ?? 'a file' };
    case 'snapshot.created': {
      const paths = Array.isArray(data.paths) ? data.paths.length : 0;
      const message = text(data.message).split('\n')[0];
      return {
        verb: 'took a snapshot',
        path: paths === 1 && path ? path : null,
        detail:
          (paths > 1 ? `of ${plural(paths, 'file')}` : '') +
          (message ? `${paths > 1 ? ': ' : ''}“${message}”` : '')
      };
    }
    case 'version.restored':
      return { verb: 'restored an earlier version of', path, detail: '' };
    case 'post.created':
      return { verb: 'posted', path: null, detail: '' };
    case 'thread.opened':
      return { verb: 'started a comment thread on', path, detail: '' };
    case 'comment.added':
      return { verb: 'commented on', path, detail: '' };
    case 'thread.resolved':
      return { verb: 'resolved a comment thread on', path, detail: '' };
    case 'thread.reopened':
      return { verb: 'reopened a comment thread on', path, detail: '' };
    case 'comment.edited':
      return { verb: 'edited a comment on', path, detail: '' };
    case 'comment.deleted':
      return { verb: 'deleted a comment on', path, detail: '' };
    case 'compounds.changed': {
      const parts = [
        ['added', count(data.added)],
        ['removed', count(data.removed)],
        ['changed', count(data.changed)]
      ]
        .filter(([, n]) => (n as number) > 0)
        .map(([what, n]) => `${n} ${what}`);
      return {
        verb: 'changed compounds in',
        path,
        detail: parts.length ? `(${parts.join(', ')})` : ''
      };
    }
    case 'molecule.shared':
      return {
        verb: 'shared a molecule',
        path: path ? path : null,
        detail: ''
      };
    default:
      return { verb: event.summary || event.kind, path, detail: '' };
  }
}

/** The notebook cell an event is about, if any. */
export function cellOf(event: IFeedEvent): string | null {
  const data = event.data ?? {};
  const anchor = data.anchor as Record<string, unknown> | undefined;
  const cell = data.cell_id ?? anchor?.cell_id;
  return typeof cell === 'string' && cell ? cell : null;
}

/** The text-file line (counted from 1) an event is about, if any. */
export function lineOf(event: IFeedEvent): number | null {
  const anchor = (event.data ?? {}).anchor as
    Record<string, unknown> | undefined;
  const line = anchor?.line ?? (event.data ?? {}).line;
  return typeof line === 'number' ? line : null;
}

/** The plain-text excerpt of a comment an event carries, if any. */
export function excerptOf(event: IFeedEvent): string | null {
  const excerpt = (event.data ?? {}).excerpt;
  return typeof excerpt === 'string' && excerpt ? excerpt : null;
}

/** The comment thread an event is about, if any. */
export function threadOf(event: IFeedEvent): number | null {
  const data = event.data ?? {};
  const thread = data.thread_id ?? data.thread;
  if (typeof thread === 'number') {
    return thread;
  }
  if (thread && typeof thread === 'object') {
    const id = (thread as Record<string, unknown>).id;
    return typeof id === 'number' ? id : null;
  }
  return null;
}

/** The markdown body an event carries (posts and comments), if any. */
export function bodyOf(event: IFeedEvent): string | null {
  const body = (event.data ?? {}).body;
  return typeof body === 'string' && body ? body : null;
}

/** The most structures a `compounds.changed` event shows. */
const HIGHLIGHTS = 4;

/** The molecules an event carries, if any. */
export function moleculesOfEvent(
  event: IFeedEvent
): { smiles: string; name?: string | null }[] {
  const data = event.data ?? {};
  const found: { smiles: string; name?: string | null }[] = [];
  const add = (value: unknown) => {
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.smiles === 'string' && record.smiles) {
        found.push({
          smiles: record.smiles,
          name: typeof record.name === 'string' ? record.name : null
        });
      }
    }
  };
  if (Array.isArray(data.molecules)) {
    data.molecules.forEach(add);
  }
  if (event.kind === 'molecule.shared') {
    add(data.molecule ?? data);
  }
  if (event.kind === 'compounds.changed' && Array.isArray(data.highlights)) {
    // `{change, key, name, smiles, ...}`: the caption says what happened to it.
    for (const item of data.highlights.slice(0, HIGHLIGHTS)) {
      const record = (item ?? {}) as Record<string, unknown>;
      const change = text(record.change);
      const name = text(record.name);
      add({
        smiles: record.smiles,
        name: change ? (name ? `${name} (${change})` : change) : name || null
      });
    }
  }
  return found.slice(0, 12);
}

/** A notification in plain words (without the time). */
export function describeNotification(notification: {
  reason: string;
  event: IFeedEvent;
}): string {
  const event = notification.event;
  const where = event.path ? ` on ${event.path}` : '';
  const isPost = event.kind === 'post.created';
  switch (notification.reason) {
    case 'mention':
      return isPost
        ? `${event.actor} mentioned you in a post`
        : `${event.actor} mentioned you in a comment${where}`;
    case 'reply':
      return `${event.actor} replied to a thread you are in${where}`;
    default: {
      const d = describeEvent(event);
      return [event.actor, d.verb, d.path ?? '', d.detail]
        .filter(Boolean)
        .join(' ');
    }
  }
}
