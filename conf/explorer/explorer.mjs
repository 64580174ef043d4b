// The convolution explorer: the view. Every number it shows comes from arithmetic.mjs,
// which the build checks against convdot. All settings live in one state object per widget;
// every change updates the state and re-renders from it. The settings a page chose are in the
// root element's data-explorer attribute (written by conf/explorer/directive.py), the presets
// in data-presets and the theorem links in data-links. Every word it shows comes from
// words.mjs, in the language of the page's <html lang> (English when the site has no table
// for it); the numbers and formulas are the same in every language.
import { conv2d, convTranspose2d, terms } from "./arithmetic.mjs";
import { languageOf, words } from "./words.mjs";

const VIEWS = ["sum", "dot", "im2col", "matrix"];
const PADDING_MODES = ["zeros", "reflect", "replicate", "circular"];
const LIMITS = { H: 12, W: 12, kH: 7, kW: 7, cIn: 4, cOut: 4 };
const SIZE_KEYS = ["H", "W", "kH", "kW", "cIn", "cOut"];
const PLAY_MS = 900;
let instances = 0;

// --- small helpers -------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export function fmt(value) {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}

const rotate = (k) => k.map((row) => [...row].reverse()).reverse();
const shape = (a) => (Array.isArray(a) ? [a.length, ...shape(a[0])] : []);
const seed = (c, i, j) => ((2 * i + 3 * j + 5 * c) % 4) - 1;

function resize2d(old, h, w, fill) {
  return Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => old?.[i]?.[j] ?? fill(i, j)));
}

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

// A matrix typed or pasted: JSON ([[1, 2], [3, 4]], or a list of them), or rows of numbers
// separated by spaces or commas, with a blank line between matrices. Returns a list of
// matrices or throws an Error naming the field and the row, in the words of table `t`.
export function parseMatrices(text, field, t = words("en")) {
  const trimmed = text.trim();
  if (!trimmed) throw new Error(t.noNumber(field));
  let blocks;
  if (trimmed.startsWith("[")) {
    let parsed;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error(t.badBrackets(field));
    }
    const depth = shape(parsed).length;
    blocks = depth === 2 ? [parsed] : depth === 3 ? parsed : depth === 4 ? parsed.flat() : null;
    if (!blocks) throw new Error(t.notMatrices(field));
  } else {
    blocks = trimmed.split(/\n\s*\n/).map((block) =>
      block
        .trim()
        .split("\n")
        .map((line) => line.trim().split(/[\s,;]+/).filter(Boolean)),
    );
  }
  return blocks.map((rows, b) => {
    if (!Array.isArray(rows) || rows.length === 0) throw new Error(t.emptyMatrix(field, b + 1));
    const width = Array.isArray(rows[0]) ? rows[0].length : 0;
    return rows.map((row, r) => {
      if (!Array.isArray(row) || row.length !== width) {
        throw new Error(t.raggedRow(field, b + 1, r + 1, Array.isArray(row) ? row.length : 0, width));
      }
      return row.map((entry) => {
        const value = typeof entry === "number" ? entry : Number(entry);
        if (typeof entry === "string" && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(entry)) {
          throw new Error(t.notANumber(field, JSON.stringify(entry), b + 1, r + 1));
        }
        if (!Number.isFinite(value) || Math.abs(value) > 1e6) {
          throw new Error(t.tooLarge(field, String(entry), b + 1, r + 1));
        }
        return value;
      });
    });
  });
}

function formatMatrices(blocks) {
  return blocks.map((m) => m.map((row) => row.map(fmt).join(" ")).join("\n")).join("\n\n");
}

function parseInteger(text, name, t) {
  const typed = String(text).trim();
  if (!/^[+-]?\d+$/.test(typed)) throw new Error(t.notInteger(name, typed ? JSON.stringify(typed) : null));
  return Number(typed);
}

// --- state ---------------------------------------------------------------------------------

function stateFrom(preset) {
  const p = clone(preset);
  return {
    preset: p.preset,
    mode: p.mode,
    x: p.x,
    w: p.w,
    useBias: p.bias !== null && p.bias !== undefined,
    bias: p.bias ?? [],
    stride: String(p.stride),
    padding: String(p.padding),
    paddingMode: p.paddingMode,
    dilation: String(p.dilation),
    groups: String(p.groups),
    outputPadding: String(p.outputPadding),
    flip: Boolean(p.flip),
    view: p.view || "sum",
    position: 0,
    playing: false,
    inputError: null,
    badField: null,
    whereOpen: false,
  };
}

// The geometry the state asks for, checked: the arguments of arithmetic.mjs or an Error.
function settings(state, t) {
  const ints = {};
  for (const key of ["stride", "dilation", "groups", "outputPadding"]) ints[key] = parseInteger(state[key], t.settingNames[key], t);
  const pad = state.padding.trim();
  const padding = /^[+-]?\d+$/.test(pad) ? Number(pad) : pad;
  const bias = state.useBias ? state.bias : null;
  if (state.mode === "transposed") {
    return {
      bias,
      stride: ints.stride,
      padding,
      outputPadding: ints.outputPadding,
      dilation: ints.dilation,
      groups: ints.groups,
    };
  }
  return { bias, stride: ints.stride, padding, dilation: ints.dilation, groups: ints.groups, paddingMode: state.paddingMode };
}

