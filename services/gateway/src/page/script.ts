// The page's script, inline (the page loads nothing from anywhere else). Plain ES2020 without template
// literals, so it can live in this string as it is.
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var COLORS = ['#2f80ed', '#f2994a', '#27ae60', '#9b51e0', '#eb5757', '#56ccf2', '#f2c94c', '#6fcf97'];
  var ERROR_COLOR = '#c0392b';
  var WINDOW_S = 60;

  function set(id, value) { $(id).textContent = value; }
  function node(tag, className, content) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (content !== undefined) e.textContent = content;
    return e;
  }
  function decision(res) {
    var out = { route: '', track: '', variant: '' };
    (res.headers.get('x-zdd-route') || '').split(';').forEach(function (part, i) {
      part = part.trim();
      if (i === 0) { out.route = part; return; }
      var eq = part.indexOf('=');
      if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
    });
    return out;
  }
  function servedBy(res) {
    var value = res.headers.get('x-served-by') || '';
    var slash = value.indexOf('/');
    return { who: slash > 0 ? value.slice(0, slash) : value || 'unknown', pod: slash > 0 ? value.slice(slash + 1) : '?' };
  }
  async function json(res) {
    try { return await res.json(); } catch (e) { return {}; }
  }
  function failure(res, body) {
    return res.status + ' ' + (body.code || '') + (body.message ? ': ' + body.message : '');
  }

  async function loadSession() {
    var res = await fetch('/_zdd/session', { headers: { accept: 'application/json' } });
    var session = await res.json();
    set('user', session.userId);
    set('gateway', session.gateway);
    var list = $('flags');
    list.textContent = '';
    session.flags.forEach(function (flag) {
      var item = node('li', flag.enabled ? 'flag on' : 'flag off');
      item.appendChild(node('span', 'flag-name', flag.name));
      var detail = flag.enabled ? 'on' : 'off';
      if (flag.rollout !== undefined) detail += ', rollout ' + flag.rollout + '%';
      if (flag.variants) detail += ', ' + flag.variants.map(function (v) { return v.name + ' ' + v.weight + '%'; }).join(' / ');
      item.appendChild(node('span', 'flag-detail', detail));
      item.appendChild(node('span', flag.forYou ? 'badge yes' : 'badge no', flag.forYou ? 'on for you' + (flag.variant && flag.variant !== 'disabled' ? ': ' + flag.variant : '') : 'off for you'));
      list.appendChild(item);
    });
    var select = $('live-route');
    if (select.options.length === 0) {
      session.routes.forEach(function (route) {
        var option = node('option', '', route.route + ' (' + route.probe + ')');
        option.value = route.probe;
        select.appendChild(option);
      });
    }
    return session;
  }

  async function loadCatalog() {
    var res = await fetch('/api/catalog/products', { headers: { accept: 'application/json' } });
    var body = await json(res);
    var who = servedBy(res);
    var how = decision(res);
    set('catalog-version', body.version || who.who);
    set('catalog-pod', who.who + ' / ' + who.pod);
    set('catalog-track', how.track || '?');
    var list = $('products');
    list.textContent = '';
    if (!res.ok) { list.appendChild(node('li', 'error', failure(res, body))); return; }
    (body.items || []).forEach(function (item) {
      var li = node('li', '', item.name + ' ');
      var price = node('span', 'price', (item.priceCents / 100).toFixed(2));
      li.appendChild(price);
      if (item.listPriceCents) li.appendChild(node('s', 'list-price', (item.listPriceCents / 100).toFixed(2)));
      list.appendChild(li);
    });
  }

  async function loadRecommendations() {
    var res = await fetch('/api/recommendations', { headers: { accept: 'application/json' } });
    var body = await json(res);
    var how = decision(res);
    var who = servedBy(res);
    set('ab-variant', how.variant || '?');
    set('ab-served', who.who + ' / ' + who.pod + (body.algorithm ? ' (' + body.algorithm + ')' : ''));
    var list = $('recommendations');
    list.textContent = '';
    if (!res.ok) { list.appendChild(node('li', 'error', failure(res, body))); return; }
    (body.items || []).forEach(function (item) { list.appendChild(node('li', '', item.name || item.id)); });
  }

  // Live panel: keeps sending requests (each as a new user by default, so a percentage canary shows as a
  // share) and draws, per second, the share of answers per version.
  var seconds = [];
  var colors = {};
  var sent = 0;
  var inFlight = 0;
  function bucket(now) {
    var t = Math.floor(now / 1000);
    var last = seconds[seconds.length - 1];
    if (!last || last.t !== t) { last = { t: t, counts: {}, total: 0 }; seconds.push(last); }
    while (seconds.length > WINDOW_S) seconds.shift();
    return last;
  }
  function record(key) {
    if (!(key in colors)) colors[key] = key === 'error' ? ERROR_COLOR : COLORS[Object.keys(colors).filter(function (k) { return k !== 'error'; }).length % COLORS.length];
    var b = bucket(Date.now());
    b.counts[key] = (b.counts[key] || 0) + 1;
    b.total += 1;
  }
  async function probe() {
    if (!$('live-on').checked || inFlight > 20) return;
    // Without your cookie, the gateway takes each request for a new user (and signs it a new id).
    var credentials = $('live-users').checked ? 'omit' : 'same-origin';
    inFlight++;
    sent++;
    try {
      var res = await fetch($('live-route').value || '/api/catalog/products', { headers: { accept: 'application/json' }, credentials: credentials, cache: 'no-store' });
      var who = servedBy(res).who;
      await res.arrayBuffer();
      record(res.ok ? who : 'error');
    } catch (e) {
      record('error');
    } finally {
      inFlight--;
    }
  }
  function draw() {
    var canvas = $('live-chart');
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth, height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio)) { canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio); }
    var g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.strokeStyle = '#ddd';
    for (var p = 0; p <= 4; p++) { g.beginPath(); g.moveTo(0, height * p / 4); g.lineTo(width, height * p / 4); g.stroke(); }
    var now = Math.floor(Date.now() / 1000);
    var column = width / WINDOW_S;
    var drawn = 0;
    seconds.forEach(function (b) {
      var x = width - (now - b.t + 1) * column;
      if (b.total === 0 || x < -column) return;
      var y = height;
      Object.keys(b.counts).sort().forEach(function (key) {
        var h = height * b.counts[key] / b.total;
        g.fillStyle = colors[key];
        g.fillRect(x + 1, y - h, column - 2, h);
        y -= h;
      });
      drawn++;
    });
    canvas.dataset.drawn = String(drawn);
    var legend = $('live-legend');
    legend.textContent = '';
    var recent = seconds.slice(-3);
    var totals = {}, all = 0;
    recent.forEach(function (b) { Object.keys(b.counts).forEach(function (k) { totals[k] = (totals[k] || 0) + b.counts[k]; all += b.counts[k]; }); });
    Object.keys(colors).sort().forEach(function (key) {
      var item = node('li');
      var swatch = node('span', 'swatch');
      swatch.style.background = colors[key];
      item.appendChild(swatch);
      item.appendChild(node('span', '', key + ' ' + (all ? Math.round(100 * (totals[key] || 0) / all) : 0) + '%'));
      legend.appendChild(item);
    });
    set('live-sent', String(sent));
  }

  function refresh() {
    return Promise.all([loadSession(), loadCatalog(), loadRecommendations()]).catch(function (e) { set('status', String(e)); });
  }
  $('refresh').addEventListener('click', refresh);
  refresh().then(function () { document.body.dataset.loaded = 'true'; });
  setInterval(probe, 50);
  setInterval(draw, 250);
})();
`
