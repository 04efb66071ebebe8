"""The learner interface's own texts (buttons, labels, notices), by course language.

Every text a learner sees that does not come from the course sources lives here, keyed by a
stable message id ``<group>.<name>`` with ``{placeholders}``:

- ``page.*`` and ``quiz.*``: rendered on the server, by ``templates/_shared/page.html.j2`` and
  ``quiz.html.j2`` (as the ``t`` mapping) and by ``scormkit.writers.quizpage``;
- ``runtime.*``: written by the learner runtime (``scormkit/runtime/page/``, English fallback
  in ``page/messages.js``), which receives them (without the group prefix) as ``strings`` in
  the page's ``#scormkit-config`` JSON;
- ``quizjs.*``: written by the quiz player (``scormkit/runtime/quiz/``, English fallback in
  ``quiz/messages.js``), which receives them as ``strings`` in the page's ``#scormkit-quiz``
  JSON.

The table is picked by the primary subtag of the course language (``fr-CA`` -> ``fr``); a
language or a key missing here falls back to English. The English texts are the reference:
every other table has exactly its keys and placeholders (tests/test_ui_strings.py). The labels
of true/false choices are not here: they are shared with the quiz exports
(``scormkit.writers.quizcommon.true_false_labels``).
"""

from __future__ import annotations

from typing import Any

