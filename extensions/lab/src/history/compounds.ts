/**
 * The compound diff of a compound file (`compounds` in the `diff` answer) in
 * words and rows for the History panel's diff view. Pure functions: jest
 * tests them.
 */
import type { ICompoundChange, ICompoundDiff } from '../api/types';

/** The changes of one compound: `property`, old value, new value. */
export interface IChangeRow {
  property: string;
  old: string;
  new: string;
}

/** A property value as people read it; `—` where a version has none. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') {
    return '—';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : String(+value.toFixed(4));
  }
  if (Array.isArray(value)) {
    // Records of one compound that disagree: their distinct values.
    return value.map(formatValue).join(' / ');
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

/** The rows of a changed compound: its name (if renamed), then properties. */
export function changeRows(change: ICompoundChange): IChangeRow[] {
  const rows: IChangeRow[] = [];
  const renamed = change.changes?.name;
  if (renamed) {
    rows.push({
      property: 'name',
      old: formatValue(renamed.old),
      new: formatValue(renamed.new)
    });
  }
  for (const [property, values] of Object.entries(
    change.changes?.properties ?? {}
  )) {
    rows.push({
      property,
      old: formatValue(values?.old),
      new: formatValue(values?.new)
    });
  }
  return rows;
}

/** "5 added, 3 removed, 1 changed", or what it means that none changed. */
export function countsInWords(diff: ICompoundDiff): string {
  const parts = [
    [diff.added.length, 'added'],
    [diff.removed.length, 'removed'],
    [diff.changed.length, 'changed']
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  return parts.length
    ? parts.join(', ')
    : 'No compound was added, removed or changed: a re-ordered record, a re-drawn structure or another salt form is the same compound.';
}

const VERSION = { old: 'the older version', new: 'the newer version' };

/** Warnings: unreadable records and compounds repeated in a version. */
export function compoundWarnings(diff: ICompoundDiff): string[] {
  const warnings: string[] = [];
  for (const side of ['old', 'new'] as const) {
    const errors = diff.errors?.[side] ?? [];
    if (errors.length) {
      const first = errors
        .slice(0, 3)
        .map(
          e => `record ${e.record}${e.name ? ` (${e.name})` : ''}: ${e.reason}`
        )
        .join('; ');
      const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
      warnings.push(
        `${errors.length} record${errors.length === 1 ? '' : 's'} of ${VERSION[side]} could not be read and ${errors.length === 1 ? 'is' : 'are'} not compared (${first}${more}).`
      );
    }
  }
  const repeated = (['old', 'new'] as const).map(side => ({
    side,
    groups: Object.entries(diff.duplicates?.[side] ?? {})
  }));
  const keys = new Set(repeated.flatMap(r => r.groups.map(([key]) => key)));
  if (keys.size) {
    const where = repeated
      .filter(r => r.groups.length)
      .map(({ side, groups }) => {
        const shown = groups
          .slice(0, 3)
          .map(([, records]) => records.join(' and '))
          .join('; ');
        return `${VERSION[side]}: records ${shown}${groups.length > 3 ? '; …' : ''}`;
      })
      .join('; ');
    warnings.push(
      `${keys.size} compound${keys.size === 1 ? ' is' : 's are'} in more than one record (${where}); each is compared once.`
    );
  }
  return warnings;
}
