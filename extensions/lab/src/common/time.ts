/** Times as people read them: "just now", "5 min ago", "yesterday". */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A short relative time for an ISO timestamp, as of `now`. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const when = Date.parse(iso);
  if (Number.isNaN(when)) {
    return iso;
  }
  const elapsed = now - when;
  if (elapsed < 45_000) {
    return 'just now';
  }
  if (elapsed < HOUR) {
    return `${Math.max(1, Math.round(elapsed / MINUTE))} min ago`;
  }
  if (elapsed < DAY) {
    return `${Math.round(elapsed / HOUR)} h ago`;
  }
  if (elapsed < 2 * DAY) {
    return 'yesterday';
  }
  if (elapsed < 7 * DAY) {
    return `${Math.floor(elapsed / DAY)} days ago`;
  }
  const date = new Date(when);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' })
  });
}

/** The full local date and time, for tooltips. */
export function absoluteTime(iso: string): string {
  const when = Date.parse(iso);
  return Number.isNaN(when)
    ? iso
    : new Date(when).toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short'
      });
}
