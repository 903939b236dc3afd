import {
  KIND_GROUPS,
  bodyOf,
  describeNotification,
  cellOf,
  describeEvent,
  moleculesOfEvent,
  threadOf
} from '../common/describe';
import { relativeTime } from '../common/time';
import { feedEvent } from './fixtures';

/** `data` of a `compounds.changed` event as the project server sends it
 * (extensions/moiety/core/compound_changes.py, `compounds_changed`). */
const COMPOUNDS_CHANGED = {
  commit: 'b'.repeat(40),
  parent: 'a'.repeat(40),
  added: 5,
  removed: 3,
  changed: 1,
  highlights: [
    {
      change: 'added',
      key: 'KEY-A',
      name: 'gefitinib',
      smiles: 'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1',
      properties: { pIC50: 8.5 }
    },
    {
      change: 'changed',
      key: 'KEY-C',
      name: 'erlotinib',
      smiles: 'COCCOc1cc2ncnc(Nc3cccc(C#C)c3)c2cc1OCCOC',
      properties: { pIC50: 9.1 },
      changes: { properties: { pIC50: { old: 8.4, new: 9.1 } } }
    },
    {
      change: 'removed',
      key: 'KEY-R',
      name: null,
      smiles: 'c1ccc2ncncc2c1',
      properties: {}
    },
    { change: 'added', key: 'KEY-X', name: 'no structure', properties: {} },
    {
      change: 'added',
      key: 'KEY-4',
      name: 'fourth',
      smiles: 'CCN',
      properties: {}
    },
    {
      change: 'added',
      key: 'KEY-5',
      name: 'beyond four',
      smiles: 'CCC',
      properties: {}
    }
  ]
};

describe('describeEvent', () => {
  it.each([
    ['file.created', {}, 'a.ipynb', ['created', 'a.ipynb', '']],
    ['file.saved', { count: 3 }, 'a.ipynb', ['saved', 'a.ipynb', '(3 saves)']],
    ['file.saved', { count: 1 }, 'a.ipynb', ['saved', 'a.ipynb', '']],
    [
      'file.renamed',
      { from: 'old.ipynb' },
      'new.ipynb',
      ['renamed old.ipynb to', 'new.ipynb', '']
    ],
    ['file.deleted', {}, 'gone.txt', ['deleted', null, 'gone.txt']],
    [
      'snapshot.created',
      { message: 'Before meeting\nmore', paths: ['a.ipynb'] },
      'a.ipynb',
      ['took a snapshot', 'a.ipynb', '“Before meeting”']
    ],
    [
      'snapshot.created',
      { message: 'All', paths: ['a', 'b'] },
      null,
      ['took a snapshot', null, 'of 2 files: “All”']
    ],
    [
      'version.restored',
      {},
      'a.ipynb',
      ['restored an earlier version of', 'a.ipynb', '']
    ],
    ['post.created', { body: 'x' }, null, ['posted', null, '']],
    [
      'thread.opened',
      {},
      'a.ipynb',
      ['started a comment thread on', 'a.ipynb', '']
    ],
    ['comment.added', {}, 'a.ipynb', ['commented on', 'a.ipynb', '']],
    [
      'thread.resolved',
      {},
      'a.ipynb',
      ['resolved a comment thread on', 'a.ipynb', '']
    ],
    [
      'thread.reopened',
      { thread: 4, cell_id: 'c1', line: null, line_end: null },
      'a.ipynb',
      ['reopened a comment thread on', 'a.ipynb', '']
    ],
    [
      'comment.edited',
      { thread: 4, comment: 9, cell_id: 'c1' },
      'a.ipynb',
      ['edited a comment on', 'a.ipynb', '']
    ],
    [
      'comment.deleted',
      { thread: 4, comment: 9, cell_id: null, line: 3 },
      'notes.md',
      ['deleted a comment on', 'notes.md', '']
    ],
    [
      'compounds.changed',
      { ...COMPOUNDS_CHANGED, changed: 0 },
      'data/egfr.sdf',
      ['changed compounds in', 'data/egfr.sdf', '(5 added, 3 removed)']
    ],
    [
      'compounds.changed',
      { ...COMPOUNDS_CHANGED, added: 0, removed: 0, highlights: [] },
      'data/egfr.sdf',
      ['changed compounds in', 'data/egfr.sdf', '(1 changed)']
    ],
    ['project.created', {}, null, ['created the project', null, '']],
    ['member.joined', {}, null, ['joined the project', null, '']],
    ['something.new', {}, null, ['did something new', null, '']]
  ])('%s in plain words', (kind, data, path, [verb, shownPath, detail]) => {
    const event = feedEvent({ kind, data, path, summary: 'did something new' });
    expect(describeEvent(event)).toEqual({ verb, path: shownPath, detail });
  });
});

