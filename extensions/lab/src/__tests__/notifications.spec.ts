import { MoietyError } from '../api/errors';
import type { INotification } from '../api/types';
import { NotificationsModel } from '../notifications/model';
import { feedEvent, scripted } from './fixtures';

const n = (id: number, read = false): INotification => ({
  id,
  reason: 'mention',
  read,
  event: feedEvent({ kind: 'thread.opened', path: 'a.ipynb' })
});

describe('NotificationsModel', () => {
  it('counts unread ones and adds live ones once', async () => {
    const { client } = scripted({
      'api/notifications': [{ items: [n(2), n(1, true)], next: null }]
    });
    const model = new NotificationsModel(client);
    await model.refresh();
    expect(model.unreadCount).toBe(1);
    model.add(n(3));
    model.add(n(3));
    model.add(n(2));
    expect(model.items.map(x => x.id)).toEqual([3, 2, 1]);
    expect(model.unreadCount).toBe(2);
  });

  it('marks read, and restores the flags when the service refuses', async () => {
    const { client, calls } = scripted({
      'api/notifications/read': [
        {},
        { throws: new MoietyError(500, 'x', 'Down.') }
      ],
      'api/notifications': [{ items: [n(2), n(1)], next: null }]
    });
    const model = new NotificationsModel(client);
    await model.refresh();
    await model.markRead([2]);
    expect(model.unreadCount).toBe(1);
    expect(calls[1]).toEqual([
      'api/notifications/read',
      { method: 'POST', body: JSON.stringify({ ids: [2] }) }
    ]);
    await expect(model.markAllRead()).rejects.toThrow('Down.');
    expect(model.unreadCount).toBe(1);
    expect(model.error).toBe('Down.');
  });

  it('a live copy never marks a read notification unread', async () => {
    const { client } = scripted({
      'api/notifications': [{ items: [n(1, true)], next: null }]
    });
    const model = new NotificationsModel(client);
    await model.refresh();
    model.add(n(1, false));
    expect(model.unreadCount).toBe(0);
  });

  it('says when the service has no notifications yet', async () => {
    const { client } = scripted({
      'api/notifications': [
        { throws: new MoietyError(404, 'http-404', 'Not Found') }
      ]
    });
    const model = new NotificationsModel(client);
    await model.refresh();
    expect(model.status).toBe('unavailable');
  });
});
