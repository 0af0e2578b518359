import { Network, prepareTable, predictRecords } from "wasmlp";

// A table as it comes: an id, a text category, blank cells ("NA", ""), numbers in text.
const species = ["Adelie", "Chinstrap", "Gentoo"], islands = ["Torgersen", "Dream", "Biscoe"];
const records = Array.from({ length: 300 }, (_, i) => ({
  id: `P${i}`,
  island: islands[(i % 3 + (i % 7 === 0 ? 1 : 0)) % 3],
  bill_length_mm: i % 17 === 5 ? "NA" : String(38.8 + 9 * (i % 3 === 1) + 8 * (i % 3 === 2) + ((i * 37) % 10) / 4),
  flipper_length_mm: 190 + 6 * (i % 3 === 1) + 27 * (i % 3 === 2) + ((i * 53) % 9),
  sex: i % 11 === 3 ? "" : i % 2 ? "male" : "female",
  species: species[i % 3],
}));

const table = prepareTable(records, { target: "species" });
for (const c of table.columns) console.log(`${c.name}: ${c.kind}${c.detail ? ` (${c.detail})` : ""}${c.missing ? `, ${c.missing} blank` : ""}`);
const net = await Network.create({
  inputSize: table.inputSize, layers: [{ size: 16, activation: "relu" }, table.outputLayer], loss: table.loss, seed: 1,
});
const history = net.fit(table.x, table.y, { epochs: 60, batchSize: 16, optimizer: "adam", validationSplit: 0.2, metrics: ["accuracy"] });
console.log(`validation accuracy ${(100 * history.epochs.at(-1).valAccuracy).toFixed(1)} %`);
net.metadata = { preparation: table.preparation }; // plain JSON: saved and loaded with the model

const { predictions, probabilities } = predictRecords(net, [{ island: "Biscoe", bill_length_mm: "47.1", flipper_length_mm: 220, sex: "" }]);
console.log(predictions[0], probabilities[0].map((p) => p.toFixed(3)).join(" "));
