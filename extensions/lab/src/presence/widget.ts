/**
 * Who else is in this project server now, in the top bar: a chip with the
 * initials of each person (their name and document in its tooltip), from the
 * collaboration's global awareness. Plain DOM, made with textContent.
 */
import { Widget } from '@lumino/widgets';

import { collaboratorsFrom, documentName } from './model';

/** The part of y-protocols' Awareness this uses. */
export interface IAwarenessLike {
  clientID: number;
  getStates(): Map<number, Record<string, unknown>>;
  getLocalState(): Record<string, unknown> | null;
  on(event: 'change', listener: () => void): void;
  off(event: 'change', listener: () => void): void;
}

export class PresenceIndicator extends Widget {
  constructor(private readonly _awareness: IAwarenessLike) {
    super();
    this.id = 'moiety-presence';
    this.addClass('jp-MoietyPresence');
    this.node.setAttribute('role', 'group');
    this.node.dataset.testid = 'moiety-presence';
    _awareness.on('change', this._update);
    this._update();
  }

  dispose(): void {
    this._awareness.off('change', this._update);
    super.dispose();
  }

  private readonly _update = () => {
    const own = this._awareness.getLocalState()?.user as
      { username?: string } | undefined;
    const people = collaboratorsFrom(
      this._awareness.getStates(),
      this._awareness.clientID,
      own?.username ?? null
    );
    const key = people
      .map(p => `${p.username}:${p.current ?? ''}:${p.color}`)
      .join('|');
    if (key === this._shown) {
      return;
    }
    this._shown = key;
    this.node.replaceChildren();
    this.node.setAttribute(
      'aria-label',
      people.length
        ? `Also in this project now: ${people.map(p => p.displayName).join(', ')}`
        : 'Nobody else is in this project now'
    );
    this.toggleClass('jp-mod-empty', people.length === 0);
    const shown = people.slice(0, 5);
    for (const person of shown) {
      const chip = document.createElement('span');
      chip.className = 'jp-MoietyPresence-person';
      chip.textContent = person.initials;
      chip.style.backgroundColor = person.color;
      const doc = documentName(person.current);
      chip.title = doc
        ? `${person.displayName}, on ${doc}`
        : person.displayName;
      chip.dataset.username = person.username;
      this.node.appendChild(chip);
    }
    if (people.length > shown.length) {
      const more = document.createElement('span');
      more.className = 'jp-MoietyPresence-more';
      more.textContent = `+${people.length - shown.length}`;
      more.title = people
        .slice(shown.length)
        .map(p => p.displayName)
        .join(', ');
      this.node.appendChild(more);
    }
  };

  private _shown = '';
}
