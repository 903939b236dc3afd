/**
 * The shapes of what the Moiety service and the project server extension
 * answer (see DESIGN.md, "API contract"). Types only: no runtime code.
 */

/** A page of a list endpoint. */
export interface IPage<T> {
  items: T[];
  next: string | null;
}

/** A reaction on an event or a comment. */
export interface IReaction {
  emoji: string;
  count: number;
  /** Whether the caller is among those who reacted. */
  reacted: boolean;
}

/** A molecule in a post (`data.molecules`). */
export interface IMolecule {
  smiles: string;
  name?: string | null;
}

/** One event of the feed. */
export interface IFeedEvent {
  id: number;
  kind: string;
  project: string;
  actor: string;
  created_at: string;
  path?: string | null;
  summary: string;
  data: Record<string, unknown>;
  tags: string[];
  mentions: string[];
  reactions: IReaction[];
}

/** A project as `GET projects` lists it. */
export interface IProject {
  slug: string;
  title: string;
  description: string;
  teams: string[];
  server_url: string;
  created_at: string;
  created_by?: string | null;
  /** Who is in the project's server now, when the service knows it. */
  active?: string[];
  /** Only in `GET projects/{slug}`. */
  members?: IMember[];
}

/** A member of a project's teams. */
export interface IMember {
  name: string;
  teams?: string[];
  lead?: boolean;
}

/** What `POST projects/{slug}/start` answers. */
export interface IStartAnswer {
  server_url: string;
  ready: boolean;
}

/** Where a thread is anchored in its file (lines count from 1). */
export interface IAnchor {
  cell_id?: string | null;
  line?: number | null;
  line_end?: number | null;
}

/** One comment of a thread. */
export interface IComment {
  id: number;
  author: string;
  body: string;
  created_at: string;
  /** Whether (or when) the comment was edited after it was written. */
  edited?: boolean | string | null;
  reactions?: IReaction[];
  deleted?: boolean;
  /** Who deleted it (its author, a lead of the project's teams or an admin). */
  deleted_by?: string | null;
  deleted_at?: string | null;
  /** The molecules written in the body (fenced `smiles` blocks). */
  molecules?: IMolecule[];
}

/** A comment thread on a file. */
export interface IThread {
  id: number;
  project: string;
  path: string;
  anchor: IAnchor;
  state: 'open' | 'resolved';
  /** current: the anchor is as it was; outdated: its cell changed; orphaned: it is gone. */
  anchor_state: 'current' | 'outdated' | 'orphaned';
  created_at: string;
  created_by?: string;
  comments: IComment[];
}

/** A notification for the caller. */
export interface INotification {
  id: number;
  reason: 'mention' | 'reply' | 'watch' | string;
  read: boolean;
  created_at?: string;
  event: IFeedEvent;
  /** The thread it is about, if any. */
  thread?: {
    id: number;
    project: string;
    path: string;
    cell_id?: string | null;
    line?: number | null;
  } | null;
}

/** A version of a file (`GET history`). */
export interface IVersion {
  commit: string;
  author: string;
  email?: string;
  message: string;
  created_at: string;
  paths: string[];
}

/** What `POST snapshot` answers. */
export interface ISnapshotAnswer {
  commit: string | null;
  changed: boolean;
  paths?: string[];
  detail?: string;
}

/** What `POST restore` answers. */
export interface IRestoreAnswer {
  commit: string | null;
  changed: boolean;
  path: string;
  restored_from?: string;
  detail?: string;
}

/** What `GET diff` answers. */
export interface IDiffAnswer {
  path: string;
  from: string;
  to: string;
  identical: boolean;
  kind: 'notebook' | 'text' | 'binary' | 'too-large';
  /** notebook: the notebook at `from`; nbdime's diff in `diff`. */
  base?: unknown;
  /** notebook: nbdime diff entries; text: a unified diff. */
  diff?: unknown;
  from_size?: number;
  to_size?: number;
  notebook_error?: string;
  /**
   * Compound files only: the compound diff (`null` when a side is too large
   * to compare or cannot be read as compounds; then `compounds_error` says why).
   */
  compounds?: ICompoundDiff | null;
  compounds_error?: { error: string; message: string };
}

