import {
  ComposerModel,
  MentionCompleter,
  defaultPostProject
} from '../activity/composer';
import { MoietyError } from '../api/errors';
import {
  applyMention,
  mentionAt,
  moleculesOf,
  parseMarkup,
  withoutMoleculeBlocks
} from '../common/markup';
import { feedEvent, scripted } from './fixtures';

describe('defaultPostProject', () => {
  const projects = [{ slug: 'audit-trail' }, { slug: 'egfr-sar' }];

  it('prefers the project whose server this is', () => {
    expect(defaultPostProject(projects, 'egfr-sar')).toBe('egfr-sar');
  });

  it('falls back to the first project elsewhere or when it is not yours', () => {
    expect(defaultPostProject(projects, null)).toBe('audit-trail');
    expect(defaultPostProject(projects, 'neuro-only')).toBe('audit-trail');
    expect(defaultPostProject([], 'egfr-sar')).toBe('');
  });
});

describe('parseMarkup', () => {
  it('finds tags and mentions as the service does', () => {
    const markup = parseMarkup(
      'Look at #EGFR and #hit-to-lead, @Bob and @j.doe. ' +
        'Not #1, C#N, x#y, bob@example.com, `#code @code` or ' +
        'https://example.com/#anchor. Again #egfr @bob'
    );
    expect(markup.tags).toEqual(['egfr', 'hit-to-lead']);
    expect(markup.mentions).toEqual(['bob', 'j.doe']);
  });

  it('skips fenced and indented code', () => {
    const body =
      'Hi @alice\n\n```python\n# not a tag @nobody\n```\n\n    #indented\n';
    expect(parseMarkup(body)).toEqual({
      tags: [],
      mentions: ['alice'],
      molecules: []
    });
  });

  it('reads molecules from smiles blocks, with optional names', () => {
    const body =
      'Two hits:\n```smiles\nc1ccccc1 benzene\n# a comment\n\nCCO  ethanol, dry\nCC\n```\nend';
    expect(moleculesOf(body)).toEqual([
      { smiles: 'c1ccccc1', name: 'benzene' },
      { smiles: 'CCO', name: 'ethanol, dry' },
      { smiles: 'CC' }
    ]);
    expect(withoutMoleculeBlocks(body)).toBe('Two hits:\nend');
    expect(parseMarkup(body).molecules).toHaveLength(3);
  });

  it('reads an unterminated smiles block to the end', () => {
    expect(moleculesOf('```smiles\nCCN amine')).toEqual([
      { smiles: 'CCN', name: 'amine' }
    ]);
  });
});

describe('mention completion', () => {
  it('finds the @name being typed at the caret', () => {
    expect(mentionAt('hello @bo', 9)).toEqual({
      start: 6,
      end: 9,
      prefix: 'bo'
    });
    expect(mentionAt('@', 1)).toEqual({ start: 0, end: 1, prefix: '' });
    expect(mentionAt('mail bob@exa', 12)).toBeNull();
    expect(mentionAt('hello @bob there', 16)).toBeNull();
    expect(mentionAt('code `@bo', 9)).toBeNull();
    expect(mentionAt('```\n@bo', 7)).toBeNull();
  });

  it('inserts the chosen name and moves the caret after it', () => {
    const text = 'ask @b about it';
    const query = mentionAt(text, 6)!;
    expect(applyMention(text, query, 'bob')).toEqual({
      text: 'ask @bob about it',
      caret: 9
    });
  });

  it("offers the project's members that match, fetched once", async () => {
    const { client, calls } = scripted({
      'api/projects/egfr-sar/members': [
        {
          items: [{ name: 'alice' }, { name: 'bob' }, { name: 'bea' }],
          next: null
        }
      ]
    });
    const completer = new MentionCompleter(client);
    await completer.update('egfr-sar', 'hi @b', 5);
    expect(completer.candidates).toEqual(['bob', 'bea']);
    completer.move(1);
    expect(completer.active).toBe(1);
    completer.move(1);
    expect(completer.active).toBe(0);
    expect(completer.choose('hi @b', 1)).toEqual({
      text: 'hi @bea ',
      caret: 8
    });
    expect(completer.candidates).toEqual([]);
    await completer.update('egfr-sar', 'hi @', 4);
    expect(completer.candidates).toEqual(['alice', 'bob', 'bea']);
    await completer.update('egfr-sar', 'hi @bob', 7);
    expect(completer.candidates).toEqual([]);
    await completer.update('egfr-sar', 'hi there', 8);
    expect(completer.candidates).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('lets the latest keystroke win', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const client = {
      request: jest.fn(
        () => new Promise(resolve => (answer = resolve))
      ) as unknown as <T>(e: string) => Promise<T>
    };
    const completer = new MentionCompleter(client);
    const first = completer.update('p', '@a', 2);
    const second = completer.update('p', 'no mention', 10);
    answer({ items: [{ name: 'alice' }], next: null });
    await Promise.all([first, second]);
    expect(completer.candidates).toEqual([]);
  });
});

describe('ComposerModel', () => {
  it('posts the body to the project and clears it', async () => {
    const event = feedEvent({ id: 42 });
    const { client, calls } = scripted({ 'api/posts': [event] });
    const composer = new ComposerModel(client);
    expect(composer.canPost).toBe(false);
    composer.project = 'egfr-sar';
    composer.setBody('New hit #egfr for @bob');
    expect(composer.markup.tags).toEqual(['egfr']);
    expect(composer.markup.mentions).toEqual(['bob']);
    await expect(composer.post()).resolves.toBe(event);
    expect(calls[calls.length - 1]).toEqual([
      'api/posts',
      {
        method: 'POST',
        body: JSON.stringify({
          project: 'egfr-sar',
          body: 'New hit #egfr for @bob'
        })
      }
    ]);
    expect(composer.body).toBe('');
  });

  it("keeps the body and the service's message when refused", async () => {
    const refusal = new MoietyError(
      400,
      'unknown-mention',
      '@carol is not a member of the teams of egfr-sar; mention only people who can see the project.'
    );
    const { client } = scripted({
      'api/posts': [{ throws: refusal }],
      'api/projects': [{ items: [], next: null }]
    });
    const composer = new ComposerModel(client);
    composer.project = 'egfr-sar';
    composer.setBody('hi @carol');
    await expect(composer.post()).resolves.toBeNull();
    expect(composer.error).toBe(refusal.message);
    expect(composer.body).toBe('hi @carol');
    composer.setBody('hi @bob');
    expect(composer.error).toBe('');
  });
});
