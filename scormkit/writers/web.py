"""Learner-facing web content shared by every web target: lesson pages, runtime, media."""

from __future__ import annotations

import math
import posixpath
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from scormkit import grading, jsbundle, schemas, templating, ui_strings
from scormkit.content import LessonLink, Resolver, to_xhtml
from scormkit.errors import Diagnostic, Severity
from scormkit.model import Check, Course, Lesson, Theme
from scormkit.resources import runtime_dir
from scormkit.writers.quizpage import QUIZ_PAGE, QuizView, check_view, quiz_view

RUNTIME_FOLDER = "scormkit"
"""Where a web package keeps the runtime (the template's ``static_prefix + "scormkit/"``)."""

RUNTIME_BUNDLES: dict[str, jsbundle.Bundle] = {
    "scorm12": jsbundle.Bundle("scormkit.js of a SCORM 1.2 package", "page/main",
                               ("lms/scorm12",)),
    "scorm2004": jsbundle.Bundle("scormkit.js of a SCORM 2004 package", "page/main",
                                 ("lms/scorm2004",)),
    "cmi5": jsbundle.Bundle("scormkit.js of a cmi5 package", "page/main", ("lms/cmi5",)),
    # Common Cartridge web content: the LMS shows the pages itself and offers no API, so the
    # page gets navigation and the no-LMS notice, and no transport at all.
    "web": jsbundle.Bundle("scormkit.js of a Common Cartridge", "page/main"),
}
"""The learner runtime (scormkit/scormkit.js) by the ``standard`` a writer gives its pages
(runtime_config): the page's code and the one transport module of that standard; a SCORM 1.2
package carries no cmi5 code and a cartridge no LMS code at all."""

CHECKS_BUNDLE = jsbundle.Bundle("checks.js, the inline checks of the lessons", "quiz/checks")
"""The inline checks' script (scormkit/checks.js), shipped with quiz.css only in packages
whose lessons have checks, and loaded only by the pages that show one. It reports nothing
(see scormkit/runtime/quiz/checks.js)."""

QUIZ_BUNDLE = jsbundle.Bundle("quiz.js, the quiz player", "quiz/main")
"""The quiz player (scormkit/quiz.js), shipped with quiz.css only in packages that have a
quiz page: the SCORM and cmi5 targets when the course has a quiz. Common Cartridge exports the
quiz as a QTI assessment the LMS runs, so its pages never load it."""

PAGE_TEMPLATE = "_shared/page.html.j2"
CHECK_TEMPLATE = "_shared/check.html.j2"


@dataclass(frozen=True, slots=True)
class PageLesson:
    """A lesson as one page shows it: body with links and media made relative to that page."""

    id: str
    title: str
    objectives: tuple[str, ...]
    minutes: int | None
    body_html: str
    href: str
    checks: int = 0
    """How many inline checks the body holds."""


def lesson_page_path(lesson: Lesson) -> str:
    """Where a lesson's own page lives in per-lesson layouts."""
    return f"lessons/{lesson.slug}.html"


def page_resolver(page_path: str, linkable: frozenset[str] | None = frozenset()) -> Resolver:
    """How content is resolved on the page at *page_path*: images relative to the page; a
    link to a lesson in *linkable* (None: every lesson, the single page that holds them all)
    goes to its heading or section on this page, and a link to any other lesson is written
    as emphasised text, as it would leave the current SCO.

    The page path and *linkable* are all it depends on, so they are its key: every target
    showing content on the same page shares one rendering (SCORM 1.2, 2004, cmi5 and CC)."""
    page_dir = posixpath.dirname(page_path) or "."

    def asset(href: str) -> str:
        return posixpath.relpath(href, page_dir)

    def lesson(link: LessonLink) -> str | None:
        if linkable is not None and link.lesson not in linkable:
            return None
        return f"#{link.anchor or link.lesson}"

    return Resolver(asset, lesson, key=("page", page_path, linkable))


def lesson_body(course: Course, lesson: Lesson, resolver: Resolver) -> tuple[str, int]:
    """The lesson's body on a page, with its inline checks in place, and how many checks."""
    if not lesson.parts:
        return to_xhtml(lesson.body, resolver), 0
    out: list[str] = []
    count = 0
    for part in lesson.parts:
        if isinstance(part, Check):
            out.append(templating.render(
                CHECK_TEMPLATE, overrides=course.templates,
                check=check_view(part, lesson.id, resolver, course.language),
                t=ui_strings.table(course.language)))
            count += 1
        else:
            out.append(to_xhtml(part, resolver))
    return "".join(out), count


