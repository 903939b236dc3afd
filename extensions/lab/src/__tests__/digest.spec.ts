import { MoietyError } from '../api/errors';
import type { IDigest, IDigestDay, IDigestProject } from '../api/types';
import {
  DigestModel,
  LIVE_RELOAD_DELAY,
  canReadDigests,
  digestQuery,
  digestTeams,
  periodProblem,
  sinceOf
} from '../digest/model';
import {
  chartData,
  describeChart,
  niceCeiling,
  pointsOf,
  ticksOf
} from '../digest/series';
import type { IMe } from '../tokens';
import { scripted } from './fixtures';

const NOW = new Date('2026-11-23T10:00:00Z');
const LENA: IMe = {
  name: 'lena',
  teams: ['kinase', 'neuro'],
  lead_of: ['neuro', 'kinase'],
  admin: false
};
const ALICE: IMe = {
  name: 'alice',
  teams: ['kinase'],
  lead_of: [],
  admin: false
};
const ADMIN: IMe = { name: 'admin', teams: [], lead_of: [], admin: true };

function days(counts: number[], first = 16): IDigestDay[] {
  return counts.map((events, i) => ({
    date: `2026-11-${String(first + i).padStart(2, '0')}`,
    events
  }));
}

function project(
  slug: string,
  activity: IDigestDay[],
  fields: Partial<IDigestProject> = {}
): IDigestProject {
  const files = { count: 0, files: 0, people: [], paths: [] };
  const none = { count: 0, items: [] };
  return {
    slug,
    title: slug.toUpperCase(),
    url: `/user/project-${slug}/lab`,
    events: activity.reduce((n, d) => n + d.events, 0),
    people: [],
    activity,
    snapshots: none,
    files: { created: files, saved: files, renamed: files, deleted: files },
    restores: none,
    compounds: {
      added: 0,
      removed: 0,
      changed: 0,
      files: [],
      added_items: [],
      removed_items: []
    },
    discussions: { opened: none, unresolved: none },
    posts: 0,
    top_posts: [],
    ...fields
  };
}

function digest(team: string, projects: IDigestProject[]): IDigest {
  const activity = projects[0]?.activity.map((day, i) => ({
    date: day.date,
    events: projects.reduce((n, p) => n + (p.activity[i]?.events ?? 0), 0)
  }));
  return {
    team,
    since: '2026-11-16T10:00:00.000Z',
    until: '2026-11-23T10:00:00.000Z',
    totals: { projects: projects.length, events: 0 } as IDigest['totals'],
    people: [],
    activity: activity ?? [],
    projects
  };
}

const KINASE = digest('kinase', [
  project('egfr-sar', days([0, 2, 0, 0, 5, 0, 1, 3]))
]);
const NEURO = digest('neuro', [
  project('sulfonamide-sar', days([1, 0, 0, 0, 0, 0, 0, 4]))
]);

describe('who reads which digests', () => {
  it('lets leads and admins in, and nobody else', () => {
    expect(canReadDigests(LENA)).toBe(true);
    expect(canReadDigests(ADMIN)).toBe(true);
    expect(canReadDigests(ALICE)).toBe(false);
  });

  it('offers a lead the teams they lead, an admin every team they can see', () => {
    expect(digestTeams(LENA, [{ teams: ['oncology'] }])).toEqual([
      'kinase',
      'neuro'
    ]);
    expect(digestTeams(ALICE)).toEqual([]);
    const projects = [{ teams: ['neuro', 'kinase'] }, { teams: ['oncology'] }];
    expect(digestTeams({ ...ADMIN, teams: ['admins'] }, projects)).toEqual([
      'admins',
      'kinase',
      'neuro',
      'oncology'
    ]);
  });
});

