"""The preview in a real headless Chromium (the system's, driven by Playwright), opened from disk.

axe-core (bundled by axe-playwright-python, no download) runs on every page of both courses; the
problems of the feature course are answered wrongly and rightly, by mouse and by keyboard; nothing
is fetched from beyond this machine. Skips with the reason when Playwright or Chromium is missing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from browser import served
from conftest import FEATURE, KEINO
from coursekit.build import emit_preview, load_checked, write_preview

BLOCKING = ("serious", "critical")
PROBLEMS = "unit-problems-unit.html"


def build_site(source: Path, dest: Path) -> Path:
    course, _ = load_checked(source)
    write_preview(emit_preview(course, None, source), dest)
    return dest


@pytest.fixture(scope="module")
def feature_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(FEATURE, tmp_path_factory.mktemp("preview") / "feature")


@pytest.fixture(scope="module")
def axe():
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed")
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def axe_findings(axe, page) -> list[dict]:
    return axe.run(page).response["violations"]


@pytest.mark.parametrize("source", [pytest.param(KEINO, id="keino"), pytest.param(FEATURE, id="feature")])
def test_axe_finds_nothing_serious_on_any_page(source: Path, browser, axe, tmp_path: Path) -> None:
    site = build_site(source, tmp_path / "site")
    files = sorted(site.glob("*.html"))
    assert len(files) > 10
    blocking: list[str] = []
    impacts: Counter[str] = Counter()
    # over HTTP: axe-core reads the stylesheets by XMLHttpRequest, which Chromium refuses for file: pages
    with served(site) as base, browser.page() as page:
        for path in files:
            page.goto(f"{base}/{path.name}")
            for finding in axe_findings(axe, page):
                impacts[finding["impact"]] += len(finding["nodes"])
                if finding["impact"] in BLOCKING:
                    targets = ", ".join(str(n["target"]) for n in finding["nodes"][:3])
                    blocking.append(f"{path.name}: {finding['id']} ({finding['impact']}): {targets}")
    print(f"\naxe-core on {len(files)} pages of {source.name}: {dict(impacts) or 'no findings'}")
    assert blocking == []
    assert browser.outside == [] and browser.errors == []


@pytest.fixture
def problems(browser, feature_site: Path):
    with browser.page() as page:
        page.goto((feature_site / PROBLEMS).as_uri())
        yield page
    assert browser.outside == [] and browser.errors == []


def submit(page, pid: str) -> None:
    page.click(f"#{pid} button.submit")


def verdict(page, pid: str) -> str:
    classes = page.get_attribute(f"#{pid} form.problem", "class").split()
    return "right" if "is-correct" in classes else "wrong" if "is-incorrect" in classes else "none"


def feedback(page, pid: str) -> str:
    return page.inner_text(f"#{pid} .feedback")


# (problem, how to answer wrongly, feedback then, how to answer rightly, feedback then)
CASES = [
    ("single-one", ("check", "#single-one-1"), "Väärin, koska toisin on.",
     ("check", "#single-one-0"), "Oikein, koska näin on."),
    ("multi", ("checks", ["#multi-0", "#multi-1"]), "B ei kuulu joukkoon.",
     ("checks", ["#multi-0", "#multi-2"]), "Täsmälleen oikein."),
    ("drop", ("select", "0"), "Ei yksi.", ("select", "1"), "Kaksi on oikein."),
    ("numeric", ("fill", "12700"), "", ("fill", "12600"), "Oikein, 12 500."),  # 1 % of 12 600 is 126
    ("textinput", ("fill", "Hansel"), "Hansel on yhteishankintayksikkö.",
     ("fill", "hankintailmoitukset.fi"), "Oikein."),
    ("textregexp", ("fill", "2009"), "", ("fill", "2015"), ""),
]


def answer(page, pid: str, how: tuple) -> None:
    action, value = how
    if action == "check":
        page.check(value)
    elif action == "checks":
        for box in page.query_selector_all(f"#{pid} .choices input"):
            box.uncheck()
        for sel in value:
            page.check(sel)
    elif action == "select":
        page.select_option(f"#{pid}-input", value)
    else:
        page.fill(f"#{pid}-input", value)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_problem_type_grades_wrong_and_right_with_its_feedback(problems, case) -> None:
    pid, wrong, wrong_text, right, right_text = case
    page = problems
    assert verdict(page, pid) == "none"
    answer(page, pid, wrong)
    submit(page, pid)
    assert verdict(page, pid) == "wrong"
    text = feedback(page, pid)
    assert text.startswith("Väärin") or "Ei oikein" in text or "väärin" in text.lower()
    assert wrong_text in text
    answer(page, pid, right)
    submit(page, pid)
    assert verdict(page, pid) == "right"
    text = feedback(page, pid)
    assert right_text in text
    assert wrong_text == "" or wrong_text not in text  # the old feedback is replaced, not added to
    assert "2" in page.inner_text(f"#{pid} .attempts")  # two attempts counted


def test_feedback_is_announced(problems) -> None:
    live = problems.get_attribute("#single-one .feedback", "aria-live")
    assert live == "polite" and problems.get_attribute("#single-one .feedback", "role") == "status"


def test_an_answer_that_cannot_be_read_is_not_an_attempt(problems) -> None:
    page = problems
    page.fill("#numeric-input", "12500,5")
    submit(page, "numeric")
    assert verdict(page, "numeric") == "none"
    assert "piste" in feedback(page, "numeric").lower() or "," in feedback(page, "numeric")
    assert "0" in page.inner_text("#numeric .attempts") or page.inner_text("#numeric .attempts") == ""


def test_hints_show_one_at_a_time(problems) -> None:
    page = problems
    page.click("#single-one .hint-button")
    shown = page.inner_text("#single-one .hint-shown")
    assert "Ensimmäinen vihje." in shown and "Toinen vihje." not in shown
    page.click("#single-one .hint-button")
    shown = page.inner_text("#single-one .hint-shown")
    assert "Toinen vihje." in shown and "Ensimmäinen vihje." not in shown
    assert "2" in shown and len(page.query_selector_all("#single-one .hint-text")) == 1


def test_attempts_run_out_and_the_answer_can_be_shown(problems) -> None:
    page = problems  # the subsection allows 3 attempts and shows the answer once attempted
    assert page.is_hidden("#single-one .reveal-button")
    for _ in range(3):
        page.check("#single-one-1")
        submit(page, "single-one")
    assert page.is_disabled("#single-one button.submit")
    assert "3" in page.inner_text("#single-one .attempts")
    assert page.is_visible("#single-one .reveal-button")
    page.click("#single-one .reveal-button")
    assert page.is_visible("#single-one .answer-box")
    assert "Selitys kappaleena." in page.inner_text("#single-one .answer-box")
    assert "is-answer" in page.get_attribute('#single-one .choice[data-choice="0"]', "class")
    assert page.evaluate("document.activeElement.classList.contains('answer-box')")


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {id: e.id, cls: e.className, tag: e.tagName, outline: s.outlineStyle, width: s.outlineWidth}; }""")


