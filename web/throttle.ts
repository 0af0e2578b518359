// Keeps costly drawing from crowding out training and input.
/**
 * Runs a drawing task at most every `minMs`, and never more than a quarter of the time: after a
 * task that took t ms it waits at least 3t ms (a big network's boundary costs more than a frame).
 */
export class Throttle {
  private last = -Infinity;
  private cost = 0;
  constructor(private readonly minMs: number) {}
  run(force: boolean, task: () => void): void {
    const now = performance.now();
    if (!force && now - this.last < Math.max(this.minMs, 3 * this.cost)) return;
    task();
    this.last = performance.now();
    this.cost = this.last - now;
  }
}
