"""Real Open edX block classes read the built OLX, and real CAPA grades it as the author meant.

For the KEINO course and for every run of the feature fixture, the course is built once and then:

* every leaf block of every vertical (reached from ``course.xml`` the way Open edX imports a
  course) is parsed with its real XBlock class from xblocks-contrib, xblock-poll or
  xblock-drag-and-drop-v2, through a small runtime written here (no server); a parse error, an
  unknown block type, an attribute that the class does not read or a value that differs from
  the source fails the test;
* every problem is built with the real CAPA ``LoncapaProblem`` (and rendered with its real
  templates), the answers that the SOURCE marks correct (read from the course model, never from
  the emitted XML) are submitted and must all be graded correct, and one wrong answer per
  problem must be graded incorrect.

Open edX's own runtimes need a server, so the runtime below supplies only what the blocks ask
for while parsing: a resource filesystem over the OLX tree, the run's policy, ids, an error
tracker. The video block imports its transcripts into edx-val, which needs Django with the
``edxval`` and ``waffle`` apps and a database: an in-memory SQLite one, migrated once.

xblocks-contrib registers its blocks under entry-point names such as ``_problem_extracted``, so
OLX tags are mapped to classes explicitly (``BLOCK_CLASSES``).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from conftest import FEATURE, KEINO
from coursekit.build import build
from coursekit.grading import answer_key, answer_range
from coursekit.load import load_course
from coursekit.model import Course, Discussion, Html, Problem, RawXBlock, Video

REASON = "needs the Open edX block packages from the dev extras (pip install -e '.[dev]'): {} is not installed"


def _need(module: str):
    return pytest.importorskip(module, reason=REASON.format(module))


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:
        return False


for _module in ("django", "xblock", "edxval", "waffle"):
    _need(_module)


def _configure_django() -> None:
    """Minimal settings for the blocks: the edx-val and waffle apps, CAPA's templates, an in-memory DB."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="coursekit-tests",
        USE_TZ=True,
        USE_I18N=True,
        LANGUAGE_CODE="en",
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "waffle",
            "edxval",
            # Its Django templates render the CAPA inputs. (Without xblocks-contrib the module skips below.)
            *(["xblocks_contrib.problem.capa"] if _installed("xblocks_contrib") else []),
        ],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
        STATIC_URL="/static/",
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        },
        # edx-val reads these at import time.
        TRANSCRIPT_LANG_CACHE_TIMEOUT=0,
        VIDEO_TRANSCRIPTS_SETTINGS={},
        VIDEO_IMAGE_SETTINGS={},
    )
    django.setup()


_configure_django()
xblocks_contrib = _need("xblocks_contrib")
poll = _need("poll")  # xblock-poll: poll and survey
drag_and_drop_v2 = _need("drag_and_drop_v2")

from fs.osfs import OSFS  # noqa: E402  (after the skips and Django's settings)
from opaque_keys.edx.locator import CourseLocator  # noqa: E402
from xblock.fields import ScopeIds  # noqa: E402
from xblock.runtime import DictKeyValueStore, IdGenerator, IdReader, KvsFieldData, Runtime  # noqa: E402
from xblocks_contrib.common.xml_utils import LegacyXmlMixin, is_pointer_tag  # noqa: E402
from xblocks_contrib.problem.capa import responsetypes  # noqa: E402
from xblocks_contrib.problem.capa.capa_problem import LoncapaProblem, LoncapaSystem  # noqa: E402

# OLX tag -> the class Open edX uses for it.
BLOCK_CLASSES: dict[str, type] = {
    "html": xblocks_contrib.HtmlBlock,
    "problem": xblocks_contrib.ProblemBlock,
    "video": xblocks_contrib.VideoBlock,
    "discussion": xblocks_contrib.DiscussionXBlock,
    "word_cloud": xblocks_contrib.WordCloudBlock,
    "poll": poll.PollBlock,
    "survey": poll.SurveyBlock,
    "drag-and-drop-v2": drag_and_drop_v2.DragAndDropBlock,
}
# openedx-calc (CAPA's number parser) still calls pyparsing's camelCase names.
pytestmark = pytest.mark.filterwarnings("ignore:.* deprecated - use .*:DeprecationWarning")

