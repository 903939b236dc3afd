import { MoietyError } from '../api/errors';
import { WatchesModel } from '../notifications/watches';
import { scripted } from './fixtures';

describe('WatchesModel', () => {
  it('lists watches and toggles a file and a project', async () => {
    const { client, calls } = scripted({
      'api/watches?': [{ removed: 1 }],
      'api/watches': [
        { items: [{ id: 1, project: 'egfr-sar', path: null }], next: null },
        { id: 2, project: 'egfr-sar', path: 'a.ipynb' }
      ]
    });
    const watches = new WatchesModel(client);
    await watches.load();
    await watches.load();
    expect(watches.isWatching('egfr-sar')).toBe(true);
    expect(watches.isWatching('egfr-sar', 'a.ipynb')).toBe(false);
    await watches.toggle('egfr-sar', 'a.ipynb');
    expect(watches.isWatching('egfr-sar', 'a.ipynb')).toBe(true);
    await watches.toggle('egfr-sar');
    expect(watches.isWatching('egfr-sar')).toBe(false);
    expect(calls.map(([e, init]) => [e, init?.method, init?.body])).toEqual([
      ['api/watches', undefined, undefined],
      [
        'api/watches',
        'POST',
        JSON.stringify({ project: 'egfr-sar', path: 'a.ipynb' })
      ],
      ['api/watches?project=egfr-sar', 'DELETE', undefined]
    ]);
  });

  it("keeps the service's message when refused", async () => {
    const { client } = scripted({
      'api/watches': [
        { items: [], next: null },
        {
          throws: new MoietyError(
            404,
            'not-found',
            'There is no project "x" that you can see.'
          )
        }
      ]
    });
    const watches = new WatchesModel(client);
    await watches.load();
    await watches.toggle('x');
    expect(watches.error).toBe('There is no project "x" that you can see.');
    expect(watches.isWatching('x')).toBe(false);
  });
});
