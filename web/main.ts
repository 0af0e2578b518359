// The playground page: controls → a Trainer (fitAsync in frame-sized chunks) → the views.
//
// Test hook (read-only; used by test/browser/playground.test.ts, handy in the console too):
//   window.playground.state()    → { dataset, epoch, loss[], accuracy[], valLoss[], valAccuracy[],
//                                    training, backend, samplesPerSecond, speeds: { wasm, "wasm-fma", ts }, error }
//   window.playground.backprop() → { status: "idle" | "running" | "done", example, target, loss,
//                                    layers: [{ a[], e[] }, …] (layer 0 = inputs), errorsShown }
// and <body data-training="true|false" data-backprop="idle|running|done" data-ready>.
import { fmaSupported, wasmSupported, type BackendName } from "wasmlp";
import { BackpropPlayer, traceExample, type PlayerStatus } from "./backprop";
import { BoundaryView } from "./boundary";
import { Charts } from "./charts";
import { DATASET_LABELS, loadDataSet, row, target, type DataSet, type DataSetName } from "./datasets";
import { DigitsGallery, GALLERY_SIZE } from "./digitsGallery";
import { fmt, NetworkView } from "./networkView";
import { Throttle } from "./throttle";
import { Trainer, type Architecture, type HiddenActivation, type Output, type TrainSettings } from "./trainer";
import "./style.css";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const controls = {
  dataset: $<HTMLSelectElement>("dataset"),
  hidden: $<HTMLInputElement>("hidden"),
  activation: $<HTMLSelectElement>("activation"),
  output: $<HTMLSelectElement>("output"),
  optimizer: $<HTMLSelectElement>("optimizer"),
  lr: $<HTMLInputElement>("lr"),
  batch: $<HTMLInputElement>("batch"),
  speed: $<HTMLSelectElement>("speed"),
  train: $<HTMLButtonElement>("train"),
  stop: $<HTMLButtonElement>("stop"),
  reset: $<HTMLButtonElement>("reset"),
  showBackprop: $<HTMLButtonElement>("show-backprop"),
  liveView: $<HTMLButtonElement>("live-view"),
};
const backendInputs = [...document.querySelectorAll<HTMLInputElement>('input[name="backend"]')];

const boundary = new BoundaryView($<HTMLCanvasElement>("boundary"));
const gallery = new DigitsGallery($<HTMLCanvasElement>("gallery"));
const charts = new Charts($("loss-chart"), $("accuracy-chart"));
const networkView = new NetworkView(document.getElementById("network") as unknown as SVGSVGElement);
const player = new BackpropPlayer(networkView, $("caption"), onPlayerStatus);

/** Samples/s per backend, kept while the data set and the architecture stay the same. */
const speeds: Partial<Record<BackendName, number>> = {};
let trainer: Trainer;
let seed = 1;
/** The example whose back-propagation is on show (a training row; for digits, a gallery digit). */
let selected: number | null = null;
/** Views that cost more than a frame's share are drawn less often while training (see Throttle). */
const boundaryDraws = new Throttle(0), networkDraws = new Throttle(100);

for (const [name, label] of Object.entries(DATASET_LABELS)) controls.dataset.add(new Option(label, name));
const backendInput = (name: BackendName) => backendInputs.find((input) => input.value === name)!;
if (!fmaSupported()) backendInput("wasm-fma").disabled = true; // relaxed SIMD: not in every browser yet
if (!wasmSupported()) {
  backendInput("wasm").disabled = true;
  backendInput("ts").checked = true;
}
const BACKEND_LABELS: Record<BackendName, string> = { wasm: "WebAssembly", "wasm-fma": "WebAssembly with fused multiply-add", ts: "TypeScript" };

// ——— settings read from the controls ———

function architecture(): Architecture | null {
  const text = controls.hidden.value.trim();
  const sizes = text === "" ? [] : text.split(/[\s,]+/).map(Number);
  const valid = sizes.length <= 6 && sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 64);
  controls.hidden.classList.toggle("invalid", !valid);
  const message = $("network-error");
  message.hidden = valid;
  message.textContent = valid ? "" : "Hidden layers: up to 6 sizes from 1 to 64, e.g. 8,8";
  return valid ? { hidden: sizes, activation: controls.activation.value as HiddenActivation, output: controls.output.value as Output } : null;
}

