// The explorer's words, in each language of the site: every string the widget (explorer.mjs)
// shows, as a table per language with the same keys. An entry is a string, a function of the
// numbers and names it quotes (templated strings), or a table of such entries. The page's
// <html lang> chooses the table (see `languageOf`); any other language falls back to English.
// Identifiers, formulas and numbers (x, w, y, C_in, H, W, the products) are the same in every
// language and are written by the view, not here. A pure module: no DOM, nothing runs at
// import, so Node can read it (tests/test_explorer_words.py checks that every table has
// exactly the English keys).

const en = {
  title: "Convolution explorer",
  settings: "Explorer settings",
  startFrom: "Start from",
  preset: "Preset",
  operation: "Operation",
  modes: { conv2d: "convolution layer (conv2d)", transposed: "transposed convolution" },
  sizes: "Sizes",
  geometry: "Geometry",
  labels: {
    H: "Input height H",
    W: "Input width W",
    kH: "Kernel height kH",
    kW: "Kernel width kW",
    cIn: "Input channels C_in",
    cOut: "Output channels C_out",
    stride: "Stride s",
    padding: "Padding p (integer, same or valid)",
    dilation: "Dilation d",
    groups: "Groups g",
    outputPadding: "Output padding",
  },
  paddingMode: "Padding mode",
  paddingModes: { zeros: "zeros", reflect: "reflect", replicate: "replicate", circular: "circular" },
  biasAndFlip: "Bias and flip",
  addBias: "Add a bias",
  biasValues: "Bias values, one per output channel",
  flip: "True convolution (rotate each kernel 180°)",
  values: "Values (type or paste; a blank line between matrices)",
  inputValues: "Input x, one matrix per channel",
  kernelValues: "Kernels w, one matrix per (filter, channel)",
  viewLegend: "View of the same number",
  views: {
    sum: "Sum of element-wise products",
    dot: "Dot product of flattened vectors",
    im2col: "im2col column times kernel row",
    matrix: "Convolution-matrix row times flattened input",
  },
  stepper: "Move the window",
  first: "First",
  previous: "Previous",
  play: "Play",
  pause: "Pause",
  next: "Next",
  reset: "Reset to this page's settings",
  picture: "Input, kernels and output",

  // the messages of a setting that cannot be drawn
  impossible: (why) => `This setting is not possible: ${why}.`,
  cannotStart: (why) => `The interactive explorer could not start: ${why}`,
  // the names the messages give the fields
  sizeNames: {
    H: "input height H",
    W: "input width W",
    kH: "kernel height k_H",
    kW: "kernel width k_W",
    cIn: "input channels C_in",
    cOut: "output channels C_out",
  },
  settingNames: { stride: "stride", dilation: "dilation", groups: "groups", outputPadding: "output_padding" },
  fields: { x: "input x", w: "kernels w", bias: "bias values" },
  notInteger: (name, got) => `${name} must be an integer; got ${got === null ? "an empty field" : got}`,
  outOfRange: (name, limit, got) => `${name} must be between 1 and ${limit} in the explorer; got ${got}`,
  noNumber: (field) => `${field}: enter at least one number`,
  badBrackets: (field) => `${field}: the brackets do not form a nested list of numbers`,
  notMatrices: (field) => `${field}: give a matrix [[...], ...] or a list of matrices`,
  emptyMatrix: (field, b) => `${field}: matrix ${b} is empty`,
  raggedRow: (field, b, r, n, width) => `${field}: matrix ${b}, row ${r} has ${n} numbers; row 1 has ${width}`,
  notANumber: (field, entry, b, r) => `${field}: ${entry} in matrix ${b}, row ${r} is not a number`,
  tooLarge: (field, entry, b, r) => `${field}: ${entry} in matrix ${b}, row ${r} must be a number between -1000000 and 1000000`,
  unequalShapes: (field, rows, cols) => `${field}: every matrix must have the shape of the first, ${rows} by ${cols}`,
  tooMany: (field, count, rows, cols) => `${field}: at most ${count} matrices of ${rows} by ${cols} in the explorer`,
  kernelCount: (given, grouped, fixed) =>
    `kernels w: ${given} matrices given; the count must be a multiple of ${grouped ? "C_in / groups" : "C_in"} = ${fixed}`,
  // a message of arithmetic.mjs, which speaks English
  arithmetic: (message) => message,

  // the picture of conv2d
  convStatus: (where, position, count) => `Output ${where}: position ${position} of ${count}.`,
  notRead: (o) => `not read by output channel ${o}`,
  inputCaption: (c, pt, pb, pl, pr, mode) => `input channel ${c}, padded by ${pt}, ${pb} rows and ${pl}, ${pr} columns (${mode})`,
  padCell: "padding",
  rotated: "rotated 180°",
  kernelCaption: (o, c, flipped) => `kernel of output channel ${o}, input channel ${c}${flipped ? ", as applied (rotated)" : ""}`,
  outputCaption: (o) => `output channel ${o}; choose a cell to move the window there`,
  inputRow: "Input (padding hatched; the window's taps outlined)",
  kernelRowFlipped: "Kernels, rotated 180° (true convolution)",
  kernelRow: "Kernels (cross-correlation, as CNNs compute)",
  outputRow: "Output",
  flipLink: "convolution is correlation with the rotated kernel",
  flipNone: (count) =>
    `Rotating the kernels by 180° changes none of the ${count} outputs here: these kernels read the same rotated, so cross-correlation and true convolution agree (`,
  flipSome: (changed, count) =>
    `Rotating the kernels by 180° changes ${changed} of the ${count} outputs: with these kernels cross-correlation and true convolution differ (`,

  // the written arithmetic of one output
  checkFailed: " (check failed)",
  sumHead: (where, o, i, j, withBias) =>
    `${where} = Σ over channels c, rows u, columns v of x[c, s·${i} + d·u − p, s·${j} + d·v − p] · w[${o}, c, u, v]${withBias ? " + bias" : ""} (`,
  layerDefinition: "the layer's definition",
  definition: "the definition",
  channel: (c) => `channel ${c}: `,
  sumOverChannels: "sum over channels",
  dotHead: "The window read, flattened in (c, u, v) order, dotted with the flattened kernel (",
  dotTheorem: "the Hadamard–dot theorem",
  windowVector: "window vector",
  kernelVector: "kernel vector",
  dotProduct: "dot product",
  im2colHead: (cOut, rows, cols, o, col, i, Wo, j) =>
    `im2col: the output is the weight matrix (${cOut} × ${rows}) times the im2col matrix (${rows} × ${cols}); entry (${o}, ${col}) is row ${o} times column ${col} = ${i}·${Wo} + ${j} (`,
  im2colTheorem: "the im2col theorem",
  im2colColumn: (col) => `column ${col} of the im2col matrix (the window)`,
  weightRow: (o) => `row ${o} of the weight matrix (filter ${o})`,
  rowTimesColumn: "row × column",
  matrixHead: (rows, n, row, o, HoWo, i, Wo, j) =>
    `The convolution matrix T (${rows} × ${n}) maps the flattened input to the flattened output; row ${row} = ${o}·${HoWo} + ${i}·${Wo} + ${j} holds the weights of the pixels this output reads (`,
  matrixTheorem: "the convolution-matrix theorem",
  zeroExcept: (n) => `zero except the ${n} entries below`,
  rowOfT: (row) => `row ${row} of T`,
  nonzeroEntries: "nonzero entries",
  onlyPadding: "none (the window reads only zero padding)",
  rowTimesInput: "row · flattened input",
  addedWeights: (mode) => `With ${mode} padding a pixel read by several taps gets their weights added in its column.`,
  tapPad: (u, v, c, products) => `tap (u, v) = (${u}, ${v}) of channel ${c} reads zero padding: ${products}`,
  tapRead: (u, v, products) => `tap (u, v) = (${u}, ${v}): ${products}`,
  whereFrom: (n) => `Where each of the ${n} products comes from`,

  // the picture of the transposed convolution
  stampStatus: (where, value, stamp, count) => `Input ${where} = ${value} stamps its kernels: stamp ${stamp} of ${count}.`,
  stampCaption: (c) => `input channel ${c}; choose a cell to stamp from there`,
  stampKernelCaption: (c, o) => `kernel input channel ${c} stamps onto output channel ${o}`,
  partialPanel: (o) => `partial y[${o}]`,
  finalPanel: (o) => `final y[${o}]`,
  partialCaption: (o) => `partial output channel ${o}; the cells this stamp adds to are outlined`,
  finalCaption: (o) => `final output channel ${o}`,
  stampInputRow: "Input (choose a value to stamp)",
  stampKernelRow: "Kernels",
  partialRow: (stamp, count) => `Output after ${stamp} of ${count} stamps, bias not yet added`,
  finalRow: (withBias) => `Output after every stamp${withBias ? " and the bias" : ""}`,
  stampHead: (where, value, c, i, j) =>
    `${where} = ${value} adds ${value} × w[${c}, o, u, v] to y[o, s·${i} + d·u − p, s·${j} + d·v − p] (`,
  stampTail: "); overlapping stamps add up:",
  cropped: (u, v, a, b) => `tap (${u}, ${v}) lands at (${a}, ${b}), outside the output: cropped by the padding`,

  // the output-size formula
  sizeTitle: "Output size (",
  sizeTheorem: "the output-size theorem",
};

