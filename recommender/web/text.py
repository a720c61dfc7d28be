"""The web page's own words in Danish and English: page texts, help texts for the intake fields.

The result page reuses the adviser's screen's phrases (:data:`recommender.phrases.PHRASES`, the one
home of the words the screen, the page and the API share) for everything the screen shows, so the page
and ``recommender recommend`` say the same things; only the page's own words (buttons, headings of the
forms, login) live here.

>>> translate("login", "da"), translate("login", "en")
('Log ind', 'Log in')
>>> translate("typology", "da")  # from the adviser's screen
'Jobmålstypologi'
"""

from __future__ import annotations

from recommender.phrases import PHRASES

__all__ = ["HELP", "LANGUAGES", "RULE_NAMES_EN", "rule_name", "translate"]

LANGUAGES = ("da", "en")

PAGE: dict[str, tuple[str, str]] = {
    "app": ("Tilbudsanbefaling", "Offer recommender"),
    "app_sub": ("Projekt 500 · ægtefælleforsørgede", "Projekt 500 · spouse-supported citizens"),
    "skip": ("Spring til indhold", "Skip to content"),
    "switch": ("English", "Dansk"),
    "switch_title": ("Switch to English", "Skift til dansk"),
    "login": ("Log ind", "Log in"),
    "logout": ("Log ud", "Log out"),
    "username": ("Brugernavn", "User name"),
    "password": ("Adgangskode", "Password"),
    "login_failed": ("Forkert brugernavn eller adgangskode.", "Wrong user name or password."),
    "login_busy": (
        "Der logges mange ind lige nu. Prøv igen om et øjeblik.",
        "Many people are logging in right now. Try again in a moment.",
    ),
    "login_locked": (
        "For mange mislykkede forsøg. Prøv igen om {m} minutter.",
        "Too many failed attempts. Try again in {m} minutes.",
    ),
    "login_role": (
        "Kun rådgivere og analytikere kan bruge siden; din rolle er {role}.",
        "Only advisers and analysts can use this page; your role is {role}.",
    ),
    "logged_in_as": ("Logget ind som {name} · {m}", "Logged in as {name} · {m}"),
    "csrf": ("Formularen var udløbet; prøv igen.", "The form had expired; please try again."),
    "nav_intake": ("Ny samtale", "New intake"),
    "nav_history": ("Borgerens historik", "Citizen history"),
    "intake_title": ("Indledende samtale: borgerens svar", "Intake: the citizen's answers"),
    "intake_lead": (
        "Felter med * skal udfyldes. Brug koderne fra samtalen; intet gættes.",
        "Fields marked * are required. Nothing is guessed.",
    ),
    "required": ("påkrævet", "required"),
    "choose": ("— vælg —", "— choose —"),
    "not_stated": ("— ikke oplyst —", "— not stated —"),
    "group_person": ("Borger og forløb", "Citizen and case"),
    "group_education": ("Sprog og uddannelse", "Language and education"),
    "group_criteria": ("Arbejdsstyrken (fem kriterier)", "Labour force (five criteria)"),
    "group_resources": ("Ressourcer og jobmål", "Resources and job goal"),
    "group_situation": (
        "Målgruppe, helbred og arbejdserfaring (valgfrit; tomt = uoplyst)",
        "Target group, health and work experience (optional; empty = unknown)",
    ),
    "group_audit": (
        "Kun til ligebehandlingstjek (valgfrit, bruges ikke i modellen)",
        "For fairness audits only (optional, not used by the model)",
    ),
    "errors_title": ("Ret {n} felt(er):", "Correct {n} field(s):"),
    "submit": ("Se anbefaling", "See recommendation"),
    "result_title": ("Anbefaling", "Recommendation"),
    "first_advised": ("Først anbefalet: {offer}", "First advised: {offer}"),
    "none_advised": (
        "Intet tilbud kan anbefales; alle frarådes.",
        "No offer can be advised; every offer is blocked.",
    ),
    "clear_first": ("Klart førstevalg: {offer}", "Clear first choice: {offer}"),
    "no_clear": ("Ingen klar forskel mellem {offers}", "No clear difference between {offers}"),
    "and": ("og", "and"),
    "blocked": ("Frarådes", "Advised against"),
    "advised_first": ("først anbefalet", "first advised"),
    "provenance": ("Model og regler", "Model and rules"),
    "blocked_offers": ("Tilbud, der frarådes", "Offers advised against"),
    "criteria": ("kriterium", "criterion"),
    "met": ("opfyldt", "met"),
    "not_met": ("ikke opfyldt", "not met"),
    "chance": ("Chance", "Chance"),
    "outcome": ("Udfald", "Outcome"),
    "interval": ("interval", "interval"),
    "score": ("Forventet værdi", "Expected value"),
    "decision": ("Din beslutning", "Your decision"),
    "decision_lead": (
        "Rådgiveren beslutter. Vælger du et andet tilbud end det først anbefalede, skal du "
        "angive en begrundelse.",
        "The adviser decides. If you choose another offer than the first advised one, give a reason.",
    ),
    "offer": ("Tilbud", "Offer"),
    "reason": ("Begrundelse", "Reason"),
    # issue 26: the adviser's typology and "what could change the suggestion?"
    "adviser_typology": ("Rådgiverens typologi", "The adviser's typology"),
    "adviser_typology_set": (
        "Du har sat typologien til {label} (reglerne gav {rules}).",
        "You set the typology to {label} (the rules gave {rules}).",
    ),
    "adviser_typology_submit": (
        "Sæt typologien og beregn rangordningen igen",
        "Set the typology and rank again",
    ),
    "typology_error": ("Vælg en af de fem typologier.", "Choose one of the five typologies."),
    "typology_reason_error": (
        "Skriv en begrundelse for typologien (uden CPR-nummer).",
        "Write a reason for the typology (without a CPR number).",
    ),
    "typology_decided_error": (
        "Beslutningen er truffet; typologien kan kun sættes før beslutningen.",
        "The decision has been made; the typology can only be set before it.",
    ),
    "what_if": ("Hvad kunne ændre anbefalingen?", "What could change the suggestion?"),
    "what_if_now": ("nu", "now"),
    "what_if_show": (
        "Vis, hvad der kunne ændre anbefalingen (gemmer intet)",
        "Show what could change the suggestion (stores nothing)",
    ),
    "reason_help": (
        "Påkrævet, hvis du ikke vælger det først anbefalede tilbud.",
        "Required if you do not choose the first advised offer.",
    ),
    "comment": ("Kommentar", "Comment"),
    "comment_help": (
        "Valgfri; påkrævet ved »andet«. Skriv aldrig CPR-numre.",
        "Optional; required for 'other'. Never write CPR numbers.",
    ),
    "no_reason": ("— ingen (følger anbefalingen) —", "— none (following the advice) —"),
    "record": ("Gem beslutning", "Record decision"),
    "recorded": ("Beslutning registreret", "Decision recorded"),
    "recorded_by": ("{offer} · valgt af {who} {at}", "{offer} · chosen by {who} {at}"),
    "followed": ("Følger anbefalingen", "Follows the advice"),
    "departed": ("Afviger fra anbefalingen", "Departs from the advice"),
    "decision_final": ("Beslutninger er endelige.", "Decisions are final."),
    "print": ("Udskriv resumé", "Print summary"),
    "made": ("Oprettet {at} af {who}", "Created {at} by {who}"),
    "history_title": ("Borgerens historik", "Citizen history"),
    "history_lead": (
        "Tidligere anbefalinger og beslutninger i din kommune, nyeste først.",
        "Earlier recommendations and decisions in your municipality, newest first.",
    ),
    "citizen_id_label": ("Borger-id", "Citizen id"),
    "search": ("Vis historik", "Show history"),
    "history_none": ("Ingen anbefalinger for {id} i {m}.", "No recommendations for {id} in {m}."),
    "history_count": ("{n} anbefaling(er) for {id}", "{n} recommendation(s) for {id}"),
    "when": ("Tidspunkt", "When"),
    "adviser": ("Rådgiver", "Adviser"),
    "no_decision": ("ingen beslutning endnu", "no decision yet"),
    "open": ("Åbn", "Open"),
    "not_found": (
        "Siden findes ikke (eller hører til en anden kommune).",
        "The page does not exist (or belongs to another municipality).",
    ),
    "unavailable": (
        "Databasen er ikke tilgængelig lige nu; prøv igen.",
        "The database is unavailable right now; try again.",
    ),
    "back": ("Tilbage til samtalen", "Back to the intake"),
    "back_monitor": ("Tilbage til overvågningen", "Back to monitoring"),
    "wrong_role": ("Siden hører ikke til din rolle.", "This page is not for your role."),
    "nav_monitor": ("Overvågning", "Monitoring"),
    "monitor_title": ("Overvågning af anbefalinger", "Monitoring the recommendations"),
    "monitor_lead": (
        "Hvordan værktøjet bruges, og om borgerne ligner dem, modellen lærte af. Samme tal som "
        "GET /api/v1/monitor.",
        "How the tool is used, and whether the citizens resemble those the model learnt from. "
        "The same figures as GET /api/v1/monitor.",
    ),
    "since_label": ("Fra dato (valgfri)", "From day (optional)"),
    "since_help": (
        "Skriv ÅÅÅÅ-MM-DD, fx 2026-01-31; tomt felt = alle anbefalinger.",
        "Write YYYY-MM-DD, e.g. 2026-01-31; empty = all recommendations.",
    ),
    "since_invalid": (
        "Skriv datoen som ÅÅÅÅ-MM-DD, fx 2026-01-31 (du skrev »{value}«).",
        "Write the day as YYYY-MM-DD, e.g. 2026-01-31 (you typed '{value}').",
    ),
    "show": ("Vis", "Show"),
    "suppressed_note": (
        "»..« og »–«: tallet er skjult, fordi det er under {k} borgere eller ville give et "
        "tal under {k} borgere tilbage (eller der er intet tal). Så kan ingen borger genkendes.",
        "'..' and '–': the figure is hidden because it is under {k} citizens or would give a "
        "figure under {k} citizens back (or there is no figure). So no citizen can be "
        "recognised.",
    ),
    "figure": ("Tal", "Figure"),
    "value": ("Værdi", "Value"),
    "count": ("Antal", "Count"),
    "rate": ("Andel, der følger", "Share following"),
    "counts_h": ("Omfang", "Volume"),
    "count_recommendations": ("Anbefalinger", "Recommendations"),
    "count_decisions": ("Beslutninger", "Decisions"),
    "count_closures": ("Afsluttede forløb", "Closed cases"),
    "follow_h": ("Følges anbefalingen?", "Is the advice followed?"),
    "follow_overall": ("I alt", "Overall"),
    "by_municipality": ("Efter kommune", "By municipality"),
    "by_typology": ("Efter jobmålstypologi", "By job-goal typology"),
    "municipality_h": ("Kommune", "Municipality"),
    "reasons_h": ("Begrundelser for at afvige", "Reasons for departing"),
    "reason_none": ("ingen angivet", "none given"),
    "nothing": ("Ingen i perioden.", "None in the period."),
    "outcomes_h": (
        "Afslutninger, fulgt og ikke fulgt: sammenhænge, ikke virkninger",
        "Outcomes, followed and not followed: associations, not effects",
    ),
    "group": ("Gruppe", "Group"),
    "lf_share": ("Andel i arbejdsstyrken", "Share in the labour force"),
    "drift_h": ("Drift i samtalefelterne (PSI)", "Drift in the intake fields (PSI)"),
    "drift_lead": (
        "PSI under {m}: stabil; {m} til {f}: moderat (se på feltet); over {f}: markant (borgerne "
        "adskiller sig fra dem, modellen lærte af; overvej gentræning). Ingen PSI under {n} "
        "samtaler.",
        "PSI under {m}: stable; {m} to {f}: moderate (look at the field); over {f}: flagged (the "
        "citizens differ from those the model learnt from; consider retraining). No PSI under {n} "
        "intakes.",
    ),
    "drift_reference": (
        "Reference: model {v}; samtaler i perioden: {n}.",
        "Reference: model {v}; intakes in the period: {n}.",
    ),
    "drift_none": (
        "Ingen reference: modellen i brug har ingen samtaleprofil.",
        "No reference: the model in use has no intake profile.",
    ),
    "field": ("Felt", "Field"),
    "level": ("Niveau", "Level"),
    "flag": ("Markeret", "Flagged"),
    "level_stable": ("stabil", "stable"),
    "level_moderate": ("moderat", "moderate"),
    "level_flag": ("markant", "flagged"),
    "reason_no_reference": ("ingen reference", "no reference"),
    "reason_too_few": ("for få samtaler", "too few intakes"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "low_h": ("Lidt evidens", "Low evidence"),
    "low_share": ("Andel med lidt evidens", "Share with low evidence"),
    # the result page's first screen (issue 25)
    "summary_link": ("Sagsresumé", "Case summary"),
    "letter_link": ("Brev til borgeren", "Letter to the citizen"),
    "to_decision": ("Til beslutningen", "To the decision"),
    "typology_line": (
        "Jobmålstypologi: {label} (regel: {rule})",
        "Job-goal typology: {label} (rule: {rule})",
    ),
    "lf_line": (
        "Arbejdsstyrken: {active} – {met} af {n} kriterier opfyldt",
        "Labour force: {active} – {met} of {n} criteria met",
    ),
    "lf_missing": ("mangler: {names}", "missing: {names}"),
    "col_rank": ("Nr.", "No."),
    "col_value": ("Forventet værdi (interval)", "Expected value (interval)"),
    "col_evidence": ("Erfaring", "Experience"),
    "col_advised": ("Råd", "Advice"),
    "advised_yes": ("anbefales", "advised"),
    "advised_no": ("frarådes", "advised against"),
    "details_chances": ("Chancer pr. udfald", "Chances per outcome"),
    "details_reasons": ("Hvorfor denne rækkefølge", "Why this order"),
    "details_typology": ("Typologi og kriterier i detaljer", "Typology and criteria in detail"),
    "details_notes": ("Noter og vejledning", "Notes and guidance"),
    "details_versions": ("Model og regler", "Model and rules"),
    "made_local": ("Oprettet {at} af {who}", "Created {at} by {who}"),
    "existing_case": (
        "Borgeren er kendt: seneste anbefaling {at}, {decision}.",
        "The citizen is known: last recommendation {at}, {decision}.",
    ),
    "existing_link": ("Se historikken", "See the history"),
    "existing_decided": ("besluttet: {offer}", "decided: {offer}"),
    "reused": (
        "Samme svar som i anbefalingen fra {at}: den åbne anbefaling vises igen; der er ikke oprettet en ny.",
        "The same answers as the recommendation of {at}: the open recommendation is shown again; no "
        "new one was made.",
    ),
    "ask_id": (
        "Borger-id vises ikke, fordi det ikke gemmes. Skriv det for at vise det her og på udskrifterne.",
        "The citizen id is not shown because it is not stored. Type it to show it here and on the printouts.",
    ),
    "ask_id_button": ("Vis borger-id", "Show citizen id"),
    "ask_id_wrong": (
        "Det borger-id hører ikke til denne anbefaling.",
        "That citizen id does not belong to this recommendation.",
    ),
    "unknown_id": ("(borger-id ikke indtastet)", "(citizen id not typed)"),
    "other_municipality": (
        "Du kan kun oprette anbefalinger for borgere i {m}. Ret kommunen.",
        "You can only create recommendations for citizens in {m}. Correct the municipality.",
    ),
    # the print views (issue 25)
    "summary_title": ("Sagsresumé", "Case summary"),
    "letter_title": ("Om din samtale i jobcentret", "About your meeting at the job centre"),
    "letter_hello": ("Kære borger", "Dear citizen"),
    "letter_bye": ("Med venlig hilsen", "Kind regards"),
    "letter_jobcentre": ("Jobcenter {m}", "Jobcenter {m}"),
    "date": ("Dato", "Date"),
    "print_now": ("Udskriv", "Print"),
    "back_result": ("Tilbage til anbefalingen", "Back to the recommendation"),
    "summary_offers": ("Foreslåede tilbud", "Suggested offers"),
    "summary_versions": ("Model og regler", "Model and rules"),
    # the closure form (issue 25)
    "closure": ("Afslutning af forløbet", "Closing the case"),
    "closure_lead": (
        "Når forløbet er slut: registrér udfaldet, datoen og varigheden.",
        "When the case has ended: record the outcome, the day and the length.",
    ),
    "closure_outcome": ("Udfald", "Outcome"),
    "closure_closed": ("Afsluttet dato", "Day closed"),
    "closure_closed_help": (
        "Skriv ÅÅÅÅ-MM-DD, fx 2026-03-31; ikke en dato i fremtiden.",
        "Write YYYY-MM-DD, e.g. 2026-03-31; not a day in the future.",
    ),
    "closure_days": ("Varighed i dage", "Length in days"),
    "closure_days_help": ("Hele dage, 0–3650.", "Whole days, 0–3650."),
    "closure_offer": ("Tilbud borgeren fik", "Offer the citizen had"),
    "closure_record": ("Gem afslutning", "Record closure"),
    "closure_recorded": (
        "Forløbet er afsluttet: {outcome}, {closed}, {days} dage.",
        "The case is closed: {outcome}, {closed}, {days} days.",
    ),
    "closure_col": ("Afslutning", "Closure"),
    "closure_needs_id": (
        "Skriv borger-id øverst på siden for at registrere afslutningen.",
        "Type the citizen id at the top of the page to record the closure.",
    ),
    "closure_none": ("ikke afsluttet", "not closed"),
    "closure_not_latest": (
        "Kun borgerens seneste anbefaling kan afsluttes.",
        "Only the citizen's latest recommendation can be closed.",
    ),
    "low_lead": (
        "Andelen af anbefalinger, hvor det først anbefalede tilbud hvilede på lidt evidens.",
        "The share of recommendations whose first advised offer rested on little evidence.",
    ),
}

# Short help for each intake field (spec §3), shown under its label.
HELP: dict[str, tuple[str, str]] = {
    "citizen_id": (
        "Sagssystemets pseudonyme id, aldrig et CPR-nummer.",
        "The case system's pseudonymous id, never a CPR number.",
    ),
    "municipality": (
        "Din kommune; du kan kun oprette anbefalinger for den.",
        "Your municipality; you can only create recommendations for it.",
    ),
    "years_in_denmark": ("Hele år med ophold i Danmark, 0–80.", "Whole years lived in Denmark, 0–80."),
    "children_under_18": (
        "Antal hjemmeboende børn under 18 år, 0–20.",
        "Number of children under 18 living at home, 0–20.",
    ),
    "danish_course": (
        "Højeste påbegyndte eller gennemførte danskuddannelse.",
        "Highest Danish course started or completed.",
    ),
    "education_home": (
        "Højest gennemførte uddannelse fra hjemlandet.",
        "Highest education completed in the home country.",
    ),
    "education_dk": (
        "Erhvervskompetencegivende uddannelse taget i Danmark.",
        "Vocational qualification obtained in Denmark.",
    ),
    "contact_route": (
        "Hvordan borgeren kom i kontakt med projektet.",
        "How the citizen came into contact with the project.",
    ),
    "active_job_seeker": ("Søger borgeren aktivt job nu?", "Is the citizen actively seeking work now?"),
    "geographically_mobile": (
        "Kan borgeren tage job uden for nærområdet?",
        "Can the citizen take a job outside the local area?",
    ),
    "searches_broadly": (
        "Søger borgeren alle rimelige job, ikke kun ét fag?",
        "Does the citizen look for all reasonable jobs, not only one trade?",
    ),
    "can_start_within_14_days": (
        "Kan borgeren starte inden for 14 dage (børnepasning m.m.)?",
        "Can the citizen start within 14 days (childcare etc.)?",
    ),
    "wants_employment": ("Borgerens eget ønske om at komme i arbejde.", "The citizen's own wish to work."),
    "language_sufficient": (
        "Rækker sproget til et realistisk og rimeligt job?",
        "Is the language enough for a realistic, reasonable job?",
    ),
    "spouse_support": ("Bakker ægtefælle og familie op om arbejde?", "Do spouse and family support work?"),
    "network_use": (
        "Bruger borgeren netværk uden for hjemmet til at søge job?",
        "Does the citizen use a network outside the home to look for work?",
    ),
    "job_goal_level": (
        "Jobmålets niveau: intet jobmål nævnt, uklart, ufaglært, faglært eller videregående.",
        "Level of the job goal: none named, unclear, unskilled, skilled or higher.",
    ),
    "integration_programme": (
        "Er borgeren omfattet af integrationsprogrammet? Indsatsen er for borgere uden "
        "for integrationsperioden.",
        "Is the citizen covered by the integration programme? The effort is for "
        "citizens outside the integration period.",
    ),
    "health_barrier": (
        "Begrænser helbredsmæssige eller sociale forhold muligheden for arbejde?",
        "Do health or social circumstances limit the possibility of work?",
    ),
    "work_experience": (
        "Har borgeren arbejdserfaring, og i så fald fra hjemlandet, Danmark eller begge?",
        "Does the citizen have work experience: from the home country, Denmark or both?",
    ),
    "job_goal": ("Valgfrit, fx »rengøringsassistent«.", "Optional, e.g. 'cleaning assistant'."),
    "education_plan": ("Har borgeren en uddannelsesplan?", "Does the citizen have an education plan?"),
    "entrepreneurship_interest": ("Valgfrit; ikke oplyst betyder nej.", "Optional; not stated means no."),
    "gender": ("Kun til ligebehandlingstjek.", "For fairness audits only."),
    "origin": (
        "Danmarks Statistiks definition; kun til ligebehandlingstjek.",
        "Statistics Denmark's definition; for fairness audits only.",
    ),
    "nationality": ("Kun til ligebehandlingstjek.", "For fairness audits only."),
}

# The packaged typology rules' names in English: rules.yaml names a rule in Danish only (``name_da``),
# and the English page shows these, never a rule's code. A rule not listed here (a municipality's own
# rules file) is named by its description instead (see :func:`rule_name`).
RULE_NAMES_EN: dict[str, str] = {
    "no_wish_for_work": "No wish to work",
    "no_concrete_goal": "No concrete job goal",
    "education_gap": "Education gap",
    "language_gap": "Language gap",
    "own_level_narrow_search": "Job goal at own level, narrow job search",
    "open_to_realistic_jobs": "Open to realistic jobs",
    "adviser": "The adviser's judgement",  # the typology the adviser set (issue 26)
}


def rule_name(typology: dict[str, object], lang: str) -> str:
    """The name of the rule that gave the typology, from the contract's ``typology`` block: the Danish
    name on the Danish page, the English name on the English page, else the rule's description; never
    the rule's code.

    >>> t = {"rule": "own_level_narrow_search", "rule_da": "Jobmål på eget niveau, smal jobsøgning",
    ...      "description": {"da": "…", "en": "…"}}
    >>> rule_name(t, "da"), rule_name(t, "en")
    ('Jobmål på eget niveau, smal jobsøgning', 'Job goal at own level, narrow job search')
    >>> rule_name({"rule": "local_rule_7", "description": {"da": "Egen regel.", "en": "Own rule."}}, "en")
    'Own rule.'
    """
    code = str(typology.get("rule", ""))
    name = typology.get("rule_da") if lang == "da" else RULE_NAMES_EN.get(code)
    if isinstance(name, str) and name:
        return name
    description = typology.get("description")
    if isinstance(description, dict):
        return str(description.get(lang) or description.get("da") or "")
    return str(description or "")


def translate(key: str, lang: str) -> str:
    """The page's phrase ``key`` in ``lang`` (``da`` or ``en``); the screen's phrase if the page has
    none of its own. An unknown key raises ``KeyError`` (a template typo fails the tests)."""
    pair = PAGE.get(key) or PHRASES[key]
    text = pair[0] if lang == "da" else pair[1]
    if not isinstance(text, str):  # the screen's table header row is a tuple of column names
        raise KeyError(key)
    return text
