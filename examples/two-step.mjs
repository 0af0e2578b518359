import { Network, SGD } from "wasmlp";

// 3 inputs → 4 sigmoid nodes → 2 sigmoid outputs, squared error E = ½Σ(a − y)².
const net = await Network.create({
  inputSize: 3,
  layers: [{ size: 4, activation: "sigmoid" }, { size: 2, activation: "sigmoid" }],
  loss: "squaredError",
  seed: 1,
});
const sgd = new SGD(net, { lr: 0.5 });
const inputs = [[0.1, 0.9, -0.4], [0.7, -0.2, 0.3]];
const targets = [[1, 0], [0, 1]];

const show = (m) => m.toArray()[0].map((v) => v.toFixed(4)).join(" "); // first sample

for (let step = 1; step <= 3; step++) {
  sgd.zeroGrad();
  net.forward(inputs);
  const loss = net.backward(targets); // (1) node errors travel back, gradients are formed
  console.log(`step ${step}: loss ${loss.toFixed(6)}`);
  console.log("  output node errors e² = a − y:     ", show(net.nodeErrors(2)));
  console.log("  hidden node errors e¹ = W²ᵀ(e² ⊙ f'):", show(net.nodeErrors(1)));
  sgd.step(); //                         (2) the weights move
}
