// Health: /health as cards, and live sparklines from /metrics (Prometheus text parsed here),
// both polled every 2 s. Hand-drawn SVG: no chart library to ship or trust.
import { api, apiText } from '../api.js';
import { h, clear, badge, duration, dl, section } from '../ui.js';

const POINTS = 60;
const SVG = 'http://www.w3.org/2000/svg';

// name{a="b",c="d"} value  →  {name, labels:{a:'b',c:'d'}, value}
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const [, k, v] of (m[2] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v.replace(/\\(.)/g, '$1');
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}
function metric(samples, name, labels = {}) {
  const s = samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s ? s.value : null;
}

// What each chart shows: from two consecutive scrapes (prev may be null on the first) to a value.
const delta = (a, b, name) => {
  const x = metric(a, name); const y = metric(b, name);
  return x === null || y === null ? null : y - x;
};
const ratio = (prev, cur, base, scale = 1) => {
  if (!prev) return null;
  const dc = delta(prev.samples, cur.samples, `${base}_count`);
  const ds = delta(prev.samples, cur.samples, `${base}_sum`);
  return dc > 0 && ds !== null ? (ds / dc) * scale : null; // no batch in the interval: a gap, not a zero
};
const CHARTS = [
  { key: 'ingest', title: 'Ingest rate', unit: 'events/s', value: (p, c) => {
    if (!p) return null;
    const d = delta(p.samples, c.samples, 'bitacora_events_appended_total');
    return d === null ? null : d / ((c.t - p.t) / 1000);
  } },
  { key: 'batch', title: 'fsync batch size', unit: 'appends/batch', value: (p, c) => ratio(p, c, 'bitacora_fsync_batch_requests') },
  { key: 'fsync', title: 'fsync latency', unit: 'ms', value: (p, c) => ratio(p, c, 'bitacora_fsync_seconds', 1000) },
  { key: 'pending', title: 'Pending webhooks', unit: '', value: (p, c) => metric(c.samples, 'bitacora_webhooks', { status: 'pending' }) },
  { key: 'failed', title: 'Failed webhooks', unit: '', value: (p, c) => metric(c.samples, 'bitacora_webhooks', { status: 'failed' }) },
  { key: 'reservations', title: 'Active reservations', unit: '', value: (p, c) => metric(c.samples, 'bitacora_reservations_active') },
  { key: 'actors', title: 'Actors alive', unit: '', value: (p, c) => metric(c.samples, 'bitacora_actors_alive') },
];

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (Number.isInteger(v)) return v.toLocaleString();
  return v.toLocaleString(undefined, { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 1 });
}

function sparkline(values) {
  const w = 240; const hgt = 48; const pad = 3;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  const nums = values.filter((v) => v !== null);
  const max = Math.max(1e-9, ...nums);
  const min = Math.min(0, ...nums);
  const x = (i) => pad + (i / (POINTS - 1)) * (w - 2 * pad);
  const y = (v) => hgt - pad - ((v - min) / (max - min || 1)) * (hgt - 2 * pad);
  // Right-aligned: the newest point is always at the right edge. Nulls (no data) break the line.
  const offset = POINTS - values.length;
  let run = [];
  const flush = () => {
    if (run.length === 1) { // a lone sample is a dot: a zero-length line would not show
      const dot = document.createElementNS(SVG, 'circle');
      dot.setAttribute('cx', run[0][0].toFixed(1));
      dot.setAttribute('cy', run[0][1].toFixed(1));
      dot.setAttribute('r', '2');
      svg.append(dot);
    } else if (run.length) {
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', run.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' '));
      svg.append(line);
    }
    run = [];
  };
  values.forEach((v, i) => (v === null ? flush() : run.push([x(i + offset), y(v)])));
  flush();
  svg.setAttribute('aria-label', `last ${nums.length} samples, from ${fmt(Math.min(...nums))} to ${fmt(Math.max(...nums))}`);
  return svg;
}

export async function render(root, ctx) {
  const healthBox = h('div', { 'data-testid': 'health-summary' });
  const metricsError = h('div');
  const charts = h('div', { class: 'charts' });
  root.append(h('h1', { tabindex: '-1' }, 'Health'), section('Server', healthBox), section('Live metrics (every 2 s)', metricsError, charts));

  const series = Object.fromEntries(CHARTS.map((c) => [c.key, []]));
  let prev = null;

  async function loadHealth() {
    const s = await api('/health', { accept: [503], signal: ctx.signal }); // 503 still carries the body
    clear(healthBox, dl([
      ['Status', badge(s.status)],
      ['Storage writable', h('span', { 'data-testid': 'health-writable' }, s.storage?.writable ? 'yes' : 'NO')],
      ['Last sequence', h('span', { class: 'num', 'data-testid': 'health-last-seq' }, fmt(s.storage?.last_seq))],
      s.storage?.dir ? ['Data directory', h('span', { class: 'mono break' }, s.storage.dir)] : null,
      ['Webhooks pending', h('span', { class: 'num' }, fmt(s.webhooks?.pending))],
      ['Webhooks failed', h('span', { class: 'num' }, fmt(s.webhooks?.failed))],
      ['Active reservations', h('span', { class: 'num' }, fmt(s.reservations?.active))],
      ['Uptime', h('span', { class: 'num', title: `${s.uptime_s} s` }, duration(s.uptime_s || 0))],
    ]));
  }

  async function loadMetrics() {
    let text;
    try {
      text = await apiText('/metrics', { signal: ctx.signal });
    } catch (e) {
      if (e.name === 'AbortError' || e.status === 401) throw e;
      clear(metricsError, h('p', { class: 'inline-error', 'data-testid': 'metrics-error' }, `Metrics unavailable: ${e.code} — ${e.message}`));
      return;
    }
    clear(metricsError);
    const cur = { t: performance.now(), samples: parseMetrics(text) };
    for (const c of CHARTS) {
      const arr = series[c.key];
      arr.push(c.value(prev, cur));
      if (arr.length > POINTS) arr.shift();
    }
    prev = cur;
    clear(charts, CHARTS.map((c) => {
      const arr = series[c.key];
      const last = arr[arr.length - 1];
      return h('figure', { class: 'chart', 'data-testid': `chart-${c.key}`, 'data-points': String(arr.filter((v) => v !== null).length) },
        h('figcaption', {}, c.title),
        h('div', { class: 'chart-value' }, h('span', { class: 'num', 'data-testid': `metric-${c.key}` }, fmt(last)), c.unit ? h('span', { class: 'muted' }, ` ${c.unit}`) : null),
        sparkline(arr));
    }));
  }

  await Promise.all([loadHealth(), loadMetrics()]);
  ctx.every(2000, () => Promise.all([loadHealth(), loadMetrics()]));
}
