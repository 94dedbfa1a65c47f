"""What the generated data is built from: the public figures (Oslo and
Akershus' teacher FTE and municipal reform, Norway's counties, real
institutions, approximate populations) and the fixed vocabulary of needs
reports and projects that both profiles draw from.

Kept apart from the profiles so that a figure has one home and one source;
data/README.md says where each figure comes from.
"""

from __future__ import annotations

import csv
import io

# /work/shared/reference/akershus_oslo_2018.csv, verbatim (sources in
# data/README.md): each 2018 municipality, its 2020 and 2024 successors, its
# regional council, pupils 2010 and teacher FTE 2017-18 (all schools located
# in the municipality) with where that figure comes from.
REFERENCE_CSV = """\
knr_2018,name_2018,knr_2020,name_2020,knr_2024,name_2024,region_2018,pupils_2010,teacher_fte_2017_18,fte_source
0211,Vestby,3019,Vestby,3216,Vestby,Follo,2060,187.9,estimate
0213,Ski,3020,Nordre Follo,3207,Nordre Follo,Follo,4017,361.9,skoleporten
0214,Ås,3021,Ås,3218,Ås,Follo,2185,199.4,estimate
0215,Frogn,3022,Frogn,3214,Frogn,Follo,2015,194.1,skoleporten
0216,Nesodden,3023,Nesodden,3212,Nesodden,Follo,2548,232.5,estimate
0217,Oppegård,3020,Nordre Follo,3207,Nordre Follo,Follo,3410,287.0,skoleporten
0219,Bærum,3024,Bærum,3201,Bærum,Asker og Bærum,15659,1428.7,estimate
0220,Asker,3025,Asker,3203,Asker,Asker og Bærum,7961,713.7,skoleporten
0221,Aurskog-Høland,3026,Aurskog-Høland,3226,Aurskog-Høland,Nedre Romerike,1836,161.6,skoleporten
0226,Sørum,3030,Lillestrøm,3205,Lillestrøm,Nedre Romerike,2151,202.9,skoleporten
0227,Fet,3030,Lillestrøm,3205,Lillestrøm,Nedre Romerike,1344,120.2,skoleporten
0228,Rælingen,3027,Rælingen,3224,Rælingen,Nedre Romerike,1931,176.2,estimate
0229,Enebakk,3028,Enebakk,3220,Enebakk,Follo,1419,129.5,estimate
0230,Lørenskog,3029,Lørenskog,3222,Lørenskog,Nedre Romerike,4651,424.3,estimate
0231,Skedsmo,3030,Lillestrøm,3205,Lillestrøm,Nedre Romerike,6454,625.0,skoleporten
0233,Nittedal,3031,Nittedal,3232,Nittedal,Nedre Romerike,3206,292.5,estimate
0234,Gjerdrum,3032,Gjerdrum,3230,Gjerdrum,Øvre Romerike,924,84.3,estimate
0235,Ullensaker,3033,Ullensaker,3209,Ullensaker,Øvre Romerike,4137,377.4,estimate
0236,Nes,3034,Nes,3228,Nes,Øvre Romerike,2529,230.7,estimate
0237,Eidsvoll,3035,Eidsvoll,3240,Eidsvoll,Øvre Romerike,2765,252.3,estimate
0238,Nannestad,3036,Nannestad,3238,Nannestad,Øvre Romerike,1567,143.0,estimate
0239,Hurdal,3037,Hurdal,3242,Hurdal,Øvre Romerike,322,29.4,estimate
0301,Oslo,0301,Oslo,0301,Oslo,Oslo,,5477.0,skoleporten
"""
REFERENCE = list(csv.DictReader(io.StringIO(REFERENCE_CSV)))
OSLO_ORGNR = "958935420"  # Oslo kommune's real organisation number (Enhetsregisteret)

# The 15 counties of 2024 as the national profile's regions: region_id, short
# name, partner institutions nearby (the first is the main partner).
REGIONS = [
    ("oslo", "Oslo", ("oslomet", "uio")),
    ("akershus", "Akershus", ("oslomet", "nmbu", "uio")),
    ("ostfold", "Østfold", ("hiof", "nmbu")),
    ("buskerud", "Buskerud", ("usn", "oslomet")),
    ("innlandet", "Innlandet", ("inn", "ntnu")),
    ("vestfold", "Vestfold", ("usn",)),
    ("telemark", "Telemark", ("usn",)),
    ("agder", "Agder", ("uia",)),
    ("rogaland", "Rogaland", ("uis", "hvl")),
    ("vestland", "Vestland", ("hvl", "uib")),
    ("more-og-romsdal", "Møre og Romsdal", ("hivolda", "ntnu", "himolde")),
    ("trondelag", "Trøndelag", ("ntnu", "nord")),
    ("nordland", "Nordland", ("nord", "uit")),
    ("troms", "Troms", ("uit",)),
    ("finnmark", "Finnmark", ("uit", "samisk")),
]
REGION_OF_COUNTY = {
    "03": "oslo",
    "11": "rogaland",
    "15": "more-og-romsdal",
    "18": "nordland",
    "32": "akershus",  # the 2024 numbers
    "34": "innlandet",
    "42": "agder",
    "46": "vestland",
    "50": "trondelag",
}