STRUCTURE = ("course", "chapter", "sequential", "vertical")
RESPONSE_CLASSES = {
    "single-choice": responsetypes.MultipleChoiceResponse,
    "multiple-choice": responsetypes.ChoiceResponse,
    "dropdown": responsetypes.OptionResponse,
    "numerical": responsetypes.NumericalResponse,
    "text": responsetypes.StringResponse,
}
# Attributes that name a block rather than set a field.
IDENTITY_ATTRS = {"url_name", "filename"}
# xblocks-contrib before 1.0 (the line that installs on Python 3.11) ships a placeholder
# DiscussionXBlock with none of the discussion fields; 1.0 has the real one.
DISCUSSION_IS_PLACEHOLDER = "discussion_category" not in xblocks_contrib.DiscussionXBlock.fields

CASES = [
    pytest.param((KEINO, None), id="keino"),
    pytest.param((FEATURE, "2019_spring"), id="feature-2019_spring"),
    pytest.param((FEATURE, "2019_autumn"), id="feature-2019_autumn"),
]


# -- the runtime -------------------------------------------------------------------------------


class CourseIds(IdReader, IdGenerator):
    """Usage and definition ids are the course's own usage keys, as in Open edX's XML import."""

    def __init__(self, course_key: CourseLocator) -> None:
        self.course_key = course_key
        self.target_course_id = course_key  # read by the video block when it imports into edx-val

    def create_definition(self, block_type, slug=None):
        return self.course_key.make_usage_key(block_type, slug)

    def create_usage(self, def_id):
        return def_id

    def get_definition_id(self, usage_id):
        return usage_id

    def get_block_type(self, def_id):
        return def_id.block_type

    def _no_asides(self, *args):
        raise NotImplementedError("the course has no asides")

    create_aside = get_usage_id_from_aside = get_definition_id_from_aside = _no_asides
    get_aside_type_from_usage = get_aside_type_from_definition = _no_asides


class OlxRuntime(Runtime):
    """What the blocks need while parsing OLX: files, policy, ids, an error tracker. No server."""

    def __init__(self, tree: Path, course_key: CourseLocator, policy: dict) -> None:
        ids = CourseIds(course_key)
        super().__init__(ids, ids, services={"field-data": KvsFieldData(DictKeyValueStore())})
        self.resources_fs = OSFS(str(tree))
        self.policy = policy
        self.errors: list[str] = []

    def error_tracker(self, message: str) -> None:
        self.errors.append(message)

    def get_policy(self, usage_id) -> dict:
        return self.policy.get(f"{usage_id.block_type}/{usage_id.block_id}", {})

    def parse_asides(self, *args) -> list:
        return []

    def get_asides(self, block) -> list:
        return []

    def load_block_type(self, block_type: str) -> type:
        return BLOCK_CLASSES[block_type]

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False) -> str:
        return f"/handler/{handler_name}"

    def resource_url(self, resource) -> str:
        return f"/resource/{resource}"

    def local_resource_url(self, block, uri) -> str:
        return f"/local/{uri}"

    def publish(self, block, event_type, event_data) -> None:
        pass


# -- walking the OLX ---------------------------------------------------------------------------


@dataclass
class Leaf:
    vertical: str
    tag: str
    url_name: str
    node: etree._Element


def _load(tree: Path, tag: str, url_name: str) -> etree._Element:
    return etree.parse(str(tree / tag / f"{url_name}.xml")).getroot()


def olx_leaves(tree: Path) -> list[Leaf]:
    """Every child of every vertical, reached from course.xml through chapters and sequentials."""
    leaves: list[Leaf] = []

    def walk(node: etree._Element, depth: int) -> None:
        tag = STRUCTURE[depth]
        assert node.tag == tag, f"expected <{tag}>, found <{node.tag}>"
        url_name = node.get("url_name")
        if depth == 0 or is_pointer_tag(node):
            node = _load(tree, tag, url_name)
        for child in node:
            if not isinstance(child.tag, str):
                continue  # comments
            if tag == "vertical":
                leaves.append(Leaf(url_name, child.tag, child.get("url_name"), child))
            else:
                walk(child, depth + 1)

    walk(etree.parse(str(tree / "course.xml")).getroot(), 0)
    return leaves


