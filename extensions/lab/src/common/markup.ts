/**
 * What a markdown body says beyond its text, as the service reads it
 * (`moiety/core/markup.py`): `#tags`, `@mentions` and molecules in fenced
 * blocks whose info string is `smiles`. Code (fenced blocks, indented blocks
 * and code spans) and URLs are skipped. Used to preview a post before it is
 * sent, to complete mentions, and to render bodies.
 */
import type { IMolecule } from '../api/types';

/** `#` then a letter, then letters, digits, `_` or `-`; not inside a word. */
export const TAG_PATTERN = /(?<![\p{L}\p{N}_&#/])#(\p{L}[\p{L}\p{N}_-]*)/gu;

/** `@` then a hub user name; not an e-mail address. */
export const MENTION_PATTERN =
  /(?<![\p{L}\p{N}_.@/+-])@([A-Za-z0-9_][A-Za-z0-9._-]*)(?![\p{L}\p{N}_])/gu;

const URL_PATTERN = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+/gi;

/** A fenced code block: its info string and its lines. */
interface IFence {
  info: string;
  body: string;
  start: number;
  end: number;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})([^\n`]*)$/;

/** The fenced blocks of a body, with their character ranges. */
export function fences(body: string): IFence[] {
  const found: IFence[] = [];
  const lines = body.split('\n');
  let offset = 0;
  let open: {
    marker: string;
    info: string;
    start: number;
    lines: string[];
  } | null = null;
  for (const line of lines) {
    const lineStart = offset;
    offset += line.length + 1;
    if (open) {
      const close = line.trim();
      if (
        close.startsWith(open.marker[0]) &&
        close.length >= open.marker.length &&
        close.split('').every(c => c === open!.marker[0])
      ) {
        found.push({
          info: open.info,
          body: open.lines.join('\n'),
          start: open.start,
          end: Math.min(body.length, offset)
        });
        open = null;
      } else {
        open.lines.push(line);
      }
      continue;
    }
    const match = FENCE_OPEN.exec(line);
    if (match) {
      open = {
        marker: match[1],
        info: match[2].trim().split(/\s+/)[0]?.toLowerCase() ?? '',
        start: lineStart,
        lines: []
      };
    }
  }
  if (open) {
    found.push({
      info: open.info,
      body: open.lines.join('\n'),
      start: open.start,
      end: body.length
    });
  }
  return found;
}

/** The text a reader sees as words: no code blocks, code spans or URLs. */
export function prose(body: string): string {
  let text = '';
  let last = 0;
  for (const fence of fences(body)) {
    text += body.slice(last, fence.start) + '\n';
    last = fence.end;
  }
  text += body.slice(last);
  return text
    .split('\n')
    .filter(line => !/^( {4}|\t)/.test(line))
    .join('\n')
    .replace(/(`+)[^`]*?\1/g, ' ')
    .replace(URL_PATTERN, ' ');
}

/** The molecules of a body: one per line of each ```smiles block. */
export function moleculesOf(body: string): IMolecule[] {
  const molecules: IMolecule[] = [];
  for (const fence of fences(body)) {
    if (fence.info !== 'smiles') {
      continue;
    }
    for (const raw of fence.body.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) {
        continue;
      }
      const [smiles, ...rest] = line.split(/\s+/);
      const name = rest.join(' ').trim();
      molecules.push(name ? { smiles, name } : { smiles });
    }
  }
  return molecules;
}

/** The body without its ```smiles blocks (shown as depictions instead). */
export function withoutMoleculeBlocks(body: string): string {
  let text = '';
  let last = 0;
  for (const fence of fences(body)) {
    if (fence.info === 'smiles') {
      text += body.slice(last, fence.start);
      last = fence.end;
    }
  }
  return (text + body.slice(last)).trim();
}

/** What a body tags, mentions and shares. */
export interface IMarkup {
  tags: string[];
  mentions: string[];
  molecules: IMolecule[];
}

/** Tags and mentions (lowercase, deduplicated, in order) and molecules. */
export function parseMarkup(body: string): IMarkup {
  const text = prose(body);
  const tags = new Set<string>();
  for (const match of text.matchAll(TAG_PATTERN)) {
    const tag = match[1].replace(/-+$/, '').toLowerCase();
    if (tag && tag.length <= 100) {
      tags.add(tag);
    }
  }
  const mentions = new Set<string>();
  for (const match of text.matchAll(MENTION_PATTERN)) {
    const name = match[1].replace(/[.-]+$/, '').toLowerCase();
    if (name) {
      mentions.add(name);
    }
  }
  return {
    tags: [...tags],
    mentions: [...mentions],
    molecules: moleculesOf(body)
  };
}

/** The `@name` being typed at the caret, if any. */
export interface IMentionQuery {
  /** Index of the `@`. */
  start: number;
  /** Index just past the typed name (the caret). */
  end: number;
  /** What was typed after `@`, lowercase. */
  prefix: string;
}

/** Find the mention being typed just before `caret` in `text`. */
export function mentionAt(text: string, caret: number): IMentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|[^\p{L}\p{N}_.@/+-])@([A-Za-z0-9_][A-Za-z0-9._-]*)?$/u.exec(
    before
  );
  if (!match) {
    return null;
  }
  const name = match[2] ?? '';
  const start = caret - name.length - 1;
  // Not inside a code span or fence: count backticks before the `@`.
  if (insideCode(text, start)) {
    return null;
  }
  return { start, end: caret, prefix: name.toLowerCase() };
}

function insideCode(text: string, index: number): boolean {
  for (const fence of fences(text)) {
    if (index >= fence.start && index < fence.end) {
      return true;
    }
  }
  const line = text.slice(text.lastIndexOf('\n', index - 1) + 1, index);
  return (line.match(/`/g)?.length ?? 0) % 2 === 1;
}

/** Replace the query with `@name ` and say where the caret goes. */
export function applyMention(
  text: string,
  query: IMentionQuery,
  name: string
): { text: string; caret: number } {
  const insert = `@${name} `;
  const after = text.slice(query.end).replace(/^[A-Za-z0-9._-]*/, '');
  const next = text.slice(0, query.start) + insert + after.replace(/^ /, '');
  return { text: next, caret: query.start + insert.length };
}
