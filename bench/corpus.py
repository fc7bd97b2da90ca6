"""A synthetic consultation corpus in English, French and Spanish, with its ground truth.

Eight planted themes (three sentence templates per theme and language, slot-filled with
cities, numbers and theme words so no two comments are alike), one coordinated campaign
sent by ~5 % of organisations with small edits, stance plans per paragraph (near-unanimous,
split, amend-heavy, mixed), amendments that are planted edits of the paragraph text, and
comments that sometimes quote the draft. Deterministic for a given seed.

    from bench.corpus import generate
    corpus = generate(10_000, seed=1)
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

from app.services.synthesis import duplicates

THEMES = ("youth", "digital", "culture", "migration", "climate", "trust", "care", "public_space")
# Unequal theme sizes, as in real consultations.
THEME_WEIGHTS = (1.6, 1.4, 1.2, 1.0, 1.0, 0.8, 0.7, 0.5)
LANGUAGES = ("en", "fr", "es")
STANCE_PLANS = {  # weights of support, amend, oppose, none
    "consensus": (0.86, 0.06, 0.02, 0.06),
    "contested": (0.40, 0.08, 0.42, 0.10),
    "amend": (0.18, 0.64, 0.06, 0.12),
    "mixed": (0.52, 0.20, 0.16, 0.12),
}
STANCES = ("support", "amend", "oppose", "none")
KINDS = ("town-hall partner", "UN agency", "NGO", "LRG network", "academic", "other")
REGIONS = ("Africa", "Asia-Pacific", "Eurasia", "Europe", "Latin America", "Middle East")
CITIES = "Lyon Dakar Bogotá Nantes Kigali Quito Porto Accra Rosario Izmir Lille Cebu Tunis Pune"
CITIES += (
    " Valencia Bilbao Nairobi Durban Rabat Abidjan Lima Manila Sevilla Grenoble Cotonou Mérida"
)
STRAY_SHARE = 0.15  # comments with one sentence about another theme
QUOTE_SHARE = 0.1  # comments that open by quoting the draft paragraph
CAMPAIGN_SHARE = 0.05  # organisations that send the campaign text
CAMPAIGN_PARAGRAPHS = 0.25  # share of paragraphs the campaign is sent on
_ALTERNATIVES = re.compile(r"\[([^\]]*)\]")
AND = {"en": "and", "fr": "et", "es": "y"}
QUOTE_FRAME = {"en": 'About "{q}": ', "fr": "Concernant « {q} » : ", "es": "Sobre «{q}»: "}

DATA = """
[youth]
en a: apprenticeships; paid internships; vocational training; first-job guarantees; mentoring
  schemes
en b: young people; school leavers; young graduates; young women; jobless youth
en: [Youth unemployment|Joblessness among the young|Unemployment of young people] in {city} [stands
  at|has reached|is close to] {pct}% and {b} [still lack|have no|cannot get] [access to|enough] {a}.
en: The [text|draft|position] [should|must|ought to] [commit|bind|oblige] cities to {a} so that {b}
  [find|get|can find] [decent|stable|quality] [work|jobs] [before|by] {year}.
en: In our network {n} [municipalities|towns|local councils] already [run|fund|offer] {a} for {b},
  and [it works|results are good|the results speak for themselves].
fr a: apprentissages; stages rémunérés; formations professionnelles; garanties de premier emploi;
  programmes de mentorat
fr b: les jeunes; les jeunes diplômés; les décrocheurs scolaires; les jeunes femmes; les jeunes sans
  emploi
fr: À {city}, le [chômage des jeunes|chômage juvénile] [atteint|dépasse|frôle] {pct} % et {b}
  n'ont [toujours pas|pas|guère] accès aux {a}.
