// Colours shared by the views: one per class, and diverging scales for signed values.
export type RGB = [number, number, number];

export const CLASS_COLOURS: RGB[] = [
  [245, 147, 34], [8, 119, 189], [44, 160, 95], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

export const css = ([r, g, b]: RGB, alpha = 1) => `rgba(${r}, ${g}, ${b}, ${alpha})`;

export const mix = (a: RGB, b: RGB, t: number): RGB =>
  [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

const WHITE: RGB = [255, 255, 255];
const POSITIVE: RGB = [8, 119, 189]; // blue, as class 1
const NEGATIVE: RGB = [245, 147, 34]; // orange, as class 0
const ERROR_POSITIVE: RGB = [197, 27, 125]; // magenta
const ERROR_NEGATIVE: RGB = [77, 146, 33]; // green

/** Weights and activations: blue for positive, orange for negative, paler near zero (|v| ≥ scale is full). */
export function signedColour(value: number, scale = 1): string {
  const t = Math.min(1, Math.abs(value) / scale);
  return css(mix(WHITE, value >= 0 ? POSITIVE : NEGATIVE, t));
}

/** Node errors: magenta for positive, green for negative. */
export function errorColour(value: number, scale = 1): string {
  const t = Math.min(1, Math.abs(value) / scale);
  return css(mix(WHITE, value >= 0 ? ERROR_POSITIVE : ERROR_NEGATIVE, t));
}

export const weightColour = (w: number) => css(w >= 0 ? POSITIVE : NEGATIVE);
