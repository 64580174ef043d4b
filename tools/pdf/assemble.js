// Turn the loaded front page into the whole site as one document, ready to print
// (tools/print_pdf.py). Every page of the site's navigation is fetched as the site built
// it, so every number (theorem, definition, figure, equation, exercise) is the HTML's own.
// A page becomes a numbered chapter; ids get the page's name as a prefix (`fft::thm-x`)
// and links between pages become links inside the document. Hidden code cells are opened,
// solutions are moved to the end of their chapter, and an explorer gives way to its
// static figure.
async ({front, toc, words}) => {
  const origin = location.origin;
  const pathOf = (url) => decodeURIComponent(new URL(url).pathname).replace(/^\//, "");
  const docOf = (url) => pathOf(url).replace(/\.html$/, "");
  const nav = [...document.querySelectorAll("nav.bd-docs-nav a.reference.internal")].map((a) => a.href.split("#")[0]);
  const urls = [...new Set([location.href.split("#")[0], ...nav])];
  const docs = new Set(urls.map(docOf));
  const book = document.createElement("article");
  book.className = "bd-article pdf-book";
  const chapters = [];
  for (const [index, url] of urls.entries()) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const article = page.querySelector("article.bd-article");
    if (!article) throw new Error(`${url}: no article`);
    const doc = docOf(url);
    for (const el of article.querySelectorAll("[src]")) el.setAttribute("src", new URL(el.getAttribute("src"), url).href);
    for (const el of article.querySelectorAll("a[href]")) el.setAttribute("href", new URL(el.getAttribute("href"), url).href);
    for (const el of article.querySelectorAll("[id]")) el.id = `${doc}::${el.id}`;
    for (const el of article.querySelectorAll(".toctree-wrapper, a.headerlink, script")) el.remove();
    for (const el of article.querySelectorAll("noscript")) el.replaceWith(...el.childNodes);
    for (const el of article.querySelectorAll("details")) el.open = true;
    const chapter = document.createElement("section");
    chapter.className = "pdf-chapter";
    chapter.id = `${doc}::`;
    chapter.append(...article.childNodes);
    const h1 = chapter.querySelector("h1");
    if (!h1) throw new Error(`${url}: no title`);
    const number = document.createElement("span");
    number.className = "pdf-chapter-number";
    number.textContent = `${index + 1} `;
    h1.prepend(number);
    // Solutions at the end of the chapter, each exercise pointing to its own.
    const solutions = [...chapter.querySelectorAll("div.solution")];
    if (solutions.length) {
      const part = document.createElement("section");
      part.className = "pdf-solutions";
      const title = document.createElement("h2");
      title.id = `${doc}::pdf-solutions`;
      title.textContent = words.solutions.replace("{n}", String(index + 1));
      part.append(title);
      for (const solution of solutions) {
        const back = solution.querySelector(".admonition-title a[href]");
        const exercise = back && chapter.querySelector(`[id="${doc}::${new URL(back.href).hash.slice(1)}"]`);
        if (exercise) {
          const link = document.createElement("p");
          link.className = "pdf-solution-link";
          link.innerHTML = words.its_solution.replace("{href}", `#${solution.id}`);
          exercise.after(link);
        }
        solution.classList.remove("dropdown");
        part.append(solution);
      }
      chapter.append(part);
    }
    chapters.push({doc, chapter, h1});
    book.append(chapter);
  }
  // Links between pages become links inside the book; links to files the book does not hold
  // (sources, downloads) become plain text.
  for (const a of book.querySelectorAll("a[href]")) {
    const url = new URL(a.href);
    if (url.origin !== origin) continue;
    const doc = docOf(url.href);
    if (docs.has(doc) && pathOf(url.href).endsWith(".html")) {
      a.setAttribute("href", "#" + (url.hash ? `${doc}::${decodeURIComponent(url.hash.slice(1))}` : `${doc}::`));
    } else {
      a.removeAttribute("href");
    }
  }
  // Front matter: the title page, then the contents (page numbers filled in by the second pass).
  const title = document.createElement("section");
  title.className = "pdf-title";
  title.innerHTML = front;
  const contents = document.createElement("nav");
  contents.className = "pdf-toc";
  contents.innerHTML = `<h1 id="pdf-contents">${toc}</h1>`;
  const list = document.createElement("ol");
  const entries = [];
  const entry = (target, heading, level) => {
    const item = document.createElement("li");
    item.className = `pdf-toc-${level}`;
    const link = document.createElement("a");
    link.href = `#${target}`;
    // The heading's text, its math as TeX, typeset with the rest (a copy of the heading's own
    // elements would give Chromium's outline each title twice).
    link.textContent = heading.textContent.replace(/\s+/g, " ").trim();
    const page = document.createElement("span");
    page.className = "pdf-toc-page";
    item.append(link, page);
    list.append(item);
    entries.push({title: heading.textContent.replace(/\s+/g, " ").trim(), level, target});
  };
  for (const {chapter, h1} of chapters) {
    entry(chapter.id, h1, 1);
    for (const h2 of chapter.querySelectorAll("h2")) {
      const section = h2.closest("section[id]");
      const target = h2.id || (section && section.id);
      if (target) entry(target, h2, 2);
    }
  }
  contents.append(list);
  const shell = document.createElement("div");
  shell.className = "pdf-shell";
  shell.append(title, contents, book);
  document.body.replaceChildren(shell);
  document.documentElement.dataset.theme = "light";
  document.documentElement.dataset.mode = "light";
  if (window.MathJax && MathJax.typesetPromise) {
    MathJax.typesetClear && MathJax.typesetClear();
    await MathJax.typesetPromise([shell]);
  }
  const images = [...document.images];
  for (const image of images) image.loading = "eager";
  await Promise.all(images.map((image) => image.complete ? null : new Promise((done) => {
    image.addEventListener("load", done); image.addEventListener("error", done);
  })));
  return {
    chapters: chapters.map(({doc, h1}) => ({doc, title: h1.textContent.replace(/\s+/g, " ").trim()})),
    entries,
    broken: images.filter((image) => !image.naturalWidth).map((image) => image.src),
    unrendered: [...shell.querySelectorAll("div.math, span.math")].filter((e) => !e.querySelector("mjx-container")).length,
    errors: [...shell.querySelectorAll("mjx-merror")].map((e) => e.textContent.slice(0, 80)),
  };
}
