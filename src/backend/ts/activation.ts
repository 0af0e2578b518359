// Twin of assembly/activation.ts; the ids are abi.ts's.
import { ActivationId } from "../../abi.js";

export const { identity: IDENTITY, sigmoid: SIGMOID, tanh: TANH, relu: RELU, leakyRelu: LEAKY_RELU, softmax: SOFTMAX } = ActivationId;

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
