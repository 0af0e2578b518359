import { Network } from "wasmlp";

// Two interleaved spirals: a classic that no straight line separates.
function spirals(points, offset) {
  const inputs = [], targets = [];
  for (let i = 0; i < points; i++) {
    const turn = (i + offset) / points, angle = 3 * Math.PI * turn;
    for (const sign of [1, -1]) {
      inputs.push([sign * turn * Math.cos(angle), sign * turn * Math.sin(angle)]);
      targets.push(sign > 0 ? [1, 0] : [0, 1]);
    }
  }
  return { inputs, targets };
}
const train = spirals(200, 0);
const validation = spirals(50, 0.5); // points between the training points

const net = await Network.create({
  inputSize: 2,
  layers: [{ size: 32, activation: "relu" }, { size: 32, activation: "relu" }, { size: 2, activation: "softmax" }],
  loss: "crossEntropy",
  seed: 7,
});

const history = net.fit(train.inputs, train.targets, {
  epochs: 400,
  batchSize: 16,
  optimizer: { type: "adam", lr: 0.01 },
  validationData: validation,
  metrics: ["accuracy"],
  schedule: { type: "cosine", period: 400, minLr: 0.0005 },
  earlyStopping: { monitor: "valLoss", patience: 50, restoreBestWeights: true },
  onEpochEnd: (log) => {
    if (log.epoch % 50 === 0) {
      console.log(`epoch ${log.epoch}  loss ${log.loss.toFixed(4)}  accuracy ${(100 * log.accuracy).toFixed(1)} %` +
        `  validation ${(100 * log.valAccuracy).toFixed(1)} %  ${Math.round(log.samplesPerSecond)} samples/s`);
    }
  },
});
console.log(`stopped: ${history.stopReason} after ${history.epochs.length} epochs (best: ${history.bestEpoch})`);
console.log(`validation accuracy: ${(100 * net.evaluate(validation.inputs, validation.targets).accuracy).toFixed(1)} %`);