function settings(): TrainSettings {
  const lr = Number(controls.lr.value), batch = Math.round(Number(controls.batch.value));
  return {
    optimizer: controls.optimizer.value as TrainSettings["optimizer"],
    lr: lr > 0 && lr <= 10 ? lr : 0.03,
    batchSize: batch >= 1 && batch <= 1024 ? batch : 16,
    epochsPerFrame: Number(controls.speed.value),
  };
}

const selectedBackend = () => (backendInputs.find((input) => input.checked)?.value ?? "wasm") as BackendName;

// ——— actions ———

/** Runs page actions one after another (a reset must not overlap a backend switch). */
let queue: Promise<unknown> = Promise.resolve();
function serial(action: () => Promise<void>): void {
  queue = queue.then(action).catch((e) => showStatus(e instanceof Error ? e.message : String(e), true));
}

/** A fresh network (and data set if it changed); training stops. */
async function reset(newSeed: boolean): Promise<void> {
  const arch = architecture();
  if (!arch) return;
  if (newSeed) seed++;
  else for (const name of Object.keys(speeds) as BackendName[]) delete speeds[name]; // a new workload: compare afresh
  const old = trainer as Trainer | undefined;
  await old?.stop();
  player.close();
  selected = null;
  const name = controls.dataset.value as DataSetName;
  if (name === "digits" && old?.data.name !== "digits") showStatus("loading the digits…");
  const data = old?.data.name === name ? old.data : await loadDataSet(name);
  trainer = await Trainer.create(data, arch, selectedBackend(), seed, settings, draw, speeds);
  await old?.dispose();
  networkView.build(
    [{ size: data.features, kind: "input" }, ...arch.hidden.map((size) => ({ size, kind: arch.activation })), { size: data.classes, kind: arch.output }],
    data.featureNames, data.classNames);
  describeData(data);
  draw(true);
}

function describeData(data: DataSet): void {
  $("dataset-info").textContent = `${data.train.rows} training and ${data.test.rows} test examples, ${data.features} features, ${data.classes} classes.`;
  $("boundary-title").textContent = data.planar ? "Decision boundary" : `Test digits and predictions (first ${GALLERY_SIZE})`;
  $("boundary").hidden = !data.planar;
  $("gallery").hidden = data.planar;
  $("boundary-hint").textContent = data.planar
    ? "Shade: the predicted class, paler where unsure. Click a point to watch its back-propagation."
    : "Green: predicted right, red: wrong. Click a digit to watch its back-propagation.";
}

/** Traces one example through the current weights and plays it on the network view. */
function showBackprop(example?: number): void {
  const data = trainer.data, split = data.planar ? data.train : data.test;
  const rows = data.planar ? split.rows : Math.min(GALLERY_SIZE, split.rows);
  selected = example ?? selected ?? Math.floor(Math.random() * rows);
  const x = row(split, selected), y = target(split.labels[selected]!, data.classes);
  const trace = traceExample(trainer.viewNetwork(), x, y);
  const what = data.planar ? `training point #${selected + 1}` : `test digit #${selected + 1}`;
  controls.liveView.hidden = false;
  void player.play(trace, `${what}, ${data.classNames[trace.label]}, weights of epoch ${trainer.epoch}`);
  draw(true);
}

function onPlayerStatus(status: PlayerStatus): void {
  document.body.dataset.backprop = status;
  if (status === "idle") controls.liveView.hidden = true;
}

// ——— drawing ———

