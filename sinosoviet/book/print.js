// The print edition's shape, applied by sinosoviet/book/pdf.py to the single-page build in
// headless Chromium before it prints: a title page and contents, parts, one named page per
// chapter (a new page, and its title as the running head), in-document links, no screen controls.
// Called with the book's facts (pdf.py's book_facts); returns the contents' entries and what the
// condensing of reference chapters did not find.
(meta) => {
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    node.append(...children);
    return node;
  };
  const headingText = (h) => {
    const copy = h.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((a) => a.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };
  const cssString = (s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';

  const article = document.querySelector("article.bd-article");
  const intro = article.querySelector(":scope > section");
  const wrappers = [...intro.querySelectorAll(":scope > div.toctree-wrapper")];
  // Sphinx marks where each page began with an empty span between the chapters; on its own it
  // would open a blank page, so it moves into the chapter it marks.
  wrappers.forEach((w) => w.querySelectorAll(":scope > span[id]").forEach((span) => span.nextElementSibling?.prepend(span)));
  if (wrappers.length !== meta.parts.length) {
    throw new Error(`${wrappers.length} parts in the page, ${meta.parts.length} in _toc.yml`);
  }

  // Parts and chapters. Each chapter is a named page: it starts a new page, and its @page rule
  // sets the running head (Chromium does not implement string-set, but it does named pages).
  // A part's title heads the page its first chapter opens (a page of its own would be a page of
  // nothing): the part's heading and the list's wrapper share that chapter's named page.
  const chapters = [{ section: intro, part: null }];
  wrappers.forEach((wrapper, i) => {
    const id = `part-${i + 1}`;
    const heading = el("section", { class: "print-part", id }, el("h1", {}, meta.parts[i]));
    wrapper.before(heading);
    chapters.push({ part: { id, title: meta.parts[i], heading, wrapper } });
    wrapper.querySelectorAll(":scope > section").forEach((section) => chapters.push({ section, part: null }));
  });
  const rules = [];
  const entries = chapters.map((c, n) => {
    if (c.part) {
      const name = `chapter-${n + 1}`;  // the part's first chapter, next in the list
      c.part.heading.style.page = c.part.wrapper.style.page = name;
      return { id: c.part.id, title: c.part.title, level: "part" };
    }
    const title = headingText(c.section.querySelector("h1, h2"));
    c.section.classList.add("print-chapter");
    if (chapters[n - 1]?.part) c.section.classList.add("print-after-part");
    c.section.style.page = `chapter-${n}`;
    rules.push(`@page chapter-${n} { @top-center { content: ${cssString(title)}; } }`);
    return { id: c.section.id, title, level: "chapter" };
  });
  document.head.append(el("style", {}, rules.join("\n")));

  // Explorers need a browser or a kernel: in print, a pointer to them.
  const explore = document.getElementById("explore-the-data");
  if (explore) {
    const heading = explore.querySelector("h2");
    [...explore.children].filter((child) => child !== heading).forEach((child) => child.remove());
    explore.append(el("p", {}, meta.explore));
  }

  // Captions say what the figure shows; how to work it on screen, and the data table under it,
  // are not in print. Only sentences with no markup inside are dropped, so no citation is lost.
  document.querySelectorAll("figcaption, .caption-text, .sinosoviet-caption").forEach((caption) => {
    caption.innerHTML = caption.innerHTML.replace(new RegExp(meta.screenSentence, "g"), "");
  });

  // Links: a link into the book becomes a link within the PDF; one to a file of the build
  // (a notebook, a download) has no place in print and keeps its text only.
  document.querySelectorAll("a[href]").forEach((a) => {
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    const target = url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)));
    if (target) a.setAttribute("href", url.hash);
    else a.removeAttribute("href");
  });

  // Tables: the id column is for the data, not the reader; long reference tables keep the
  // columns a reader of the page needs (meta.condense, by chapter), with a note saying where the
  // rest is. The web edition keeps everything.
  const dropColumns = (table, names) => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    heads.forEach((head, col) => {
      if (!names.includes(head)) return;
      table.querySelectorAll("tr").forEach((tr) => tr.children[col]?.classList.add("print-drop"));
    });
    return heads;
  };
  document.querySelectorAll("article table").forEach((table) => dropColumns(table, ["Id"]));
  // What the condensing did not find (a chapter, column or element renamed in the web book):
  // reported, so that the print edition does not quietly grow back.
  const unmatched = [];
  Object.entries(meta.condense).forEach(([id, how]) => {
    const section = document.getElementById(id);
    if (!section) return unmatched.push(`#${id}`);
    section.classList.add("print-condensed");
    const heads = new Set([...section.querySelectorAll("table")].flatMap((t) => dropColumns(t, how.drop || [])));
    (how.drop || []).filter((name) => !heads.has(name)).forEach((name) => unmatched.push(`#${id}: column ${name}`));
    (how.hide || []).forEach((selector) => {
      const found = section.querySelectorAll(selector);
      if (!found.length) unmatched.push(`#${id}: ${selector}`);
      found.forEach((n) => n.classList.add("print-drop"));
    });
    section.querySelector("h1, h2").after(el("p", { class: "print-note" }, how.note));
  });
  // The bibliography in print lists the works the printed text cites (a row the text links to);
  // the web edition lists every source, including those cited only by rows of the data.
  const bibliography = document.getElementById(meta.worksCited.section);
  if (bibliography) {
    const cited = new Set([...document.querySelectorAll('a[href^="#"]')]
      .filter((a) => !bibliography.contains(a) && a.checkVisibility())
      .map((a) => decodeURIComponent(a.getAttribute("href").slice(1))));
    const rows = [...bibliography.querySelectorAll("tr[id]")];
    rows.forEach((tr) => { if (!cited.has(tr.id)) tr.classList.add("print-drop"); });
    const kept = rows.filter((tr) => cited.has(tr.id)).length;
    bibliography.querySelector(".print-note").textContent = meta.worksCited.note
      .replace("{cited}", kept).replace("{all}", rows.length);
  }

  // A cross-reference to a chapter or section gains its page, "(p. 96)", filled in with the
  // contents' numbers (pdf.py prints again until no number moves).
  const refs = {};
  document.querySelectorAll('article a.reference.internal[href^="#"]').forEach((a) => {
    const id = decodeURIComponent(a.getAttribute("href").slice(1));
    const target = document.getElementById(id);
    if (!target || !["SECTION", "SPAN"].includes(target.tagName) || a.closest(".toctree-wrapper li, .print-front")
        || !a.checkVisibility()) return;
    const section = target.tagName === "SECTION" ? target : target.closest("section");
    const heading = section?.querySelector("h1, h2, h3, h4");
    if (!heading) return;
    refs[id] = headingText(heading);
    a.after(" (p.\u00a0", el("span", { class: "print-page print-pageref", "data-target": id }, "00"), ")");
  });

  // Front matter: the title page and the contents (page numbers are filled in after a first
  // printing, from where each chapter's link target landed).
  const contents = el("ol", { class: "print-contents-list" });
  entries.forEach((e) => contents.append(el("li", { class: `toc-${e.level}` },
    el("a", { href: `#${e.id}` }, el("span", { class: "print-entry" }, e.title),
       el("span", { class: "print-page", "data-target": e.id }, "000")))));
  const front = el("div", { class: "print-front" },
    el("section", { class: "print-title-page" },
      el("p", { class: "print-title" }, meta.title),
      el("p", { class: "print-subtitle" }, meta.subtitle),
      el("p", { class: "print-authors" }, meta.authors),
      el("p", { class: "print-edition" }, meta.edition),
      el("p", { class: "print-licence" }, meta.licence),
      el("p", { class: "print-citation" }, meta.citation)),
    el("nav", { class: "print-contents" }, el("h1", {}, "Contents"), contents));
  article.prepend(front);
  document.body.classList.add("print-book");
  return { entries, unmatched, refs };
}