EN: dict[str, str] = {
    # --- the lesson page (page.html.j2) ---
    "page.skip": "Skip to content",
    "page.position": "Lesson {n} of {total}",
    "page.nav": "Lessons",
    "page.objectives": "In this lesson you will:",
    "page.minutes_one": "Estimated time: {n} minute",
    "page.minutes_other": "Estimated time: {n} minutes",
    "page.previous": "Previous",
    "page.next": "Next",
    "page.menu": "Lessons",
    "page.cover": "About this course",
    "page.lessons_one": "{n} lesson",
    "page.lessons_other": "{n} lessons",
    "page.duration_one": "About {n} minute",
    "page.duration_other": "About {n} minutes",
    "page.has_quiz": "Ends with a quiz",
    "page.course_objectives": "What you will learn",
    "page.start": "Start the course",
    "page.title_separator": ": ",
    "page.to_quiz": "Go to the quiz",
    # --- the quiz markup (quiz.html.j2, writers/quizpage.py) ---
    "quiz.nojs": "This quiz needs JavaScript to check and record your answers, and JavaScript "
                 "is turned off or did not load. Open the course again from your learning "
                 "management system.",
    "quiz.check": "Check your understanding",
    "quiz.check_answer": "Check my answer",
    "quiz.check_reset": "Try again",
    "quiz.check_note": "Practice only: not graded or recorded.",
    "quiz.start": "Start the quiz",
    "quiz.time_left": "Time left:",
    "quiz.question": "Question {n}",
    "quiz.number_answer": "Your answer (a number)",
    "quiz.choose_match": "Choose a match",
    "quiz.order_help": "Put the items in order, first at the top, with the Up and Down buttons.",
    "quiz.move_up": "Move {item} up",
    "quiz.move_down": "Move {item} down",
    "quiz.up": "Up",
    "quiz.down": "Down",
    "quiz.essay_answer": "Your answer",
    "quiz.submit": "Submit answers",
    "quiz.result": "Your result",
    "quiz.retry": "Try again",
    "quiz.points_one": "{n} point",
    "quiz.points_other": "{n} points",
    "quiz.points_essay": "{points}, graded by a person",
    "quiz.questions_one": "{n} question",
    "quiz.questions_other": "{n} questions",
    "quiz.passing_score": "Passing score: {n}%",
    "quiz.attempts_allowed": "Attempts allowed: {n}",
    "quiz.time_limit_one": "Time limit: {n} minute (the timer starts when you start the quiz)",
    "quiz.time_limit_other": "Time limit: {n} minutes (the timer starts when you start the quiz)",
    "quiz.essays_later": "Written answers are graded by a person; until then they count 0 points "
                         "in the score shown here",
    "quiz.blank_of": "Blank {n} of {total}",
    "quiz.blank": "Answer",
    # --- scormkit.js ---
    "runtime.noLms": "No learning management system found: your progress will not be saved.",
    "runtime.refused": "The learning management system could not start this session "
                       "(error {code}): your progress will not be saved.",
    "runtime.connected": "Connected to your learning management system: your progress is saved.",
    "runtime.browse": "Browse mode: the learning management system will not change your "
                      "completion status.",
    "runtime.review": "Review mode: the learning management system will not change your "
                      "completion status.",
    "runtime.progress": "Progress: {viewed} of {total} {lessons} viewed.",
    "runtime.lessonOne": "lesson",
    "runtime.lessonMany": "lessons",
    "runtime.complete": " Completed.",
    "runtime.ended": "This session has ended: open the course again from your learning "
                     "management system to keep saving your progress.",
    "runtime.viewed": " (viewed)",
    "runtime.table": "Table",
    "runtime.saveRetrying": "Your progress could not be saved just now: trying again.",
    "runtime.saveUnreachable": "Your learning management system cannot be reached, so your "
                               "latest progress is not saved yet. Keep this page open: it "
                               "keeps trying.",
    "runtime.saveRefused": "Your learning management system refused to record your progress "
                           "(error {code}). What you do from now on in this session is not "
                           "saved: please tell your course administrator.",
    "runtime.resume": "Continue: {lesson}",
    "runtime.exit": "Exit",
    "runtime.exiting": "Saving and leaving…",
    "runtime.exited": "You have left this course: you can close this window.",
    "runtime.exitFailed": "Your learning management system did not confirm the end of this "
                          "session (error {code}). Press Exit again to leave anyway.",
    # --- quiz.js ---
    "quizjs.questionOf": "Question {n} of {total}",
    "quizjs.position": "{item}: position {n} of {total}.",
    "quizjs.attemptOf": "Attempt {n} of {total}.",
    "quizjs.started": "The quiz has started. Time left: {time}.",
    "quizjs.minuteOne": "{n} minute",
    "quizjs.minuteMany": "{n} minutes",
    "quizjs.timeLeft": "{time} left.",
    "quizjs.submit": "Submit answers",
    "quizjs.submitAnyway": "Submit anyway",
    "quizjs.missingOne": "Question {n} is not answered. Answer it, or press Submit anyway.",
    "quizjs.missingMany": "Questions {list} are not answered. Answer them, or press Submit "
                          "anyway.",
    "quizjs.submitted": "Your answers were submitted.",
    "quizjs.score": "Your score: {percent}% ({points} of {max}).",
    "quizjs.timeUp": "Time is up: your answers were submitted. {score}",
    "quizjs.passed": "You passed: the passing score is {passing}%.",
    "quizjs.failed": "You did not reach the passing score of {passing}%.",
    "quizjs.essayOne": "Your written answer (question {n}) is graded by a person: until then it "
                       "counts 0 points in this score.",
    "quizjs.essayMany": "Your written answers (questions {list}) are graded by a person: until "
                        "then they count 0 points in this score.",
    "quizjs.retry": "You can try again.",
    "quizjs.retryOne": "You can try again: {n} attempt left.",
    "quizjs.retryMany": "You can try again: {n} attempts left.",
    "quizjs.noAttempts": "You have no attempts left.",
    "quizjs.essaySubmitted": "Submitted: a person will grade this answer ({points}).",
    "quizjs.notAnswered": "Not answered.",
    "quizjs.correct": "Correct",
    "quizjs.partlyCorrect": "Partly correct",
    "quizjs.incorrect": "Incorrect",
    "quizjs.unanswered": "Not answered",
    "quizjs.result": "{label}: {points} of {max}.",
    "quizjs.pointOne": "{n} point",
    "quizjs.pointMany": "{n} points",
    "quizjs.attemptStarted": "Attempt {n} of {total} started.",
    "quizjs.attemptStartedOpen": "Attempt {n} started.",
}

