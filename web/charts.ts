// Loss and accuracy curves (training and test) drawn with uPlot. Long runs are thinned to about
// MAX_POINTS points per curve before drawing; the last epoch is always shown.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Curves } from "./trainer";

const MAX_POINTS = 1500;
const TRAIN = { label: "training", stroke: "#0877bd", width: 2 };
const GRID = { stroke: "#eceef1", width: 1 };
const TEST = { label: "test", stroke: "#f59322", width: 1.5, dash: [5, 3] };

export class Charts {
  private readonly loss: uPlot;
  private readonly accuracy: uPlot;

  constructor(lossTarget: HTMLElement, accuracyTarget: HTMLElement) {
    const size = () => ({ width: lossTarget.clientWidth, height: 140 });
    const empty: uPlot.AlignedData = [[], [], []];
    this.loss = new uPlot({
      ...size(),
      scales: { x: { time: false }, y: { distr: 3, log: 10 } },
      series: [{ label: "epoch" }, { ...TRAIN, value: (_, v) => fixed(v, 4) }, { ...TEST, value: (_, v) => fixed(v, 4) }],
      axes: [{ grid: GRID }, { size: 56, grid: { ...GRID, filter: decades }, ticks: { filter: decades }, values: decadeLabels }],
      legend: { show: false },
    }, empty, lossTarget);
    this.accuracy = new uPlot({
      ...size(),
      scales: { x: { time: false }, y: { range: [0, 1] } },
      series: [{ label: "epoch" }, { ...TRAIN, value: (_, v) => percent(v) }, { ...TEST, value: (_, v) => percent(v) }],
      axes: [{ grid: GRID }, { size: 56, grid: GRID, values: (_, ticks) => ticks.map((v) => (v == null ? "" : `${Math.round(100 * v)} %`)) }],
      legend: { show: false },
    }, empty, accuracyTarget);
    new ResizeObserver(() => {
      this.loss.setSize(size());
      this.accuracy.setSize(size());
    }).observe(lossTarget);
  }

  update(curves: Curves): void {
    const n = curves.epoch.length, stride = Math.max(1, Math.ceil(n / MAX_POINTS));
    const thin = (values: number[]) => {
      const out: number[] = [];
      for (let i = 0; i < n; i += stride) out.push(values[i]!);
      if (n > 0 && (n - 1) % stride !== 0) out.push(values[n - 1]!);
      return out;
    };
    const x = thin(curves.epoch);
    this.loss.setData([x, thin(curves.loss), thin(curves.valLoss)]);
    this.accuracy.setData([x, thin(curves.accuracy), thin(curves.valAccuracy)]);
  }
}

/** The log axis's lines and labels: powers of ten only, and at most about five of them. */
function decades(_: uPlot, splits: number[]): (number | null)[] {
  const exponent = (v: number) => Math.log10(v);
  const powers = splits.filter((v) => Math.abs(exponent(v) - Math.round(exponent(v))) < 1e-9);
  const step = Math.max(1, Math.ceil(powers.length / 5));
  return splits.map((v) => (powers.includes(v) && Math.round(exponent(v)) % step === 0 ? v : null));
}
const decadeLabels = (u: uPlot, splits: number[]) => decades(u, splits).map((v) => {
  if (v === null) return "";
  const e = Math.round(Math.log10(v));
  return e >= -3 && e <= 3 ? String(+v.toPrecision(1)) : `1e${e}`.replace("-", "−");
});
const fixed = (v: number | null, digits: number) => (v == null || Number.isNaN(v) ? "—" : v.toFixed(digits));
const percent = (v: number | null) => (v == null || Number.isNaN(v) ? "—" : `${(100 * v).toFixed(1)} %`);
