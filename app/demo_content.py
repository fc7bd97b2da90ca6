"""Demo organisations and the demo consultation loaded by `flask seed-demo`."""

DEMO_ORGANISATIONS = [
    {"name": "UNICEF", "kind": "un_agency", "region": "north_america", "country": "US"},
    {"name": "FAO", "kind": "un_agency", "region": "europe", "country": "IT"},
    {
        "name": "Right to the City Platform",
        "kind": "town_hall_partner",
        "region": "latin_america",
        "country": "BR",
    },
    {
        "name": "Cities Coalition for Digital Rights",
        "kind": "town_hall_partner",
        "region": "europe",
        "country": "ES",
    },
    {"name": "Open Society Foundations", "kind": "ngo", "region": "north_america", "country": "US"},
    {"name": "ACCORD", "kind": "ngo", "region": "africa", "country": "ZA"},
    {
        "name": "Sahel Municipal Alliance",
        "kind": "lrg_network",
        "region": "africa",
        "country": "SN",
    },
    {
        "name": "Pacific Association of Coastal Municipalities",
        "kind": "lrg_network",
        "region": "asia_pacific",
        "country": "FJ",
    },
    {
        "name": "Institute for Inclusive Urbanism",
        "kind": "academic",
        "region": "asia_pacific",
        "country": "IN",
    },
    {
        "name": "Centro de Estudios Urbanos del Cono Sur",
        "kind": "academic",
        "region": "latin_america",
        "country": "AR",
    },
    {
        "name": "Eurasian Network of Local Self-Government",
        "kind": "lrg_network",
        "region": "eurasia",
        "country": "KZ",
    },
    {
        "name": "West Asia Cities Forum for Dialogue",
        "kind": "lrg_network",
        "region": "middle_east_west_asia",
        "country": "JO",
    },
    {
        "name": "Neighbourhood Culture Collective",
        "kind": "other",
        "region": "middle_east_west_asia",
        "country": "LB",
    },
    {"name": "Civic Data Cooperative", "kind": "other", "region": "north_america", "country": "CA"},
]

