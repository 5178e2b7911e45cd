// useCart: the sync's state through useSyncExternalStore (rendered on the server side, where
// React uses getServerSnapshot, which is the same getState).
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCartSync } from '../src/index.js';
import { useCart } from '../src/react.js';
import { FakeServer, fakeJwt } from './fake-server.js';

afterEach(() => vi.useRealTimers());

describe('useCart', () => {
  it('renders the local cart, pending count and errors', async () => {
    vi.useFakeTimers();
    const server = new FakeServer({ tea: [1500, 10] });
    const sync = createCartSync({ baseUrl: 'http://fake.test', getToken: () => fakeJwt('r'), fetch: server.fetch, storage: null, broadcast: false });
    await vi.advanceTimersByTimeAsync(0);
    sync.add('tea', 2);
    function Cart() {
      const { cart, pending, syncing, error } = useCart(sync);
      return createElement('p', null, `${cart.items.map((l) => `${l.sku}×${l.quantity}`).join(',')} pending=${pending} syncing=${syncing} error=${error?.code ?? 'none'}`);
    }
    expect(renderToString(createElement(Cart))).toBe('<p>tea×2 pending=1 syncing=false error=none</p>');
    await vi.advanceTimersByTimeAsync(250);
    expect(renderToString(createElement(Cart))).toBe('<p>tea×2 pending=0 syncing=false error=none</p>');
    sync.dispose();
  });
});
