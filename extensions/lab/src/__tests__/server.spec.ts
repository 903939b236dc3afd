/**
 * requestAPI over a stand-in ServerConnection: the real one is an ES module
 * of JupyterLab's that needs a running page; what is tested here is our URL,
 * headers and error translation.
 */
const makeRequest = jest.fn<
  Promise<Response>,
  [string, RequestInit, unknown]
>();

jest.mock('@jupyterlab/services', () => ({
  ServerConnection: {
    makeSettings: () => ({ baseUrl: 'http://hub.example:8000/user/alice/' }),
    makeRequest: (url: string, init: RequestInit, settings: unknown) =>
      makeRequest(url, init, settings)
  }
}));

jest.mock('@jupyterlab/coreutils', () => ({
  URLExt: {
    join: (...parts: string[]) =>
      parts
        .map((part, i) =>
          i === 0 ? part.replace(/\/+$/, '') : part.replace(/^\/+|\/+$/g, '')
        )
        .filter(part => part !== '')
        .join('/')
  }
}));

import { requestAPI } from '../api/server';

afterEach(() => makeRequest.mockReset());

describe('requestAPI', () => {
  it('calls <baseUrl>moiety/api/<endpoint> and parses JSON', async () => {
    makeRequest.mockResolvedValue(
      new Response('{"name": "moiety"}', { status: 200 })
    );
    await expect(requestAPI('health')).resolves.toEqual({ name: 'moiety' });
    expect(makeRequest.mock.calls[0][0]).toBe(
      'http://hub.example:8000/user/alice/moiety/api/health'
    );
  });

  it('asks for fresh answers without a cache-busting query argument', async () => {
    makeRequest.mockResolvedValue(new Response('{}', { status: 200 }));
    await requestAPI('history?path=a.ipynb');
    expect(makeRequest.mock.calls[0][1].cache).toBe('no-cache');
  });

  it('sends string bodies as JSON', async () => {
    makeRequest.mockResolvedValue(new Response(null, { status: 204 }));
    await expect(
      requestAPI('snapshot', { method: 'POST', body: '{"message": "m"}' })
    ).resolves.toBeUndefined();
    const init = makeRequest.mock.calls[0][1];
    expect(new Headers(init.headers).get('Content-Type')).toBe(
      'application/json'
    );
  });

  it("carries the server's error message and status", async () => {
    makeRequest.mockResolvedValue(
      new Response('{"error": "bad-ref", "message": "No commit abc."}', {
        status: 400
      })
    );
    await expect(requestAPI('diff')).rejects.toMatchObject({
      status: 400,
      code: 'bad-ref',
      message: 'No commit abc.'
    });
  });

  it('reports a 404 with its status (the version check relies on it)', async () => {
    makeRequest.mockResolvedValue(
      new Response('Not Found', { status: 404, statusText: 'Not Found' })
    );
    await expect(requestAPI('health')).rejects.toMatchObject({ status: 404 });
  });

  it('turns a network failure into status 0', async () => {
    makeRequest.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(requestAPI('health')).rejects.toMatchObject({
      status: 0,
      code: 'network'
    });
  });
});
