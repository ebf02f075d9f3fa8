/* coursekit serve: reload after a good rebuild; after a failed one, show its diagnostics over the last good page. */
(function () {
  "use strict";
  const version = Number(document.currentScript.dataset.version);
  let box = null;

  function hide() {
    if (box) box.remove();
    box = null;
  }

  function show(errors) {
    hide();
    box = document.createElement("section");
    box.id = "coursekit-errors";
    box.lang = "en";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "coursekit-errors-title");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:1000;" +
      "background:#fff;color:#1b1b1b;border-top:4px solid #a32020;padding:0.75rem 1.25rem;" +
      "box-shadow:0 -2px 12px rgba(0,0,0,.25);font:15px/1.5 system-ui,sans-serif";
    const h = document.createElement("h2");
    h.id = "coursekit-errors-title";
    h.style.cssText = "margin:0 0 0.5rem;font-size:1.1rem;color:#a32020";
    h.textContent = `The course has ${errors.length} error(s); this page shows the last good build.`;
    box.appendChild(h);
    const list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.25rem";
    for (const e of errors) {
      const li = document.createElement("li");
      li.className = "coursekit-error";
      const where = document.createElement("code");
      where.textContent = e.where;
      li.append(where, ` ${e.code} ${e.severity}: ${e.message}`);
      if (e.fix) {
        const fix = document.createElement("div");
        fix.textContent = `fix: ${e.fix}`;
        li.appendChild(fix);
      }
      list.appendChild(li);
    }
    box.appendChild(list);
    document.body.appendChild(box);
  }

  const events = new EventSource("/__coursekit/events");
  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    if (state.errors.length) show(state.errors);
    else if (state.version !== version) location.reload();
    else hide();
  };
})();