def render_page(
    course: Course,
    lessons: list[PageLesson],
    *,
    page_path: str,
    layout: str,
    current: PageLesson | None,
    runtime_config: dict[str, Any],
    quiz: QuizView | None = None,
) -> bytes:
    """Render the learner page. *quiz*: the quiz this page shows (as the last section of the
    single-SCO page, or alone on the quiz's own page when *current* is None)."""
    depth = page_path.count("/")
    # Worked out here, not by a loop in the template: per-lesson layouts render one page per
    # lesson, and a loop over every lesson on each page made them quadratic.
    position = 0 if current is None else next(
        (number for number, lesson in enumerate(lessons, 1) if lesson.id == current.id), 0)
    return templating.render(
        PAGE_TEMPLATE,
        overrides=course.templates,
        course=course,
        lessons=lessons,
        layout=layout,
        current=current,
        position=position,
        static_prefix="../" * depth,
        runtime_config=runtime_config,
        quiz=quiz,
        t=ui_strings.table(course.language),
        direction=ui_strings.direction(course.language),
        theme=theme_view(course.theme),
    ).encode("utf-8")


def _body(course: Course, lesson: Lesson, resolver: Resolver) -> tuple[str, str, int]:
    body, checks = lesson_body(course, lesson, resolver)
    return body, f"#{lesson.id}", checks


def runtime_config(course: Course, standard: str, lessons: list[str],
                   current: str | None, *, quiz: str | None = None,
                   layout: str | None = None) -> dict[str, Any]:
    """What the learner runtime needs to know about the SCO a page belongs to.

    *quiz*: the id of the quiz section this SCO shows, if any (quiz.js reads the quiz
    itself from the page's ``scormkit-quiz`` JSON). ``strings``: the runtime's interface texts
    in the course language (scormkit.ui_strings, group ``runtime``).
    """
    return {
        "standard": standard,
        "layout": layout or ("per-lesson" if current else "single"),
        "courseId": course.id,
        "lessons": lessons,
        "current": current,
        "completion": course.tracking.completion,
        "passingScore": course.tracking.passing_score,
        "quiz": quiz,
        "strings": ui_strings.group(course.language, "runtime"),
    }


def quiz_warnings(course: Course, target: str) -> list[Diagnostic]:
    """What an author should know about a quiz scored in the browser: one whose passing
    score needs its essays cannot be passed, since nobody grades an essay in the package
    (it counts 0 of its points, as everywhere until graded: the essay rule,
    scormkit.grading)."""
    quiz = course.quiz
    if quiz is None or not grading.pass_needs_essays(quiz):
        return []
    shown = grading.presented_by_default(quiz)
    maximum = sum((Fraction(q.points) for q in shown), Fraction(0))
    automatic = sum((Fraction(q.points) for q in shown if q.kind != "essay"), Fraction(0))
    reachable = math.floor(100 * automatic / maximum)
    return [Diagnostic(
        "quiz-pass-needs-essays",
        f"{target}: the quiz's passing score ({quiz.passing_score} %) cannot be reached "
        f"without its essays, and in this package nobody grades them: they count 0 of their "
        f"points, so at most {reachable} % can be scored",
        quiz.source,
        f"set passing_score to {reachable} or less, give the essays fewer points, or export "
        "the quiz to an LMS that grades essays (qti12, qti21, qti30, moodlexml)",
        Severity.WARNING)]


def page_quiz(course: Course, page_path: str) -> QuizView | None:
    """The course's quiz as the page at *page_path* shows it, or None without a quiz."""
    if course.quiz is None:
        return None
    # Quizzes cannot link to lessons (the reader refuses it): only images are resolved.
    return quiz_view(course, course.quiz, page_resolver(page_path))


def single_page(course: Course, standard: str, page_path: str = "index.html") -> bytes:
    """One page holding every lesson, with in-page navigation: the single-SCO layout.

    With a quiz, the quiz is the page's last section (and the last entry of the lesson list),
    scored in the browser by quiz.js."""
    resolver = page_resolver(page_path, None)
    lessons = [
        PageLesson(lesson.id, lesson.title, lesson.objectives, lesson.minutes,
                   *_body(course, lesson, resolver))
        for lesson in course.lessons
    ]
    quiz = page_quiz(course, page_path)
    return render_page(
        course, lessons, page_path=page_path, layout="single", current=None,
        runtime_config=runtime_config(course, standard, [le.id for le in course.lessons], None,
                                      quiz=quiz.id if quiz else None),
        quiz=quiz,
    )


