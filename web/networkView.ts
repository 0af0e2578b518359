// The network drawn in SVG: one column of nodes per layer, one line per weight (green positive,
// purple negative, thicker when larger). In live mode it follows training (fill: the bias); in
// trace mode it shows one example's activations (fill) and node errors (a red ring whose strength
// is |e| on one absolute log scale, palette.ts), layer by layer, with the numbers. Output nodes
// wear their class's colour as a border, as the data points do.
import { classColour, css, ERROR_HUE, errorStrength, signedColour, weightColour } from "./palette";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640, HEIGHT = 392, TOP = 44, BOTTOM = 12, LEFT = 56, RIGHT = 150;
/** Layers with more nodes than this get no numbers beside them (hover a node for its values). */
const MAX_LABELLED = 16;
/** Columns closer than this (many layers) get short headings and no numbers beside the nodes. */
const ROOMY = 100;

export interface LayerInfo {
  size: number;
  /** "input", "tanh", "softmax"… */
  kind: string;
}

/** One layer's values for one example: activations a and node errors e = ∂E/∂a. */
export interface LayerValues {
  a: number[];
  e: number[];
}

interface NodeShape {
  group: SVGGElement;
  disc: SVGCircleElement;
  ring: SVGCircleElement;
  text: SVGTextElement | null;
  tip: SVGTitleElement;
  x: number;
  y: number;
}

export class NetworkView {
  private nodes: NodeShape[][] = [];
  /** edges[l - 1][j * fanIn + i] joins node i of layer l − 1 to node j of layer l. */
  private edges: SVGLineElement[][] = [];
  private edgeGroups: SVGGElement[] = [];

  constructor(private readonly svg: SVGSVGElement) {
    svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  }

  /** Lays out a new architecture; `inputNames` and `outputNames` label the outer columns. */
  build(layers: LayerInfo[], inputNames: string[], outputNames: string[]): void {
    this.svg.replaceChildren();
    this.nodes = [];
    this.edges = [];
    this.edgeGroups = [];
    const span = (WIDTH - LEFT - RIGHT) / (layers.length - 1);
    const positions = layers.map((layer, l) => {
      const spacing = Math.min(46, (HEIGHT - TOP - BOTTOM) / layer.size);
      const first = (TOP + HEIGHT - BOTTOM) / 2 - (spacing * (layer.size - 1)) / 2;
      return { x: LEFT + l * span, ys: Array.from({ length: layer.size }, (_, n) => first + n * spacing), radius: Math.max(2.2, Math.min(12, spacing * 0.32)) };
    });
    // Edges first, so that the nodes are drawn over them.
    for (let l = 1; l < layers.length; l++) {
      const group = element("g", { class: "edges", "data-layer": l });
      const lines: SVGLineElement[] = [];
      const from = positions[l - 1]!, to = positions[l]!;
      for (let j = 0; j < to.ys.length; j++) {
        for (let i = 0; i < from.ys.length; i++) {
          const line = element("line", { x1: from.x, y1: from.ys[i]!, x2: to.x, y2: to.ys[j]! });
          group.append(line);
          lines.push(line);
        }
      }
      this.svg.append(group);
      this.edges.push(lines);
      this.edgeGroups.push(group);
    }
    layers.forEach((layer, l) => {
      const { x, ys, radius } = positions[l]!;
      const roomy = span >= ROOMY, last = layers.length - 1;
      const heading = element("text", { x, y: 16, class: "layer-heading" });
      heading.textContent = l === 0 ? (roomy ? "input" : "in") : l === last ? (roomy ? "output" : "out") : roomy ? `hidden ${l}` : `h${l}`;
      const sub = element("text", { x, y: 30, class: "layer-sub" });
      sub.textContent = !roomy ? String(layer.size) : l === 0 ? `${layer.size} features` : `${layer.size} × ${layer.kind}`;
      this.svg.append(heading, sub);
      this.nodes.push(ys.map((y, n) => {
        const group = element("g", { class: "node", "data-layer": l, "data-node": n });
        const ringWidth = Math.min(4, 0.5 * radius + 1);
        const ring = element("circle", { cx: x, cy: y, r: radius + ringWidth / 2 + 1, class: "ring", "stroke-width": ringWidth });
        const disc = element("circle", { cx: x, cy: y, r: radius, class: "disc", fill: "#fff" }); // (not black fading to white)
        if (l === layers.length - 1) {
          disc.setAttribute("stroke", classColour(n));
          disc.setAttribute("stroke-width", String(Math.max(2, radius * 0.28)));
        }
        const tip = element("title", {});
        group.append(ring, disc, tip);
        let text: SVGTextElement | null = null;
        if (layer.size <= MAX_LABELLED && (roomy || l === last)) {
          text = element("text", { x: x + radius + 6, y, class: "values" });
          group.append(text);
        }
        const names = l === 0 ? inputNames : l === layers.length - 1 ? outputNames : null;
        if (names && layer.size <= MAX_LABELLED) {
          const name = element("text", l === 0
            ? { x: x - radius - 9, y: y + 4, class: "node-name", "text-anchor": "end" }
            : { x: x + radius + 72, y: y + 4, class: "node-name" });
          name.textContent = names[n] ?? "";
          if (l > 0) name.setAttribute("fill", classColour(n));
          group.append(name);
        }
        this.svg.append(group);
        return { group, disc, ring, text, tip, x, y };
      }));
    });
  }

