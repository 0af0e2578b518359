// The decision boundary of a 2-D data set: predict() over a grid, drawn as a heat map (each
// class's colour weighted by its probability, paler where the network is unsure), with the
// training points on top. Clicking a point selects it.
import type { DataSet } from "./datasets";
import { CLASS_COLOURS, css, mix, type RGB } from "./palette";

/** The square of input space on view. */
export const DOMAIN = 1.25;
const GRID = 96;

export class BoundaryView {
  private readonly context: CanvasRenderingContext2D;
  private readonly heat: HTMLCanvasElement;
  private readonly grid: Float64Array;
  private size = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.context = canvas.getContext("2d")!;
    this.heat = document.createElement("canvas");
    this.heat.width = this.heat.height = GRID;
    // Grid cell centres, row by row from the top (x₂ = +DOMAIN) down.
    this.grid = new Float64Array(GRID * GRID * 2);
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        const i = 2 * (r * GRID + c);
        this.grid[i] = ((c + 0.5) / GRID * 2 - 1) * DOMAIN;
        this.grid[i + 1] = (1 - (r + 0.5) / GRID * 2) * DOMAIN;
      }
    }
  }

  /** The grid's points (GRID² rows of x₁, x₂) to pass to predict(). */
  get gridInputs(): Float64Array { return this.grid; }

  /**
   * Draws the heat map of `outputs` (one row of class scores per grid point; null before there is
   * a network) and the data points; `selected` is a training row to ring.
   */
  draw(data: DataSet, outputs: Float64Array | null, selected: number | null): void {
    this.fitCanvas();
    const g = this.context, size = this.size;
    g.clearRect(0, 0, size, size);
    if (outputs) {
      this.paintHeat(outputs, data.classes);
      g.imageSmoothingEnabled = true;
      g.drawImage(this.heat, 0, 0, size, size);
    }
    this.drawAxes();
    const { rows, inputs, labels } = data.train;
    for (let i = 0; i < rows; i++) {
      const [x, y] = this.toCanvas(inputs[2 * i]!, inputs[2 * i + 1]!);
      g.beginPath();
      g.arc(x, y, 3.2, 0, 2 * Math.PI);
      g.fillStyle = css(CLASS_COLOURS[labels[i]!]!);
      g.fill();
      g.lineWidth = 1;
      g.strokeStyle = "white";
      g.stroke();
    }
    if (selected !== null && selected < rows) {
      const [x, y] = this.toCanvas(inputs[2 * selected]!, inputs[2 * selected + 1]!);
      g.beginPath();
      g.arc(x, y, 8, 0, 2 * Math.PI);
      g.lineWidth = 2.5;
      g.strokeStyle = "#111";
      g.stroke();
    }
  }

  /** Where training row `i` is drawn, in client (page viewport) coordinates. */
  clientPoint(data: DataSet, i: number): [number, number] {
    const box = this.canvas.getBoundingClientRect();
    const [x, y] = this.toCanvas(data.train.inputs[2 * i]!, data.train.inputs[2 * i + 1]!);
    return [box.left + x, box.top + y];
  }

  /** The training row nearest to a click (within 12 px), or null. */
  pick(data: DataSet, event: MouseEvent): number | null {
    const box = this.canvas.getBoundingClientRect();
    const px = event.clientX - box.left, py = event.clientY - box.top;
    let best: number | null = null, bestDistance = 12;
    for (let i = 0; i < data.train.rows; i++) {
      const [x, y] = this.toCanvas(data.train.inputs[2 * i]!, data.train.inputs[2 * i + 1]!);
      const distance = Math.hypot(x - px, y - py);
      if (distance < bestDistance) { best = i; bestDistance = distance; }
    }
    return best;
  }

  private paintHeat(outputs: Float64Array, classes: number): void {
    const g = this.heat.getContext("2d")!;
    const image = g.createImageData(GRID, GRID);
    for (let p = 0; p < GRID * GRID; p++) {
      let sum = 0, max = 0;
      for (let c = 0; c < classes; c++) sum += Math.max(0, outputs[p * classes + c]!);
      let colour: RGB = [0, 0, 0];
      for (let c = 0; c < classes; c++) {
        const share = sum > 0 ? Math.max(0, outputs[p * classes + c]!) / sum : 1 / classes;
        max = Math.max(max, share);
        colour = [colour[0] + share * CLASS_COLOURS[c]![0], colour[1] + share * CLASS_COLOURS[c]![1], colour[2] + share * CLASS_COLOURS[c]![2]];
      }
      const confidence = (max - 1 / classes) / (1 - 1 / classes); // 0 on the boundary, 1 when sure
      const [r, gr, b] = mix([250, 250, 250], colour, 0.12 + 0.5 * confidence);
      image.data.set([r, gr, b, 255], 4 * p);
    }
    g.putImageData(image, 0, 0);
  }

  private drawAxes(): void {
    const g = this.context, size = this.size;
    g.strokeStyle = "rgba(0, 0, 0, 0.12)";
    g.lineWidth = 1;
    g.fillStyle = "rgba(0, 0, 0, 0.45)";
    g.font = "11px system-ui, sans-serif";
    for (const v of [-1, 0, 1]) {
      const [x] = this.toCanvas(v, 0), [, y] = this.toCanvas(0, v);
      g.beginPath(); g.moveTo(x, 0); g.lineTo(x, size); g.moveTo(0, y); g.lineTo(size, y); g.stroke();
      g.fillText(String(v), x + 3, size - 4);
      if (v !== 0) g.fillText(String(v), 3, y - 3);
    }
    g.fillText("x₁ →", size - 32, size - 18);
    g.fillText("↑ x₂", 3, 12);
  }

  private toCanvas(x: number, y: number): [number, number] {
    return [(x / DOMAIN + 1) / 2 * this.size, (1 - y / DOMAIN) / 2 * this.size];
  }

  /** Matches the canvas's pixels to its CSS size (sharp on high-DPI screens). */
  private fitCanvas(): void {
    const size = this.canvas.clientWidth, ratio = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(size * ratio)) {
      this.canvas.width = this.canvas.height = Math.round(size * ratio);
    }
    this.size = size;
    this.context.setTransform(ratio, 0, 0, ratio, 0, 0);
  }
}
