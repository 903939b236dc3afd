/**
 * The Digest's chart: events per day, one line per project, drawn as inline
 * SVG in the panel's own width. Colours and dashes come from JupyterLab's CSS
 * variables (style/digest.css), so light and dark themes both work; the SVG
 * says the chart in words, and a table gives every number.
 */
import * as React from 'react';

import {
  IChartBox,
  IChartData,
  describeChart,
  plural,
  pointsOf,
  ticksOf
} from './series';

/** How many series styles (colour and dash) there are before they repeat. */
export const SERIES_STYLES = 6;

const HEIGHT = 150;
const MARGIN = { left: 30, right: 10, top: 10, bottom: 22 };

let chartCounter = 0;

/** A short day for the axis ("Nov 16"), read in UTC like the digest's days. */
export function dayLabel(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(day.getTime())
    ? date
    : day.toLocaleDateString(undefined, {
        month: 'short',
        day: 'numeric',
        timeZone: 'UTC'
      });
}

/** The width of an element, followed as it is resized. */
function useWidth(ref: React.RefObject<HTMLElement>, fallback: number): number {
  const [width, setWidth] = React.useState(fallback);
  React.useLayoutEffect(() => {
    const node = ref.current;
    if (!node) {
      return;
    }
    const measure = () => {
      const measured = Math.floor(node.getBoundingClientRect().width);
      if (measured > 0) {
        setWidth(measured);
      }
    };
    measure();
    if (typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** A small line in a series' style (legend swatches). */
export function SeriesSwatch({ index }: { index: number }): JSX.Element {
  return (
    <svg
      className={`jp-MoietyDigestChart-swatch jp-mod-series-${index % SERIES_STYLES}`}
      width={22}
      height={10}
      aria-hidden="true"
      focusable="false"
    >
      <line x1={1} y1={5} x2={21} y2={5} />
    </svg>
  );
}

/** The chart, its legend and its table of numbers. */
export function ActivityChart({ data }: { data: IChartData }): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const width = Math.max(200, useWidth(host, 320));
  const [ids] = React.useState(() => {
    const n = ++chartCounter;
    return { title: `moiety-chart-title-${n}`, desc: `moiety-chart-desc-${n}` };
  });
  const box: IChartBox = { width, height: HEIGHT, ...MARGIN };
  const ticks = ticksOf(data.top);
  const yOf = (value: number) =>
    box.top + (box.height - box.top - box.bottom) * (1 - value / data.top);
  const dense = data.dates.length > 62;
  const first = data.dates[0];
  const last = data.dates[data.dates.length - 1];

  return (
    <figure className="jp-MoietyDigestChart" data-testid="moiety-digest-chart">
      <p className="jp-MoietyDigestChart-title jp-MoietyMuted">
        Events per day and project (UTC days)
      </p>
      <div ref={host} className="jp-MoietyDigestChart-canvas">
        <svg
          role="img"
          aria-labelledby={`${ids.title} ${ids.desc}`}
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
        >
          <title id={ids.title}>Activity per project</title>
          <desc id={ids.desc}>{describeChart(data)}</desc>
          {ticks.map(tick => (
            <g key={tick} className="jp-MoietyDigestChart-tick">
              <line
                x1={box.left}
                x2={width - box.right}
                y1={yOf(tick)}
                y2={yOf(tick)}
              />
              <text x={box.left - 6} y={yOf(tick)} dy="0.32em">
                {tick}
              </text>
            </g>
          ))}
          {first && (
            <text
              className="jp-MoietyDigestChart-axis"
              x={box.left}
              y={HEIGHT - 6}
              textAnchor="start"
            >
              {dayLabel(first)}
            </text>
          )}
          {last && last !== first && (
            <text
              className="jp-MoietyDigestChart-axis"
              x={width - box.right}
              y={HEIGHT - 6}
              textAnchor="end"
            >
              {dayLabel(last)}
            </text>
          )}
          {data.series.map((series, i) => {
            const points = pointsOf(series, data, box);
            return (
              <g
                key={series.slug}
                className={`jp-MoietyDigestChart-series jp-mod-series-${i % SERIES_STYLES}`}
                data-series={series.slug}
                data-total={series.total}
              >
                <polyline points={points.map(p => `${p.x},${p.y}`).join(' ')} />
                {points.map((p, j) => (
                  <circle
                    key={series.points[j].date}
                    cx={p.x}
                    cy={p.y}
                    r={dense ? 1.2 : 2.5}
                    data-date={series.points[j].date}
                    data-count={series.points[j].events}
                  >
                    <title>
                      {`${series.title}, ${series.points[j].date}: ${plural(
                        series.points[j].events,
                        'event'
                      )}`}
                    </title>
                  </circle>
                ))}
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption>
        <ul className="jp-MoietyDigestChart-legend" aria-label="Projects">
          {data.series.map((series, i) => (
            <li key={series.slug}>
              <SeriesSwatch index={i} /> {series.title}{' '}
              <span className="jp-MoietyMuted">
                ({plural(series.total, 'event')})
              </span>
            </li>
          ))}
        </ul>
      </figcaption>
      <ChartTable data={data} />
    </figure>
  );
}

/** Every number of the chart, newest day first. */
function ChartTable({ data }: { data: IChartData }): JSX.Element {
  const dates = [...data.dates].reverse();
  const last = data.dates.length - 1;
  return (
    <details className="jp-MoietyDigestChart-numbers">
      <summary>Show the numbers</summary>
      <table data-testid="moiety-digest-chart-table">
        <caption className="jp-MoietyVisuallyHidden">
          Events per day and project
        </caption>
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            {data.series.map(s => (
              <th key={s.slug} scope="col">
                {s.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {dates.map((date, i) => (
            <tr key={date}>
              <th scope="row">{date}</th>
              {data.series.map(s => (
                <td key={s.slug} data-project={s.slug} data-date={date}>
                  {s.points[last - i]?.events ?? 0}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