// The Spanish of a setting named in a message of arithmetic.mjs.
const ES_NAMES = {
  stride: "el paso s",
  dilation: "la dilatación d",
  padding: "el relleno p",
  outputPadding: "el relleno de salida",
  paddingMode: "el modo de relleno",
  groups: "el número de grupos g",
  bias: "el sesgo",
  mode: "el modo",
  position: "la posición",
};
const esName = (name) => ES_NAMES[name] ?? name;
const esPair = (list) => list.split(",").join(", ");
// "a", "b", "c" as «"a", "b" o "c"»
const esChoices = (list) => {
  const parts = list.split(", ");
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} o ${parts.at(-1)}` : list;
};

// The messages of arithmetic.mjs (every fail() there), as [English pattern, Spanish].
const ES_ARITHMETIC = [
  [
    /^in mode "valid" the kernel b must fit inside a on both axes; got a of shape \[(.*?)\] and b of shape \[(.*?)\] \(use mode "same" or "full"\)$/,
    (a, b) => `en el modo "valid" el núcleo b debe caber dentro de a en los dos ejes; a tiene forma [${a}] y b, [${b}] (los modos "same" y "full" lo admiten)`,
  ],
  [/^bias must have one entry per output channel \((\d+)\); got (\d+) entries$/, (n, got) => `el sesgo debe tener un valor por canal de salida (${n}); tiene ${got}`],
  [/^options must be an object; got (.*)$/s, (got) => `options debe ser un objeto; se ha recibido ${got}`],
  [/^options has no setting (.*); accepted: (.*)$/s, (key, known) => `options no tiene el ajuste ${key}; se aceptan: ${known}`],
  [/^groups must be an integer; got (.*)$/s, (got) => `el número de grupos g debe ser un entero; se ha recibido ${got}`],
  [/^groups must be >= 1; got (.*)$/s, (got) => `el número de grupos g debe ser al menos 1; se ha recibido ${got}`],
  [
    /^padding of convTranspose2d must be an integer or a pair of integers \(no "valid" or "same"\); got (.*)$/s,
    (got) => `el relleno p de la convolución transpuesta debe ser un entero o un par de enteros (ni "valid" ni "same"); se ha recibido ${got}`,
  ],
  [
    /^outputPadding must be smaller than the stride or the dilation on each axis; got outputPadding=(.*?), stride=(.*?), dilation=(.*)$/s,
    (op, s, d) => `el relleno de salida debe ser menor que el paso o que la dilatación en cada eje; se ha recibido un relleno de salida ${op}, un paso ${s} y una dilatación ${d}`,
  ],
  [
    /^groups must divide the input channels C_in; got groups=(\d+) and C_in=(\d+)$/,
    (g, c) => `el número de grupos g debe dividir los canales de entrada C_in; se ha recibido g = ${g} y C_in = ${c}`,
  ],
  [
    /^groups must divide the output channels C_out = w\.length; got groups=(\d+) and C_out=(\d+)$/,
    (g, c) => `el número de grupos g debe dividir los canales de salida C_out = w.length; se ha recibido g = ${g} y C_out = ${c}`,
  ],
  [
    /^x has C_in=(\d+) channels but w of shape \[(.*?)\] expects w\.length = C_in$/,
    (c, shape) => `x tiene C_in = ${c} canales, pero w, de forma [${esPair(shape)}], pide w.length = C_in`,
  ],
  [
    /^x has C_in=(\d+) channels but w of shape \[(.*?)\] with groups=(\d+) expects w\[0\]\.length \* groups = (\d+)$/,
    (c, shape, g, n) => `x tiene C_in = ${c} canales, pero w, de forma [${esPair(shape)}], con g = ${g} pide w[0].length · g = ${n}`,
  ],
  [/^padding "same" needs stride 1 \(as in PyTorch\); got stride=(.*)$/s, (s) => `el relleno "same" exige paso 1 (como en PyTorch); se ha recibido el paso ${s}`],
  [
    /^paddingMode "reflect" needs a padding smaller than the input on each axis; got padding \[(.*?)\] for an input of size \[(.*?)\]$/,
    (p, size) => `el modo de relleno "reflect" exige un relleno menor que la entrada en cada eje; se ha recibido el relleno [${esPair(p)}] para una entrada de tamaño [${esPair(size)}]`,
  ],
  [
    /^paddingMode "circular" needs a padding no larger than the input on each axis; got padding \[(.*?)\] for an input of size \[(.*?)\]$/,
    (p, size) => `el modo de relleno "circular" exige un relleno no mayor que la entrada en cada eje; se ha recibido el relleno [${esPair(p)}] para una entrada de tamaño [${esPair(size)}]`,
  ],
  [
    /^the output size must be >= 1 on each axis; got \[(.*?)\] from input \[(.*?)\], stride \[(.*?)\], padding \[(.*?)\], dilation \[(.*?)\], kernel \[(.*?)\]$/,
    (out, x, s, p, d, k) =>
      `el tamaño de la salida debe ser al menos 1 en cada eje; sale [${esPair(out)}] de la entrada [${esPair(x)}], el paso [${esPair(s)}], el relleno [${esPair(p)}], la dilatación [${esPair(d)}] y el núcleo [${esPair(k)}]`,
  ],
  [
    /^the output size must be >= 1 on each axis; got \[(.*?)\]: the kernel \[(.*?)\] dilated by \[(.*?)\] spans \[(.*?)\], more than the padded input \[(.*?)\]$/,
    (out, k, d, span, padded) =>
      `el tamaño de la salida debe ser al menos 1 en cada eje; sale [${esPair(out)}]: el núcleo [${esPair(k)}], con dilatación [${esPair(d)}], abarca [${esPair(span)}], más que la entrada con relleno [${esPair(padded)}]`,
  ],
  [/^position must be \[o, i, j\], three integers; got (.*)$/s, (got) => `la posición debe ser [o, i, j], tres enteros; se ha recibido ${got}`],
  [/^position must index the output of shape \[(.*?)\]; got (.*)$/s, (shape, got) => `la posición debe señalar un elemento de la salida, de forma [${esPair(shape)}]; se ha recibido ${got}`],
  // the messages of arithmetic.mjs's general checks, which name the argument
  [/^(\w+)((?:\[\d+\])+) must be a number; got (.*)$/s, (name, where, got) => `${name}${where} debe ser un número; se ha recibido ${got}`],
  [
    /^(\w+) must be a rectangular (\d+)-D Array of shape \[(.*?)\]; (\w+(?:\[\d+\])*) is (.*)$/s,
    (name, n, shape, part, got) => `${esName(name)} debe ser un arreglo rectangular de ${n} dimensiones y forma [${esPair(shape)}]; ${part} es ${got}`,
  ],
  [/^(\w+) must be a (\d+)-D nested Array of numbers; got (.*)$/s, (name, n, got) => `${esName(name)} debe ser un arreglo anidado de números de ${n} dimensiones; se ha recibido ${got}`],
  [/^(\w+) must not be empty; got an empty axis (\d+)$/, (name, axis) => `${esName(name)} no puede estar vacío: su eje ${axis} no tiene elementos`],
  [/^(\w+) must be one of (.*?); got (.*)$/s, (name, choices, got) => `${esName(name)} debe ser ${esChoices(choices)}; se ha recibido ${got}`],
  [/^(\w+) must be an integer or a pair of integers; got (.*)$/s, (name, got) => `${esName(name)} debe ser un entero o un par de enteros; se ha recibido ${got}`],
  [/^(\w+) must be >= (\d+) on each axis; got (.*)$/s, (name, n, got) => `${esName(name)} debe ser al menos ${n} en cada eje; se ha recibido ${got}`],
];

/** The Spanish of a message of arithmetic.mjs, or null for a message not known here. */
export function arithmeticInSpanish(message) {
  for (const [pattern, spanish] of ES_ARITHMETIC) {
    const match = pattern.exec(message);
    if (match) return spanish(...match.slice(1));
  }
  return null;
}

const es = {
  title: "Explorador de la convolución",
  settings: "Ajustes del explorador",
  startFrom: "Punto de partida",
  preset: "Ejemplo",
  operation: "Operación",
  modes: { conv2d: "capa de convolución (conv2d)", transposed: "convolución transpuesta" },
  sizes: "Tamaños",
  geometry: "Geometría",
  labels: {
    H: "Altura de la entrada H",
    W: "Anchura de la entrada W",
    kH: "Altura del núcleo kH",
    kW: "Anchura del núcleo kW",
    cIn: "Canales de entrada C_in",
    cOut: "Canales de salida C_out",
    stride: "Paso s",
    padding: "Relleno p (entero, same o valid)",
    dilation: "Dilatación d",
    groups: "Grupos g",
    outputPadding: "Relleno de salida",
  },
  paddingMode: "Modo de relleno",
  paddingModes: { zeros: "zeros (ceros)", reflect: "reflect (reflejo)", replicate: "replicate (borde repetido)", circular: "circular (periódico)" },
  biasAndFlip: "Sesgo y giro",
  addBias: "Añadir un sesgo",
  biasValues: "Valores del sesgo, uno por canal de salida",
  flip: "Convolución verdadera (núcleo girado 180°)",
  values: "Valores (se escriben o se pegan; una línea en blanco entre matrices)",
  inputValues: "Entrada x, una matriz por canal",
  kernelValues: "Núcleos w, una matriz por (filtro, canal)",
  viewLegend: "El mismo número, visto como",
  views: {
    sum: "Suma de productos elemento a elemento",
    dot: "Producto escalar de vectores aplanados",
    im2col: "Columna de im2col por fila del núcleo",
    matrix: "Fila de la matriz de convolución por la entrada aplanada",
  },
  stepper: "Mover la ventana",
  first: "Primero",
  previous: "Anterior",
  play: "Reproducir",
  pause: "Pausa",
  next: "Siguiente",
  reset: "Restablecer los valores de esta página",
  picture: "Entrada, núcleos y salida",

  impossible: (why) => `Este ajuste no es posible: ${why}.`,
  cannotStart: (why) => `El explorador interactivo no ha podido arrancar: ${why}`,
  sizeNames: {
    H: "la altura de la entrada H",
    W: "la anchura de la entrada W",
    kH: "la altura del núcleo k_H",
    kW: "la anchura del núcleo k_W",
    cIn: "el número de canales de entrada C_in",
    cOut: "el número de canales de salida C_out",
  },
  settingNames: { stride: "el paso s", dilation: "la dilatación d", groups: "el número de grupos g", outputPadding: "el relleno de salida" },
  fields: { x: "entrada x", w: "núcleos w", bias: "valores del sesgo" },
  notInteger: (name, got) => `${name} debe ser un número entero; ${got === null ? "el campo está vacío" : `se ha escrito ${got}`}`,
  outOfRange: (name, limit, got) => `${name} debe estar entre 1 y ${limit} en el explorador; se ha escrito ${got}`,
  noNumber: (field) => `${field}: hace falta al menos un número`,
  badBrackets: (field) => `${field}: los corchetes no forman una lista anidada de números`,
  notMatrices: (field) => `${field}: se espera una matriz [[...], ...] o una lista de matrices`,
  emptyMatrix: (field, b) => `${field}: la matriz ${b} está vacía`,
  raggedRow: (field, b, r, n, width) => `${field}: en la matriz ${b}, la fila ${r} tiene ${n} números y la fila 1 tiene ${width}`,
  notANumber: (field, entry, b, r) => `${field}: ${entry}, en la matriz ${b}, fila ${r}, no es un número`,
  tooLarge: (field, entry, b, r) => `${field}: ${entry}, en la matriz ${b}, fila ${r}, debe ser un número entre -1000000 y 1000000`,
  unequalShapes: (field, rows, cols) => `${field}: todas las matrices deben tener la forma de la primera, ${rows} por ${cols}`,
  tooMany: (field, count, rows, cols) => `${field}: el explorador admite como mucho ${count} matrices de ${rows} por ${cols}`,
  kernelCount: (given, grouped, fixed) =>
    `núcleos w: se han dado ${given} matrices, y su número debe ser múltiplo de ${grouped ? "C_in / g" : "C_in"} = ${fixed}`,
  arithmetic: (message) => arithmeticInSpanish(message) ?? message,

  convStatus: (where, position, count) => `Salida ${where}: posición ${position} de ${count}.`,
  notRead: (o) => `no la lee el canal de salida ${o}`,
  inputCaption: (c, pt, pb, pl, pr, mode) => `canal de entrada ${c}, con un relleno de ${pt} + ${pb} filas y ${pl} + ${pr} columnas (${mode})`,
  padCell: "relleno",
  rotated: "girado 180°",
  kernelCaption: (o, c, flipped) => `núcleo del canal de salida ${o}, canal de entrada ${c}${flipped ? ", tal como se aplica (girado)" : ""}`,
  outputCaption: (o) => `canal de salida ${o}; al elegir una celda, la ventana se mueve allí`,
  inputRow: "Entrada (el relleno, rayado; lo que lee la ventana, recuadrado)",
  kernelRowFlipped: "Núcleos girados 180° (convolución verdadera)",
  kernelRow: "Núcleos (correlación cruzada, como calculan las CNN)",
  outputRow: "Salida",
  flipLink: "la convolución es la correlación con el núcleo girado",
  flipNone: (count) =>
    `Girar los núcleos 180° no cambia ninguna de las ${count} salidas: estos núcleos se leen igual girados, así que la correlación cruzada y la convolución verdadera coinciden (`,
  flipSome: (changed, count) =>
    `Girar los núcleos 180° cambia ${changed} de las ${count} salidas: con estos núcleos, la correlación cruzada y la convolución verdadera difieren (`,

  checkFailed: " (la comprobación ha fallado)",
  sumHead: (where, o, i, j, withBias) =>
    `${where} = Σ sobre los canales c, las filas u y las columnas v de x[c, s·${i} + d·u − p, s·${j} + d·v − p] · w[${o}, c, u, v]${withBias ? " + sesgo" : ""} (`,
  layerDefinition: "la definición de la capa",
  definition: "la definición",
  channel: (c) => `canal ${c}: `,
  sumOverChannels: "suma sobre los canales",
  dotHead: "El producto escalar de la ventana leída, aplanada en el orden (c, u, v), con el núcleo aplanado (",
  dotTheorem: "el teorema del producto de Hadamard y el producto escalar",
  windowVector: "vector de la ventana",
  kernelVector: "vector del núcleo",
  dotProduct: "producto escalar",
  im2colHead: (cOut, rows, cols, o, col, i, Wo, j) =>
    `im2col: la salida es la matriz de pesos (${cOut} × ${rows}) por la matriz im2col (${rows} × ${cols}); el elemento (${o}, ${col}) es la fila ${o} por la columna ${col} = ${i}·${Wo} + ${j} (`,
  im2colTheorem: "el teorema de im2col",
  im2colColumn: (col) => `columna ${col} de la matriz im2col (la ventana)`,
  weightRow: (o) => `fila ${o} de la matriz de pesos (filtro ${o})`,
  rowTimesColumn: "fila × columna",
  matrixHead: (rows, n, row, o, HoWo, i, Wo, j) =>
    `La matriz de convolución T (${rows} × ${n}) lleva la entrada aplanada a la salida aplanada; la fila ${row} = ${o}·${HoWo} + ${i}·${Wo} + ${j} contiene los pesos de los píxeles que lee esta salida (`,
  matrixTheorem: "el teorema de la matriz de convolución",
  zeroExcept: (n) => `ceros salvo los ${n} elementos de abajo`,
  rowOfT: (row) => `fila ${row} de T`,
  nonzeroEntries: "elementos no nulos",
  onlyPadding: "ninguno (la ventana solo lee relleno de ceros)",
  rowTimesInput: "fila · entrada aplanada",
  addedWeights: (mode) => `Con el relleno ${mode}, un píxel que varias posiciones del núcleo leen recibe en su columna la suma de sus pesos.`,
  tapPad: (u, v, c, products) => `posición (u, v) = (${u}, ${v}) del canal ${c}, en el relleno de ceros: ${products}`,
  tapRead: (u, v, products) => `posición (u, v) = (${u}, ${v}): ${products}`,
  whereFrom: (n) => `De dónde sale cada uno de los ${n} productos`,

  stampStatus: (where, value, stamp, count) => `La entrada ${where} = ${value} estampa sus núcleos: sello ${stamp} de ${count}.`,
  stampCaption: (c) => `canal de entrada ${c}; al elegir una celda, se estampa desde allí`,
  stampKernelCaption: (c, o) => `núcleo que el canal de entrada ${c} estampa en el canal de salida ${o}`,
  partialPanel: (o) => `y[${o}] parcial`,
  finalPanel: (o) => `y[${o}] final`,
  partialCaption: (o) => `canal de salida ${o}, parcial; las celdas a las que suma este sello están recuadradas`,
  finalCaption: (o) => `canal de salida ${o}, final`,
  stampInputRow: "Entrada (se elige el valor que se estampa)",
  stampKernelRow: "Núcleos",
  partialRow: (stamp, count) => `Salida tras ${stamp} de ${count} sellos, todavía sin el sesgo`,
  finalRow: (withBias) => `Salida tras todos los sellos${withBias ? " y el sesgo" : ""}`,
  stampHead: (where, value, c, i, j) =>
    `${where} = ${value} suma ${value} × w[${c}, o, u, v] a y[o, s·${i} + d·u − p, s·${j} + d·v − p] (`,
  stampTail: "); los sellos que se solapan se suman:",
  cropped: (u, v, a, b) => `la posición (${u}, ${v}) del núcleo cae en (${a}, ${b}), fuera de la salida: la recorta el relleno`,

  sizeTitle: "Tamaño de la salida (",
  sizeTheorem: "el teorema del tamaño de la salida",
};

export const WORDS = { en, es };

/** The language of `doc`'s <html lang> (its primary subtag) when WORDS has it, else "en". */
export function languageOf(doc) {
  const code = String(doc?.documentElement?.lang || "en").toLowerCase().split(/[-_]/)[0];
  return Object.hasOwn(WORDS, code) ? code : "en";
}

/** The table of `language` (a code such as "es" or "es-ES"), or English's. */
export function words(language = "en") {
  const code = String(language).toLowerCase().split(/[-_]/)[0];
  return Object.hasOwn(WORDS, code) ? WORDS[code] : en;
}