FR: dict[str, str] = {
    "page.skip": "Aller au contenu",
    "page.position": "Leçon {n} sur {total}",
    "page.nav": "Leçons",
    "page.objectives": "Dans cette leçon, vous allez :",
    "page.minutes_one": "Durée estimée : {n} minute",
    "page.minutes_other": "Durée estimée : {n} minutes",
    "page.previous": "Précédent",
    "page.next": "Suivant",
    "page.menu": "Leçons",
    "page.cover": "À propos de ce cours",
    "page.lessons_one": "{n} leçon",
    "page.lessons_other": "{n} leçons",
    "page.duration_one": "Environ {n} minute",
    "page.duration_other": "Environ {n} minutes",
    "page.has_quiz": "Se termine par un quiz",
    "page.course_objectives": "Ce que vous allez apprendre",
    "page.start": "Commencer le cours",
    # French puts a (no-break) space before the colon.
    "page.title_separator": "\u00a0: ",
    "page.to_quiz": "Aller au quiz",
    "quiz.nojs": "Ce quiz a besoin de JavaScript pour vérifier et enregistrer vos réponses, et "
                 "JavaScript est désactivé ou ne s’est pas chargé. Ouvrez de nouveau le cours "
                 "depuis votre plateforme de formation.",
    "quiz.check": "Vérifiez vos connaissances",
    "quiz.check_answer": "Vérifier ma réponse",
    "quiz.check_reset": "Réessayer",
    "quiz.check_note": "Pour s’entraîner : ni noté ni enregistré.",
    "quiz.start": "Commencer le quiz",
    "quiz.time_left": "Temps restant :",
    "quiz.question": "Question {n}",
    "quiz.number_answer": "Votre réponse (un nombre)",
    "quiz.choose_match": "Choisissez une correspondance",
    "quiz.order_help": "Mettez les éléments dans l’ordre, le premier en haut, avec les boutons "
                       "Monter et Descendre.",
    "quiz.move_up": "Monter {item}",
    "quiz.move_down": "Descendre {item}",
    "quiz.up": "Monter",
    "quiz.down": "Descendre",
    "quiz.essay_answer": "Votre réponse",
    "quiz.submit": "Envoyer les réponses",
    "quiz.result": "Votre résultat",
    "quiz.retry": "Réessayer",
    "quiz.points_one": "{n} point",
    "quiz.points_other": "{n} points",
    "quiz.points_essay": "{points}, corrigé par une personne",
    "quiz.questions_one": "{n} question",
    "quiz.questions_other": "{n} questions",
    "quiz.passing_score": "Score de réussite : {n} %",
    "quiz.attempts_allowed": "Tentatives autorisées : {n}",
    "quiz.time_limit_one": "Temps limite : {n} minute (le minuteur démarre quand vous commencez "
                           "le quiz)",
    "quiz.time_limit_other": "Temps limite : {n} minutes (le minuteur démarre quand vous "
                             "commencez le quiz)",
    "quiz.essays_later": "Les réponses rédigées sont corrigées par une personne ; d’ici là, elles "
                         "comptent 0 point dans le score affiché ici",
    "quiz.blank_of": "Espace {n} sur {total}",
    "quiz.blank": "Réponse",
    "runtime.noLms": "Aucune plateforme de formation trouvée : votre progression ne sera pas "
                     "enregistrée.",
    "runtime.refused": "La plateforme de formation n’a pas pu démarrer cette session "
                       "(erreur {code}) : votre progression ne sera pas enregistrée.",
    "runtime.connected": "Connecté à votre plateforme de formation : votre progression est "
                         "enregistrée.",
    "runtime.browse": "Mode consultation : la plateforme de formation ne modifiera pas votre "
                      "statut d’achèvement.",
    "runtime.review": "Mode révision : la plateforme de formation ne modifiera pas votre statut "
                      "d’achèvement.",
    "runtime.progress": "Progression : {viewed} sur {total} {lessons}.",
    "runtime.lessonOne": "leçon consultée",
    "runtime.lessonMany": "leçons consultées",
    "runtime.complete": " Terminé.",
    "runtime.ended": "Cette session est terminée : ouvrez de nouveau le cours depuis votre "
                     "plateforme de formation pour continuer à enregistrer votre progression.",
    "runtime.viewed": " (consultée)",
    "runtime.table": "Tableau",
    "runtime.saveRetrying": "Votre progression n’a pas pu être enregistrée à l’instant : "
                            "nouvel essai en cours.",
    "runtime.saveUnreachable": "Votre plateforme de formation est injoignable : votre "
                               "progression récente n’est pas encore enregistrée. Gardez "
                               "cette page ouverte : elle continue d’essayer.",
    "runtime.saveRefused": "Votre plateforme de formation a refusé d’enregistrer votre "
                           "progression (erreur {code}). Ce que vous faites désormais dans "
                           "cette session n’est pas enregistré : prévenez le responsable de "
                           "votre formation.",
    "runtime.resume": "Continuer\u00a0: {lesson}",
    "runtime.exit": "Quitter",
    "runtime.exiting": "Enregistrement et sortie…",
    "runtime.exited": "Vous avez quitté ce cours : vous pouvez fermer cette fenêtre.",
    "runtime.exitFailed": "Votre plateforme de formation n’a pas confirmé la fin de cette "
                          "session (erreur {code}). Appuyez de nouveau sur Quitter pour "
                          "partir quand même.",
    "quizjs.questionOf": "Question {n} sur {total}",
    "quizjs.position": "{item} : position {n} sur {total}.",
    "quizjs.attemptOf": "Tentative {n} sur {total}.",
    "quizjs.started": "Le quiz a commencé. Temps restant : {time}.",
    "quizjs.minuteOne": "{n} minute",
    "quizjs.minuteMany": "{n} minutes",
    "quizjs.timeLeft": "Il reste {time}.",
    "quizjs.submit": "Envoyer les réponses",
    "quizjs.submitAnyway": "Envoyer quand même",
    "quizjs.missingOne": "La question {n} est sans réponse. Répondez-y, ou appuyez sur Envoyer "
                         "quand même.",
    "quizjs.missingMany": "Les questions {list} sont sans réponse. Répondez-y, ou appuyez sur "
                          "Envoyer quand même.",
    "quizjs.submitted": "Vos réponses ont été envoyées.",
    "quizjs.score": "Votre score : {percent} % ({points} sur {max}).",
    "quizjs.timeUp": "Le temps est écoulé : vos réponses ont été envoyées. {score}",
    "quizjs.passed": "Réussi : le score de réussite est de {passing} %.",
    "quizjs.failed": "Vous n’avez pas atteint le score de réussite de {passing} %.",
    "quizjs.essayOne": "Votre réponse rédigée (question {n}) est corrigée par une personne : d’ici "
                       "là, elle compte 0 point dans ce score.",
    "quizjs.essayMany": "Vos réponses rédigées (questions {list}) sont corrigées par une personne "
                        ": d’ici là, elles comptent 0 point dans ce score.",
    "quizjs.retry": "Vous pouvez réessayer.",
    "quizjs.retryOne": "Vous pouvez réessayer : il reste {n} tentative.",
    "quizjs.retryMany": "Vous pouvez réessayer : il reste {n} tentatives.",
    "quizjs.noAttempts": "Vous n’avez plus de tentatives.",
    "quizjs.essaySubmitted": "Envoyée : une personne corrigera cette réponse ({points}).",
    "quizjs.notAnswered": "Sans réponse.",
    "quizjs.correct": "Correct",
    "quizjs.partlyCorrect": "Partiellement correct",
    "quizjs.incorrect": "Incorrect",
    "quizjs.unanswered": "Sans réponse",
    "quizjs.result": "{label} : {points} sur {max}.",
    "quizjs.pointOne": "{n} point",
    "quizjs.pointMany": "{n} points",
    "quizjs.attemptStarted": "Tentative {n} sur {total} commencée.",
    "quizjs.attemptStartedOpen": "Tentative {n} commencée.",
}

