// The explorer's arithmetic: convdot's 2-D correlation and CNN layer, in plain JavaScript.
//
// A pure ES module: no DOM, no dependencies, nothing runs at import, so the widget
// (explorer.mjs) and Node (the build's check, conf/explorer/check.py) import the same code.
// Arrays are nested Arrays of numbers; sizes are ints or [h, w] pairs. The semantics are
// convdot's: scipy's alignment for correlate2d/convolve2d (but, like convdot, a kernel larger
// than the input in "valid" mode throws), PyTorch's for conv2d and convTranspose2d. Integer
// inputs give exact integers (every partial sum is an integer below 2**53 in the sizes the
// explorer uses). An invalid argument throws an Error whose message names the argument.

const MODES = ["valid", "same", "full"];
const PADDING_MODES = ["zeros", "reflect", "replicate", "circular"];

function show(value) {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "nothing";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function fail(message) {
  throw new Error(message);
}

// The shape of a nested Array of numbers with `ndim` levels, or an Error naming `name`.
function shapeOf(value, name, ndim) {
  const shape = [];
  let level = value;
  for (let axis = 0; axis < ndim; axis++) {
    if (!Array.isArray(level)) fail(`${name} must be a ${ndim}-D nested Array of numbers; got ${show(value)}`);
    if (level.length === 0) fail(`${name} must not be empty; got an empty axis ${axis}`);
    shape.push(level.length);
    level = level[0];
  }
  const check = (node, axis, where) => {
    if (axis === ndim) {
      if (typeof node !== "number") fail(`${name}${where} must be a number; got ${show(node)}`);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      fail(`${name} must be a rectangular ${ndim}-D Array of shape [${shape}]; ${name}${where} is ${show(node)}`);
    }
    node.forEach((child, k) => check(child, axis + 1, `${where}[${k}]`));
  };
  check(value, 0, "");
  return shape;
}

function checkChoice(value, name, choices) {
  if (typeof value !== "string" || !choices.includes(value)) {
    fail(`${name} must be one of ${choices.map((c) => `"${c}"`).join(", ")}; got ${show(value)}`);
  }
  return value;
}

// An int or a pair of ints (PyTorch's _pair), each >= minimum, as [h, w].
function asPair(value, name, minimum) {
  let pair;
  if (Number.isInteger(value)) pair = [value, value];
  else if (Array.isArray(value) && value.length === 2 && value.every(Number.isInteger)) pair = [value[0], value[1]];
  else fail(`${name} must be an integer or a pair of integers; got ${show(value)}`);
  if (Math.min(...pair) < minimum) fail(`${name} must be >= ${minimum} on each axis; got ${show(value)}`);
  return pair;
}

function zeros(...shape) {
  const [n, ...rest] = shape;
  return Array.from({ length: n }, () => (rest.length ? zeros(...rest) : 0));
}

function rotate(kernel) {
  return kernel.map((row) => [...row].reverse()).reverse();
}

// Valid correlation of an already padded 2-D array.
function validCorrelate(a, b) {
  const [H, W] = [a.length, a[0].length];
  const [h, w] = [b.length, b[0].length];
  const out = zeros(H - h + 1, W - w + 1);
  for (let m = 0; m <= H - h; m++) {
    for (let n = 0; n <= W - w; n++) {
      let sum = 0;
      for (let u = 0; u < h; u++) for (let v = 0; v < w; v++) sum += a[m + u][n + v] * b[u][v];
      out[m][n] = sum;
    }
  }
  return out;
}

function zeroPad2d(a, [[top, bottom], [left, right]]) {
  const W = a[0].length + left + right;
  const blank = () => new Array(W).fill(0);
  const rows = a.map((row) => [...new Array(left).fill(0), ...row, ...new Array(right).fill(0)]);
  return [...Array.from({ length: top }, blank), ...rows, ...Array.from({ length: bottom }, blank)];
}

// Zero padding that turns `mode` into a valid correlation (convdot._shapes.mode_padding).
function modePadding([h, w], mode, flipped) {
  return [h, w].map((k) => {
    if (mode === "valid") return [0, 0];
    if (mode === "full") return [k - 1, k - 1];
    const [before, after] = [Math.floor((k - 1) / 2), Math.floor(k / 2)];
    return flipped ? [after, before] : [before, after];
  });
}

function prepare2d(a, b, mode, flip) {
  const [H, W] = shapeOf(a, "a", 2);
  const [h, w] = shapeOf(b, "b", 2);
  checkChoice(mode, "mode", MODES);
  if (mode === "valid" && (h > H || w > W)) {
    fail(
      `in mode "valid" the kernel b must fit inside a on both axes; got a of shape [${H}, ${W}] and b of shape ` +
        `[${h}, ${w}] (use mode "same" or "full")`,
    );
  }
  const kernel = flip ? rotate(b) : b;
  return [zeroPad2d(a, modePadding([h, w], mode, flip)), kernel];
}

/** C[m][n] = sum over (u, v) of A[m+u][n+v] B[u][v], aligned as convdot.correlate2d (and scipy). */
export function correlate2d(a, b, mode = "valid") {
  return validCorrelate(...prepare2d(a, b, mode, false));
}

/** The true convolution, as convdot.convolve2d: the correlation with B rotated 180 degrees. */
export function convolve2d(a, b, mode = "valid") {
  return validCorrelate(...prepare2d(a, b, mode, true));
}

function checkBias(bias, cOut) {
  if (bias === null) return;
  const [n] = shapeOf(bias, "bias", 1);
  if (n !== cOut) fail(`bias must have one entry per output channel (${cOut}); got ${n} entries`);
}

// The options of the layer, normalised and checked in convdot's order of concerns.
function checkLayer(x, w, options, transposed) {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    fail(`options must be an object; got ${show(options)}`);
  }
  const known = transposed
    ? ["bias", "stride", "padding", "outputPadding", "dilation", "groups"]
    : ["bias", "stride", "padding", "dilation", "groups", "paddingMode"];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(`options has no setting ${show(key)}; accepted: ${known.join(", ")}`);
  }
  const {
    bias = null,
    stride = 1,
    padding = 0,
    outputPadding = 0,
    dilation = 1,
    groups = 1,
    paddingMode = "zeros",
  } = options;
  const xs = shapeOf(x, "x", 3);
  const ws = shapeOf(w, "w", 4);
  const s = asPair(stride, "stride", 1);
  const d = asPair(dilation, "dilation", 1);
  if (!transposed) checkChoice(paddingMode, "paddingMode", PADDING_MODES);
  if (!Number.isInteger(groups)) fail(`groups must be an integer; got ${show(groups)}`);
  if (groups < 1) fail(`groups must be >= 1; got ${groups}`);
  const cIn = xs[0];
  const layer = { xs, ws, s, d, groups, paddingMode, cIn, kernel: [ws[2], ws[3]] };
  if (transposed) {
    if (typeof padding === "string") {
      fail(`padding of convTranspose2d must be an integer or a pair of integers (no "valid" or "same"); got ${show(padding)}`);
    }
    const p = asPair(padding, "padding", 0);
    const op = asPair(outputPadding, "outputPadding", 0);
    if (op.some((v, axis) => v >= Math.max(s[axis], d[axis]))) {
      fail(
        `outputPadding must be smaller than the stride or the dilation on each axis; got outputPadding=${show(outputPadding)}, ` +
          `stride=${show(stride)}, dilation=${show(dilation)}`,
      );
    }
    if (cIn % groups) fail(`groups must divide the input channels C_in; got groups=${groups} and C_in=${cIn}`);
    if (ws[0] !== cIn) fail(`x has C_in=${cIn} channels but w of shape [${ws}] expects w.length = C_in`);
    layer.cOut = ws[1] * groups;
    checkBias(bias, layer.cOut);
    layer.pads = [
      [p[0], p[0]],
      [p[1], p[1]],
    ];
    layer.op = op;
    layer.out = [0, 1].map((axis) => (xs[axis + 1] - 1) * s[axis] - 2 * p[axis] + d[axis] * (layer.kernel[axis] - 1) + op[axis] + 1);
    if (Math.min(...layer.out) < 1) {
      fail(
        `the output size must be >= 1 on each axis; got [${layer.out}] from input [${xs.slice(1)}], stride [${s}], ` +
          `padding [${p}], dilation [${d}], kernel [${layer.kernel}]`,
      );
    }
  } else {
    const cOut = ws[0];
    if (cIn % groups) fail(`groups must divide the input channels C_in; got groups=${groups} and C_in=${cIn}`);
    if (cOut % groups) fail(`groups must divide the output channels C_out = w.length; got groups=${groups} and C_out=${cOut}`);
    if (cIn !== ws[1] * groups) {
      fail(`x has C_in=${cIn} channels but w of shape [${ws}] with groups=${groups} expects w[0].length * groups = ${ws[1] * groups}`);
    }
    layer.cOut = cOut;
    checkBias(bias, cOut);
    if (typeof padding === "string") {
      checkChoice(padding, "padding", ["valid", "same"]);
      if (padding === "valid") layer.pads = [[0, 0], [0, 0]];
      else {
        if (s[0] !== 1 || s[1] !== 1) fail(`padding "same" needs stride 1 (as in PyTorch); got stride=${show(stride)}`);
        layer.pads = [0, 1].map((axis) => {
          const total = d[axis] * (layer.kernel[axis] - 1);
          return [Math.floor(total / 2), total - Math.floor(total / 2)];
        });
      }
    } else {
      const p = asPair(padding, "padding", 0);
      layer.pads = [
        [p[0], p[0]],
        [p[1], p[1]],
      ];
    }
    const size = [xs[1], xs[2]];
    if (paddingMode === "reflect" && layer.pads.some((p, axis) => Math.max(...p) >= size[axis])) {
      fail(`paddingMode "reflect" needs a padding smaller than the input on each axis; got padding [${layer.pads}] for an input of size [${size}]`);
    }
    if (paddingMode === "circular" && layer.pads.some((p, axis) => Math.max(...p) > size[axis])) {
      fail(`paddingMode "circular" needs a padding no larger than the input on each axis; got padding [${layer.pads}] for an input of size [${size}]`);
    }
    layer.out = [0, 1].map(
      (axis) => Math.floor((size[axis] + layer.pads[axis][0] + layer.pads[axis][1] - d[axis] * (layer.kernel[axis] - 1) - 1) / s[axis]) + 1,
    );
    if (Math.min(...layer.out) < 1) {
      const span = [0, 1].map((axis) => d[axis] * (layer.kernel[axis] - 1) + 1);
      const padded = [0, 1].map((axis) => size[axis] + layer.pads[axis][0] + layer.pads[axis][1]);
      fail(
        `the output size must be >= 1 on each axis; got [${layer.out}]: the kernel [${layer.kernel}] dilated by [${d}] ` +
          `spans [${span}], more than the padded input [${padded}]`,
      );
    }
  }
  layer.bias = bias;
  return layer;
}

