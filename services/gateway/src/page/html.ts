import { createHash } from 'node:crypto'
import { PAGE_SCRIPT } from './script.ts'

const STYLE = `
  :root { font-family: system-ui, sans-serif; color: #1d2433; background: #f5f6f8; }
  body { margin: 0 auto; max-width: 1100px; padding: 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  .sub { color: #667; margin: 0 0 20px; font-size: 14px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
  section { background: #fff; border-radius: 10px; padding: 16px 18px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h2 { font-size: 15px; margin: 0 0 12px; text-transform: uppercase; letter-spacing: .04em; color: #556; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 10px; }
  dt { color: #667; } dd { margin: 0; font-weight: 600; word-break: break-all; }
  ul { margin: 0; padding-left: 18px; } li { margin: 2px 0; }
  .price { font-weight: 600; } .list-price { color: #999; margin-left: 6px; }
  .error { color: #c0392b; }
  #flags { list-style: none; padding: 0; }
  .flag { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; padding: 4px 0; border-bottom: 1px solid #eee; }
  .flag.off .flag-name { color: #999; text-decoration: line-through; }
  .flag-name { font-weight: 600; } .flag-detail { color: #667; font-size: 13px; }
  .badge { font-size: 12px; border-radius: 8px; padding: 1px 8px; margin-left: auto; }
  .badge.yes { background: #e3f6ea; color: #1e7b43; } .badge.no { background: #eee; color: #777; }
  .live { grid-column: 1 / -1; }
  .controls { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; font-size: 14px; }
  #live-chart { width: 100%; height: 220px; background: #fafbfc; border: 1px solid #e3e5e8; border-radius: 6px; }
  #live-legend { list-style: none; padding: 0; display: flex; gap: 16px; flex-wrap: wrap; margin-top: 8px; }
  .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; }
  button { font: inherit; padding: 4px 12px; }
`

/** The gateway's web page: markup, style and script in one response, nothing fetched from elsewhere. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zdd gateway</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<h1>zdd: zero-downtime delivery</h1>
<p class="sub">You are <b id="user">…</b>, served through <b id="gateway">…</b>. <button id="refresh">Refresh</button> <span id="status" class="error"></span></p>
<div class="grid">
  <section>
    <h2>Catalog</h2>
    <dl>
      <dt>version</dt><dd id="catalog-version">…</dd>
      <dt>served by</dt><dd id="catalog-pod">…</dd>
      <dt>track</dt><dd id="catalog-track">…</dd>
    </dl>
    <ul id="products"></ul>
  </section>
  <section>
    <h2>Recommendations (A/B)</h2>
    <dl>
      <dt>your variant</dt><dd id="ab-variant">…</dd>
      <dt>served by</dt><dd id="ab-served">…</dd>
    </dl>
    <ul id="recommendations"></ul>
  </section>
  <section>
    <h2>Feature switches</h2>
    <ul id="flags"></ul>
  </section>
  <section class="live">
    <h2>Live: share of answers per version</h2>
    <div class="controls">
      <label><input type="checkbox" id="live-on" checked> sending (20 req/s)</label>
      <label><input type="checkbox" id="live-users" checked> each request as a new user</label>
      <label>route <select id="live-route"></select></label>
      <span>sent <b id="live-sent">0</b></span>
    </div>
    <canvas id="live-chart" data-drawn="0"></canvas>
    <ul id="live-legend"></ul>
  </section>
</div>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/** Only this page's own script and style run, and it talks to nothing but this origin. */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${hash(PAGE_SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
