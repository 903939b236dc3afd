/**
 * A second line of defence for user content rendered as markdown.
 *
 * Bodies go through JupyterLab's markdown renderer with a strict Sanitizer
 * first (see render.ts). What comes out is then walked here with a small
 * allowlist: elements that act (forms, buttons, frames, SVG, media, styles)
 * are removed, unknown ones unwrapped, every attribute not listed dropped
 * (event handlers, `style`, `id`/`name` clobbering, `data-commandlinker-*`),
 * URLs limited to http(s) and mailto, and links opened in a new tab with
 * `rel="noopener noreferrer"`. Images are loaded as soon as they are shown,
 * with the reader's cookies when they come from the page's own host, so those
 * are refused: a GET there can act (JupyterHub logs out on `GET /hub/logout`).
 * Only plain DOM here, so jest tests it.
 */

/** Elements kept as they are (with the attributes listed for them). */
const KEPT = new Set([
  'a',
  'abbr',
  'b',
  'blockquote',
  'br',
  'code',
  'del',
  'details',
  'div',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'mark',
  'ol',
  'p',
  'pre',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'u',
  'ul',
  'var'
]);

/** Elements removed with everything inside them. */
const DROPPED = new Set([
  'applet',
  'area',
  'audio',
  'base',
  'button',
  'canvas',
  'datalist',
  'dialog',
  'embed',
  'fieldset',
  'form',
  'frame',
  'frameset',
  'iframe',
  'input',
  'link',
  'map',
  'math',
  'meta',
  'noscript',
  'object',
  'optgroup',
  'option',
  'output',
  'param',
  'portal',
  'script',
  'select',
  'source',
  'style',
  'svg',
  'template',
  'textarea',
  'title',
  'track',
  'video'
]);

/** Attributes kept, by element; nothing else survives. */
const ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'title'],
  abbr: ['title'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  ol: ['start'],
  td: ['colspan', 'rowspan', 'align'],
  th: ['colspan', 'rowspan', 'align', 'scope'],
  code: ['class'],
  pre: ['class']
};

/** Schemes a link may use. */
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** Schemes an image may use (data: only for raster images). */
const IMAGE_SCHEMES = new Set(['http:', 'https:']);
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;

/**
 * A URL that is safe to follow, resolved against `base`, or null.
 *
 * Control characters and whitespace are removed before the scheme is read,
 * as browsers do (`java\tscript:` is `javascript:`). An image may not come
 * from the host of `base` (on any port: cookies do not tell ports apart),
 * since loading it would send the reader's cookies there unasked.
 */
export function safeUrl(
  raw: string | null | undefined,
  base: string,
  kind: 'link' | 'image' = 'link'
): string | null {
  if (raw === null || raw === undefined) {
    return null;
  }
  // eslint-disable-next-line no-control-regex
  const cleaned = raw.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (!cleaned) {
    return null;
  }
  if (kind === 'image' && DATA_IMAGE.test(raw.trim())) {
    return raw.trim();
  }
  let url: URL;
  try {
    url = new URL(cleaned, base);
  } catch {
    return null;
  }
  if (kind === 'image') {
    return IMAGE_SCHEMES.has(url.protocol) && !sameHost(url, base)
      ? url.href
      : null;
  }
  return LINK_SCHEMES.has(url.protocol) ? url.href : null;
}

/** Whether `url` is on the host of `base`. */
function sameHost(url: URL, base: string): boolean {
  try {
    return url.hostname === new URL(base).hostname;
  } catch {
    return false;
  }
}