DEMO_CONSULTATION = {
    "slug": "pact-for-the-future-opportunities",
    "original_language": "en",
    "council": "Policy Council on Opportunities for All, Culture and City Diplomacy",
    "title": {
        "en": "Opportunities for All, Culture and City Diplomacy: Local Foundations for the Pact "
        "for the Future",
        "fr": "Opportunités pour toutes et tous, culture et diplomatie des villes : des bases "
        "locales pour le Pacte pour l’avenir",
        "es": "Oportunidades para todas y todos, cultura y diplomacia de las ciudades: bases "
        "locales para el Pacto para el Futuro",
    },
    "summary": {
        "en": "This draft sets out the commitments that the Policy Council proposes to bring into "
        "the Pact for the Future, from rebuilding trust in local institutions to recognising "
        "culture as the fourth pillar of sustainable development. It covers decent work and the "
        "digital divide, city diplomacy and peace, and the role of global commons and care "
        "systems in reducing inequality. Partners are invited to say which paragraphs they "
        "support, would amend or oppose, and what is missing.",
        "fr": "Ce projet présente les engagements que le Conseil politique propose d’inscrire dans "
        "le Pacte pour l’avenir, du rétablissement de la confiance envers les institutions "
        "locales à la reconnaissance de la culture comme quatrième pilier du développement "
        "durable. Il aborde le travail décent et la fracture numérique, la diplomatie des villes "
        "et la paix, ainsi que le rôle des biens communs mondiaux et des systèmes de soins dans "
        "la réduction des inégalités. Les partenaires sont invités à indiquer les paragraphes "
        "qu’ils soutiennent, souhaitent amender ou rejettent, et ce qui y manque.",
        "es": "Este borrador recoge los compromisos que el Consejo Político propone incorporar al "
        "Pacto para el Futuro, desde la recuperación de la confianza en las instituciones "
        "locales hasta el reconocimiento de la cultura como cuarto pilar del desarrollo "
        "sostenible. Aborda el trabajo decente y la brecha digital, la diplomacia de las "
        "ciudades y la paz, así como el papel de los bienes comunes globales y de los sistemas "
        "de cuidados en la reducción de las desigualdades. Se invita a las organizaciones "
        "asociadas a indicar qué párrafos apoyan, enmendarían o rechazan, y qué echan en falta.",
    },
    "sections": [
        {
            "heading": {
                "en": "Inclusive governance and trust",
                "fr": "Gouvernance inclusive et confiance",
                "es": "Gobernanza inclusiva y confianza",
            },
            "intro": {
                "en": "The Policy Council submits this draft to partners and local governments for "
                "comment before it is finalised as a contribution to the Pact for the Future. Each "
                "numbered paragraph can be supported, amended or opposed.",
                "fr": "Le Conseil politique soumet ce projet aux partenaires et aux gouvernements "
                "locaux pour commentaires avant sa finalisation en tant que contribution au Pacte "
                "pour l’avenir. Chaque paragraphe numéroté peut être soutenu, amendé ou rejeté.",
                "es": "El Consejo Político somete este borrador a las organizaciones asociadas y a "
                "los gobiernos locales para que lo comenten antes de su versión final como "
                "contribución al Pacto para el Futuro. Cada párrafo numerado puede apoyarse, "
                "enmendarse o rechazarse.",
            },
            "paragraphs": [
                {
                    "number": "1",
                    "text": {
                        "en": "Local and regional governments are the sphere of government closest "
                        "to people's daily lives, and therefore the natural starting point for "
                        "making governance more inclusive. The Pact for the Future should recognise "
                        "that global agendas will only be achieved if communities take part in "
                        "shaping the decisions that affect them, not merely in implementing them.",
                        "fr": "Les gouvernements locaux et régionaux constituent la sphère de "
                        "gouvernement la plus proche du quotidien des habitant·e·s et, à ce titre, "
                        "le point de départ naturel d’une gouvernance plus inclusive. Le Pacte pour "
                        "l’avenir doit reconnaître que les agendas mondiaux ne seront atteints que "
                        "si les communautés participent à l’élaboration des décisions qui les "
                        "concernent, et pas seulement à leur mise en œuvre.",
                        "es": "Los gobiernos locales y regionales son la esfera de gobierno más "
                        "cercana a la vida cotidiana de las personas y, por ello, el punto de "
                        "partida natural para hacer la gobernanza más inclusiva. El Pacto para el "
                        "Futuro debe reconocer que las agendas globales solo se cumplirán si las "
                        "comunidades participan en la elaboración de las decisiones que les "
                        "afectan, y no únicamente en su aplicación.",
                    },
                },
                {
                    "number": "2",
                    "text": {
                        "en": "Trust between residents, institutions and communities has eroded in "
                        "many places, particularly since the pandemic. The Council proposes that "
                        "local governments commit to open budgets, published decision records and "
                        "accessible complaint mechanisms, and that national governments support "
                        "these efforts with stable legal frameworks rather than ad hoc programmes.",
                        "fr": "La confiance entre les habitant·e·s, les institutions et les "
                        "communautés s’est érodée dans de nombreux territoires, en particulier "
                        "depuis la pandémie. Le Conseil propose que les gouvernements locaux "
                        "s’engagent en faveur de budgets ouverts, de la publication de leurs "
                        "décisions et de mécanismes de réclamation accessibles, et que les "
                        "gouvernements nationaux soutiennent ces efforts par des cadres juridiques "
                        "stables plutôt que par des programmes ponctuels.",
                        "es": "La confianza entre la población, las instituciones y las "
                        "comunidades se ha deteriorado en muchos lugares, especialmente desde la "
                        "pandemia. El Consejo propone que los gobiernos locales se comprometan con "
                        "presupuestos abiertos, la publicación de sus decisiones y mecanismos de "
                        "reclamación accesibles, y que los gobiernos nacionales respalden estos "
                        "esfuerzos con marcos jurídicos estables en lugar de programas puntuales.",
                    },
                },
                {
                    "number": "3",
                    "text": {
                        "en": "Relations between spheres of government should rest on subsidiarity, "
                        "proportionality and genuine co-governance. Responsibilities transferred to "
                        "cities and regions must come with the resources and fiscal autonomy needed "
                        "to carry them out; otherwise decentralisation risks transferring burdens "
                        "rather than power.",
                        "fr": "Les relations entre les sphères de gouvernement doivent reposer sur "
                        "la subsidiarité, la proportionnalité et une véritable co-gouvernance. Les "
                        "compétences transférées aux villes et aux régions doivent s’accompagner "
                        "des ressources et de l’autonomie fiscale nécessaires à leur exercice ; à "
                        "défaut, la décentralisation risque de transférer des charges plutôt que "
                        "du pouvoir.",
                        "es": "Las relaciones entre las esferas de gobierno deben basarse en la "
                        "subsidiariedad, la proporcionalidad y una auténtica cogobernanza. Las "
                        "competencias transferidas a las ciudades y regiones deben ir acompañadas "
                        "de los recursos y la autonomía fiscal necesarios para ejercerlas; de lo "
                        "contrario, la descentralización corre el riesgo de transferir cargas en "
                        "lugar de poder.",
                    },
                },
                {
                    "number": "4",
                    "text": {
                        "en": "Social movements and civil society organisations are increasingly "
                        "demanding a say in how cities are run. The Council invites local "
                        "governments to institutionalise participatory mechanisms, such as "
                        "citizens' assemblies, neighbourhood councils and participatory budgeting, "
                        "and to report publicly on how the proposals they receive are taken into "
                        "account.",
                        "fr": "Les mouvements sociaux et les organisations de la société civile "
                        "réclament de plus en plus voix au chapitre dans la conduite des villes. Le "
                        "Conseil invite les gouvernements locaux à institutionnaliser des "
                        "mécanismes participatifs, tels que les assemblées citoyennes, les conseils "
                        "de quartier ou les budgets participatifs, et à rendre compte publiquement "
                        "de la manière dont les propositions reçues sont prises en considération.",
                        "es": "Los movimientos sociales y las organizaciones de la sociedad civil "
                        "reclaman cada vez más voz en la gestión de las ciudades. El Consejo invita "
                        "a los gobiernos locales a institucionalizar mecanismos participativos, "
                        "como las asambleas ciudadanas, los consejos de barrio o los presupuestos "
                        "participativos, y a rendir cuentas públicamente sobre cómo se tienen en "
                        "cuenta las propuestas recibidas.",
                    },
                },
            ],
        },
        {
            "heading": {
                "en": "Decent work and equal opportunities",
                "fr": "Travail décent et égalité des chances",
                "es": "Trabajo decente e igualdad de oportunidades",
            },
            "intro": {},
            "paragraphs": [
                {
                    "number": "5",
                    "text": {
                        "en": "Guaranteeing decent work for all remains central to any credible "
                        "promise of equal opportunities. Local governments can act as employers, "
                        "buyers and conveners: they should apply fair labour standards in their own "
                        "services and procurement, and work with trade unions, employers and the "
                        "social and solidarity economy to create quality local jobs.",
                        "fr": "Garantir un travail décent pour toutes et tous demeure au cœur de "
                        "toute promesse crédible d’égalité des chances. Les gouvernements locaux "
                        "peuvent agir en tant qu’employeurs, acheteurs et fédérateurs : ils "
                        "devraient appliquer des normes de travail équitables dans leurs propres "
                        "services et marchés publics, et collaborer avec les syndicats, les "
                        "employeurs et l’économie sociale et solidaire pour créer des emplois "
                        "locaux de qualité.",
                        "es": "Garantizar un trabajo decente para todas y todos sigue siendo "
                        "esencial para cualquier promesa creíble de igualdad de oportunidades. Los "
                        "gobiernos locales pueden actuar como empleadores, compradores y "
                        "convocantes: deberían aplicar normas laborales justas en sus propios "
                        "servicios y en la contratación pública, y colaborar con los sindicatos, el "
                        "empresariado y la economía social y solidaria para crear empleo local de "
                        "calidad.",
                    },
                },
                {
                    "number": "6",
                    "text": {
                        "en": "Automation and the technological transition are reshaping labour "
                        "markets faster than training systems can adapt. The Council calls for "
                        "local skills strategies that anticipate these changes and ensure that "
                        "productivity gains from innovation are shared with the communities that "
                        "generate them, including through support for workers whose jobs are "
                        "displaced.",
                        "fr": "L’automatisation et la transition technologique transforment les "
                        "marchés du travail plus vite que les systèmes de formation ne parviennent "
                        "à s’adapter. Le Conseil appelle à des stratégies locales de compétences "
                        "qui anticipent ces évolutions et garantissent que les gains de "
                        "productivité issus de l’innovation soient partagés avec les communautés "
                        "qui les génèrent, notamment en accompagnant les travailleuses et "
                        "travailleurs dont l’emploi disparaît.",
                        "es": "La automatización y la transición tecnológica están transformando "
                        "los mercados laborales más rápido de lo que los sistemas de formación "
                        "logran adaptarse. El Consejo pide estrategias locales de competencias que "
                        "anticipen estos cambios y garanticen que las ganancias de productividad "
                        "derivadas de la innovación se compartan con las comunidades que las "
                        "generan, en particular mediante el apoyo a las personas trabajadoras "
                        "cuyos empleos desaparecen.",
                    },
                },
                {
                    "number": "7",
                    "text": {
                        "en": "The digital divide has become a divide in rights. Access to "
                        "connectivity, devices and digital skills should be treated as a condition "
                        "for equal opportunities, and public digital services must remain "
                        "accessible to those who cannot or do not wish to use them online. Cities "
                        "should also protect residents' data and privacy in line with digital "
                        "rights principles.",
                        "fr": "La fracture numérique est devenue une fracture en matière de droits. "
                        "L’accès à la connectivité, aux équipements et aux compétences numériques "
                        "doit être considéré comme une condition de l’égalité des chances, et les "
                        "services publics numériques doivent rester accessibles à celles et ceux "
                        "qui ne peuvent ou ne souhaitent pas les utiliser en ligne. Les villes "
                        "doivent également protéger les données et la vie privée de leurs "
                        "habitant·e·s, conformément aux principes des droits numériques.",
                        "es": "La brecha digital se ha convertido en una brecha de derechos. El "
                        "acceso a la conectividad, a los dispositivos y a las competencias "
                        "digitales debe considerarse una condición para la igualdad de "
                        "oportunidades, y los servicios públicos digitales deben seguir siendo "
                        "accesibles para quienes no pueden o no desean utilizarlos en línea. Las "
                        "ciudades también deben proteger los datos y la privacidad de sus "
                        "habitantes, de acuerdo con los principios de los derechos digitales.",
                    },
                },
                {
                    "number": "8",
                    "text": {
                        "en": "Demographic change, depopulation and unequal access to services call "
                        "for a territorial approach that treats rural and urban areas as "
                        "interdependent rather than competing. Intermediary cities, in particular, "
                        "play a key role in linking rural communities to services, markets and "
                        "employment, and deserve specific attention in national and international "
                        "policies.",
                        "fr": "Les évolutions démographiques, le dépeuplement et l’inégal accès aux "
                        "services appellent une approche territoriale qui considère les espaces "
                        "ruraux et urbains comme interdépendants plutôt que concurrents. Les villes "
                        "intermédiaires, en particulier, jouent un rôle clé pour relier les "
                        "communautés rurales aux services, aux marchés et à l’emploi, et méritent "
                        "une attention spécifique dans les politiques nationales et "
                        "internationales.",
                        "es": "El cambio demográfico, la despoblación y el acceso desigual a los "
                        "servicios exigen un enfoque territorial que considere las zonas rurales y "
                        "urbanas como interdependientes y no como rivales. Las ciudades "
                        "intermedias, en particular, desempeñan un papel clave al conectar a las "
                        "comunidades rurales con los servicios, los mercados y el empleo, y merecen "
                        "una atención específica en las políticas nacionales e internacionales.",
                    },
                },
                {
                    "number": "9",
                    "text": {
                        "en": "Inequality is measured not only in income but also in time. Long "
                        "commutes, unpaid care work and precarious schedules leave many people, "
                        "disproportionately women, with little time for rest, learning or civic "
                        "life. The Council proposes that the Pact recognise time poverty as a "
                        "dimension of inequality and encourage local time policies that address "
                        "it.",
                        "fr": "Les inégalités ne se mesurent pas seulement en revenus, mais aussi "
                        "en temps. Les longs trajets, le travail de soin non rémunéré et les "
                        "horaires précaires laissent à de nombreuses personnes, et de façon "
                        "disproportionnée aux femmes, peu de temps pour le repos, l’apprentissage "
                        "ou la vie citoyenne. Le Conseil propose que le Pacte reconnaisse la "
                        "pauvreté en temps comme une dimension des inégalités et encourage des "
                        "politiques temporelles locales pour y remédier.",
                        "es": "La desigualdad no se mide solo en ingresos, sino también en tiempo. "
                        "Los largos desplazamientos, el trabajo de cuidados no remunerado y los "
                        "horarios precarios dejan a muchas personas, y de forma desproporcionada a "
                        "las mujeres, con poco tiempo para el descanso, el aprendizaje o la vida "
                        "cívica. El Consejo propone que el Pacto reconozca la pobreza de tiempo "
                        "como una dimensión de la desigualdad y promueva políticas locales de usos "
                        "del tiempo para abordarla.",
                    },
                },
            ],
        },
        {
            "heading": {
                "en": "Culture as the fourth pillar",
                "fr": "La culture, quatrième pilier",
                "es": "La cultura, cuarto pilar",
            },
            "intro": {},
            "paragraphs": [
                {
                    "number": "10",
                    "text": {
                        "en": "Culture is a pillar of sustainable development in its own right, "
                        "alongside the economic, social and environmental dimensions. The Pact for "
                        "the Future should explicitly recognise cultural rights, including the "
                        "right to take part in cultural life, to access heritage and to express "
                        "one's identity, as an integral part of the human rights agenda of local "
                        "governments.",
                        "fr": "La culture est un pilier à part entière du développement durable, "
                        "aux côtés de ses dimensions économique, sociale et environnementale. Le "
                        "Pacte pour l’avenir doit reconnaître explicitement les droits culturels, "
                        "notamment le droit de participer à la vie culturelle, d’accéder au "
                        "patrimoine et d’exprimer son identité, comme partie intégrante de "
                        "l’agenda des gouvernements locaux en matière de droits humains.",
                        "es": "La cultura es un pilar del desarrollo sostenible por derecho propio, "
                        "junto a las dimensiones económica, social y ambiental. El Pacto para el "
                        "Futuro debe reconocer explícitamente los derechos culturales, incluido el "
                        "derecho a participar en la vida cultural, a acceder al patrimonio y a "
                        "expresar la propia identidad, como parte integral de la agenda de "
                        "derechos humanos de los gobiernos locales.",
                    },
                },
                {
                    "number": "11",
                    "text": {
                        "en": "Local cultural policies should guarantee that every resident can "
                        "access, create and share culture, regardless of income, origin or "
                        "neighbourhood. This requires sustained public funding for libraries, "
                        "community centres and local cultural initiatives, and the involvement of "
                        "cultural actors in urban planning from the outset.",
                        "fr": "Les politiques culturelles locales doivent garantir à chaque "
                        "habitant·e la possibilité d’accéder à la culture, de créer et de "
                        "partager, quels que soient ses revenus, son origine ou son quartier. Cela "
                        "suppose un financement public pérenne des bibliothèques, des maisons de "
                        "quartier et des initiatives culturelles locales, ainsi que l’association "
                        "des acteurs culturels à l’urbanisme dès l’amont des projets.",
                        "es": "Las políticas culturales locales deben garantizar que toda persona "
                        "residente pueda acceder a la cultura, crear y compartir, con independencia "
                        "de sus ingresos, su origen o su barrio. Esto requiere una financiación "
                        "pública sostenida para bibliotecas, centros comunitarios e iniciativas "
                        "culturales locales, así como la participación de los agentes culturales "
                        "en la planificación urbana desde el principio.",
                    },
                },
                {
                    "number": "12",
                    "text": {
                        "en": "Culture is also a way of living in harmony with nature. The Council "
                        "encourages cities to draw on local knowledge, heritage and creative "
                        "practices to support the ecological transition, and to explore circular "
                        "approaches to culture that value reuse, shared resources and long-term "
                        "stewardship.",
                        "fr": "La culture est aussi une manière de vivre en harmonie avec la "
                        "nature. Le Conseil encourage les villes à s’appuyer sur les savoirs "
                        "locaux, le patrimoine et les pratiques créatives pour accompagner la "
                        "transition écologique, et à explorer des approches circulaires de la "
                        "culture qui valorisent le réemploi, la mutualisation des ressources et "
                        "une gestion responsable sur le long terme.",
                        "es": "La cultura es también una forma de vivir en armonía con la "
                        "naturaleza. El Consejo anima a las ciudades a apoyarse en los saberes "
                        "locales, el patrimonio y las prácticas creativas para acompañar la "
                        "transición ecológica, y a explorar enfoques circulares de la cultura que "
                        "valoren la reutilización, los recursos compartidos y una gestión "
                        "responsable a largo plazo.",
                    },
                },
            ],
        },
        {
            "heading": {
                "en": "City diplomacy and peace",
                "fr": "Diplomatie des villes et paix",
                "es": "Diplomacia de las ciudades y paz",
            },
            "intro": {},
            "paragraphs": [
                {
                    "number": "13",
                    "text": {
                        "en": "City diplomacy, based on dialogue between peoples and between "
                        "spheres of government, is a vital tool for preventing conflict and "
                        "building lasting peace. The Council proposes that the Pact recognise the "
                        "role of local and regional governments in peacebuilding and decentralised "
                        "cooperation, and strengthen international solidarity mechanisms between "
                        "cities in times of crisis.",
                        "fr": "La diplomatie des villes, fondée sur le dialogue entre les peuples "
                        "et entre les sphères de gouvernement, est un outil essentiel pour prévenir "
                        "les conflits et construire une paix durable. Le Conseil propose que le "
                        "Pacte reconnaisse le rôle des gouvernements locaux et régionaux dans la "
                        "consolidation de la paix et la coopération décentralisée, et renforce les "
                        "mécanismes de solidarité internationale entre villes en temps de crise.",
                        "es": "La diplomacia de las ciudades, basada en el diálogo entre los "
                        "pueblos y entre las esferas de gobierno, es una herramienta fundamental "
                        "para prevenir conflictos y construir una paz duradera. El Consejo propone "
                        "que el Pacto reconozca el papel de los gobiernos locales y regionales en "
                        "la construcción de paz y la cooperación descentralizada, y refuerce los "
                        "mecanismos de solidaridad internacional entre ciudades en tiempos de "
                        "crisis.",
                    },
                },
                {
                    "number": "14",
                    "text": {
                        "en": "Peace cannot be separated from equality, climate risk and disaster "
                        "preparedness. Intergenerational dialogue should be placed at the heart of "
                        "local peace strategies, so that young and older residents jointly shape "
                        "responses to urban violence, infrastructure gaps and the growing impact "
                        "of climate change on community cohesion.",
                        "fr": "La paix est indissociable de l’égalité, des risques climatiques et "
                        "de la préparation aux catastrophes. Le dialogue intergénérationnel doit "
                        "être placé au cœur des stratégies locales de paix, afin que jeunes et "
                        "aîné·e·s définissent ensemble les réponses à la violence urbaine, aux "
                        "carences en infrastructures et aux effets croissants du changement "
                        "climatique sur la cohésion des communautés.",
                        "es": "La paz no puede separarse de la igualdad, el riesgo climático y la "
                        "preparación ante desastres. El diálogo intergeneracional debe situarse en "
                        "el centro de las estrategias locales de paz, para que jóvenes y personas "
                        "mayores definan conjuntamente las respuestas a la violencia urbana, a las "
                        "carencias de infraestructura y a los crecientes efectos del cambio "
                        "climático sobre la cohesión comunitaria.",
                    },
                },
                {
                    "number": "15",
                    "text": {
                        "en": "Local and regional governments are on the front line of welcoming "
                        "and integrating migrants and refugees. The Council calls on national "
                        "governments and international organisations to involve cities directly in "
                        "migration governance and to provide them with adequate resources, and "
                        "stresses that protracted humanitarian crises must not disappear from the "
                        "international agenda.",
                        "fr": "Les gouvernements locaux et régionaux sont en première ligne pour "
                        "accueillir et intégrer les personnes migrantes et réfugiées. Le Conseil "
                        "appelle les gouvernements nationaux et les organisations internationales "
                        "à associer directement les villes à la gouvernance des migrations et à "
                        "leur allouer des ressources adéquates, et souligne que les crises "
                        "humanitaires prolongées ne doivent pas disparaître de l’agenda "
                        "international.",
                        "es": "Los gobiernos locales y regionales están en primera línea en la "
                        "acogida e integración de personas migrantes y refugiadas. El Consejo insta "
                        "a los gobiernos nacionales y a los organismos internacionales a involucrar "
                        "directamente a las ciudades en la gobernanza de las migraciones y a "
                        "dotarlas de recursos adecuados, y subraya que las crisis humanitarias "
                        "prolongadas no deben desaparecer de la agenda internacional.",
                    },
                },
            ],
        },
        {
            "heading": {
                "en": "Global commons and care",
                "fr": "Biens communs mondiaux et soins",
                "es": "Bienes comunes globales y cuidados",
            },
            "intro": {},
            "paragraphs": [
                {
                    "number": "16",
                    "text": {
                        "en": "Global commons such as water, food systems, public space, knowledge "
                        "and a stable climate are cornerstones of equality. The Council proposes "
                        "that the Pact commit local governments to protecting and co-managing "
                        "these commons with their communities, and to resisting their "
                        "privatisation where it would undermine universal access.",
                        "fr": "Les biens communs mondiaux, tels que l’eau, les systèmes "
                        "alimentaires, l’espace public, la connaissance et un climat stable, sont "
                        "les pierres angulaires de l’égalité. Le Conseil propose que le Pacte "
                        "engage les gouvernements locaux à protéger et à cogérer ces biens communs "
                        "avec leurs communautés, et à s’opposer à leur privatisation lorsqu’elle "
                        "compromettrait l’accès universel.",
                        "es": "Los bienes comunes globales, como el agua, los sistemas "
                        "alimentarios, el espacio público, el conocimiento y un clima estable, son "
                        "piedras angulares de la igualdad. El Consejo propone que el Pacto "
                        "comprometa a los gobiernos locales a proteger y cogestionar estos bienes "
                        "comunes junto con sus comunidades, y a oponerse a su privatización cuando "
                        "esta ponga en riesgo el acceso universal.",
                    },
                },
                {
                    "number": "17",
                    "text": {
                        "en": "Care systems, serving children, older persons, people with "
                        "disabilities and those who care for them, should be recognised as "
                        "essential public infrastructure. The Council invites local governments to "
                        "build integrated care systems with their partners, to value and "
                        "redistribute care work, and to make care a shared responsibility of "
                        "public authorities, communities and households.",
                        "fr": "Les systèmes de soins, qui s’adressent aux enfants, aux personnes "
                        "âgées, aux personnes en situation de handicap et à celles et ceux qui en "
                        "prennent soin, doivent être reconnus comme une infrastructure publique "
                        "essentielle. Le Conseil invite les gouvernements locaux à bâtir, avec "
                        "leurs partenaires, des systèmes de soins intégrés, à valoriser et "
                        "redistribuer le travail de soin, et à en faire une responsabilité "
                        "partagée entre pouvoirs publics, communautés et ménages.",
                        "es": "Los sistemas de cuidados, dirigidos a la infancia, las personas "
                        "mayores, las personas con discapacidad y quienes las cuidan, deben "
                        "reconocerse como una infraestructura pública esencial. El Consejo invita "
                        "a los gobiernos locales a construir, junto con sus socios, sistemas "
                        "integrales de cuidados, a valorar y redistribuir el trabajo de cuidados y "
                        "a convertirlo en una responsabilidad compartida entre los poderes "
                        "públicos, las comunidades y los hogares.",
                    },
                },
            ],
        },
    ],
    "questions": [
        {
            "kind": "scale",
            "prompt": {
                "en": "On a scale from 1 (not at all) to 5 (fully), how well does this draft "
                "reflect the priorities of your city, region or organisation?",
                "fr": "Sur une échelle de 1 (pas du tout) à 5 (pleinement), dans quelle mesure ce "
                "projet reflète-t-il les priorités de votre ville, de votre région ou de votre "
                "organisation ?",
                "es": "En una escala de 1 (nada) a 5 (plenamente), ¿en qué medida refleja este "
                "borrador las prioridades de su ciudad, región u organización?",
            },
            "options": [],
            "required": True,
        },
        {
            "kind": "single",
            "prompt": {
                "en": "Which axis of the Pact for the Future should this Council's contribution "
                "put first?",
                "fr": "Quel axe du Pacte pour l’avenir la contribution de ce Conseil devrait-elle "
                "placer en premier ?",
                "es": "¿Qué eje del Pacto para el Futuro debería situar en primer lugar la "
                "contribución de este Consejo?",
            },
            "options": [
                {"en": "People", "fr": "Les personnes", "es": "Las personas"},
                {"en": "Planet", "fr": "La planète", "es": "El planeta"},
                {"en": "Government", "fr": "Le gouvernement", "es": "El gobierno"},
                {
                    "en": "All three equally",
                    "fr": "Les trois à parts égales",
                    "es": "Los tres por igual",
                },
            ],
            "required": True,
        },
        {
            "kind": "text",
            "prompt": {
                "en": "Which commitments are missing from this draft, and how would you word them?",
                "fr": "Quels engagements manquent à ce projet, et comment les formuleriez-vous ?",
                "es": "¿Qué compromisos faltan en este borrador y cómo los formularía?",
            },
            "options": [],
            "required": False,
        },
    ],
}
