// TeX to CommonHTML at build time, so that no math script runs in the reader's browser.
//
// Reads JSON from stdin: [{"formulas": [{"tex": "...", "display": false}, ...]}, ...], one entry
// per page, and writes JSON to stdout: [{"html": ["<mjx-container ...>", ...], "css": "..."}, ...].
// Each formula keeps MathJax's assistive MathML (a hidden <mjx-assistive-mml> copy that screen
// readers read). The CSS of a page covers the glyphs that page uses; its font URLs begin with
// the placeholder @FONTS@, which conf/site_build.py replaces by the page's path to the fonts.
// Called by conf/site_build.py (prerender_math) with the MathJax pinned in package-lock.json.
"use strict";

const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { CHTML } = require("mathjax-full/js/output/chtml.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");

// In a browser MathJax scales its glyphs so that their x-height matches the text's. The site's
// text font has an x-height of about half an em against 0.442 em for MathJax's TeX font.
const SCALE = 0.5 / 0.442;

// Packages that load code at run time cannot work here; every other TeX package is available.
const PACKAGES = AllPackages.filter((name) => !["autoload", "require"].includes(name));

function main(input) {
  const pages = JSON.parse(input);
  const adaptor = liteAdaptor();
  AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
  const tex = new TeX({ packages: PACKAGES, formatError: (jax, error) => { throw error; } });
  const chtml = new CHTML({ fontURL: "@FONTS@", adaptiveCSS: true });
  const html = mathjax.document("", { InputJax: tex, OutputJax: chtml, enableAssistiveMml: true });
  const out = [];
  for (const page of pages) {
    chtml.clearCache();
    const rendered = page.formulas.map(({ tex: source, display }) => {
      try {
        return adaptor.outerHTML(html.convert(source, { display, em: 16, ex: 8, containerWidth: 80 * 16, scale: SCALE }));
      } catch (error) {
        throw new Error(`TeX error in ${JSON.stringify(source)}: ${error.message}`);
      }
    });
    out.push({ html: rendered, css: adaptor.textContent(chtml.styleSheet(html)) });
  }
  return JSON.stringify(out);
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  try {
    process.stdout.write(main(input));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
});