def olx_tag(component) -> str:
    return component.tag if isinstance(component, RawXBlock) else component.block_type


# -- one course, built, parsed and graded once -------------------------------------------------


@dataclass
class Checked:
    name: str
    course: Course
    tree: Path
    runtime: OlxRuntime
    leaves: list[Leaf]
    blocks: dict[tuple[str, str], object] = field(default_factory=dict)  # (tag, url_name) -> block
    parse_failures: list[str] = field(default_factory=list)
    unread_attrs: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    parsed: Counter = field(default_factory=Counter)
    problems_graded: int = 0
    responses: int = 0
    correct_submitted: int = 0
    correct_graded_correct: int = 0
    wrong_submitted: int = 0
    wrong_graded_incorrect: int = 0
    grading_failures: list[str] = field(default_factory=list)
    # every answer put to CAPA, with its verdict: what the preview must agree with
    probes: list[tuple[Problem, object, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.name}: leaf blocks parsed {dict(sorted(self.parsed.items()))} (total {sum(self.parsed.values())}); "
            f"problems graded {self.problems_graded}, responses {self.responses}; "
            f"correct answers graded correct {self.correct_graded_correct}/{self.correct_submitted}; "
            f"wrong answers graded incorrect {self.wrong_graded_incorrect}/{self.wrong_submitted}"
        )


def parse_leaf(runtime: OlxRuntime, leaf: Leaf):
    cls = BLOCK_CLASSES.get(leaf.tag)
    if cls is None:
        raise LookupError(f"no Open edX block class for <{leaf.tag}>")
    key = runtime.id_generator.create_definition(leaf.tag, leaf.url_name)
    return cls.parse_xml(leaf.node, runtime, ScopeIds("student", leaf.tag, key, key))


def unread_attributes(tree: Path, leaf: Leaf, block) -> list[str]:
    """OLX attributes of the leaf (pointer tag and file together) that the block class does not read."""
    if isinstance(block, LegacyXmlMixin):
        # Legacy parsing keeps every attribute it has no field for in xml_attributes.
        return sorted(set(block.xml_attributes) - IDENTITY_ATTRS)
    attrs = dict(leaf.node.attrib)
    if is_pointer_tag(leaf.node):
        attrs.update(_load(tree, leaf.tag, leaf.url_name).attrib)
    return sorted(a for a in attrs if a not in IDENTITY_ATTRS and a not in type(block).fields)


@pytest.fixture(scope="module")
def database() -> None:
    """edx-val's and waffle's tables, in the in-memory database, once."""
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