describe('event details', () => {
  it('finds the cell, thread and body an event is about', () => {
    const event = feedEvent({
      kind: 'comment.added',
      data: { anchor: { cell_id: 'c9' }, thread_id: 4, body: 'hi' }
    });
    expect(cellOf(event)).toBe('c9');
    expect(threadOf(event)).toBe(4);
    expect(bodyOf(event)).toBe('hi');
    expect(cellOf(feedEvent({ data: { cell_id: 'c1' } }))).toBe('c1');
    expect(threadOf(feedEvent({ data: { thread: { id: 5 } } }))).toBe(5);
    expect(cellOf(feedEvent())).toBeNull();
  });

  it('lists the molecules of posts and shares', () => {
    expect(
      moleculesOfEvent(
        feedEvent({
          data: { molecules: [{ smiles: 'CCO', name: 'ethanol' }, { nope: 1 }] }
        })
      )
    ).toEqual([{ smiles: 'CCO', name: 'ethanol' }]);
    expect(
      moleculesOfEvent(
        feedEvent({ kind: 'molecule.shared', data: { smiles: 'c1ccccc1' } })
      )
    ).toEqual([{ smiles: 'c1ccccc1', name: null }]);
  });

  it('draws the highlights of a compounds.changed event, saying what changed', () => {
    const event = feedEvent({
      kind: 'compounds.changed',
      path: 'data/egfr.sdf',
      data: COMPOUNDS_CHANGED
    });
    expect(moleculesOfEvent(event)).toEqual([
      {
        smiles: COMPOUNDS_CHANGED.highlights[0].smiles,
        name: 'gefitinib (added)'
      },
      {
        smiles: COMPOUNDS_CHANGED.highlights[1].smiles,
        name: 'erlotinib (changed)'
      },
      { smiles: 'c1ccc2ncncc2c1', name: 'removed' }
    ]);
    expect(
      moleculesOfEvent(
        feedEvent({
          kind: 'compounds.changed',
          data: { ...COMPOUNDS_CHANGED, highlights: undefined }
        })
      )
    ).toEqual([]);
  });
});

describe('KIND_GROUPS', () => {
  it('lists every discussion event under Comments', () => {
    const comments = KIND_GROUPS.find(g => g.label === 'Comments')!;
    expect(comments.kinds.sort()).toEqual([
      'comment.added',
      'comment.deleted',
      'comment.edited',
      'thread.opened',
      'thread.reopened',
      'thread.resolved'
    ]);
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-11-20T12:00:00Z');
  it.each([
    ['2026-11-20T11:59:40Z', 'just now'],
    ['2026-11-20T11:55:00Z', '5 min ago'],
    ['2026-11-20T09:00:00Z', '3 h ago'],
    ['2026-11-19T10:00:00Z', 'yesterday'],
    ['2026-11-16T10:00:00Z', '4 days ago'],
    ['not a date', 'not a date']
  ])('%s is %s', (iso, expected) => {
    expect(relativeTime(iso, now)).toBe(expected);
  });
});

describe('describeNotification', () => {
  it('says who did what where', () => {
    const comment = feedEvent({
      actor: 'alice',
      kind: 'comment.added',
      path: 'a.ipynb'
    });
    expect(describeNotification({ reason: 'mention', event: comment })).toBe(
      'alice mentioned you in a comment on a.ipynb'
    );
    expect(
      describeNotification({
        reason: 'mention',
        event: feedEvent({ actor: 'bob', kind: 'post.created' })
      })
    ).toBe('bob mentioned you in a post');
    expect(describeNotification({ reason: 'reply', event: comment })).toBe(
      'alice replied to a thread you are in on a.ipynb'
    );
    expect(
      describeNotification({
        reason: 'watch',
        event: feedEvent({
          actor: 'bob',
          kind: 'file.saved',
          path: 'x.ipynb',
          data: { count: 2 }
        })
      })
    ).toBe('bob saved x.ipynb (2 saves)');
  });
});