fr: Le [texte|projet|document] [doit|devrait] [engager|obliger|inciter] les villes à [développer|
  financer|soutenir] les {a} pour que {b} [trouvent|obtiennent] un [emploi digne|travail stable|
  vrai emploi] [avant|d'ici] {year}.
fr: Dans notre réseau, {n} [communes|villes|municipalités] [financent|proposent|organisent] déjà des
  {a} pour {b}, et [cela fonctionne|les résultats sont là|ça marche].
es a: prácticas remuneradas; aprendizajes; formación profesional; garantías de primer empleo;
  programas de mentoría
es b: los jóvenes; los recién graduados; quienes abandonan la escuela; las mujeres jóvenes;
  los jóvenes sin empleo
es: En {city} el [desempleo juvenil|paro juvenil] [alcanza|supera|ronda] el {pct} % y {b} [siguen
  sin|no tienen] acceso a {a}.
es: El [texto|borrador|documento] [debe|debería] [comprometer|obligar] a las [ciudades|alcaldías]
  con {a} para que {b} [encuentren|consigan] [trabajo digno|empleo estable] antes de {year}.
es: En nuestra red, {n} [municipios|ayuntamientos|ciudades] ya [ofrecen|financian|organizan] {a} a
  {b}, y [funciona|los resultados son buenos|da resultados].
[digital]
en a: broadband; public Wi-Fi; digital skills training; affordable devices; online public services
en b: older residents; rural households; low-income families; people with disabilities; migrants
en: In {city} {pct}% of {b} [have no|lack|cannot afford] [reliable|stable|fast] internet, so {a}
  [must|should] be [treated as|recognised as] a [basic|fundamental] right.
en: [Closing|Bridging|Reducing] the digital [divide|gap] [means|requires|demands] [investing in|
  paying for|funding] {a} for {b} [by|before] {year}.
en: Our {n} [neighbourhood|community|local] centres [offer|provide] {a}, [yet|but|and still] {b}
  are [still left|left|kept] offline.
fr a: haut débit; wifi public; formation au numérique; terminaux abordables; services publics en
  ligne
fr b: les personnes âgées; les ménages ruraux; les familles modestes; les personnes handicapées;
  les migrants
fr: À {city}, {pct} % parmi {b} n'ont [pas de|aucune] connexion [fiable|stable], faute de {a}.
fr: [Réduire|Combler|Résorber] la fracture [numérique|digitale] [suppose|exige|impose]
  [d'investir|un effort] en matière de {a} pour {b} [d'ici|avant] {year}.
fr: Nos {n} [centres|maisons|espaces] de quartier proposent [un peu|beaucoup] de {a}, mais {b}
  restent [hors ligne|déconnectés|à l'écart].
es a: banda ancha; wifi público; formación digital; dispositivos asequibles; servicios públicos en
  línea
es b: las personas mayores; los hogares rurales; las familias con pocos ingresos;
  las personas con discapacidad; los migrantes
es: En {city} el {pct} % de {b} no [tiene|dispone de] internet [fiable|estable], por falta de {a}.
es: [Cerrar|Reducir|Superar] la brecha digital [exige|requiere|implica] [invertir en|financiar] {a}
  para {b} [antes de|hacia] {year}.
es: Nuestros {n} [centros|espacios|puntos] de barrio ofrecen {a}, pero {b} [siguen|quedan]
  [desconectados|fuera de línea].
[culture]
en a: libraries; community arts centres; local festivals; heritage sites; independent theatres
en b: artists; cultural workers; small cultural associations; musicians; local publishers
en: [Culture budgets|Cultural budgets|Public culture budgets] in {city} were [cut|reduced|slashed]
  by
  {pct}%, and {a} are [closing|shutting down] while {b} [struggle|barely survive|lose their income].
en: We [ask for|call for|need] [stable|lasting|predictable] [public funding|public money] for {a}
  and [fair|decent] pay for {b} [until at least|until|through] {year}.
en: [Over|For|In] {n} years our [members|partners] have [seen|observed|learnt] that {a} bring
  [neighbourhoods|communities|people] together when {b} are [supported|paid fairly].
fr a: bibliothèques; centres culturels de quartier; festivals locaux; sites patrimoniaux;
  théâtres indépendants
fr b: artistes; travailleurs culturels; petites associations culturelles; musiciens; éditeurs locaux
fr: À {city}, les [budgets culturels|crédits de la culture] ont [baissé|chuté|reculé] de {pct} % :
  les {a} [ferment|disparaissent] et les {b} [peinent à vivre|s'appauvrissent|perdent leurs
  revenus].
fr: Nous [demandons|réclamons] un financement [public stable|public durable|pérenne] pour les {a}
  et une [juste|meilleure] rémunération des {b} [jusqu'en|d'ici] {year}.
fr: Depuis {n} ans, nos [membres|partenaires] [constatent|observent|voient] que les {a}
  [rassemblent|rapprochent] les [quartiers|habitants] quand les {b} sont [soutenus|bien payés].
es a: bibliotecas; centros culturales comunitarios; festivales locales; sitios patrimoniales;
  teatros independientes
es b: artistas; trabajadores culturales; pequeñas asociaciones culturales; músicos; editoriales
  locales
es: En {city} los [presupuestos de cultura|fondos culturales] [bajaron|cayeron] un {pct} %:
  [cierran|
  desaparecen] {a} y {b} [apenas sobreviven|pierden ingresos].
es: [Pedimos|Reclamamos] financiación [pública estable|pública duradera] para {a} y un pago [justo|
  digno] a {b} [al menos hasta|hasta] {year}.
es: Desde hace {n} años [vemos|comprobamos] que {a} [unen|acercan] a los [barrios|vecinos] cuando se
  [apoya|respalda] a {b}.
[migration]
en a: reception centres; language classes; legal aid; housing support; access to health care
en b: refugees; asylum seekers; migrant workers; unaccompanied minors; displaced families
en: {city} [received|welcomed|took in] {n} thousand {b} [last year|in {past}] [without the
  means|with
  no budget|without resources] to [provide|offer] {a}.
en: [Local governments|Cities|Municipalities] [must|should] be [funded|resourced] to [offer|provide|
  guarantee] {a} to {b}, [whatever their status|regardless of status], by {year}.
en: [Around|About|Nearly] {pct}% of {b} in our [cities|towns] wait [months|a year|too long] for {a},
  which [fuels|deepens|feeds] exclusion.
fr a: des centres d'accueil; des cours de langue; une aide juridique; une aide au logement;
  l'accès aux soins
fr b: réfugiés; demandeurs d'asile; travailleurs migrants; mineurs non accompagnés; familles
  déplacées
fr: {city} a [accueilli|reçu] {n} mille {b} [l'an dernier|en {past}] sans [pouvoir offrir|avoir les
  moyens d'offrir] {a}.
fr: Les [collectivités|villes|communes] [doivent|devraient] être [financées|soutenues] pour
  [offrir|garantir] {a} aux {b}, [quel que soit leur statut|sans condition], d'ici {year}.
fr: [Près de|Environ|Presque] {pct} % des {b} de nos villes attendent [des mois|un an] avant
  d'obtenir {a}, ce qui [nourrit|aggrave] l'exclusion.
es a: centros de acogida; clases de idioma; asistencia jurídica; apoyo a la vivienda; acceso a la
  salud
es b: refugiados; solicitantes de asilo; trabajadores migrantes; menores no acompañados;
  familias desplazadas
es: {city} [recibió|acogió] a {n} mil {b} [el año pasado|en {past}] sin [medios|recursos] para
  [ofrecer|garantizar] {a}.
es: Los [gobiernos locales|municipios] [necesitan|deben recibir] fondos para [ofrecer|garantizar]
  {a}
  a los {b}, [sea cual sea su situación|sin condiciones], antes de {year}.
es: [Cerca del|Alrededor del|Casi el] {pct} % de los {b} en nuestras ciudades espera [meses|un año]
  para obtener {a}, y eso [alimenta|agrava] la exclusión.
[climate]
en a: flood defences; early warning systems; heat action plans; drought preparedness; green
  infrastructure
en b: floods; heatwaves; wildfires; droughts; storms
en: After the {b} of {past}, {city} [still has|has] no {a}, and {pct}% of [homes|households]
  [remain|are still] exposed.
en: [Cities|Towns|Municipalities] on the front line of {b} need [direct|faster|simpler] access to
  [climate finance|green funds|adaptation funding] for {a}.
en: {n} of our [member cities|members] [faced|suffered|went through] {b} [this decade|since {past}];
  {a} [saved lives|protected people] where they [existed|were in place].
fr a: digues; systèmes d'alerte précoce; plans canicule; plans sécheresse; infrastructures vertes
fr b: inondations; canicules; incendies; sécheresses; tempêtes
fr: Après les {b} de {past}, {city} n'a [toujours pas|pas] de {a} et {pct} % des [logements|foyers]
  [restent exposés|sont menacés].
fr: Les [villes|communes|collectivités] en première ligne face aux {b} [doivent|devraient] accéder
  [directement|plus vite] aux [financements climatiques|fonds verts] [pour des|afin de financer des]
  {a}.
fr: {n} de nos [villes membres|membres] ont [subi|connu] des {b} [cette décennie|depuis {past}] ; là
  où il y avait des {a}, des vies ont été [sauvées|épargnées].
es a: defensas contra inundaciones; sistemas de alerta temprana; planes contra el calor;
  planes de sequía; infraestructura verde
es b: las inundaciones; las olas de calor; los incendios; las sequías; las tormentas
es: Tras {b} de {past}, {city} [sigue sin|no tiene] {a} y el {pct} % de las [viviendas|familias]
  [sigue expuesto|está en riesgo].
es: Las [ciudades|alcaldías] en primera línea frente a {b} necesitan acceso [directo|rápido] a
  [financiación climática|fondos verdes] para {a}.
es: {n} de nuestras [ciudades miembro|socias] [sufrieron|vivieron] {b} [esta década|desde {past}];
  donde había {a}, se [salvaron|protegieron] vidas.
[trust]
en a: participatory budgeting; open data; citizen assemblies; anti-corruption audits; public
  hearings
en b: residents; young voters; neighbourhood associations; marginalised communities; civil society
  groups
en: Only {pct}% of {b} in {city} [say they trust|trust|have confidence in] their local
  [institutions|authorities].
en: Trust will [come back|return|grow again] through {a}, not [promises|speeches]: {b} [must|need
  to] see where the money goes.
en: Since {past}, {n} councils in our network [adopted|introduced] {a} and {b} [started to take
  part again|came back|re-engaged].
fr a: budgets participatifs; données ouvertes; assemblées citoyennes; audits anticorruption;
  auditions publiques
fr b: habitants; jeunes électeurs; associations de quartier; communautés marginalisées;
  organisations de la société civile
fr: Seuls {pct} % des {b} de {city} [disent faire confiance|font confiance] à leurs [institutions|
  autorités] locales.
fr: La confiance [reviendra|renaîtra] avec des {a}, pas avec des [promesses|discours] : les {b}
  [doivent|veulent] voir où va l'argent.
fr: Depuis {past}, {n} conseils de notre réseau ont [adopté|mis en place] des {a} et les {b}
  [participent de nouveau|sont revenus].
es a: presupuestos participativos; datos abiertos; asambleas ciudadanas; auditorías anticorrupción;
  audiencias públicas
es b: vecinos; jóvenes votantes; asociaciones vecinales; comunidades marginadas;
  organizaciones de la sociedad civil
es: Solo el {pct} % de {b} de {city} dice [confiar en|creer en] sus [instituciones|autoridades]
  locales.
es: La confianza [volverá|renacerá] con {a} y no con [promesas|discursos]: {b} [deben|quieren] ver
  adónde va el dinero.
es: Desde {past}, {n} concejos de nuestra red [adoptaron|pusieron en marcha] {a} y {b} [volvieron
  a participar|regresaron].
[care]
en a: childcare places; home care for older people; paid care leave; community health workers;
  respite services
en b: women; family carers; domestic workers; single parents; older people living alone
en: In {city}, {pct}% of [unpaid care|care work] [falls on|is done by] {b}, and there are [not
  enough|too few] {a}.
en: We [propose|suggest|recommend] that [cities|local governments] [build|create] [public care
  systems|care services] with {a} for {b} [by|before] {year}.
en: {n} of our [members|partners] now [fund|provide] {a}; {b} [told us|say] it [changed|improved]
  their lives.
fr a: places en crèche; soins à domicile pour les aînés; congés de proche aidant;
  travailleurs de santé communautaires; services de répit
fr b: femmes; aidants familiaux; travailleuses domestiques; familles monoparentales;
  personnes âgées isolées
fr: À {city}, {pct} % du [travail de soin|soin] non [rémunéré|payé] [repose sur|incombe aux] {b},
  faute de {a}.
fr: Nous [proposons|suggérons] que les [villes|collectivités] [bâtissent|créent] des [systèmes
  publics de soins|services de soins], avec des {a} pour les {b}, d'ici {year}.
fr: {n} de nos [membres|partenaires] [financent|offrent] désormais des {a} ; les {b} [nous
  disent|affirment] que cela a [changé|amélioré] leur vie.
es a: plazas de guardería; cuidados a domicilio para mayores; permisos pagados de cuidado;
  agentes comunitarios de salud; servicios de respiro
es b: las mujeres; las cuidadoras familiares; las trabajadoras del hogar; las familias
  monoparentales;
  las personas mayores que viven solas
es: En {city}, el {pct} % del [cuidado|trabajo de cuidados] no [remunerado|pagado] [recae en|lo
  asumen] {b} y faltan {a}.
es: [Proponemos|Sugerimos] que las [ciudades|alcaldías] [creen|construyan] [sistemas públicos de
  cuidados|servicios de cuidado] con {a} para {b} antes de {year}.
es: {n} de nuestros [miembros|socios] ya [financian|ofrecen] {a}; {b} nos [dicen|cuentan] que les
  [cambió|mejoró] la vida.
[public_space]
en a: parks; public benches; community gardens; libraries open late; safe squares
en b: older people living alone; teenagers; newcomers; people with disabilities; night workers
en: Loneliness is [rising|growing|spreading] in {city}: {pct}% of {b} say they have nowhere to
  [meet others|meet people|go].
en: Cities [should|must] [design|build|open] {a} where {b} can [meet|gather], [free of charge|at no
  cost] and close to [home|where they live].
en: Since {past}, {n} new {a} in our [districts|neighbourhoods] have brought {b} back into [public
  life|the city].
fr a: parcs; bancs publics; jardins partagés; bibliothèques ouvertes le soir; places sûres
fr b: personnes âgées isolées; adolescents; nouveaux arrivants; personnes handicapées;
  travailleurs de nuit
fr: La solitude [progresse|augmente] à {city} : {pct} % des {b} disent n'avoir aucun lieu où
  [rencontrer du monde|voir d'autres gens].
fr: Les villes [devraient|doivent] aménager des {a} où les {b} peuvent se [retrouver|rencontrer],
  [gratuitement|sans payer] et près de chez eux.
fr: Depuis {past}, {n} nouveaux lieux ({a}) dans nos quartiers ont [ramené|réintégré] les {b} dans
  la vie [publique|collective].
es a: parques; bancos públicos; huertos comunitarios; bibliotecas abiertas de noche; plazas seguras
es b: personas mayores que viven solas; adolescentes; recién llegados; personas con discapacidad;
  trabajadores nocturnos
es: La soledad [crece|aumenta] en {city}: el {pct} % de {b} dice no tener dónde [encontrarse con
  otros|ver a otras personas].
es: Las ciudades [deberían|deben] [diseñar|crear] {a} donde {b} puedan [encontrarse|reunirse],
  [gratis|sin pagar] y cerca de casa.
es: Desde {past}, {n} nuevos espacios ({a}) en nuestros barrios [devolvieron|han devuelto] a {b} a
  la vida [pública|del barrio].
[then]
en a: Moreover,; In practice,; Above all,; Concretely,; We would add that; In short,; Also,
fr a: De plus,; Concrètement,; Surtout,; Nous ajoutons que; En bref,; Par ailleurs,; Aussi,
es a: Además,; En la práctica,; Sobre todo,; Añadimos que; En resumen,; Por otra parte,; También,
[open]
en: Thank you for the opportunity to comment.
en: Our organisation discussed this paragraph with its {n} members.
en: We broadly welcome the draft.
en: This is a key issue for us.
fr: Merci pour cette consultation.
fr: Notre organisation a discuté ce paragraphe avec ses {n} membres.
fr: Nous saluons globalement le projet.
fr: C'est un sujet essentiel pour nous.
es: Gracias por esta consulta.
es: Nuestra organización debatió este párrafo con sus {n} miembros.
es: Acogemos en general el borrador.
es: Es un tema clave para nosotros.
[close]
en: We remain available for further exchanges.
en: We hope the Council will take this into account.
en: This should be reflected in the final text.
fr: Nous restons disponibles pour en discuter.
fr: Nous espérons que le Conseil en tiendra compte.
fr: Cela devrait figurer dans le texte final.
es: Quedamos a disposición para seguir conversando.
es: Esperamos que el Consejo lo tenga en cuenta.
es: Esto debería reflejarse en el texto final.
[draft]
en: Local and regional governments should guarantee decent work and training opportunities for young
  people, in partnership with employers and schools.
fr: Les gouvernements locaux et régionaux devraient garantir un travail décent et des possibilités
  de formation pour les jeunes, en partenariat avec les employeurs et les écoles.
es: Los gobiernos locales y regionales deberían garantizar trabajo decente y oportunidades de
  formación para los jóvenes, en alianza con empleadores y escuelas.
en: Cities should ensure that every resident can access affordable connectivity and the digital
  skills needed to use public services.
fr: Les villes devraient veiller à ce que chaque habitant ait accès à une connexion abordable et aux
  compétences numériques nécessaires aux services publics.
es: Las ciudades deberían asegurar que cada habitante acceda a una conectividad asequible y a las
  competencias digitales necesarias para los servicios públicos.
en: Culture should be recognised as the fourth pillar of sustainable development and funded as an
  essential public service.
fr: La culture devrait être reconnue comme le quatrième pilier du développement durable et financée
  comme un service public essentiel.
es: La cultura debería reconocerse como el cuarto pilar del desarrollo sostenible y financiarse como
  un servicio público esencial.
en: National governments should share the responsibility of welcoming migrants and refugees with the
  cities where they actually arrive.
fr: Les gouvernements nationaux devraient partager la responsabilité de l'accueil des migrants et
  des
  réfugiés avec les villes où ils arrivent réellement.
es: Los gobiernos nacionales deberían compartir la responsabilidad de acoger a migrantes y
  refugiados
  con las ciudades adonde realmente llegan.
[campaign]
en: As members of the Culture Counts coalition, we call on the Council to ring-fence at least
  two per cent of local budgets for culture. In {city}, libraries and community arts centres are
  closing one after another. Culture is not a luxury: it is a right and a public service that
  every city must guarantee to its residents.
[campaign extra]
en: Our members signed this appeal unanimously.
en: We also ask for a dedicated line in the next city budget.
en: Artists cannot wait for another decade of cuts.
[amend A]
en: in intermediary cities and rural areas
en: , including in intermediary cities and rural areas
en: , in particular in small towns and rural areas
[amend B]
en: Local and regional governments must be consulted at every stage.
en: Local and regional governments shall be consulted at each stage.
en: Local and regional governments must be involved at every stage.
[amend C]
en: must
en: shall
en: must always
"""
AMENDMENT_WEIGHTS = {"A": 0.5, "B": 0.3, "C": 0.2}


@dataclass(frozen=True)
class Organisation:
    name: str
    kind: str
    region: str
    language: str
    city: str


@dataclass(frozen=True)
class Paragraph:
    number: str
    text: dict[str, str]
    plan: str  # which STANCE_PLANS drew its stances: the truth the ranking is checked against


@dataclass(frozen=True)
class Item:
    feedback_id: int
    organisation: str
    paragraph: str
    stance: str
    comment: str
    amendment: str
    language: str
    theme: int  # index into THEMES
    campaign: bool
    amendment_group: str | None  # "A", "B" or "C" for a planted edit, else None


@dataclass
class Corpus:
    organisations: list[Organisation]
    paragraphs: list[Paragraph]
    items: list[Item]
    campaign_text: str
    themes: tuple[str, ...] = field(default=THEMES)


@lru_cache(maxsize=1)
def _data() -> dict[str, dict[str, list[str]]]:
    """DATA parsed into {section: {"en": [...], "en a": [...], ...}} (continuations joined)."""
    lines: list[str] = []
    for raw in DATA.strip().splitlines():
        if raw.startswith("  "):
            lines[-1] += ("" if lines[-1].endswith("|") else " ") + raw.strip()
        else:
            lines.append(raw)
    parsed: dict[str, dict[str, list[str]]] = {}
    section = ""
    for line in lines:
        if line.startswith("["):
            section = line.strip("[]")
            parsed[section] = {}
            continue
        key, _, text = line.partition(":")
        text = text.strip()
        if " " in key:  # a slot pool
            parsed[section][key] = [w.strip() for w in text.split(";")]
        else:
            parsed[section].setdefault(key, []).append(text)
    return parsed


@lru_cache(maxsize=1)
def _cities() -> list[str]:
    return CITIES.split()


def _slots(rng: random.Random, pools: dict[str, list[str]], language: str) -> dict[str, object]:
    return {
        "city": rng.choice(_cities()),
        "n": rng.randint(2, 60),
        "pct": rng.randint(8, 45),
        "year": rng.randint(2026, 2035),
        "past": rng.randint(2012, 2025),
        "a": _pick(rng, pools.get(f"{language} a", [""]), language),
        "b": _pick(rng, pools.get(f"{language} b", [""]), language),
    }


def _pick(rng: random.Random, pool: list[str], language: str) -> str:
    """One item of a pool, or two joined by "and": people list what matters to them."""
    if rng.random() < 0.6:
        return rng.choice(pool)
    first, second = rng.sample(pool, 2)
    return f"{first} {AND[language]} {second}"


def _vary(rng: random.Random, template: str) -> str:
    """Each [x|y|z] in a template replaced by one of its wordings."""
    return _ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def _comment(rng: random.Random, theme: str, language: str, quote: str | None) -> str:
    data = _data()
    pools = data[theme]
    templates = rng.sample(pools[language], 3 if rng.random() < 0.3 else 2)
    # Each sentence draws its own slots, so one comment mentions several places and figures.
    sentences = []
    for i, template in enumerate(templates):
        sentence = _vary(rng, template).format(**_slots(rng, pools, language))
        if i and rng.random() < 0.5 and not template.startswith("{"):
            connective = rng.choice(data["then"][f"{language} a"])
            sentence = f"{connective} {sentence[0].lower()}{sentence[1:]}"
        sentences.append(sentence)
    if rng.random() < STRAY_SHARE:  # a passing remark on another theme blurs the boundaries
        other = rng.choice([t for t in THEMES if t != theme])
        stray = _vary(rng, rng.choice(data[other][language]))
        sentences.insert(
            rng.randrange(len(sentences) + 1), stray.format(**_slots(rng, data[other], language))
        )
    if rng.random() < 0.4:
        sentences.insert(0, rng.choice(data["open"][language]).format(n=rng.randint(5, 90)))
    if rng.random() < 0.4:
        sentences.append(rng.choice(data["close"][language]))
    text = " ".join(sentences)
    return QUOTE_FRAME[language].format(q=quote) + text if quote else text


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    i = rng.choice(long_words)
    w, j = words[i], rng.randrange(1, len(words[i]) - 1)
    dropped, doubled, swapped = (
        w[:j] + w[j + 1 :],
        w[:j] + w[j:],
        w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :],
    )
    words[i] = rng.choice([dropped, doubled, swapped])
    return " ".join(words)


def _campaign_copy(rng: random.Random, city: str) -> str:
    data = _data()
    text = data["campaign"]["en"][0].format(city=city)
    if rng.random() < 0.4:
        extra = rng.choice(data["campaign extra"]["en"])
        sentences = text.split(". ")
        sentences.insert(rng.randrange(1, len(sentences) + 1), extra.rstrip("."))
        text = ". ".join(s.rstrip(".") for s in sentences) + "."
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        text = _typo(rng, text)
    return text


def _amendment(rng: random.Random, original: str) -> tuple[str, str]:
    group = rng.choices(list(AMENDMENT_WEIGHTS), weights=list(AMENDMENT_WEIGHTS.values()))[0]
    variant = rng.choice(_data()[f"amend {group}"]["en"])
    if group == "A":
        joint = "" if variant.startswith(",") else " "
        return group, original.rstrip(".") + joint + variant + "."
    if group == "B":
        return group, f"{original} {variant}"
    return group, original.replace("should", variant, 1)


def _organisations(rng: random.Random, count: int) -> list[Organisation]:
    languages = rng.choices(LANGUAGES, weights=(0.5, 0.25, 0.25), k=count)
    return [
        Organisation(
            name=f"{rng.choice(KINDS)} {city} {i + 1}",
            kind=rng.choice(KINDS),
            region=rng.choice(REGIONS),
            language=languages[i],
            city=city,
        )
        for i, city in enumerate(rng.choice(_cities()) for _ in range(count))
    ]


def generate(n_items: int, seed: int = 0, organisations: int = 300) -> Corpus:
    """A corpus of `n_items` paragraph feedbacks from `organisations` organisations."""
    rng = random.Random(seed)
    orgs = _organisations(rng, organisations)
    drafts = _data()["draft"]
    n_paragraphs = max(8, round(n_items / (organisations / 2)))
    plans = list(STANCE_PLANS)
    paragraphs = [
        Paragraph(str(p + 1), {lang: drafts[lang][p % len(drafts[lang])] for lang in LANGUAGES},
                  plans[p % len(plans)])
        for p in range(n_paragraphs)
    ]  # fmt: skip
    campaigners = set(rng.sample(range(organisations), round(CAMPAIGN_SHARE * organisations) or 2))
    targets = set(rng.sample(range(n_paragraphs), round(CAMPAIGN_PARAGRAPHS * n_paragraphs) or 1))
    pairs = sorted(rng.sample(range(organisations * n_paragraphs), n_items))
    items = []
    for feedback_id, pair in enumerate(pairs, start=1):
        o, p = divmod(pair, n_paragraphs)
        org, paragraph = orgs[o], paragraphs[p]
        stance = rng.choices(STANCES, weights=STANCE_PLANS[paragraph.plan])[0]
        group, amendment = None, ""
        if stance == "amend" and rng.random() < 0.85:
            group, amendment = _amendment(rng, paragraph.text["en"])
        if o in campaigners and p in targets:
            language, theme, campaign = "en", THEMES.index("culture"), True
            comment = _campaign_copy(rng, rng.choice(_cities()))
        else:
            language = org.language if rng.random() < 0.85 else rng.choice(LANGUAGES)
            theme = rng.choices(range(len(THEMES)), weights=THEME_WEIGHTS)[0]
            quote = None
            if rng.random() < QUOTE_SHARE:
                words = paragraph.text[language].split()
                quote = " ".join(words[: rng.randint(8, min(16, len(words)))])
            comment, campaign = _comment(rng, THEMES[theme], language, quote), False
        items.append(Item(feedback_id, org.name, paragraph.number, stance, comment, amendment,
                          language, theme, campaign, group))  # fmt: skip
    campaign_text = _data()["campaign"]["en"][0]
    return Corpus(orgs, paragraphs, items, campaign_text)


# -- What the quality benchmarks share about a planted corpus ------------------------------


def drafts(corpus: Corpus) -> list[str]:
    return sorted({text for p in corpus.paragraphs for text in p.text.values()})


def campaign_groups(corpus: Corpus) -> list[duplicates.DuplicateGroup]:
    items = [(i, item.organisation, item.comment) for i, item in enumerate(corpus.items)]
    return duplicates.find_duplicates(items, quoted_from_draft=drafts(corpus))


def copies_of(groups: list[duplicates.DuplicateGroup]) -> dict[int, int]:
    """duplicate_of for find_themes: every copy points at the first of its group."""
    return {other: g.feedback_ids[0] for g in groups for other in g.feedback_ids[1:]}
