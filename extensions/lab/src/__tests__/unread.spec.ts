import { SEEN_KEY_PREFIX, UnreadMarker } from '../activity/unread';
import { feedEvent, memoryStorage } from './fixtures';

describe('UnreadMarker', () => {
  it('takes the newest event as the baseline on a first visit', () => {
    const storage = memoryStorage();
    const marker = new UnreadMarker({ storage, user: 'alice' });
    marker.observe(feedEvent({ id: 3 }));
    expect(marker.count).toBe(0);
    marker.baseline(3);
    expect(storage.getItem(SEEN_KEY_PREFIX + 'alice')).toBe('3');
    marker.observe(feedEvent({ id: 4, actor: 'bob' }));
    expect(marker.count).toBe(1);
  });

  it('counts events by others after the last one seen, once each', () => {
    const storage = memoryStorage();
    storage.setItem(SEEN_KEY_PREFIX + 'alice', '10');
    const marker = new UnreadMarker({ storage, user: 'alice' });
    marker.observe(feedEvent({ id: 9, actor: 'bob' }));
    marker.observe(feedEvent({ id: 11, actor: 'bob' }));
    marker.observe(feedEvent({ id: 11, actor: 'bob' }));
    marker.observe(feedEvent({ id: 12, actor: 'alice' }));
    expect(marker.count).toBe(1);
  });

  it('keeps the divider while viewing and remembers what was seen', () => {
    const storage = memoryStorage();
    storage.setItem(SEEN_KEY_PREFIX + 'alice', '10');
    const marker = new UnreadMarker({ storage, user: 'alice' });
    marker.observe(feedEvent({ id: 11, actor: 'bob' }));
    marker.beginViewing();
    expect(marker.count).toBe(0);
    expect(marker.divider).toBe(10);
    expect(marker.isNew(feedEvent({ id: 11, actor: 'bob' }))).toBe(true);
    expect(marker.isNew(feedEvent({ id: 10, actor: 'bob' }))).toBe(false);
    marker.observe(feedEvent({ id: 12, actor: 'bob' }));
    expect(marker.count).toBe(0);
    expect(marker.isNew(feedEvent({ id: 12, actor: 'bob' }))).toBe(true);
    expect(storage.getItem(SEEN_KEY_PREFIX + 'alice')).toBe('12');
    marker.endViewing();
    expect(marker.divider).toBeNull();
    const again = new UnreadMarker({ storage, user: 'alice' });
    expect(again.lastSeen).toBe(12);
  });

  it('keeps one marker per person', () => {
    const storage = memoryStorage();
    storage.setItem(SEEN_KEY_PREFIX + 'bob', '5');
    const marker = new UnreadMarker({ storage });
    expect(marker.lastSeen).toBeNull();
    marker.setUser('bob');
    expect(marker.lastSeen).toBe(5);
  });
});
