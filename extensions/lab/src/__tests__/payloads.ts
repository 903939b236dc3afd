/**
 * Cross-site scripting payloads that user content may carry. Each one, if it
 * ran, would set `window.__pwned` or call `alert`.
 */
export const XSS_PAYLOADS: string[] = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 1">',
  '<svg onload="window.__pwned = 1"><script>window.__pwned = 1</script></svg>',
  '<a href="javascript:window.__pwned = 1">click me</a>',
  '<a href=" jav&#x09;ascript:alert(1)">tabbed</a>',
  '[markdown link](javascript:alert(1))',
  '<form action="javascript:window.__pwned = 1"><button>go</button></form>',
  '<button data-commandlinker-command="help:open" data-commandlinker-args="{}">help</button>',
  '<span data-commandlinker-command="filebrowser:delete">delete</span>',
  '<img id="moiety-panel" name="getElementById" src="x">',
  '<form name="documentElement"><input name="body"></form>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<div style="position:fixed;inset:0" onmouseover="alert(1)">cover</div>',
  '<details open ontoggle="window.__pwned = 1">x</details>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<a href="data:text/html,<script>alert(1)</script>">data</a>',
  '<object data="javascript:alert(1)"></object>',
  '<base href="javascript:alert(1)//">'
];