def tab_to(page, element_id: str, limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["id"] == element_id:
            return now
    raise AssertionError(f"Tab never reached #{element_id}")


def test_keyboard_only(problems) -> None:
    page = problems
    page.keyboard.press("Tab")
    first = focused(page)
    assert "skip-link" in first["cls"] and first["outline"] != "none"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    # a radio group: Tab reaches it, arrows choose, Enter submits
    now = tab_to(page, "single-one-0")
    assert now["outline"] == "solid" and now["width"] != "0px"  # focus is visible
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#single-one-1")
    page.keyboard.press("Enter")
    assert verdict(page, "single-one") == "wrong"
    # checkboxes: Space toggles
    tab_to(page, "multi-0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "multi-2"
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    assert verdict(page, "multi") == "right"
    # text: type and press Enter
    tab_to(page, "textregexp-input")
    page.keyboard.type("2015")
    page.keyboard.press("Enter")
    assert verdict(page, "textregexp") == "right"
    # the hint and reveal buttons work from the keyboard too
    page.focus("#main")
    for _ in range(80):
        page.keyboard.press("Tab")
        if "hint-button" in focused(page)["cls"]:
            break
    page.keyboard.press("Enter")
    assert "Ensimmäinen vihje." in page.inner_text("#single-one .hint-shown")


def test_video_page_plays_nothing_from_the_network(browser, feature_site: Path) -> None:
    with browser.page() as page:
        page.goto((feature_site / "unit-media_video_video.html").as_uri())
        track = page.query_selector("video track")
        assert track is not None and track.get_attribute("src").endswith(".vtt")
        page.click("details.transcript summary")
        assert page.is_visible("details.transcript ol.cues li")
    assert browser.outside == []


def test_print_hides_navigation_and_can_show_answers(browser, feature_site: Path) -> None:
    subsection = feature_site / "subsection-basics_problems.html"
    with browser.page() as page:
        page.goto(subsection.as_uri())
        page.emulate_media(media="print")
        assert page.is_hidden("nav.outline") and page.is_hidden(".skip-link")
        assert page.query_selector_all(".print-only") == [] or page.is_hidden(".print-only")
        if page.query_selector("#print-answers"):
            page.emulate_media(media="screen")
            page.check("#print-answers")
            page.emulate_media(media="print")
            assert page.is_visible(".print-only")


def test_axe_finds_nothing_serious_once_problems_are_answered(browser, axe, feature_site: Path) -> None:
    with served(feature_site) as base, browser.page() as page:
        page.goto(f"{base}/{PROBLEMS}")
        for pid, wrong, _text, _right, _right_text in CASES:
            answer(page, pid, wrong)
            submit(page, pid)
        page.click("#single-one .hint-button")
        page.click("#single-one .reveal-button")
        found = [f"{f['id']} ({f['impact']})" for f in axe_findings(axe, page) if f["impact"] in BLOCKING]
    assert found == []


def test_withheld_correctness_shows_neither_verdict_nor_feedback(browser, src: Path, tmp_path: Path) -> None:
    from conftest import edit

    edit(src, "01-basics/02-problems.md", "showanswer: attempted\n", "showanswer: attempted\nshow_correctness: never\n")
    site = build_site(src, tmp_path / "site")
    with browser.page() as page:
        page.goto((site / PROBLEMS).as_uri())
        page.check("#single-one-0")
        submit(page, "single-one")
        assert verdict(page, "single-one") == "none"
        text = feedback(page, "single-one")
        assert "tallennettu" in text and "Oikein, koska" not in text
        assert page.is_hidden("#single-one .reveal-button")
        assert "1" in page.inner_text("#single-one .attempts")
