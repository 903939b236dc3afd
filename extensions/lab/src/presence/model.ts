/**
 * Who else is in this project server now, from the collaboration's global
 * awareness (`@jupyter/collaborative-drive`'s IGlobalAwareness): one entry per
 * person, whatever the number of their tabs, with the document they are on.
 */

/** A person present, as the awareness describes them. */
export interface ICollaborator {
  username: string;
  displayName: string;
  initials: string;
  color: string;
  /** The document they are on (e.g. `notebook:analysis.ipynb`), if known. */
  current: string | null;
}

/** An awareness state's user (jupyter-collaboration's shape). */
interface IAwarenessUser {
  username?: unknown;
  name?: unknown;
  display_name?: unknown;
  initials?: unknown;
  color?: unknown;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The initials of a name ("Alice Bo" -> "AB", "alice" -> "A"). */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return (
    words
      .slice(0, 2)
      .map(w => w[0])
      .join('')
      .toUpperCase() || '?'
  );
}

/**
 * The others present, sorted by name, from the awareness states (client id
 * -> state). The own client and the own user are left out.
 */
export function collaboratorsFrom(
  states: Map<number, Record<string, unknown>>,
  ownClientId: number,
  ownUsername: string | null
): ICollaborator[] {
  const people = new Map<string, ICollaborator>();
  for (const [clientId, state] of states) {
    if (clientId === ownClientId || !state) {
      continue;
    }
    const user = (state.user ?? {}) as IAwarenessUser;
    const username = str(user.username) || str(user.name);
    if (!username || username === ownUsername) {
      continue;
    }
    const displayName = str(user.display_name) || str(user.name) || username;
    const current = str(state.current) || null;
    const known = people.get(username);
    if (known) {
      known.current ??= current;
      continue;
    }
    people.set(username, {
      username,
      displayName,
      initials: str(user.initials) || initialsOf(displayName),
      color: str(user.color) || 'var(--jp-brand-color1)',
      current
    });
  }
  return [...people.values()].sort((a, b) =>
    a.displayName.localeCompare(b.displayName)
  );
}

/** A document id of the awareness (`notebook:path`) as a file name. */
export function documentName(current: string | null): string | null {
  if (!current) {
    return null;
  }
  const path = current.includes(':')
    ? current.slice(current.indexOf(':') + 1)
    : current;
  return path.split('/').pop() || null;
}
