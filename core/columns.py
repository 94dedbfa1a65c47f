"""Every export column's header and definition, in Norwegian (bokmål) and English.

The views (``core.views``) name their columns in snake_case, which is what the
``csv`` dialect writes. People who read the exports in a spreadsheet see a
header instead, and the snapshot ZIP's LESMEG.txt explains each column; both
come from ``COLUMNS`` here, so a column is named and defined in one place.

Definitions are written for a leader: the unit (kr, lærerårsverk, a share
0–1, a date YYYY-MM-DD) and, where it matters, how the figure is computed.
"The chosen date" ("valgt dato") is the filter "Per dato" / ``--as-of``: the
data's last date unless another is chosen (docs/exports.md, As-of date).
Codes the data holds (``municipality``, ``breach``) are given in brackets.

Norwegian headers are unique within every view (tests/core/test_columns.py),
since a spreadsheet user tells the columns apart by their headers alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One export column: its header and definition in each language."""

    nb: str  # header in Norwegian (bokmål), e.g. "Tildelt (kr)"
    en: str  # header in English, e.g. "Awarded (NOK)"
    definition_nb: str  # one or two sentences in bokmål a leader understands
    definition_en: str  # the same in English


# Ordered as a reader meets them: time, the scheme year, forum and owner,
# the distribution, forum finances, funding over time, projects, compliance.
COLUMNS: dict[str, Column] = {
    "year": Column(
        nb="År",
        en="Year",
        definition_nb=(
            "Ordningsåret (tilskuddsåret) raden gjelder. I etterlevelsesvisningene er det for "
            "regel R7 og R8 året prosjektet startet."
        ),
        definition_en=(
            "The scheme year (grant year) the row belongs to. In the compliance views it is, for "
            "rules R7 and R8, the year the project started."
        ),
    ),
    "month": Column(
        nb="Måned",
        en="Month",
        definition_nb=(
            "Kalendermåned som tekst ÅÅÅÅ-MM. Tallene gjelder det som skjedde i måneden, eller "
            "situasjonen ved månedens slutt (ved valgt dato i den siste måneden)."
        ),
        definition_en=(
            "Calendar month as text YYYY-MM. The figures are what happened in the month, or the "
            "state at the month's end (at the chosen date in the last month)."
        ),
    ),
    "region_id": Column(
        nb="Region-id",
        en="Region ID",
        definition_nb="Kode for statsforvalterens region, for eksempel oslo-akershus.",
        definition_en="Code of the county governor's region, for example oslo-akershus.",
    ),
    "region_name": Column(
        nb="Region",
        en="Region",
        definition_nb="Kortnavnet på regionen, for eksempel Oslo og Akershus.",
        definition_en="The region's short name, for example Oslo og Akershus.",
    ),
    "frame_nok": Column(
        nb="Ramme (kr)",
        en="Frame (NOK)",
        definition_nb=(
            "Statens ramme til regionen det året, i kroner. Den fordeles på skoleeierne etter "
            "nøkkelen (lærerårsverk)."
        ),
        definition_en=(
            "The state's frame for the region that year, in NOK. It is shared among the school "
            "owners by the key (teacher FTE)."
        ),
    ),
    "cofinancing_rate": Column(
        nb="Egenfinansieringssats",
        en="Co-financing rate",
        definition_nb=(
            "Egenfinansieringen skoleeierne må stille, som andel 0–1 av tilskuddet (0,3000 = 30 %; "
            "regel R1)."
        ),
        definition_en=(
            "The co-financing the school owners must provide, as a share 0–1 of the grant (0.3000 "
            "= 30%; rule R1)."
        ),
    ),
    "levels_in_scope": Column(
        nb="Skoleslag",
        en="School levels",
        definition_nb=(
            "Skoleslagene der lærerårsverk teller i nøkkelen det året: grunnskole (compulsory) "
            "og/eller videregående (upper_secondary), skilt med +."
        ),
        definition_en=(
            "The school levels whose teacher FTE counts in the key that year: primary and lower "
            "secondary (compulsory) and/or upper secondary (upper_secondary), joined by +."
        ),
    ),
    "owner_types_in_scope": Column(
        nb="Skoleeiertyper",
        en="School owner types",
        definition_nb=(
            "Skoleeiertypene som er med i ordningen det året: kommune (municipality), "
            "fylkeskommune (county_authority) og/eller privat (private), skilt med + (regel R4)."
        ),
        definition_en=(
            "The school owner types in the scheme that year: municipality, county authority "
            "(county_authority) and/or private, joined by + (rule R4)."
        ),
    ),
    "needs_deadline": Column(
        nb="Frist behovsmelding",
        en="Needs report deadline",
        definition_nb="Siste dag for å levere melding om behov, dato ÅÅÅÅ-MM-DD (regel R5).",
        definition_en="The last day for submitting needs reports, date YYYY-MM-DD (rule R5).",
    ),
    "reporting_deadline": Column(
        nb="Frist rapportering",
        en="Reporting deadline",
        definition_nb=(
            "Siste dag for å bekrefte bruken av årets midler, dato ÅÅÅÅ-MM-DD (regel R6)."
        ),
        definition_en=(
            "The last day for confirming the use of the year's funds, date YYYY-MM-DD (rule R6)."
        ),
    ),
    "stale_after_days": Column(
        nb="Grense (dager)",
        en="Limit (days)",
        definition_nb=(
            "Antall dager et prosjekt som er i gang kan stå uten ny statusrapport før statusen "
            "regnes som utdatert (regel R7). Satt per år; i prosjektlisten gjelder grensen for "
            "året til valgt dato."
        ),
        definition_en=(
            "The number of days a running project can go without a new status report before its "
            "status counts as out of date (rule R7). Set per year; in the project list, the limit "
            "of the chosen date's year applies."
        ),
    ),
    "nonparticipant_policy": Column(
        nb="Regel for andelen til dem som ikke deltar",
        en="Rule for non-participants' share",
        definition_nb=(
            "Hva som skjer med andelen til en skoleeier som ikke deltar: den fordeles på de andre "
            "(redistribute) eller holdes tilbake og betales ikke ut (withhold)."
        ),
        definition_en=(
            "What happens to the share of a school owner that does not take part: it is shared "
            "among the others (redistribute) or held back and paid to no one (withhold)."
        ),
    ),
    "forum_id": Column(
        nb="Forum-id",
        en="Forum ID",
        definition_nb=(
            "Kode for samarbeidsforumet, for eksempel follo. Tom når raden ikke hører til noe "
            "forum."
        ),
        definition_en=(
            "Code of the collaboration forum, for example follo. Empty when the row belongs to no "
            "forum."
        ),
    ),
    "forum_name": Column(
        nb="Samarbeidsforum",
        en="Collaboration forum",
        definition_nb=(
            "Navnet på samarbeidsforumet; for en skoleeier forumet den er medlem av det året. Tomt "
            "når raden ikke hører til noe forum."
        ),
        definition_en=(
            "The name of the collaboration forum; for a school owner, the forum it is a member of "
            "that year. Empty when the row belongs to no forum."
        ),
    ),
    "owner_id": Column(
        nb="Org.nr.",
        en="Org. no.",
        definition_nb=(
            "Skoleeierens organisasjonsnummer, 9 siffer. I etterlevelse tomt for rader som ikke "
            "gjelder en skoleeier (forum og institusjoner)."
        ),
        definition_en=(
            "The school owner's organisation number, 9 digits. In compliance, empty for rows that "
            "concern no school owner (forums and institutions)."
        ),
    ),
    "owner_name": Column(
        nb="Skoleeier",
        en="School owner",
        definition_nb="Skoleeierens navn.",
        definition_en="The school owner's name.",
    ),
    "owner_type": Column(
        nb="Type",
        en="Type",
        definition_nb=(
            "Typen skoleeier: kommune (municipality), fylkeskommune (county_authority) eller "
            "privat skoleeier (private)."
        ),
        definition_en=(
            "The kind of school owner: municipality, county authority (county_authority) or "
            "private school owner (private)."
        ),
    ),
    "municipality_number": Column(
        nb="Kommunenr.",
        en="Municipality no.",
        definition_nb=(
            "Kommunenummeret skoleeieren er registrert med, 4 siffer med null foran (0213). Tomt "
            "for fylkeskommuner og skoleeiere i utlandet."
        ),
        definition_en=(
            "The municipality number the school owner is registered with, 4 digits with a leading "
            "zero (0213). Empty for county authorities and owners abroad."
        ),
    ),
    "municipality_name": Column(
        nb="Kommune",
        en="Municipality",
        definition_nb="Navnet som hører til kommunenummeret (Ski for 0213).",
        definition_en="The name of that municipality number (Ski for 0213).",
    ),
    "map_municipality_number": Column(
        nb="Kommunenr. (2020)",
        en="Municipality no. (2020)",
        definition_nb=(
            "Kommunenummeret med 2020-grenser som skoleeierne er plassert under, som på kartet. "
            "Eldre og nyere numre følges gjennom kommunereformene til nummeret som gjaldt i 2020."
        ),
        definition_en=(
            "The municipality number with 2020 boundaries the school owners are placed under, as "
            "on the map. Older and newer numbers are followed through the municipal reforms to the "
            "number valid in 2020."
        ),
    ),
    "map_municipality_name": Column(
        nb="Kommune (2020)",
        en="Municipality (2020)",
        definition_nb="Navnet som hører til 2020-kommunenummeret.",
        definition_en="The name of that 2020 municipality number.",
    ),
    "owners": Column(
        nb="Skoleeiere",
        en="School owners",
        definition_nb=(
            "Antall skoleeiere: for et forum medlemmene det året, for en kommune skoleeierne som "
            "er plassert der (også de som ikke deltar)."
        ),
        definition_en=(
            "Number of school owners: for a forum its members that year, for a municipality the "
            "owners placed there (including those that do not take part)."
        ),
    ),
    "takes_part": Column(
        nb="Deltar",
        en="Takes part",
        definition_nb=(
            "Ja (true) hvis skoleeieren er medlem av et samarbeidsforum det året, ellers nei "
            "(false)."
        ),
        definition_en=(
            "Yes (true) if the school owner is a member of a collaboration forum that year, "
            "otherwise no (false)."
        ),
    ),
    "teacher_fte": Column(
        nb="Lærerårsverk",
        en="Teacher FTE",
        definition_nb=(
            "Lærerårsverk som teller i årets nøkkel (skoleslag og skoleeiertyper innenfor årets "
            "omfang), med én desimal. For forum og kommuner summen for skoleeierne."
        ),
        definition_en=(
            "Teacher FTE that counts in the year's key (school levels and owner types within the "
            "year's scope), one decimal. For forums and municipalities, the sum over the school "
            "owners."
        ),
    ),
    "entitlement_nok": Column(
        nb="Andel etter nøkkel (kr)",
        en="Entitlement by key (NOK)",
        definition_nb=(
            "Skoleeierens andel av årets ramme i kroner, fordelt etter lærerårsverk med største "
            "brøks metode, så andelene går opp i rammen til kronen; 0 for en skoleeier som ikke "
            "deltar. For forum og kommuner summen av skoleeiernes andeler."
        ),
        definition_en=(
            "The school owner's share of the year's frame in NOK, apportioned by teacher FTE with "
            "the largest-remainder method so the shares add up exactly to the frame; 0 for an "
            "owner that does not take part. For forums and municipalities, the sum of the owners' "
            "shares."
        ),
    ),
    "withheld_nok": Column(
        nb="Holdt tilbake (kr)",
        en="Withheld (NOK)",
        definition_nb=(
            "Andelen i kroner som en skoleeier som ikke deltar ville fått, når årets regel er å "
            "holde den tilbake; beløpet betales ikke ut til noen. Ellers 0."
        ),
        definition_en=(
            "The share in NOK a school owner that does not take part would have had, when the "
            "year's rule is to withhold it; the amount is paid to no one. Otherwise 0."
        ),
    ),
    "awarded_nok": Column(
        nb="Tildelt (kr)",
        en="Awarded (NOK)",
        definition_nb=(
            "Tildelte midler for året i kroner, per valgt dato (tildelinger uten vedtaksdato "
            "regnes med). Over tid: tildelt i måneden for vedtaksdatoen (uten den: første "
            "utbetaling)."
        ),
        definition_en=(
            "Funds awarded for the year in NOK, as of the chosen date (awards without a decision "
            "date are included). Over time: awarded in the month of the decision date (without "
            "one: of the first payment)."
        ),
    ),
    "deviation_nok": Column(
        nb="Avvik (kr)",
        en="Deviation (NOK)",
        definition_nb=(
            "Tildelt minus andel etter nøkkel, i kroner; negativt når det er tildelt mindre enn "
            "nøkkelen gir."
        ),
        definition_en=(
            "Awarded minus entitlement by key, in NOK; negative when less is awarded than the key "
            "gives."
        ),
    ),
    "deviation_pct": Column(
        nb="Avvik (%)",
        en="Deviation (%)",
        definition_nb=(
            "Avviket i prosent av andelen etter nøkkel (100 × avvik ÷ andel), med én desimal. Tomt "
            "når andelen er 0."
        ),
        definition_en=(
            "The deviation as a percentage of the entitlement (100 × deviation ÷ entitlement), one "
            "decimal. Empty when the entitlement is 0."
        ),
    ),
    "paid_nok": Column(
        nb="Utbetalt (kr)",
        en="Paid (NOK)",
        definition_nb=(
            "Utbetalt i kroner på årets tildelinger, per valgt dato. Over tid: utbetalt i måneden."
        ),
        definition_en=(
            "Paid in NOK on the year's awards, as of the chosen date. Over time: paid in the month."
        ),
    ),
    "entitlement_per_fte_nok": Column(
        nb="Andel per årsverk (kr)",
        en="Entitlement per FTE (NOK)",
        definition_nb=(
            "Andel etter nøkkel delt på lærerårsverk, avrundet til hele kroner. Tom når det ikke "
            "er lærerårsverk."
        ),
        definition_en=(
            "Entitlement by key divided by teacher FTE, rounded to whole kroner. Empty when there "
            "is no teacher FTE."
        ),
    ),
    "awarded_per_fte_nok": Column(
        nb="Tildelt per årsverk (kr)",
        en="Awarded per FTE (NOK)",
        definition_nb=(
            "Tildelt delt på lærerårsverk, avrundet til hele kroner. Tom når det ikke er "
            "lærerårsverk."
        ),
        definition_en=(
            "Awarded divided by teacher FTE, rounded to whole kroner. Empty when there is no "
            "teacher FTE."
        ),
    ),
    "institution_awarded_nok": Column(
        nb="Til institusjoner (kr)",
        en="To institutions (NOK)",
        definition_nb=(
            "Den delen av tildelt, i kroner, som gikk til universiteter, høgskoler og nasjonale "
            "sentre."
        ),
        definition_en=(
            "The part of the amount awarded, in NOK, that went to universities, university "
            "colleges and national centres."
        ),
    ),
    "owner_awarded_nok": Column(
        nb="Til skoleeiere (kr)",
        en="To school owners (NOK)",
        definition_nb=(
            "Den delen av tildelt, i kroner, som gikk til skoleeiere. Til skoleeiere og til "
            "institusjoner blir til sammen tildelt."
        ),
        definition_en=(
            "The part of the amount awarded, in NOK, that went to school owners. To school owners "
            "and to institutions add up to the amount awarded."
        ),
    ),
    "institution_share_agreed": Column(
        nb="Avtalt UH-andel",
        en="Agreed institution share",
        definition_nb=(
            "Andelen av midlene forumet har avtalt skal gå til universiteter, høgskoler og sentre, "
            "som andel 0–1 (0,4000 = 40 %)."
        ),
        definition_en=(
            "The share of the funds the forum agreed should go to universities, university "
            "colleges and centres, as a share 0–1 (0.4000 = 40%)."
        ),
    ),
    "institution_share_actual": Column(
        nb="Faktisk UH-andel",
        en="Actual institution share",
        definition_nb=(
            "Tildelt til institusjoner delt på alt som er tildelt, som andel 0–1 med fire "
            "desimaler. Tom når ingenting er tildelt."
        ),
        definition_en=(
            "Awarded to institutions divided by everything awarded, as a share 0–1 with four "
            "decimals. Empty when nothing is awarded."
        ),
    ),
    "spent_nok": Column(
        nb="Brukt (kr)",
        en="Spent (NOK)",
        definition_nb=(
            "For et forum: det forumets prosjekter med oppstart i året har rapportert brukt, i "
            "kroner, i siste statusrapport per valgt dato. Over tid: økningen i rapportert forbruk "
            "i måneden (negativ hvis en rapport senker tallet)."
        ),
        definition_en=(
            "For a forum: what the projects that started in the year have reported as spent, in "
            "NOK, in their latest status report as of the chosen date. Over time: the growth in "
            "reported spending in the month (negative if a report lowers the figure)."
        ),
    ),
    "confirmed_used_nok": Column(
        nb="Bekreftet brukt (kr)",
        en="Confirmed used (NOK)",
        definition_nb=(
            "Det mottakerne har bekreftet brukt av årets midler, i kroner, per valgt dato. Hver "
            "mottaker bekrefter én gang i året; beløpet fordeles på tildelingene etter størrelse "
            "med største brøks metode."
        ),
        definition_en=(
            "What the recipients have confirmed as used of the year's funds, in NOK, as of the "
            "chosen date. Each recipient confirms once a year; the amount is split over its awards "
            "by size with the largest-remainder method."
        ),
    ),
    "repaid_nok": Column(
        nb="Tilbakebetalt (kr)",
        en="Repaid (NOK)",
        definition_nb=(
            "Ubrukte midler mottakerne har betalt tilbake, i kroner, per valgt dato, fordelt på "
            "tildelingene på samme måte som bekreftet brukt."
        ),
        definition_en=(
            "Unused funds the recipients have repaid, in NOK, as of the chosen date, split over "
            "the awards in the same way as confirmed use."
        ),
    ),
    "cofinancing_required_nok": Column(
        nb="Krav til egenfinansiering (kr)",
        en="Co-financing required (NOK)",
        definition_nb=(
            "Årets egenfinansieringssats ganger tildelt, avrundet til hele kroner: kravet i regel "
            "R1."
        ),
        definition_en=(
            "The year's co-financing rate times the amount awarded, rounded to whole kroner: the "
            "requirement of rule R1."
        ),
    ),
    "cofinancing_committed_nok": Column(
        nb="Egenfinansiering (kr)",
        en="Co-financing (NOK)",
        definition_nb=(
            "Egenfinansiering registrert for året av forumets medlemmer, kontant pluss "
            "naturalytelse, i kroner. Den er ikke datert, så valgt dato påvirker den ikke."
        ),
        definition_en=(
            "Co-financing registered for the year by the forum's members, cash plus in kind, in "
            "NOK. It is undated, so the chosen date does not affect it."
        ),
    ),
    "cofinancing_cash_nok": Column(
        nb="Kontant (kr)",
        en="Cash (NOK)",
        definition_nb="Den delen av egenfinansieringen som er penger, i kroner.",
        definition_en="The part of the co-financing that is money, in NOK.",
    ),
    "cofinancing_in_kind_nok": Column(
        nb="Naturalytelse (kr)",
        en="In kind (NOK)",
        definition_nb=(
            "Den delen av egenfinansieringen som er naturalytelse, oftest læreres arbeidstid, "
            "verdsatt i kroner."
        ),
        definition_en=(
            "The part of the co-financing given in kind, most often teachers' working time, valued "
            "in NOK."
        ),
    ),
    "confirmed_nok": Column(
        nb="Bekreftet brukt i måneden (kr)",
        en="Confirmed used in the month (NOK)",
        definition_nb=(
            "Bekreftet brukt på tildelingene, i kroner, i måneden bekreftelsen kom inn. "
            "Tilbakebetalinger er ikke med."
        ),
        definition_en=(
            "Confirmed use on the awards, in NOK, in the month the confirmation was received. "
            "Repayments are not included."
        ),
    ),
    "awarded_cumulative_nok": Column(
        nb="Tildelt, akkumulert (kr)",
        en="Awarded, cumulative (NOK)",
        definition_nb="Tildelt i kroner, summert fra første måned til og med denne.",
        definition_en="Awarded in NOK, summed from the first month up to and including this one.",
    ),
    "paid_cumulative_nok": Column(
        nb="Utbetalt, akkumulert (kr)",
        en="Paid, cumulative (NOK)",
        definition_nb="Utbetalt i kroner, summert fra første måned til og med denne.",
        definition_en="Paid in NOK, summed from the first month up to and including this one.",
    ),
    "spent_cumulative_nok": Column(
        nb="Brukt, akkumulert (kr)",
        en="Spent, cumulative (NOK)",
        definition_nb="Rapportert brukt i kroner, summert fra første måned til og med denne.",
        definition_en=(
            "Reported spending in NOK, summed from the first month up to and including this one."
        ),
    ),
    "confirmed_cumulative_nok": Column(
        nb="Bekreftet, akkumulert (kr)",
        en="Confirmed, cumulative (NOK)",
        definition_nb="Bekreftet brukt i kroner, summert fra første måned til og med denne.",
        definition_en=(
            "Confirmed use in NOK, summed from the first month up to and including this one."
        ),
    ),
    "project_id": Column(
        nb="Prosjekt-id",
        en="Project ID",
        definition_nb="Prosjektets id, for eksempel P2018-03.",
        definition_en="The project's ID, for example P2018-03.",
    ),
    "title": Column(
        nb="Prosjekt",
        en="Project",
        definition_nb="Prosjektets tittel.",
        definition_en="The project's title.",
    ),
    "lead_owner_id": Column(
        nb="Ansvarlig org.nr.",
        en="Lead owner org. no.",
        definition_nb=(
            "Organisasjonsnummeret til skoleeieren som er ansvarlig for prosjektet, 9 siffer."
        ),
        definition_en="The organisation number of the school owner leading the project, 9 digits.",
    ),
    "lead_owner_name": Column(
        nb="Ansvarlig skoleeier",
        en="Lead school owner",
        definition_nb="Navnet på skoleeieren som er ansvarlig for prosjektet.",
        definition_en="The name of the school owner leading the project.",
    ),
    "institution_id": Column(
        nb="Institusjon-id",
        en="Institution ID",
        definition_nb=(
            "Kode for universitetet, høgskolen eller senteret som er partner i prosjektet. Tom "
            "hvis ingen."
        ),
        definition_en=(
            "Code of the university, university college or centre that is the project's partner. "
            "Empty if none."
        ),
    ),
    "institution_name": Column(
        nb="Institusjon",
        en="Institution",
        definition_nb="Navnet på partnerinstitusjonen. Tomt hvis ingen.",
        definition_en="The name of the partner institution. Empty if none.",
    ),
    "development_area": Column(
        nb="Utviklingsområde",
        en="Development area",
        definition_nb="Utviklingsområdet prosjektet arbeider med, slik det er registrert.",
        definition_en="The development area the project works on, as registered.",
    ),
    "sector_goal": Column(
        nb="Sektormål",
        en="Sector goal",
        definition_nb=(
            "Sektormålet prosjektet støtter: læringsmiljø (learning_environment), grunnleggende "
            "ferdigheter (basic_skills) eller gjennomføring (completion)."
        ),
        definition_en=(
            "The sector goal the project supports: learning environment (learning_environment), "
            "basic skills (basic_skills) or completion."
        ),
    ),
    "school_based": Column(
        nb="Skolebasert",
        en="School-based",
        definition_nb=(
            "Ja (true) hvis prosjektet er skolebasert kompetanseutvikling (teller i regel R8), "
            "ellers nei (false)."
        ),
        definition_en=(
            "Yes (true) if the project is school-based competence development (counts in rule R8), "
            "otherwise no (false)."
        ),
    ),
    "start_date": Column(
        nb="Start",
        en="Start",
        definition_nb="Prosjektets startdato, ÅÅÅÅ-MM-DD.",
        definition_en="The project's start date, YYYY-MM-DD.",
    ),
    "planned_end": Column(
        nb="Planlagt slutt",
        en="Planned end",
        definition_nb="Prosjektets planlagte sluttdato, ÅÅÅÅ-MM-DD.",
        definition_en="The project's planned end date, YYYY-MM-DD.",
    ),
    "budget_nok": Column(
        nb="Budsjett (kr)",
        en="Budget (NOK)",
        definition_nb=(
            "Prosjektets budsjett i kroner. Per måned: summen for forumets prosjekter som har "
            "startet innen månedens slutt."
        ),
        definition_en=(
            "The project's budget in NOK. Per month: the sum over the forum's projects that have "
            "started by the month's end."
        ),
    ),
    "status": Column(
        nb="Status",
        en="Status",
        definition_nb=(
            "For prosjekter: statusen i statusrapporten (i oversikter den siste per valgt dato "
            "eller månedsslutt): planlagt (planned, også uten rapport), startet (started), pågår "
            "(ongoing), forsinket (delayed), fullført (completed) eller avlyst (cancelled). For "
            "regler: ok, brudd (breach), advarsel (warning) eller ikke aktuelt (not_applicable)."
        ),
        definition_en=(
            "For projects: the status in the status report (in overviews the latest as of the "
            "chosen date or month end): planned (also without a report), started, ongoing, "
            "delayed, completed or cancelled. For rules: ok, breach, warning or not applicable "
            "(not_applicable)."
        ),
    ),
    "report_date": Column(
        nb="Rapportdato",
        en="Report date",
        definition_nb="Datoen for statusrapporten, ÅÅÅÅ-MM-DD.",
        definition_en="The date of the status report, YYYY-MM-DD.",
    ),
    "last_report_date": Column(
        nb="Siste statusrapport",
        en="Latest status report",
        definition_nb=(
            "Datoen for prosjektets siste statusrapport per valgt dato, ÅÅÅÅ-MM-DD. Tom hvis ingen."
        ),
        definition_en=(
            "The date of the project's latest status report as of the chosen date, YYYY-MM-DD. "
            "Empty if none."
        ),
    ),
    "spent_to_date_nok": Column(
        nb="Brukt hittil (kr)",
        en="Spent to date (NOK)",
        definition_nb=(
            "Det prosjektet har rapportert brukt til nå, i kroner, i statusrapporten (i "
            "prosjektlisten den siste per valgt dato; 0 uten rapport). Per måned: summen for "
            "forumets prosjekter ved månedens slutt."
        ),
        definition_en=(
            "What the project has reported as spent so far, in NOK, in the status report (in the "
            "project list the latest as of the chosen date; 0 without a report). Per month: the "
            "sum over the forum's projects at the month's end."
        ),
    ),
    "spent_share": Column(
        nb="Brukt av budsjett",
        en="Share of budget spent",
        definition_nb=(
            "Brukt hittil delt på budsjettet, som andel 0–1 med fire desimaler (over 1 ved "
            "overforbruk). Tom når budsjettet er 0."
        ),
        definition_en=(
            "Spent to date divided by the budget, as a share 0–1 with four decimals (above 1 when "
            "overspent). Empty when the budget is 0."
        ),
    ),
    "participants": Column(
        nb="Deltakere",
        en="Participants",
        definition_nb="Antall deltakere oppgitt i statusrapporten. Tomt hvis ikke oppgitt.",
        definition_en="Number of participants given in the status report. Empty if not given.",
    ),
    "days_since_report": Column(
        nb="Dager siden rapport",
        en="Days since report",
        definition_nb=(
            "Antall dager fra siste statusrapport (uten rapport: fra startdatoen) til valgt dato."
        ),
        definition_en=(
            "Number of days from the latest status report (without one: from the start date) to "
            "the chosen date."
        ),
    ),
    "stale": Column(
        nb="Utdatert status",
        en="Status out of date",
        definition_nb=(
            "Ja (true) hvis et prosjekt som er planlagt, startet, pågår eller er forsinket har "
            "gått flere dager uten statusrapport enn grensen (brudd på regel R7), ellers nei "
            "(false)."
        ),
        definition_en=(
            "Yes (true) if a project that is planned, started, ongoing or delayed has gone more "
            "days without a status report than the limit (a breach of rule R7), otherwise no "
            "(false)."
        ),
    ),
    "note": Column(
        nb="Merknad",
        en="Note",
        definition_nb="Merknad i statusrapporten, som fritekst. Tom hvis ingen.",
        definition_en="The status report's note, free text. Empty if none.",
    ),
    "projects": Column(
        nb="Prosjekter",
        en="Projects",
        definition_nb=(
            "Antall prosjekter som har startet innen månedens slutt: per status de som hadde den "
            "statusen, per forum forumets prosjekter."
        ),
        definition_en=(
            "Number of projects started by the month's end: per status those that had that status, "
            "per forum the forum's projects."
        ),
    ),
    "rule_id": Column(
        nb="Regel",
        en="Rule",
        definition_nb=(
            "Regelen som er vurdert: R1 egenfinansiering, R2 gyldig mottaker, R3 deltakelse, "
            "R4 årets omfang, R5 frist for behovsmelding, R6 bekreftet bruk, "
            "R7 statusoppdateringer, R8 skolebasert, R9 langsiktighet, R10 forumets vedtak."
        ),
        definition_en=(
            "The rule judged: R1 co-financing, R2 eligible recipient, R3 participation, R4 scope "
            "of the year, R5 needs report deadline, R6 use confirmed, R7 status updates, "
            "R8 school-based, R9 long-term, R10 forum decision."
        ),
    ),
    "subject_type": Column(
        nb="Gjelder",
        en="Applies to",
        definition_nb=(
            "Hva raden vurderer: forum, skoleeier (owner), institusjon (institution), tildeling "
            "(award), behovsmelding (needs_report) eller prosjekt (project)."
        ),
        definition_en=(
            "What the row judges: forum, school owner (owner), institution, award, needs report "
            "(needs_report) or project."
        ),
    ),
    "subject_id": Column(
        nb="Id",
        en="ID",
        definition_nb=(
            "Id-en til det som vurderes: forum-id, organisasjonsnummer, institusjons-id, "
            "tildelings-id, behovsmeldings-id eller prosjekt-id."
        ),
        definition_en=(
            "The ID of what is judged: forum ID, organisation number, institution ID, award ID, "
            "needs report ID or project ID."
        ),
    ),
    "subject_name": Column(
        nb="Navn",
        en="Name",
        definition_nb=(
            "Navnet på det som vurderes; for en tildeling mottakerens navn, for en behovsmelding "
            "skoleeierens og for et prosjekt tittelen."
        ),
        definition_en=(
            "The name of what is judged; for an award the recipient's name, for a needs report the "
            "school owner's and for a project its title."
        ),
    ),
    "measured": Column(
        nb="Målt",
        en="Measured",
        definition_nb=(
            "Verdien som er målt, i enheten som står under Enhet. Tom der det ikke finnes noen "
            "verdi (for eksempel ingen bekreftelse ennå)."
        ),
        definition_en=(
            "The measured value, in the unit given under Unit. Empty where there is none (for "
            "example no confirmation yet)."
        ),
    ),
    "required": Column(
        nb="Krav",
        en="Required",
        definition_nb=(
            "Kravet regelen stiller, i samme enhet som målt verdi. Tomt for R10 når forumet ikke "
            "har avtaledato."
        ),
        definition_en=(
            "What the rule requires, in the same unit as the measured value. Empty for R10 when "
            "the forum has no agreement date."
        ),
    ),
    "unit": Column(
        nb="Enhet",
        en="Unit",
        definition_nb=(
            "Enheten for målt verdi og krav: andel 0–1 (share), dato ÅÅÅÅ-MM-DD (date), dager "
            "(days), institusjonstype (kind), skoleeiertype (owner_type) eller tekst (text)."
        ),
        definition_en=(
            "The unit of the measured and required values: share 0–1 (share), date YYYY-MM-DD "
            "(date), days, institution kind (kind), school owner type (owner_type) or text."
        ),
    ),
    "explanation": Column(
        nb="Forklaring",
        en="Explanation",
        definition_nb="Én setning på norsk som forklarer vurderingen, med tallene den bygger på.",
        definition_en=(
            "One sentence in Norwegian explaining the verdict, with the figures it rests on."
        ),
    ),
    "breach": Column(
        nb="Brudd",
        en="Breaches",
        definition_nb="Antall vurderinger med status brudd: regelen er brutt.",
        definition_en="Number of verdicts with status breach: the rule is broken.",
    ),
    "warning": Column(
        nb="Advarsler",
        en="Warnings",
        definition_nb=(
            "Antall vurderinger med status advarsel: en indikator under terskelen, eller noe å se "
            "nærmere på som ikke er brudd."
        ),
        definition_en=(
            "Number of verdicts with status warning: an indicator below its threshold, or "
            "something to look into that is not a breach."
        ),
    ),
    "ok": Column(
        nb="OK",
        en="OK",
        definition_nb="Antall vurderinger med status ok: regelen er fulgt.",
        definition_en="Number of verdicts with status ok: the rule is met.",
    ),
    "not_applicable": Column(
        nb="Ikke aktuelt",
        en="Not applicable",
        definition_nb=(
            "Antall vurderinger med status ikke aktuelt: fristen er ikke nådd ennå, eller det er "
            "ingenting å vurdere."
        ),
        definition_en=(
            "Number of verdicts with status not applicable: not due yet, or nothing to judge."
        ),
    ),
    "rules_breached": Column(
        nb="Regler brutt",
        en="Rules breached",
        definition_nb=(
            "Reglene skoleeieren bryter det året, skilt med mellomrom (for eksempel R1 R3). Tom "
            "hvis ingen."
        ),
        definition_en=(
            "The rules the school owner breaches that year, separated by spaces (for example "
            "R1 R3). Empty if none."
        ),
    ),
}


LANGUAGES = ("nb", "en")


def header(column: str, lang: str) -> str:
    """The header of ``column`` in ``lang`` ("nb" or "en").

    Raises KeyError for a column that is not in ``COLUMNS`` and ValueError for
    another language."""
    entry = COLUMNS[column]
    if lang == "nb":
        return entry.nb
    if lang == "en":
        return entry.en
    raise ValueError(f"unknown language {lang!r}; use one of {LANGUAGES}")
