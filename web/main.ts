// The playground page: controls → a Trainer (fitAsync in frame-sized chunks) → the views.
//
// Test hook (read-only; used by test/browser/playground.test.ts, handy in the console too):
//   window.playground.state()    → { dataset, epoch, loss[], accuracy[], valLoss[], valAccuracy[],
//                                    training, backend, samplesPerSecond, speeds: { wasm, "wasm-fma", ts }, error }
//   window.playground.backprop() → { status: "idle" | "running" | "done", example, target, loss,
//                                    layers: [{ a[], e[] }, …] (layer 0 = inputs), errorsShown, worst }
//   window.playground.sampleLosses() → E of every example backprop can show (training points; for digits, the gallery's)
//   window.playground.pointPosition(i) → where training point i is drawn (client coordinates)
//   window.playground.article()  → null, or { step, numbers } of the article example on show (article.ts)
// and <body data-training="true|false" data-backprop="idle|running|done" data-ready>.
import { fmaSupported, wasmSupported, type BackendName } from "wasmlp";
import { ARTICLE_STEPS, articleText, computeArticle, showArticleStep, type ArticleNumbers } from "./article";
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
  article: $<HTMLButtonElement>("article"),
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
/** Whether `selected` was chosen as the worst-predicted example. */
let selectedWorst = false;
/** The article example on show (it replaces the network view until "Back to live weights"). */
let article: { numbers: ArticleNumbers; step: number } | null = null;
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

// Reading the controls is pure (the trainer reads the settings every frame, draw() the validity);
// showProblems() marks what is wrong, on edits only.

function readArchitecture(): { arch: Architecture | null; problem: string | undefined } {
  const text = controls.hidden.value.trim();
  const sizes = text === "" || text.toLowerCase() === "none" ? [] : text.split(/[\s,]+/).map(Number);
  if (!(sizes.length <= 6 && sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 64))) {
    return { arch: null, problem: `Hidden layers "${text}": up to 6 sizes from 1 to 64, comma-separated (e.g. 8,8), or none.` };
  }
  return { arch: { hidden: sizes, activation: controls.activation.value as HiddenActivation, output: controls.output.value as Output }, problem: undefined };
}

/** The training settings as typed, or null with the reasons when one is out of range: nothing is replaced silently. */
function readSettings(): { settings: TrainSettings | null; lr: string | undefined; batch: string | undefined } {
  const lrText = controls.lr.value.trim(), batchText = controls.batch.value.trim();
  const lr = Number(lrText), batch = Number(batchText);
  const shown = (text: string, input: HTMLInputElement) => (input.validity.badInput || text === "" ? "is not a number" : `${text} is out of range`);
  const lrProblem = lrText !== "" && !controls.lr.validity.badInput && lr > 0 && lr <= 10
    ? undefined : `Learning rate ${shown(lrText, controls.lr)}: use a number above 0 and at most 10.`;
  const batchProblem = batchText !== "" && !controls.batch.validity.badInput && Number.isInteger(batch) && batch >= 1 && batch <= 1024
    ? undefined : `Batch size ${shown(batchText, controls.batch)}: use a whole number from 1 to 1024.`;
  const settings = lrProblem || batchProblem ? null
    : { optimizer: controls.optimizer.value as TrainSettings["optimizer"], lr, batchSize: batch, epochsPerFrame: Number(controls.speed.value) };
  return { settings, lr: lrProblem, batch: batchProblem };
}

/** The architecture the controls describe, or null (and its problem shown). */
function architecture(): Architecture | null {
  showProblems();
  return readArchitecture().arch;
}

/** Marks each bad control and says what is wrong beside it. */
function showProblems(): void {
  const { problem } = readArchitecture(), typed = readSettings();
  const flag = (input: HTMLInputElement, problem: string | undefined) => {
    input.classList.toggle("invalid", problem !== undefined);
    input.setAttribute("aria-invalid", String(problem !== undefined));
  };
  const say = (message: HTMLElement, problems: (string | undefined)[]) => {
    const text = problems.filter(Boolean).join(" ");
    message.hidden = text === "";
    message.textContent = text;
  };
  flag(controls.hidden, problem);
  flag(controls.lr, typed.lr);
  flag(controls.batch, typed.batch);
  say($("network-error"), [problem]);
  say($("training-error"), [typed.lr, typed.batch]);
}

/** The last valid settings: what a running trainer reads each frame (it is stopped when they turn invalid). */
let lastSettings: TrainSettings = { optimizer: "adam", lr: 0.03, batchSize: 16, epochsPerFrame: 1 };
function settings(): TrainSettings {
  return (lastSettings = readSettings().settings ?? lastSettings);
}

/** Whether training may start: every control valid, and the network on show is the one the controls describe. */
function controlsValid(): boolean {
  const { arch } = readArchitecture(), current = trainer?.architecture;
  const same = arch !== null && current !== undefined && arch.hidden.join() === current.hidden.join() && arch.activation === current.activation && arch.output === current.output;
  return same && readSettings().settings !== null;
}

