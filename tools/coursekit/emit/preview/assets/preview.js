/* coursekit preview: problems as Open edX shows them (submit, attempts, feedback, hints, show answer),
 * graded by grade.js. Nothing is stored or sent: a reload starts over. */
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("coursekit-strings").textContent);
  const say = (key, values) => S[key].replace(/\{(\w+)\}/g, (_, k) => String(values && values[k]));

  function copy(from, into) {
    for (const node of from.childNodes) {
      if (!(node.classList && node.classList.contains("print-label"))) into.appendChild(node.cloneNode(true));
    }
  }

  function para(text, cls) {
    const p = document.createElement("p");
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }

  function setupProblem(form) {
    const key = JSON.parse(form.querySelector(".answer-key").textContent);
    const kind = form.dataset.kind;
    const max = form.dataset.maxAttempts ? Number(form.dataset.maxAttempts) : null;
    const showanswer = form.dataset.showanswer;
    const withheld = form.dataset.withheld === "1"; // show_correctness: never, or past_due with a due date
    const feedback = form.querySelector(".feedback");
    const attemptsLine = form.querySelector(".attempts");
    const submit = form.querySelector("button.submit");
    const reveal = form.querySelector(".reveal-button");
    const hintButton = form.querySelector(".hint-button");
    const hintShown = form.querySelector(".hint-shown");
    const stored = form.querySelector(".stored");
    const hints = stored.querySelectorAll(".hint");
    let used = 0, solved = false, nextHint = 0;

    function response() {
      if (kind === "single-choice" || kind === "multiple-choice") {
        return [...form.querySelectorAll(".choices input:checked")].map((i) => Number(i.value));
      }
      const input = form.querySelector("select, input[type=text]");
      return input.value;
    }

    function answerAllowed() {
      if (withheld) return false;
      const out = max !== null && used >= max;
      switch (showanswer) {
        case "always": return true;
        case "answered": case "correct_or_past_due": return solved;
        case "attempted": case "attempted_no_past_due": return used > 0;
        case "finished": return solved || out;
        case "closed": case "after_all_attempts": return out;
        case "after_all_attempts_or_correct": return solved || out;
        default: return false; // never, past_due: not before a due date, which a preview does not reach
      }
    }

    function update() {
      attemptsLine.textContent = max !== null ? say("attempts", { used: used, max: max })
        : (used > 0 ? say("attempts_free", { used: used }) : "");
      if (max !== null && used >= max) {
        submit.disabled = true;
        attemptsLine.textContent += " " + S.no_attempts_left;
      }
      reveal.hidden = !answerAllowed();
    }

    function choiceFeedback(chosen) {
      const out = [];
      if (kind === "multiple-choice") {
        const wanted = [...chosen].sort((a, b) => a - b).join(" ");
        const combo = [...stored.querySelectorAll(".fb-combination")].find((c) => c.dataset.choices === wanted);
        if (combo) return [combo];
      }
      for (const fb of stored.querySelectorAll(".fb")) {
        const picked = chosen.includes(Number(fb.dataset.choice));
        if ((fb.dataset.when === "selected") === picked && (picked || kind === "multiple-choice")) out.push(fb);
      }
      return out;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      const given = response();
      const result = window.coursekitGrade(key, given);
      feedback.replaceChildren();
      form.classList.remove("is-correct", "is-incorrect");
      if (result.error) {
        feedback.appendChild(para(S["err_" + result.error] || S.err_unsupported, "problem-error"));
        return; // like CAPA: an answer it cannot read is not an attempt
      }
      used += 1;
      if (withheld) { // Open edX saves the answer and says nothing of it
        feedback.appendChild(para(S.withheld, "verdict"));
        update();
        return;
      }
      solved = solved || result.correct;
      form.classList.add(result.correct ? "is-correct" : "is-incorrect");
      feedback.appendChild(para(result.correct ? S.correct : S.incorrect, "verdict"));
      let extra = [];
      if (kind === "single-choice" || kind === "multiple-choice") {
        extra = choiceFeedback(given);
      } else if (kind === "dropdown") {
        extra = [...stored.querySelectorAll(".fb")].filter((fb) => fb.dataset.choice === String(given));
      } else if (result.correct) {
        extra = [...stored.querySelectorAll(".fb-correct")];
      } else if (result.hint !== undefined) {
        extra = [...stored.querySelectorAll(".fb-wrong")].filter((fb) => fb.dataset.hint === String(result.hint));
      }
      for (const fb of extra) {
        const div = document.createElement("div");
        div.className = "choice-feedback";
        copy(fb, div);
        feedback.appendChild(div);
      }
      update();
    });

    if (hintButton) {
      hintButton.addEventListener("click", () => {
        const hint = hints[nextHint % hints.length];
        hintShown.replaceChildren();
        const p = document.createElement("div");
        p.className = "hint-text";
        const label = document.createElement("strong");
        label.textContent = say("hint_n", { n: nextHint % hints.length + 1, total: hints.length }) + ": ";
        p.appendChild(label);
        copy(hint, p);
        hintShown.appendChild(p);
        nextHint += 1;
      });
    }

    reveal.addEventListener("click", () => {
      form.querySelector(".answer-box").hidden = false;
      for (const index of key.correct || []) {
        const choice = form.querySelector(`.choice[data-choice="${index}"]`);
        if (choice) choice.classList.add("is-answer");
      }
      if (kind === "dropdown") {
        const names = (key.correct || []).map((i) => form.querySelector(`option[value="${i}"]`).textContent);
        const box = form.querySelector(".answer-box");
        box.insertBefore(para(S.answer + ": " + names.join(" / "), "answer-text"), box.firstChild);
      }
      reveal.hidden = true;
      form.querySelector(".answer-box").focus();
    });

    update();
  }

  document.querySelectorAll("form.problem").forEach(setupProblem);

  const printAnswers = document.getElementById("print-answers");
  if (printAnswers) {
    printAnswers.addEventListener("change", () => document.body.classList.toggle("print-answers", printAnswers.checked));
  }
  // Printing: open every transcript so the printout has them.
  window.addEventListener("beforeprint", () => document.querySelectorAll("details").forEach((d) => {
    d.dataset.wasOpen = d.open ? "1" : "";
    if (!d.classList.contains("outline-section")) d.open = true;
  }));
  window.addEventListener("afterprint", () => document.querySelectorAll("details").forEach((d) => {
    d.open = d.dataset.wasOpen === "1";
  }));
})();
