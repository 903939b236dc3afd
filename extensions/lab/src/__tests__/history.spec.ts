import {
  HistoryModel,
  WORKING,
  firstLine,
  shortCommit
} from '../history/model';
import { scripted } from './fixtures';

const v = (commit: string, message = `m ${commit}`) => ({
  commit,
  author: 'alice',
  message,
  created_at: '2026-11-20T10:00:00Z',
  paths: ['analysis.ipynb']
});

function model(script: Record<string, unknown[]>) {
  const { client, calls } = scripted(script);
  return {
    history: new HistoryModel({ request: client.request, pageSize: 2 }),
    calls
  };
}

describe('HistoryModel', () => {
  it('follows the current file and pages its versions', async () => {
    const { history, calls } = model({
      history: [
        { items: [v('c3'), v('c2')], next: '2' },
        { items: [v('c1')], next: null }
      ]
    });
    await history.setPath('analysis.ipynb');
    expect(history.versions.map(x => x.commit)).toEqual(['c3', 'c2']);
    await history.loadMore();
    expect(history.versions.map(x => x.commit)).toEqual(['c3', 'c2', 'c1']);
    expect(history.hasMore).toBe(false);
    expect(calls.map(c => c[0])).toEqual([
      'history?path=analysis.ipynb&limit=2',
      'history?path=analysis.ipynb&limit=2&skip=2'
    ]);
  });

  it('shows nothing without a file', async () => {
    const { history, calls } = model({});
    await history.setPath(null);
    expect(history.status).toBe('idle');
    expect(calls).toHaveLength(0);
  });

  it('compares a version with the one before, or two versions, older first', async () => {
    const { history } = model({
      history: [{ items: [v('c3'), v('c2'), v('c1')], next: null }]
    });
    await history.setPath('a.ipynb');
    expect(history.compare('c2')).toEqual({ from: 'c1', to: 'c2' });
    expect(history.compare('c2', true)).toEqual({ from: 'c2', to: WORKING });
    expect(history.compareTwo('c3', 'c1')).toEqual({ from: 'c1', to: 'c3' });
    expect(history.compareTwo(WORKING, 'c2')).toEqual({
      from: 'c2',
      to: WORKING
    });
  });

  it('asks for diffs, snapshots and restores of the current file', async () => {
    const { history, calls } = model({
      history: [{ items: [v('c1')], next: null }],
      diff: [{ kind: 'text', diff: '' }],
      snapshot: [{ commit: 'c2', changed: true }],
      restore: [{ commit: 'c3', changed: true, path: 'a.txt' }]
    });
    await history.setPath('a.txt');
    await history.diff({ from: 'c1', to: WORKING });
    await history.snapshot('Before the group meeting');
    await history.restore('c1');
    const writes = calls.filter(([e]) => !e.startsWith('history'));
    expect(writes).toEqual([
      ['diff?path=a.txt&from=c1&to=WORKING', undefined],
      [
        'snapshot',
        {
          method: 'POST',
          body: JSON.stringify({
            message: 'Before the group meeting',
            paths: ['a.txt']
          })
        }
      ],
      [
        'restore',
        {
          method: 'POST',
          body: JSON.stringify({ path: 'a.txt', commit: 'c1' })
        }
      ]
    ]);
  });

  it("keeps the server's message on failure", async () => {
    const { history } = model({
      history: [{ throws: new Error("'x' is not in the project.") }]
    });
    await history.setPath('x');
    expect(history.status).toBe('error');
    expect(history.error).toBe("'x' is not in the project.");
  });

  it('shows commits and messages shortly', () => {
    expect(firstLine('Title\n\nbody')).toBe('Title');
    expect(shortCommit('0123456789abcdef')).toBe('01234567');
    expect(shortCommit(WORKING)).toBe('working copy');
  });
});
