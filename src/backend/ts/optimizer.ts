// Twin of assembly/optimizer.ts (semantics in test/golden/README.md).
export function sgdStep(
  m: Float64Array, p: number, g: number, buf: number, n: number,
  lr: number, momentum: number, nesterov: boolean, weightDecay: number,
): void {
  const p0 = p >>> 3, g0 = g >>> 3, b0 = buf >>> 3;
  for (let i = 0; i < n; i++) {
    let grad = m[g0 + i]! + weightDecay * m[p0 + i]!;
    if (momentum !== 0) {
      const b = momentum * m[b0 + i]! + grad;
      m[b0 + i] = b;
      grad = nesterov ? grad + momentum * b : b;
    }
    m[p0 + i] = m[p0 + i]! - lr * grad;
  }
}

export function adamStep(
  m: Float64Array, p: number, g: number, first: number, second: number, n: number,
  lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, bc1: number, bc2: number,
): void {
  const p0 = p >>> 3, g0 = g >>> 3, m0 = first >>> 3, v0 = second >>> 3;
  for (let i = 0; i < n; i++) {
    const grad = m[g0 + i]! + weightDecay * m[p0 + i]!;
    const mi = beta1 * m[m0 + i]! + (1 - beta1) * grad;
    const vi = beta2 * m[v0 + i]! + (1 - beta2) * grad * grad;
    m[m0 + i] = mi;
    m[v0 + i] = vi;
    m[p0 + i] = m[p0 + i]! - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + eps);
  }
}

export function allFinite(m: Float64Array, x: number, n: number): boolean {
  const x0 = x >>> 3;
  for (let i = 0; i < n; i++) if (!Number.isFinite(m[x0 + i]!)) return false;
  return true;
}
