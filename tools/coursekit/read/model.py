"""An OLX course (:class:`~coursekit.read.olx.OlxCourse`) -> the course model, for ``coursekit adopt``.

Every block keeps its url_name (pinned). A block becomes a coursekit
component only when coursekit writes it back the same: HTML becomes Markdown
when the Markdown, rendered by coursekit's own renderer, gives the same
normalised HTML; a problem becomes a problem block when coursekit's problem
emitter gives the same XML (after normalisation). Everything else is kept as
it is: HTML verbatim in a ``.html`` file, problems and other XBlocks as raw
OLX. :class:`Adoption` lists each block kept raw and why, and whatever the
course has that coursekit cannot carry.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree
from markdownify import MarkdownConverter

from coursekit import dates, markdown
from coursekit.diagnostics import Loc
from coursekit.emit.olx.problems import problem_xml
from coursekit.ids import PIN_RE
from coursekit.model import (
    About,
    AssignmentType,
    Certificates,
    Choice,
    Combination,
    Component,
    Course,
    DateSpec,
    Discussion,
    Grading,
    Html,
    Info,
    MdText,
    Page,
    Problem,
    RawXBlock,
    Run,
    Section,
    StaticFile,
    Subsection,
    Transcript,
    Unit,
    Update,
    Video,
    WrongAnswer,
)
from coursekit.read.compare import (
    EDITOR_ONLY,
    INHERITED,
    MODELLED_RESPONSES,
    RESPONSES,
    canonical,
    locked,
    norm_attrs,
    norm_date,
    normalize_html,
    problem_view,
)
from coursekit.read.olx import Block, OlxCourse, inner_html
from coursekit.static_refs import asset_name

NOWHERE = Loc("course.xml")
STATIC_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")
# Course settings coursekit writes itself from course.yaml.
MODELLED_SETTINGS = frozenset({
    "display_name", "language", "self_paced", "advanced_modules", "tabs", "discussion_topics", "start", "end",
    "enrollment_start", "enrollment_end", "course_image", "cert_html_view_enabled", "certificates_display_behavior",
    "certificates", "xml_attributes",
})
SEQUENTIAL_ATTRS = frozenset({"display_name", "graded", "format", "due", "start", "show_correctness",
                              "hide_after_due"})


@dataclass
class Adoption:
    """What ``adopt`` did: counts by type and form, blocks kept raw and why, what could not be carried."""

    converted: Counter = field(default_factory=Counter)  # block type -> blocks turned into coursekit components
    raw: Counter = field(default_factory=Counter)  # block type -> blocks kept as they are
    kept_raw: list[tuple[str, str]] = field(default_factory=list)  # (type/url_name, why)
    lost: list[tuple[str, str]] = field(default_factory=list)  # (where, what coursekit cannot carry)
    force_raw: set[str] = field(default_factory=set)  # blocks to keep raw whatever (after a failed round trip)
    static_renamed: dict[str, str] = field(default_factory=dict)  # asset name written -> path in the export
    transcripts: dict[str, str] = field(default_factory=dict)  # source path -> static file it is written from
    notes: list[str] = field(default_factory=list)  # other things the reader of the report should know
    mixed: int = 0  # HTML blocks converted to Markdown that keep some raw HTML blocks
    md_parts: int = 0  # top-level parts (paragraphs, lists ...) of converted HTML written as Markdown
    raw_parts: int = 0  # ... and kept as raw HTML blocks inside the Markdown
    # Converted problems whose `markdown` attribute (Studio's simple-editor source) was dropped:
    # (type/url_name, whether it held a source rather than "null")
    editor_source_dropped: list[tuple[str, bool]] = field(default_factory=list)

    def keep_raw(self, block: Block, why: str) -> None:
        self.raw[block.type] += 1
        self.kept_raw.append((block.key, why))

    def convert(self, block: Block) -> None:
        self.converted[block.type] += 1


# -- HTML -> Markdown ----------------------------------------------------------------

LINK_RE = re.compile(r"\]\(([^)\s]*)")
UNSAFE_MD = re.compile(r"\\\(|\\\[|\[mathjax|\{#|\](?!\{lang=[A-Za-z0-9-]+\})\{|^\s*```\{|<!--", re.M)
LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


class Converter(MarkdownConverter):
    """markdownify, plus the language span coursekit's Markdown has: <span lang="en">x</span> -> [x]{lang=en}."""

    def convert_span(self, el, text: str, parent_tags) -> str:
        lang = el.attrs.get("lang", "") if isinstance(el.attrs.get("lang"), str) else ""
        if set(el.attrs) == {"lang"} and LANG_CODE.fullmatch(lang) and text and text == text.strip() \
                and not any(ch in text for ch in "[]\n"):
            return f"[{text}]{{lang={lang}}}"
        return text  # any other span: its text (the round-trip check keeps the HTML if that loses anything)


