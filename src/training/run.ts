// Driving a training generator: to the end at once (fit), or yielding to the event loop every
// few milliseconds (fitAsync), so a page stays responsive.

export const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());

export function runSync<T>(loop: Generator<void, T>): T {
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
  }
}

/** Yields to the event loop without the 4 ms clamp of nested setTimeout. */
function macrotask(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === "function") {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export async function runAsync<T>(loop: Generator<void, T>, yieldEveryMs = 10): Promise<T> {
  let last = now();
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
    if (now() - last >= yieldEveryMs) {
      await macrotask();
      last = now();
    }
  }
}
