// For the digits set, which has no 2-D boundary: a gallery of test digits (8×8 pixels each) with
// the network's prediction under each, green when right and red when wrong. Click one to select it.
import type { DataSet } from "./datasets";

const COLUMNS = 10, ROWS = 6, PIXEL = 4, PAD = 3, LABEL = 14;
const CELL_W = 8 * PIXEL + 2 * PAD, CELL_H = 8 * PIXEL + PAD + LABEL;
export const GALLERY_SIZE = COLUMNS * ROWS;

export class DigitsGallery {
  private readonly context: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.context = canvas.getContext("2d")!;
  }

  /** The inputs of the digits on show (GALLERY_SIZE test rows), to pass to predict(). */
  inputs(data: DataSet): Float64Array {
    return data.test.inputs.subarray(0, GALLERY_SIZE * data.features);
  }

  /** Draws the digits with their predicted classes (`outputs`: one row of scores per digit, or null). */
  draw(data: DataSet, outputs: Float64Array | null, selected: number | null): void {
    const ratio = window.devicePixelRatio || 1, width = COLUMNS * CELL_W, height = ROWS * CELL_H;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.width = width * ratio;
    this.canvas.height = height * ratio;
    const g = this.context;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "bold 12px system-ui, sans-serif";
    g.textAlign = "center";
    for (let i = 0; i < Math.min(GALLERY_SIZE, data.test.rows); i++) {
      const x0 = (i % COLUMNS) * CELL_W + PAD, y0 = Math.floor(i / COLUMNS) * CELL_H + PAD;
      for (let p = 0; p < 64; p++) {
        const shade = Math.round(255 * (1 - data.test.inputs[i * 64 + p]!));
        g.fillStyle = `rgb(${shade}, ${shade}, ${shade})`;
        g.fillRect(x0 + (p % 8) * PIXEL, y0 + Math.floor(p / 8) * PIXEL, PIXEL, PIXEL);
      }
      if (i === selected) {
        g.lineWidth = 2.5;
        g.strokeStyle = "#111";
        g.strokeRect(x0 - 1.5, y0 - 1.5, 8 * PIXEL + 3, 8 * PIXEL + 3);
      }
      if (outputs) {
        const guess = argmax(outputs.subarray(i * data.classes, (i + 1) * data.classes));
        g.fillStyle = guess === data.test.labels[i] ? "#2a8a3e" : "#c62828";
        g.fillText(String(guess), x0 + 4 * PIXEL, y0 + 8 * PIXEL + LABEL - 2);
      }
    }
  }

  /** The gallery digit under a click, or null. */
  pick(event: MouseEvent): number | null {
    const box = this.canvas.getBoundingClientRect();
    const column = Math.floor((event.clientX - box.left) / CELL_W), row = Math.floor((event.clientY - box.top) / CELL_H);
    return column >= 0 && column < COLUMNS && row >= 0 && row < ROWS ? row * COLUMNS + column : null;
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