/** Whether a class value is one a renderer set for highlighting. */
function isCodeClass(value: string): boolean {
  return value
    .split(/\s+/)
    .every(name => !name || /^(language|lang)-[\w+#.-]{1,40}$/.test(name));
}

/**
 * Harden rendered user content in place (see the module comment).
 *
 * @param root - the element holding the rendered content (it is kept).
 * @param base - the URL relative links resolve against.
 */
export function hardenRendered(
  root: HTMLElement,
  base: string = root.ownerDocument.location?.href ?? 'http://invalid/'
): void {
  // Comments, processing instructions and the like go first.
  const walker = root.ownerDocument.createTreeWalker(root, 0x80 /* COMMENT */);
  const comments: Node[] = [];
  while (walker.nextNode()) {
    comments.push(walker.currentNode);
  }
  comments.forEach(node => node.parentNode?.removeChild(node));

  for (const element of Array.from(root.querySelectorAll('*'))) {
    if (!root.contains(element)) {
      continue; // inside something already removed
    }
    const tag = element.localName.toLowerCase();
    if (DROPPED.has(tag) || element.namespaceURI !== root.namespaceURI) {
      element.remove();
      continue;
    }
    if (!KEPT.has(tag)) {
      element.replaceWith(...Array.from(element.childNodes));
      continue;
    }
    const allowed = ATTRIBUTES[tag] ?? [];
    for (const name of element.getAttributeNames()) {
      if (!allowed.includes(name.toLowerCase())) {
        element.removeAttribute(name);
      }
    }
    if (tag === 'a') {
      const href = safeUrl(element.getAttribute('href'), base, 'link');
      if (href) {
        element.setAttribute('href', href);
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer nofollow');
      } else {
        element.removeAttribute('href');
      }
    } else if (tag === 'img') {
      const src = safeUrl(element.getAttribute('src'), base, 'image');
      if (src) {
        element.setAttribute('src', src);
        element.setAttribute('referrerpolicy', 'no-referrer');
        element.setAttribute('loading', 'lazy');
        if (!element.getAttribute('alt')) {
          element.setAttribute('alt', 'Image');
        }
      } else {
        element.replaceWith(
          root.ownerDocument.createTextNode(element.getAttribute('alt') ?? '')
        );
      }
    } else if (tag === 'code' || tag === 'pre') {
      const value = element.getAttribute('class');
      if (value !== null && !isCodeClass(value)) {
        element.removeAttribute('class');
      }
    }
  }
}

/** Where a chip points, as set by `decorateMarkup` (never by user content). */
export const TAG_ATTRIBUTE = 'data-moiety-tag';
export const MENTION_ATTRIBUTE = 'data-moiety-mention';

const CHIP_PATTERN =
  /(?<![\p{L}\p{N}_&#/])#(\p{L}[\p{L}\p{N}_-]*)|(?<![\p{L}\p{N}_.@/+-])@([A-Za-z0-9_][A-Za-z0-9._-]*[A-Za-z0-9_])(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}_.@/+-])@([A-Za-z0-9_])(?![\p{L}\p{N}_.-])/gu;

/**
 * Mark `#tags` and `@mentions` in the text of hardened content as chips
 * (spans made with textContent), outside links and code.
 */
export function decorateMarkup(root: HTMLElement): void {
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 0x4 /* TEXT */);
  const texts: Text[] = [];
  while (walker.nextNode()) {
    const node = walker.currentNode as Text;
    if (!node.parentElement?.closest('a, code, pre')) {
      texts.push(node);
    }
  }
  for (const node of texts) {
    const value = node.data;
    CHIP_PATTERN.lastIndex = 0;
    if (!CHIP_PATTERN.test(value)) {
      continue;
    }
    CHIP_PATTERN.lastIndex = 0;
    const fragment = doc.createDocumentFragment();
    let last = 0;
    for (const match of value.matchAll(CHIP_PATTERN)) {
      const index = match.index ?? 0;
      fragment.appendChild(doc.createTextNode(value.slice(last, index)));
      const chip = doc.createElement('span');
      chip.textContent = match[0];
      if (match[1]) {
        chip.className = 'jp-MoietyChip jp-MoietyChip-tag';
        chip.setAttribute(TAG_ATTRIBUTE, match[1].toLowerCase());
      } else {
        chip.className = 'jp-MoietyChip jp-MoietyChip-mention';
        chip.setAttribute(
          MENTION_ATTRIBUTE,
          (match[2] ?? match[3]).toLowerCase()
        );
      }
      fragment.appendChild(chip);
      last = index + match[0].length;
    }
    fragment.appendChild(doc.createTextNode(value.slice(last)));
    node.replaceWith(fragment);
  }
}
