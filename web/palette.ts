// Colours shared by the views, one palette per meaning so that no colour says two things:
// classes (the data, the decision boundary, the output nodes), signs (weights, biases and
// activations: green +, purple −), and node-error magnitude (one red, by a log scale).
export type RGB = [number, number, number];

export const CLASS_COLOURS: RGB[] = [
  [245, 147, 34], [8, 119, 189], [44, 160, 95], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

export const css = ([r, g, b]: RGB, alpha = 1) => `rgba(${r}, ${g}, ${b}, ${alpha})`;

export const mix = (a: RGB, b: RGB, t: number): RGB =>
  [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

const WHITE: RGB = [255, 255, 255];
export const POSITIVE: RGB = [27, 120, 55]; // green (ColorBrewer PRGn), unlike every class colour
export const NEGATIVE: RGB = [118, 42, 131]; // purple
export const ERROR_HUE: RGB = [203, 24, 29]; // node-error rings: red, the stronger the larger |e|

/** Weights, biases and activations: green for positive, purple for negative, paler near zero (|v| ≥ scale is full). */
export function signedColour(value: number, scale = 1): string {
  const t = Math.min(1, Math.abs(value) / scale);
  return css(mix(WHITE, value >= 0 ? POSITIVE : NEGATIVE, t));
}

export const weightColour = (w: number) => css(w >= 0 ? POSITIVE : NEGATIVE);
export const classColour = (k: number) => css(CLASS_COLOURS[k % CLASS_COLOURS.length]!);

/**
 * The one absolute scale of node errors: |e| ≤ 10^ERROR_FLOOR draws nothing, |e| ≥ 1 is full, and
 * each decade between adds the same step — so 1e-8 after training looks like nothing, as it is.
 */
export const ERROR_FLOOR = -4;
export function errorStrength(e: number): number {
  const size = Math.abs(e);
  if (!(size > 0)) return 0;
  return Math.min(1, Math.max(0, (Math.log10(size) - ERROR_FLOOR) / -ERROR_FLOOR));
}
