"""Preview target: the course model -> a static site that shows the course as learners see it.

Every page is plain HTML that opens from disk (relative links only, nothing from the network):
``index.html`` (About, outline), ``info.html`` (updates, handouts), ``page-<slug>.html``,
``unit-<id>.html`` (one unit) and ``subsection-<id>.html`` (a whole subsection, for reading and
printing). Problems are checked in the browser by ``_preview/grade.js`` against the answer key
:func:`coursekit.grading.answer_key` writes, so the preview grades as the OLX target's CAPA does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup

from coursekit import grading, media
from coursekit.emit.base import BlockInfo, Output
from coursekit.emit.preview import strings
from coursekit.markdown import render_text
from coursekit.model import (
    Component,
    Course,
    Discussion,
    Html,
    LinkRef,
    MdText,
    Problem,
    RawXBlock,
    Run,
    Section,
    Subsection,
    Unit,
    Video,
)

NAME = "preview"
ASSETS = ("preview.css", "grade.js", "preview.js")
ASSET_DIR = "_preview"
DEFAULT_SHOWANSWER = grading.SHOWANSWER_DEFAULT  # Open edX's course default when neither course nor problem names one


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["headings_from"] = headings_from
    return env


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
UNIT_BODY_LEVEL = 3  # a unit's text starts its own headings at ### (## is the unit's title)


def headings_from(body: Markup, level: int) -> Markup:
    """``body`` with its headings moved so that the unit text's top level (###) becomes ``level``."""
    shift = level - UNIT_BODY_LEVEL
    if not shift:
        return body
    return Markup(_HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(6, max(1, int(m[2]) + shift))}", str(body)))


def unit_page(unit_id: str) -> str:
    return f"unit-{unit_id}.html"


def subsection_page(sub_id: str) -> str:
    return f"subsection-{sub_id}.html"


@dataclass
class UnitPlace:
    section: Section
    sub: Subsection
    unit: Unit
    index: int  # place among all units of the course


