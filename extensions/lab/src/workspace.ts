/**
 * IMoietyWorkspace: where this JupyterLab is in Moiety (a person's own server
 * or a project's shared one) and how to get to projects and files: in this
 * JupyterLab when it serves the project, else in the project's JupyterLab in
 * a new tab (its server started first, with progress shown in that tab).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { IDocumentManager } from '@jupyterlab/docmanager';

import type { IProject, IStartAnswer } from './api/types';
import type { ProjectsModel } from './projects/model';
import type {
  IMoietyClient,
  IMoietyServer,
  IMoietyWorkspace,
  IOpenFileOptions,
  IOpenProgress
} from './tokens';

/** Command ids other plugins register and the workspace calls. */
export const SHOW_THREAD_COMMAND = 'moiety:show-thread';

export class MoietyWorkspace implements IMoietyWorkspace {
  constructor(options: {
    app: JupyterFrontEnd;
    client: IMoietyClient;
    server: IMoietyServer;
    docManager: IDocumentManager | null;
  }) {
    this._app = options.app;
    this._client = options.client;
    this._docManager = options.docManager;
    this.project = options.server.check.then(check => {
      const health = check.health;
      const project =
        health?.server_kind === 'project' && health.project
          ? health.project
          : null;
      this._here = project;
      return project;
    });
    void options.client.serviceUrl.then(
      url => (this._serviceUrl = url),
      () => undefined
    );
  }

  readonly project: Promise<string | null>;

  /** This server's project, once the health check answered. */
  get projectNow(): string | null {
    return this._here;
  }

  /** The projects model (loaded on first use, shared with the panel). */
  model(): Promise<ProjectsModel> {
    if (!this._model) {
      this._model = import('./projects/model').then(
        ({ ProjectsModel }) => new ProjectsModel({ client: this._client })
      );
    }
    return this._model;
  }

  async projects(refresh = false): Promise<IProject[]> {
    const model = await this.model();
    return refresh ? model.refresh() : model.list();
  }

  async startProject(
    slug: string,
    onProgress?: (progress: IOpenProgress) => void
  ): Promise<IStartAnswer> {
    return (await this.model()).start(slug, onProgress);
  }

  async openFile(
    project: string,
    path: string,
    options: IOpenFileOptions = {}
  ): Promise<void> {
    if (this._here === project && this._docManager) {
      await this._openHere(path, options);
      return;
    }
    // Open the tab now, while the click still counts as a user's gesture.
    const tab = openPlaceholderTab(`Opening ${path}…`);
    try {
      const { fileUrl } = await import('./projects/model');
      const projects = await this.projects();
      if (!projects.some(p => p.slug === project)) {
        throw new Error(
          `The project ${project} is not among yours any more; ask its team's lead.`
        );
      }
      const answer = await this.startProject(project, progress =>
        tab?.say(progress.message)
      );
      let url = fileUrl(answer.server_url, path, options.cellId);
      if (options.threadId) {
        const [before, fragment] = url.split('#');
        url = `${before}?moiety-thread=${options.threadId}${fragment ? '#' + fragment : ''}`;
      }
      if (tab) {
        tab.go(url);
      } else {
        window.open(url, '_blank', 'noopener,noreferrer');
      }
    } catch (reason) {
      tab?.close();
      throw reason;
    }
  }

  get depictReady(): Promise<void> {
    if (!this._depictReady) {
      // Any request opens the session whose cookie the images are sent with.
      this._depictReady = this._client.request('api/me').then(() => {
        this._canDepict = true;
      });
      this._depictReady.catch(() => (this._depictReady = null));
    }
    return this._depictReady;
  }

  depictUrl(smiles: string, width = 200, height = 150): string | null {
    if (!this._serviceUrl || !(this._canDepict || this._client.user)) {
      void this.depictReady.catch(() => undefined);
      return null;
    }
    const params = new URLSearchParams({
      smiles,
      width: String(width),
      height: String(height)
    });
    return `${this._serviceUrl}api/depict?${params.toString()}`;
  }

  private async _openHere(
    path: string,
    options: IOpenFileOptions
  ): Promise<void> {
    const widget = this._docManager!.openOrReveal(path);
    if (!widget) {
      throw new Error(`${path} could not be opened here.`);
    }
    this._app.shell.activateById(widget.id);
    await widget.context.ready;
    if (options.cellId) {
      widget.setFragment(`#cell-id=${options.cellId}`);
    } else if (typeof options.line === 'number') {
      const content = widget.content as unknown as {
        editor?: {
          setCursorPosition(position: { line: number; column: number }): void;
          revealPosition(position: { line: number; column: number }): void;
        };
      };
      const position = { line: Math.max(0, options.line - 1), column: 0 };
      content.editor?.setCursorPosition(position);
      content.editor?.revealPosition(position);
    }
    if (
      options.threadId &&
      this._app.commands.hasCommand(SHOW_THREAD_COMMAND)
    ) {
      await this._app.commands.execute(SHOW_THREAD_COMMAND, {
        path,
        threadId: options.threadId
      });
    }
  }

  private readonly _app: JupyterFrontEnd;
  private readonly _client: IMoietyClient;
  private readonly _docManager: IDocumentManager | null;
  private _here: string | null = null;
  private _serviceUrl: string | null = null;
  private _depictReady: Promise<void> | null = null;
  private _canDepict = false;
  private _model: Promise<ProjectsModel> | null = null;
}

/** A new tab that says what is happening until it is sent somewhere. */
export interface IPlaceholderTab {
  say(message: string): void;
  go(url: string): void;
  close(): void;
}

/**
 * Open a blank tab synchronously (within the user's click, so no popup
 * blocker interferes) that shows progress, then goes to a same-origin URL
 * without a reference back to this page.
 */
export function openPlaceholderTab(message: string): IPlaceholderTab | null {
  const tab = window.open('', '_blank');
  if (!tab) {
    return null;
  }
  const say = (text: string) => {
    try {
      tab.document.title = 'Moiety';
      tab.document.body.textContent = text;
      tab.document.body.style.font = '14px system-ui, sans-serif';
      tab.document.body.style.margin = '2em';
    } catch {
      // The tab navigated away already.
    }
  };
  say(message);
  return {
    say,
    go: url => {
      tab.opener = null;
      tab.location.href = url;
    },
    close: () => tab.close()
  };
}