def html_to_markdown(html: str) -> str:
    text = Converter(heading_style="ATX", bullets="-", escape_misc=False, strip=["script", "style"]).convert(html)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text


def _links_ok(md: str, course: OlxCourse, ids: set[str]) -> bool:
    """Every link the loader will resolve: to a static file that exists, to a known id, or a web address."""
    for found in markdown.find_links(md):
        href = found.href
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            if not href.lower().startswith(("http:", "https:", "mailto:")):
                return False
            continue
        if href.startswith("//"):
            continue
        if href.startswith("/static/"):
            path = href[len("/static/"):].split("?", 1)[0].split("#", 1)[0]
            if path not in course.static or not STATIC_NAME_RE.match(path):
                return False
            continue
        if href.startswith("/jump_to_id/"):
            if href[len("/jump_to_id/"):].strip("/") not in ids:
                return False
            continue
        return False  # relative paths and other LMS paths: not what the loader takes in Markdown
    return True


HTML_IN_MD = re.compile(r"^<[a-zA-Z]", re.M)
STRUCTURE_MD = re.compile(r"^\s{0,3}(#{1,2}\s|```|~~~|---\s*$)", re.M)
HTML_BLOCK_START = re.compile(r"^<(address|article|aside|blockquote|details|dialog|dd|div|dl|dt|fieldset|figcaption|"
                              r"figure|footer|form|h[1-6]|header|hr|iframe|li|main|nav|ol|p|section|summary|table|"
                              r"ul|video|audio|center)[\s/>]", re.I)


def _renders_same(md: str, html: str, inline: bool, doc_id: str) -> bool:
    from coursekit.load.links import analyse

    problems, _links = analyse(MdText(md, Loc("x"), inline=inline))
    if problems:
        return False
    try:
        back = markdown.render(md, None, inline, doc_id)
    except Exception:  # a text the renderer cannot take is simply not converted
        return False
    return normalize_html(back) == normalize_html(html)


def _md_ok(md: str, course: OlxCourse, ids: set[str]) -> bool:
    # The fences, headings and markers the subsection file uses must not appear in the text.
    return bool(md) and not UNSAFE_MD.search(md) and _links_ok(md, course, ids) and not STRUCTURE_MD.search(md)


def markdown_for(html: str, course: OlxCourse, ids: set[str], doc_id: str = "", inline: bool = False,
                 mixed: bool = False) -> str | None:
    """Markdown that coursekit renders back to the same normalised HTML, or None.

    With ``mixed``, top-level elements Markdown cannot carry (a styled <div>, a table with classes) may
    stay in the Markdown as raw HTML blocks, while the rest becomes Markdown."""
    if not html.strip():
        return ""
    md = html_to_markdown(html)
    if _md_ok(md, course, ids) and _renders_same(md, html, inline, doc_id):
        return md
    if not mixed or inline:
        return None
    from lxml import html as lxml_html

    try:
        nodes = lxml_html.fragments_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    parts = []
    for node in nodes:
        if isinstance(node, str) or not isinstance(node.tag, str):
            if isinstance(node, str) and node.strip():
                return None
            continue
        outer = etree.tostring(node, encoding="unicode", method="html", with_tail=False)
        if (node.tail or "").strip():
            return None
        piece = html_to_markdown(outer)
        if _md_ok(piece, course, ids) and _renders_same(piece, outer, False, doc_id):
            parts.append(piece)
            continue
        raw = "\n".join(line for line in outer.split("\n") if line.strip())
        if not HTML_BLOCK_START.match(raw) or "<!--" in raw or "```" in raw or "<pre" in raw.lower():
            return None
        parts.append(raw)
    if all(HTML_IN_MD.match(part) for part in parts):
        return None  # nothing would be Markdown: keep the HTML as it is, in its own file
    md = "\n\n".join(parts)
    if not _links_ok(md, course, ids) or not _renders_same(md, html, inline, doc_id):
        return None
    return md


# -- the builder ----------------------------------------------------------------------


def _date(value: str | None, where: str) -> DateSpec | None:
    if not value or value in ("null", "None"):
        return None
    text = norm_date(value)
    moment = dates.from_olx(text)
    return DateSpec(Loc(where), absolute=moment, text=text) if moment else None


def _bool(value: object) -> bool:
    return str(value).strip().lower() == "true"


