// Time machine: one stream's events on a horizontal timeline, and the stream's state at any
// moment (by sequence or by time) as the server rebuilds it from the log.
import { api, streamPath } from '../api.js';
import { h, clear, badge, time, pre, loadMore, showError, section, toLocalInput, fromLocalInput } from '../ui.js';

const EXAMPLES = ['product/mug-1', 'order/ORD-…', 'cart/ana', 'coupon/SPRING10', 'delivery/north'];
const PRODUCT_KEYS = ['on_hand', 'reserved', 'available'];

export async function render(root, ctx) {
  const stream = (ctx.query.stream || '').trim();
  const input = h('input', { name: 'stream', value: stream, required: true, placeholder: 'product/mug-1', list: 'tm-examples', 'data-testid': 'tm-stream', 'aria-label': 'Stream' });
  const form = h('form', { class: 'toolbar', role: 'search', 'data-testid': 'tm-form' }, input,
    h('datalist', { id: 'tm-examples' }, EXAMPLES.map((e) => h('option', { value: e }))),
    h('button', { type: 'submit' }, 'Load'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.setQuery({ stream: input.value.trim() });
  });
  root.append(h('h1', { tabindex: '-1' }, 'Time machine'), form);
  if (!stream) {
    root.append(h('p', { class: 'muted' }, 'Name a stream: product/<sku>, order/<reference>, cart/<user>, coupon/<CODE>, delivery/<zone>, webhook/<key>. The product, order and webhook pages link here.'));
    return null;
  }

  let events = [];
  let next = null;
  let k = 0; // slider position: 0 = before the first event, i = just after events[i-1]
  let request = 0; // drops answers to superseded state requests (the slider moves faster than the server answers)
  let timer = null;

  const rail = h('div', { class: 'tm-rail', 'data-testid': 'tm-timeline' });
  const range = h('div', { class: 'tm-range muted' });
  const slider = h('input', { type: 'range', min: '0', max: '0', step: '1', value: '0', 'data-testid': 'tm-slider', 'aria-label': 'Moment: before the first event to after the last' });
  const sliderLabel = h('output', { class: 'tm-slider-label', 'data-testid': 'tm-slider-label' });
  const when = h('input', { type: 'datetime-local', step: '0.001', 'data-testid': 'tm-as-of', 'aria-label': 'As of (your local time)' });
  const whenForm = h('form', { class: 'toolbar' }, h('label', { class: 'field inline' }, h('span', {}, 'As of'), when), h('button', { type: 'submit', class: 'secondary' }, 'Go'));
  const stateBox = h('div', { 'data-testid': 'tm-state-box' });
  const eventBox = h('div');
  const pager = h('div', { class: 'pager' });

  root.append(
    section(`Events of ${stream}`, h('div', { class: 'tm-track', tabindex: '-1' }, rail), range, pager),
    section('Moment', h('div', { class: 'tm-controls' }, slider, sliderLabel), whenForm),
    section('State', stateBox, eventBox));

  slider.addEventListener('input', () => ctx.setQuery(momentQuery(Number(slider.value)), { replace: true }));
  whenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const asOf = fromLocalInput(when.value);
    if (asOf) ctx.setQuery({ stream, as_of: asOf }, { replace: true });
  });

  function momentQuery(pos) {
    // seq is global: one less than the first event's is a moment when this stream had nothing.
    const seq = pos === 0 ? Math.max(0, (events[0]?.seq ?? 1) - 1) : events[pos - 1].seq;
    return { stream, seq: String(seq) };
  }

  async function loadEvents(from) {
    const page = await api(`/api/streams/${streamPath(stream)}/events`, { query: { limit: 1000, from_version: from }, signal: ctx.signal });
    events = events.concat(page.items || []);
    next = page.next_from_version;
    drawRail();
    clear(pager, next ? loadMore('Load more events', async () => { await loadEvents(next); applyMoment(ctx.query); return next; }) : null);
  }

  // Markers are evenly spaced by order, not by time: events of one checkout share a millisecond
  // and would otherwise sit on top of each other. Times are on each marker and in the axis.
  function drawRail() {
    slider.max = String(events.length);
    rail.style.minWidth = `${Math.max(events.length * 44, 300)}px`;
    clear(rail, events.map((ev, i) => h('button', {
      type: 'button', class: 'tm-marker', 'data-testid': 'tm-marker', 'data-seq': String(ev.seq), 'data-type': ev.type,
      style: { left: `${((i + 0.5) / events.length) * 100}%` },
      title: `${ev.type} · v${ev.version} · seq ${ev.seq} · ${ev.at}`,
      'aria-label': `${ev.type}, version ${ev.version}, ${new Date(ev.at).toLocaleString()}`,
      onclick: () => ctx.setQuery(momentQuery(i + 1), { replace: true }),
    }, h('span', { class: 'tm-dot' }), h('span', { class: 'tm-label' }, ev.type))));
    clear(range, events.length
      ? [h('span', {}, 'first ', time(events[0].at)), h('span', {}, `${events.length}${next ? '+' : ''} events`), h('span', {}, 'last ', time(events[events.length - 1].at))]
      : 'This stream has no events.');
  }

  function applyMoment(q) {
    if (!events.length) {
      clear(stateBox, h('p', { class: 'muted', 'data-testid': 'tm-no-state' }, 'No state: the stream has no events.'));
      return;
    }
    let query;
    if (q.seq !== undefined && q.seq !== '') {
      const seq = Number(q.seq);
      k = events.filter((e) => e.seq <= seq).length;
      query = { seq: q.seq };
    } else if (q.as_of) {
      const t = new Date(q.as_of).getTime();
      k = events.filter((e) => new Date(e.at).getTime() <= t).length;
      query = { as_of: q.as_of };
    } else {
      k = events.length; // nothing chosen: the present
      query = { seq: String(events[events.length - 1].seq) };
    }
    slider.value = String(k);
    sliderLabel.textContent = k === 0 ? 'before the first event' : `after event ${k} of ${events.length}: ${events[k - 1].type}`;
    when.value = toLocalInput(q.as_of || (k ? events[k - 1].at : events[0].at));
    rail.querySelectorAll('.tm-marker').forEach((m, i) => {
      m.classList.toggle('past', i < k);
      m.classList.toggle('current', i === k - 1);
      if (i === k - 1) m.setAttribute('aria-current', 'true'); else m.removeAttribute('aria-current');
    });
    clear(eventBox, k ? [h('h3', {}, `Event: ${events[k - 1].type} `, time(events[k - 1].at)), pre(events[k - 1].data, 'tm-event')] : null);
    clearTimeout(timer);
    timer = setTimeout(() => fetchState(query), 120); // the slider fires per step; ask once it settles
  }

  let shown = null; // the product numbers last shown, to highlight what moved
  async function fetchState(query) {
    const mine = ++request;
    stateBox.setAttribute('aria-busy', 'true');
    try {
      const s = await api(`/api/streams/${streamPath(stream)}/state`, { query, signal: ctx.signal });
      if (mine !== request) return;
      const parts = [h('p', { class: 'muted', 'data-testid': 'tm-state-meta' },
        `After seq ${s.seq} (version ${s.version}, ${s.type}) at `, time(s.at),
        // Orders and webhooks carry a status: the same badge as everywhere else.
        typeof s.state?.status === 'string' ? [' ', badge(s.state.status)] : null)];
      if (stream.startsWith('product/') && s.state) {
        parts.push(h('div', { class: 'stat-row' }, PRODUCT_KEYS.map((key) => h('div', { class: `stat highlight${shown && shown[key] !== s.state[key] ? ' changed' : ''}` },
          h('div', { class: 'stat-label' }, key.replace('_', ' ')),
          h('div', { class: 'stat-value num', 'data-testid': `tm-${key}` }, String(s.state[key] ?? '—'))))));
        shown = s.state;
      }
      parts.push(pre(s.state ?? {}, 'tm-state'));
      clear(stateBox, parts);
    } catch (e) {
      if (mine !== request || e.name === 'AbortError') return;
      if (e.status === 404 && e.code === 'not_found') {
        shown = null;
        clear(stateBox, h('p', { class: 'empty-state', 'data-testid': 'tm-no-state' }, 'No state yet: the stream had no event by then.'));
      } else {
        clear(stateBox, h('p', { class: 'inline-error' }, `State unavailable: ${e.code} — ${e.message}`));
        showError(e, 'Time machine');
      }
    } finally {
      if (mine === request) stateBox.removeAttribute('aria-busy');
    }
  }

  await loadEvents();
  applyMoment(ctx.query);
  // Same stream, another moment: move in place instead of reloading the events.
  return { update: (q) => ((q.stream || '').trim() === stream ? (applyMoment(q), true) : false) };
}