describe('periods', () => {
  it('passes the spans through and a chosen date as it is', () => {
    expect(sinceOf({ choice: '7d', date: 'ignored' }, NOW)).toBe('7d');
    expect(sinceOf({ choice: '30d', date: '' }, NOW)).toBe('30d');
    expect(sinceOf({ choice: 'date', date: ' 2026-11-01 ' }, NOW)).toBe(
      '2026-11-01'
    );
    // Today's midnight (UTC) is already in the past.
    expect(periodProblem({ choice: 'date', date: '2026-11-23' }, NOW)).toBe(
      null
    );
  });

  it('says what is wrong with a date before asking the service', () => {
    const problem = (date: string) =>
      periodProblem({ choice: 'date', date }, NOW);
    expect(problem('')).toMatch(/Choose the date/);
    expect(problem('23/11/2026')).toMatch(/not a date; write it as 2026-11-16/);
    expect(problem('2026-02-30')).toMatch(/not a date/);
    expect(problem('2026-11-24')).toMatch(/in the past/);
    expect(problem('2025-11-22')).toMatch(/at most 366 days.*after 2025-11-22/);
    expect(problem('2025-11-23')).toBe(null);
    expect(() => sinceOf({ choice: 'date', date: '2027-01-01' }, NOW)).toThrow(
      /in the past/
    );
  });

  it('builds the query with the team escaped, and Markdown on demand', () => {
    expect(digestQuery('kinase', { choice: '7d', date: '' }, NOW)).toBe(
      'api/digest?team=kinase&since=7d'
    );
    expect(
      digestQuery('r&d team', { choice: 'date', date: '2026-11-01' }, NOW, 'md')
    ).toBe('api/digest?team=r%26d+team&since=2026-11-01&format=md');
  });
});

describe('the chart', () => {
  it('gives one series per project on every day of the period', () => {
    const both = digest('kinase', [
      project('egfr-sar', days([0, 2, 0, 5])),
      // A project whose days start later: the missing ones count 0.
      project('kras', days([4, 5], 18))
    ]);
    const data = chartData(both);
    expect(data.dates).toEqual([
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19'
    ]);
    expect(data.series.map(s => s.slug)).toEqual(['egfr-sar', 'kras']);
    expect(data.series[1].points.map(p => p.events)).toEqual([0, 0, 4, 5]);
    expect(data.series.map(s => s.total)).toEqual([7, 9]);
    // The first of the busiest days.
    expect(data.series[0].peak).toEqual({ date: '2026-11-19', events: 5 });
    expect(data.max).toBe(5);
    expect(data.top).toBe(5);
  });

  it('falls back on the projects own days, and has no peak without events', () => {
    const quiet = { ...digest('x', [project('a', days([0, 0]))]) };
    quiet.activity = [];
    const data = chartData(quiet);
    expect(data.dates).toEqual(['2026-11-16', '2026-11-17']);
    expect(data.series[0].peak).toBe(null);
    expect(data.max).toBe(0);
    expect(data.top).toBe(1);
    expect(describeChart(data)).toBe(
      'Events per day from 2026-11-16 to 2026-11-17 in 1 project. A: no events.'
    );
  });

  it('rounds the scale up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 2, 3, 6, 11, 20, 21, 170, 1000].map(niceCeiling)).toEqual([
      1, 1, 2, 5, 10, 20, 20, 50, 200, 1000
    ]);
    expect(ticksOf(20)).toEqual([0, 10, 20]);
    expect(ticksOf(5)).toEqual([0, 5]);
  });

  it('places points from the left margin to the right one, 0 on the baseline', () => {
    const data = chartData(KINASE);
    const box = {
      width: 330,
      height: 130,
      left: 30,
      right: 20,
      top: 10,
      bottom: 20
    };
    const points = pointsOf(data.series[0], data, box);
    expect(points).toHaveLength(8);
    expect(points[0]).toEqual({ x: 30, y: 110 });
    expect(points[7].x).toBe(310);
    expect(points[1].x).toBe(70);
    // 5 events reach the top of a 5 scale; 3 is 3/5 of the way up.
    expect(points[4].y).toBe(10);
    expect(points[7].y).toBe(50);
    const single = { ...data, dates: ['2026-11-23'] };
    const one = { ...data.series[0], points: [data.series[0].points[7]] };
    expect(pointsOf(one, single, box)[0].x).toBe(170);
  });

  it('says the chart in words', () => {
    expect(describeChart(chartData(KINASE))).toBe(
      'Events per day from 2026-11-16 to 2026-11-23 in 1 project. ' +
        'EGFR-SAR: 11 events, most on 2026-11-20 (5).'
    );
  });
});