def region_of(knr: str) -> str:
    """The 2024 county of a 2020 municipality number (Viken, Vestfold og
    Telemark and Troms og Finnmark split again in 2024)."""
    county, number = knr[:2], int(knr)
    if county == "30":
        if number <= 3004 or 3011 <= number <= 3018:
            return "ostfold"
        if 3019 <= number <= 3037 or number >= 3053:  # Jevnaker and Lunner went to Akershus
            return "akershus"
        return "buskerud"
    if county == "38":
        return "vestfold" if number <= 3805 or number == 3811 else "telemark"
    if county == "54":
        return "troms" if number <= 5402 or 5411 <= number <= 5429 else "finnmark"
    return REGION_OF_COUNTY[county]


# Approximate 2020 populations in thousands (rounded; relative size only).
POPULATION = {
    "1103": 144, "1106": 37, "1108": 80, "1119": 19, "1120": 19, "1121": 19, "1124": 27,
    "1149": 42, "1506": 32, "1507": 66, "1804": 52, "1806": 22, "1833": 26, "3001": 31,
    "3002": 50, "3003": 56, "3004": 82, "3005": 101, "3006": 27, "3007": 30, "3014": 45,
    "3047": 14, "3048": 19, "3049": 26, "3053": 7, "3054": 9, "3401": 18, "3403": 31,
    "3405": 28, "3407": 30, "3411": 34, "3420": 21, "3802": 25, "3803": 57, "3804": 64,
    "3805": 47, "3806": 36, "3807": 55, "3811": 27, "4202": 24, "4203": 45, "4204": 112,
    "4205": 23, "4601": 285, "4602": 17, "4614": 19, "4621": 16, "4624": 25, "4626": 38,
    "4627": 29, "4631": 29, "4647": 22, "5001": 205, "5006": 24, "5007": 15, "5028": 17,
    "5031": 14, "5035": 24, "5037": 20, "5038": 15, "5401": 77, "5402": 25, "5403": 21,
    "5406": 11, "5444": 10, "1505": 24, "1520": 11, "1577": 11, "1824": 13, "1841": 10,
    "1860": 12, "1870": 10,
}  # fmt: skip

# Real universities, colleges and national centres; the five other providers
# are invented course companies (an award to one breaks R2).
INSTITUTIONS = [
    ("uio", "Universitetet i Oslo", "public_uh"),
    ("uib", "Universitetet i Bergen", "public_uh"),
    ("ntnu", "Norges teknisk-naturvitenskapelige universitet", "public_uh"),
    ("uit", "UiT Norges arktiske universitet", "public_uh"),
    ("uis", "Universitetet i Stavanger", "public_uh"),
    ("uia", "Universitetet i Agder", "public_uh"),
    ("nord", "Nord universitet", "public_uh"),
    ("nmbu", "Norges miljø- og biovitenskapelige universitet", "public_uh"),
    ("oslomet", "OsloMet – storbyuniversitetet", "public_uh"),
    ("usn", "Universitetet i Sørøst-Norge", "public_uh"),
    ("hvl", "Høgskulen på Vestlandet", "public_uh"),
    ("hiof", "Høgskolen i Østfold", "public_uh"),
    ("inn", "Universitetet i Innlandet", "public_uh"),
    ("hivolda", "Høgskulen i Volda", "public_uh"),
    ("himolde", "Høgskolen i Molde", "public_uh"),
    ("nih", "Norges idrettshøgskole", "public_uh"),
    ("nhh", "Norges handelshøyskole", "public_uh"),
    ("nmh", "Norges musikkhøgskole", "public_uh"),
    ("khio", "Kunsthøgskolen i Oslo", "public_uh"),
    ("samisk", "Sámi allaskuvla – Samisk høgskole", "public_uh"),
    ("nla", "NLA Høgskolen", "private_uh"),
    ("vid", "VID vitenskapelige høgskole", "private_uh"),
    ("dmmh", "Dronning Mauds Minne Høgskole", "private_uh"),
    ("steinerhoyskolen", "Steinerhøyskolen", "private_uh"),
    ("mf", "MF vitenskapelig høyskole", "private_uh"),
    ("lesesenteret", "Nasjonalt senter for leseopplæring og leseforsking", "national_centre"),
    ("matematikksenteret", "Nasjonalt senter for matematikk i opplæringen", "national_centre"),
    (
        "laringsmiljosenteret",
        "Nasjonalt senter for læringsmiljø og atferdsforskning",
        "national_centre",
    ),
    ("kompetansekurs", "Kompetansekurs AS", "other_provider"),
    ("skoleloft-nord", "Skoleløft Nord AS", "other_provider"),
    ("klasseromskurs", "Klasseromskurs Vest AS", "other_provider"),
    ("laeringsverkstedet", "Læringsverkstedet AS", "other_provider"),
    ("pedagogikkpartner", "Pedagogikkpartner AS", "other_provider"),
]

