"""What the preview itself says to learners, in the course's language (Finnish or English)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FI = {
    "skip": "Siirry sisältöön",
    "outline": "Kurssin rakenne",
    "home": "Kurssin etusivu",
    "info": "Tiedotteet ja materiaalit",
    "updates": "Tiedotteet",
    "handouts": "Materiaalit",
    "pages": "Sivut",
    "preview_note": "Esikatselu: vastauksia ei tallenneta eikä lähetetä minnekään.",
    "breadcrumb": "Olet tässä",
    "prev": "Edellinen",
    "next": "Seuraava",
    "units": "Yksiköt",
    "whole_subsection": "Koko alaosio yhdellä sivulla (tulostettavissa)",
    "print_answers": "Tulosta myös oikeat vastaukset, palautteet ja selitykset",
    "graded": "Arvosteltava",
    "ungraded": "Harjoitus, ei arvostella",
    "due": "Määräaika",
    "starts": "Alkaa",
    "ends": "Päättyy",
    "effort": "Työmäärä",
    "duration": "Kesto",
    "points": "{n} pistettä",
    "point": "1 piste",
    "submit": "Tarkista",
    "hint": "Näytä vihje",
    "hint_n": "Vihje {n}/{total}",
    "show_answer": "Näytä vastaus",
    "answer": "Oikea vastaus",
    "explanation": "Selitys",
    "correct": "Oikein",
    "incorrect": "Väärin",
    "attempts": "Olet käyttänyt {used}/{max} yrityksestä.",
    "attempts_free": "Yrityksiä käytetty: {used}.",
    "no_attempts_left": "Yritykset on käytetty.",
    "err_choose": "Valitse vastaus ensin.",
    "err_empty": "Kirjoita vastaus ensin.",
    "err_comma": "Kirjoita desimaaliluku pisteellä, esimerkiksi 1.5. Open edX ei tulkitse pilkkua.",
    "err_number": "Vastaus ei ole luku. Esikatselu tarkistaa vain luvut, kuten 12 tai 0.5; Open edX hyväksyy "
                  "myös laskulausekkeita.",
    "err_unsupported": "Esikatselu ei osaa tarkistaa tätä tehtävää; tarkista se Open edXissä.",
    "shuffled": "Open edX näyttää vaihtoehdot kullekin oppijalle eri järjestyksessä.",
    "not_checkable": "Tämän tehtävän säännöllistä lauseketta ei voi tarkistaa selaimessa; tarkista se Open edXissä.",
    "answer_after": "Oikea vastaus näytetään määräajan jälkeen.",
    "withheld": "Vastauksesi on tallennettu. Tässä osiossa Open edX ei kerro, oliko vastaus oikein, "
                "eikä näytä palautetta ennen määräaikaa tai lainkaan (show_correctness).",
    "video": "Video",
    "video_youtube": "Video YouTubessa",
    "video_youtube_note": "Esikatselu ei upota YouTube-videota. Video: ",
    "transcript": "Tekstitys",
    "discussion": "Keskustelu",
    "discussion_note": "Keskustelualue näkyy oppijoille Open edXissä. Aihe: {target}, luokka: {category}.",
    "raw": "Lohko, jota esikatselu ei näytä",
    "raw_note": "Tämä on Open edX -lohko tyyppiä {tag}; se toimii vain alustalla.",
    "language": "kieli",
    "updated": "Päivitetty",
    "footer": "Kurssin esikatselu, tehty lähteistä työkalulla coursekit.",
    "right_choice": "oikea vastaus",
    "if_selected": "palaute, jos valittu",
    "if_unselected": "palaute, jos ei valittu",
    "if_correct": "Palaute oikeasta vastauksesta",
    "combination": "Palaute tästä valintojen yhdistelmästä",
}

EN = {
    "skip": "Skip to content",
    "outline": "Course outline",
    "home": "Course home",
    "info": "Updates and handouts",
    "updates": "Updates",
    "handouts": "Handouts",
    "pages": "Pages",
    "preview_note": "Preview: answers are not saved or sent anywhere.",
    "breadcrumb": "You are here",
    "prev": "Previous",
    "next": "Next",
    "units": "Units",
    "whole_subsection": "The whole subsection on one page (for printing)",
    "print_answers": "Also print the right answers, feedback and explanations",
    "graded": "Graded",
    "ungraded": "Practice, not graded",
    "due": "Due",
    "starts": "Starts",
    "ends": "Ends",
    "effort": "Effort",
    "duration": "Duration",
    "points": "{n} points",
    "point": "1 point",
    "submit": "Submit",
    "hint": "Show hint",
    "hint_n": "Hint {n} of {total}",
    "show_answer": "Show answer",
    "answer": "Answer",
    "explanation": "Explanation",
    "correct": "Correct",
    "incorrect": "Incorrect",
    "attempts": "You have used {used} of {max} attempts.",
    "attempts_free": "Attempts used: {used}.",
    "no_attempts_left": "You have used all your attempts.",
    "err_choose": "Choose an answer first.",
    "err_empty": "Write an answer first.",
    "err_comma": "Write decimals with a point, for example 1.5. Open edX does not read a comma.",
    "err_number": "That is not a number. The preview checks plain numbers such as 12 or 0.5; Open edX also "
                  "accepts formulas.",
    "err_unsupported": "The preview cannot check this problem; check it in Open edX.",
    "shuffled": "Open edX shows the choices to each learner in a different order.",
    "not_checkable": "This problem's regular expression cannot be checked in a browser; check it in Open edX.",
    "answer_after": "The answer is shown after the due date.",
    "withheld": "Your answer has been saved. In this subsection Open edX does not say whether it was right, "
                "nor show feedback, before the due date or at all (show_correctness).",
    "video": "Video",
    "video_youtube": "Video on YouTube",
    "video_youtube_note": "The preview does not embed YouTube. The video: ",
    "transcript": "Transcript",
    "discussion": "Discussion",
    "discussion_note": "Learners see a discussion here in Open edX. Topic: {target}, category: {category}.",
    "raw": "A block the preview does not show",
    "raw_note": "This is an Open edX block of type {tag}; it works only on the platform.",
    "language": "language",
    "updated": "Updated",
    "footer": "Course preview, made from the sources by coursekit.",
    "right_choice": "right answer",
    "if_selected": "feedback if chosen",
    "if_unselected": "feedback if not chosen",
    "if_correct": "Feedback on a right answer",
    "combination": "Feedback on this combination of choices",
}

LANGUAGE_NAMES = {
    "fi": {"fi": "suomi", "sv": "ruotsi", "en": "englanti", "se": "saame", "de": "saksa", "fr": "ranska"},
    "en": {"fi": "Finnish", "sv": "Swedish", "en": "English", "se": "Sami", "de": "German", "fr": "French"},
}


@dataclass(frozen=True)
class Strings:
    lang: str
    table: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        return self.table[key].format(**values)

    def points(self, weight: float) -> str:
        n = int(weight) if float(weight).is_integer() else weight
        return self("point") if n == 1 else self("points", n=str(n).replace(".", "," if self.lang == "fi" else "."))

    def datetime(self, moment: dt.datetime) -> str:
        zone = moment.tzname() or ""
        if self.lang == "fi":
            return f"{moment.day}.{moment.month}.{moment.year} klo {moment.hour}.{moment.minute:02d} {zone}".strip()
        return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()

    def date(self, day: dt.date) -> str:
        return f"{day.day}.{day.month}.{day.year}" if self.lang == "fi" else f"{day:%Y-%m-%d}"

    def clock(self, ms: int) -> str:
        minutes, seconds = divmod(ms // 1000, 60)
        return f"{minutes}:{seconds:02d}"

    def language_name(self, code: str) -> str:
        return LANGUAGE_NAMES.get(self.lang, LANGUAGE_NAMES["en"]).get(code, code)

    def js(self) -> dict[str, str]:
        """The strings the page script needs."""
        keys = ("correct", "incorrect", "attempts", "attempts_free", "no_attempts_left", "err_choose", "err_empty",
                "err_comma", "err_number", "err_unsupported", "hint_n", "answer", "withheld")
        return {k: self.table[k] for k in keys}


def for_language(language: str) -> Strings:
    lang = (language or "en").split("-")[0].lower()
    return Strings(lang, FI if lang == "fi" else EN)
