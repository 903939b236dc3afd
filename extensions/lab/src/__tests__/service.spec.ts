import { MoietyError } from '../api/errors';
import { MoietyClient, serviceUrlFromHubPrefix } from '../api/service';
import { SESSION_MESSAGE_TYPE } from '../api/session';

const FRAME = 'iframe.jp-moiety-session-frame';

/** The session iframe, as soon as the client has added it. */
function nextFrame(): Promise<HTMLIFrameElement> {
  const existing = document.querySelector<HTMLIFrameElement>(FRAME);
  if (existing) {
    return Promise.resolve(existing);
  }
  return new Promise(resolve => {
    const observer = new MutationObserver(() => {
      const frame = document.querySelector<HTMLIFrameElement>(FRAME);
      if (frame) {
        observer.disconnect();
        resolve(frame);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
}

/** Post a message to this window as if it came from `source`. */
function post(
  data: unknown,
  source: Window | null,
  origin: string = window.location.origin
): void {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
}

/** Let the session page of the next iframe answer with a token. */
async function answerSession(xsrf: string, user = 'alice'): Promise<void> {
  const frame = await nextFrame();
  post({ type: SESSION_MESSAGE_TYPE, xsrf, user }, frame.contentWindow);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

type FetchMock = jest.Mock<Promise<Response>, [string, RequestInit]>;

/** A typed fetch mock, answering with `impl` (if given). */
function mockFetch(
  impl?: (url: string, init: RequestInit) => Promise<Response>
): FetchMock {
  return jest.fn<Promise<Response>, [string, RequestInit]>(impl);
}

/** The rejection of a promise, which must reject. */
function failureOf(promise: Promise<unknown>): Promise<MoietyError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: MoietyError) => reason
  );
}

function makeClient(
  fetch: FetchMock,
  options: { sessionTimeout?: number } = {}
) {
  return new MoietyClient({
    serviceUrl: '/services/moiety',
    fetch,
    sessionTimeout: options.sessionTimeout ?? 10000,
    loadGrace: 1000
  });
}

/** The X-XSRFToken header of the n-th fetch call. */
function tokenOf(fetch: FetchMock, call: number): string | null {
  return new Headers(fetch.mock.calls[call][1].headers).get('X-XSRFToken');
}

afterEach(() => {
  jest.useRealTimers();
  document.body.innerHTML = '';
});

describe('MoietyClient sessions', () => {
  it('opens a session in a hidden iframe at <service>/session', async () => {
    const fetch = mockFetch(async () => json(200, { name: 'alice' }));
    const client = makeClient(fetch);
    const request = client.request('api/me');

    const frame = await nextFrame();
    expect(frame.getAttribute('src')).toBe('/services/moiety/session');
    expect(frame.hidden).toBe(true);
    expect(frame.getAttribute('aria-hidden')).toBe('true');

    post(
      { type: SESSION_MESSAGE_TYPE, xsrf: 'tok-1', user: 'alice' },
      frame.contentWindow
    );
    await expect(request).resolves.toEqual({ name: 'alice' });
    expect(client.user).toBe('alice');
    expect(document.querySelector(FRAME)).toBeNull();
  });

  it('ignores messages from another origin or another window', async () => {
    const fetch = mockFetch(async () => json(200, { ok: true }));
    const client = makeClient(fetch);
    const request = client.request('api/me');
    const frame = await nextFrame();

    const message = {
      type: SESSION_MESSAGE_TYPE,
      xsrf: 'evil',
      user: 'mallory'
    };
    post(message, frame.contentWindow, 'http://evil.example');
    post(message, window);
    post(message, null);
    const other = document.createElement('iframe');
    document.body.appendChild(other);
    post(message, other.contentWindow);
    post({ type: 'something-else', xsrf: 'x' }, frame.contentWindow);
    post({ type: SESSION_MESSAGE_TYPE }, frame.contentWindow);

    // None of those opened the session: no request went out, the frame waits.
    expect(fetch).not.toHaveBeenCalled();
    expect(document.querySelector(FRAME)).toBe(frame);

    post(
      { type: SESSION_MESSAGE_TYPE, xsrf: 'good', user: 'alice' },
      frame.contentWindow
    );
    await request;
    expect(tokenOf(fetch, 0)).toBe('good');
    expect(client.user).toBe('alice');
  });

  it('sends the token, same-origin credentials and JSON bodies', async () => {
    const fetch = mockFetch(async () => json(201, { id: 7 }));
    const client = makeClient(fetch);
    const request = client.request('/api/posts', {
      method: 'POST',
      body: JSON.stringify({ project: 'p', body: 'hi' })
    });
    await answerSession('tok-2');
    await expect(request).resolves.toEqual({ id: 7 });

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/services/moiety/api/posts');
    expect(init.credentials).toBe('same-origin');
    expect(init.method).toBe('POST');
    const headers = new Headers(init.headers);
    expect(headers.get('X-XSRFToken')).toBe('tok-2');
    expect(headers.get('Content-Type')).toBe('application/json');
  });

  it('shares one session between concurrent requests', async () => {
    const fetch = mockFetch(async () => json(200, {}));
    const client = makeClient(fetch);
    const both = Promise.all([
      client.request('api/me'),
      client.request('api/projects')
    ]);
    await answerSession('tok-3');
    await both;
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(tokenOf(fetch, 0)).toBe('tok-3');
    expect(tokenOf(fetch, 1)).toBe('tok-3');
    // A later request reuses it without a new iframe.
    await client.request('api/me');
    expect(document.querySelector(FRAME)).toBeNull();
    expect(tokenOf(fetch, 2)).toBe('tok-3');
  });

  it('reopens the session once and retries once on a session error', async () => {
    const fetch = mockFetch()
      .mockResolvedValueOnce(
        json(403, { error: 'session', message: 'Session expired.' })
      )
      .mockResolvedValueOnce(json(200, { name: 'alice' }));
    const client = makeClient(fetch);
    const request = client.request('api/me');
    await answerSession('old');
    await answerSession('new');
    await expect(request).resolves.toEqual({ name: 'alice' });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(tokenOf(fetch, 0)).toBe('old');
    expect(tokenOf(fetch, 1)).toBe('new');
  });

  it('gives up after one retry, with the server message', async () => {
    const expired = () =>
      json(401, { error: 'session', message: 'Session expired.' });
    const fetch = mockFetch()
      .mockResolvedValueOnce(expired())
      .mockResolvedValueOnce(expired());
    const client = makeClient(fetch);
    const request = client.request('api/me');
    await answerSession('a');
    await answerSession('b');
    await expect(request).rejects.toMatchObject({
      status: 401,
      code: 'session',
      message: 'Session expired.'
    });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('does not retry a 403 that is not a session error', async () => {
    const fetch = mockFetch(async () =>
      json(403, {
        error: 'forbidden',
        message: 'Only leads of kinase may do that.'
      })
    );
    const client = makeClient(fetch);
    const request = client.request('api/projects', {
      method: 'POST',
      body: '{}'
    });
    await answerSession('tok');
    const error = await failureOf(request);
    expect(error).toBeInstanceOf(MoietyError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden' });
    expect(error.message).toBe('Only leads of kinase may do that.');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('carries the server message of other errors', async () => {
    const fetch = mockFetch(async () =>
      json(404, { error: 'not-found', message: 'No project "x".' })
    );
    const client = makeClient(fetch);
    const request = client.request('api/projects/x');
    await answerSession('tok');
    await expect(request).rejects.toMatchObject({
      status: 404,
      code: 'not-found',
      message: 'No project "x".'
    });
  });

  it('describes errors without a JSON body', async () => {
    const fetch = mockFetch(
      async () =>
        new Response('<html>Bad gateway</html>', {
          status: 502,
          statusText: 'Bad Gateway'
        })
    );
    const client = makeClient(fetch);
    const request = client.request('api/me');
    await answerSession('tok');
    await expect(request).rejects.toMatchObject({
      status: 502,
      code: 'http-502',
      message: 'The Moiety service answered 502 Bad Gateway.'
    });
  });

  it('turns a network failure into an error with status 0', async () => {
    const fetch = mockFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = makeClient(fetch);
    const request = client.request('api/me');
    await answerSession('tok');
    await expect(request).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('reopens once when the session iframe times out', async () => {
    jest.useFakeTimers();
    const fetch = mockFetch(async () => json(200, { name: 'alice' }));
    const client = makeClient(fetch, { sessionTimeout: 5000 });
    const request = client.request('api/me');

    const first = await nextFrame();
    jest.advanceTimersByTime(5000);
    expect(first.isConnected).toBe(false);

    const second = await nextFrame();
    expect(second).not.toBe(first);
    post(
      { type: SESSION_MESSAGE_TYPE, xsrf: 'late', user: 'alice' },
      second.contentWindow
    );
    await expect(request).resolves.toEqual({ name: 'alice' });
    expect(tokenOf(fetch, 0)).toBe('late');
  });

  it('fails with a session error when the iframe times out twice', async () => {
    jest.useFakeTimers();
    const fetch = mockFetch(async () => json(200, {}));
    const client = makeClient(fetch, { sessionTimeout: 5000 });
    const request = client.request('api/me');
    const settled = failureOf(request);

    await nextFrame();
    jest.advanceTimersByTime(5000);
    const second = await nextFrame();
    jest.advanceTimersByTime(5000);
    expect(second.isConnected).toBe(false);

    const error = await settled;
    expect(error).toBeInstanceOf(MoietyError);
    expect(error.code).toBe('session');
    expect(error.message).toMatch(/did not open a session within 5 s/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('fails fast when the session page loads without a message', async () => {
    jest.useFakeTimers();
    const fetch = mockFetch(async () => json(200, {}));
    const client = makeClient(fetch);
    const settled = failureOf(client.request('api/me'));

    (await nextFrame()).dispatchEvent(new Event('load'));
    jest.advanceTimersByTime(1000);
    (await nextFrame()).dispatchEvent(new Event('load'));
    jest.advanceTimersByTime(1000);

    const error = await settled;
    expect(error.code).toBe('session');
    expect(error.message).toMatch(/logged out of the hub/);
  });

  it('puts the token in event-source URLs', async () => {
    const client = makeClient(mockFetch());
    const url = client.eventSourceUrl('api/feed/stream', {
      project: ['a', 'b'],
      kind: 'post.created'
    });
    await answerSession('t/k+n');
    expect(await url).toBe(
      '/services/moiety/api/feed/stream?project=a&project=b&kind=post.created&_xsrf=t%2Fk%2Bn'
    );
  });

  it('rejects requests when the service URL cannot be known', async () => {
    const client = new MoietyClient({
      serviceUrl: Promise.reject(
        new MoietyError(0, 'no-service', 'No hub here.')
      ),
      fetch: mockFetch()
    });
    await expect(client.request('api/me')).rejects.toMatchObject({
      code: 'no-service',
      message: 'No hub here.'
    });
  });
});

describe('serviceUrlFromHubPrefix', () => {
  it('derives the service URL from the hub prefix', () => {
    expect(serviceUrlFromHubPrefix('/hub/')).toBe('/services/moiety/');
    expect(serviceUrlFromHubPrefix('/base/hub/')).toBe(
      '/base/services/moiety/'
    );
  });

  it('answers null outside a hub', () => {
    expect(serviceUrlFromHubPrefix('')).toBeNull();
    expect(serviceUrlFromHubPrefix(undefined)).toBeNull();
    expect(serviceUrlFromHubPrefix('/myhub/')).toBeNull();
  });
});
