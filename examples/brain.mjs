import brain from "wasmlp/brain"; // was: import brain from "brain.js"

// brain.js's colour-contrast example, unchanged: black or white text on a background colour.
const net = new brain.NeuralNetwork({ hiddenLayers: [3] });
net.train([
  { input: { r: 0.03, g: 0.7, b: 0.5 }, output: { black: 1 } },
  { input: { r: 0.16, g: 0.09, b: 0.2 }, output: { white: 1 } },
  { input: { r: 0.5, g: 0.5, b: 1.0 }, output: { white: 1 } },
]);
console.log(net.run({ r: 1, g: 0.4, b: 0 }));          // about { black: 0.02, white: 0.98 }
console.log(brain.likely({ r: 0.1, g: 0.1, b: 0.2 }, net)); // white

const saved = JSON.stringify(net.toJSON());            // brain.js's own JSON: brain.js loads it too
const again = new brain.NeuralNetwork().fromJSON(JSON.parse(saved));
console.log(again.run({ r: 1, g: 0.4, b: 0 }).black === net.run({ r: 1, g: 0.4, b: 0 }).black); // true
