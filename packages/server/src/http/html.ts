/** Escapes text for HTML element and attribute content. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const style = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
  .dev { background: #b45309; color: #fff; padding: .5rem 1rem; border-radius: .4rem; font-weight: 600; }
  ul.users { list-style: none; padding: 0; display: grid; gap: .5rem; }
  ul.users button { width: 100%; text-align: left; padding: .75rem 1rem; border-radius: .4rem; border: 1px solid #8886; background: transparent; color: inherit; cursor: pointer; font: inherit; }
  ul.users button span { display: block; opacity: .75; font-size: .9em; }
  ul.users button:focus-visible, a:focus-visible { outline: 3px solid #2563eb; }
  code { background: #8882; padding: 0 .25rem; border-radius: .2rem; }
`;

/** A small self-contained page: no third-party assets, no inline script. */
export function page(
  title: string,
  body: string,
  options: { devBanner?: boolean; script?: string } = {},
): string {
  const banner =
    options.devBanner === false
      ? ''
      : '<p class="dev" role="status">Development mode — demo users, not for production</p>';
  const script =
    options.script === undefined ? '' : `<script type="module" src="${escapeHtml(options.script)}"></script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style>${script}</head>
<body>${banner}${body}</body></html>`;
}
