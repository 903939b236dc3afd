import { MoietyError } from '../api/errors';
import type { IThread } from '../api/types';
import {
  ThreadsModel,
  authorOf,
  moderates,
  tombstoneOf
} from '../comments/model';
import { feedEvent, scripted } from './fixtures';

function thread(fields: Partial<IThread>): IThread {
  return {
    id: 1,
    project: 'egfr-sar',
    path: 'analysis.ipynb',
    anchor: { cell_id: 'c1' },
    state: 'open',
    anchor_state: 'current',
    created_at: '2026-11-20T10:00:00Z',
    comments: [
      {
        id: 10,
        author: 'alice',
        body: 'pIC50 looks off @bob',
        created_at: '2026-11-20T10:00:00Z'
      }
    ],
    ...fields
  };
}

const THREADS = [
  thread({
    id: 2,
    created_at: '2026-11-20T11:00:00Z',
    anchor: { cell_id: 'c1' },
    state: 'resolved'
  }),
  thread({ id: 1, anchor: { cell_id: 'c1' }, anchor_state: 'outdated' }),
  thread({ id: 3, anchor: { cell_id: 'c2' } }),
  thread({ id: 4, anchor: { cell_id: 'gone' }, anchor_state: 'orphaned' })
];

function model(script: Record<string, unknown[]>) {
  const { client, calls } = scripted(script);
  return {
    threads: new ThreadsModel({
      client,
      project: 'egfr-sar',
      path: 'analysis.ipynb',
      user: 'alice'
    }),
    calls
  };
}