DE: dict[str, str] = {
    "page.skip": "Zum Inhalt springen",
    "page.position": "Lektion {n} von {total}",
    "page.nav": "Lektionen",
    "page.objectives": "In dieser Lektion werden Sie:",
    "page.minutes_one": "Geschätzte Dauer: {n} Minute",
    "page.minutes_other": "Geschätzte Dauer: {n} Minuten",
    "page.previous": "Zurück",
    "page.next": "Weiter",
    "page.menu": "Lektionen",
    "page.cover": "Über diesen Kurs",
    "page.lessons_one": "{n} Lektion",
    "page.lessons_other": "{n} Lektionen",
    "page.duration_one": "Etwa {n} Minute",
    "page.duration_other": "Etwa {n} Minuten",
    "page.has_quiz": "Endet mit einem Quiz",
    "page.course_objectives": "Was Sie lernen",
    "page.start": "Kurs beginnen",
    "page.title_separator": ": ",
    "page.to_quiz": "Zum Quiz",
    "quiz.nojs": "Dieses Quiz braucht JavaScript, um Ihre Antworten zu prüfen und zu speichern, "
                 "und JavaScript ist ausgeschaltet oder wurde nicht geladen. Öffnen Sie den Kurs "
                 "erneut über Ihre Lernplattform.",
    "quiz.check": "Prüfen Sie Ihr Verständnis",
    "quiz.check_answer": "Antwort prüfen",
    "quiz.check_reset": "Noch einmal",
    "quiz.check_note": "Nur zur Übung: wird weder bewertet noch gespeichert.",
    "quiz.start": "Quiz starten",
    "quiz.time_left": "Verbleibende Zeit:",
    "quiz.question": "Frage {n}",
    "quiz.number_answer": "Ihre Antwort (eine Zahl)",
    "quiz.choose_match": "Zuordnung wählen",
    "quiz.order_help": "Bringen Sie die Einträge mit den Schaltflächen Nach oben und Nach unten "
                       "in die richtige Reihenfolge, den ersten ganz oben.",
    "quiz.move_up": "{item} nach oben verschieben",
    "quiz.move_down": "{item} nach unten verschieben",
    "quiz.up": "Nach oben",
    "quiz.down": "Nach unten",
    "quiz.essay_answer": "Ihre Antwort",
    "quiz.submit": "Antworten abgeben",
    "quiz.result": "Ihr Ergebnis",
    "quiz.retry": "Erneut versuchen",
    "quiz.points_one": "{n} Punkt",
    "quiz.points_other": "{n} Punkte",
    "quiz.points_essay": "{points}, von einer Person bewertet",
    "quiz.questions_one": "{n} Frage",
    "quiz.questions_other": "{n} Fragen",
    "quiz.passing_score": "Bestehensgrenze: {n} %",
    "quiz.attempts_allowed": "Erlaubte Versuche: {n}",
    "quiz.time_limit_one": "Zeitlimit: {n} Minute (die Zeit läuft ab dem Start des Quiz)",
    "quiz.time_limit_other": "Zeitlimit: {n} Minuten (die Zeit läuft ab dem Start des Quiz)",
    "quiz.essays_later": "Schriftliche Antworten bewertet eine Person; bis dahin zählen sie 0 "
                         "Punkte im hier angezeigten Ergebnis",
    "quiz.blank_of": "Lücke {n} von {total}",
    "quiz.blank": "Antwort",
    "runtime.noLms": "Keine Lernplattform gefunden: Ihr Fortschritt wird nicht gespeichert.",
    "runtime.refused": "Die Lernplattform konnte diese Sitzung nicht starten (Fehler {code}): "
                       "Ihr Fortschritt wird nicht gespeichert.",
    "runtime.connected": "Mit Ihrer Lernplattform verbunden: Ihr Fortschritt wird gespeichert.",
    "runtime.browse": "Ansichtsmodus: Die Lernplattform ändert Ihren Abschlussstatus nicht.",
    "runtime.review": "Überprüfungsmodus: Die Lernplattform ändert Ihren Abschlussstatus nicht.",
    "runtime.progress": "Fortschritt: {viewed} von {total} {lessons} angesehen.",
    "runtime.lessonOne": "Lektion",
    "runtime.lessonMany": "Lektionen",
    "runtime.complete": " Abgeschlossen.",
    "runtime.ended": "Diese Sitzung ist beendet: Öffnen Sie den Kurs erneut über Ihre "
                     "Lernplattform, damit Ihr Fortschritt weiter gespeichert wird.",
    "runtime.viewed": " (angesehen)",
    "runtime.table": "Tabelle",
    "runtime.saveRetrying": "Ihr Fortschritt konnte gerade nicht gespeichert werden: neuer "
                            "Versuch läuft.",
    "runtime.saveUnreachable": "Ihre Lernplattform ist nicht erreichbar, Ihr neuester "
                               "Fortschritt ist noch nicht gespeichert. Lassen Sie diese "
                               "Seite geöffnet: Sie versucht es weiter.",
    "runtime.saveRefused": "Ihre Lernplattform hat das Speichern Ihres Fortschritts abgelehnt "
                           "(Fehler {code}). Was Sie ab jetzt in dieser Sitzung tun, wird "
                           "nicht gespeichert: Bitte informieren Sie die Kursverwaltung.",
    "runtime.resume": "Weiter: {lesson}",
    "runtime.exit": "Beenden",
    "runtime.exiting": "Wird gespeichert und beendet…",
    "runtime.exited": "Sie haben diesen Kurs verlassen: Sie können dieses Fenster schließen.",
    "runtime.exitFailed": "Ihre Lernplattform hat das Ende dieser Sitzung nicht bestätigt "
                          "(Fehler {code}). Drücken Sie erneut auf Beenden, um den Kurs "
                          "trotzdem zu verlassen.",
    "quizjs.questionOf": "Frage {n} von {total}",
    "quizjs.position": "{item}: Position {n} von {total}.",
    "quizjs.attemptOf": "Versuch {n} von {total}.",
    "quizjs.started": "Das Quiz hat begonnen. Verbleibende Zeit: {time}.",
    "quizjs.minuteOne": "{n} Minute",
    "quizjs.minuteMany": "{n} Minuten",
    "quizjs.timeLeft": "Noch {time}.",
    "quizjs.submit": "Antworten abgeben",
    "quizjs.submitAnyway": "Trotzdem abgeben",
    "quizjs.missingOne": "Frage {n} ist nicht beantwortet. Beantworten Sie sie oder wählen Sie "
                         "Trotzdem abgeben.",
    "quizjs.missingMany": "Die Fragen {list} sind nicht beantwortet. Beantworten Sie sie oder "
                          "wählen Sie Trotzdem abgeben.",
    "quizjs.submitted": "Ihre Antworten wurden abgegeben.",
    "quizjs.score": "Ihr Ergebnis: {percent} % ({points} von {max}).",
    "quizjs.timeUp": "Die Zeit ist abgelaufen: Ihre Antworten wurden abgegeben. {score}",
    "quizjs.passed": "Bestanden: Die Bestehensgrenze liegt bei {passing} %.",
    "quizjs.failed": "Sie haben die Bestehensgrenze von {passing} % nicht erreicht.",
    "quizjs.essayOne": "Ihre schriftliche Antwort (Frage {n}) bewertet eine Person: bis dahin "
                       "zählt sie 0 Punkte in diesem Ergebnis.",
    "quizjs.essayMany": "Ihre schriftlichen Antworten (Fragen {list}) bewertet eine Person: bis "
                        "dahin zählen sie 0 Punkte in diesem Ergebnis.",
    "quizjs.retry": "Sie können es erneut versuchen.",
    "quizjs.retryOne": "Sie können es erneut versuchen: noch {n} Versuch.",
    "quizjs.retryMany": "Sie können es erneut versuchen: noch {n} Versuche.",
    "quizjs.noAttempts": "Sie haben keine Versuche mehr.",
    "quizjs.essaySubmitted": "Abgegeben: Eine Person bewertet diese Antwort ({points}).",
    "quizjs.notAnswered": "Nicht beantwortet.",
    "quizjs.correct": "Richtig",
    "quizjs.partlyCorrect": "Teilweise richtig",
    "quizjs.incorrect": "Falsch",
    "quizjs.unanswered": "Nicht beantwortet",
    "quizjs.result": "{label}: {points} von {max}.",
    "quizjs.pointOne": "{n} Punkt",
    "quizjs.pointMany": "{n} Punkte",
    "quizjs.attemptStarted": "Versuch {n} von {total} gestartet.",
    "quizjs.attemptStartedOpen": "Versuch {n} gestartet.",
}