// The input index that padded position `p` (0 = first padded row) reads along an axis of
// size n with `before` rows of padding, or null for a zero: numpy.pad's constant, reflect,
// edge and wrap, which are PyTorch's zeros, reflect, replicate and circular.
function source(p, n, before, mode) {
  let r = p - before;
  if (r >= 0 && r < n) return r;
  if (mode === "zeros") return null;
  if (mode === "replicate") return r < 0 ? 0 : n - 1;
  if (mode === "circular") return ((r % n) + n) % n;
  // reflect about the edge pixel, without repeating it (pad < n, so one reflection suffices)
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  r = ((r % period) + period) % period;
  return r < n ? r : period - r;
}

function layerTerms(x, w, layer, o, i, j) {
  const { s, d, groups, pads, paddingMode, cIn, cOut, kernel, xs } = layer;
  const cg = cIn / groups;
  const t = Math.floor(o / (cOut / groups));
  const out = [];
  for (let c = t * cg; c < (t + 1) * cg; c++) {
    for (let u = 0; u < kernel[0]; u++) {
      const row = source(s[0] * i + d[0] * u, xs[1], pads[0][0], paddingMode);
      for (let v = 0; v < kernel[1]; v++) {
        const col = source(s[1] * j + d[1] * v, xs[2], pads[1][0], paddingMode);
        const read = row === null || col === null;
        out.push({
          c,
          u,
          v,
          row: read ? null : row,
          col: read ? null : col,
          x: read ? 0 : x[c][row][col],
          w: w[o][c - t * cg][u][v],
        });
      }
    }
  }
  return out;
}