/** Redraws after each training frame; the slower views less often (all of them when `everything`). */
function draw(everything = false): void {
  if (!trainer) return;
  const data = trainer.data, h = trainer.history, n = h.epoch.length;
  const force = everything || !trainer.running;
  boundaryDraws.run(force, () => {
    const view = trainer.viewNetwork();
    if (data.planar) boundary.draw(data, view.predict(boundary.gridInputs).data, selected);
    else gallery.draw(data, view.predict(gallery.inputs(data)).data, selected);
  });
  networkDraws.run(force, () => {
    charts.update(h);
    if (player.status !== "idle") return;
    const view = trainer.viewNetwork(), layers = view.layers.map((_, l) => l + 1);
    networkView.showParameters(layers.map((l) => view.weights(l).data), layers.map((l) => view.biases(l)));
  });

  const last = (values: number[]) => values[n - 1]!;
  $("loss-train").textContent = n ? fmt(last(h.loss)) : "—";
  $("loss-test").textContent = n ? fmt(last(h.valLoss)) : "—";
  $("accuracy-train").textContent = n ? percent(last(h.accuracy)) : "—";
  $("accuracy-test").textContent = n ? percent(last(h.valAccuracy)) : "—";
  $("metric-epoch").textContent = String(trainer.epoch);
  $("metric-loss").textContent = n ? fmt(last(h.valLoss)) : "—";
  $("metric-accuracy").textContent = n ? percent(last(h.valAccuracy)) : "—";
  for (const name of ["wasm", "wasm-fma", "ts"] as const) {
    $(`speed-${name}`).textContent = speeds[name] ? `${formatRate(speeds[name]!)} samples/s` : "not run yet";
  }
  const { count, reason } = trainer.threads;
  $("threads").textContent = count > 1 ? `${count} threads` : "1 thread";
  $("threads").title = reason ?? "";
  if (trainer.error) showStatus(`Training stopped: ${trainer.error}`, true);
  else showStatus(n
    ? `Epoch ${trainer.epoch} on ${BACKEND_LABELS[trainer.backend]} (${count > 1 ? `${count} threads` : "1 thread"}), ${trainer.running ? "training…" : "stopped."}`
    : `Seed ${seed}. Press Train.`);

  const running = trainer.running;
  document.body.dataset.training = String(running);
  controls.train.disabled = running;
  controls.stop.disabled = !running;
}

function showStatus(text: string, error = false): void {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", error);
}

const percent = (v: number) => (Number.isNaN(v) ? "—" : `${(100 * v).toFixed(1)} %`);
function formatRate(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(0)} k`;
  return v.toFixed(0);
}

// ——— events ———

controls.train.addEventListener("click", () => serial(async () => { trainer.start(); draw(); }));
controls.stop.addEventListener("click", () => serial(() => trainer.stop()));
controls.reset.addEventListener("click", () => serial(() => reset(true)));
for (const control of [controls.dataset, controls.activation, controls.output]) {
  control.addEventListener("change", () => serial(() => reset(false)));
}
controls.hidden.addEventListener("change", () => serial(() => reset(false)));
controls.hidden.addEventListener("input", () => architecture()); // marks a bad value at once
for (const input of backendInputs) {
  input.addEventListener("change", () => serial(async () => { await trainer.switchBackend(selectedBackend()); draw(true); }));
}
controls.showBackprop.addEventListener("click", () => showBackprop());
controls.liveView.addEventListener("click", () => {
  player.close();
  selected = null;
  draw(true);
});
$("boundary").addEventListener("click", (event) => {
  const picked = boundary.pick(trainer.data, event);
  if (picked !== null) showBackprop(picked);
});
$("gallery").addEventListener("click", (event) => {
  const picked = gallery.pick(event);
  if (picked !== null && picked < trainer.data.test.rows) showBackprop(picked);
});

// ——— the test hook ———

declare global {
  interface Window { playground: Readonly<{ state(): unknown; backprop(): unknown }> }
}
window.playground = Object.freeze({
  state: () => {
    const h = trainer.history;
    return {
      dataset: trainer.data.name,
      epoch: trainer.epoch,
      loss: [...h.loss], accuracy: [...h.accuracy], valLoss: [...h.valLoss], valAccuracy: [...h.valAccuracy],
      training: trainer.running,
      backend: trainer.backend,
      samplesPerSecond: speeds[trainer.backend] ?? null,
      threads: trainer.threads.count,
      threadsReason: trainer.threads.reason ?? null,
      speeds: { wasm: speeds.wasm ?? null, "wasm-fma": speeds["wasm-fma"] ?? null, ts: speeds.ts ?? null },
      error: trainer.error,
    };
  },
  backprop: () => ({
    status: player.status,
    example: selected,
    target: player.trace ? [...player.trace.target] : null,
    loss: player.trace?.error ?? null,
    layers: player.trace?.layers.map((layer) => ({ a: [...layer.a], e: [...layer.e] })) ?? [],
    errorsShown: player.errorsShown,
  }),
});

serial(async () => {
  await reset(false);
  document.body.dataset.ready = "";
});