# --- Needs reports and projects: development areas and their sector goal ------------

RENEWAL = "Fagfornyelsen og dybdelæring"  # the curriculum renewal, in needs from 2019
AREAS = {
    "Lesing og skriving": "basic_skills",
    "Matematikk": "basic_skills",
    "Inkluderende læringsmiljø": "learning_environment",
    "Vurdering for læring": "basic_skills",
    "Profesjonsfellesskap": "learning_environment",
    RENEWAL: "basic_skills",
    "Digital kompetanse": "basic_skills",
    "Tilpasset opplæring": "learning_environment",
    "Gjennomføring i videregående opplæring": "completion",
    "Overgang fra ungdomsskole til videregående": "completion",
}
COMPULSORY_AREAS = [
    "Lesing og skriving",
    "Matematikk",
    "Inkluderende læringsmiljø",
    "Vurdering for læring",
    "Profesjonsfellesskap",
    "Tilpasset opplæring",
    "Digital kompetanse",
]
COUNTY_AREAS = [
    "Gjennomføring i videregående opplæring",
    "Overgang fra ungdomsskole til videregående",
]
TARGET_GROUPS = {
    "Lesing og skriving": ["Lærere 1.–4. trinn", "Lærere på mellomtrinnet", "Alle lærere"],
    "Matematikk": ["Matematikklærere 1.–7. trinn", "Matematikklærere på ungdomstrinnet"],
    "Inkluderende læringsmiljø": ["Alle lærere og skoleledere", "Lærere og miljøarbeidere"],
    "Vurdering for læring": ["Lærere på ungdomstrinnet", "Alle lærere"],
    "Profesjonsfellesskap": ["Skoleledere og ressurslærere", "Alle lærere og skoleledere"],
    RENEWAL: ["Alle lærere", "Lærere og skoleledere"],
    "Digital kompetanse": ["Lærere 5.–10. trinn", "Alle lærere"],
    "Tilpasset opplæring": ["Lærere og spesialpedagoger", "Alle lærere"],
    "Gjennomføring i videregående opplæring": [
        "Lærere i videregående skole",
        "Lærere på Vg1 og rådgivere",
    ],
    "Overgang fra ungdomsskole til videregående": ["Rådgivere og lærere på 10. trinn og Vg1"],
}
PROJECT_TITLES = {
    "Lesing og skriving": [
        "Lesing i alle fag",
        "Leseløftet på mellomtrinnet",
        "Skriving som grunnleggende ferdighet",
        "Begynneropplæring i lesing og skriving",
    ],
    "Matematikk": [
        "Matematikksamtaler i klasserommet",
        "Tallforståelse på småtrinnet",
        "Utforskende matematikkundervisning",
    ],
    "Inkluderende læringsmiljø": [
        "Trygt og inkluderende skolemiljø",
        "Relasjonsbygging og klasseledelse",
        "Et godt psykososialt skolemiljø for alle",
    ],
    "Vurdering for læring": [
        "Vurdering for læring i praksis",
        "Underveisvurdering og elevmedvirkning",
    ],
    "Profesjonsfellesskap": [
        "Lærende profesjonsfellesskap",
        "Skolebasert kompetanseutvikling i nettverk",
    ],
    RENEWAL: ["Dybdelæring og fagfornyelsen", "Tverrfaglige temaer i fagfornyelsen"],
    "Digital kompetanse": [
        "Profesjonsfaglig digital kompetanse",
        "Programmering i matematikk og naturfag",
    ],
    "Tilpasset opplæring": [
        "Tilpasset opplæring i fellesskapet",
        "Inkludering og tilpasset opplæring",
    ],
    "Gjennomføring i videregående opplæring": [
        "Flere fullfører videregående",
        "Vurdering og gjennomføring på Vg1",
    ],
    "Overgang fra ungdomsskole til videregående": ["Gode overganger til videregående"],
}

# --- Notes of co-financing rows and status reports ---------------------------------

CASH_NOTES = [
    "Vikarutgifter og frikjøp av ressurslærere",
    "Lokaler, reiser og materiell til samlinger",
    "Frikjøp av veiledere",
]
IN_KIND_NOTES = [
    "Lærernes arbeidstid i skolebaserte utviklingsøkter",
    "Lærernes og skoleledernes arbeidstid (beregnet)",
    "Arbeidstid til nettverkssamlinger og kollegaveiledning",
]
ONGOING_NOTES = [
    "Nettverkssamlinger gjennomført som planlagt",
    "Skolebaserte utviklingsøkter i gang på alle skoler",
    "Veiledning fra UH-partner i gang",
    "Arbeid i profesjonsfellesskapene på skolene",
]
PLANNED_NOTE = "Planlagt oppstart; skolene har meldt inn deltakere"
STARTED_NOTE = "Oppstartssamling gjennomført"
COMPLETED_NOTE = "Sluttrapport levert; erfaringer delt i nettverket"
