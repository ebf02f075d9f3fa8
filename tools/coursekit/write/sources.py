"""Write a course model as coursekit sources, the format of docs/authoring.md, every id pinned.

The output is deterministic: the same model gives the same bytes. Markdown
texts are written as they are; HTML kept verbatim goes into ``.html`` files
next to the text that uses them; raw XBlocks go into ``{olx}`` fences.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import yaml

from coursekit import dates, ids
from coursekit.model import (
    Component,
    Course,
    DateSpec,
    Discussion,
    Html,
    MdText,
    Problem,
    RawXBlock,
    Section,
    Subsection,
    Unit,
    Video,
)
from coursekit.read.olx import OlxCourse


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump_yaml(data: object) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _date(spec: DateSpec | None) -> str | None:
    if spec is None or spec.absolute is None:
        return None
    return dates.iso(spec.absolute)


def _fence(name: str, body: str) -> str:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return f"{ticks}{{{name}}}\n{body.rstrip()}\n{ticks}"


def _attr(value: str) -> str:
    return html.escape(value, quote=True).replace("--", "&#45;&#45;")


def _ordered(names: list[str]) -> list[str]:
    width = max(2, len(str(len(names))))
    return [f"{i:0{width}d}-{name}" for i, name in enumerate(names, 1)]


class _Writer:
    def __init__(self, course: Course, olx: OlxCourse, root: Path) -> None:
        self.course = course
        self.olx = olx
        self.root = root
        self.files: dict[str, bytes] = {}
        self.static_from: dict[str, str] = {}  # name in the sources -> path in the export, where they differ
        self.transcripts: dict[str, str] = {}  # transcript path in the sources -> its static file in the export

    def put(self, rel: str, text: str) -> None:
        self.files[rel] = text.encode("utf-8")

    def text_file(self, base: str, text: MdText) -> str:
        """Write a course-wide text: Markdown as .md, verbatim HTML as .html. Returns the path."""
        rel = f"{base}.html" if text.raw_html else f"{base}.md"
        self.put(rel, text.text if text.raw_html else text.text.rstrip() + "\n")
        return rel

    def write(self) -> None:
        for rel, data in sorted(self.files.items()):
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for source, name in sorted(self.transcripts.items()):
            target = self.root / source
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.olx.static_path(name), target)
        for sf in self.course.static_files:
            target = self.root / "static" / sf.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.olx.static_path(self.static_from.get(sf.path, sf.path)), target)

    # -- course.yaml -----------------------------------------------------------------

    def course_yaml(self) -> None:
        c = self.course
        data: dict[str, object] = {
            "org": c.org, "number": c.number, "title": c.title, "language": c.language, "timezone": "UTC",
            "pacing": c.pacing,
        }
        runs = {}
        for name, run in c.runs.items():
            runs[name] = {k: v for k in ("start", "end", "enrollment_start", "enrollment_end")
                          if (v := _date(getattr(run, k))) is not None}
        data["runs"] = runs
        data["default_run"] = c.default_run
        if c.grading:
            data["grading"] = {"cutoff": c.grading.cutoff, "assignment_types": [
                {"type": t.type, "short_label": t.short_label, "weight": t.weight, "min_count": t.min_count,
                 "drop_count": t.drop_count} for t in c.grading.types]}
        if c.certificates:
            cert = c.certificates
            data["certificates"] = {"enabled": cert.enabled, "display_behavior": cert.display_behavior,
                                    "name": cert.name, "description": cert.description}
        if c.about:
            about: dict[str, object] = {}
            a = c.about
            for key in ("short_description", "effort", "duration"):
                if getattr(a, key):
                    about[key] = getattr(a, key)
            if a.overview is not None:
                about["overview"] = self.text_file("about/overview", a.overview)
            if a.image is not None:
                about["image"] = f"static/{a.image.path}"
            if a.files:
                about["files"] = {slug: self.text_file(f"about/{slug}", text) for slug, text in sorted(a.files.items())}
            data["about"] = about
        info: dict[str, object] = {}
        if c.info.handouts is not None:
            info["handouts"] = self.text_file("info/handouts", c.info.handouts)
        if c.info.updates:
            updates = []
            for update in c.info.updates:
                rel = self.text_file(f"info/updates/{update.date.isoformat()}", update.body)
                updates.append({"date": update.date.isoformat(), "file": rel})
            info["updates"] = updates
        if c.info.files:
            files = {}
            for name, text in sorted(c.info.files.items()):
                rel = f"info/files/{name}"
                self.put(rel, text)
                files[name] = rel
            info["files"] = files
        if info:
            data["info"] = info
        if c.pages:
            data["pages"] = [{"slug": p.slug, "title": p.title, "file": self.text_file(f"pages/{p.slug}", p.body)}
                             for p in c.pages]
        data["advanced_modules"] = list(c.advanced_modules)
        if c.policy:
            data["policy"] = c.policy
        head = "# Written by `coursekit adopt` from an Open edX export. Every id is pinned: keep them.\n"
        self.put("course.yaml", head + dump_yaml(data))

    # -- sections ------------------------------------------------------------------------

    def sections(self) -> None:
        folders = _ordered([ids.slugify(s.title) or "section" for s in self.course.sections])
        for section, folder in zip(self.course.sections, folders, strict=True):
            section.folder = folder
            meta: dict[str, object] = {"title": section.title, "id": section.id}
            if (start := _date(section.start)) is not None:
                meta["start"] = start
            self.put(f"{folder}/section.yaml", dump_yaml(meta))
            names = _ordered([ids.slugify(s.title) or "subsection" for s in section.subsections])
            for sub, name in zip(section.subsections, names, strict=True):
                sub.file = f"{folder}/{name}.md"
                self.subsection(section, sub)

    def subsection(self, section: Section, sub: Subsection) -> None:
        front: dict[str, object] = {"title": sub.title, "id": sub.id}
        if sub.graded:
            front["graded"] = sub.graded
        for key in ("due", "start"):
            if (value := _date(getattr(sub, key))) is not None:
                front[key] = value
        for key in ("show_correctness", "hide_after_due"):
            if key in sub.settings:
                front[key] = sub.settings[key]
        parts = ["---\n" + dump_yaml(front) + "---\n"]
        for unit in sub.units:
            parts.append(self.unit(sub, unit))
        self.put(sub.file, "\n".join(parts).rstrip() + "\n")

    def unit(self, sub: Subsection, unit: Unit) -> str:
        out = [f"## {unit.title} {{#{unit.id}}}\n"]
        for comp in unit.components:
            out.append(self.component(sub, unit, comp) + "\n")
        return "\n".join(out)

    def component(self, sub: Subsection, unit: Unit, comp: Component) -> str:
        if isinstance(comp, Html):
            attrs = {"id": comp.id, "title": comp.title, **comp.attrs}
            text = ""
            if comp.body.raw_html:
                folder = sub.file.rsplit("/", 1)[0]
                rel = f"html/{comp.id}.html"
                self.put(f"{folder}/{rel}", comp.body.text)
                attrs["src"] = rel
            else:
                text = comp.body.text.strip()
            marker = "<!-- html " + " ".join(f'{k}="{_attr(v)}"' for k, v in attrs.items()) + " -->"
            return marker + ("\n\n" + text if text else "")
        if isinstance(comp, Problem):
            return _fence("problem", dump_yaml(problem_data(comp)))
        if isinstance(comp, Discussion):
            return _fence("discussion", dump_yaml({"id": comp.id, "title": comp.title, "category": comp.category,
                                                   "target": comp.target}))
        if isinstance(comp, RawXBlock):
            return _fence("olx", comp.xml)
        if isinstance(comp, Video):
            data: dict[str, object] = {"id": comp.id, "title": comp.title}
            if comp.youtube:
                data["youtube"] = comp.youtube
            if comp.sources:
                data["sources"] = list(comp.sources)
            if comp.transcripts:
                data["transcripts"] = {t.language: f"../{t.source}" for t in comp.transcripts}
            data["download_video"] = comp.download_video
            data["download_track"] = comp.download_track
            for key in ("start_time", "end_time"):
                if getattr(comp, key):
                    data[key] = getattr(comp, key)
            return _fence("video", dump_yaml(data))
        raise TypeError(f"no source form for {type(comp).__name__}")  # pragma: no cover


def problem_data(p: Problem) -> dict[str, object]:
    data: dict[str, object] = {"type": p.kind, "id": p.id, "title": p.title, "question": p.question.text}
    if p.kind in ("single-choice", "multiple-choice", "dropdown"):
        choices = []
        for choice in p.choices:
            item: dict[str, object] = {"text": choice.text.text}
            if choice.correct:
                item["correct"] = True
            if choice.feedback is not None:
                item["feedback"] = choice.feedback.text
            if choice.feedback_unselected is not None:
                item["feedback_unselected"] = choice.feedback_unselected.text
            choices.append(item)
        data["choices"] = choices
        if p.combinations:
            data["combinations"] = [{"choices": c.choices, "feedback": c.feedback.text} for c in p.combinations]
        if p.shuffle:
            data["shuffle"] = True
    if p.kind in ("numerical", "text"):
        data["answer"] = p.answer
    if p.kind == "numerical" and p.tolerance is not None:
        data["tolerance"] = p.tolerance
    if p.kind == "text":
        if p.alternatives:
            data["alternatives"] = list(p.alternatives)
        if p.case_sensitive:
            data["case_sensitive"] = True
        if p.regexp:
            data["regexp"] = True
        if p.wrong_answers:
            data["wrong_answers"] = [{"answer": w.answer, "feedback": w.feedback.text} for w in p.wrong_answers]
    if p.correct_feedback is not None:
        data["correct_feedback"] = p.correct_feedback.text
    if p.hints:
        data["hints"] = [h.text for h in p.hints]
    if p.explanation is not None:
        data["explanation"] = p.explanation.text
    for key in ("max_attempts", "weight", "showanswer"):
        if getattr(p, key) is not None:
            data[key] = getattr(p, key)
    if p.show_reset_button:
        data["show_reset_button"] = True
    if p.kind == "text" and p.size is not None:
        data["size"] = p.size
    return data


def write_sources(course: Course, olx: OlxCourse, root: Path, static_from: dict[str, str] | None = None,
                  transcripts: dict[str, str] | None = None) -> list[str]:
    """Write the sources of ``course`` into the (empty) folder ``root``; the files written, sorted.

    ``static_from`` maps a static file's name in the sources to its path in the export, where they differ."""
    writer = _Writer(course, olx, root)
    writer.static_from = dict(static_from or {})
    writer.transcripts = dict(transcripts or {})
    writer.course_yaml()
    writer.sections()
    writer.write()
    return sorted([*writer.files, *writer.transcripts, *(f"static/{sf.path}" for sf in course.static_files)])
