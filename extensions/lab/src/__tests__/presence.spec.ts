import { collaboratorsFrom, documentName, initialsOf } from '../presence/model';

describe('collaboratorsFrom', () => {
  it('lists the others once each, with their document', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { username: 'alice', display_name: 'Alice' } }],
      [
        2,
        {
          user: { username: 'bob', display_name: 'Bob B', color: '#f00' },
          current: 'notebook:a/b.ipynb'
        }
      ],
      [3, { user: { username: 'bob', display_name: 'Bob B' } }],
      [4, { user: { username: 'alice' } }],
      [5, {}],
      [6, { user: { name: 'carol' } }]
    ]);
    const people = collaboratorsFrom(states, 1, 'alice');
    expect(people).toEqual([
      {
        username: 'bob',
        displayName: 'Bob B',
        initials: 'BB',
        color: '#f00',
        current: 'notebook:a/b.ipynb'
      },
      {
        username: 'carol',
        displayName: 'carol',
        initials: 'C',
        color: 'var(--jp-brand-color1)',
        current: null
      }
    ]);
  });

  it('names documents and initials', () => {
    expect(documentName('notebook:a/b.ipynb')).toBe('b.ipynb');
    expect(documentName(null)).toBeNull();
    expect(initialsOf('')).toBe('?');
  });
});