ES: dict[str, str] = {
    "page.skip": "Saltar al contenido",
    "page.position": "Lección {n} de {total}",
    "page.nav": "Lecciones",
    "page.objectives": "En esta lección podrá:",
    "page.minutes_one": "Tiempo estimado: {n} minuto",
    "page.minutes_other": "Tiempo estimado: {n} minutos",
    "page.previous": "Anterior",
    "page.next": "Siguiente",
    "page.menu": "Lecciones",
    "page.cover": "Acerca de este curso",
    "page.lessons_one": "{n} lección",
    "page.lessons_other": "{n} lecciones",
    "page.duration_one": "Aproximadamente {n} minuto",
    "page.duration_other": "Aproximadamente {n} minutos",
    "page.has_quiz": "Termina con un cuestionario",
    "page.course_objectives": "Lo que aprenderá",
    "page.start": "Empezar el curso",
    "page.title_separator": ": ",
    "page.to_quiz": "Ir al cuestionario",
    "quiz.nojs": "Este cuestionario necesita JavaScript para comprobar y guardar sus respuestas, "
                 "y JavaScript está desactivado o no se ha cargado. Vuelva a abrir el curso desde "
                 "su plataforma de aprendizaje.",
    "quiz.check": "Compruebe lo que ha aprendido",
    "quiz.check_answer": "Comprobar mi respuesta",
    "quiz.check_reset": "Intentarlo de nuevo",
    "quiz.check_note": "Solo para practicar: no se califica ni se registra.",
    "quiz.start": "Empezar el cuestionario",
    "quiz.time_left": "Tiempo restante:",
    "quiz.question": "Pregunta {n}",
    "quiz.number_answer": "Su respuesta (un número)",
    "quiz.choose_match": "Elija una correspondencia",
    "quiz.order_help": "Ordene los elementos, el primero arriba, con los botones Subir y Bajar.",
    "quiz.move_up": "Subir {item}",
    "quiz.move_down": "Bajar {item}",
    "quiz.up": "Subir",
    "quiz.down": "Bajar",
    "quiz.essay_answer": "Su respuesta",
    "quiz.submit": "Enviar respuestas",
    "quiz.result": "Su resultado",
    "quiz.retry": "Intentar de nuevo",
    "quiz.points_one": "{n} punto",
    "quiz.points_other": "{n} puntos",
    "quiz.points_essay": "{points}, calificada por una persona",
    "quiz.questions_one": "{n} pregunta",
    "quiz.questions_other": "{n} preguntas",
    "quiz.passing_score": "Puntuación para aprobar: {n} %",
    "quiz.attempts_allowed": "Intentos permitidos: {n}",
    "quiz.time_limit_one": "Tiempo límite: {n} minuto (el temporizador empieza cuando empiece "
                           "el cuestionario)",
    "quiz.time_limit_other": "Tiempo límite: {n} minutos (el temporizador empieza cuando empiece "
                             "el cuestionario)",
    "quiz.essays_later": "Las respuestas escritas las califica una persona; hasta entonces cuentan "
                         "0 puntos en la puntuación que se muestra aquí",
    "quiz.blank_of": "Espacio {n} de {total}",
    "quiz.blank": "Respuesta",
    "runtime.noLms": "No se ha encontrado ninguna plataforma de aprendizaje: su progreso no se "
                     "guardará.",
    "runtime.refused": "La plataforma de aprendizaje no pudo iniciar esta sesión (error {code}): "
                       "su progreso no se guardará.",
    "runtime.connected": "Conectado a su plataforma de aprendizaje: su progreso se guarda.",
    "runtime.browse": "Modo de exploración: la plataforma de aprendizaje no cambiará su estado "
                      "de finalización.",
    "runtime.review": "Modo de revisión: la plataforma de aprendizaje no cambiará su estado de "
                      "finalización.",
    "runtime.progress": "Progreso: {viewed} de {total} {lessons}.",
    "runtime.lessonOne": "lección vista",
    "runtime.lessonMany": "lecciones vistas",
    "runtime.complete": " Completado.",
    "runtime.ended": "Esta sesión ha terminado: vuelva a abrir el curso desde su plataforma de "
                     "aprendizaje para seguir guardando su progreso.",
    "runtime.viewed": " (vista)",
    "runtime.table": "Tabla",
    "runtime.saveRetrying": "No se ha podido guardar su progreso en este momento: se está "
                            "intentando de nuevo.",
    "runtime.saveUnreachable": "No se puede contactar con su plataforma de aprendizaje: su "
                               "progreso más reciente aún no está guardado. Mantenga esta "
                               "página abierta: seguirá intentándolo.",
    "runtime.saveRefused": "Su plataforma de aprendizaje ha rechazado registrar su progreso "
                           "(error {code}). Lo que haga a partir de ahora en esta sesión no "
                           "se guarda: avise al responsable del curso.",
    "runtime.resume": "Continuar: {lesson}",
    "runtime.exit": "Salir",
    "runtime.exiting": "Guardando y saliendo…",
    "runtime.exited": "Ha salido de este curso: puede cerrar esta ventana.",
    "runtime.exitFailed": "Su plataforma de aprendizaje no ha confirmado el final de esta "
                          "sesión (error {code}). Pulse Salir de nuevo para salir de todos "
                          "modos.",
    "quizjs.questionOf": "Pregunta {n} de {total}",
    "quizjs.position": "{item}: posición {n} de {total}.",
    "quizjs.attemptOf": "Intento {n} de {total}.",
    "quizjs.started": "El cuestionario ha empezado. Tiempo restante: {time}.",
    "quizjs.minuteOne": "{n} minuto",
    "quizjs.minuteMany": "{n} minutos",
    "quizjs.timeLeft": "Quedan {time}.",
    "quizjs.submit": "Enviar respuestas",
    "quizjs.submitAnyway": "Enviar de todos modos",
    "quizjs.missingOne": "La pregunta {n} no tiene respuesta. Respóndala o pulse Enviar de "
                         "todos modos.",
    "quizjs.missingMany": "Las preguntas {list} no tienen respuesta. Respóndalas o pulse Enviar "
                          "de todos modos.",
    "quizjs.submitted": "Sus respuestas se han enviado.",
    "quizjs.score": "Su puntuación: {percent} % ({points} de {max}).",
    "quizjs.timeUp": "Se acabó el tiempo: sus respuestas se han enviado. {score}",
    "quizjs.passed": "Ha aprobado: la puntuación para aprobar es {passing} %.",
    "quizjs.failed": "No ha alcanzado la puntuación para aprobar de {passing} %.",
    "quizjs.essayOne": "Su respuesta escrita (pregunta {n}) la califica una persona: hasta "
                       "entonces cuenta 0 puntos en esta puntuación.",
    "quizjs.essayMany": "Sus respuestas escritas (preguntas {list}) las califica una persona: "
                        "hasta entonces cuentan 0 puntos en esta puntuación.",
    "quizjs.retry": "Puede intentarlo de nuevo.",
    "quizjs.retryOne": "Puede intentarlo de nuevo: le queda {n} intento.",
    "quizjs.retryMany": "Puede intentarlo de nuevo: le quedan {n} intentos.",
    "quizjs.noAttempts": "No le quedan intentos.",
    "quizjs.essaySubmitted": "Enviada: una persona calificará esta respuesta ({points}).",
    "quizjs.notAnswered": "Sin responder.",
    "quizjs.correct": "Correcta",
    "quizjs.partlyCorrect": "Parcialmente correcta",
    "quizjs.incorrect": "Incorrecta",
    "quizjs.unanswered": "Sin responder",
    "quizjs.result": "{label}: {points} de {max}.",
    "quizjs.pointOne": "{n} punto",
    "quizjs.pointMany": "{n} puntos",
    "quizjs.attemptStarted": "Intento {n} de {total} iniciado.",
    "quizjs.attemptStartedOpen": "Intento {n} iniciado.",
}

