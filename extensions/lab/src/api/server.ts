/**
 * The one typed entry point to this Jupyter server's Moiety extension
 * (`<baseUrl>moiety/api/...`), through JupyterLab's ServerConnection so the
 * server's own token and XSRF handling apply.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { MoietyError, parseJsonAnswer } from './errors';

/** The path of the server extension's API under the server's base URL. */
export const SERVER_API_PATH = 'moiety/api';

/**
 * Call the server extension and parse its JSON answer.
 *
 * @param endpoint - path under `moiety/api/`, e.g. `health`.
 * @param init - fetch options; a string body is sent as JSON.
 * @param settings - the server connection (defaults to the page's).
 * @throws {MoietyError} with the server's message, or status 0 on a network failure.
 */
export async function requestAPI<T>(
  endpoint = '',
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, SERVER_API_PATH, endpoint);
  const headers = new Headers(init.headers);
  if (typeof init.body === 'string' && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }

  let response: Response;
  try {
    // 'no-cache' instead of ServerConnection's default 'no-store', which adds
    // a timestamp query argument that the extension's endpoints refuse.
    response = await ServerConnection.makeRequest(
      url,
      { cache: 'no-cache', ...init, headers },
      settings
    );
  } catch (reason) {
    throw new MoietyError(
      0,
      'network',
      `Could not reach this Jupyter server (${String(reason)}).`
    );
  }

  const text = await response.text();
  if (!response.ok) {
    throw MoietyError.fromResponse(
      response,
      text,
      'The Moiety server extension'
    );
  }
  return parseJsonAnswer<T>(
    response.status,
    text,
    'The Moiety server extension',
    url
  );
}