@pytest.fixture(scope="module", params=CASES)
def checked(request, database, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    source, run = request.param
    course, report = load_course(source)
    assert course is not None, report
    result = build(source, tmp_path_factory.mktemp("openedx"), run=run, keep_tree=True)
    tree = result.tree
    run = result.run
    policy = json.loads((tree / "policies" / run / "policy.json").read_text(encoding="utf-8"))
    runtime = OlxRuntime(tree, CourseLocator(course.org, course.number, run), policy)
    checked = Checked(result.course_id, course, tree, runtime, olx_leaves(tree))

    for leaf in checked.leaves:
        where = f"{leaf.tag} {leaf.url_name!r} in vertical {leaf.vertical!r}"
        try:
            block = parse_leaf(runtime, leaf)
        except Exception as exc:  # every failure is reported together below
            checked.parse_failures.append(f"{where}: {type(exc).__name__}: {exc}")
            continue
        checked.blocks[(leaf.tag, leaf.url_name)] = block
        checked.parsed[leaf.tag] += 1
        checked.unread_attrs[(leaf.tag, leaf.url_name)] = unread_attributes(tree, leaf, block)

    for *_, comp in course.components():
        if isinstance(comp, Problem):
            grade_problem(checked, comp)
    print("\n" + checked.summary())
    return checked


# -- the tests: parsing ------------------------------------------------------------------------


def test_every_leaf_parses_with_its_real_class(checked: Checked) -> None:
    assert checked.leaves, "the built course has no leaf blocks"
    assert checked.parse_failures == []
    assert checked.runtime.errors == []


def test_leaves_are_the_models_components(checked: Checked) -> None:
    expected = [
        (unit.id, olx_tag(comp), comp.id) for *_, unit in checked.course.units() for comp in unit.components
    ]
    found = [(leaf.vertical, leaf.tag, leaf.url_name) for leaf in checked.leaves]
    assert found == expected
    model_counts = Counter(tag for _, tag, _ in expected)
    assert all(model_counts.values())
    assert checked.parsed == model_counts


def test_every_attribute_is_read_by_the_class(checked: Checked) -> None:
    unread = {
        f"{tag} {url_name}": attrs
        for (tag, url_name), attrs in checked.unread_attrs.items()
        if attrs and not (tag == "discussion" and DISCUSSION_IS_PLACEHOLDER)  # see the discussion test
    }
    assert unread == {}


def _block(checked: Checked, comp):
    return checked.blocks[(olx_tag(comp), comp.id)]


def test_block_fields_hold_what_the_source_says(checked: Checked) -> None:
    mismatches: list[str] = []

    def same(comp, what: str, got, want) -> None:
        if got != want:
            mismatches.append(f"{comp.id} {what}: block has {got!r}, source says {want!r}")

    for *_, comp in checked.course.components():
        block = checked.blocks.get((olx_tag(comp), comp.id))
        if block is None or (isinstance(comp, Discussion) and DISCUSSION_IS_PLACEHOLDER):
            continue  # a block that failed to parse is reported by the parse test
        same(comp, "display_name", block.display_name, comp.title)
        if isinstance(comp, Html):
            if not block.data.strip():
                mismatches.append(f"{comp.id}: the html block has no content")
        elif isinstance(comp, Problem):
            if etree.fromstring(block.data.encode("utf-8")).tag != "problem":
                mismatches.append(f"{comp.id}: the problem block did not read problem/{comp.id}.xml")
            if comp.max_attempts is not None:
                same(comp, "max_attempts", block.max_attempts, comp.max_attempts)
            if comp.weight is not None:
                same(comp, "weight", block.weight, comp.weight)
            if comp.showanswer:
                same(comp, "showanswer", block.showanswer, comp.showanswer)
        elif isinstance(comp, Video):
            same(comp, "youtube_id_1_0", block.youtube_id_1_0, comp.youtube)
            same(comp, "html5_sources", block.html5_sources, comp.sources)
            same(comp, "transcripts", sorted(block.transcripts), sorted(t.language for t in comp.transcripts))
            same(comp, "download_video", block.download_video, comp.download_video)
            same(comp, "download_track", block.download_track, comp.download_track)
        elif isinstance(comp, Discussion):
            same(comp, "discussion_category", block.discussion_category, comp.category)
            same(comp, "discussion_target", block.discussion_target, comp.target)
            same(comp, "discussion_id", block.discussion_id, comp.id)
    assert mismatches == []


def test_discussion_attributes_are_read_by_the_real_class(checked: Checked) -> None:
    discussions = [comp for *_, comp in checked.course.components() if isinstance(comp, Discussion)]
    assert discussions
    unread = {comp.id: checked.unread_attrs[("discussion", comp.id)] for comp in discussions}
    if DISCUSSION_IS_PLACEHOLDER:
        pytest.skip(
            f"xblocks-contrib {xblocks_contrib.__version__} ships a placeholder DiscussionXBlock with no "
            f"discussion fields (the real one is in xblocks-contrib 1.0, Python 3.12+): it parses the "
            f"{len(discussions)} discussion block(s) but reads none of {sorted(set().union(*unread.values()))}"
        )
    assert {comp_id: attrs for comp_id, attrs in unread.items() if attrs} == {}


def test_video_transcripts_imported_into_edx_val(checked: Checked) -> None:
    from edxval.models import VideoTranscript
    from edxval.transcript_utils import Transcript

    videos = [comp for *_, comp in checked.course.components() if isinstance(comp, Video)]
    if not videos:
        pytest.skip(f"{checked.name} has no video")
    for comp in videos:
        block = _block(checked, comp)
        assert block.edx_video_id, f"{comp.id}: edx-val gave the video no id"
        for source in comp.transcripts:
            record = VideoTranscript.get_or_none(block.edx_video_id, source.language)
            assert record is not None, f"{comp.id}: no {source.language} transcript in edx-val"
            content = record.transcript.read()
            sjson = json.loads(Transcript.convert(content, record.file_format, Transcript.SJSON))
            assert list(zip(sjson["start"], sjson["end"], strict=True)) == [(s, e) for s, e, _ in source.cues]


# -- the tests: grading ------------------------------------------------------------------------


def test_problems_are_graded_as_the_source_says(checked: Checked) -> None:
    model_problems = [comp for *_, comp in checked.course.components() if isinstance(comp, Problem)]
    assert model_problems
    assert checked.grading_failures == []
    assert checked.problems_graded == len(model_problems)
    assert checked.responses == len(model_problems)  # one question per problem in the source
    assert checked.correct_submitted == sum(len(correct_answers(p)) for p in model_problems)
    assert checked.correct_graded_correct == checked.correct_submitted > 0
    assert checked.wrong_submitted == len(model_problems)
    assert checked.wrong_graded_incorrect == checked.wrong_submitted


def preview_response(problem: Problem, value):
    """A CAPA answer in the form the preview's grade.js takes: choice indices, an option index, text."""
    if problem.kind == "single-choice":
        return [int(value.removeprefix("choice_"))]
    if problem.kind == "multiple-choice":
        return [int(v.removeprefix("choice_")) for v in value]
    if problem.kind == "dropdown":
        return str(next(i for i, c in enumerate(problem.choices) if c.text.text.strip() == value))
    return value


def test_the_preview_grades_every_answer_as_capa_does(checked: Checked) -> None:
    """grade.js in Chromium, on every answer put to the real CAPA above (right, wrong, and edges)."""
    from importlib.resources import files

    from browser import evaluate_in_chromium

    script = (files("coursekit.emit.preview") / "assets" / "grade.js").read_text(encoding="utf-8")
    cases = [(answer_key(p), preview_response(p, v)) for p, v, _ in checked.probes]
    results = evaluate_in_chromium(script, "cases => cases.map(([key, r]) => window.coursekitGrade(key, r))", cases)
    disagree = []
    verdicts: Counter[str] = Counter()
    for (problem, value, capa), result in zip(checked.probes, results, strict=True):
        preview = "correct" if result.get("correct") is True else "incorrect" if result.get("correct") is False \
            else f"error {result.get('error')}"
        verdicts[capa] += 1
        if preview != capa:
            disagree.append(f"{problem.id} ({problem.kind}): {value!r}: CAPA {capa}, preview {preview}")
    print(f"\n{checked.name}: preview and CAPA agree on {len(results) - len(disagree)} of {len(results)} "
          f"answers (CAPA: {dict(verdicts)})")
    assert disagree == []
    assert verdicts["correct"] > 0 and verdicts["incorrect"] > 0


def capa_system(runtime: OlxRuntime, block) -> LoncapaSystem:
    from django.template.loader import render_to_string

    return LoncapaSystem(
        ajax_url="/problem",
        anonymous_student_id="student",
        cache=None,
        can_execute_unsafe_code=lambda: False,
        get_python_lib_zip=lambda: None,
        DEBUG=False,
        i18n=runtime.service(block, "i18n"),
        render_template=render_to_string,
        resources_fs=runtime.resources_fs,
        seed=1,
        xqueue=None,
    )


def grade_problem(checked: Checked, problem: Problem) -> None:
    block = checked.blocks.get(("problem", problem.id))
    if block is None:
        checked.grading_failures.append(f"{problem.id}: no parsed problem block")
        return
    try:
        lcp = LoncapaProblem(
            block.data, id=block.location.html_id(), capa_system=capa_system(checked.runtime, block),
            capa_block=block, seed=1,
        )
        html = lcp.get_html()
    except Exception as exc:
        checked.grading_failures.append(f"{problem.id}: CAPA could not build it: {type(exc).__name__}: {exc}")
        return
    checked.problems_graded += 1
    responders = list(lcp.responders.values())
    checked.responses += len(responders)
    answer_id = f"{lcp.problem_id}_2_1"  # the first input of the first response
    if [a for r in responders for a in r.answer_ids] != [answer_id]:
        checked.grading_failures.append(f"{problem.id}: inputs {[r.answer_ids for r in responders]}")
        return
    if type(responders[0]) is not RESPONSE_CLASSES[problem.kind]:
        checked.grading_failures.append(f"{problem.id}: {problem.kind} became {type(responders[0]).__name__}")
        return
    if f"input_{answer_id}" not in html:
        checked.grading_failures.append(f"{problem.id}: the rendered problem has no input {answer_id}")

    def grade(value) -> str:
        got = lcp.grade_answers({answer_id: value}).get_correctness(answer_id)
        checked.probes.append((problem, value, got))
        return got

    for value in correct_answers(problem):
        checked.correct_submitted += 1
        got = grade(value)
        if got == "correct":
            checked.correct_graded_correct += 1
        else:
            checked.grading_failures.append(f"{problem.id}: correct answer {value!r} graded {got!r}")
    value = wrong_answer(problem)
    checked.wrong_submitted += 1
    got = grade(value)
    if got == "incorrect":
        checked.wrong_graded_incorrect += 1
    else:
        checked.grading_failures.append(f"{problem.id}: wrong answer {value!r} graded {got!r}")
    for value in edge_answers(problem):
        try:
            grade(value)
        except Exception as exc:  # CAPA refusing an input is a finding, not a crash of the test
            checked.grading_failures.append(f"{problem.id}: CAPA failed on {value!r}: {type(exc).__name__}: {exc}")


# -- answers, from the course model ------------------------------------------------------------
# CAPA's answer formats: a radio group takes "choice_N" (N = the choice's place in the source),
# a checkbox group the list of the chosen "choice_N", a dropdown the option's text, a number or
# text input the string typed.


def _tolerance(problem: Problem) -> float:
    """The absolute tolerance the source gives (a percentage is of the answer)."""
    answer = float(problem.answer)
    if problem.tolerance is None:
        return 0.0
    text = str(problem.tolerance).strip()
    if text.endswith("%"):
        return abs(answer) * float(text[:-1]) / 100
    return float(text)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def correct_answers(problem: Problem) -> list:
    correct = [i for i, choice in enumerate(problem.choices) if choice.correct]
    if problem.kind == "single-choice":
        return [f"choice_{i}" for i in correct]
    if problem.kind == "multiple-choice":
        return [[f"choice_{i}" for i in correct]]
    if problem.kind == "dropdown":
        return [problem.choices[i].text.text.strip() for i in correct]
    if problem.kind == "numerical":
        answers = [_number(float(problem.answer))]
        if _tolerance(problem) > 0:
            answers.append(_number(float(problem.answer) + _tolerance(problem) / 2))  # inside the tolerance
        return answers
    if problem.kind == "text":
        patterns = [str(problem.answer), *problem.alternatives]
        if problem.regexp:
            return [regex_sample(p, problem.case_sensitive) for p in patterns]
        answers = list(patterns)
        if not problem.case_sensitive:
            answers.append(str(problem.answer).swapcase())
        return answers
    raise AssertionError(f"{problem.id}: unknown problem kind {problem.kind!r}")


def wrong_answer(problem: Problem):
    correct = [i for i, choice in enumerate(problem.choices) if choice.correct]
    wrong = [i for i, choice in enumerate(problem.choices) if not choice.correct]
    if problem.kind == "single-choice":
        return f"choice_{wrong[0]}"
    if problem.kind == "multiple-choice":
        chosen = [*correct, wrong[0]] if wrong else correct[:-1]
        return [f"choice_{i}" for i in sorted(chosen)]
    if problem.kind == "dropdown":
        return problem.choices[wrong[0]].text.text.strip()
    if problem.kind == "numerical":
        tolerance = _tolerance(problem)
        answer = float(problem.answer)
        return _number(answer + (2 * tolerance if tolerance > 0 else max(1.0, abs(answer) / 100)))
    if problem.kind == "text":
        value = problem.wrong_answers[0].answer if problem.wrong_answers else "tämä ei ole vastaus"
        patterns = [str(problem.answer), *problem.alternatives]
        flags = 0 if problem.case_sensitive else re.IGNORECASE
        if problem.regexp:
            assert not any(re.fullmatch(p, value, flags) for p in patterns), (problem.id, value)
        else:
            fold = (lambda s: s) if problem.case_sensitive else str.casefold
            assert fold(value) not in {fold(p) for p in patterns}, (problem.id, value)
        return value
    raise AssertionError(f"{problem.id}: unknown problem kind {problem.kind!r}")


def edge_answers(problem: Problem) -> list:
    """Answers near the borders of right and wrong, whatever CAPA makes of them (the preview must agree)."""
    n = len(problem.choices)
    correct = [i for i, choice in enumerate(problem.choices) if choice.correct]
    if problem.kind == "single-choice":
        return [f"choice_{i}" for i in range(n)]
    if problem.kind == "multiple-choice":
        sets = [correct[:-1], *([*correct, i] for i in range(n) if i not in correct)]
        return [[f"choice_{i}" for i in sorted(s)] for s in sets if s]
    if problem.kind == "dropdown":
        return [choice.text.text.strip() for choice in problem.choices]
    if problem.kind == "numerical":
        if answer_range(problem.answer) is not None:
            low, high, _, _ = answer_range(problem.answer)
            return [_number(v) for v in (low, high, (low + high) / 2, low - 1, high + 1)]
        answer = float(problem.answer)
        tolerance = _tolerance(problem) or abs(answer) * 1e-5  # CAPA's default: 0.001 % of the answer
        return [_number(v) for v in (answer + tolerance, answer - tolerance, answer + tolerance * 1.01,
                                     answer - tolerance * 1.01, -answer if answer else 1.0)]
    if problem.kind == "text":
        value = correct_answers(problem)[0]
        return [f"  {value} ", value.swapcase(), value.upper(), value + "x", "x" + value]
    raise AssertionError(f"{problem.id}: unknown problem kind {problem.kind!r}")


def regex_sample(pattern: str, case_sensitive: bool) -> str:
    """A string that the author's regular expression matches in full (checked with ``re``)."""
    import re._constants as c
    import re._parser as parser

    categories = {c.CATEGORY_DIGIT: "0", c.CATEGORY_WORD: "a", c.CATEGORY_SPACE: " "}

    def one_of(items) -> str:
        for op, arg in items:
            if op is c.NEGATE:
                raise ValueError("negated character class")
            if op is c.LITERAL:
                return chr(arg)
            if op is c.RANGE:
                return chr(arg[0])
            if op is c.CATEGORY and arg in categories:
                return categories[arg]
        raise ValueError(f"character class {items}")

    def emit(items) -> str:
        out = []
        for op, arg in items:
            if op is c.LITERAL:
                out.append(chr(arg))
            elif op is c.ANY:
                out.append("a")
            elif op is c.IN:
                out.append(one_of(arg))
            elif op is c.CATEGORY and arg in categories:
                out.append(categories[arg])
            elif op is c.SUBPATTERN:
                out.append(emit(arg[-1]))
            elif op is c.BRANCH:
                out.append(emit(arg[1][0]))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                low, _high, body = arg
                out.append(emit(body) * max(low, 1))
            elif op is c.AT:
                continue
            else:
                raise ValueError(f"regular expression element {op}")
        return "".join(out)

    sample = emit(parser.parse(pattern))
    flags = 0 if case_sensitive else re.IGNORECASE
    assert re.fullmatch(pattern, sample, flags), f"no sample for {pattern!r} (got {sample!r})"
    return sample
