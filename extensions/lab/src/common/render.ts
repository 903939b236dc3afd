/**
 * Rendering user markdown (posts, comments): JupyterLab's markdown renderer
 * with a strict Sanitizer of our own (no command-linker attributes, no
 * `id`/`name`, http(s) and mailto only), untrusted, then hardened and
 * decorated (sanitize.ts). Loaded with the panels, never at start.
 */
import { Sanitizer } from '@jupyterlab/apputils';
import { renderMarkdown } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';

import { decorateMarkup, hardenRendered } from './sanitize';

let strict: Sanitizer | null = null;

/** The Sanitizer for user content (the page's may allow more). */
export function strictSanitizer(): Sanitizer {
  if (!strict) {
    strict = new Sanitizer();
    strict.setAllowCommandLinker(false);
    strict.setAllowNamedProperties(false);
    strict.setAllowedSchemes(['http', 'https', 'mailto']);
    strict.setAutolink(true);
  }
  return strict;
}

/**
 * Render `source` as untrusted markdown into `host` (its children replaced).
 * Without a markdown parser the source is shown as plain text.
 */
export async function renderUserMarkdown(
  host: HTMLElement,
  source: string,
  parser: IRenderMime.IMarkdownParser | null
): Promise<void> {
  const scratch = host.ownerDocument.createElement('div');
  if (parser) {
    await renderMarkdown({
      host: scratch,
      source,
      trusted: false,
      sanitizer: strictSanitizer(),
      markdownParser: parser,
      resolver: null,
      linkHandler: null,
      latexTypesetter: null,
      shouldTypeset: false
    });
  } else {
    const p = host.ownerDocument.createElement('p');
    p.className = 'jp-MoietyMarkdown-plain';
    p.textContent = source;
    scratch.appendChild(p);
  }
  hardenRendered(scratch);
  decorateMarkup(scratch);
  host.replaceChildren(...Array.from(scratch.childNodes));
}