/** After any edit: an invalid control is marked, stops training and blocks Train until it is fixed. */
function checkControls(): void {
  showProblems();
  if (!controlsValid() && trainer?.running) serial(() => trainer.stop());
  draw();
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
  closeArticle();
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

/** The examples "Show back-propagation" chooses from: the training points (for digits, the gallery's test digits). */
function showable(): { split: DataSet["train"]; rows: number } {
  const data = trainer.data, split = data.planar ? data.train : data.test;
  return { split, rows: data.planar ? split.rows : Math.min(GALLERY_SIZE, split.rows) };
}

/** E of each showable example under the current weights, by the library (forward, backward, sampleLosses). */
function sampleLosses(): number[] {
  const data = trainer.data, { split, rows } = showable();
  const inputs = Array.from({ length: rows }, (_, r) => row(split, r));
  const targets = Array.from({ length: rows }, (_, r) => target(split.labels[r]!, data.classes));
  const net = trainer.viewNetwork();
  net.forward(inputs);
  net.backward(targets);
  const losses = Array.from(net.sampleLosses());
  net.zeroGrad();
  return losses;
}

/**
 * Traces one example through the current weights and plays it on the network view: the one
 * clicked, else the worst-predicted (the most instructive: the largest node errors flow back).
 */
function showBackprop(example?: number): void {
  closeArticle();
  const data = trainer.data, { split } = showable();
  if (example === undefined) {
    const losses = sampleLosses();
    selected = losses.reduce((worst, e, r) => (e > losses[worst]! ? r : worst), 0);
    selectedWorst = true;
  } else {
    selected = example;
    selectedWorst = false;
  }
  const x = row(split, selected), y = target(split.labels[selected]!, data.classes);
  const trace = traceExample(trainer.viewNetwork(), x, y);
  const what = `${selectedWorst ? "the worst-predicted " : ""}${data.planar ? "training point" : "test digit"} #${selected + 1}`;
  controls.liveView.hidden = false;
  void player.play(trace, `${what}, ${data.classNames[trace.label]}, E = ${fmt(trace.error)}, weights of epoch ${trainer.epoch}${selectedWorst ? " (click any point to pick another)" : ""}`);
  draw(true);
}

// ——— the article example ———

async function openArticle(): Promise<void> {
  player.close();
  selected = null;
  const numbers = await computeArticle(trainer.backend);
  networkView.build([{ size: 3, kind: "sigmoid input" }, { size: 4, kind: "sigmoid" }, { size: 2, kind: "sigmoid" }], ["x₁", "x₂", "x₃"], ["y₁", "y₂"]);
  article = { numbers, step: 0 };
  controls.liveView.hidden = false;
  showArticle();
}

function showArticle(): void {
  if (!article) return;
  const { numbers, step } = article;
  showArticleStep(networkView, numbers, step);
  const caption = $("caption");
  caption.innerHTML = `<div class="caption-title">The seed article's example: 3 → 4 → 2 sigmoid, squared error, one input · ` +
    `<b>step ${step + 1} of ${ARTICLE_STEPS.length}: ${ARTICLE_STEPS[step]}</b></div>` +
    `<div class="caption-text article-text">${articleText(numbers, step)}</div>` +
    `<div class="article-buttons"><button id="article-back" ${step === 0 ? "disabled" : ""}>← Back</button>` +
    `<button id="article-next" class="primary" ${step === ARTICLE_STEPS.length - 1 ? "disabled" : ""}>Next step →</button>` +
    `<small>The same numbers as <code>npx wasmlp explain</code>.</small></div>`;
  $("article-back").addEventListener("click", () => { article!.step--; showArticle(); });
  $("article-next").addEventListener("click", () => { article!.step++; showArticle(); });
  document.body.dataset.article = String(step);
}

/** Back to the trainer's network. */
function closeArticle(): void {
  if (!article) return;
  article = null;
  delete document.body.dataset.article;
  $("caption").replaceChildren();
  const data = trainer.data, arch = trainer.architecture;
  networkView.build(
    [{ size: data.features, kind: "input" }, ...arch.hidden.map((size) => ({ size, kind: arch.activation })), { size: data.classes, kind: arch.output }],
    data.featureNames, data.classNames);
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
    if (player.status !== "idle" || article) return;
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
  controls.train.disabled = running || !controlsValid();
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
controls.hidden.addEventListener("input", checkControls); // marks a bad value at once, and blocks Train
for (const input of [controls.lr, controls.batch]) input.addEventListener("input", checkControls);
for (const input of backendInputs) {
  input.addEventListener("change", () => serial(async () => { await trainer.switchBackend(selectedBackend()); draw(true); }));
}
controls.showBackprop.addEventListener("click", () => showBackprop());
controls.liveView.addEventListener("click", () => {
  player.close();
  closeArticle();
  selected = null;
  controls.liveView.hidden = true;
  draw(true);
});
controls.article.addEventListener("click", () => serial(openArticle));
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
  interface Window { playground: Readonly<{ state(): unknown; backprop(): unknown; sampleLosses(): number[]; pointPosition(i: number): [number, number]; article(): unknown }> }
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
    worst: selectedWorst,
  }),
  sampleLosses,
  pointPosition: (i: number) => boundary.clientPoint(trainer.data, i),
  article: () => (article ? { step: article.step, numbers: article.numbers } : null),
});

serial(async () => {
  await reset(false);
  document.body.dataset.ready = "";
});
