import {
  FeedModel,
  NO_FILTERS,
  filterQuery,
  hasFilters,
  matchesFilters,
  mergeEvents
} from '../activity/model';
import { UnreadMarker } from '../activity/unread';
import { MoietyError } from '../api/errors';
import { feedEvent, memoryStorage, scripted } from './fixtures';

function model(script: Record<string, unknown[]>, user = 'alice') {
  const { client, calls } = scripted(script);
  const unread = new UnreadMarker({ storage: memoryStorage(), user });
  return { feed: new FeedModel({ client, unread, pageSize: 2 }), calls };
}

describe('filters', () => {
  const event = feedEvent({
    project: 'egfr-sar',
    actor: 'bob',
    kind: 'post.created',
    tags: ['egfr', 'hit-to-lead']
  });

  it('match like the service filters', () => {
    expect(matchesFilters(event, NO_FILTERS)).toBe(true);
    const only = (f: object) => ({ ...NO_FILTERS, ...f });
    expect(matchesFilters(event, only({ projects: ['egfr-sar'] }))).toBe(true);
    expect(matchesFilters(event, only({ projects: ['other'] }))).toBe(false);
    expect(matchesFilters(event, only({ actor: '@Bob' }))).toBe(true);
    expect(matchesFilters(event, only({ actor: 'alice' }))).toBe(false);
    expect(matchesFilters(event, only({ kinds: ['file.saved'] }))).toBe(false);
    expect(
      matchesFilters(event, only({ kinds: ['file.saved', 'post.created'] }))
    ).toBe(true);
    expect(matchesFilters(event, only({ tag: '#EGFR' }))).toBe(true);
    expect(matchesFilters(event, only({ tag: 'kras' }))).toBe(false);
  });

  it('become query arguments', () => {
    const query = filterQuery({
      projects: ['a', 'b'],
      actor: '@Bob',
      kinds: ['post.created'],
      tag: '#EGFR'
    });
    expect(query.toString()).toBe(
      'project=a&project=b&actor=bob&kind=post.created&tag=egfr'
    );
    expect(hasFilters(NO_FILTERS)).toBe(false);
    expect(hasFilters({ ...NO_FILTERS, tag: 'x' })).toBe(true);
  });
});

describe('mergeEvents', () => {
  it('keeps one entry per id, newest first, the incoming copy winning', () => {
    const a = feedEvent({ id: 1 });
    const b = feedEvent({ id: 2 });
    const bAgain = {
      ...b,
      reactions: [{ emoji: '👍', count: 1, reacted: true }]
    };
    const merged = mergeEvents([b, a], [bAgain, feedEvent({ id: 3 })]);
    expect(merged.map(e => e.id)).toEqual([3, 2, 1]);
    expect(merged[1].reactions).toHaveLength(1);
  });
});

describe('FeedModel', () => {
  it('pages with the next cursor, newest first', async () => {
    const { feed, calls } = model({
      'api/feed': [
        { items: [feedEvent({ id: 9 }), feedEvent({ id: 8 })], next: 'c1' },
        { items: [feedEvent({ id: 7 })], next: null }
      ]
    });
    await feed.refresh();
    expect(feed.items.map(e => e.id)).toEqual([9, 8]);
    expect(feed.hasMore).toBe(true);
    await feed.loadMore();
    expect(feed.items.map(e => e.id)).toEqual([9, 8, 7]);
    expect(feed.hasMore).toBe(false);
    expect(calls[0][0]).toBe('api/feed?limit=2');
    expect(calls[1][0]).toBe('api/feed?limit=2&before=c1');
    await feed.loadMore();
    expect(calls).toHaveLength(2);
  });

  it('merges live events without duplicates, also while a page loads', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const client = {
      request: jest.fn(
        () => new Promise(resolve => (answer = resolve))
      ) as unknown as <T>(e: string) => Promise<T>
    };
    const feed = new FeedModel({
      client,
      unread: new UnreadMarker({ storage: null, user: 'alice' })
    });
    const loading = feed.refresh();
    feed.addLive(feedEvent({ id: 11 }));
    feed.addLive(feedEvent({ id: 11 }));
    answer({
      items: [feedEvent({ id: 11 }), feedEvent({ id: 10 })],
      next: null
    });
    await loading;
    feed.addLive(feedEvent({ id: 10 }));
    feed.addLive(feedEvent({ id: 12 }));
    expect(feed.items.map(e => e.id)).toEqual([12, 11, 10]);
  });

  it('leaves out live events that the filters exclude', async () => {
    const { feed, calls } = model({ 'api/feed': [{ items: [], next: null }] });
    await feed.setFilters({ ...NO_FILTERS, tag: 'egfr' });
    expect(calls[0][0]).toBe('api/feed?tag=egfr&limit=2');
    feed.addLive(feedEvent({ id: 1, tags: [] }));
    feed.addLive(feedEvent({ id: 2, tags: ['egfr'] }));
    expect(feed.items.map(e => e.id)).toEqual([2]);
  });

  it("keeps the service's message when a page fails", async () => {
    const { feed } = model({
      'api/feed': [
        { throws: new MoietyError(400, 'bad-filter', 'No kind "x".') },
        { items: [feedEvent({ id: 1 })], next: null }
      ]
    });
    await feed.refresh();
    expect(feed.status).toBe('error');
    expect(feed.error).toBe('No kind "x".');
    await feed.refresh();
    expect(feed.status).toBe('ready');
    expect(feed.error).toBe('');
  });

  it('toggles reactions with the answer of the service', async () => {
    const { feed, calls } = model({
      'api/feed': [{ items: [feedEvent({ id: 5 })], next: null }],
      'api/events/5/reactions': [
        { event: 5, reactions: [{ emoji: '👍', count: 1, reacted: true }] },
        { event: 5, reactions: [] }
      ]
    });
    await feed.refresh();
    await feed.react(feed.items[0], '👍');
    expect(feed.items[0].reactions).toEqual([
      { emoji: '👍', count: 1, reacted: true }
    ]);
    expect(calls[1][1]).toMatchObject({
      method: 'POST',
      body: JSON.stringify({ emoji: '👍' })
    });
    await feed.react(feed.items[0], '👍');
    expect(calls[2][0]).toBe(
      `api/events/5/reactions?emoji=${encodeURIComponent('👍')}`
    );
    expect(calls[2][1]).toMatchObject({ method: 'DELETE' });
    expect(feed.items[0].reactions).toEqual([]);
  });
});
