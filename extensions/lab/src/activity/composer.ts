/**
 * The post composer's state: the project, the markdown body, what it tags,
 * mentions and shares, `@mention` completion from the project's members, and
 * sending (`POST api/posts`). Also used by the comment boxes, which complete
 * mentions the same way. No widgets: jest tests it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { IFeedEvent, IPage } from '../api/types';
import {
  IMarkup,
  IMentionQuery,
  applyMention,
  mentionAt,
  parseMarkup
} from '../common/markup';
import type { IFeedRequester } from './model';
import { messageOf } from '../api/errors';

/**
 * The project a new post goes to: the one whose server this is, when the
 * person may post there, else the first of their projects ('' when none).
 */
export function defaultPostProject(
  projects: ReadonlyArray<{ slug: string }>,
  here: string | null
): string {
  if (here && projects.some(p => p.slug === here)) {
    return here;
  }
  return projects[0]?.slug ?? '';
}

/** How many completions are offered at most. */
export const MAX_COMPLETIONS = 8;

/**
 * `@mention` completion for one text box: who of a project's members match
 * what is typed after `@`. Members are fetched once per project.
 */
export class MentionCompleter {
  constructor(client: IFeedRequester) {
    this._client = client;
  }

  /** Emitted when the candidates or the active one change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The names offered, best first; empty when not completing. */
  get candidates(): readonly string[] {
    return this._candidates;
  }

  /** Index of the highlighted candidate. */
  get active(): number {
    return this._active;
  }

  /** The `@...` being completed, if any. */
  get query(): IMentionQuery | null {
    return this._query;
  }

  /**
   * The text or caret changed: find the mention being typed and offer the
   * project's members that start with it.
   */
  async update(project: string, text: string, caret: number): Promise<void> {
    const query = project ? mentionAt(text, caret) : null;
    this._query = query;
    const ticket = ++this._ticket;
    if (!query) {
      this._set([]);
      return;
    }
    let members: string[];
    try {
      members = await this.members(project);
    } catch {
      members = [];
    }
    if (ticket !== this._ticket) {
      return; // a later keystroke won
    }
    const prefix = query.prefix;
    const matches = members
      .filter(name => name.toLowerCase().startsWith(prefix))
      .slice(0, MAX_COMPLETIONS);
    // A name typed in full has nothing left to complete.
    const complete =
      matches.length === 1 && matches[0].toLowerCase() === prefix;
    this._set(complete ? [] : matches);
  }

  /** Move the highlight (wrapping around). */
  move(delta: number): void {
    const n = this._candidates.length;
    if (n) {
      this._active = (this._active + delta + n) % n;
      this._changed.emit();
    }
  }

  /** Insert a candidate (the highlighted one by default) into `text`. */
  choose(
    text: string,
    index: number = this._active
  ): { text: string; caret: number } | null {
    const name = this._candidates[index];
    if (!this._query || !name) {
      return null;
    }
    const result = applyMention(text, this._query, name);
    this.dismiss();
    return result;
  }

  /** Stop completing (Escape, blur). */
  dismiss(): void {
    this._query = null;
    this._ticket++;
    this._set([]);
  }

  /** The names of a project's members (cached). */
  members(project: string): Promise<string[]> {
    let found = this._members.get(project);
    if (!found) {
      found = this._client
        .request<IPage<{ name: string }>>(
          `api/projects/${encodeURIComponent(project)}/members`
        )
        .then(page => (page?.items ?? []).map(item => item.name));
      found.catch(() => this._members.delete(project));
      this._members.set(project, found);
    }
    return found;
  }

  private _set(candidates: string[]): void {
    const same =
      candidates.length === this._candidates.length &&
      candidates.every((c, i) => c === this._candidates[i]);
    if (!same) {
      this._candidates = candidates;
      this._active = 0;
      this._changed.emit();
    }
  }

  private readonly _client: IFeedRequester;
  private readonly _members = new Map<string, Promise<string[]>>();
  private _candidates: string[] = [];
  private _active = 0;
  private _query: IMentionQuery | null = null;
  private _ticket = 0;
  private readonly _changed = new Signal<this, void>(this);
}

/** A post being written. */
export class ComposerModel {
  constructor(client: IFeedRequester) {
    this._client = client;
    this.completer = new MentionCompleter(client);
  }

  readonly completer: MentionCompleter;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get project(): string {
    return this._project;
  }

  set project(slug: string) {
    if (slug !== this._project) {
      this._project = slug;
      this._error = '';
      this.completer.dismiss();
      this._changed.emit();
    }
  }

  get body(): string {
    return this._body;
  }

  /** What the body tags, mentions and shares (shown before posting). */
  get markup(): IMarkup {
    if (this._markupOf !== this._body) {
      this._markup = parseMarkup(this._body);
      this._markupOf = this._body;
    }
    return this._markup;
  }

  get posting(): boolean {
    return this._posting;
  }

  /** The service's message when the last post was refused. */
  get error(): string {
    return this._error;
  }

  /** Whether the post can be sent. */
  get canPost(): boolean {
    return !!this._project && !!this._body.trim() && !this._posting;
  }

  /** The body changed (typing): update the mention completion too. */
  setBody(body: string, caret: number = body.length): void {
    this._body = body;
    if (this._error) {
      this._error = '';
    }
    this._changed.emit();
    void this.completer.update(this._project, body, caret);
  }

  /** Send the post; resolves with the new event, or null if refused. */
  async post(): Promise<IFeedEvent | null> {
    if (!this.canPost) {
      return null;
    }
    this._posting = true;
    this._error = '';
    this._changed.emit();
    try {
      const event = await this._client.request<IFeedEvent>('api/posts', {
        method: 'POST',
        body: JSON.stringify({ project: this._project, body: this._body })
      });
      this._body = '';
      this.completer.dismiss();
      return event;
    } catch (reason) {
      this._error = messageOf(reason);
      return null;
    } finally {
      this._posting = false;
      this._changed.emit();
    }
  }

  private readonly _client: IFeedRequester;
  private _project = '';
  private _body = '';
  private _markup: IMarkup = { tags: [], mentions: [], molecules: [] };
  private _markupOf = '';
  private _posting = false;
  private _error = '';
  private readonly _changed = new Signal<this, void>(this);
}
