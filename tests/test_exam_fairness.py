"""The semantics behind G207, G208 and W702: Open edX's showanswer/show_correctness, and the text tests."""

from __future__ import annotations

import pytest

from coursekit import grading
from coursekit.check.rules.g208_answer_revealed import content_words, names_answer, names_choice, same_word
from coursekit.check.rules.w702_unmarked_english import english_runs
from coursekit.diagnostics import Loc
from coursekit.model import Choice, MdText, Problem

LOC = Loc("koe.yaml", 1, 1)


def md(text: str) -> MdText:
    return MdText(text, LOC)


def problem(question: str, choices: list[tuple[str, bool]], kind: str = "single-choice", **kw: object) -> Problem:
    return Problem(id="p", loc=LOC, title="p", kind=kind, question=md(question),
                   choices=[Choice(md(t), ok, None, None, LOC) for t, ok in choices], **kw)  # type: ignore[arg-type]


# capa_block.answer_available, before the due date, for a learner who has submitted once and got it wrong
SHOWANSWER = {
    "always": True, "attempted": True, "attempted_no_past_due": True, "answered": False, "closed": False,
    "finished": False, "correct_or_past_due": False, "past_due": False, "never": False,
    "after_all_attempts": False, "after_all_attempts_or_correct": False, None: False,
}


@pytest.mark.parametrize(("value", "shown"), SHOWANSWER.items())
def test_showanswer_with_attempts_left(value: str | None, shown: bool) -> None:
    assert bool(grading.answer_before_last_attempt(value, 2)) is shown
    assert bool(grading.answer_before_last_attempt(value, None)) is shown  # no limit


def test_showanswer_with_one_attempt_only_always_leaks() -> None:
    assert [v for v in SHOWANSWER if grading.answer_before_last_attempt(v, 1)] == ["always"]
    assert grading.answer_before_last_attempt(None, 5) == ""  # the course default is finished
    assert grading.SHOWANSWER_DEFAULT == "finished"


def test_correctness_withheld() -> None:
    assert grading.correctness_withheld("never", False)
    assert grading.correctness_withheld("past_due", True)
    assert not grading.correctness_withheld("past_due", False)  # no due date: like always
    assert not grading.correctness_withheld("always", True)
    assert not grading.correctness_withheld(None, True)


def test_attempts_in_words() -> None:
    assert grading.attempts_left(2) == "1 more attempt"
    assert grading.attempts_left(4) == "3 more attempts"
    assert grading.attempts_left(None) == "unlimited attempts"
    assert grading.more_attempts(None) and grading.more_attempts(2) and not grading.more_attempts(1)


def test_shuffle_only_for_single_choice() -> None:
    assert grading.shuffled(problem("Q?", [("a", True), ("b", False)], shuffle=True))
    assert not grading.shuffled(problem("Q?", [("a", True), ("b", False)], kind="dropdown", shuffle=True))


def test_words_and_inflection() -> None:
    assert content_words("Ei. Ohjaus kuuluu VM:lle, ei TEM:lle; 60 000 euroa.") == [
        "ohjaus", "kuuluu", "vm", "tem", "60000", "euroa"]
    assert same_word("riskiä", "riski") and same_word("tekniikan", "tekniikka")
    assert not same_word("hankintasi", "hankintalain") and not same_word("valtion", "valtiovarainministeriö")


def test_wrong_choice_feedback_that_names_the_key() -> None:
    p = problem("Kuka ohjaa valtion hankintatoimea?", [
        ("valtiovarainministeriö (VM)", True), ("työ- ja elinkeinoministeriö (TEM)", False),
        ("Kilpailu- ja kuluttajavirasto (KKV)", False)])
    assert names_choice("Ei. TEM valmistelee lait, mutta ohjaus kuuluu VM:lle.", p, 0) == ["vm"]
    assert names_choice("Ei. KKV valvoo lain noudattamista, mutta ei ohjaa.", p, 0) == []


def test_a_long_key_needs_two_words() -> None:
    p = problem("Mikä oli leasingin tarkoitus?", [
        ("liikennöitsijöille ei jäänyt uuden tekniikan riskiä", True),
        ("sähköbussien ostohinta oli halvempi kuin dieselbussien", False)])
    leak = "Ei. Tarkoitus oli jakaa uuden tekniikan riski niin, ettei se jäänyt liikennöitsijöille."
    assert names_choice(leak, p, 0) == ["liikennöitsijöille", "jäänyt", "uuden", "tekniikan", "riskiä"]
    assert names_choice("Ei. Hinnoista ei kerrottu, mutta tekniikka oli uutta.", p, 0) == []


def test_text_answers_in_hints() -> None:
    p = problem("Mikä menettely?", [], kind="text", answer="innovaatiokumppanuus")
    assert names_answer("Menettelyn nimen alkuosa on 'innovaatio'.", p) == "'innovaatio' of 'innovaatiokumppanuus'"
    assert names_answer("Katso osan 4 taulukkoa.", p) == ""
    many = problem("Lyhenne?", [], kind="text", answer="GPP", alternatives=["Green Public Procurement"])
    assert names_answer("PCP (pre-commercial procurement) on eri asia.", many) == ""
    assert names_answer("Oikea on GPP.", many) == "GPP"
    number = problem("Paljonko?", [], kind="numerical", answer=16000)
    assert names_answer("Vastaus on 16000 euroa.", number) == "16000"


@pytest.mark.parametrize(("text", "runs"), [
    ("Opas: Making Public Procurement work in and for Europe (2017).",
     ["Making Public Procurement work in and for Europe"]),
    ("Opas Making Public Procurement work in and for Europe kuvaa.",  # umlaut-free Finnish words join the run
     ["Opas Making Public Procurement work in and for Europe kuvaa"]),
    ("PPI (public procurement of innovative solutions) on eri.", ["public procurement of innovative solutions"]),
    ("Sidosyksikkö eli in house -yhtiö on tuttu.", []),
    ("Hankinnat on tehty in house -yhtiöltä ja se on to sanottu.", []),
    ("Green Public Procurement eli GPP.", []),
    ("Ministry of Finance, the agency.", []),
])
def test_english_runs(text: str, runs: list[str]) -> None:
    assert list(english_runs(text)) == runs
