import { renderMarkdown } from '@jupyterlab/rendermime';

import { renderUserMarkdown } from '../common/render';
import {
  MENTION_ATTRIBUTE,
  TAG_ATTRIBUTE,
  decorateMarkup,
  hardenRendered,
  safeUrl
} from '../common/sanitize';
import { XSS_PAYLOADS } from './payloads';

const BASE = 'http://hub.example:8000/user/alice/lab';

// JupyterLab's renderer, as far as render.ts uses it: the (already sanitized)
// HTML of the markdown set as the host's content.
jest.mock('@jupyterlab/rendermime', () => ({
  renderMarkdown: jest.fn(
    async (options: { host: HTMLElement; source: string }) => {
      options.host.innerHTML = options.source;
    }
  )
}));
jest.mock('@jupyterlab/apputils', () => ({
  Sanitizer: class {
    setAllowCommandLinker(): void {}
    setAllowNamedProperties(): void {}
    setAllowedSchemes(): void {}
    setAutolink(): void {}
  }
}));

/** Parse HTML inertly (a template runs nothing) into a detached element. */
function inert(html: string): HTMLDivElement {
  const template = document.createElement('template');
  template.innerHTML = html;
  const root = document.createElement('div');
  root.appendChild(template.content.cloneNode(true));
  return root;
}

describe('safeUrl', () => {
  it('keeps http(s) and mailto links, resolved', () => {
    expect(safeUrl('https://example.com/a', BASE)).toBe(
      'https://example.com/a'
    );
    expect(safeUrl('notes.md', BASE)).toBe(
      'http://hub.example:8000/user/alice/notes.md'
    );
    expect(safeUrl('mailto:bob@example.com', BASE)).toBe(
      'mailto:bob@example.com'
    );
  });

  it('refuses script and data URLs, however they are spelled', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      ''
    ]) {
      expect(safeUrl(url, BASE)).toBeNull();
    }
    expect(safeUrl(null, BASE)).toBeNull();
  });

  it("refuses images from the page's own host, on any port", () => {
    for (const url of [
      '/hub/logout',
      'x',
      '../../hub/logout',
      '//hub.example:8000/hub/logout',
      'http://hub.example:8081/hub/logout',
      'https://HUB.example/hub/logout'
    ]) {
      expect(safeUrl(url, BASE, 'image')).toBeNull();
    }
    expect(safeUrl('https://example.com/a.png', BASE, 'image')).toBe(
      'https://example.com/a.png'
    );
    // A link is only followed when someone clicks it: it may stay on the host.
    expect(safeUrl('/hub/home', BASE)).toBe('http://hub.example:8000/hub/home');
  });

  it('allows raster data images only for images', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    expect(safeUrl(png, BASE, 'image')).toBe(png);
    expect(safeUrl(png, BASE, 'link')).toBeNull();
    expect(
      safeUrl('data:image/svg+xml;base64,PHN2Zz4=', BASE, 'image')
    ).toBeNull();
  });
});

