/* coursekit preview: grade one answer against the answer key coursekit.grading.answer_key wrote.
 * The key holds what CAPA decides from the problem; this file only compares, as CAPA compares:
 * numbers as Decimal(str(float)) differences, text stripped (and lower-cased for "ci"), regexps
 * anchored as CAPA anchors them. No network, no storage. */
(function (root) {
  "use strict";

  // A decimal number's text ("1.5", "-2e-05", "3.0E+21") as an exact {m: BigInt, e: exponent}.
  function decimal(text) {
    const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(String(text).trim());
    if (!m || (m[2] === "" && (m[3] || "") === "")) return null;
    const frac = m[3] || "";
    const digits = (m[2] || "0") + frac;
    return { m: BigInt((m[1] === "-" ? "-" : "") + digits), e: Number(m[4] || 0) - frac.length };
  }

  function align(a, b) {
    const e = Math.min(a.e, b.e);
    return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
  }

  // |a - b| <= tol, exactly, on the decimal texts of three floats (CAPA's Decimal comparison).
  function withinTolerance(a, b, tol) {
    const [x, y, e] = align(decimal(String(a)), decimal(String(b)));
    let diff = x - y;
    if (diff < 0n) diff = -diff;
    const [d, t] = align({ m: diff, e: e }, decimal(String(tol)));
    return d <= t;
  }

  // CAPA's compare_with_tolerance for real numbers; relative = tolerance times max(|s|, |i|).
  function compare(student, instructor, tolerance, relative) {
    if (Number.isNaN(student) || Number.isNaN(instructor)) return false;
    if (!Number.isFinite(student) || !Number.isFinite(instructor)) return student === instructor;
    const tol = relative ? tolerance * Math.max(Math.abs(student), Math.abs(instructor)) : tolerance;
    return withinTolerance(student, instructor, tol);
  }

  const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
  const EPSILON = 2.220446049250313e-16; // Python's sys.float_info.epsilon, CAPA's range-edge tolerance

  function gradeNumber(key, input) {
    const text = String(input).trim();
    if (text === "") return { error: "empty" };
    if (!NUMBER.test(text)) {
      return { error: /^[-+]?\d+,\d+$/.test(text) ? "comma" : "number" };
    }
    const value = Number(text);
    if (key.range) {
      const bounds = key.range.map(Number);
      for (let i = 0; i < 2; i++) {
        if (compare(value, bounds[i], EPSILON, true)) return { correct: key.inclusion[i] };
      }
      return { correct: bounds[0] < value && value < bounds[1] };
    }
    const answer = Number(key.answer);
    if (key.relative !== undefined) return { correct: compare(value, answer, Number(key.relative), true) };
    return { correct: compare(value, answer, Number(key.tolerance), false) };
  }

  function matchText(key, given, answers, pattern) {
    if (key.regexp) {
      if (pattern === null || pattern === undefined) return null;
      return new RegExp(pattern, key.ci ? "iu" : "u").test(given);
    }
    if (key.ci) return answers.some((a) => a.toLowerCase() === given.toLowerCase());
    return answers.includes(given);
  }

  function gradeText(key, input) {
    const given = String(input).trim();
    if (given === "") return { error: "empty" };
    const correct = matchText(key, given, key.answers, key.pattern);
    if (correct === null) return { error: "unsupported" };
    const result = { correct: correct };
    if (!correct) {
      const hints = key.hints || [];
      for (let i = 0; i < hints.length; i++) {
        const hit = matchText(key, given, [hints[i]], key.regexp ? key.hint_patterns[i] : undefined);
        if (hit) { result.hint = i; break; }
      }
    }
    return result;
  }

  function sameSet(a, b) {
    const x = [...new Set(a)].sort(), y = [...new Set(b)].sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }

  // response: chosen indices (array) for choices, the chosen index for a dropdown, text otherwise.
  function grade(key, response) {
    switch (key.kind) {
      case "single-choice":
      case "multiple-choice": {
        const chosen = Array.isArray(response) ? response.map(Number) : [];
        if (chosen.length === 0) return { error: "choose" };
        if (key.kind === "single-choice") return { correct: chosen.length === 1 && key.correct.includes(chosen[0]) };
        return { correct: sameSet(chosen, key.correct) };
      }
      case "dropdown": {
        if (response === null || response === undefined || response === "") return { error: "choose" };
        return { correct: key.correct.includes(Number(response)) };
      }
      case "numerical":
        return gradeNumber(key, response);
      case "text":
        return gradeText(key, response);
      default:
        return { error: "unsupported" };
    }
  }

  root.coursekitGrade = grade;
})(typeof window !== "undefined" ? window : globalThis);
