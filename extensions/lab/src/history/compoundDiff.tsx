/**
 * The compound diff of a compound file between two versions: counts, then
 * the added, removed and changed compounds with their structures, names and
 * properties (old → new for changed ones). Long lists show a page at a time.
 */
import * as React from 'react';

import type { ICompound, ICompoundChange, ICompoundDiff } from '../api/types';
import { Molecules } from '../common/components';
import {
  changeRows,
  compoundWarnings,
  countsInWords,
  formatValue
} from './compounds';

/** Compounds shown per section before "Show more". */
const PAGE = 24;
/** Properties shown for an added or removed compound. */
const SHOWN_PROPERTIES = 6;

export function CompoundDiffView({
  diff
}: {
  diff: ICompoundDiff;
}): JSX.Element {
  const warnings = compoundWarnings(diff);
  return (
    <section
      className="jp-MoietyCompoundDiff"
      aria-label="Compound changes"
      data-testid="moiety-compound-diff"
    >
      <p
        className="jp-MoietyCompoundDiff-summary"
        data-testid="moiety-compound-summary"
      >
        {countsInWords(diff)}
      </p>
      {warnings.map(warning => (
        <p key={warning} className="jp-MoietyCompoundDiff-warning">
          {warning}
        </p>
      ))}
      <Section
        change="added"
        title="Added"
        items={diff.added}
        render={c => <CompoundCard compound={c} />}
      />
      <Section
        change="removed"
        title="Removed"
        items={diff.removed}
        render={c => <CompoundCard compound={c} />}
      />
      <Section
        change="changed"
        title="Changed"
        items={diff.changed}
        render={c => <ChangeCard change={c} />}
      />
    </section>
  );
}

function Section<T extends { key: string }>({
  change,
  title,
  items,
  render
}: {
  change: 'added' | 'removed' | 'changed';
  title: string;
  items: T[];
  render: (item: T) => JSX.Element;
}): JSX.Element | null {
  const [shown, setShown] = React.useState(PAGE);
  if (!items.length) {
    return null;
  }
  const headingId = `moiety-compounds-${change}`;
  return (
    <section
      className={`jp-MoietyCompoundSection jp-mod-${change}`}
      aria-labelledby={headingId}
      data-change={change}
      data-count={items.length}
    >
      <h3 id={headingId}>
        {title} ({items.length})
      </h3>
      <ul className="jp-MoietyCompoundList">
        {items.slice(0, shown).map(item => (
          <li key={item.key} className="jp-MoietyCompound" data-key={item.key}>
            {render(item)}
          </li>
        ))}
      </ul>
      {items.length > shown && (
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          onClick={() => setShown(shown + PAGE)}
        >
          Show {Math.min(PAGE, items.length - shown)} more of{' '}
          {items.length - shown}
        </button>
      )}
    </section>
  );
}

function CompoundCard({ compound }: { compound: ICompound }): JSX.Element {
  const properties = Object.entries(compound.properties ?? {});
  return (
    <>
      <Molecules
        molecules={[{ smiles: compound.smiles, name: compound.name }]}
      />
      <p className="jp-MoietyCompound-record">record {compound.record}</p>
      {properties.length > 0 && (
        <dl className="jp-MoietyCompound-properties">
          {properties.slice(0, SHOWN_PROPERTIES).map(([name, value]) => (
            <div key={name} data-property={name}>
              <dt>{name}</dt>
              <dd>{formatValue(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      {properties.length > SHOWN_PROPERTIES && (
        <p className="jp-MoietyMuted">
          and {properties.length - SHOWN_PROPERTIES} more properties
        </p>
      )}
    </>
  );
}

function ChangeCard({ change }: { change: ICompoundChange }): JSX.Element {
  const records =
    change.old.record === change.new.record
      ? `record ${change.new.record}`
      : `record ${change.old.record} → ${change.new.record}`;
  return (
    <>
      <Molecules molecules={[{ smiles: change.smiles, name: change.name }]} />
      <p className="jp-MoietyCompound-record">{records}</p>
      <dl className="jp-MoietyCompound-properties">
        {changeRows(change).map(row => (
          <div key={row.property} data-property={row.property}>
            <dt>{row.property}</dt>
            <dd>
              <span className="jp-MoietyVisuallyHidden">before: </span>
              <span className="jp-MoietyCompound-old">{row.old}</span>
              <span aria-hidden="true"> → </span>
              <span className="jp-MoietyVisuallyHidden">, after: </span>
              <span className="jp-MoietyCompound-new">{row.new}</span>
            </dd>
          </div>
        ))}
      </dl>
    </>
  );
}
