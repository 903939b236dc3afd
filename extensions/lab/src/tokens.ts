/**
 * Dependency-injection tokens and the interfaces other Moiety plugins code
 * against. Keep this module free of runtime imports beyond Token, so that any
 * plugin can depend on it without pulling code into the startup bundle.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';

import type { StreamStatus } from './api/stream';
import type {
  IFeedEvent,
  INotification,
  IProject,
  IStartAnswer
} from './api/types';

/** What the server extension's `moiety/api/health` answers. */
export interface IHealth {
  name: string;
  version: string;
  /** Absolute path of the Moiety service on this origin, e.g. `/services/moiety/`. */
  service_url: string;
  /** The hub user this server authenticated. */
  user: string;
  /** A person's own server, or a project's shared server. */
  server_kind: 'personal' | 'project';
  /** The project's slug on a project server, else null. */
  project: string | null;
}

/** The caller as the Moiety service sees them (`GET api/me`). */
export interface IMe {
  name: string;
  teams: string[];
  lead_of: string[];
  admin: boolean;
}

/**
 * The outcome of comparing the server extension with this frontend.
 *
 * - `ok`: the server extension answered with the frontend's version.
 * - `missing`: no health endpoint (404): the server extension is not enabled.
 * - `mismatch`: the server extension answered another version.
 * - `unreachable`: any other failure (network, 5xx, malformed answer).
 */
export type VersionStatus = 'ok' | 'missing' | 'mismatch' | 'unreachable';

/** The result of the version check, with a message a person can act on. */
export interface IVersionCheck {
  status: VersionStatus;
  /** The frontend's own version. */
  frontendVersion: string;
  /** The health answer, when there was one. */
  health: IHealth | null;
  /** What is wrong and what to do; empty when `status` is `ok`. */
  message: string;
}

/** The local Jupyter server, as seen through the Moiety server extension. */
export interface IMoietyServer {
  /** Settles once the health endpoint answered (or failed); never rejects. */
  readonly check: Promise<IVersionCheck>;
}

/** The Moiety server token: the version check and the server's health. */
export const IMoietyServer = new Token<IMoietyServer>(
  'moiety:IMoietyServer',
  'The Moiety server extension of this Jupyter server: health and version check.'
);

/** The client of the hub-managed Moiety service (`/services/moiety/`). */
export interface IMoietyClient {
  /** The service's base URL (absolute path, ending in `/`), once known. */
  readonly serviceUrl: Promise<string>;

  /** The user the service session belongs to, once a session is open. */
  readonly user: string | null;

  /**
   * Send a request to the service and parse its JSON answer.
   *
   * @param endpoint - path relative to the service URL, e.g. `api/me`.
   * @throws {MoietyError} with the server's message on any failure.
   */
  request<T>(endpoint: string, init?: RequestInit): Promise<T>;

  /**
   * Send a request to the service and return the raw response (for SVG
   * depictions, markdown digests, ...). Non-2xx answers throw like `request`.
   */
  fetch(endpoint: string, init?: RequestInit): Promise<Response>;

  /**
   * The URL of a Server-Sent Events endpoint, with the session's XSRF token as
   * the `_xsrf` query argument (EventSource cannot set headers).
   */
  eventSourceUrl(
    endpoint: string,
    query?: Record<string, string | string[]>
  ): Promise<string>;

  /** Forget the current session; the next request opens a new one. */
  resetSession(): void;
}

/** The Moiety service client token. */
export const IMoietyClient = new Token<IMoietyClient>(
  'moiety:IMoietyClient',
  'A client of the Moiety service, authenticated with its own hub session.'
);

/** The service's live stream, shared by every part of the page. */
export interface IMoietyLive {
  /** Every feed event of the projects you may see, as it happens. */
  readonly feed: ISignal<IMoietyLive, IFeedEvent>;
  /** Your notifications, as they happen. */
  readonly notification: ISignal<IMoietyLive, INotification>;
  readonly statusChanged: ISignal<IMoietyLive, StreamStatus>;
  readonly status: StreamStatus;
  /** Open the stream if it is not open yet (parts call it when they need it). */
  connect(): void;
}

/** The live stream token. */
export const IMoietyLive = new Token<IMoietyLive>(
  'moiety:IMoietyLive',
  "The Moiety service's live stream of feed events and notifications."
);

/** Where a file of a project should open. */
export interface IOpenFileOptions {
  /** Scroll to this notebook cell. */
  cellId?: string | null;
  /** Go to this line (counted from 1) of a text file. */
  line?: number | null;
  /** Show this comment thread in the Comments panel. */
  threadId?: number | null;
}

/** How far opening a project has come, for progress feedback. */
export interface IOpenProgress {
  phase: 'starting' | 'waiting' | 'ready' | 'error';
  message: string;
  /** The project server's URL, once ready. */
  url?: string;
}

/** This page's place in Moiety, and the ways to go elsewhere. */
/** Drawings of molecules by the service's `api/depict`. */
export interface IDepictions {
  /**
   * The URL of a molecule's depiction (an `<img src>`), or null until
   * depictions can load: the image is requested with the service session's
   * cookie, so a session must be open first.
   */
  depictUrl(smiles: string, width?: number, height?: number): string | null;
  /** Settles once depictions can load (it opens a session if none is). */
  readonly depictReady: Promise<void>;
}

export interface IMoietyWorkspace extends IDepictions {
  /** The project whose server this is, or null in a personal server. */
  readonly project: Promise<string | null>;
  /** The projects you may see (cached; `refresh` reloads). */
  projects(refresh?: boolean): Promise<IProject[]>;
  /** Start a project's server if needed; resolves once it is ready. */
  startProject(
    slug: string,
    onProgress?: (progress: IOpenProgress) => void
  ): Promise<IStartAnswer>;
  /**
   * Open a file of a project: in this JupyterLab when it is that project's
   * server, else in the project's JupyterLab in a new tab.
   */
  openFile(
    project: string,
    path: string,
    options?: IOpenFileOptions
  ): Promise<void>;
}

/** The workspace token. */
export const IMoietyWorkspace = new Token<IMoietyWorkspace>(
  'moiety:IMoietyWorkspace',
  'Where this JupyterLab is in Moiety (personal or project server), and how to open projects and files.'
);
