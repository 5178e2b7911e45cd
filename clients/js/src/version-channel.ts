/**
 * Tells the shopper's other instances (tabs) about new cart versions and hears theirs, over a
 * BroadcastChannel; `null` where there is none (or it cannot be opened).
 */
export function openVersionChannel(name: string, onVersion: (version: number) => void): VersionChannel | null {
  const BC = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (typeof BC !== 'function') return null;
  try {
    const channel = new BC(name);
    channel.onmessage = (ev: MessageEvent) => {
      const v = (ev.data as { version?: unknown } | null)?.version;
      if (typeof v === 'number') onVersion(v);
    };
    (channel as unknown as { unref?: () => void }).unref?.();
    return new VersionChannel(channel);
  } catch {
    return null;
  }
}

export class VersionChannel {
  private readonly channel: BroadcastChannel;

  constructor(channel: BroadcastChannel) {
    this.channel = channel;
  }

  announce(version: number): void {
    try {
      this.channel.postMessage({ version });
    } catch {
      // closed
    }
  }

  close(): void {
    try {
      this.channel.close();
    } catch {
      // already closed
    }
  }
}
