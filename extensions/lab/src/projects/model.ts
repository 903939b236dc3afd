/**
 * Your projects (`GET api/projects`), their members, starting a project's
 * server (`POST api/projects/{slug}/start`, called again while it answers 202)
 * and creating a project. No widgets: jest tests it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { messageOf, MoietyError } from '../api/errors';
import type { IMember, IPage, IProject, IStartAnswer } from '../api/types';
import type { IFeedRequester } from '../activity/model';
import type { IOpenProgress } from '../tokens';

/** Delays between start calls while a server is starting, then the last one repeats. */
export const START_POLL_DELAYS = [500, 1000, 1000, 2000, 2000, 3000];

/** How long to wait for a project server before giving up. */
export const START_TIMEOUT = 120_000;

/** The URL of a file (and a cell) in a project's JupyterLab. */
export function fileUrl(
  serverUrl: string,
  path: string,
  cellId?: string | null
): string {
  const base = serverUrl.endsWith('/') ? serverUrl : serverUrl + '/';
  const encoded = path
    .split('/')
    .map(part => encodeURIComponent(part))
    .join('/');
  const fragment = cellId ? `#cell-id=${encodeURIComponent(cellId)}` : '';
  return `${base}lab/tree/${encoded}${fragment}`;
}

/** A new project's fields, as the create dialog collects them. */
export interface INewProject {
  slug: string;
  title: string;
  teams: string[];
  description?: string;
}

/** The rule the service applies to slugs, to say early what is wrong. */
export function slugProblem(slug: string): string | null {
  if (!slug) {
    return 'Give the project a short name (its slug).';
  }
  if (
    slug.length < 2 ||
    slug.length > 40 ||
    !/^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/.test(slug)
  ) {
    return 'A slug is 2 to 40 lowercase letters, digits and single dashes, starting with a letter and not ending with a dash (for example egfr-sar2).';
  }
  return null;
}

/** Suggest a slug from a title ("EGFR SAR" -> "egfr-sar"). */
export function slugFromTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
}

export type ProjectsStatus = 'idle' | 'loading' | 'ready' | 'error';

export class ProjectsModel {
  constructor(options: {
    client: IFeedRequester;
    wait?: (ms: number) => Promise<void>;
    now?: () => number;
  }) {
    this._client = options.client;
    this._wait =
      options.wait ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this._now = options.now ?? (() => Date.now());
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get items(): readonly IProject[] {
    return this._items;
  }

  get status(): ProjectsStatus {
    return this._status;
  }

  get error(): string {
    return this._error;
  }

  /** The members of a project, once loaded with `loadMembers`. */
  members(slug: string): IMember[] | null {
    return this._members.get(slug) ?? null;
  }

  /** How opening a project goes, while it goes. */
  progress(slug: string): IOpenProgress | null {
    return this._progress.get(slug) ?? null;
  }

  /** Load the list of projects (cached until `refresh`). */
  list(): Promise<IProject[]> {
    if (!this._listing) {
      this._listing = this._loadList();
    }
    return this._listing;
  }

  /** Load the list again. */
  refresh(): Promise<IProject[]> {
    this._listing = this._loadList();
    return this._listing;
  }

  /** Load a project's members (`GET api/projects/{slug}`). */
  async loadMembers(slug: string): Promise<IMember[]> {
    const project = await this._client.request<IProject>(
      `api/projects/${encodeURIComponent(slug)}`
    );
    const members = project?.members ?? [];
    this._members.set(slug, members);
    if (project) {
      this._items = this._items.map(p =>
        p.slug === slug ? { ...p, ...project } : p
      );
    }
    this._changed.emit();
    return members;
  }

  /**
   * Start a project's server if needed, calling again while it is starting;
   * resolves once it is ready, with progress along the way.
   */
  async start(
    slug: string,
    onProgress?: (progress: IOpenProgress) => void
  ): Promise<IStartAnswer> {
    const report = (progress: IOpenProgress) => {
      this._progress.set(slug, progress);
      this._changed.emit();
      onProgress?.(progress);
    };
    const began = this._now();
    report({ phase: 'starting', message: 'Starting the project server…' });
    for (let attempt = 0; ; attempt++) {
      let answer: IStartAnswer;
      try {
        answer = await this._client.request<IStartAnswer>(
          `api/projects/${encodeURIComponent(slug)}/start`,
          { method: 'POST' }
        );
      } catch (reason) {
        const message = messageOf(reason);
        report({ phase: 'error', message });
        throw reason;
      }
      if (answer?.ready) {
        report({
          phase: 'ready',
          message: 'The project server is ready.',
          url: answer.server_url
        });
        return answer;
      }
      const elapsed = this._now() - began;
      if (elapsed >= START_TIMEOUT) {
        const message = `The project server did not start within ${Math.round(
          START_TIMEOUT / 1000
        )} s; try again, or ask a hub admin to look at the hub's log.`;
        report({ phase: 'error', message });
        throw new MoietyError(0, 'start-timeout', message);
      }
      report({
        phase: 'waiting',
        message: `Starting the project server… (${Math.round(elapsed / 1000)} s)`
      });
      await this._wait(
        START_POLL_DELAYS[Math.min(attempt, START_POLL_DELAYS.length - 1)]
      );
    }
  }

  /** Forget the progress of a project (the view dismissed it). */
  clearProgress(slug: string): void {
    if (this._progress.delete(slug)) {
      this._changed.emit();
    }
  }

  /** Create a project; resolves with it and adds it to the list. */
  async create(fields: INewProject): Promise<IProject> {
    const body: Record<string, unknown> = {
      slug: fields.slug,
      title: fields.title,
      teams: fields.teams
    };
    if (fields.description) {
      body.description = fields.description;
    }
    const project = await this._client.request<IProject>('api/projects', {
      method: 'POST',
      body: JSON.stringify(body)
    });
    this._items = [...this._items.filter(p => p.slug !== project.slug), project]
      .slice()
      .sort((a, b) => a.slug.localeCompare(b.slug));
    this._listing = Promise.resolve(this._items as IProject[]);
    this._changed.emit();
    return project;
  }

  private async _loadList(): Promise<IProject[]> {
    this._status = this._items.length ? this._status : 'loading';
    this._changed.emit();
    try {
      const page = await this._client.request<IPage<IProject>>('api/projects');
      this._items = page?.items ?? [];
      this._status = 'ready';
      this._error = '';
      return this._items as IProject[];
    } catch (reason) {
      this._status = 'error';
      this._error = messageOf(reason);
      this._listing = null;
      throw reason;
    } finally {
      this._changed.emit();
    }
  }

  private readonly _client: IFeedRequester;
  private readonly _wait: (ms: number) => Promise<void>;
  private readonly _now: () => number;
  private _items: IProject[] = [];
  private _status: ProjectsStatus = 'idle';
  private _error = '';
  private _listing: Promise<IProject[]> | null = null;
  private readonly _members = new Map<string, IMember[]>();
  private readonly _progress = new Map<string, IOpenProgress>();
  private readonly _changed = new Signal<this, void>(this);
}