describe('ThreadsModel', () => {
  it("loads a file's threads, oldest first, orphans apart", async () => {
    const { threads, calls } = model({
      'api/threads': [{ items: THREADS, next: null }]
    });
    await threads.refresh();
    expect(calls[0][0]).toBe(
      'api/threads?project=egfr-sar&path=analysis.ipynb&state=all&limit=200'
    );
    expect(threads.threads.map(t => t.id)).toEqual([1, 3, 4, 2]);
    expect(threads.orphaned.map(t => t.id)).toEqual([4]);
    expect(threads.threadsOfCell('c1').map(t => t.id)).toEqual([1, 2]);
  });

  it('sums up each cell for its badge', async () => {
    const { threads } = model({
      'api/threads': [{ items: THREADS, next: null }]
    });
    await threads.refresh();
    const summaries = threads.summaries();
    expect(summaries.get('c1')).toEqual({ open: 1, total: 2, outdated: true });
    expect(summaries.get('c2')).toEqual({ open: 1, total: 1, outdated: false });
    expect(summaries.has('gone')).toBe(false);
  });

  it('opens threads, replies, edits, deletes, resolves and reopens', async () => {
    const { threads, calls } = model({
      'api/threads?': [{ items: [], next: null }],
      'api/threads': [{ ...thread({ id: 7 }) }],
      'api/threads/7/comments': [{ id: 11 }],
      'api/comments/11': [{}],
      'api/threads/7': [{}]
    });
    await expect(
      threads.create({ cell_id: 'c1', line: null }, 'Hi')
    ).resolves.toBe(7);
    await threads.reply(7, 'Reply');
    await threads.edit(11, 'Edited');
    await threads.remove(11);
    await threads.setState(7, 'resolved');
    await threads.setState(7, 'open');
    const writes = calls.filter(([, init]) => init?.method);
    expect(
      writes.map(([endpoint, init]) => [endpoint, init!.method, init!.body])
    ).toEqual([
      [
        'api/threads',
        'POST',
        JSON.stringify({
          project: 'egfr-sar',
          path: 'analysis.ipynb',
          anchor: { cell_id: 'c1' },
          body: 'Hi'
        })
      ],
      ['api/threads/7/comments', 'POST', JSON.stringify({ body: 'Reply' })],
      ['api/comments/11', 'PATCH', JSON.stringify({ body: 'Edited' })],
      ['api/comments/11', 'DELETE', undefined],
      ['api/threads/7', 'PATCH', JSON.stringify({ state: 'resolved' })],
      ['api/threads/7', 'PATCH', JSON.stringify({ state: 'open' })]
    ]);
    // Each change reloads the threads.
    expect(
      calls.filter(([e, init]) => e.startsWith('api/threads?') && !init)
    ).toHaveLength(6);
  });

  it('reloads on feed events about its file only', async () => {
    const { threads, calls } = model({
      'api/threads': [{ items: [], next: null }]
    });
    threads.onEvent(feedEvent({ kind: 'comment.added', path: 'other.ipynb' }));
    threads.onEvent(
      feedEvent({ kind: 'comment.added', project: 'x', path: 'analysis.ipynb' })
    );
    threads.onEvent(
      feedEvent({ kind: 'post.created', path: 'analysis.ipynb' })
    );
    expect(calls).toHaveLength(0);
    threads.onEvent(
      feedEvent({ kind: 'comment.added', path: 'analysis.ipynb' })
    );
    await threads.refresh();
    expect(calls.length).toBeGreaterThanOrEqual(1);
  });

  it('says when the service has no threads API yet', async () => {
    const { threads } = model({
      'api/threads': [{ throws: new MoietyError(404, 'http-404', 'Not Found') }]
    });
    await threads.refresh();
    expect(threads.status).toBe('unavailable');
    expect(threads.error).toMatch(/does not offer comment threads/);
  });

  it("shows the service's own message on other errors", async () => {
    const { threads } = model({
      'api/threads': [
        {
          throws: new MoietyError(
            404,
            'not-found',
            'There is no project "egfr-sar" that you can see.'
          )
        }
      ]
    });
    await threads.refresh();
    expect(threads.status).toBe('error');
    expect(threads.error).toBe(
      'There is no project "egfr-sar" that you can see.'
    );
  });

  it('knows whose comments are whose', () => {
    const { threads } = model({});
    expect(
      threads.isMine({ id: 1, author: 'alice', body: '', created_at: '' })
    ).toBe(true);
    expect(
      threads.isMine({ id: 1, author: 'bob', body: '', created_at: '' })
    ).toBe(false);
    expect(
      authorOf({ id: 1, actor: 'carol', body: '', created_at: '' } as never)
    ).toBe('carol');
  });

  it("lets authors delete their comments, and moderators anyone's", () => {
    const { threads } = model({});
    const changed = jest.fn();
    threads.changed.connect(changed);
    const bobs = { id: 2, author: 'bob', body: 'x', created_at: '' };
    const alices = { id: 1, author: 'alice', body: 'x', created_at: '' };
    expect(threads.canDelete(alices)).toBe(true);
    expect(threads.canDelete(bobs)).toBe(false);
    threads.moderator = true;
    expect(changed).toHaveBeenCalledTimes(1);
    expect(threads.canDelete(bobs)).toBe(true);
    expect(threads.canDelete({ ...bobs, deleted: true })).toBe(false);
    threads.moderator = true;
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it("knows who moderates a project: its teams' leads and admins", () => {
    const lena = { name: 'lena', lead_of: ['kinase'], admin: false };
    expect(moderates(lena, ['kinase', 'chem'])).toBe(true);
    expect(moderates(lena, ['gpcr'])).toBe(false);
    expect(moderates({ ...lena, lead_of: [], admin: true }, ['gpcr'])).toBe(
      true
    );
    expect(moderates(null, ['kinase'])).toBe(false);
  });

  it('says who deleted a comment', () => {
    const comment = { id: 1, author: 'bob', body: '', created_at: '' };
    expect(tombstoneOf({ ...comment, deleted: true, deleted_by: 'lena' })).toBe(
      'Comment deleted by lena'
    );
    expect(tombstoneOf({ ...comment, deleted: true })).toBe('Comment deleted');
  });

  it('toggles reactions on comments', async () => {
    const { threads, calls } = model({
      'api/threads': [{ items: [thread({ id: 1 })], next: null }],
      'api/comments/10/reactions': [
        { reactions: [{ emoji: '👍', count: 1, reacted: true }] }
      ]
    });
    await threads.refresh();
    await threads.react(threads.threads[0].comments[0], '👍');
    expect(threads.threads[0].comments[0].reactions).toEqual([
      { emoji: '👍', count: 1, reacted: true }
    ]);
    expect(calls[1][1]).toMatchObject({ method: 'POST' });
  });
});

describe('ThreadsModel paging', () => {
  it('follows the next cursor', async () => {
    const { client, calls } = scripted({
      'api/threads': [
        { items: [thread({ id: 1 })], next: 'c2' },
        { items: [thread({ id: 2 })], next: null }
      ]
    });
    const threads = new ThreadsModel({
      client,
      project: 'egfr-sar',
      path: 'analysis.ipynb'
    });
    await threads.refresh();
    expect(threads.threads.map(t => t.id)).toEqual([1, 2]);
    expect(calls[1][0]).toBe(
      'api/threads?project=egfr-sar&path=analysis.ipynb&state=all&limit=200&before=c2'
    );
  });
});
