// Twin of assembly/activation.ts.
export const IDENTITY = 0;
export const SIGMOID = 1;
export const TANH = 2;
export const RELU = 3;
export const LEAKY_RELU = 4;
export const SOFTMAX = 5;

const LEAKY_SLOPE = 0.01;

export function activate(act: number, z: number): number {
  switch (act) {
    case SIGMOID: return 1 / (1 + Math.exp(-z));
    case TANH: return Math.tanh(z);
    case RELU: return z > 0 ? z : 0;
    case LEAKY_RELU: return z > 0 ? z : LEAKY_SLOPE * z;
    default: return z;
  }
}

export function derivative(act: number, z: number, a: number): number {
  switch (act) {
    case SIGMOID: return a * (1 - a);
    case TANH: return 1 - a * a;
    case RELU: return z > 0 ? 1 : 0;
    case LEAKY_RELU: return z > 0 ? 1 : LEAKY_SLOPE;
    default: return 1;
  }
}
