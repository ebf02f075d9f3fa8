"""OLX target: the course model -> the files of an Open edX course export.

Layout follows the OLX reference: ``course.xml`` points at ``course/RUN.xml``;
chapters, sequentials, verticals and components each have their own file
named by ``url_name``; course settings live in ``policies/RUN/policy.json``.
Third-party XBlocks are written inline in their vertical, the form Open edX
imports reliably.
"""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from coursekit import dates, media
from coursekit.diagnostics import CourseError, Diagnostic, Loc, Severity
from coursekit.emit.base import BlockInfo, Output
from coursekit.emit.olx.problems import problem_xml
from coursekit.emit.olx.xml import render, serialize
from coursekit.load import codes
from coursekit.load.components import BUILTIN_XBLOCKS
from coursekit.model import Component, Course, Discussion, Html, Problem, RawXBlock, Run, Video

NAME = "olx"

DEFAULT_TABS = [
    {"type": "courseware", "name": "Course", "course_staff_only": False},
    {"type": "course_info", "name": "Course Info", "course_staff_only": False},
    {"type": "discussion", "name": "Discussion", "course_staff_only": False},
    {"type": "progress", "name": "Progress", "course_staff_only": False},
]


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


class _Emitter:
    def __init__(self, course: Course, run: Run, source_root: Path) -> None:
        self.course = course
        self.run = run
        self.root = source_root
        self.out = Output(top=f"{course.org}-{course.number}-{run.name}", course_id=course.course_key(run.name))
        self.run_start = run.start.resolve(None) if run.start else None
        self.advanced: set[str] = set(course.advanced_modules)

    def add(self, path: str, data: bytes | Path, loc: Loc | None = None) -> None:
        if path in self.out.files:
            raise CourseError([Diagnostic(
                codes.STATIC_NAME, Severity.ERROR, f"two outputs would be written to {path!r}",
                loc or self.course.loc, "rename the file under static/; this name is used for a video transcript",
            )])
        self.out.files[path] = data

    def add_xml(self, path: str, element: etree._Element) -> None:
        self.add(path, serialize(element))

    def date_attr(self, element: etree._Element, name: str, spec) -> None:
        moment = spec.resolve(self.run_start) if spec else None
        if moment is not None:
            element.set(name, dates.iso(moment))

    # -- structure ---------------------------------------------------------

    def emit(self) -> Output:
        course, run = self.course, self.run
        self.add_xml("course.xml", etree.Element("course", {"url_name": run.name, "org": course.org,
                                                            "course": course.number}))
        root = etree.Element("course", {"display_name": course.title})
        self.out.blocks.append(BlockInfo("course", run.name, "", course.title, course.loc))
        for section in course.sections:
            etree.SubElement(root, "chapter", {"url_name": section.id})
            chapter = etree.Element("chapter", {"display_name": section.title})
            self.date_attr(chapter, "start", section.start)
            self.out.blocks.append(BlockInfo("chapter", section.id, run.name, section.title, section.loc))
            for sub in section.subsections:
                etree.SubElement(chapter, "sequential", {"url_name": sub.id})
                self.sequential(sub, section.id)
            self.add_xml(f"chapter/{section.id}.xml", chapter)
        self.add_xml(f"course/{run.name}.xml", root)
        self.policies()
        self.about()
        self.info()
        self.tabs()
        self.static()
        return self.out

    def sequential(self, sub, parent: str) -> None:
        seq = etree.Element("sequential", {"display_name": sub.title})
        if sub.graded:
            seq.set("graded", "true")
            seq.set("format", sub.graded)
        self.date_attr(seq, "due", sub.due)
        self.date_attr(seq, "start", sub.start)
        for key in ("show_correctness", "hide_after_due"):
            if key in sub.settings:
                value = sub.settings[key]
                seq.set(key, str(value).lower() if isinstance(value, bool) else str(value))
        self.out.blocks.append(BlockInfo("sequential", sub.id, parent, sub.title, sub.loc,
                                         graded=bool(sub.graded), format=sub.graded or ""))
        for unit in sub.units:
            etree.SubElement(seq, "vertical", {"url_name": unit.id})
            vertical = etree.Element("vertical", {"display_name": unit.title})
            self.out.blocks.append(BlockInfo("vertical", unit.id, sub.id, unit.title, unit.loc))
            for comp in unit.components:
                self.component(comp, vertical, unit.id, graded=bool(sub.graded))
            self.add_xml(f"vertical/{unit.id}.xml", vertical)
        self.add_xml(f"sequential/{sub.id}.xml", seq)

    def component(self, comp: Component, vertical: etree._Element, parent: str, graded: bool) -> None:
        info = BlockInfo(comp.block_type, comp.id, parent, comp.title, comp.loc)
        if isinstance(comp, Html):
            etree.SubElement(vertical, "html", {"url_name": comp.id})
            element = etree.Element("html", {"filename": comp.id})
            if comp.title:  # an empty title (`title=""` in the html marker) writes no display_name
                element.set("display_name", comp.title)
            for key, value in comp.attrs.items():
                element.set(key, value)
            self.add_xml(f"html/{comp.id}.xml", element)
            body = render(comp.body, doc_id=comp.id)
            self.add(f"html/{comp.id}.html", (body if comp.body.raw_html else body + "\n").encode("utf-8"))
        elif isinstance(comp, Problem):
            etree.SubElement(vertical, "problem", {"url_name": comp.id})
            self.add_xml(f"problem/{comp.id}.xml", problem_xml(comp))
            info.weight = 1.0 if comp.weight is None else float(comp.weight)
            info.scored = comp.scored
            info.graded = graded and comp.scored
        elif isinstance(comp, Video):
            etree.SubElement(vertical, "video", {"url_name": comp.id})
            self.add_xml(f"video/{comp.id}.xml", self.video(comp))
        elif isinstance(comp, Discussion):
            etree.SubElement(vertical, "discussion", {
                "url_name": comp.id,
                "display_name": comp.title,
                "discussion_category": comp.category,
                "discussion_target": comp.target,
                "discussion_id": comp.id,
            })
        elif isinstance(comp, RawXBlock):
            vertical.append(etree.fromstring(comp.xml))
            info.type = comp.tag
            if comp.tag not in BUILTIN_XBLOCKS:
                self.advanced.add(comp.tag)
        else:  # pragma: no cover - the loader only makes the kinds above
            raise TypeError(f"no OLX for {type(comp).__name__}")
        self.out.blocks.append(info)

    def video(self, video: Video) -> etree._Element:
        element = etree.Element("video", {
            "display_name": video.title,
            "download_video": str(video.download_video).lower(),
            "download_track": str(video.download_track).lower(),
            "show_captions": "true",
            "html5_sources": json.dumps(video.sources),
        })
        if video.youtube:
            element.set("youtube", f"1.00:{video.youtube}")
            element.set("youtube_id_1_0", video.youtube)
        else:
            element.set("youtube_id_1_0", "")
        for key in ("start_time", "end_time"):
            if getattr(video, key):
                element.set(key, getattr(video, key))
        if any(t.language == self.course.language for t in video.transcripts):
            element.set("transcript_language", self.course.language)
        for src in video.sources:
            etree.SubElement(element, "source", {"src": src})
        for tr in sorted(video.transcripts, key=lambda t: t.language):
            name = f"{video.id}-{tr.language}.srt"
            self.add(f"static/{name}", media.to_srt(tr.cues).encode("utf-8"))
            etree.SubElement(element, "transcript", {"language": tr.language, "src": name})
        return element

    # -- course-wide files -----------------------------------------------------

    def policies(self) -> None:
        course, run = self.course, self.run
        settings: dict[str, object] = {
            "language": course.language,
            "self_paced": course.pacing == "self",
            "advanced_modules": sorted(self.advanced),
            "tabs": DEFAULT_TABS + [
                {"type": "static_tab", "name": p.title, "url_slug": p.slug, "course_staff_only": False}
                for p in course.pages
            ],
            "discussion_topics": {t: {"id": f"course-topic-{i}"} for i, t in enumerate(course.discussion_topics, 1)}
            or {"General": {"id": "course"}},
        }
        for key in ("start", "end", "enrollment_start", "enrollment_end"):
            spec = getattr(run, key)
            if spec is not None and spec.absolute is not None:
                settings[key] = dates.iso(spec.absolute)
        if course.about and course.about.image:
            settings["course_image"] = course.about.image.asset_name
        if course.certificates and course.certificates.enabled:
            cert = course.certificates
            settings["cert_html_view_enabled"] = True
            settings["certificates_display_behavior"] = cert.display_behavior
            settings["certificates"] = {"certificates": [{
                "id": 1,
                "name": cert.name,
                "description": cert.description,
                "course_title": course.title,
                "is_active": True,
                "signatories": [],
                "version": 1,
            }]}
        settings.update(course.policy)  # other settings, as they are (e.g. kept by `coursekit adopt`)
        self.add(f"policies/{run.name}/policy.json", _json({f"course/{run.name}": settings}))
        grading = {"GRADER": [], "GRADE_CUTOFFS": {"Pass": 0.5}}
        if course.grading:
            grading = {
                "GRADER": [
                    {"type": t.type, "short_label": t.short_label, "min_count": t.min_count,
                     "drop_count": t.drop_count, "weight": t.weight}
                    for t in course.grading.types
                ],
                "GRADE_CUTOFFS": {"Pass": course.grading.cutoff},
            }
        self.add(f"policies/{run.name}/grading_policy.json", _json(grading))
        self.add("policies/assets.json", _json({}))

    def about(self) -> None:
        about = self.course.about
        if about is None:
            return
        if about.overview:
            self.add("about/overview.html", (render(about.overview) + "\n").encode("utf-8"))
        for slug, value in (("short_description", about.short_description), ("effort", about.effort),
                            ("duration", about.duration)):
            if value:
                self.add(f"about/{slug}.html", (value.strip() + "\n").encode("utf-8"))
        for slug, text in sorted(about.files.items()):
            body = render(text)
            self.add(f"about/{slug}.html", (body if text.raw_html else body + "\n").encode("utf-8"))

    def info(self) -> None:
        info = self.course.info
        for name, text in sorted(info.files.items()):
            self.add(f"info/{name}", text.encode("utf-8"))
        if info.handouts:
            self.add("info/handouts.html", (render(info.handouts) + "\n").encode("utf-8"))
        if info.updates:
            ordered = sorted(info.updates, key=lambda u: u.date, reverse=True)
            items = []
            html = ["<ol>"]
            for n, update in enumerate(ordered, 1):
                body = render(update.body)
                label = update.date.strftime("%B %d, %Y")
                items.append({"id": n, "date": label, "content": body, "status": "visible"})
                html.append(f"<li><h2>{label}</h2>{body}</li>")
            html.append("</ol>")
            self.add("info/updates.html", ("\n".join(html) + "\n").encode("utf-8"))
            self.add("info/updates.items.json", _json(items))

    def tabs(self) -> None:
        for page in self.course.pages:
            self.add(f"tabs/{page.slug}.html", (render(page.body, doc_id=page.slug) + "\n").encode("utf-8"))

    def static(self) -> None:
        for sf in self.course.static_files:
            # Written flat, under the asset name Open edX will give it anyway.
            self.add(f"static/{sf.asset_name}", self.root / sf.source, sf.loc)


# The emitter's parts (policies, video, info), used by `coursekit adopt` to check that it writes a block back the same.
OlxEmitter = _Emitter


def emit(course: Course, run_name: str, source_root: Path) -> Output:
    return _Emitter(course, course.runs[run_name], source_root).emit()
