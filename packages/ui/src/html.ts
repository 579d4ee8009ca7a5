const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The one escape for text placed in HTML by the server (the client only uses textContent). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON inside `<script type="application/json">`: `<` is written as `\u003c`, so no value
 * (a param `</script><img onerror=...>`) can close the element; U+2028/9 for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text: a `</script` inside (in a string literal of a bundled library) would end the element. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** The page the server answers at `/`: the client loads its data from /api. */
export function serverPage(project: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(project)} · aero</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head><body><div id="app" data-mode="server"></div></body></html>
`;
}

/**
 * A report: one file with the client, its styles and the data inline. The CSP forbids every
 * request (`default-src 'none'`, no connect, images only from `data:`), so the file works
 * offline and cannot leak what it shows.
 */
export function reportPage(title: string, js: string, css: string, data: unknown): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${css.replace(/<\/(style)/gi, '<\\/$1')}</style>
</head><body><div id="app" data-mode="report"></div>
<script type="application/json" id="aero-data">${jsonForScript(data)}</script>
<script>${scriptText(js)}</script>
</body></html>
`;
}
