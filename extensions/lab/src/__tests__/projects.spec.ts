import { MoietyError } from '../api/errors';
import {
  ProjectsModel,
  fileUrl,
  slugFromTitle,
  slugProblem
} from '../projects/model';
import type { IOpenProgress } from '../tokens';
import { scripted } from './fixtures';

const EGFR = {
  slug: 'egfr-sar',
  title: 'EGFR SAR',
  description: '',
  teams: ['kinase'],
  server_url: '/user/project-egfr-sar/',
  created_at: '2026-11-20T10:00:00Z'
};

describe('ProjectsModel', () => {
  it('lists projects once until refreshed', async () => {
    const { client, calls } = scripted({
      'api/projects': [{ items: [EGFR], next: null }]
    });
    const model = new ProjectsModel({ client });
    await model.list();
    await model.list();
    expect(calls).toHaveLength(1);
    await model.refresh();
    expect(calls).toHaveLength(2);
    expect(model.items).toEqual([EGFR]);
  });

  it('calls start again while the server is starting', async () => {
    const { client, calls } = scripted({
      'api/projects/egfr-sar/start': [
        { server_url: EGFR.server_url, ready: false },
        { server_url: EGFR.server_url, ready: false },
        { server_url: EGFR.server_url, ready: true }
      ]
    });
    const waits: number[] = [];
    const model = new ProjectsModel({
      client,
      wait: async ms => void waits.push(ms)
    });
    const phases: string[] = [];
    const answer = await model.start('egfr-sar', (p: IOpenProgress) =>
      phases.push(p.phase)
    );
    expect(answer.ready).toBe(true);
    expect(calls).toHaveLength(3);
    expect(calls[0][1]).toEqual({ method: 'POST' });
    expect(waits).toEqual([500, 1000]);
    expect(phases).toEqual(['starting', 'waiting', 'waiting', 'ready']);
    expect(model.progress('egfr-sar')?.url).toBe(EGFR.server_url);
  });

  it('gives up after the time-out, saying what to do', async () => {
    let now = 0;
    const { client } = scripted({
      'api/projects/egfr-sar/start': [{ server_url: '', ready: false }]
    });
    const model = new ProjectsModel({
      client,
      wait: async ms => void (now += ms * 100),
      now: () => now
    });
    await expect(model.start('egfr-sar')).rejects.toThrow(
      /did not start within 120 s/
    );
    expect(model.progress('egfr-sar')?.phase).toBe('error');
  });

  it("reports the service's refusal to start", async () => {
    const { client } = scripted({
      'api/projects/x/start': [
        {
          throws: new MoietyError(
            404,
            'not-found',
            'There is no project "x" that you can see.'
          )
        }
      ]
    });
    const model = new ProjectsModel({ client });
    await expect(model.start('x')).rejects.toThrow('There is no project "x"');
    expect(model.progress('x')).toEqual({
      phase: 'error',
      message: 'There is no project "x" that you can see.'
    });
  });

  it('creates a project and lists it', async () => {
    const created = { ...EGFR, slug: 'kras', title: 'KRAS' };
    const { client, calls } = scripted({ 'api/projects': [created] });
    const model = new ProjectsModel({ client });
    await model.create({
      slug: 'kras',
      title: 'KRAS',
      teams: ['kinase'],
      description: ''
    });
    expect(calls[0]).toEqual([
      'api/projects',
      {
        method: 'POST',
        body: JSON.stringify({ slug: 'kras', title: 'KRAS', teams: ['kinase'] })
      }
    ]);
    await expect(model.list()).resolves.toEqual([created]);
  });
});

describe('project helpers', () => {
  it('builds file URLs in the project JupyterLab, with the cell', () => {
    expect(fileUrl('/user/project-egfr-sar/', 'notes/a b#1.ipynb', 'c-1')).toBe(
      '/user/project-egfr-sar/lab/tree/notes/a%20b%231.ipynb#cell-id=c-1'
    );
    expect(fileUrl('/user/p', 'x.txt')).toBe('/user/p/lab/tree/x.txt');
  });

  it('checks and suggests slugs like the service', () => {
    expect(slugProblem('egfr-sar2')).toBeNull();
    expect(slugProblem('')).toMatch(/short name/);
    for (const bad of ['a', '2egfr', 'egfr-', 'eg--fr', 'EGFR', 'egfr sar']) {
      expect(slugProblem(bad)).not.toBeNull();
    }
    expect(slugFromTitle('EGFR SAR (2026)')).toBe('egfr-sar-2026');
    expect(slugFromTitle('  Ünïcode  Title ')).toBe('unicode-title');
  });
});