describe('hardenRendered', () => {
  it.each(XSS_PAYLOADS)('leaves nothing active of %s', payload => {
    const root = inert(payload);
    hardenRendered(root, BASE);
    const html = root.innerHTML.toLowerCase();
    const values = Array.from(root.querySelectorAll('*')).flatMap(element =>
      element.getAttributeNames().map(name => element.getAttribute(name)!)
    );
    expect(values.filter(value => /script:|^data:text/i.test(value))).toEqual(
      []
    );
    for (const forbidden of [
      '<script',
      '<svg',
      '<form',
      '<button',
      '<iframe',
      '<object',
      '<base',
      '<style',
      '<input',
      'onerror=',
      'onload=',
      'onmouseover=',
      'ontoggle=',
      'data-commandlinker',
      ' id=',
      ' name=',
      'style='
    ]) {
      expect(html).not.toContain(forbidden);
    }
  });

  it('opens links in a new tab without an opener', () => {
    const root = inert(
      '<a href="https://example.com" target="_self" rel="opener">x</a>'
    );
    hardenRendered(root, BASE);
    const a = root.querySelector('a')!;
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('keeps formatting, tables, code classes and safe images', () => {
    const root = inert(
      '<p><strong>b</strong> <em>i</em> <code class="language-python">x</code></p>' +
        '<table><tr><td colspan="2" onclick="x()">c</td></tr></table>' +
        '<img src="https://example.com/a.png" alt="plot" onerror="x()">' +
        '<pre class="jp-Dialog evil"><code>y</code></pre><custom-el>kept text</custom-el>'
    );
    hardenRendered(root, BASE);
    expect(root.querySelector('strong')).not.toBeNull();
    expect(root.querySelector('code')!.className).toBe('language-python');
    expect(root.querySelector('td')!.getAttribute('colspan')).toBe('2');
    expect(root.querySelector('td')!.hasAttribute('onclick')).toBe(false);
    expect(root.querySelector('img')!.getAttribute('alt')).toBe('plot');
    expect(root.querySelector('pre')!.hasAttribute('class')).toBe(false);
    expect(root.querySelector('custom-el')).toBeNull();
    expect(root.textContent).toContain('kept text');
  });

  it('replaces images with unsafe sources by their alt text', () => {
    const root = inert('<img src="javascript:alert(1)" alt="a chart">');
    hardenRendered(root, BASE);
    expect(root.innerHTML).toBe('a chart');
  });

  it("replaces images from the page's own host by their alt text", () => {
    const root = inert('<p><img src="/hub/logout" alt="a plot"></p>');
    hardenRendered(root, BASE);
    expect(root.innerHTML).toBe('<p>a plot</p>');
  });
});

describe('decorateMarkup', () => {
  it('marks tags and mentions as text chips, not in code or links', () => {
    const root = inert(
      '<p>See #EGFR with @bob. Mail bob@example.com.</p><code>#notatag @nobody</code>' +
        '<a href="https://x.example">#inlink</a>'
    );
    decorateMarkup(root);
    const chips = Array.from(root.querySelectorAll('.jp-MoietyChip'));
    expect(chips.map(c => c.textContent)).toEqual(['#EGFR', '@bob']);
    expect(chips[0].getAttribute(TAG_ATTRIBUTE)).toBe('egfr');
    expect(chips[1].getAttribute(MENTION_ATTRIBUTE)).toBe('bob');
    expect(root.textContent).toBe(
      'See #EGFR with @bob. Mail bob@example.com.#notatag @nobody#inlink'
    );
  });

  it('treats markup-looking text as text', () => {
    const root = document.createElement('div');
    root.textContent = '#tag <img src=x onerror=alert(1)> @al';
    decorateMarkup(root);
    expect(root.querySelector('img')).toBeNull();
    expect(root.textContent).toBe('#tag <img src=x onerror=alert(1)> @al');
  });
});

describe('renderUserMarkdown', () => {
  it('parses user HTML where nothing loads, then shows what is safe', async () => {
    const host = document.createElement('div');
    const parser = { render: async (text: string) => text };
    await renderUserMarkdown(
      host,
      '<p><img src="/hub/logout" alt="a plot"> #assay ' +
        '<img src="https://example.com/a.png" alt="b"> <a href="notes.md">n</a></p>',
      parser
    );
    // The host JupyterLab rendered into belongs to a document without a window.
    const rendered = jest.mocked(renderMarkdown).mock.calls[0][0].host;
    expect(rendered.ownerDocument).not.toBe(document);
    expect(rendered.ownerDocument.defaultView).toBeNull();
    // What is shown is the page's own, hardened: the same-host image is text.
    const images = Array.from(host.querySelectorAll('img'));
    expect(images.map(i => i.getAttribute('src'))).toEqual([
      'https://example.com/a.png'
    ]);
    expect(images[0].ownerDocument).toBe(document);
    expect(host.textContent).toContain('a plot');
    expect(host.querySelector('.jp-MoietyChip-tag')!.textContent).toBe(
      '#assay'
    );
    expect(host.querySelector('a')!.getAttribute('href')).toBe(
      'http://hub.example:8000/user/alice/notes.md'
    );
  });
});
