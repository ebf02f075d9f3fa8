"""IMS Common Cartridge 1.1 target (for Moodle), plus a Moodle XML question bank.

Designed from what Moodle 4.5 LTS does when it restores a cartridge
(``shared/reference/moodle-import-facts.md``):

- only CC 1.1: the manifest's default namespace is declared in its first bytes;
- the first top-level organization item becomes section 0: the course's About
  page and information pages go there, the real sections follow;
- Moodle leaves section names empty and puts the item title in the summary:
  each section and subsection also starts with a label (an item without a
  resource) holding its title, so learners see it;
- each unit is one web page (``pages/<unit>.html``, a Moodle Page) with its
  text, images and files (relative links, which Moodle rewrites), video
  players and transcripts; links between units point at the other page;
- discussions become discussion topics (Moodle forums);
- the problems of a subsection become one QTI assessment (a Moodle quiz)
  for the types CC can carry; numerical and dropdown problems, which CC
  cannot carry, go to the Moodle XML file with full fidelity, and the unit
  page says where they are;
- raw XBlocks (polls, surveys, ...) have no Moodle equivalent: a visible
  placeholder names them (and lint rule M901 reports them).

Every file the manifest lists is in the package; names are the coursekit
ids, so the output is deterministic.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from coursekit import markdown
from coursekit.emit.base import BlockInfo, Output
from coursekit.emit.imscc import qti
from coursekit.model import Course, Discussion, Html, MdText, Problem, RawXBlock, Section, Subsection, Unit, Video

NAME = "imscc"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
DT_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (f"{CP_NS} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd "
                   f"{LOM_NS} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd")
QTI_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"


def page_path(slug: str) -> str:
    """Where a custom page goes in the cartridge."""
    return f"pages/page_{slug}.html"

DT_TYPE = "imsdt_xmlv1p1"

# What learners read in the pages coursekit writes, by course language.
WORDS = {
    "fi": {
        "about": "Tietoa kurssista", "info": "Kurssin tiedot", "updates": "Ajankohtaista",
        "handouts": "Materiaalit", "exercises": "Tehtävät", "transcript": "Tekstitys", "video": "Video",
        "quiz_note": "Tämän yksikön tehtävät ovat testissä «{quiz}» tämän osion lopussa.",
        "bank_note": "Tämä tehtävä ({title}) on kurssin kysymyspankissa; opettaja lisää sen testiin «{quiz}».",
        "bank_new": "Tämä tehtävä ({title}) on kurssin kysymyspankissa; opettaja lisää sen testiin «{quiz}», "
                    "jonka hän luo tämän osion loppuun.",
        "rubric": "Testiin kuuluvat myös nämä tehtävät, jotka opettaja lisää kysymyspankista: {titles}.",
        "raw": "Tässä kohdassa on Open edX -kurssilla toiminto ({tag}), jota Moodlessa ei ole.",
    },
    "en": {
        "about": "About this course", "info": "Course information", "updates": "Updates",
        "handouts": "Handouts", "exercises": "Exercises", "transcript": "Transcript", "video": "Video",
        "quiz_note": "The exercises of this unit are in the quiz “{quiz}” at the end of this section.",
        "bank_note": "This exercise ({title}) is in the course question bank; the teacher adds it to the quiz "
                     "“{quiz}”.",
        "bank_new": "This exercise ({title}) is in the course question bank; the teacher adds it to a quiz "
                    "“{quiz}” made at the end of this section.",
        "rubric": "This quiz also has these exercises, which the teacher adds from the question bank: {titles}.",
        "raw": "Here the Open edX course has an activity ({tag}) that Moodle does not have.",
    },
}


def _cp(tag: str) -> str:
    return f"{{{CP_NS}}}{tag}"


def _lom(tag: str) -> str:
    return f"{{{LOM_NS}}}{tag}"


class _Cartridge:
    def __init__(self, course: Course, run: str, source_root: Path) -> None:
        self.course = course
        self.run = run
        self.root = source_root
        self.lang = course.language.split("-")[0].lower()
        self.words = WORDS.get(self.lang, WORDS["en"])
        self.out = Output(top=f"{course.org}-{course.number}-{run}", course_id=course.course_key(run))
        self.resources: list[etree._Element] = []
        self.pages: dict[str, str] = {}  # block id -> page href (+ #fragment), for links
        self.bank: list[tuple[str, Problem]] = []  # (category, problem) for the Moodle XML
        self.report: list[str] = []

    # -- links -------------------------------------------------------------------------

    def _index(self) -> None:
        """Which page each block lands on, so links can be rewritten before pages are written."""
        for section in self.course.sections:
            first_of_section = ""
            for sub in section.subsections:
                first_of_sub = ""
                for unit in sub.units:
                    page = f"pages/{unit.id}.html"
                    self.pages[unit.id] = page
                    first_of_sub = first_of_sub or page
                    for comp in unit.components:
                        self.pages[comp.id] = f"{page}#{comp.id}"
                if first_of_sub:
                    self.pages[sub.id] = first_of_sub
                    first_of_section = first_of_section or first_of_sub
            if first_of_section:
                self.pages[section.id] = first_of_section

    def urls(self, text: MdText, from_page: str) -> dict[str, str]:
        base = posixpath.dirname(from_page)
        out: dict[str, str] = {}
        for link in text.links:
            if link.kind == "static":
                out[link.href] = posixpath.relpath(f"static/{link.target}", base or ".")
            elif link.kind == "internal" and link.target in self.pages:
                target, _, fragment = self.pages[link.target].partition("#")
                rel = posixpath.relpath(target, base or ".")
                out[link.href] = f"{rel}#{fragment}" if fragment else rel
            elif link.kind == "page":
                slug, _, fragment = link.target.partition("#")
                rel = posixpath.relpath(page_path(slug), base or ".")
                out[link.href] = f"{rel}#{fragment}" if fragment else rel
            else:
                out[link.href] = link.href
        return out

    def render(self, text: MdText | None, page: str, inline: bool | None = None) -> str:
        if text is None or not text:
            return ""
        return markdown.render_text(text, self.urls(text, page), inline)

    def renderer(self, page: str) -> Callable[[MdText | None], str]:
        return lambda text: self.render(text, page)

    # -- files -------------------------------------------------------------------------

    def _statics_of(self, texts: list[MdText]) -> list[str]:
        return sorted({f"static/{link.target}" for t in texts for link in t.links if link.kind == "static"})

    def resource(self, ident: str, kind: str, href: str, files: list[str]) -> None:
        res = etree.Element(_cp("resource"), {"identifier": ident, "type": kind})
        if kind == "webcontent":
            res.set("href", href)
        for name in [href, *[f for f in files if f != href]]:
            etree.SubElement(res, _cp("file"), {"href": name})
        self.resources.append(res)

    def page(self, path: str, title: str, body: str) -> None:
        doc = (f'<!DOCTYPE html>\n<html lang="{html.escape(self.course.language)}">\n<head>\n'
               f'<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n</head>\n<body>\n'
               f"<h1>{html.escape(title)}</h1>\n{body}\n</body>\n</html>\n")
        self.out.files[path] = doc.encode("utf-8")

    # -- structure ---------------------------------------------------------------------

    def emit(self) -> Output:
        course = self.course
        self._index()
        for sf in course.static_files:
            self.out.files[f"static/{sf.path}"] = self.root / sf.source
        org = etree.Element(_cp("organization"), {"identifier": "organization", "structure": "rooted-hierarchy"})
        top = etree.SubElement(org, _cp("item"), {"identifier": "root"})
        self._intro(top)
        for section in course.sections:
            self._section(top, section)
        self.out.files["imsmanifest.xml"] = self._manifest(org)
        return self.out

    def _item(self, parent: etree._Element, ident: str, title: str, ref: str = "") -> etree._Element:
        item = etree.SubElement(parent, _cp("item"), {"identifier": ident})
        if ref:
            item.set("identifierref", ref)
        etree.SubElement(item, _cp("title")).text = title
        return item

    def _intro(self, top: etree._Element) -> None:
        """Section 0: the About page, course information and custom pages."""
        course = self.course
        intro = self._item(top, "intro", self.words["about"])
        if course.about is not None:
            path = "pages/about.html"
            body = f"<p>{html.escape(course.about.short_description)}</p>\n" if course.about.short_description else ""
            body += self.render(course.about.overview, path)
            texts = [t for t in (course.about.overview,) if t]
            self.page(path, course.title, body)
            self.resource("res_about", "webcontent", path, self._statics_of(texts))
            self._item(intro, "item_about", self.words["about"], "res_about")
        info = course.info
        if info.updates or info.handouts:
            path = "pages/info.html"
            parts = []
            if info.updates:
                parts.append(f"<h2>{self.words['updates']}</h2>")
                for update in info.updates:
                    parts.append(f"<h3>{update.date.isoformat()}</h3>\n{self.render(update.body, path)}")
            if info.handouts:
                parts.append(f"<h2>{self.words['handouts']}</h2>\n{self.render(info.handouts, path)}")
            texts = [u.body for u in info.updates] + ([info.handouts] if info.handouts else [])
            self.page(path, self.words["info"], "\n".join(parts))
            self.resource("res_info", "webcontent", path, self._statics_of(texts))
            self._item(intro, "item_info", self.words["info"], "res_info")
        for page in course.pages:
            path = page_path(page.slug)
            self.page(path, page.title, self.render(page.body, path))
            self.resource(f"res_page_{page.slug}", "webcontent", path, self._statics_of([page.body]))
            self._item(intro, f"item_page_{page.slug}", page.title, f"res_page_{page.slug}")

    def _section(self, top: etree._Element, section: Section) -> None:
        item = self._item(top, f"item_{section.id}", section.title)
        self._item(item, f"label_{section.id}", section.title)  # a label: section names stay empty in Moodle
        self.out.blocks.append(BlockInfo("chapter", section.id, self.run, section.title, section.loc))
        for sub in section.subsections:
            self._subsection(item, section, sub)

    def _subsection(self, parent: etree._Element, section: Section, sub: Subsection) -> None:
        self._item(parent, f"label_{sub.id}", sub.title)
        self.out.blocks.append(BlockInfo("sequential", sub.id, section.id, sub.title, sub.loc,
                                         graded=bool(sub.graded), format=sub.graded or ""))
        quiz_title = f"{sub.title}: {self.words['exercises']}"
        problems = [c for u in sub.units for c in u.components if isinstance(c, Problem)]
        has_quiz = any(qti.carried(p) for p in problems)
        in_quiz: list[Problem] = []
        for unit in sub.units:
            in_quiz.extend(self._unit(parent, section, sub, unit, quiz_title, has_quiz))
        if in_quiz:
            missing = [p.title for p in problems if not qti.carried(p)]
            rubric = self.words["rubric"].format(titles=", ".join(missing)) if missing else ""
            ident = f"res_quiz_{sub.id}"
            path = f"assessments/{sub.id}.xml"
            attempts = qti.quiz_attempts(sub, in_quiz)
            self.out.files[path] = qti.assessment(f"quiz_{sub.id}", quiz_title, in_quiz,
                                                  attempts,
                                                  self.renderer(path), html.escape(rubric))
            self.resource(ident, QTI_TYPE, path, [])
            self._item(parent, f"item_quiz_{sub.id}", quiz_title, ident)

    def _unit(self, parent: etree._Element, section: Section, sub: Subsection, unit: Unit,
              quiz_title: str, has_quiz: bool) -> list[Problem]:
        path = self.pages[unit.id]
        self.out.blocks.append(BlockInfo("vertical", unit.id, sub.id, unit.title, unit.loc))
        parts: list[str] = []
        texts: list[MdText] = []
        quiz: list[Problem] = []
        extra_files: list[str] = []
        discussions: list[Discussion] = []
        for comp in unit.components:
            info = BlockInfo(comp.block_type, comp.id, unit.id, comp.title, comp.loc)
            anchor = f'<div id="{comp.id}">'
            if isinstance(comp, Html):
                parts.append(f"{anchor}\n{self.render(comp.body, path)}\n</div>")
                texts.append(comp.body)
            elif isinstance(comp, Problem):
                texts.extend(comp.texts())
                info.graded, info.scored = bool(sub.graded) and comp.scored, comp.scored
                info.weight = 1.0 if comp.weight is None else float(comp.weight)
                if qti.carried(comp):
                    quiz.append(comp)
                    if len(quiz) == 1:
                        note = self.words["quiz_note"].format(quiz=html.escape(quiz_title))
                        parts.append(f'{anchor}<p class="coursekit-note">{note}</p></div>')
                else:
                    self.bank.append((section.title, comp))
                    self.report.append(f"{comp.loc}: problem {comp.id} ({comp.kind}) is in the question bank "
                                       f"(.moodle.xml), not in the quiz {quiz_title!r}")
                    note = self.words["bank_note" if has_quiz else "bank_new"].format(
                        title=html.escape(comp.title), quiz=html.escape(quiz_title))
                    parts.append(f'{anchor}<p class="coursekit-note">{note}</p></div>')
            elif isinstance(comp, Video):
                parts.append(f"{anchor}\n{self._video(comp, path, extra_files)}\n</div>")
            elif isinstance(comp, Discussion):
                discussions.append(comp)
            elif isinstance(comp, RawXBlock):
                note = self.words["raw"].format(tag=html.escape(comp.tag))
                parts.append(f'{anchor}<p class="coursekit-placeholder"><strong>{html.escape(comp.title)}</strong>'
                             f"<br>{note}</p></div>")
                info.type = comp.tag
                self.report.append(f"{comp.loc}: {comp.tag} {comp.id} has no Moodle equivalent: a placeholder")
            self.out.blocks.append(info)
        self.page(path, unit.title, "\n".join(parts))
        self.resource(f"res_{unit.id}", "webcontent", path, sorted({*self._statics_of(texts), *extra_files}))
        self._item(parent, f"item_{unit.id}", unit.title, f"res_{unit.id}")
        for comp in discussions:  # the forum's introduction: the unit's text, which sets the question
            self._discussion(parent, comp, path, "\n".join(p for p in parts if 'class="coursekit-' not in p))
        return quiz

    def _video(self, video: Video, page: str, files: list[str]) -> str:
        from coursekit import media

        out = []
        title = html.escape(video.title or self.words["video"])
        if video.youtube:
            out.append(f'<iframe title="{title}" width="640" height="360" '
                       f'src="https://www.youtube-nocookie.com/embed/{html.escape(video.youtube)}" '
                       'allowfullscreen></iframe>')
        elif video.sources:
            out.append(f'<video controls="controls" width="640" title="{title}">'
                       + "".join(f'<source src="{html.escape(src)}">' for src in video.sources) + "</video>")
        for tr in sorted(video.transcripts, key=lambda t: t.language):
            name = f"static/{video.id}-{tr.language}.srt"
            self.out.files[name] = media.to_srt(tr.cues).encode("utf-8")
            files.append(name)
            rel = posixpath.relpath(name, posixpath.dirname(page))
            out.append(f'<p><a href="{rel}">{self.words["transcript"]} ({html.escape(tr.language)})</a></p>')
        return "\n".join(out)

    def _discussion(self, parent: etree._Element, comp: Discussion, page: str, intro: str) -> None:
        path = f"discussions/{comp.id}.xml"
        root = etree.Element(f"{{{DT_NS}}}topic", nsmap={None: DT_NS})
        etree.SubElement(root, f"{{{DT_NS}}}title").text = comp.title
        text = etree.SubElement(root, f"{{{DT_NS}}}text", {"texttype": "text/html"})
        # links in the page are relative to pages/; the forum has no such folder: keep only web links
        text.text = _absolute_links_only(intro) or f"<p>{html.escape(comp.title)}</p>"
        self.out.files[path] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        self.resource(f"res_{comp.id}", DT_TYPE, path, [])
        self._item(parent, f"item_{comp.id}", comp.title, f"res_{comp.id}")

    def _manifest(self, org: etree._Element) -> bytes:
        course = self.course
        root = etree.Element(_cp("manifest"), {"identifier": f"{course.org}_{course.number}_{self.run}"},
                             nsmap={None: CP_NS, "lomimscc": LOM_NS, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
        meta = etree.SubElement(root, _cp("metadata"))
        etree.SubElement(meta, _cp("schema")).text = "IMS Common Cartridge"
        etree.SubElement(meta, _cp("schemaversion")).text = "1.1.0"
        general = etree.SubElement(etree.SubElement(meta, _lom("lom")), _lom("general"))
        title = etree.SubElement(etree.SubElement(general, _lom("title")), _lom("string"),
                                 {"language": course.language})
        title.text = course.title
        if course.about is not None and course.about.short_description:
            desc = etree.SubElement(etree.SubElement(general, _lom("description")), _lom("string"),
                                    {"language": course.language})
            desc.text = course.about.short_description
        orgs = etree.SubElement(root, _cp("organizations"))
        orgs.append(org)
        resources = etree.SubElement(root, _cp("resources"))
        for res in self.resources:
            resources.append(res)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _absolute_links_only(fragment: str) -> str:
    """``fragment`` with links that only work inside the package turned into their text."""
    if not fragment.strip():
        return ""
    from lxml import html as lxml_html

    holder = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for link in holder.iter("a", "img"):
        target = link.get("href") or link.get("src") or ""
        if not target.startswith(("http://", "https://", "mailto:")):
            if link.tag == "img":
                link.drop_tree()
            else:
                link.drop_tag()
    return html.escape(holder.text or "", quote=False) + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in holder)


def losses(problem: Problem) -> list[str]:
    """What Moodle cannot keep of this problem, in plain words (lint rule M902 reports them)."""
    from coursekit.emit.imscc import moodlexml

    if not qti.carried(problem):
        return moodlexml.losses(problem)
    out = []
    if any(link.is_image for text in problem.texts() for link in text.links):
        out.append("an image in a cartridge quiz question becomes a link to one Moodle site's files and does "
                   "not survive a move; add the image again in Moodle")
    if problem.hints:
        out.append("hints are not kept (a cartridge quiz has none)")
    if any(c.feedback_unselected for c in problem.choices):
        out.append("feedback for choices left unselected is not kept")
    if problem.combinations:
        out.append("feedback for combinations of choices is not kept")
    if problem.kind == "multiple-choice":
        out.append("Open edX grades it all or nothing; Moodle gives each right choice 1/n of the mark and "
                   "ignores wrong ones")
    if problem.kind == "text":
        if problem.correct_feedback:
            out.append("the feedback on the right answer is not kept (Moodle's short answer import drops it)")
        if problem.case_sensitive:
            out.append("the answer is compared case-sensitively in Open edX, not in Moodle")
        if problem.regexp:
            out.append("the answer is a regular expression; Moodle matches it as written")
    return out


def emit(course: Course, run: str, source_root: Path) -> Output:
    """The cartridge's files; the Moodle XML question bank goes in ``output.companions``."""
    cartridge = _Cartridge(course, run, source_root)
    out = cartridge.emit()
    from coursekit.emit.imscc import moodlexml

    if cartridge.bank:
        # the bank lives outside the cartridge: links keep their written form (external ones work)
        out.companions["moodle.xml"] = moodlexml.question_bank(
            course, cartridge.bank, lambda text: {link.href: link.href for link in text.links})
    out.format = "imscc"
    out.report = cartridge.report
    return out