function kernelsApplied(state) {
  return state.flip && state.mode !== "transposed" ? state.w.map((o) => o.map(rotate)) : state.w;
}

// Padding rows/columns of conv2d for the formula (the output itself comes from arithmetic.mjs).
function padsOf(padding, kernel, dilation) {
  if (padding === "valid") return [[0, 0], [0, 0]];
  if (padding === "same") {
    return kernel.map((k) => {
      const total = dilation * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  return [[padding, padding], [padding, padding]];
}

function sourceIndex(p, n, before, mode) {
  // the pixel a padded position shows, for drawing the padded input (zeros: null)
  const r = p - before;
  if (r >= 0 && r < n) return r;
  if (mode === "zeros") return null;
  if (mode === "replicate") return r < 0 ? 0 : n - 1;
  if (mode === "circular") return ((r % n) + n) % n;
  const period = 2 * (n - 1) || 1;
  const q = ((r % period) + period) % period;
  return q < n ? q : period - q;
}

// Everything the picture needs, computed once per render; throws an Error for an impossible
// setting (arithmetic.mjs's messages are English: the caller puts them in table `t`'s words).
function compute(state, t) {
  if (state.inputError) throw new Error(state.inputError);
  const opts = settings(state, t);
  const w = kernelsApplied(state);
  const [cIn, H, W] = shape(state.x);
  const [, , kH, kW] = shape(state.w);
  if (state.mode === "transposed") {
    const y = convTranspose2d(state.x, w, opts);
    const count = cIn * H * W;
    const position = Math.min(state.position, count - 1);
    const c = Math.floor(position / (H * W));
    const i = Math.floor((position % (H * W)) / W);
    const j = position % W;
    // the output after the first position + 1 stamps: the same function on the input with
    // the later values set to zero (it is linear), so the partial sums are the module's too
    const partialX = state.x.map((ch, cc) => ch.map((row, ii) => row.map((v, jj) => (cc * H * W + ii * W + jj <= position ? v : 0))));
    const partial = convTranspose2d(partialX, w, { ...opts, bias: null });
    return { kind: "transposed", opts, w, y, partial, count, position, c, i, j, cIn, H, W, kH, kW };
  }
  const y = conv2d(state.x, w, opts);
  const [cOut, Ho, Wo] = shape(y);
  const count = cOut * Ho * Wo;
  const position = Math.min(state.position, count - 1);
  const o = Math.floor(position / (Ho * Wo));
  const i = Math.floor((position % (Ho * Wo)) / Wo);
  const j = position % Wo;
  const list = terms(state.x, w, opts, [o, i, j]);
  const other = conv2d(state.x, state.flip ? state.w : state.w.map((oo) => oo.map(rotate)), opts);
  const pads = padsOf(opts.padding, [kH, kW], opts.dilation);
  return { kind: "conv", opts, w, y, other, count, position, o, i, j, list, cIn, cOut, H, W, Ho, Wo, kH, kW, pads };
}

// --- the widget ----------------------------------------------------------------------------

function mount(root) {
  const page = JSON.parse(root.dataset.explorer);
  const presets = JSON.parse(root.dataset.presets);
  const links = JSON.parse(root.dataset.links);
  const t = words(languageOf(root.ownerDocument));
  const uid = `convdot-explorer-${++instances}`;
  const state = stateFrom({ ...page });
  let timer = null;

  const live = el("div", { class: "explorer-live" });
  root.classList.add("is-live");
  root.prepend(live);

  const update = (change) => {
    Object.assign(state, change);
    render();
  };

  // Controls: built once; render() copies the state into them.
  const field = (key, label, attrs = {}) => {
    const id = `${uid}-${key}`;
    const input = el("input", { id, name: key, type: "text", inputmode: "numeric", autocomplete: "off", ...attrs });
    input.addEventListener("change", () => setField(key, input.value));
    return { key, input, node: el("div", { class: "explorer-field" }, el("label", { for: id, text: label }), input) };
  };
  const sizeFields = SIZE_KEYS.map((key) => field(key, t.labels[key]));
  const geometryFields = [
    field("stride", t.labels.stride),
    field("padding", t.labels.padding, { inputmode: "text" }),
    field("dilation", t.labels.dilation),
    field("groups", t.labels.groups),
    field("outputPadding", t.labels.outputPadding),
  ];
  const fields = Object.fromEntries([...sizeFields, ...geometryFields].map((f) => [f.key, f]));

  const presetSelect = el(
    "select",
    { id: `${uid}-preset`, name: "preset", onchange: (e) => loadPreset(e.target.value) },
    Object.entries(presets).map(([key, p]) => el("option", { value: key, text: p.title })),
  );
  const modeSelect = el(
    "select",
    { id: `${uid}-mode`, name: "mode", onchange: (e) => setMode(e.target.value) },
    el("option", { value: "conv2d", text: t.modes.conv2d }),
    el("option", { value: "transposed", text: t.modes.transposed }),
  );
  const paddingModeSelect = el(
    "select",
    { id: `${uid}-paddingMode`, name: "paddingMode", onchange: (e) => update({ paddingMode: e.target.value }) },
    PADDING_MODES.map((m) => el("option", { value: m, text: t.paddingModes[m] })),
  );
  const biasBox = el("input", { type: "checkbox", id: `${uid}-useBias`, name: "useBias", onchange: (e) => setBias(e.target.checked) });
  const biasValues = el("input", {
    type: "text",
    id: `${uid}-bias`,
    name: "bias",
    autocomplete: "off",
    onchange: (e) => setBiasValues(e.target.value),
  });
  const flipBox = el("input", { type: "checkbox", id: `${uid}-flip`, name: "flip", onchange: (e) => update({ flip: e.target.checked }) });
  const xText = el("textarea", { id: `${uid}-x`, name: "x", rows: 6, spellcheck: "false", onchange: (e) => setValues("x", e.target.value) });
  const wText = el("textarea", { id: `${uid}-w`, name: "w", rows: 6, spellcheck: "false", onchange: (e) => setValues("w", e.target.value) });
  const viewRadios = VIEWS.map((key) => {
    const id = `${uid}-view-${key}`;
    const radio = el("input", { type: "radio", name: `${uid}-view`, id, value: key, onchange: () => update({ view: key }) });
    return { key, radio, node: el("div", { class: "explorer-radio" }, radio, el("label", { for: id, text: t.views[key] })) };
  });
  const button = (text, onclick, cls) => el("button", { type: "button", class: cls, onclick, text });
  const firstButton = button(t.first, () => go(0), "explorer-first");
  const prevButton = button(t.previous, () => go(state.position - 1), "explorer-prev");
  const playButton = button(t.play, () => (state.playing ? pause() : play()), "explorer-play");
  const nextButton = button(t.next, () => go(state.position + 1), "explorer-next");
  const resetButton = button(t.reset, () => reset(), "explorer-reset");

  const controls = el(
    "form",
    { class: "explorer-controls", onsubmit: (e) => e.preventDefault(), "aria-label": t.settings },
    el(
      "fieldset",
      {},
      el("legend", { text: t.startFrom }),
      el("div", { class: "explorer-field" }, el("label", { for: presetSelect.id, text: t.preset }), presetSelect),
      el("div", { class: "explorer-field" }, el("label", { for: modeSelect.id, text: t.operation }), modeSelect),
      resetButton,
    ),
    el("fieldset", {}, el("legend", { text: t.sizes }), sizeFields.map((f) => f.node)),
    el(
      "fieldset",
      {},
      el("legend", { text: t.geometry }),
      geometryFields.map((f) => f.node),
      el("div", { class: "explorer-field explorer-padding-mode" }, el("label", { for: paddingModeSelect.id, text: t.paddingMode }), paddingModeSelect),
    ),
    el(
      "fieldset",
      {},
      el("legend", { text: t.biasAndFlip }),
      el("div", { class: "explorer-check" }, biasBox, el("label", { for: biasBox.id, text: t.addBias })),
      el("div", { class: "explorer-field" }, el("label", { for: biasValues.id, text: t.biasValues }), biasValues),
      el("div", { class: "explorer-check explorer-flip" }, flipBox, el("label", { for: flipBox.id, text: t.flip })),
    ),
    el(
      "fieldset",
      { class: "explorer-values" },
      el("legend", { text: t.values }),
      el("div", { class: "explorer-field" }, el("label", { for: xText.id, text: t.inputValues }), xText),
      el("div", { class: "explorer-field" }, el("label", { for: wText.id, text: t.kernelValues }), wText),
    ),
  );
  const viewSet = el("fieldset", { class: "explorer-views" }, el("legend", { text: t.viewLegend }), viewRadios.map((r) => r.node));
  const stepper = el("div", { class: "explorer-stepper", role: "group", "aria-label": t.stepper }, firstButton, prevButton, playButton, nextButton);
  const status = el("p", { class: "explorer-status", "aria-live": "polite" });
  const message = el("p", { class: "explorer-message", role: "alert" });
  const sizes = el("div", { class: "explorer-sizes" });
  const picture = el("div", { class: "explorer-picture", tabindex: "0", role: "region", "aria-label": t.picture });
  const arithmetic = el("div", { class: "explorer-arithmetic" });
  const flipNote = el("p", { class: "explorer-flip-note" });
  live.append(
    el("p", { class: "explorer-title", text: t.title }),
    message,
    el("div", { class: "explorer-body" }, stepper, status, picture, viewSet, arithmetic, flipNote),
    sizes,
    controls,
  );

  // --- actions ---
  function loadPreset(key) {
    pause();
    Object.assign(state, stateFrom({ ...presets[key], preset: key }));
    render();
  }
  function reset() {
    pause();
    Object.assign(state, stateFrom({ ...page }));
    render();
  }
  function setMode(mode) {
    if (mode === state.mode) return;
    pause();
    const [cIn, , ,] = shape(state.x);
    const [a, b, kH, kW] = shape(state.w);
    const g = Number(state.groups) || 1;
    // conv2d's w is [C_out][C_in/g]; the transposed one is [C_in][C_out/g]: keep the kernels
    const cOut = mode === "transposed" ? a : b * g;
    const first = mode === "transposed" ? cIn : cOut;
    const second = mode === "transposed" ? Math.max(1, Math.floor(cOut / g)) : Math.max(1, Math.floor(cIn / g));
    const w = Array.from({ length: first }, (_, p) => Array.from({ length: second }, (_, q) => resize2d(state.w[p]?.[q], kH, kW, (u, v) => seed(p + q, u, v))));
    const padding = mode === "transposed" && !/^\d+$/.test(state.padding.trim()) ? "0" : state.padding;
    update({ mode, w, padding, flip: mode === "transposed" ? false : state.flip, position: 0 });
  }
  function setField(key, text) {
    pause();
    if (SIZE_KEYS.includes(key)) {
      let n;
      try {
        n = parseInteger(text, t.sizeNames[key], t);
        if (n < 1 || n > LIMITS[key]) throw new Error(t.outOfRange(t.sizeNames[key], LIMITS[key], n));
      } catch (error) {
        update({ inputError: error.message, badField: { key, text } });
        return;
      }
      resizeTo({ [key]: n });
      return;
    }
    if (key === "groups") {
      const before = dims();
      state.groups = text;
      resizeTo({ cOut: before.cOut });
      return;
    }
    update({ [key]: text, position: 0, inputError: null, badField: null });
  }
  function dims() {
    const [cIn, H, W] = shape(state.x);
    const [a, b, kH, kW] = shape(state.w);
    const g = Number.isInteger(Number(state.groups)) && Number(state.groups) > 0 ? Number(state.groups) : 1;
    const cOut = state.mode === "transposed" ? b * g : a;
    return { cIn, H, W, kH, kW, cOut, g };
  }
  function resizeTo(change) {
    const d = { ...dims(), ...change };
    const x = Array.from({ length: d.cIn }, (_, c) => resize2d(state.x[c], d.H, d.W, (i, j) => seed(c, i, j) + 1));
    const first = state.mode === "transposed" ? d.cIn : d.cOut;
    const second = Math.max(1, Math.floor((state.mode === "transposed" ? d.cOut : d.cIn) / d.g));
    const w = Array.from({ length: first }, (_, p) => Array.from({ length: second }, (_, q) => resize2d(state.w[p]?.[q], d.kH, d.kW, (u, v) => seed(p + 2 * q, u, v))));
    const bias = Array.from({ length: d.cOut }, (_, o) => state.bias[o] ?? 0);
    update({ x, w, bias, position: 0, inputError: null, badField: null });
  }
  function setValues(which, text) {
    pause();
    let blocks;
    try {
      blocks = parseMatrices(text, t.fields[which], t);
      const rows = blocks[0].length;
      const cols = blocks[0][0].length;
      if (blocks.some((m) => m.length !== rows || m[0].length !== cols)) {
        throw new Error(t.unequalShapes(t.fields[which], rows, cols));
      }
      const limit = which === "x" ? [LIMITS.H, LIMITS.W, LIMITS.cIn] : [LIMITS.kH, LIMITS.kW, LIMITS.cOut * LIMITS.cIn];
      if (rows > limit[0] || cols > limit[1] || blocks.length > limit[2]) {
        throw new Error(t.tooMany(t.fields[which], limit[2], limit[0], limit[1]));
      }
    } catch (error) {
      update({ inputError: error.message });
      return;
    }
    if (which === "x") {
      state.x = blocks;
      resizeTo({ cIn: blocks.length });
      return;
    }
    const d = dims();
    const fixed = state.mode === "transposed" ? d.cIn : Math.max(1, Math.floor(d.cIn / d.g));
    if (blocks.length % fixed) {
      update({ inputError: t.kernelCount(blocks.length, state.mode !== "transposed", fixed) });
      return;
    }
    const n = blocks.length / fixed;
    const w = state.mode === "transposed"
      ? Array.from({ length: fixed }, (_, c) => blocks.slice(c * n, (c + 1) * n))
      : Array.from({ length: n }, (_, o) => blocks.slice(o * fixed, (o + 1) * fixed));
    state.w = w;
    resizeTo({ kH: blocks[0].length, kW: blocks[0][0].length, cOut: state.mode === "transposed" ? n * d.g : n });
  }
  function setBias(on) {
    const bias = Array.from({ length: dims().cOut }, (_, o) => state.bias[o] ?? 0);
    update({ useBias: on, bias });
  }
  function setBiasValues(text) {
    try {
      const [values] = parseMatrices(text.replace(/[\n;]+/g, " "), t.fields.bias, t);
      update({ bias: values[0], useBias: true, inputError: null });
    } catch (error) {
      update({ inputError: error.message });
    }
  }
  function go(position, keepPlaying = false) {
    if (!keepPlaying) pause();
    let count = 1;
    try {
      count = compute(state, t).count;
    } catch {
      count = 1;
    }
    update({ position: ((position % count) + count) % count });
  }
  function play() {
    state.playing = true;
    timer = setInterval(() => go(state.position + 1, true), PLAY_MS);
    render();
  }
  function pause() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (state.playing) {
      state.playing = false;
      render();
    }
  }

  // --- render ---
  function render() {
    const d = dims();
    presetSelect.value = state.preset in presets ? state.preset : presetSelect.value;
    modeSelect.value = state.mode;
    for (const key of SIZE_KEYS) fields[key].input.value = state.badField?.key === key ? state.badField.text : String(d[key]);
    for (const key of ["stride", "padding", "dilation", "groups", "outputPadding"]) fields[key].input.value = state[key];
    fields.outputPadding.node.hidden = state.mode !== "transposed";
    controls.querySelector(".explorer-padding-mode").hidden = state.mode === "transposed";
    controls.querySelector(".explorer-flip").hidden = state.mode === "transposed";
    paddingModeSelect.value = state.paddingMode;
    biasBox.checked = state.useBias;
    biasValues.value = state.bias.map(fmt).join(", ");
    biasValues.disabled = !state.useBias;
    flipBox.checked = state.flip;
    if (!state.inputError) {
      xText.value = formatMatrices(state.x);
      wText.value = formatMatrices(state.w.flat());
    }
    for (const r of viewRadios) r.radio.checked = r.key === state.view;
    viewSet.hidden = state.mode === "transposed";
    playButton.textContent = state.playing ? t.pause : t.play;
    playButton.setAttribute("aria-pressed", String(state.playing));

    // re-rendering replaces the cells: keep the keyboard focus on the cell of the same index
    const focused = picture.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused?.dataset?.i === undefined ? null : JSON.stringify({ ...focused.dataset });
    let result;
    try {
      result = compute(state, t);
    } catch (error) {
      message.textContent = t.impossible(t.arithmetic(error.message));
      message.hidden = false;
      root.querySelector(".explorer-body").hidden = true;
      sizes.replaceChildren(sizeFormula(null));
      return;
    }
    message.hidden = true;
    message.textContent = "";
    root.querySelector(".explorer-body").hidden = false;
    sizes.replaceChildren(sizeFormula(result));
    if (result.kind === "transposed") renderTransposed(result);
    else renderConv(result);
    if (focusKey !== null) {
      const again = [...picture.querySelectorAll("button")].find((b) => JSON.stringify({ ...b.dataset }) === focusKey);
      again?.focus();
    }
  }

  function sizeFormula(r) {
    const box = el("div", { class: "explorer-formula" });
    if (!r) return box;
    const axes = [
      ["H", r.H, r.kH, 0],
      ["W", r.W, r.kW, 1],
    ];
    const out = shape(r.y);
    const lines = axes.map(([name, n, k, axis]) => {
      const s = Array.isArray(r.opts.stride) ? r.opts.stride[axis] : r.opts.stride;
      const dd = Array.isArray(r.opts.dilation) ? r.opts.dilation[axis] : r.opts.dilation;
      if (r.kind === "transposed") {
        const p = r.opts.padding;
        const op = r.opts.outputPadding;
        return `${name}_out = (${name} − 1)·s − 2p + d·(k − 1) + output_padding + 1 = (${n} − 1)·${s} − 2·${p} + ${dd}·(${k} − 1) + ${op} + 1 = ${out[axis + 1]}`;
      }
      const [p0, p1] = r.pads[axis];
      return `${name}_out = ⌊(${name} + p_before + p_after − d·(k − 1) − 1) / s⌋ + 1 = ⌊(${n} + ${p0} + ${p1} − ${dd}·(${k} − 1) − 1) / ${s}⌋ + 1 = ${out[axis + 1]}`;
    });
    const link = el("a", { href: r.kind === "transposed" ? links.transposedSize : links.size, text: t.sizeTheorem });
    box.append(el("p", { class: "explorer-formula-title" }, t.sizeTitle, link, "):"), ...lines.map((line) => el("p", { class: "explorer-formula-line", text: line })));
    return box;
  }

  function grid(values, caption, cell) {
    const table = el("table", { class: "explorer-grid" }, el("caption", { text: caption }));
    const body = el("tbody");
    values.forEach((row, a) => body.append(el("tr", {}, row.map((v, b) => cell(v, a, b)))));
    table.append(body);
    return table;
  }

  function panel(title, ...content) {
    return el("div", { class: "explorer-panel" }, el("p", { class: "explorer-panel-title", text: title }), ...content);
  }

  function renderConv(r) {
    const { o, i, j, list, opts, w } = r;
    const s = Array.isArray(opts.stride) ? opts.stride : [opts.stride, opts.stride];
    const dl = Array.isArray(opts.dilation) ? opts.dilation : [opts.dilation, opts.dilation];
    const groups = opts.groups;
    const cg = r.cIn / groups;
    const group = Math.floor(o / (r.cOut / groups));
    status.textContent = t.convStatus(`y[${o}, ${i}, ${j}]`, r.position + 1, r.count);
    // the inputs, padded, with the taps of the current window marked
    const taps = new Set(list.map((q) => `${q.c}:${s[0] * i + dl[0] * q.u}:${s[1] * j + dl[1] * q.v}`));
    const [[pt, pb], [pl, pr]] = r.pads;
    const inputs = state.x.map((channel, c) => {
      const rows = Array.from({ length: r.H + pt + pb }, (_, a) => Array.from({ length: r.W + pl + pr }, (_, b) => [a, b]));
      const read = c >= group * cg && c < (group + 1) * cg;
      return panel(
        `x[${c}]${read ? "" : ` (${t.notRead(o)})`}`,
        grid(rows, t.inputCaption(c, pt, pb, pl, pr, opts.paddingMode), (_, a, b) => {
          const sr = sourceIndex(a, r.H, pt, opts.paddingMode);
          const sc = sourceIndex(b, r.W, pl, opts.paddingMode);
          const isPad = a < pt || a >= pt + r.H || b < pl || b >= pl + r.W;
          const value = sr === null || sc === null ? 0 : channel[sr][sc];
          const inWindow = taps.has(`${c}:${a}:${b}`);
          return el("td", { class: `cell input${isPad ? " pad" : ""}${inWindow ? " window" : ""}`, title: isPad ? t.padCell : null }, fmt(value));
        }),
      );
    });
    const kernels = w[o].map((k, cc) =>
      panel(`w[${o}, ${cc}]${state.flip ? ` ${t.rotated}` : ""}`, grid(k, t.kernelCaption(o, group * cg + cc, state.flip), (v) => el("td", { class: "cell kernel" }, fmt(v)))),
    );
    const outputs = r.y.map((channel, oo) =>
      panel(
        `y[${oo}]`,
        grid(channel, t.outputCaption(oo), (v, a, b) => {
          const current = oo === o && a === i && b === j;
          return el(
            "td",
            { class: `cell output${current ? " current" : ""}` },
            el("button", {
              type: "button",
              class: "explorer-out",
              "data-o": oo,
              "data-i": a,
              "data-j": b,
              "aria-label": `y[${oo}, ${a}, ${b}] = ${fmt(v)}`,
              "aria-current": current ? "true" : null,
              onclick: () => go(oo * r.Ho * r.Wo + a * r.Wo + b),
              text: fmt(v),
            }),
          );
        }),
      ),
    );
    picture.replaceChildren(
      el("div", { class: "explorer-row" }, el("p", { class: "explorer-row-title", text: t.inputRow }), ...inputs),
      el("div", { class: "explorer-row" }, el("p", { class: "explorer-row-title", text: state.flip ? t.kernelRowFlipped : t.kernelRow }), ...kernels),
      el("div", { class: "explorer-row" }, el("p", { class: "explorer-row-title", text: t.outputRow }), ...outputs),
    );
    arithmetic.replaceChildren(...viewOf(r));
    // the flip: where the symmetric kernel hides the difference
    const changed = r.y.flat(2).filter((v, k) => v !== r.other.flat(2)[k]).length;
    const flipLink = el("a", { href: links.flip, text: t.flipLink });
    flipNote.replaceChildren(
      changed === 0 ? t.flipNone(r.count) : t.flipSome(changed, r.count),
      flipLink,
      ").",
    );
  }

  function viewOf(r) {
    const { o, i, j, list, opts } = r;
    const value = r.y[o][i][j];
    const bias = opts.bias === null ? null : opts.bias[o];
    const biasText = bias === null ? "" : ` + ${fmt(bias)}`;
    const product = (q) => `(${fmt(q.x)}×${fmt(q.w)})`;
    const sumOf = (qs) => qs.reduce((acc, q) => acc + q.x * q.w, 0);
    const head = el("p", { class: "explorer-view-title" });
    const out = [head];
    const link = (key, text) => el("a", { href: links[key], text });
    const resultLine = (label, total) =>
      el("p", { class: "explorer-result" }, `${label} = `, el("span", { class: "explorer-value", "data-value": fmt(value), text: fmt(value) }), total === value ? "" : t.checkFailed);
    const channels = [...new Set(list.map((q) => q.c))];
    if (state.view === "sum") {
      head.append(t.sumHead(`y[${o}, ${i}, ${j}]`, o, i, j, bias !== null), link(r.cIn > 1 ? "layer" : "sum", r.cIn > 1 ? t.layerDefinition : t.definition), ")");
      const partials = channels.map((c) => {
        const qs = list.filter((q) => q.c === c);
        return el(
          "p",
          { class: "explorer-terms", "data-channel": c },
          t.channel(c),
          ...qs.flatMap((q, k) => [k ? " + " : "", el("span", { class: `term${q.row === null ? " term-pad" : ""}`, "data-x": fmt(q.x), "data-w": fmt(q.w) }, product(q))]),
          ` = ${fmt(sumOf(qs))}`,
        );
      });
      out.push(...partials);
      const total = sumOf(list) + (bias ?? 0);
      if (channels.length > 1 || bias !== null) {
        out.push(el("p", { class: "explorer-terms-total" }, `${t.sumOverChannels}: ${channels.map((c) => fmt(sumOf(list.filter((q) => q.c === c)))).join(" + ")}${biasText} = ${fmt(total)}`));
      }
      out.push(resultLine(`y[${o}, ${i}, ${j}]`, total));
      out.push(whereFrom(r));
    } else if (state.view === "dot") {
      head.append(t.dotHead, link("dot", t.dotTheorem), "):");
      const total = sumOf(list) + (bias ?? 0);
      out.push(
        el("p", { class: "explorer-vector" }, `${t.windowVector}: [${list.map((q) => fmt(q.x)).join(", ")}]`),
        el("p", { class: "explorer-vector" }, `${t.kernelVector}: [${list.map((q) => fmt(q.w)).join(", ")}]`),
        el("p", { class: "explorer-terms" }, `${t.dotProduct}: ${list.map((q) => `${fmt(q.x)}·${fmt(q.w)}`).join(" + ")} = ${fmt(sumOf(list))}${biasText}`),
        resultLine(`y[${o}, ${i}, ${j}]`, total),
      );
    } else if (state.view === "im2col") {
      const col = i * r.Wo + j;
      const rows = list.length;
      head.append(t.im2colHead(r.cOut, rows, r.Ho * r.Wo, o, col, i, r.Wo, j), link("im2col", t.im2colTheorem), "):");
      const total = sumOf(list) + (bias ?? 0);
      out.push(
        el("p", { class: "explorer-vector" }, `${t.im2colColumn(col)}: [${list.map((q) => fmt(q.x)).join(", ")}]ᵀ`),
        el("p", { class: "explorer-vector" }, `${t.weightRow(o)}: [${list.map((q) => fmt(q.w)).join(", ")}]`),
        el("p", { class: "explorer-terms" }, `${t.rowTimesColumn} = ${fmt(sumOf(list))}${biasText}`),
        resultLine(`y[${o}, ${i}, ${j}]`, total),
      );
    } else {
      const rowIndex = o * r.Ho * r.Wo + i * r.Wo + j;
      const n = r.cIn * r.H * r.W;
      const entries = new Map();
      for (const q of list) {
        if (q.row === null) continue;
        const key = q.c * r.H * r.W + q.row * r.W + q.col;
        entries.set(key, (entries.get(key) ?? 0) + q.w);
      }
      const flat = state.x.flat(2);
      const sorted = [...entries.keys()].sort((a, b) => a - b);
      const total = sorted.reduce((acc, k) => acc + entries.get(k) * flat[k], 0) + (bias ?? 0);
      head.append(t.matrixHead(r.cOut * r.Ho * r.Wo, n, rowIndex, o, r.Ho * r.Wo, i, r.Wo, j), link("matrix", t.matrixTheorem), "):");
      const rowText = n <= 64 ? `[${Array.from({ length: n }, (_, k) => fmt(entries.get(k) ?? 0)).join(", ")}]` : t.zeroExcept(sorted.length);
      out.push(
        el("p", { class: "explorer-vector" }, `${t.rowOfT(rowIndex)}: ${rowText}`),
        el("p", { class: "explorer-vector" }, `${t.nonzeroEntries}: ${sorted.length ? sorted.map((k) => `T[${rowIndex}, ${k}] = ${fmt(entries.get(k))}`).join(", ") : t.onlyPadding}`),
        el("p", { class: "explorer-terms" }, `${t.rowTimesInput} = ${sorted.length ? sorted.map((k) => `${fmt(entries.get(k))}·${fmt(flat[k])}`).join(" + ") : "0"} = ${fmt(total - (bias ?? 0))}${biasText}`),
        resultLine(`y[${o}, ${i}, ${j}]`, total),
      );
      if (opts.paddingMode !== "zeros") out.push(el("p", { class: "explorer-note", text: t.addedWeights(opts.paddingMode) }));
    }
    return out;
  }

  function whereFrom(r) {
    const { o, list } = r;
    const items = list.map((q) =>
      el(
        "li",
        {},
        q.row === null
          ? t.tapPad(q.u, q.v, q.c, `0 × w[${o}, ${q.c % (r.cIn / r.opts.groups)}, ${q.u}, ${q.v}] = 0 × ${fmt(q.w)}`)
          : t.tapRead(q.u, q.v, `x[${q.c}, ${q.row}, ${q.col}] × w[${o}, ${q.c % (r.cIn / r.opts.groups)}, ${q.u}, ${q.v}] = ${fmt(q.x)} × ${fmt(q.w)} = ${fmt(q.x * q.w)}`),
      ),
    );
    return el("details", { class: "explorer-where", open: state.whereOpen, ontoggle: (e) => (state.whereOpen = e.target.open) }, el("summary", { text: t.whereFrom(list.length) }), el("ul", {}, items));
  }

  function renderTransposed(r) {
    const { c, i, j, opts, w } = r;
    const s = Array.isArray(opts.stride) ? opts.stride : [opts.stride, opts.stride];
    const dl = Array.isArray(opts.dilation) ? opts.dilation : [opts.dilation, opts.dilation];
    const p = Array.isArray(opts.padding) ? opts.padding : [opts.padding, opts.padding];
    const [cOut, Ho, Wo] = shape(r.y);
    const og = cOut / opts.groups;
    const group = Math.floor(c / (r.cIn / opts.groups));
    const value = state.x[c][i][j];
    status.textContent = t.stampStatus(`x[${c}, ${i}, ${j}]`, fmt(value), r.position + 1, r.count);
    const stamps = [];
    for (let oo = 0; oo < og; oo++) {
      for (let u = 0; u < r.kH; u++) {
        for (let v = 0; v < r.kW; v++) {
          const o = group * og + oo;
          const a = s[0] * i + dl[0] * u - p[0];
          const b = s[1] * j + dl[1] * v - p[1];
          stamps.push({ o, oo, u, v, a, b, inside: a >= 0 && a < Ho && b >= 0 && b < Wo, wv: w[c][oo][u][v] });
        }
      }
    }
    const hit = new Set(stamps.filter((q) => q.inside).map((q) => `${q.o}:${q.a}:${q.b}`));
    const inputs = state.x.map((channel, cc) =>
      panel(
        `x[${cc}]`,
        grid(channel, t.stampCaption(cc), (v, a, b) => {
          const current = cc === c && a === i && b === j;
          return el(
            "td",
            { class: `cell input${current ? " current" : ""}` },
            el("button", {
              type: "button",
              class: "explorer-in",
              "data-c": cc,
              "data-i": a,
              "data-j": b,
              "aria-label": `x[${cc}, ${a}, ${b}] = ${fmt(v)}`,
              "aria-current": current ? "true" : null,
              onclick: () => go(cc * r.H * r.W + a * r.W + b),
              text: fmt(v),
            }),
          );
        }),
      ),
    );
    const kernels = w[c].map((k, oo) => panel(`w[${c}, ${oo}]`, grid(k, t.stampKernelCaption(c, group * og + oo), (v) => el("td", { class: "cell kernel" }, fmt(v)))));
    const outGrid = (arr, cls) =>
      arr.map((channel, o) =>
        panel(
          cls === "partial" ? t.partialPanel(o) : t.finalPanel(o),
          grid(channel, cls === "partial" ? t.partialCaption(o) : t.finalCaption(o), (v, a, b) =>
            el("td", { class: `cell output ${cls}${cls === "partial" && hit.has(`${o}:${a}:${b}`) ? " window" : ""}`, "data-o": o, "data-i": a, "data-j": b }, fmt(v)),
          ),
        ),
      );
    picture.replaceChildren(
      el("div", { class: "explorer-row" }, el("p", { class: "explorer-row-title", text: t.stampInputRow }), ...inputs),
      el("div", { class: "explorer-row" }, el("p", { class: "explorer-row-title", text: t.stampKernelRow }), ...kernels),
      el("div", { class: "explorer-row" }, el("p", { class: "explorer-row-title", text: t.partialRow(r.position + 1, r.count) }), ...outGrid(r.partial, "partial")),
      el("div", { class: "explorer-row" }, el("p", { class: "explorer-row-title", text: t.finalRow(opts.bias !== null) }), ...outGrid(r.y, "final")),
    );
    const head = el(
      "p",
      { class: "explorer-view-title" },
      t.stampHead(`x[${c}, ${i}, ${j}]`, fmt(value), c, i, j),
      el("a", { href: links.transposed, text: t.definition }),
      t.stampTail,
    );
    const items = stamps.map((q) =>
      el(
        "li",
        { class: q.inside ? "stamp" : "stamp cropped" },
        q.inside
          ? `y[${q.o}, ${q.a}, ${q.b}] += ${fmt(value)} × ${fmt(q.wv)} = ${fmt(value * q.wv)}`
          : t.cropped(q.u, q.v, q.a, q.b),
      ),
    );
    arithmetic.replaceChildren(head, el("ul", { class: "explorer-stamps" }, items));
    flipNote.replaceChildren();
  }

  render();
}

export function mountAll(doc = document) {
  for (const root of doc.querySelectorAll(".convdot-explorer:not(.is-live)")) {
    try {
      mount(root);
    } catch (error) {
      // keep the static figure, and say why the live explorer is missing
      root.classList.remove("is-live");
      const t = words(languageOf(doc));
      root.prepend(el("p", { class: "explorer-message", role: "alert", text: t.cannotStart(t.arithmetic(error.message)) }));
    }
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => mountAll());
  else mountAll();
}
