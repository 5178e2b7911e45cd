// Scheduler: the durable timers (webhook retries, reservation expiries) and the webhooks that
// wait for their next attempt. Refreshes every 5 s; timers come and go quickly.
import { api, seg } from '../api.js';
import { h, clear, badge, time, countdown, num, truncated, table, loadMore, section, orderLink } from '../ui.js';

const KIND_LABEL = { webhook_retry: 'Webhook retries', reservation_expiry: 'Reservation expiries' };

function target(kind, t) {
  if (kind === 'webhook_retry') return h('a', { href: `#/webhooks/${seg(t)}`, class: 'mono', 'data-testid': 'timer-target' }, t);
  if (kind === 'reservation_expiry') return h('span', { 'data-testid': 'timer-target' }, orderLink(t));
  return h('span', { class: 'mono' }, t);
}

export async function render(root, ctx) {
  const countsBox = h('div', { class: 'stat-row', 'data-testid': 'scheduler-counts' });
  const nextTable = table({
    testid: 'timers-table', rows: [], empty: 'No timer is due.',
    columns: [
      { label: 'Due', cell: (t) => time(t.due_at) },
      { label: 'In', num: true, cell: (t) => countdown(t.due_at) },
      { label: 'Kind', cell: (t) => t.kind.replaceAll('_', ' ') },
      { label: 'Target', cell: (t) => target(t.kind, t.target) },
    ],
    rowAttrs: (t) => ({ 'data-testid': 'timer-row', 'data-kind': t.kind, 'data-target': t.target }),
  });
  const timersError = h('div');
  const waiting = h('div');
  root.append(h('h1', { tabindex: '-1' }, 'Scheduler'),
    section('Timers', countsBox, timersError, h('h3', {}, 'Next due (at most 50)'), nextTable.el),
    section('Webhooks waiting for a retry', waiting));

  async function loadTimers() {
    try {
      const s = await api('/api/scheduler', { query: { limit: 50 }, signal: ctx.signal });
      clear(timersError);
      const kinds = { webhook_retry: 0, reservation_expiry: 0, ...(s.counts || {}) };
      clear(countsBox, Object.entries(kinds).map(([k, n]) => h('div', { class: 'stat' },
        h('div', { class: 'stat-label' }, KIND_LABEL[k] || k),
        // counts_capped: the server stopped counting past a bound; the number is a floor.
        h('div', { class: 'stat-value num', 'data-testid': `timers-${k}`, title: s.counts_capped ? 'at least' : null }, s.counts_capped ? `≥ ${n}` : String(n)))));
      clear(nextTable.tbody);
      nextTable.add(s.next || []);
    } catch (e) {
      if (e.name === 'AbortError' || e.status === 401) throw e;
      // Kept inside its card: the waiting-webhooks list below still works without this route.
      clear(timersError, h('p', { class: 'inline-error', 'data-testid': 'scheduler-error' }, `Timers unavailable: ${e.code} — ${e.message}`));
    }
  }

  // Pending webhooks with a next_retry_at are the ones a failed attempt put back on the timer.
  let paged = false; // once the operator pages into the list, refreshing would throw that away
  async function loadWaiting() {
    const tbl = table({
      testid: 'waiting-table', rows: [], empty: 'No webhook is waiting for a retry.',
      columns: [
        { label: 'ID', cell: (w) => h('a', { href: `#/webhooks/${seg(w.id)}`, class: 'mono' }, w.id) },
        { label: 'Gateway', cell: (w) => w.gateway },
        { label: 'Status', cell: (w) => badge(w.status) },
        { label: 'Attempts', num: true, cell: (w) => num(w.attempts) },
        { label: 'Next retry', cell: (w) => h('span', {}, time(w.next_retry_at), ' ', countdown(w.next_retry_at)) },
        { label: 'Last error', cell: (w) => truncated(w.last_error, 48) },
        { label: 'Order', cell: (w) => orderLink(w.order_reference) },
      ],
    });
    const pager = h('div', { class: 'pager' });
    const fetchPage = async (cursor) => {
      const page = await api('/api/webhook-events', { query: { status: 'pending', limit: 100, cursor }, signal: ctx.signal });
      tbl.add(page.items.filter((w) => w.next_retry_at));
      return page.next_cursor;
    };
    const next = await fetchPage();
    clear(waiting, tbl.el, pager);
    if (next) {
      let cursor = next;
      pager.append(loadMore('Load more', async () => { paged = true; cursor = await fetchPage(cursor); return cursor; }));
    }
  }

  await Promise.all([loadTimers(), loadWaiting()]);
  ctx.every(5000, async () => {
    await loadTimers();
    if (!paged) await loadWaiting();
  });
}
