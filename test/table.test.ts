// Tables as they come, in the library: a penguin-like table with an id column, text categories,
// blank cells ("NA" and empty), a constant column and a numeric column with a bad cell. The
// encoders are checked against hand-computed values; training and predicting from records end to
// end on every backend, through a saved and reloaded model.
import { describe, expect, it } from "vitest";
import {
  Network, encodeRecords, fitTable, inputNames, predictRecords, prepareTable, type TableRecord,
} from "../src/index.js";
import { Random } from "../src/random.js";
import { BACKENDS, penguins } from "./helpers.js";

describe("fitTable", () => {
  const records = penguins(240, 1);
  const { preparation, columns } = fitTable(records, { target: "species" });

  it("infers each column's kind, leaves out ids and constants with a reason, and counts blanks", () => {
    expect(columns).toEqual([
      { name: "id", kind: "left out", missing: 0, detail: "240 distinct values in 240 rows: an id or free text (--categorical id forces it in)" },
      { name: "study", kind: "left out", missing: 0, detail: "constant ('PAL0708'): it cannot tell rows apart" },
      { name: "island", kind: "categorical", missing: 0, detail: "Biscoe, Dream, Torgersen" },
      { name: "bill_length_mm", kind: "numeric", missing: 14 },
      { name: "flipper_length_mm", kind: "numeric", missing: 0 },
      { name: "sex", kind: "categorical", missing: 22, detail: "female, male" },
    ]);
    expect(preparation.target).toEqual({ name: "species", task: "classification", classes: ["Adelie", "Chinstrap", "Gentoo"] });
    expect(inputNames(preparation)).toEqual([
      "island=Biscoe", "island=Dream", "island=Torgersen", "bill_length_mm", "bill_length_mm missing", "flipper_length_mm", "sex=female", "sex=male", "sex missing",
    ]);
  });

  it("fits numbers on the training rows only: mean and population std of the present values, median for blanks", () => {
    const present = records.map((r) => r.bill_length_mm).filter((v) => v !== "NA").map(Number);
    const mean = present.reduce((a, b) => a + b) / present.length;
    const std = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
    const sorted = [...present].sort((a, b) => a - b);
    const bill = preparation.columns.find((c) => c.name === "bill_length_mm")!;
    expect(bill).toMatchObject({ kind: "numeric", missingIndicator: true, fill: (sorted[112]! + sorted[113]!) / 2 });
    expect(bill.kind === "numeric" && Math.abs(bill.mean - mean)).toBeLessThan(1e-12);
    expect(bill.kind === "numeric" && Math.abs(bill.std - std)).toBeLessThan(1e-12);
  });

  it("honours features, ignore, categorical and numeric, and refuses names it does not know", () => {
    const forced = fitTable(records, { target: "species", ignore: ["island"], categorical: ["flipper_length_mm", "id"], missingIndicators: false });
    expect(forced.preparation.columns.map((c) => `${c.name}:${c.kind}`)).toEqual(["id:categorical", "bill_length_mm:numeric", "flipper_length_mm:categorical", "sex:categorical"]);
    expect(forced.preparation.columns.every((c) => !c.missingIndicator)).toBe(true);
    expect(fitTable(records, { target: "species", features: ["island"] }).preparation.columns.map((c) => c.name)).toEqual(["island"]);
    expect(() => fitTable(records, { target: "kind" })).toThrow("target: no column named 'kind' (the columns are id, study, island, bill_length_mm, flipper_length_mm, sex, species)");
    expect(() => fitTable(records, { target: "species", ignore: ["islands"] })).toThrow(/ignore: no column named 'islands'/);
    expect(() => fitTable(records, { target: "species", numerc: ["x"] } as never)).toThrow("table options: unknown option 'numerc' — did you mean 'numeric'?");
    expect(() => fitTable(records, { target: "species", numeric: ["island"] })).toThrow(/column 'island' is to be numeric but has no number/);
  });
});