/**
 * The CNN layer, as convdot.conv2d (and torch.nn.functional.conv2d) on one unbatched input.
 * x [C_in][H][W], w [C_out][C_in/groups][kH][kW]; returns [C_out][H_out][W_out].
 */
export function conv2d(x, w, options = {}) {
  const layer = checkLayer(x, w, options, false);
  const [Ho, Wo] = layer.out;
  return Array.from({ length: layer.cOut }, (_, o) =>
    Array.from({ length: Ho }, (_, i) =>
      Array.from({ length: Wo }, (_, j) => {
        let sum = 0;
        for (const term of layerTerms(x, w, layer, o, i, j)) sum += term.x * term.w;
        return layer.bias === null ? sum : sum + layer.bias[o];
      }),
    ),
  );
}

/**
 * Transposed convolution, as convdot.conv_transpose2d: every input value stamps its scaled
 * kernel onto the output at stride s (overlaps summed), cropped by padding on each side.
 * x [C_in][H][W], w [C_in][C_out/groups][kH][kW]; returns [C_out][H_out][W_out] with
 * H_out = (H - 1) s - 2 p + d (kH - 1) + outputPadding + 1.
 */
export function convTranspose2d(x, w, options = {}) {
  const layer = checkLayer(x, w, options, true);
  const { s, d, groups, pads, cIn, cOut, kernel, xs, out } = layer;
  const y = zeros(cOut, out[0], out[1]);
  const cg = cIn / groups;
  const og = cOut / groups;
  for (let c = 0; c < cIn; c++) {
    const t = Math.floor(c / cg);
    for (let oo = 0; oo < og; oo++) {
      const o = t * og + oo;
      for (let i = 0; i < xs[1]; i++) {
        for (let j = 0; j < xs[2]; j++) {
          for (let u = 0; u < kernel[0]; u++) {
            const a = s[0] * i + d[0] * u - pads[0][0];
            if (a < 0 || a >= out[0]) continue;
            for (let v = 0; v < kernel[1]; v++) {
              const b = s[1] * j + d[1] * v - pads[1][0];
              if (b < 0 || b >= out[1]) continue;
              y[o][a][b] += x[c][i][j] * w[c][oo][u][v];
            }
          }
        }
      }
    }
  }
  if (layer.bias !== null) for (let o = 0; o < cOut; o++) for (const row of y[o]) row.forEach((_, b) => (row[b] += layer.bias[o]));
  return y;
}

/**
 * The products summed into conv2d(x, w, options)[o][i][j]: one entry {c, u, v, row, col, x, w}
 * per (c, u, v), ordered by (c, u, v). c indexes x's channels (those of o's group); row/col
 * is the input pixel read (reflected, replicated or wrapped), or null in zero padding, where
 * x is 0. The bias is not an entry.
 */
export function terms(x, w, options, position) {
  const layer = checkLayer(x, w, options ?? {}, false);
  if (!Array.isArray(position) || position.length !== 3 || !position.every(Number.isInteger)) {
    fail(`position must be [o, i, j], three integers; got ${show(position)}`);
  }
  const [o, i, j] = position;
  const limits = [layer.cOut, ...layer.out];
  if (position.some((p, axis) => p < 0 || p >= limits[axis])) {
    fail(`position must index the output of shape [${limits}]; got ${show(position)}`);
  }
  return layerTerms(x, w, layer, o, i, j);
}