class _Emitter:
    def __init__(self, course: Course, run: Run, source_root: Path) -> None:
        self.course = course
        self.run = run
        self.root = source_root
        self.text = strings.for_language(course.language)
        self.out = Output(top=f"{course.org}-{course.number}-{run.name}-preview",
                          course_id=course.course_key(run.name), format="dir")
        self.run_start = run.start.resolve(None) if run.start else None
        self.places = [UnitPlace(s, sub, u, i) for i, (s, sub, u) in enumerate(course.units())]
        self.pages: dict[str, str] = {}  # block id -> page (and anchor) showing it
        for section in course.sections:
            self.pages[section.id] = f"index.html#{section.id}"
            for sub in section.subsections:
                self.pages[sub.id] = subsection_page(sub.id)
                for unit in sub.units:
                    self.pages[unit.id] = unit_page(unit.id)
                    for comp in unit.components:
                        self.pages[comp.id] = f"{unit_page(unit.id)}#{comp.id}"
        self.pages[course.runs[run.name].name] = "index.html"
        self._navs: dict[str, str] = {}  # open section id -> the outline's HTML
        self._views: dict[str, dict[str, object]] = {}  # unit id -> its view (unit and subsection pages share it)

    # -- helpers used by the templates ----------------------------------------------

    def url(self, link: LinkRef) -> str:
        if link.kind == "static":
            return f"static/{link.target}"
        if link.kind == "internal":
            return self.pages.get(link.target, "index.html")
        if link.kind == "page":
            slug, _, fragment = link.target.partition("#")
            return f"page-{slug}.html" + (f"#{fragment}" if fragment else "")
        return link.href

    def html(self, text: MdText | None, inline: bool | None = None, doc_id: str = "") -> Markup:
        if text is None or not text:
            return Markup("")
        urls = {link.href: self.url(link) for link in text.links}
        return Markup(render_text(text, urls, inline, doc_id))

    def when(self, spec) -> str:
        moment = spec.resolve(self.run_start) if spec else None
        if moment is None:
            return ""
        from coursekit import dates

        local = moment.astimezone(dates.zone(self.course.timezone))
        return self.text.datetime(local)

    def nav(self, section: Section | None, path: str) -> Markup:
        """The outline with ``section`` open and the link to ``path`` marked as the current page."""
        key = section.id if section is not None else ""
        html = self._navs.get(key)
        if html is None:
            html = self._navs[key] = _environment().get_template("outline.html").render(
                course=self.course, t=self.text, current_section=section)
        link = f'<a href="{path}">'
        return Markup(html.replace(link, f'<a href="{path}" aria-current="page">', 1))

    def render(self, template: str, path: str, **context: object) -> None:
        page = _environment().get_template(template).render(
            course=self.course, t=self.text, e=self, assets=ASSET_DIR, path=path, **context)
        self.out.files[path] = page.encode("utf-8")

    # -- pages ----------------------------------------------------------------------------

    def emit(self) -> Output:
        course = self.course
        self.out.blocks.append(BlockInfo("course", self.run.name, "", course.title, course.loc))
        self.render("index.html", "index.html", outline=self.outline(), about=course.about,
                    run=self.run, start=self.when(self.run.start), end=self.when(self.run.end))
        if course.info.handouts or course.info.updates:
            updates = sorted(course.info.updates, key=lambda u: u.date, reverse=True)
            self.render("info.html", "info.html", updates=updates, handouts=course.info.handouts)
        for page in course.pages:
            self.render("page.html", f"page-{page.slug}.html", page=page)
        for section in course.sections:
            self.out.blocks.append(BlockInfo("chapter", section.id, self.run.name, section.title, section.loc))
            for sub in section.subsections:
                self.out.blocks.append(BlockInfo("sequential", sub.id, section.id, sub.title, sub.loc,
                                                 graded=bool(sub.graded), format=sub.graded or ""))
                self.render("subsection.html", subsection_page(sub.id), section=section, sub=sub,
                            units=[self.unit_view(p) for p in self.places if p.sub is sub],
                            due=self.when(sub.due))
        for place in self.places:
            view = self.unit_view(place)
            self.render("unit.html", unit_page(place.unit.id), place=place, view=view,
                        prev=self.places[place.index - 1] if place.index > 0 else None,
                        next=self.places[place.index + 1] if place.index + 1 < len(self.places) else None,
                        due=self.when(place.sub.due))
            self.out.blocks.append(BlockInfo("vertical", place.unit.id, place.sub.id, place.unit.title,
                                             place.unit.loc))
            for comp in place.unit.components:
                info = BlockInfo(comp.block_type, comp.id, place.unit.id, comp.title, comp.loc)
                if isinstance(comp, RawXBlock):
                    info.type = comp.tag
                self.out.blocks.append(info)
        self.assets()
        return self.out

    def outline(self) -> list[dict[str, object]]:
        return [{"section": s, "subsections": [{"sub": sub, "due": self.when(sub.due)} for sub in s.subsections]}
                for s in self.course.sections]

    def unit_view(self, place: UnitPlace) -> dict[str, object]:
        view = self._views.get(place.unit.id)
        if view is None:
            graded = bool(place.sub.graded)
            withheld = grading.correctness_withheld(place.sub.settings.get("show_correctness"),
                                                    place.sub.due is not None)
            view = self._views[place.unit.id] = {
                "unit": place.unit,
                "components": [self.component(c, graded, withheld) for c in place.unit.components]}
        return view

    # -- components -------------------------------------------------------------------------

    def component(self, comp: Component, graded: bool, withheld: bool = False) -> dict[str, object]:
        view: dict[str, object] = {"comp": comp, "kind": comp.block_type}
        if isinstance(comp, Html):
            view["body"] = self.html(comp.body, doc_id=comp.id)
        elif isinstance(comp, Problem):
            view.update(self.problem(comp, graded, withheld))
        elif isinstance(comp, Video):
            view.update(self.video(comp))
        elif isinstance(comp, Discussion):
            view["kind"] = "discussion"
        elif isinstance(comp, RawXBlock):
            view["kind"] = "raw"
        return view

    def problem(self, problem: Problem, graded: bool, withheld: bool = False) -> dict[str, object]:
        key = grading.answer_key(problem)
        checkable = not (problem.kind == "text" and problem.regexp and key.get("pattern") is None)
        weight = 1.0 if problem.weight is None else float(problem.weight)
        choices = [{
            "html": self.html(c.text, inline=True),
            "feedback": self.html(c.feedback),
            "feedback_unselected": self.html(c.feedback_unselected),
        } for c in problem.choices]
        combinations = [{  # choices are named by letter, A for the first (as CAPA's compoundhint names them)
            "choices": " ".join(str(i) for i in sorted(ord(letter) - ord("A") for letter in combo.choices)),
            "html": self.html(combo.feedback),
        } for combo in problem.combinations]
        return {
            "question": self.html(problem.question, doc_id=problem.id),
            "choices": choices,
            "combinations": combinations,
            "key": Markup(json.dumps(key, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")),
            "checkable": checkable,
            "correct_feedback": self.html(problem.correct_feedback),
            "wrong_answers": [self.html(w.feedback) for w in problem.wrong_answers],
            "hints": [self.html(h, inline=True) for h in problem.hints],
            "explanation": self.html(problem.explanation),
            "max_attempts": problem.max_attempts,
            "showanswer": problem.showanswer or DEFAULT_SHOWANSWER,
            "weight": weight,
            "graded": graded and problem.scored,
            "withheld": withheld,  # show_correctness hides verdict, feedback and answer (grading.correctness_withheld)
            "answer_text": self.answer_text(problem),
        }

    def answer_text(self, problem: Problem) -> str:
        """The right answer as "show answer" words it for numbers and text (choices are marked instead)."""
        if problem.kind == "numerical":
            value, tolerance = grading.numerical_target(problem.answer, problem.tolerance)
            span = grading.answer_range(problem.answer)
            if span is not None:
                return str(problem.answer)
            shown = f"{value:g}"
            return shown if problem.tolerance is None else f"{shown} ± {tolerance:g}"
        if problem.kind == "text":
            return " / ".join(str(a) for a in (problem.answer, *problem.alternatives))
        return ""

    def video(self, video: Video) -> dict[str, object]:
        tracks = []
        for tr in sorted(video.transcripts, key=lambda t: (t.language != self.course.language, t.language)):
            path = f"media/{video.id}-{tr.language}.vtt"
            self.out.files[path] = media.to_vtt(tr.cues).encode("utf-8")
            tracks.append({"src": path, "lang": tr.language, "label": self.text.language_name(tr.language),
                           "cues": [(self.text.clock(start), media.plain(text)) for start, _end, text in tr.cues]})
        return {"sources": video.sources, "tracks": tracks, "youtube": video.youtube}

    # -- files --------------------------------------------------------------------------------

    def assets(self) -> None:
        here = Path(__file__).parent / "assets"
        for name in ASSETS:
            self.out.files[f"{ASSET_DIR}/{name}"] = (here / name).read_bytes()
        for sf in self.course.static_files:
            self.out.files[f"static/{sf.path}"] = self.root / sf.source


def emit(course: Course, run_name: str, source_root: Path) -> Output:
    return _Emitter(course, course.runs[run_name], source_root).emit()