def quiz_page(course: Course, standard: str) -> dict[str, bytes]:
    """The quiz on its own page (its own SCO in per-lesson layouts); {} without a quiz.

    The page has no lesson section: the runtime tracks no lesson views there, so the SCO
    stays incomplete until quiz.js reports the result (tracker.reportScore/complete)."""
    quiz = page_quiz(course, QUIZ_PAGE)
    if quiz is None:
        return {}
    return {QUIZ_PAGE: render_page(
        course, [], page_path=QUIZ_PAGE, layout="per-lesson", current=None,
        runtime_config=runtime_config(course, standard, [], None, quiz=quiz.id,
                                      layout="per-lesson"),
        quiz=quiz,
    )}


_last: list[Any] = [None, {}]
"""The course the pages below were last made for, and what was made: {key: files}."""


def _once_per_course(course: Course, key: Hashable,
                     make: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
    """*make*'s files, made once for the course *object* (a frozen model, so the same
    arguments give the same bytes): CC 1.1 and 1.3 ship the same lesson pages, and every web
    target the same runtime and media. Only the last course is kept, and a copy is returned,
    so a writer that changes its dict changes nobody else's."""
    if _last[0] is not course:
        _last[0], _last[1] = course, {}
    made = _last[1].get(key)
    if made is None:
        made = _last[1][key] = make()
    return dict(made)


def lesson_pages(course: Course, standard: str) -> dict[str, bytes]:
    """One page per lesson, each its own SCO (in course order)."""
    return _once_per_course(course, ("lesson_pages", standard),
                            lambda: _lesson_pages(course, standard))


def _lesson_pages(course: Course, standard: str) -> dict[str, bytes]:
    outline = [PageLesson(le.id, le.title, le.objectives, le.minutes, "", f"#{le.id}")
               for le in course.lessons]
    pages: dict[str, bytes] = {}
    for index, lesson in enumerate(course.lessons):
        page_path = lesson_page_path(lesson)

        # A link to another lesson would leave this SCO behind the LMS's back (the next page
        # would report into this SCO's record): only links within the lesson stay links.
        body, checks = lesson_body(course, lesson,
                                   page_resolver(page_path, frozenset((lesson.id,))))
        current = PageLesson(lesson.id, lesson.title, lesson.objectives, lesson.minutes, body,
                             f"#{lesson.id}", checks)
        pages[page_path] = render_page(
            course, [*outline[:index], current, *outline[index + 1:]], page_path=page_path,
            layout="per-lesson", current=current,
            runtime_config=runtime_config(course, standard, [lesson.id], lesson.id),
        )
    return pages


def runtime_files(standard: str, *, quiz: bool, checks: bool = False) -> dict[str, bytes]:
    """The learner runtime a web package ships under scormkit/: scormkit.js (assembled for
    *standard*, see `RUNTIME_BUNDLES`) and scormkit.css; with *quiz* (the package has a quiz
    page) also quiz.js, with *checks* (a lesson has an inline check) checks.js, and with
    either quiz.css (the question styles)."""
    files = {
        f"{RUNTIME_FOLDER}/scormkit.js": jsbundle.assemble(RUNTIME_BUNDLES[standard]),
        f"{RUNTIME_FOLDER}/scormkit.css": (runtime_dir() / "scormkit.css").read_bytes(),
    }
    if quiz:
        files[f"{RUNTIME_FOLDER}/quiz.js"] = jsbundle.assemble(QUIZ_BUNDLE)
    if checks:
        files[f"{RUNTIME_FOLDER}/checks.js"] = jsbundle.assemble(CHECKS_BUNDLE)
    if quiz or checks:
        files[f"{RUNTIME_FOLDER}/quiz.css"] = (runtime_dir() / "quiz.css").read_bytes()
    return files


def media_files(course: Course) -> dict[str, bytes]:
    """Every media file the lessons reference, and nothing else."""
    return {asset.href: asset.data for asset in course.assets}


def shared_files(course: Course, standard: str, *, quiz_pages: bool) -> dict[str, bytes]:
    """What the pages of a web package use: the runtime for *standard*, the referenced
    media and the theme's files (`theme_files`). Every writer lists these in its manifest
    from this one dict, so a theme's files are declared wherever the runtime's are.
    *quiz_pages*: the package shows the course's quiz as a page (False for a
    cartridge, whose quiz is a QTI assessment); the quiz player ships only then, and only
    when the course has a quiz; the inline checks' script only when a lesson has a check.
    Made once per course and arguments (several targets of one build share them)."""
    quiz = quiz_pages and course.quiz is not None
    checks = any(lesson.checks for lesson in course.lessons)
    return _once_per_course(course, ("shared_files", standard, quiz, checks),
                            lambda: {**runtime_files(standard, quiz=quiz, checks=checks),
                                     **media_files(course), **theme_files(course.theme)})


THEME_STYLESHEET = f"{RUNTIME_FOLDER}/theme.css"
"""The stylesheet made from course.yaml's ``theme:`` (custom properties, @font-face)."""
THEME_FOLDER = f"{RUNTIME_FOLDER}/theme"
"""Where a theme's files go, under their course-relative paths (fonts/x.woff2...)."""
_SYSTEM_FONTS = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
                 '"Noto Sans", "Liberation Sans", sans-serif')
