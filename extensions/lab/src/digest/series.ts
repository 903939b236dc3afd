/**
 * The numbers behind the Digest's chart: one series of events per day for
 * each project (aligned on the digest's days), a rounded top for the scale,
 * where each point goes in the drawing, and the chart said in words. Pure:
 * jest tests it; chart.tsx draws it.
 */
import type { IDigest } from '../api/types';

export interface IChartPoint {
  /** A UTC date, `YYYY-MM-DD`. */
  date: string;
  events: number;
}

export interface IChartSeries {
  slug: string;
  title: string;
  points: IChartPoint[];
  total: number;
  /** The busiest day (the first of equals), or null when there was nothing. */
  peak: IChartPoint | null;
}

export interface IChartData {
  /** Every day of the period, oldest first (the last is today, UTC). */
  dates: string[];
  series: IChartSeries[];
  /** The most events of a project on one day. */
  max: number;
  /** The top of the scale: `max` rounded up to 1, 2 or 5 times a power of ten. */
  top: number;
}

/** Where the drawing goes, in pixels: the whole box and the plot's margins. */
export interface IChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `n` (1 for 0). */
export function niceCeiling(n: number): number {
  if (!(n > 1)) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= n) {
      return step * power;
    }
  }
  return 10 * power;
}

/** The values marked on the scale: 0, the middle when whole, and the top. */
export function ticksOf(top: number): number[] {
  return top % 2 === 0 ? [0, top / 2, top] : [0, top];
}

/** One series per project of the digest, every day of the period in each. */
export function chartData(digest: IDigest): IChartData {
  let dates = digest.activity.map(day => day.date);
  if (!dates.length) {
    const all = digest.projects.flatMap(p => p.activity.map(d => d.date));
    dates = [...new Set(all)].sort();
  }
  const series = digest.projects.map(project => {
    const counts = new Map(project.activity.map(d => [d.date, d.events]));
    const points = dates.map(date => ({ date, events: counts.get(date) ?? 0 }));
    let peak: IChartPoint | null = null;
    for (const point of points) {
      if (point.events > (peak?.events ?? 0)) {
        peak = point;
      }
    }
    const total = points.reduce((sum, p) => sum + p.events, 0);
    return { slug: project.slug, title: project.title, points, total, peak };
  });
  const max = Math.max(0, ...series.map(s => s.peak?.events ?? 0));
  return { dates, series, max, top: niceCeiling(max) };
}

/** Where each point of a series is drawn in `box`. */
export function pointsOf(
  series: IChartSeries,
  data: Pick<IChartData, 'dates' | 'top'>,
  box: IChartBox
): { x: number; y: number }[] {
  const width = box.width - box.left - box.right;
  const height = box.height - box.top - box.bottom;
  const last = data.dates.length - 1;
  const round = (n: number) => Math.round(n * 10) / 10;
  return series.points.map((point, i) => ({
    x: round(box.left + (last > 0 ? (i / last) * width : width / 2)),
    y: round(
      box.top + height * (1 - Math.min(point.events, data.top) / data.top)
    )
  }));
}

/** The chart in words (its text alternative). */
export function describeChart(data: IChartData): string {
  if (!data.series.length) {
    return 'No projects, so no activity to chart.';
  }
  const first = data.dates[0];
  const last = data.dates[data.dates.length - 1];
  const span = first === last ? `on ${first}` : `from ${first} to ${last}`;
  const projects = data.series.map(s =>
    s.peak
      ? `${s.title}: ${plural(s.total, 'event')}, most on ${s.peak.date} (${s.peak.events})`
      : `${s.title}: no events`
  );
  return `Events per day ${span} in ${plural(data.series.length, 'project')}. ${projects.join('. ')}.`;
}

/** "1 event", "3 events"; "1 person", "2 people" with `many`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