  /** Live mode: weights as line colour and width, biases as node fill. */
  showParameters(weights: ArrayLike<number>[], biases: ArrayLike<number>[]): void {
    this.svg.classList.remove("trace");
    this.svg.dataset.view = "live";
    let largest = 1e-9;
    for (const w of weights) for (let k = 0; k < w.length; k++) largest = Math.max(largest, Math.abs(w[k]!));
    weights.forEach((w, index) => {
      const lines = this.edges[index]!;
      const crowd = lines.length > 400 ? 0.35 : 1; // many thin lines stay readable when fainter
      for (let k = 0; k < lines.length; k++) {
        const t = Math.min(1, Math.abs(w[k]!) / largest);
        const line = lines[k]!;
        line.setAttribute("stroke", weightColour(w[k]!));
        line.setAttribute("stroke-width", (0.3 + 4.2 * t * crowd).toFixed(2));
        line.setAttribute("stroke-opacity", ((0.15 + 0.75 * t) * crowd).toFixed(2));
      }
    });
    this.nodes.forEach((layer, l) => layer.forEach((node, n) => {
      const b = l === 0 ? 0 : biases[l - 1]![n]!;
      node.disc.setAttribute("fill", signedColour(b, 1));
      node.ring.setAttribute("stroke", "none");
      node.group.removeAttribute("data-a");
      node.group.removeAttribute("data-e");
      if (node.text) node.text.replaceChildren();
      node.tip.textContent = l === 0 ? "input" : `bias ${fmt(b)}`;
    }));
    for (const group of this.edgeGroups) group.removeAttribute("data-flow");
  }

  /**
   * Trace mode: layers 0…`forwardUpTo` show their activations and layers `errorsFrom`…L their
   * node errors; `flow` animates the weights into layer l ("forward") or out of it ("backward").
   */
  showTrace(values: LayerValues[], forwardUpTo: number, errorsFrom: number, flow: { layer: number; direction: "forward" | "backward" } | null): void {
    this.svg.classList.add("trace");
    this.svg.dataset.view = "trace";
    values.forEach((layer, l) => {
      const aScale = Math.max(1e-9, ...layer.a.map(Math.abs));
      this.nodes[l]!.forEach((node, n) => {
        const showA = l <= forwardUpTo, showE = l >= errorsFrom;
        const a = layer.a[n]!, e = layer.e[n]!;
        node.disc.setAttribute("fill", showA ? signedColour(a, Math.max(aScale, 1)) : "#fff");
        const strength = errorStrength(e);
        node.ring.setAttribute("stroke", showE && strength > 0 ? css(ERROR_HUE, strength) : "none");
        node.ring.dataset.strength = showE ? strength.toFixed(4) : "";
        node.group.toggleAttribute("data-a", showA);
        node.group.toggleAttribute("data-e", showE);
        if (showA) node.group.dataset.a = String(a);
        if (showE) node.group.dataset.e = String(e);
        node.tip.textContent = [showA ? `a = ${fmt(a)}` : "", showE ? `e = ${fmt(e)}` : ""].filter(Boolean).join("\n");
        if (node.text) {
          node.text.replaceChildren();
          if (showA) node.text.append(tspan(`a ${fmt(a)}`, "a", node.text, -2));
          if (showE) node.text.append(tspan(`e ${fmt(e)}`, "e", node.text, 11));
        }
      });
    });
    this.edgeGroups.forEach((group, index) => {
      const layer = index + 1;
      if (flow && flow.layer === layer) group.dataset.flow = flow.direction;
      else group.removeAttribute("data-flow");
    });
  }
}

/** A number in at most 4 significant places (small ones in 2), with a true minus sign. */
export function fmt(v: number): string {
  const size = Math.abs(v);
  if (size === 0) return "0";
  const text = size >= 100 ? v.toFixed(1) : size >= 10 ? v.toFixed(2) : size >= 0.01 ? v.toFixed(3)
    : size >= 1e-4 ? v.toPrecision(2) : v.toExponential(1);
  return text.replace(/-/g, "−");
}

function tspan(content: string, kind: string, parent: SVGTextElement, dy: number): SVGTSpanElement {
  const span = element("tspan", { x: parent.getAttribute("x")!, y: Number(parent.getAttribute("y")) + dy, class: kind });
  span.textContent = content;
  return span;
}

function element<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}