"""scormkit.css's --sk-font-body, the fallbacks after a theme's fonts (a test keeps the two
equal: CSS cannot refer to a property's previous value)."""


@dataclass(frozen=True, slots=True)
class ThemeView:
    """What the page template needs of a theme: package paths, from the package root."""

    stylesheets: tuple[str, ...]
    """Linked after scormkit.css (and quiz.css), in order: ours, then the author's."""
    logo: str | None
    logo_alt: str


def theme_view(theme: Theme | None) -> ThemeView | None:
    if theme is None:
        return None
    from urllib.parse import quote

    # URLs, so percent-encoded (a file name may hold spaces or '#'); the zip members and
    # manifest entries keep the names as they are.
    sheets = [THEME_STYLESHEET]
    if theme.stylesheet is not None:
        sheets.append(quote(f"{THEME_FOLDER}/{theme.stylesheet.href}"))
    return ThemeView(tuple(sheets),
                     quote(f"{THEME_FOLDER}/{theme.logo.href}") if theme.logo else None,
                     theme.logo_alt)


def theme_files(theme: Theme | None) -> dict[str, bytes]:
    """The theme's stylesheet and files by package path; {} without a theme."""
    if theme is None:
        return {}
    out = {THEME_STYLESHEET: theme_css(theme)}
    for asset in (theme.logo, theme.stylesheet, *(font.file for font in theme.fonts)):
        if asset is not None:
            out[f"{THEME_FOLDER}/{asset.href}"] = asset.data
    return out


def _css_string(text: str) -> str:
    """*text* as a CSS string (the readers allow no quote, backslash or control character
    in family names, so only the quotes are added; paths are percent-encoded)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def theme_css(theme: Theme) -> bytes:
    """The theme's stylesheet: @font-face rules for its font files, then the custom
    properties of the light scheme and of the dark one. Made from the model only, in a
    fixed order, so it is byte-identical from build to build."""
    from urllib.parse import quote

    lines = ["/* Made by scormkit from course.yaml's theme: (docs/theming.md). */"]
    for font in theme.fonts:
        url = quote(f"theme/{font.file.href}")
        lines += ["@font-face {",
                  f"  font-family: {_css_string(font.family)};",
                  f'  src: url("{url}") format("{font.format}");',
                  f"  font-weight: {font.weight};",
                  f"  font-style: {font.style};",
                  "  font-display: swap;",
                  "}"]
    light = dict(theme.light)
    if theme.font_body:
        light["font-body"] = _families(theme.font_body) + ", " + _SYSTEM_FONTS
    if theme.font_heading:
        light["font-heading"] = _families(theme.font_heading) + ", var(--sk-font-body)"
    if light:
        lines += [":root {", *(f"  --sk-{name}: {value};" for name, value in light.items()), "}"]
    if theme.dark:
        lines += ["@media (prefers-color-scheme: dark) {", "  :root {",
                  *(f"    --sk-{name}: {value};" for name, value in theme.dark), "  }", "}"]
    if theme.logo is not None:
        lines += [".sk-logo {", "  height: 1.75em;", "  width: auto;",
                  "  vertical-align: middle;", "  margin-inline-end: 0.5em;", "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


GENERIC_FAMILIES = frozenset({
    "serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-serif",
    "ui-sans-serif", "ui-monospace", "ui-rounded", "math", "emoji", "fangsong"})
"""CSS generic family keywords: written without quotes (quoted, they name no font)."""


def _families(names: tuple[str, ...]) -> str:
    return ", ".join(name if name in GENERIC_FAMILIES else _css_string(name) for name in names)


def root_schema_files(family: str) -> dict[str, bytes]:
    """The XSDs a manifest's schemaLocation names, copied to the package root (SCORM CAM)."""
    schemas.require([family])
    base = schemas.family_dir(family)
    return {path: (base / path).read_bytes() for path in schemas.family(family).package_root}