class _Builder:
    def __init__(self, olx: OlxCourse, force_raw: set[str]) -> None:
        self.olx = olx
        self.report = Adoption(force_raw=set(force_raw))
        self.ids = {b.url_name for b in olx.blocks()}

    def md(self, html: str, where: str, inline: bool = False, doc_id: str = "", mixed: bool = False) -> MdText | None:
        text = markdown_for(html, self.olx, self.ids, doc_id, inline, mixed)
        return None if text is None else MdText(text, Loc(where), inline=inline)

    def lose(self, where: str, what: str) -> None:
        self.report.lost.append((where, what))

    # -- course ------------------------------------------------------------------

    def build(self) -> tuple[Course, Adoption]:
        olx, policy = self.olx, self.olx.policy
        run = Run(olx.run, NOWHERE, **{k: _date(policy_str(policy.get(k)), "policy.json")
                                       for k in ("start", "end", "enrollment_start", "enrollment_end")})
        course = Course(
            org=olx.org, number=olx.number, title=str(policy.get("display_name") or olx.number),
            language=str(policy.get("language") or "en"), timezone="UTC",
            pacing="self" if _bool(policy.get("self_paced", False)) else "instructor",
            runs={olx.run: run}, default_run=olx.run, grading=self.grading(), certificates=self.certificates(),
            about=None, info=Info(None, []), pages=[], advanced_modules=[], discussion_topics=[],
            problem_defaults={}, lint={}, loc=NOWHERE,
        )
        modules = policy.get("advanced_modules") or []
        if isinstance(modules, str):
            try:
                modules = json.loads(modules)
            except json.JSONDecodeError:
                modules = []
        course.advanced_modules = sorted({str(m) for m in modules})
        self.course = course
        course.static_files = self.static()
        course.about = self.about(course)
        course.pages = self.pages()
        course.info = self.info(course)
        course.policy = self.extra_policy(course)
        for path in olx.drafts:
            self.lose(path, "drafts are not read (Open edX imports them as unpublished changes)")
        for extra in olx.course.extras:
            if not (extra.tag == "wiki" and extra.get("slug") == f"{olx.org}.{olx.number}.{olx.run}"):
                self.lose(f"course/{olx.run}.xml", f"<{extra.tag}> {dict(extra.attrib)} is not carried")
        for sf in course.static_files:
            name = sf.asset_name
            if locked(olx, self.report.static_renamed.get(name, name)) or locked(olx, name):
                self.lose(f"static/{name}", "is locked in policies/assets.json; coursekit writes no asset locks")
        for chapter in olx.course.children:
            if chapter.type != "chapter":
                self.lose(chapter.key, "a block directly in the course that is not a section (chapter)")
                continue
            course.sections.append(self.section(chapter))
        # coursekit adds the types of raw blocks to advanced_modules; keep the export's own list if it differs.
        from coursekit.load.components import BUILTIN_XBLOCKS

        written = set(course.advanced_modules) | {
            c.tag for *_, c in course.components() if isinstance(c, RawXBlock) and c.tag not in BUILTIN_XBLOCKS}
        if sorted(written) != course.advanced_modules:
            course.policy["advanced_modules"] = [str(m) for m in _json_value(policy.get("advanced_modules")) or []]
            added = ", ".join(sorted(written - set(course.advanced_modules)))
            self.report.notes.append(f"advanced_modules is kept as in the export under `policy:` in course.yaml; "
                                     f"without it coursekit would add the raw blocks' types ({added})")
        used = set(self.report.transcripts.values())
        course.static_files = [sf for sf in course.static_files if sf.path not in used]
        return course, self.report

    def grading(self) -> Grading | None:
        policy = self.olx.grading
        graders = policy.get("GRADER") or []
        cutoffs = policy.get("GRADE_CUTOFFS") or {}
        if not graders and cutoffs in ({}, {"Pass": 0.5}):
            return None
        types = []
        for g in graders:
            types.append(AssignmentType(str(g.get("type", "")), str(g.get("short_label", "")),
                                        float(g.get("weight", 0)), int(g.get("min_count", 0)),
                                        int(g.get("drop_count", 0)), NOWHERE))
        if set(cutoffs) != {"Pass"}:
            self.lose("grading_policy.json", f"grade cutoffs {cutoffs}: coursekit has one pass cutoff only")
        cutoff = float(cutoffs.get("Pass", 0.5)) if isinstance(cutoffs, dict) else 0.5
        return Grading(cutoff, types, NOWHERE)

    def certificates(self) -> Certificates | None:
        policy = self.olx.policy
        certs = policy.get("certificates")
        if not _bool(policy.get("cert_html_view_enabled", False)) or not isinstance(certs, dict):
            return None
        items = certs.get("certificates") or []
        if len(items) != 1:
            return None
        item = items[0]
        cert = Certificates(True, str(policy.get("certificates_display_behavior", "end")), str(item.get("name", "")),
                            str(item.get("description", "")), NOWHERE)
        expected = {"id": 1, "name": cert.name, "description": cert.description,
                    "course_title": str(policy.get("display_name", "")), "is_active": True, "signatories": [],
                    "version": 1}
        return cert if item == expected else None

    def extra_policy(self, course: Course) -> dict[str, object]:
        """Course settings coursekit does not write itself, and those it would write differently."""
        from coursekit.emit.olx import OlxEmitter

        emitter = OlxEmitter(course, course.runs[course.default_run], self.olx.root)
        emitter.advanced = set(course.advanced_modules)
        policy = dict(self.olx.policy)
        extra: dict[str, object] = {}
        ours = _policy_of(emitter)
        for key, value in sorted(policy.items()):
            if key in ("xml_attributes", "display_name"):
                continue
            if key in ("language", "self_paced", "start", "end", "enrollment_start", "enrollment_end"):
                continue  # written from course.yaml
            if key == "advanced_modules":
                continue
            value = _json_value(value)
            if key not in ours or _canon(ours[key]) != _canon(value):
                extra[key] = value
        return extra

    def static(self) -> list[StaticFile]:
        """Static files under the name Open edX gives them (the one links use), flat as in the export."""
        out = []
        taken: dict[str, str] = {}
        for path in sorted(self.olx.static):
            name = asset_name(path)
            if not STATIC_NAME_RE.match(name):
                self.lose(f"static/{path}", f"asset name {name!r} has characters coursekit refuses; "
                          "the file is not copied")
                continue
            if name in taken:
                self.lose(f"static/{path}", f"is the same asset {name!r} as static/{taken[name]}; not copied")
                continue
            taken[name] = path
            if name != path:
                self.report.static_renamed[name] = path
            out.append(StaticFile(name, f"static/{name}", Loc(f"static/{name}")))
        return out

    def about(self, course: Course) -> About | None:
        about = self.olx.about
        if not about and not self.olx.policy.get("course_image"):
            return None
        image = None
        name = str(self.olx.policy.get("course_image") or "")
        if name:
            image = next((sf for sf in course.static_files if sf.asset_name == name), None)
            if image is None:
                self.lose("course_image", f"course image {name!r} is not a static file of the course")
        overview = None
        if "overview" in about:
            overview = self.md(about["overview"], "about/overview.html") or MdText(
                about["overview"], Loc("about/overview.html"), raw_html=True)
        simple = {}
        for slug in ("short_description", "effort", "duration"):
            value = about.get(slug, "")
            if value.strip() and value.strip() == value.strip().strip("\n") and "\n" not in value.strip() \
                    and (slug != "effort" or re.fullmatch(r"\d+:[0-5]\d", value.strip())):
                simple[slug] = value.strip()
        files = {}
        for slug, text in about.items():
            if slug == "overview" or slug in simple:
                continue
            files[slug] = MdText(text, Loc(f"about/{slug}.html"), raw_html=True)
        return About(short_description=simple.get("short_description", ""), overview=overview,
                     effort=simple.get("effort", ""), duration=simple.get("duration", ""), image=image,
                     loc=NOWHERE, files=files)

    def info(self, course: Course) -> Info:
        info = self.olx.info
        handouts = None
        if "handouts.html" in info and info["handouts.html"].strip():
            handouts = self.md(info["handouts.html"], "info/handouts.html") or MdText(
                info["handouts.html"], Loc("info/handouts.html"), raw_html=True)
        result = Info(handouts, [])
        updates = self.updates(course)
        if updates is not None:
            result.updates = updates
        else:
            result.files = {k: v for k, v in info.items() if k != "handouts.html"}
        return result

    def updates(self, course: Course) -> list[Update] | None:
        """Course updates as coursekit writes them, when writing them again gives the same; else None."""
        info = self.olx.info
        try:
            items = json.loads(info.get("updates.items.json", "[]"))
        except json.JSONDecodeError:
            return None
        if not isinstance(items, list):
            return None
        out = []
        for item in items:
            try:
                day = dt.datetime.strptime(str(item.get("date")), "%B %d, %Y").date()
            except (ValueError, AttributeError):
                return None
            body = self.md(str(item.get("content", "")), "info/updates.items.json")
            if body is None:
                return None
            out.append(Update(day, body, NOWHERE))
        from coursekit.emit.olx import OlxEmitter

        probe = Course(**{**course.__dict__, "info": Info(None, out)})
        emitter = OlxEmitter(probe, probe.runs[probe.default_run], self.olx.root)
        emitter.info()
        files = emitter.out.files
        written = {k.split("/", 1)[1]: v.decode("utf-8") for k, v in files.items() if isinstance(v, bytes)}
        have = {k: v for k, v in info.items() if k != "handouts.html"}
        if set(written) != set(have):
            return None
        if normalize_html(written.get("updates.html", "")) != normalize_html(have.get("updates.html", "")):
            return None
        if "updates.items.json" in have and json.loads(written["updates.items.json"]) != items:
            return None
        return out

    def pages(self) -> list[Page]:
        titles = {}
        for tab in self.olx.policy.get("tabs") or []:
            if isinstance(tab, dict) and tab.get("type") == "static_tab":
                titles[str(tab.get("url_slug"))] = str(tab.get("name", ""))
        pages = []
        for slug, html in sorted(self.olx.tabs.items()):
            where = f"tabs/{slug}.html"
            body = self.md(html, where, doc_id=slug) or MdText(html, Loc(where), raw_html=True)
            pages.append(Page(slug, titles.get(slug, slug), body, Loc(where)))
        return pages

    # -- structure -------------------------------------------------------------------

    def check_id(self, block: Block) -> None:
        if not PIN_RE.match(block.url_name):
            self.lose(block.key, f"url_name {block.url_name!r} is not an id coursekit can pin "
                      "(lower-case letters, digits, - and _)")

    def extra_attrs(self, block: Block, allowed: frozenset[str]) -> None:
        for key in sorted(set(block.attrs) - allowed - {"xblock-family"}):
            self.lose(block.key, f"attribute {key}={block.attrs[key]!r} is not carried (coursekit has no place "
                      "for it)")

    def section(self, chapter: Block) -> Section:
        self.check_id(chapter)
        self.extra_attrs(chapter, frozenset({"display_name", "start"}))
        section = Section(chapter.url_name, chapter.attrs.get("display_name", ""), Loc(chapter.where), "",
                          start=_date(chapter.attrs.get("start"), chapter.where), id_pinned=True)
        for seq in chapter.children:
            if seq.type != "sequential":
                self.lose(seq.key, "a block directly in a section that is not a subsection (sequential)")
                continue
            section.subsections.append(self.subsection(seq))
        return section

    def subsection(self, seq: Block) -> Subsection:
        self.check_id(seq)
        self.extra_attrs(seq, SEQUENTIAL_ATTRS)
        attrs = seq.attrs
        graded = _bool(attrs.get("graded", "false"))
        fmt = attrs.get("format")
        if graded != bool(fmt):
            self.lose(seq.key, f"graded={attrs.get('graded')!r} with format={fmt!r}: coursekit writes both or "
                      "neither")
        sub = Subsection(seq.url_name, attrs.get("display_name", ""), Loc(seq.where), "",
                         graded=fmt if graded and fmt else None, due=_date(attrs.get("due"), seq.where),
                         start=_date(attrs.get("start"), seq.where), id_pinned=True)
        for key in ("show_correctness", "hide_after_due"):
            if key in attrs:
                sub.settings[key] = _bool(attrs[key]) if attrs[key].lower() in ("true", "false") else attrs[key]
        if not seq.children:
            self.lose(seq.key, "a subsection without units (coursekit makes one unit of an empty file)")
        for vertical in seq.children:
            if vertical.type != "vertical":
                self.lose(vertical.key, "a block directly in a subsection that is not a unit (vertical)")
                continue
            sub.units.append(self.unit(vertical))
        return sub

    def unit(self, vertical: Block) -> Unit:
        self.check_id(vertical)
        self.extra_attrs(vertical, frozenset({"display_name"}))
        title = vertical.attrs.get("display_name", "")
        if not title.strip() or title != title.strip() or title.endswith("#"):
            self.lose(vertical.key, f"unit title {title!r} cannot be written as a `##` heading as it is")
        unit = Unit(vertical.url_name, title, Loc(vertical.where), id_pinned=True)
        for child in vertical.children:
            self.check_id(child)
            unit.components.append(self.component(child, unit))
        return unit

    def component(self, block: Block, unit: Unit) -> Component:
        forced = block.key in self.report.force_raw
        if block.type == "html":
            return self.html(block, forced)
        if block.type == "problem" and not forced:
            problem, why = self.problem(block)
            if problem is not None:
                self.report.convert(block)
                return problem
            return self.raw(block, why)
        if block.type == "discussion" and not forced:
            attrs = block.attrs
            if set(attrs) == {"display_name", "discussion_category", "discussion_target", "discussion_id"} and \
                    attrs["discussion_id"] == block.url_name and block.inline:
                self.report.convert(block)
                return Discussion(block.url_name, Loc(block.where), attrs["display_name"],
                                  attrs["discussion_category"], attrs["discussion_target"])
            return self.raw(block, "attributes other than coursekit's discussion (display_name, category, target, "
                            "discussion_id equal to the url_name)")
        if block.type == "video" and not forced:
            video, why = self.video(block)
            if video is not None:
                self.report.convert(block)
                return video
            return self.raw(block, why)
        why = "a block type coursekit has no source form for"
        return self.raw(block, "did not come back the same after a round trip" if forced else why)

    def video(self, block: Block) -> tuple[Video | None, str]:
        """A video as coursekit writes one (YouTube id and/or sources, SubRip transcripts), or why not."""
        from coursekit import media
        from coursekit.emit.olx import OlxEmitter

        attrs = block.attrs
        allowed = {"display_name", "download_video", "download_track", "show_captions", "html5_sources", "youtube",
                   "youtube_id_1_0", "start_time", "end_time", "transcript_language"}
        extra = sorted(set(attrs) - allowed)
        if extra:
            return None, f"video attributes coursekit does not write: {', '.join(extra)}"
        try:
            sources = json.loads(attrs.get("html5_sources", "[]"))
        except json.JSONDecodeError:
            return None, "html5_sources is not a JSON list"
        transcripts = []
        for child in block.element:
            if child.tag == "transcript":
                name = child.get("src", "")
                lang = child.get("language", "")
                if name not in self.olx.static or not name.endswith(".srt"):
                    return None, f"transcript {name!r} is not a .srt file under static/"
                data = self.olx.static_path(name).read_bytes()
                try:
                    cues = media.parse(data.decode("utf-8"), "srt")
                except (UnicodeDecodeError, media.TranscriptError):
                    return None, f"transcript {name!r} cannot be read as SubRip"
                cue_list = [(c.start_ms, c.end_ms, c.text) for c in cues]
                if media.to_srt(cue_list).encode("utf-8") != data:
                    return None, f"transcript {name!r} would not be written back byte for byte"
                transcripts.append(Transcript(lang, f"transcripts/{name}", cue_list, Loc(f"static/{name}")))
        youtube = attrs.get("youtube_id_1_0", "")
        video = Video(block.url_name, Loc(block.where), attrs.get("display_name", ""), youtube=youtube,
                      sources=[str(s) for s in sources] if isinstance(sources, list) else [],
                      transcripts=transcripts, download_video=_bool(attrs.get("download_video", "false")),
                      download_track=_bool(attrs.get("download_track", "true")),
                      start_time=attrs.get("start_time", ""), end_time=attrs.get("end_time", ""))
        probe = OlxEmitter(self.course, self.course.runs[self.course.default_run], self.olx.root)
        try:
            again = probe.video(video)
        except Exception:  # a name clash or the like: keep it as it is
            return None, "coursekit cannot write this video back"
        again.set("url_name", block.url_name)
        if canonical(again) != canonical(_with_attrs(block.element, block.attrs)):
            return None, "coursekit's video XML for it would differ"
        for tr in transcripts:
            self.report.transcripts[tr.source] = tr.source.split("/", 1)[1]
        return video, ""

    def raw(self, block: Block, why: str) -> RawXBlock:
        self.report.keep_raw(block, why)
        element = block.element
        xml = etree.tostring(element, encoding="unicode", with_tail=False)
        return RawXBlock(block.url_name, Loc(block.where), block.attrs.get("display_name", ""), block.type, xml)

    def html(self, block: Block, forced: bool) -> Html:
        attrs = {k: v for k, v in block.attrs.items() if k != "display_name"}
        title = block.attrs.get("display_name", "")
        html = block.html or ""
        body = None if forced else self.md(html, block.where, doc_id=block.url_name, mixed=True)
        if body is not None:
            self.report.convert(block)
            parts = [p for p in body.text.split("\n\n") if p.strip()]
            raw = sum(1 for p in parts if HTML_IN_MD.match(p))
            self.report.md_parts += len(parts) - raw
            self.report.raw_parts += raw
            if raw:
                self.report.mixed += 1
        else:
            why = "did not come back the same after a round trip" if forced else \
                "no part of it would render back to the same HTML from Markdown"
            self.report.keep_raw(block, why)
            body = MdText(html, Loc(block.where), raw_html=True)
        return Html(block.url_name, Loc(block.where), title, body=body, attrs=attrs)

    # -- problems ----------------------------------------------------------------------

    def problem(self, block: Block) -> tuple[Problem | None, str]:
        """A problem as a coursekit problem when what learners see and what grades them comes back the same
        (:func:`problem_view`, the comparison ``coursekit diff`` makes), or why not."""
        try:
            problem = self._problem(block)
        except _NotModelled as exc:
            return None, str(exc)
        again = problem_xml(problem)
        mine = {k: v for k, v in again.attrib.items() if k != "url_name"}
        theirs = {k: v for k, v in block.attrs.items() if k not in EDITOR_ONLY}
        for key, default in INHERITED.items():
            theirs.setdefault(key, default)  # inherited from the course; the round trip checks what it is there
        if theirs.get("display_name") is None:
            mine.pop("display_name", None)
        if norm_attrs(mine) != norm_attrs(theirs):
            return None, "coursekit's problem attributes for it would differ"
        view = problem_view(again)
        if view is None or view != problem_view(block.element):
            return None, "coursekit's problem XML for it would differ (text, choices, feedback or inputs)"
        if "markdown" in block.attrs:
            self.report.editor_source_dropped.append((block.key, block.attrs["markdown"] not in ("", "null")))
        return problem, ""

    def _problem(self, block: Block) -> Problem:
        root = block.element
        attrs = {k: v for k, v in block.attrs.items() if k not in EDITOR_ONLY}
        allowed = {"display_name", "max_attempts", "weight", "showanswer", "show_reset_button"}
        if any(True for _ in root.iter("script")):
            raise _NotModelled("a script in it (Python-evaluated or randomised)")
        responses = list(root.iter(*RESPONSES))
        if len(responses) > 1:
            raise _NotModelled(f"{len(responses)} responses in one problem (coursekit models one)")
        if not responses or responses[0].tag not in MODELLED_RESPONSES:
            found = f"a <{responses[0].tag}>" if responses else "no response"
            raise _NotModelled(f"{found} (coursekit models single-choice, multiple-choice, dropdown, numerical and "
                               "text)")
        extra = sorted(set(attrs) - allowed)
        if extra:
            raise _NotModelled(f"problem attributes coursekit does not write: {', '.join(extra)}")
        if attrs.get("show_reset_button", "false").lower() not in ("true", "false"):
            raise _NotModelled("show_reset_button is neither true nor false")
        response = responses[0]
        kept = {"numericalresponse": {"answer"}, "stringresponse": {"answer", "type"}}.get(response.tag, set())
        if set(response.attrib) - kept:
            raise _NotModelled(f"<{response.tag}> attributes coursekit does not write: "
                               f"{', '.join(sorted(set(response.attrib) - kept))}")
        if response.getparent() is not root:
            raise _NotModelled("the response is not directly in the problem")
        if _loose(root.text) or any(_loose(c.tail) for c in root) or _loose(response.text) or \
                any(_loose(c.tail) for c in response):
            raise _NotModelled("text outside any element in it")
        children = [c for c in root if isinstance(c.tag, str)]
        at = children.index(response)
        before, after = children[:at], children[at + 1:]
        context = ""
        for element in before:
            if element.tag == "div" and dict(element.attrib) == {"class": "problem-context"}:
                context += inner_html(element)
            else:
                context += etree.tostring(element, encoding="unicode", with_tail=False)
        hints: list[MdText] = []
        if after and after[-1].tag == "demandhint":
            for hint in after[-1]:
                if isinstance(hint.tag, str):
                    hints.append(self._md(inner_html(hint), block, inline=True))
            after = after[:-1]
        kind = {v: k for k, v in _RESPONSE_TAGS.items()}[response.tag]
        parts = [c for c in response if isinstance(c.tag, str)]
        labels = [i for i, c in enumerate(parts) if c.tag == "label"]
        if not labels:
            raise _NotModelled("the response has no <label> (the question)")
        for element in parts[:labels[0]]:
            context += etree.tostring(element, encoding="unicode", with_tail=False)
        rest = parts[labels[0] + 1:]
        if rest and rest[0].tag == "description":
            raise _NotModelled("a <description> under the question (coursekit has no place for it)")
        question_html = context + f"<p>{inner_html(parts[labels[0]])}</p>"
        problem = Problem(id=block.url_name, loc=Loc(block.where), title=attrs.get("display_name", ""), kind=kind,
                          question=self._md(question_html, block, mixed=True), hints=hints)
        if "max_attempts" in attrs:
            problem.max_attempts = _int(attrs["max_attempts"])
        if "weight" in attrs:
            problem.weight = _num(attrs["weight"])
        problem.showanswer = attrs.get("showanswer")
        problem.show_reset_button = attrs.get("show_reset_button", "false").lower() == "true"
        solutions = [c for c in rest if c.tag == "solution"] + [c for c in after if c.tag == "solution"]
        if len(after) > len([c for c in after if c.tag == "solution"]):
            raise _NotModelled(f"<{next(c.tag for c in after if c.tag != 'solution')}> after the response")
        rest = [c for c in rest if c.tag != "solution"]
        if len(solutions) > 1:
            raise _NotModelled("more than one <solution>")
        if solutions:
            solution = [c for c in solutions[0] if isinstance(c.tag, str)]
            if len(solution) != 1 or solution[0].get("class") != "detailed-solution":
                raise _NotModelled("the explanation is not one <div class=\"detailed-solution\">")
            problem.explanation = self._md(inner_html(solution[0]), block)
        getattr(self, f"_{kind.replace('-', '_')}")(problem, response, rest, block)
        return problem

    def _md(self, html: str, block: Block, inline: bool = False, mixed: bool = False) -> MdText:
        text = self.md(html, block.where, inline=inline, mixed=mixed)
        if text is None:
            raise _NotModelled("a text in it would not come back the same from Markdown")
        return text

    def _choices(self, problem: Problem, group: etree._Element, block: Block, hint_tag: str) -> None:
        for choice in group:
            if not isinstance(choice.tag, str):
                continue
            if choice.tag != "choice":
                if choice.tag == "compoundhint":
                    letters = (choice.get("value") or "").split()
                    problem.combinations.append(Combination(letters, self._md(inner_html(choice), block, True),
                                                            NOWHERE))
                    continue
                raise _NotModelled(f"<{choice.tag}> in a choice group")
            hints = [c for c in choice if c.tag == hint_tag]
            text = etree.Element("x")
            text.text = choice.text
            for c in choice:
                if c.tag != hint_tag:
                    text.append(copy.deepcopy(c))
            feedback = unselected = None
            for hint in hints:
                md = self._md(inner_html(hint), block, True)
                if hint.get("selected") == "false":
                    unselected = md
                else:
                    feedback = md
            problem.choices.append(Choice(self._md(inner_html(text), block, True),
                                          (choice.get("correct") or "").lower() == "true", feedback, unselected,
                                          NOWHERE))

    def _single_choice(self, problem: Problem, response: etree._Element, rest: list, block: Block) -> None:
        if len(rest) != 1 or rest[0].tag != "choicegroup":
            raise _NotModelled("the single-choice response is not one <choicegroup>")
        problem.shuffle = rest[0].get("shuffle") == "true"
        self._choices(problem, rest[0], block, "choicehint")

    def _multiple_choice(self, problem: Problem, response: etree._Element, rest: list, block: Block) -> None:
        if len(rest) != 1 or rest[0].tag != "checkboxgroup":
            raise _NotModelled("the multiple-choice response is not one <checkboxgroup>")
        self._choices(problem, rest[0], block, "choicehint")

    def _dropdown(self, problem: Problem, response: etree._Element, rest: list, block: Block) -> None:
        if len(rest) != 1 or rest[0].tag != "optioninput":
            raise _NotModelled("the dropdown response is not one <optioninput>")
        for option in rest[0]:
            if option.tag != "option":
                raise _NotModelled(f"<{option.tag}> in a dropdown")
            hints = [c for c in option if c.tag == "optionhint"]
            feedback = self._md(inner_html(hints[0]), block, True) if hints else None
            text = MdText((option.text or "").strip(), NOWHERE, inline=True)
            problem.choices.append(Choice(text, (option.get("correct") or "").lower() == "true", feedback, None,
                                          NOWHERE))

    def _numerical(self, problem: Problem, response: etree._Element, rest: list, block: Block) -> None:
        problem.answer = _num(response.get("answer", ""))
        for part in rest:
            if part.tag == "responseparam" and part.get("type") == "tolerance":
                tol = part.get("default", "")
                problem.tolerance = tol if tol.endswith("%") else _num(tol)
            elif part.tag == "correcthint":
                problem.correct_feedback = self._md(inner_html(part), block, True)
            elif part.tag != "formulaequationinput":
                raise _NotModelled(f"<{part.tag}> in a numerical response")

    def _text(self, problem: Problem, response: etree._Element, rest: list, block: Block) -> None:
        problem.answer = response.get("answer", "")
        kinds = (response.get("type") or "").split()
        problem.case_sensitive = "ci" not in kinds
        problem.regexp = "regexp" in kinds
        for part in rest:
            if part.tag == "additional_answer":
                problem.alternatives.append(part.get("answer", ""))
            elif part.tag == "correcthint":
                problem.correct_feedback = self._md(inner_html(part), block, True)
            elif part.tag == "stringequalhint":
                problem.wrong_answers.append(WrongAnswer(part.get("answer", ""),
                                                         self._md(inner_html(part), block, True), NOWHERE))
            elif part.tag == "textline":
                size = part.get("size", "")
                if set(part.attrib) != {"size"} or not size.isdigit() or int(size) < 1:
                    raise _NotModelled("text box attributes other than coursekit's (a size)")
                if int(size) != 40:
                    problem.size = int(size)
            else:
                raise _NotModelled(f"<{part.tag}> in a text response")