describe("encodeRecords", () => {
  const { preparation } = fitTable(penguins(240, 1), { target: "species" });
  const bill = preparation.columns[1]!, flipper = preparation.columns[2]!;
  const sex = preparation.columns[3]!;
  if (bill.kind !== "numeric" || flipper.kind !== "numeric" || sex.kind !== "categorical") throw new Error("expected numeric columns and a categorical one");
  const training = penguins(240, 1).map((r) => r.sex).filter((v) => v !== "");
  const female = training.filter((v) => v === "female").length;
  const sexFill = female >= training.length - female ? [1, 0] : [0, 1]; // the most frequent (ties: the first name)
  expect(sex.fill).toBe(sexFill[0] ? "female" : "male");

  it("encodes one-hot, standardised numbers, median fills and missing flags; columns in any order, extras ignored", () => {
    const encoded = encodeRecords(preparation, [
      { flipper_length_mm: "200", sex: "male", island: "Dream", bill_length_mm: 40, extra: "x" },
      { island: "Biscoe", bill_length_mm: "", flipper_length_mm: 210, sex: null },
    ]);
    expect(encoded.kept).toEqual([0, 1]);
    expect(Array.from(encoded.x)).toEqual([
      0, 1, 0, (40 - bill.mean) / bill.std, 0, (200 - flipper.mean) / flipper.std, 0, 1, 0,
      1, 0, 0, (bill.fill - bill.mean) / bill.std, 1, (210 - flipper.mean) / flipper.std, ...sexFill, 1, // blank sex → the most frequent, flagged
    ]);
  });

  it("encodes an unseen category as zeros and counts it; strict makes it a problem; a bad number is a problem with a hint", () => {
    const records = [
      { island: "Anvers", bill_length_mm: 40, flipper_length_mm: 200, sex: "male" },
      { island: "Dream", bill_length_mm: "1,040", flipper_length_mm: 200, sex: "male" },
      { island: "Dream", bill_length_mm: "40,5", flipper_length_mm: 200, sex: "male" },
    ];
    const loose = encodeRecords(preparation, records);
    expect(loose.kept).toEqual([0]);
    expect(Array.from(loose.x.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(loose.unseen).toEqual({ island: 1 });
    expect(loose.problems).toEqual([
      { row: 1, column: "bill_length_mm", message: "'1,040' is not a number (a thousands separator? write 1040)" },
      { row: 2, column: "bill_length_mm", message: "'40,5' is not a number (a decimal comma? write 40.5, or the file may use ';' between columns)" },
    ]);
    const strict = encodeRecords(preparation, records.slice(0, 1), { strict: true });
    expect(strict.kept).toEqual([]);
    expect(strict.problems).toEqual([{ row: 0, column: "island", message: "unseen category 'Anvers' (training saw Biscoe, Dream, Torgersen)" }]);
  });
});

describe.each(BACKENDS)("records end to end on %s", (backend) => {
  it("prepareTable → fit → save/load → predictRecords classifies held-out penguins", async () => {
    const table = prepareTable(penguins(300, 2), { target: "species" });
    expect(table.problems).toEqual([]);
    expect(table.rows).toBe(300);
    const net = await Network.create({ inputSize: table.inputSize, layers: [{ size: 16, activation: "relu" }, table.outputLayer], loss: table.loss, seed: 3, backend });
    net.fit(table.x, table.y, { epochs: 40, batchSize: 16, optimizer: { type: "adam", lr: 0.01 } });
    net.metadata = { preparation: table.preparation };
    const loaded = await Network.fromBinary(net.toBinary(), { backend });

    const held = penguins(90, 99);
    const result = predictRecords(loaded, held.map(({ species: _, ...rest }) => rest));
    expect(result.classes).toEqual(["Adelie", "Chinstrap", "Gentoo"]);
    expect(result.predictions).toEqual(predictRecords(net, held).predictions);
    const right = result.predictions.filter((p, i) => p === held[i]!.species).length;
    expect(right / held.length).toBeGreaterThan(0.9);
    for (const p of result.probabilities!) expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
  });

  it("regression: the prediction comes back in the target's units", async () => {
    const random = new Random(4);
    const records = Array.from({ length: 200 }, () => {
      const size = ["small", "large"][Math.floor(random.next() * 2)]!, x = random.next() * 10;
      return { size, x, price: (size === "large" ? 1000 : 500) + 20 * x };
    });
    const table = prepareTable(records, { target: "price" });
    expect(table.preparation.target.task).toBe("regression");
    const net = await Network.create({ inputSize: table.inputSize, layers: [{ size: 16, activation: "tanh" }, table.outputLayer], loss: table.loss, seed: 1, backend });
    net.fit(table.x, table.y, { epochs: 150, batchSize: 16, optimizer: { type: "adam", lr: 0.01 } });
    net.metadata = { preparation: table.preparation };
    const [large] = predictRecords(net, [{ size: "large", x: 5 }]).predictions as number[];
    expect(Math.abs(large! - 1100)).toBeLessThan(25);
  });

  it("refuses a model without a preparation", async () => {
    const net = await Network.create({ inputSize: 2, layers: [{ size: 1, activation: "identity" }], loss: "squaredError", backend });
    expect(() => predictRecords(net, [{ a: 1 }])).toThrow(/this model carries no table preparation/);
    expect(() => prepareTable([{ a: 1, b: "x" }, { a: 2, b: "x" }], { target: "b" })).toThrow(/a single class \('x'\)/);
    expect(() => prepareTable([], { target: "b" })).toThrow(/no rows to fit on/);
  });
});

describe("the edges a review found", () => {
  it("a column constant in the fitted rows gets std 1 and its exact mean, not a rounding residue", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ c: 0.1, a: i, y: i % 2 ? "p" : "q" }));
    const { preparation } = fitTable(rows, { target: "y", numeric: ["c"] });
    expect(preparation.columns.find((c) => c.name === "c")).toMatchObject({ kind: "numeric", mean: 0.1, std: 1 });
    expect(Array.from(encodeRecords(preparation, [{ c: 0.3, a: 1 }]).x)[0]).toBeCloseTo(0.2, 12);
  });

  it("a column with no value in the fitted rows is left out even when its kind is forced; classes can be given", () => {
    const rows = [{ b: "", a: 1, y: "p" }, { b: null, a: 2, y: "p" }, { b: undefined, a: 3, y: "p" }];
    const fitted = fitTable(rows, { target: "y", categorical: ["b"], classes: ["p", "q"] });
    expect(fitted.columns.find((c) => c.name === "b")).toEqual({ name: "b", kind: "left out", missing: 3, detail: "every cell is blank" });
    expect(fitted.preparation.target.classes).toEqual(["p", "q"]);
    expect(() => fitTable(rows, { target: "y", classes: ["q", "r"] })).toThrow("the target 'y' has the class 'p', which is not among the classes given (q, r)");
  });

  it("'none' and '-' are values; empty, NA, N/A, NaN, null and ? are blanks", () => {
    const rows = ["none", "mild", "severe", "-", "none", "mild"].map((y, i) => ({ x: i, y }));
    expect(fitTable(rows, { target: "y" }).preparation.target.classes).toEqual(["-", "mild", "none", "severe"]);
    for (const blank of ["", "NA", "n/a", "NaN", "null", "?", null, undefined]) expect(encodeRecords(fitTable(rows, { target: "y" }).preparation, [{ x: blank }]).filled).toEqual({ x: 1 });
  });

  it("a record without a column's key is a problem (a misspelling), a blank one is filled and counted", () => {
    const { preparation } = fitTable(penguins(60, 3), { target: "species" });
    const encoded = encodeRecords(preparation, [{ SepalLength: 1 }, { island: "Dream", bill_length_mm: "", flipper_length_mm: null, sex: "male" }]);
    expect(encoded.problems).toEqual([{ row: 0, column: "island", message: "the record has no such key (give every column, blank if unknown)" }]);
    expect(encoded.kept).toEqual([1]);
    expect(encoded.filled).toEqual({ flipper_length_mm: 1 }); // bill_length_mm had blanks in training: flagged, not "filled"
  });

  it("prepareTable names a misspelled target, leaves out rows whose target cannot teach, and checks option values", async () => {
    const records = penguins(30, 4);
    expect(() => prepareTable(records, { target: "Species" })).toThrow("target: no column named 'Species' (the columns are id, study, island, bill_length_mm, flipper_length_mm, sex, species)");
    const prices = [...Array.from({ length: 20 }, (_, i) => ({ x: i, y: String(i * 2) })), { x: 3, y: "lots" }];
    const table = prepareTable(prices, { target: "y", task: "regression" });
    expect(table.rows).toBe(20);
    expect(table.problems).toEqual([{ row: 20, column: "y", message: "'lots' is not a number (the task is regression)" }]);
    expect(() => fitTable(records, { target: "species", task: "regresion" as never })).toThrow("task must be 'classification' or 'regression', got \"regresion\"");
    expect(() => fitTable(records, { target: "species", missingIndicators: "no" as never })).toThrow("missingIndicators must be true or false, got \"no\"");
    expect(() => fitTable(records, { target: "species", features: "island,sex" as never })).toThrow("features must be an array of column names, got \"island,sex\"");
    expect(() => encodeRecords(table.preparation, [], null as never)).toThrow("encode options must be an object { strict? }");
    const net = await Network.create({ inputSize: table.inputSize, layers: [table.outputLayer], loss: table.loss, seed: 1 });
    net.metadata = { preparation: table.preparation };
    expect(predictRecords(net, [])).toMatchObject({ predictions: [], kept: [], problems: [] });
    expect(predictRecords(net, [{ z: 1 }]).predictions).toEqual([]);
  });
});