/** One compound of one version of a compound file. */
export interface ICompound {
  /** Its identity (InChIKey of the standardized parent). */
  key: string;
  /** Its first record in the file, counted from 1. */
  record: number;
  name: string | null;
  smiles: string;
  properties: Record<string, unknown>;
}

/** An old and a new value (`null` where a version does not have it). */
export interface IValueChange {
  old: unknown;
  new: unknown;
}

/** A compound in both versions whose name or properties differ. */
export interface ICompoundChange {
  key: string;
  name: string | null;
  smiles: string;
  old: ICompound;
  new: ICompound;
  changes: {
    name?: IValueChange;
    properties: Record<string, IValueChange>;
  };
}

/** A record that could not be read, with the reason. */
export interface IRecordError {
  record: number;
  reason: string;
  name: string | null;
}

/** The compounds that differ between two versions (by chemical identity). */
export interface ICompoundDiff {
  added: ICompound[];
  removed: ICompound[];
  changed: ICompoundChange[];
  /** Per version: keys found in more than one record, with those records. */
  duplicates: {
    old?: Record<string, number[]>;
    new?: Record<string, number[]>;
  };
  /** Per version: records that could not be read. */
  errors: { old?: IRecordError[]; new?: IRecordError[] };
  /** For example `+5 −3 ~1 in data/egfr.sdf`. */
  summary: string;
}

/** Someone active in a digest's period, with their count of events. */
export interface IDigestPerson {
  name: string;
  events: number;
}

/** Events on one UTC date of a digest's period (days without events too). */
export interface IDigestDay {
  date: string;
  events: number;
}

/** `{count, items}`: how many in all, the first 50 of them. */
export interface IDigestList<T> {
  count: number;
  items: T[];
}

/** A snapshot in a digest (`commit` null when it did not look like one). */
export interface IDigestSnapshot {
  commit: string | null;
  message: string;
  author: string;
  created_at: string;
  files: number;
  auto: boolean;
}

/** File events of one kind in a digest (`renames` for renamed, else `paths`). */
export interface IDigestFiles {
  count: number;
  files: number;
  people: string[];
  paths?: string[];
  renames?: { from: string | null; to: string; actor: string }[];
}

/** A compound a digest names (added or removed), with its file. */
export interface IDigestCompound {
  name: string | null;
  smiles: string | null;
  path: string | null;
}

/** A thread in a digest (opened in the period, or unresolved now). */
export interface IDigestThread {
  thread: number;
  path: string;
  state: 'open' | 'resolved';
  opened_by: string;
  created_at: string;
  age_days: number;
  last_activity: string;
  comments: number;
  excerpt: string;
}

/** One of a project's most-reacted posts of the period. */
export interface IDigestPost {
  event: number;
  actor: string;
  created_at: string;
  excerpt: string;
  reactions: number;
}

/** One project's section of a digest. */
export interface IDigestProject {
  slug: string;
  title: string;
  url: string;
  events: number;
  people: IDigestPerson[];
  activity: IDigestDay[];
  snapshots: IDigestList<IDigestSnapshot>;
  files: {
    created: IDigestFiles;
    saved: IDigestFiles;
    renamed: IDigestFiles;
    deleted: IDigestFiles;
  };
  restores: IDigestList<{
    path: string | null;
    author: string;
    created_at: string;
    restored_from: string | null;
  }>;
  compounds: {
    added: number;
    removed: number;
    changed: number;
    files: {
      path: string | null;
      added: number;
      removed: number;
      changed: number;
      people: string[];
    }[];
    added_items: IDigestCompound[];
    removed_items: IDigestCompound[];
  };
  discussions: {
    opened: IDigestList<IDigestThread>;
    unresolved: IDigestList<IDigestThread>;
  };
  posts: number;
  top_posts: IDigestPost[];
}

/** What `GET digest?team=&since=` answers (see docs/digest.md). */
export interface IDigest {
  team: string;
  since: string;
  until: string;
  totals: {
    projects: number;
    events: number;
    people: number;
    snapshots: number;
    files_created: number;
    saves: number;
    files_renamed: number;
    files_deleted: number;
    restores: number;
    compounds_added: number;
    compounds_removed: number;
    compounds_changed: number;
    threads_opened: number;
    threads_unresolved: number;
    posts: number;
  };
  people: IDigestPerson[];
  activity: IDigestDay[];
  projects: IDigestProject[];
}
