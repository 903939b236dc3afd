import {
  HistoryModel,
  WORKING,
  firstLine,
  shortCommit
} from '../history/model';
import type { ICompoundDiff } from '../api/types';
import {
  changeRows,
  compoundWarnings,
  countsInWords,
  formatValue
} from '../history/compounds';
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

/** `compounds` of a `diff` answer as the project server sends it
 * (extensions/moiety/core/chem/diff.py, `CompoundDiff.to_dict`). */
const compound = (
  key: string,
  record: number,
  name: string | null,
  pIC50: unknown
) => ({
  key,
  record,
  name,
  smiles: 'c1ccc2ncncc2c1',
  properties: { pIC50 }
});

const DIFF: ICompoundDiff = {
  added: [compound('KEY-A', 12, 'gefitinib', 8.5)],
  removed: [compound('KEY-R', 3, null, 6), compound('KEY-S', 4, 'S', 5)],
  changed: [
    {
      key: 'KEY-C',
      name: 'erlotinib',
      smiles: 'c1ccc2ncncc2c1',
      old: compound('KEY-C', 7, 'erlotinib-old', 8.4),
      new: compound('KEY-C', 6, 'erlotinib', 9.1234567),
      changes: {
        name: { old: 'erlotinib-old', new: 'erlotinib' },
        properties: {
          pIC50: { old: 8.4, new: 9.1234567 },
          assay: { old: null, new: 'EGFR-T790M' },
          IC50_nM: { old: [3, 4], new: 5 }
        }
      }
    }
  ],
  duplicates: { old: { 'KEY-D': [2, 9] } },
  errors: {
    new: [
      { record: 5, reason: 'Explicit valence for atom # 1 N, 4', name: 'bad' }
    ]
  },
  summary: '+1 −2 ~1 in data/egfr.sdf'
};

describe('compound diffs in words', () => {
  it('counts what was added, removed and changed', () => {
    expect(countsInWords(DIFF)).toBe('1 added, 2 removed, 1 changed');
    expect(
      countsInWords({ ...DIFF, added: [], removed: [], changed: [] })
    ).toMatch(/^No compound was added, removed or changed/);
  });

  it('lists a changed compound as old and new values', () => {
    expect(changeRows(DIFF.changed[0])).toEqual([
      { property: 'name', old: 'erlotinib-old', new: 'erlotinib' },
      { property: 'pIC50', old: '8.4', new: '9.1235' },
      { property: 'assay', old: '—', new: 'EGFR-T790M' },
      { property: 'IC50_nM', old: '3 / 4', new: '5' }
    ]);
  });

  it('warns of unreadable records and repeated compounds', () => {
    expect(compoundWarnings(DIFF)).toEqual([
      '1 record of the newer version could not be read and is not compared (record 5 (bad): Explicit valence for atom # 1 N, 4).',
      '1 compound is in more than one record (the older version: records 2 and 9); each is compared once.'
    ]);
    expect(
      compoundWarnings({
        ...DIFF,
        errors: {},
        duplicates: {
          old: { 'KEY-D': [2, 9] },
          new: { 'KEY-D': [1, 8], 'KEY-E': [3, 4] }
        }
      })
    ).toEqual([
      '2 compounds are in more than one record (the older version: records 2 and 9; the newer version: records 1 and 8; 3 and 4); each is compared once.'
    ]);
    expect(compoundWarnings({ ...DIFF, errors: {}, duplicates: {} })).toEqual(
      []
    );
  });

  it('formats values as people read them', () => {
    expect(formatValue(null)).toBe('—');
    expect(formatValue(7)).toBe('7');
    expect(formatValue(0.1 + 0.2)).toBe('0.3');
    expect(formatValue(true)).toBe('true');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});
