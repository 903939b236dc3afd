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

let inertDocument: Document | null = null;

/**
 * A document without a window, where parsed HTML loads nothing: an image
 * parsed into the page's own document is fetched at once, even detached and
 * before it could be hardened (with the reader's cookies, see sanitize.ts).
 */
function inert(): Document {
  if (!inertDocument) {
    inertDocument = document.implementation.createHTMLDocument('');
  }
  return inertDocument;
}

/**
 * Render `source` as untrusted markdown into `host` (its children replaced).
 * It is parsed and hardened in an inert document, then moved into `host`.
 * Without a markdown parser the source is shown as plain text.
 */
export async function renderUserMarkdown(
  host: HTMLElement,
  source: string,
  parser: IRenderMime.IMarkdownParser | null
): Promise<void> {
  const scratch = inert().createElement('div');
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
    const p = scratch.ownerDocument.createElement('p');
    p.className = 'jp-MoietyMarkdown-plain';
    p.textContent = source;
    scratch.appendChild(p);
  }
  // Relative links resolve against the page, not the inert document.
  hardenRendered(scratch, host.ownerDocument.baseURI);
  decorateMarkup(scratch);
  host.replaceChildren(...Array.from(scratch.childNodes));
}