def _loose(text: str | None) -> bool:
    return bool(text and text.strip())


class _NotModelled(Exception):
    pass


_RESPONSE_TAGS = {
    "single-choice": "multiplechoiceresponse",
    "multiple-choice": "choiceresponse",
    "dropdown": "optionresponse",
    "numerical": "numericalresponse",
    "text": "stringresponse",
}


def _with_attrs(element: etree._Element, attrs: dict[str, str]) -> etree._Element:
    """The element with its attributes after the policy (as Open edX would see it)."""
    clone = copy.deepcopy(element)
    url_name = clone.get("url_name")
    clone.attrib.clear()
    for key, value in sorted(attrs.items()):
        clone.set(key, value)
    if url_name is not None:
        clone.set("url_name", url_name)
    return clone


def _without_url_name(element: etree._Element) -> etree._Element:
    clone = copy.deepcopy(element)
    clone.attrib.pop("url_name", None)
    return clone


def _int(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def _num(text: str) -> object:
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer() and re.fullmatch(r"-?\d+", text.strip()):
        return int(number)
    return number if repr(number) == text.strip() else text


def policy_str(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _json_value(value: object) -> object:
    if isinstance(value, str) and value.strip()[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _canon(value: object) -> str:
    return json.dumps(_json_value(value), sort_keys=True, ensure_ascii=False)


def _policy_of(emitter) -> dict[str, object]:
    emitter.policies()
    data = json.loads(emitter.out.files[f"policies/{emitter.run.name}/policy.json"])
    return data[f"course/{emitter.run.name}"]


def to_model(olx: OlxCourse, force_raw: set[str] | None = None) -> tuple[Course, Adoption]:
    """The course model of ``olx`` and the report; ``force_raw`` blocks are kept as they are."""
    return _Builder(olx, force_raw or set()).build()