CATALOG: dict[str, dict[str, str]] = {"en": EN, "fr": FR, "de": DE, "es": ES}
"""Message tables by primary language subtag."""


RTL_LANGUAGES = frozenset(("ar", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"))
"""Primary language subtags written right to left (Unicode CLDR "characterOrder"
right-to-left): their pages get ``dir="rtl"``."""


def direction(language: str) -> str:
    """``rtl`` for a course in a right-to-left language, else ``ltr``."""
    return "rtl" if primary(language) in RTL_LANGUAGES else "ltr"


def primary(language: str) -> str:
    """The primary subtag of a BCP 47 tag, lower-cased: ``fr-CA`` -> ``fr``."""
    return language.split("-")[0].lower()


def table(language: str) -> dict[str, str]:
    """Every message for *language*: its table over English (English per missing key)."""
    return {**EN, **CATALOG.get(primary(language), {})}


def message(language: str, key: str, **values: Any) -> str:
    """One message with its ``{placeholders}`` filled in."""
    text = table(language)[key]
    return text.format(**values) if values else text


def group(language: str, name: str) -> dict[str, str]:
    """The messages of one group (``runtime``, ``quizjs``) keyed without the group prefix:
    what the browser runtime receives as ``strings``."""
    prefix = f"{name}."
    return {key[len(prefix):]: text for key, text in table(language).items()
            if key.startswith(prefix)}
