// Runs arithmetic.mjs on the cases conf/explorer/arithmetic_check.py sends, one JSON object per line on
// stdin, and answers one line each on stdout: {"ok": true, "value": ...} or
// {"ok": false, "message": ...} when the function threw. Cases: {"fn", "args"} with fn one of
// the module's exports and args its positional arguments.
import { createInterface } from "node:readline";
import * as arithmetic from "./arithmetic.mjs";

const EXPORTS = ["correlate2d", "convolve2d", "conv2d", "convTranspose2d", "terms"];

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const { fn, args } = JSON.parse(line);
    if (!EXPORTS.includes(fn)) throw new Error(`unknown function ${fn}`);
    answer = { ok: true, value: arithmetic[fn](...args) };
  } catch (error) {
    answer = { ok: false, message: error instanceof Error ? error.message : String(error), error: error instanceof Error };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
