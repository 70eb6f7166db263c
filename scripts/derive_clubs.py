"""Derive ``mercato/data/clubs.tsv`` and ``mercato/data/club_aliases/common.tsv`` from openfootball once.

    .venv/bin/python scripts/derive_clubs.py [--source ../shared/data/openfootball-clubs] [--check]

The club list (canonical names, country, league) is curated below in the corpus naming convention (common
English names without "FC": "AC Milan", "Bayern Munich", "Wolverhampton Wanderers", "Lyon"); openfootball
(public domain) supplies the alternative spellings of each club.  The hand-written alias files
(``club_aliases/<lang>.tsv`` other than ``common.tsv``) win: a spelling they already list is not repeated, and a
spelling openfootball gives to two curated clubs is dropped.  The derived files are committed; the package never
reads openfootball at run time.  ``--check`` only reports what would change.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mercato.understand.gazetteer import fold_key  # noqa: E402

DATA = ROOT / "mercato" / "data"

# country code -> openfootball files (relative to the source root)
SOURCES = {
    "ENG": ["europe/england/eng.clubs.txt", "europe/wales/wal.clubs.txt"],
    "ITA": ["europe/italy/it.clubs.txt"], "ESP": ["europe/spain/es.clubs.txt"],
    "GER": ["europe/germany/de.clubs.txt"], "FRA": ["europe/france/fr.clubs.txt", "europe/monaco/mc.clubs.txt"],
    "POR": ["europe/portugal/pt.clubs.txt"], "NED": ["europe/netherlands/nl.clubs.txt"],
    "TUR": ["europe/turkey/tr.clubs.txt"], "GRE": ["europe/greece/gr.clubs.txt"],
    "BEL": ["europe/belgium/be.clubs.txt"], "SCO": ["europe/scotland/sco.clubs.txt"],
    "KSA": ["middle-east/saudi-arabia/sa.clubs.txt"],
    "USA": ["north-america/united-states/us.clubs.txt", "north-america/canada/ca.clubs.txt"],
    "SUI": ["europe/switzerland/ch.clubs.txt"], "AUT": ["europe/austria/at.clubs.txt"],
    "UKR": ["europe/ukraine/ua.clubs.txt"], "CRO": ["europe/croatia/hr.clubs.txt"],
    "SRB": ["europe/serbia/rs.clubs.txt"], "DEN": ["europe/denmark/dk.clubs.txt"],
    "CZE": ["europe/czech-republic/cz.clubs.txt"], "RUS": ["europe/russia/ru.clubs.txt"],
    "NOR": ["europe/norway/no.clubs.txt"], "SWE": ["europe/sweden/se.clubs.txt"],
    "POL": ["europe/poland/pl.clubs.txt"], "ROU": ["europe/romania/ro.clubs.txt"],
    "QAT": ["middle-east/qatar/qa.clubs.txt"], "UAE": ["middle-east/united-arab-emirates/ae.clubs.txt"],
    "MEX": ["north-america/mexico/mx.clubs.txt"], "HUN": ["europe/hungary/hu.clubs.txt"],
    "BUL": ["europe/bulgaria/bg.clubs.txt"], "CYP": ["europe/cyprus/cy.clubs.txt"],
}

# league -> (country, "Canonical[=openfootball name]; ...").  2025-26 top flights, plus notable others.
CLUBS: dict[str, tuple[str, str]] = {
    "ENG1": ("ENG", "Arsenal; Aston Villa; Bournemouth=AFC Bournemouth; Brentford; Brighton & Hove Albion; Burnley; "
             "Chelsea; Crystal Palace; Everton; Fulham; Leeds United; Liverpool; Manchester City; Manchester United; "
             "Newcastle United; Nottingham Forest; Sunderland; Tottenham Hotspur; West Ham United; "
             "Wolverhampton Wanderers"),
    "ENG2": ("ENG", "Birmingham City; Blackburn Rovers; Bristol City; Charlton Athletic; Coventry City; Derby County; "
             "Hull City; Ipswich Town; Leicester City; Middlesbrough; Millwall; Norwich City; Oxford United; "
             "Portsmouth; Preston North End; Queens Park Rangers; Sheffield United; Sheffield Wednesday; "
             "Southampton; Stoke City; Swansea City; Watford; West Bromwich Albion; Wrexham; Luton Town; "
             "Cardiff City; Plymouth Argyle; Huddersfield Town; Bolton Wanderers; Reading"),
    "ITA1": ("ITA", "Atalanta=Atalanta Bergamo; Bologna; Cagliari; Como; Cremonese; Fiorentina; Genoa; Hellas Verona; "
             "Inter Milan=FC Internazionale Milano; Juventus; Lazio; Lecce; AC Milan; Napoli; Parma; Pisa; Roma; "
             "Sassuolo; Torino; Udinese"),
    "ITA2": ("ITA", "Empoli; Monza; Venezia; Sampdoria; Palermo; Frosinone; Spezia; Salernitana; Bari; Cesena; "
             "Modena; Brescia; Catanzaro; Südtirol; Reggiana; Juve Stabia; Sampdoria"),
    "ESP1": ("ESP", "Alavés; Athletic Club=Athletic Bilbao; Atlético Madrid; Barcelona; Celta Vigo; Elche; Espanyol; "
             "Getafe; Girona; Levante; Mallorca; Osasuna; Rayo Vallecano; Real Betis; Real Madrid; Real Oviedo; "
             "Real Sociedad; Sevilla; Valencia; Villarreal"),
    "ESP2": ("ESP", "Las Palmas; Leganés; Real Valladolid; Deportivo La Coruña; Málaga; Sporting Gijón; Granada; "
             "Almería; Cádiz; Racing Santander; Real Zaragoza; Eibar; Huesca; Tenerife"),
    "GER1": ("GER", "FC Augsburg; Union Berlin; Werder Bremen; Borussia Dortmund; Eintracht Frankfurt; SC Freiburg; "
             "Hamburger SV; 1. FC Heidenheim; TSG Hoffenheim; 1. FC Köln; RB Leipzig; Bayer Leverkusen; Mainz 05; "
             "Borussia Mönchengladbach; Bayern Munich=Bayern München; FC St. Pauli; VfB Stuttgart; VfL Wolfsburg"),
    "GER2": ("GER", "Schalke 04; Hertha BSC; Fortuna Düsseldorf; Hannover 96; 1. FC Nürnberg; 1. FC Kaiserslautern; "
             "Karlsruher SC; VfL Bochum; Holstein Kiel; Darmstadt 98; SpVgg Greuther Fürth; SC Paderborn 07; "
             "1. FC Magdeburg; Eintracht Braunschweig; Arminia Bielefeld; Dynamo Dresden"),
    "FRA1": ("FRA", "Angers; Auxerre; Brest; Le Havre; Lens; Lille; Lorient; Lyon=Olympique Lyonnais; "
             "Marseille=Olympique de Marseille; Metz; Monaco; Nantes; Nice; Paris FC; Paris Saint-Germain; Rennes; "
             "Strasbourg; Toulouse"),
    "FRA2": ("FRA", "Saint-Étienne; Montpellier; Reims; Bordeaux; Guingamp; Troyes; Caen; Clermont"),
    "POR1": ("POR", "Benfica; Porto=FC Porto; Sporting CP; Braga=SC Braga; Vitória de Guimarães; Moreirense; Famalicão; "
             "Gil Vicente; Rio Ave; Estoril; Casa Pia; Arouca; Santa Clara; Estrela da Amadora; Nacional; AVS; "
             "Alverca; Tondela; Boavista"),
    "NED1": ("NED", "Ajax; PSV Eindhoven; Feyenoord; AZ Alkmaar; FC Twente; FC Utrecht; NEC Nijmegen; "
             "Go Ahead Eagles; Heerenveen; Sparta Rotterdam; Fortuna Sittard; PEC Zwolle; Heracles Almelo; "
             "NAC Breda; Excelsior; FC Groningen; Telstar; FC Volendam; Vitesse; Willem II"),
    "TUR1": ("TUR", "Galatasaray; Fenerbahçe; Beşiktaş; Trabzonspor; Başakşehir; Samsunspor; Göztepe; Eyüpspor; "
             "Kasımpaşa; Kocaelispor; Antalyaspor; Alanyaspor; Konyaspor; Kayserispor; Gaziantep FK; "
             "Gençlerbirliği; Çaykur Rizespor; Fatih Karagümrük; Sivasspor; Adana Demirspor"),
    "GRE1": ("GRE", "Olympiacos; Panathinaikos; AEK Athens; PAOK; Aris Thessaloniki; Asteras Tripolis; OFI Crete; "
             "Atromitos; Panetolikos; Volos; Levadiakos; Kifisia; AEL Larissa; Panserraikos"),
    "BEL1": ("BEL", "Club Brugge; Anderlecht; Genk; Gent; Antwerp; Union Saint-Gilloise; Standard Liège; "
             "Cercle Brugge; Mechelen; Westerlo; Charleroi; Sint-Truiden; OH Leuven; Dender; Zulte Waregem; "
             "La Louvière"),
    "SCO1": ("SCO", "Celtic; Rangers; Aberdeen; Hearts=Heart of Midlothian; Hibernian; Dundee United; Dundee; "
             "Motherwell; Kilmarnock; St Mirren; Livingston; Falkirk"),
    "KSA1": ("KSA", "Al-Hilal; Al-Nassr; Al-Ittihad; Al-Ahli; Al-Qadsiah; Al-Ettifaq; Al-Shabab; Al-Taawoun; "
             "Al-Fateh; Al-Khaleej; Al-Fayha; Al-Riyadh; Al-Kholood; Al-Okhdood; Al-Hazem; Al-Najma; NEOM; Damac"),
    "MLS": ("USA", "Inter Miami; LA Galaxy; Los Angeles FC; New York Red Bulls; New York City FC; Atlanta United; "
            "Seattle Sounders; Toronto FC; CF Montréal; Vancouver Whitecaps; Chicago Fire; Columbus Crew; "
            "FC Cincinnati; Orlando City; Philadelphia Union; New England Revolution; D.C. United; Nashville SC; "
            "Charlotte FC; Austin FC; FC Dallas; Houston Dynamo; Sporting Kansas City; Minnesota United; "
            "Portland Timbers; Real Salt Lake; Colorado Rapids; San Jose Earthquakes; St. Louis City; San Diego FC"),
    "SUI1": ("SUI", "Lausanne-Sport; Basel=FC Basel; Young Boys=BSC Young Boys; Servette; Lugano; FC Zürich; "
             "St. Gallen; Luzern; Grasshoppers"),
    "AUT1": ("AUT", "Red Bull Salzburg; Sturm Graz; Rapid Wien; Austria Wien; LASK"),
    "UKR1": ("UKR", "Shakhtar Donetsk; Dynamo Kyiv"),
    "CRO1": ("CRO", "Dinamo Zagreb; Hajduk Split"),
    "SRB1": ("SRB", "Red Star Belgrade; Partizan"),
    "DEN1": ("DEN", "FC Copenhagen; Midtjylland; Brøndby"),
    "CZE1": ("CZE", "Slavia Prague; Sparta Prague; Viktoria Plzeň"),
    "RUS1": ("RUS", "Zenit; Spartak Moscow; CSKA Moscow; Lokomotiv Moscow"),
    "NOR1": ("NOR", "Bodø/Glimt; Molde; Rosenborg"),
    "SWE1": ("SWE", "Malmö FF"),
    "POL1": ("POL", "Legia Warsaw"),
    "ROU1": ("ROU", "FCSB; CFR Cluj"),
    "HUN1": ("HUN", "Ferencváros"),
    "BUL1": ("BUL", "Ludogorets"),
    "CYP1": ("CYP", "APOEL"),
    "QAT1": ("QAT", "Al-Sadd; Al-Duhail; Al-Rayyan; Al-Gharafa; Al-Arabi"),
    "UAE1": ("UAE", "Al-Ain; Shabab Al-Ahli; Al-Wahda"),
    "MEX1": ("MEX", "Club América; Monterrey; Tigres UANL; Cruz Azul; Guadalajara"),
    "EGY1": ("EGY", "Al Ahly; Zamalek"),
    "BRA1": ("BRA", "Flamengo; Palmeiras; Corinthians; São Paulo; Santos; Fluminense; Botafogo; Grêmio; "
             "Internacional; Atlético Mineiro; Cruzeiro; Vasco da Gama"),
    "ARG1": ("ARG", "Boca Juniors; River Plate; Racing Club; Independiente"),
}

_DROP_WORDS = re.compile(r"\b(fc|afc|cf|sc|ac|as|ss|ssc|us|cfc|calcio|football club|fk|sk|bk|kv|krc|rsc)\b")


def _core(name: str) -> str:
    """Folded club name without club-type words, for matching curated names to openfootball."""
    key = fold_key(name)
    return re.sub(r"\s+", " ", _DROP_WORDS.sub(" ", key)).strip()


def parse_openfootball(path: Path) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Clubs of one file: (main name, [(alias, language tag or None)]); reserve teams and addresses skipped."""
    clubs: list[tuple[str, list[tuple[str, str | None]]]] = []
    current: list[tuple[str, str | None]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("##", 1)[0]
        if not line.strip() or line.lstrip().startswith(("#", "=")):
            continue
        stripped = line.strip()
        if stripped.startswith("|"):
            if current is None:
                continue
            for part in stripped.strip("|").split("|"):
                part = part.split("#", 1)[0].strip()
                tag = None
                m = re.search(r"\[(\w\w)\]\s*$", part)
                if m:
                    tag, part = m.group(1), part[: m.start()].strip()
                if part:
                    current.append((part, tag))
            continue
        if raw[:1].isspace() or re.match(r"^[ivx]+\)", stripped):
            current = None  # address line or reserve team
            continue
        main = re.sub(r"\(\d{4}-\d{4}\)", "", stripped.split(",", 1)[0]).split("#", 1)[0].strip()
        current = []
        clubs.append((main, current))
    return clubs


def derive(source: Path) -> tuple[list[str], list[str]]:
    hand: set[str] = set()
    for path in sorted((DATA / "club_aliases").glob("*.tsv")):
        if path.name == "common.tsv":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                hand.add(fold_key(line.split("\t", 1)[0].rstrip("*")))
    club_rows: list[str] = []
    found: dict[str, set[str]] = {}  # folded alias -> curated clubs it was found for
    per_club: dict[str, list[str]] = {}
    missing: list[str] = []
    for league, (country, names) in CLUBS.items():
        files = [source / f for f in SOURCES.get(country, []) if (source / f).exists()]
        of_clubs = [c for f in files for c in parse_openfootball(f)]
        for item in dict.fromkeys(n.strip() for n in names.split(";") if n.strip()):
            canonical, _, hint = item.partition("=")
            club_rows.append(f"{canonical}\t{country}\t{league}")
            wanted = {_core(canonical), _core(hint)} - {""}
            match = next(
                (c for c in of_clubs if wanted & {_core(c[0]), *(_core(a) for a, _ in c[1])}), None
            )
            if match is None:
                missing.append(canonical)
                continue
            aliases = [match[0], *(a for a, _tag in match[1])]
            per_club[canonical] = aliases
            for alias in aliases:
                found.setdefault(fold_key(alias), set()).add(canonical)
    alias_rows: list[str] = []
    canon_keys = {fold_key(r.split("\t", 1)[0]) for r in club_rows}
    for canonical, aliases in per_club.items():
        seen = {fold_key(canonical)}
        for alias in aliases:
            key = fold_key(alias)
            if key in seen or key in hand or len(found.get(key, ())) > 1 or len(key) < 3:
                continue
            if key in canon_keys:  # another club's canonical name
                continue
            seen.add(key)
            alias_rows.append(f"{alias}\t{canonical}\tname")
    if missing:
        print(f"not in openfootball (no derived aliases): {', '.join(missing)}", file=sys.stderr)
    return club_rows, alias_rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "openfootball-clubs")
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    args = parser.parse_args()
    if not args.source.is_dir():
        print(f"{args.source}: openfootball clubs not found", file=sys.stderr)
        return 1
    clubs, aliases = derive(args.source)
    header = "# derived by scripts/derive_clubs.py from openfootball/clubs (CC0); edit the script, not this file\n"
    outputs = {
        DATA / "clubs.tsv": header + "# name\tcountry\tleague\n" + "\n".join(clubs) + "\n",
        DATA / "club_aliases" / "common.tsv": header + "# alias\tclub\tkind\n" + "\n".join(aliases) + "\n",
    }
    for path, text in outputs.items():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        status = "unchanged" if old == text else "would change" if args.check else "written"
        if not args.check and old != text:
            path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(text.splitlines()) - 2} rows, {status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
