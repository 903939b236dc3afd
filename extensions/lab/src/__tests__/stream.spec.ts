import { IEventSourceLike, LiveStream, defaultRetryDelay } from '../api/stream';
import type { IFeedEvent, INotification } from '../api/types';
import { feedEvent } from './fixtures';

class FakeSource implements IEventSourceLike {
  constructor(readonly url: string) {}
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  listeners = new Map<string, (event: MessageEvent) => void>();
  closed = false;
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  send(type: string, data: unknown) {
    this.listeners.get(type)?.(
      new MessageEvent(type, {
        data: typeof data === 'string' ? data : JSON.stringify(data)
      })
    );
  }
  fail(closed: boolean) {
    this.readyState = closed ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
}

const flush = () => new Promise(resolve => setTimeout(resolve, 0));

describe('LiveStream', () => {
  afterEach(() => jest.useRealTimers());

  it('relays feed events and notifications', async () => {
    const sources: FakeSource[] = [];
    const stream = new LiveStream({
      url: async after => `/stream?after=${after}`,
      create: url => {
        const source = new FakeSource(url);
        sources.push(source);
        return source;
      }
    });
    const events: IFeedEvent[] = [];
    const notes: INotification[] = [];
    stream.feed.connect((_, e) => events.push(e));
    stream.notification.connect((_, n) => notes.push(n));
    stream.connect();
    stream.connect();
    await flush();
    expect(sources).toHaveLength(1);
    expect(stream.status).toBe('connecting');
    sources[0].open();
    expect(stream.status).toBe('open');
    sources[0].send('feed', feedEvent({ id: 7 }));
    sources[0].send('feed', 'not json');
    sources[0].send('notification', {
      id: 1,
      reason: 'mention',
      read: false,
      event: feedEvent()
    });
    expect(events.map(e => e.id)).toEqual([7]);
    expect(notes.map(n => n.id)).toEqual([1]);
    expect(stream.lastEventId).toBe(7);
    stream.dispose();
    expect(sources[0].closed).toBe(true);
  });

  it('lets EventSource reconnect by itself, and reopens after a refusal', async () => {
    jest.useFakeTimers();
    const sources: FakeSource[] = [];
    const urls: [number | null, number][] = [];
    const stream = new LiveStream({
      url: async (after, attempt) => {
        urls.push([after, attempt]);
        return '/stream';
      },
      create: url => {
        const source = new FakeSource(url);
        sources.push(source);
        return source;
      }
    });
    stream.connect();
    await Promise.resolve();
    await Promise.resolve();
    sources[0].open();
    sources[0].send('feed', feedEvent({ id: 3 }));
    sources[0].fail(false);
    expect(stream.status).toBe('retrying');
    expect(sources).toHaveLength(1);
    sources[0].fail(true);
    expect(sources[0].closed).toBe(true);
    jest.advanceTimersByTime(defaultRetryDelay(1));
    await Promise.resolve();
    await Promise.resolve();
    expect(sources).toHaveLength(2);
    expect(urls).toEqual([
      [null, 0],
      [3, 1]
    ]);
    sources[1].open();
    expect(stream.status).toBe('open');
    stream.dispose();
  });

  it('backs off up to a minute', () => {
    expect([1, 2, 3, 10].map(defaultRetryDelay)).toEqual([
      1000, 2000, 4000, 60000
    ]);
  });
});