/** A client whose digest answers are released by the test. */
function manual() {
  const pending: {
    endpoint: string;
    resolve: (value: unknown) => void;
    reject: (reason: unknown) => void;
  }[] = [];
  const request = jest.fn(
    (endpoint: string) =>
      new Promise((resolve, reject) =>
        pending.push({ endpoint, resolve, reject })
      )
  );
  const fetch = jest.fn(async (endpoint: string) => ({
    text: async () => `# Digest (${endpoint})`
  }));
  return {
    pending,
    client: {
      request: request as unknown as <T>(endpoint: string) => Promise<T>,
      fetch: fetch as unknown as (endpoint: string) => Promise<Response>
    },
    fetch
  };
}

/** Let awaited promises settle. */
const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('DigestModel', () => {
  it('tells someone who leads no team why, without asking for a digest', async () => {
    const { client, calls } = scripted({ 'api/me': [ALICE] });
    const model = new DigestModel({
      client: { ...client, fetch: jest.fn() },
      now: () => NOW
    });
    await model.start();
    expect(model.status).toBe('forbidden');
    expect(model.error).toMatch(/for team leads and admins/);
    expect(calls.map(c => c[0])).toEqual(['api/me']);
    await model.refresh();
    expect(calls).toHaveLength(1);
  });

  it("reads the first team's week, then another team's", async () => {
    const { client, calls } = scripted({
      'api/me': [LENA],
      'api/digest?team=kinase': [KINASE],
      'api/digest?team=neuro': [NEURO]
    });
    const model = new DigestModel({
      client: { ...client, fetch: jest.fn() },
      now: () => NOW
    });
    await model.start();
    expect(model.teams).toEqual(['kinase', 'neuro']);
    expect(model.team).toBe('kinase');
    expect(model.status).toBe('ready');
    expect(model.digest?.projects[0].slug).toBe('egfr-sar');
    await model.setTeam('neuro');
    expect(model.digest?.team).toBe('neuro');
    // A team you do not lead is not asked for.
    await model.setTeam('oncology');
    expect(model.team).toBe('neuro');
    expect(calls.map(c => c[0])).toEqual([
      'api/me',
      'api/digest?team=kinase&since=7d',
      'api/digest?team=neuro&since=7d'
    ]);
  });

  it('gives an admin every team of the projects they see', async () => {
    const { client } = scripted({
      'api/me': [ADMIN],
      'api/digest': [KINASE]
    });
    const model = new DigestModel({
      client: { ...client, fetch: jest.fn() },
      projects: async () =>
        [
          { slug: 'a', teams: ['neuro'] },
          { slug: 'b', teams: ['kinase'] }
        ] as never,
      now: () => NOW
    });
    await model.start();
    expect(model.teams).toEqual(['kinase', 'neuro']);
    expect(model.status).toBe('ready');
  });

  it('shows the newest answer when an older one comes late', async () => {
    const { client, pending } = manual();
    const model = new DigestModel({ client, now: () => NOW });
    const started = model.start();
    pending.shift()!.resolve(LENA);
    await settle();
    const first = pending.shift()!;
    expect(first.endpoint).toBe('api/digest?team=kinase&since=7d');
    void model.setTeam('neuro');
    const second = pending.shift()!;
    second.resolve(NEURO);
    await settle();
    first.resolve(KINASE);
    await started;
    expect(model.team).toBe('neuro');
    expect(model.digest?.team).toBe('neuro');
    expect(model.loading).toBe(false);
  });

  it('holds a bad date back, and asks once the date is good', async () => {
    const { client, pending } = manual();
    const model = new DigestModel({ client, now: () => NOW });
    const started = model.start();
    pending.shift()!.resolve(LENA);
    await settle();
    pending.shift()!.resolve(KINASE);
    await started;
    await model.setPeriod({ choice: 'date', date: '' });
    expect(model.periodError).toMatch(/Choose the date/);
    expect(pending).toHaveLength(0);
    // The digest of the last good period stays on screen meanwhile.
    expect(model.digest?.team).toBe('kinase');
    const asked = model.setPeriod({ choice: 'date', date: '2026-11-01' });
    expect(model.periodError).toBe('');
    expect(pending[0].endpoint).toBe('api/digest?team=kinase&since=2026-11-01');
    pending.shift()!.resolve(KINASE);
    await asked;
    expect(model.status).toBe('ready');
  });

  it("shows the service's own message, and recovers on retry", async () => {
    const refusal = new MoietyError(
      400,
      'invalid-period',
      'A digest covers at most 366 days.'
    );
    const { client } = scripted({
      'api/me': [LENA],
      'api/digest': [{ throws: refusal }, KINASE]
    });
    const model = new DigestModel({
      client: { ...client, fetch: jest.fn() },
      now: () => NOW
    });
    await model.start();
    expect(model.status).toBe('error');
    expect(model.error).toBe('A digest covers at most 366 days.');
    expect(model.digest).toBe(null);
    await model.refresh();
    expect(model.status).toBe('ready');
    expect(model.error).toBe('');
  });

  it('says so when the service cannot tell who you are', async () => {
    const { client } = scripted({
      'api/me': [{ throws: new Error('Could not reach the Moiety service.') }]
    });
    const model = new DigestModel({
      client: { ...client, fetch: jest.fn() },
      now: () => NOW
    });
    await model.start();
    expect(model.status).toBe('error');
    expect(model.me).toBe(null);
    expect(model.error).toBe('Could not reach the Moiety service.');
  });

  it('fetches the same digest as Markdown', async () => {
    const { client, fetch, pending } = manual();
    const model = new DigestModel({ client, now: () => NOW });
    const started = model.start();
    pending.shift()!.resolve(LENA);
    await settle();
    pending.shift()!.resolve(KINASE);
    await started;
    const asked = model.setPeriod({ choice: '30d', date: '' });
    pending.shift()!.resolve(KINASE);
    await asked;
    expect(await model.markdown()).toBe(
      '# Digest (api/digest?team=kinase&since=30d&format=md)'
    );
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("reads again, once, soon after live activity in one of the digest's projects", async () => {
    const { client, calls } = scripted({
      'api/me': [LENA],
      'api/digest': [KINASE]
    });
    const scheduled: { ms: number; run: () => void }[] = [];
    const model = new DigestModel({
      client: { ...client, fetch: jest.fn() },
      now: () => NOW,
      schedule: (run, ms) => {
        scheduled.push({ run, ms });
        return () => undefined;
      }
    });
    await model.start();
    model.noteEvent({ project: 'sulfonamide-sar' });
    expect(scheduled).toHaveLength(0);
    model.noteEvent({ project: 'egfr-sar' });
    model.noteEvent({ project: 'egfr-sar' });
    expect(scheduled).toEqual([
      { run: expect.any(Function), ms: LIVE_RELOAD_DELAY }
    ]);
    scheduled[0].run();
    await settle();
    expect(calls.filter(c => c[0].startsWith('api/digest'))).toHaveLength(2);
    // Once read again, the next event schedules another reading.
    model.noteEvent({ project: 'egfr-sar' });
    expect(scheduled).toHaveLength(2);
  });
});
