"""Curated risk phrases in French, English, Arabic script and Arabizi (on normalised text).

Patterns are written against `normalise()` output: lower case, no accents, apostrophes split
("j ai", "don t"), Arabic with ة→ه, ى→ي, أ/إ/آ→ا, ئ→ي, ؤ→و, no diacritics. Each list says what a
match means; `nlu/risk.py` decides how matches, negation, time and the model combine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from nlu.patterns import PatternSet

_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile("[a-z0-9]")


class Lexicon:
    """Alternatives split by script: a text only pays for the patterns of the scripts it
    contains (one big alternation costs every alternative at every position)."""

    def __init__(self, parts: tuple[str, ...]) -> None:
        arabic = [p for p in parts if _ARABIC.search(p)]
        latin = [p for p in parts if not _ARABIC.search(p)]
        self.arabic = re.compile("|".join(f"(?:{p})" for p in arabic)) if arabic else None
        self.latin = re.compile("|".join(f"(?:{p})" for p in latin)) if latin else None
        self.whole = re.compile("|".join(f"(?:{p})" for p in parts))  # for PatternSet

    def _patterns(self, text: str) -> list[re.Pattern[str]]:
        out = []
        if self.latin is not None and _LATIN.search(text):
            out.append(self.latin)
        if self.arabic is not None and _ARABIC.search(text):
            out.append(self.arabic)
        return out

    def search(self, text: str) -> bool:
        return any(p.search(text) for p in self._patterns(text))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        matches = [m for p in self._patterns(text) for m in p.finditer(text)]
        return iter(sorted(matches, key=lambda m: m.start()))

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        for p in self._patterns(text):
            text = p.sub(repl, text)
        return text


def _rx(*parts: str) -> Lexicon:
    return Lexicon(parts)


# Danger to life or safety now, said by the person (or about a child / someone with them).
CRITICAL = _rx(
    # --- final goodbyes, any language
    r"\b(this is my last message|c est mon dernier message|mon dernier message|my last words|"
    r"lettre d adieu|goodbye forever|adieu pour toujours|hadi akhir risala|had lmessage lakhir|"
    r"akhir risala liya)\b",
    r"(هادي اخر رساله|هذه اخر رساله|اخر رساله ليا|اخر رساله مني|هاد اخر ميساج)",
    r"\b(finish|end|take) my (own )?life\b|\bmettre fin a ma vie\b",
    # --- trapped: locked in and unable to get out
    r"\b(locked|trapped|enferme|enfermee|enfermes|coince|coinces|sad 3li\w*|sdo 3li\w*|sedo 3li\w*|"
    r"sado 3li\w*|9flo 3li\w*)\b.*\b(can t get out|cannot get out|can t leave|"
    r"ne (peux|pouvons) pas sortir|ma 9adrach nkhroj|ma 9adrch nkhroj|ma n9derch nkhroj|"
    r"no fit comot)\b",
    r"(قفلو علي|سدو علي|سادين علي|محصورين|محبوسين).*(ما قادراش نخرج|ما قادرش نخرج|ما نقدرش نخرج|"
    r"ما قادرينش نخرجو)",
    # --- heart attack signs
    r"\bchest\b.*\b(left arm|arm is numb|can t breathe)\b|\bpoitrine\b.*\b(bras gauche|respirer)\b",
    # --- French: suicide, self-harm, last words
    r"\b(je vais|je veux|je voudrais|j ai envie de|je pense a|je prefere|jvais|jveux|vais|"
    r"veux) (me|m) (suicider|tuer|pendre|jeter|foutre en l air|ouvrir les veines)\b",
    r"\bje me suicide\b|\bsuicidaire\b|\bsuicidal\b|\bsuicide\b|\bsuicider\b",
    r"\bmettre fin a (mes jours|ma vie)\b|\ben finir (avec la vie|avec ma vie|ce soir|"
    r"aujourd hui|maintenant)\b",
    r"\b(veux|voudrais|vais|va|envie de|prefere) (mourir|crever)\b",
    r"\b(ne|n) (veux|veut) plus (vivre|me reveiller|exister|etre en vie)\b",
    r"\b(je|j) (ne|n) (me reveillerai|serai) plus\b",
    r"\bdernier message\b|\bdites a ma (mere|famille|femme)\b|\badieu (a tous|pour toujours)\b",
    r"\b(avale|pris|prendre) (tous? )?(les |mes |des )?(medicaments|cachets|pilules|comprimes)\b",
    r"\bje me (coupe|scarifie|brule|fais du mal|blesse)\b",
    # French: attacked or held now, threats to life now
    r"\ben train de (me|nous) (frapper|battre|taper|violer|tuer|etrangler)\b",
    r"\b(enferme|enfermee|enfermes|enfermees|sequestre|sequestree|sequestres|kidnappe|kidnappee)\b",
    r"\b(ils|il|on) (nous|me) (retient|retiennent|garde|gardent) (enferme|de force|prisonnier)",
    r"\bau secours\b",
    r"\bcouteau\b.*\b(maintenant|menace)\b|\bmenace avec un couteau\b",
    # French: medical emergency
    r"\b(saigne|saignes|saignent) (beaucoup|trop|fort|abondamment|sans arret)\b",
    r"\b(perd|perds|perdu) (beaucoup|trop) de sang\b|\bplein de sang\b",
    r"\b(ne|n) (respire|respirent) (plus|pas)\b|\b(n arrive|narrive) (pas|plus) a respirer\b|"
    r"\betouffe\b",
    r"\b(inconscient|inconsciente|evanoui|evanouie|ne se reveille pas|perdu connaissance)\b",
    r"\b(perdu les eaux|contractions|en train d accoucher|accouche seule|va accoucher)\b",
    r"\b(convulsions|crise cardiaque|overdose|empoisonne|empoisonnee|avale du poison)\b",
    # --- English
    r"\b(kill|killing|hang|hanging|cut|cutting|hurt|hurting|harm|harming|burn) (myself|my self)\b",
    r"\bsuicid|\bend (my|it) (life|all)\b|\btake my (own )?life\b|\bend it (all|tonight|today|"
    r"now)\b",
    r"\b(want|wanna|going|gonna|ready|decided) (to )?die\b|\bwish i (was|were) dead\b|"
    r"\bbetter off dead\b",
    r"\b(don t|do not|dont) want to (live|wake up|be alive|exist) (anymore|any more|again)\b",
    r"\bnever wake up\b|\bsleep (and|forever) never\b|\blast message\b|\bgoodbye forever\b",
    r"\btell my (mother|mom|mum|family|wife|kids|children) (that )?i love\b",
    r"\b(took|take|swallowed|taking) (all |a lot of |many |the |my )*(pills|tablets|medicine|"
    r"medication|poison)\b",
    r"\b(jump|jumping) (off|from) (the|a) (bridge|building|roof|window)\b|\bslit my wrists?\b",
    r"\b(he|she|they|someone|my husband|my boss|people) (is|are|s|re) (beating|hitting|"
    r"attacking|raping|stabbing|choking|strangling|killing) (me|us)\b",
    r"\b(he|she|they|someone) (is|are) trying to (kill|stab|strangle) (me|us)\b",
    r"\b(locked|lock) (me|us) (in|up|inside)\b|\b(won t|will not|wont|don t|do not) let (me|"
    r"us) (go|leave|out)\b",
    r"\b(held|holding|keeping) (me|us) (prisoner|captive|against|by force|hostage)\b|\bkidnapped\b",
    r"\bhelp me (now|quick|fast|please hurry)\b|\bhurry\b.*\b(dying|blood|bleeding)\b",
    r"\bbleeding (a lot|heavily|badly|too much|everywhere|so much|non stop)\b|\blot of blood\b",
    r"\b(can t|cannot|can not|not able to) breathe\b|\bnot breathing\b|\bstopped breathing\b",
    r"\b(unconscious|passed out|fainted|not waking up|won t wake up|collapsed)\b",
    r"\b(in labou?r|water broke|giving birth|contractions)\b",
    r"\b(seizure|convulsing|heart attack|overdose|overdosed|poisoned)\b",
    # --- Arabic script
    r"انتحر|ننتحر|انتحار|تنتحر|ينتحر",
    r"(اقتل|نقتل|يقتل|تقتل) (نفسي|راسي|روحي)",
    r"(بغيت|ابغي|نبغي|اريد|اود|بدي|عايز|عاوز|حاب|باغي|نحب) (ان )?(نموت|اموت|موت|الموت)",
    r"(انهي|ننهي|انهاء|اخلص من) (حياتي|عمري)|(نرمي|نلوح|ارمي) (راسي|نفسي)",
    r"(نشنق|اشنق) (راسي|نفسي)|(نجرح|اجرح|كنجرح) (راسي|نفسي|يدي)",
    r"اخر (رساله|مساج|ميساج)|قولو لمي|سامحوني",
    r"(شربت|كليت|بلعت|اخذت|خذيت) (الدوا|دوا|الحبوب|حبوب|كينة|الكينه|السم|سم)",
    r"(عم يضربني|عم يضربنا|قاعد يضربني|قاعد يضربنا|راه كيضربني|راه كيضربنا)",
    r"(حابسني|حابسينا|حابسيني|محبوسه|محبوس|محبوسين|مسدود علينا|سادين علينا|قفلو علينا|"
    r"مسكرين علينا|مخطوف|مخطوفه|مخطوفين)",
    r"(نزيف|كينزف|كتنزف|ينزف|تنزف|الدم بزاف|دم كثير|دم كتير)",
    r"(ما كيتنفسش|ماكيتنفسش|ما كتتنفسش|ما قادرش نتنفس|مش قادر اتنفس|ما بيتنفس|لا يتنفس|"
    r"ما قادراش تتنفس|مخنوق)",
    r"(مغمي عليه|مغمي عليها|مغمى عليه|فاقد الوعي|فاقده الوعي|ما فاقش|ما كيفيقش|طاح وما)",
    r"(كتولد|بدات تولد|الطلق|راسها الما|ولاده الحين)",
    r"(تسمم|ازمه قلبيه|سكته قلبيه|نوبه|كيترعد)",
    # --- Arabizi (Latin-script Arabic)
    r"\b(bghit|bghiit|baghi|bagha|bade|badi|bdi|3ayez|3ayz|n7eb|nbghi|abghi) (n|a)?(mout|mot|"
    r"mut|moot|amut|amoot)\b",
    r"\b(nmout|nmot|nmut) (rasi|b rasi)\b|\b(n9tel|n9tl|nqtel|nqtl|naktol|a9tol|n9atel) (rasi|"
    r"raasi|nafsi|roo?7i)\b",
    r"\b(nentahar|nentehar|ntahar|ntehar|nt7ar|intihar|nte7er|n?nta7er|nenta7er)\b",
    r"\b(nrmi|nlo7|nlouh|nlou7|njre7|njr7) (rasi|raasi|nafsi)\b|\b(nchne9|nchna9|nchn9) rasi\b",
    r"\b(akhir|akher|a5er|lakhir) (risala|message|msg|mesaj)\b",
    r"\b(3am yedrobni|3am ydrobni|3am yedrbni)\b",
    r"\b(7absni|7absinna|7absina|m7bous|m7bousa|m7bousin|mhbousin|msdod 3lina|sado 3lina|"
    r"sdo 3lina|9eflo 3lina|9flo 3lina|m5touf|makhtouf|mkhtouf)\b",
    r"\b(kaynzf|kaynzef|kaytnzef|katnzf|katnzef|kinzef|nzif|d?dem bzaf|dm bzaf|dem kteer)\b",
    r"\b(ma kaytnfsch|ma kaytnfsech|makaytnfsch|ma 9adrach ttnfs|ma 9adrch ntnfs|"
    r"ma 9aderch ntnfs|mch 9ader ntnfs|mesh 2ader at?nafas|mkhnou9)\b",
    r"\b(mghmi 3lih|mghmi 3liha|mghma 3lih|ma fa9ch|ma kayfi9ch|ta7 o ma fa9|fa9d lwa3y)\b",
    r"\b(katwled|bdat twled|kattwled|l6al9|tal9)\b",
)

# Present-tense attacks that may be habitual ("mon mari me frappe"): critical only with a marker
# of now ("daba", "maintenant", "right now").
CRITICAL_IF_NOW = _rx(
    r"\b(il|elle|ils|on|mon mari|mon patron|mon copain|le patron) (me|nous) (frappe|frappent|"
    r"bat|battent|tape|tapent|viole|violent|etrangle|poignarde)\b",
    r"\b(he|she|they|someone|my husband|my boss) (beat|beats|hit|hits|attack|attacks) (me|us)\b",
    r"(كيضربني|كيضربنا|يضربني|يضربنا|بيضربني|بيضربنا|كتضربني|تضربني|كيعتدي|بيعتدي)",
    r"\b(kaydrbni|kaydrebni|kidrbni|kaydarbni|kayedrabni|kaydrabni|kiderbni|kaydarbna|"
    r"kaydrbna|kaydrbouha|kaydrbo|yedrobni|bi drobni|kadrbni|katdrbni)\b",
    r"\b(va|vont|veut|veulent|going to|will|gonna) (me|nous|les|kill me|"
    r"kill us) ?(tuer)?\b.*\b(maintenant|now|daba|dorka|ce soir|tonight)\b",
)

# Serious distress or harm without imminent danger: hopelessness, past violence, exploitation,
# threats. A hint for the combiner, never enough to call a message critical.
ELEVATED = _rx(
    r"\b(me|m|nous) (frappait|frappaient|battait|battaient|tapait|violait|menacait|maltraitait)\b",
    r"\b(used to (beat|hit|rape|abuse)|was (beaten|raped|abused|attacked|assaulted))\b",
    r"(كان كيضربني|كان يضربني|كان بيضربني|كانو كيضربوني|تعرضت للضرب|تعرضت للاغتصاب)",
    r"\b(kan kaydrbni|kan kidrbni|kano kaydrbouni)\b",
    r"\b(plus (envie|la force) de vivre|je (ne|n) en peux plus|j en peux plus|"
    r"aucune raison de vivre|desespere|desesperee|sans espoir)\b",
    r"\b(il|elle|ils|mon mari|mon patron) (m a|m ont|nous a|nous ont) (frappe|frappee|battu|"
    r"battue|viole|violee|menace|menacee)\b",
    r"\b(menace|menacee|menaces|harcele|harcelee|exploite|exploitee)\b",
    r"\b(can t go on|cannot go on|no reason to live|hopeless|no hope|give up on life|"
    r"tired of living)\b",
    r"\b(he|she|they|my husband|my boss) (beat|hit|raped|threatened|attacked) (me|us)\b",
    r"\b(threaten|threatened|threatening|harass|harassed|exploited|abused)\b",
    r"(ما بقيتش قادر|ما بقاش عندي امل|تعبت من الحياه|حياتي ما عندها معني|ما عاد فيني|يئست|"
    r"مهدد|هددني|ضربني|اغتصبني|اغتصبوني)",
    r"\b(ma b9itch 9ader|ma b9ach 3ndi amal|t3bt mn l?7ayat|drbni|hddni|hedadni|ghtasbni|y2est)\b",
)

# Figurative uses of dying and killing, and jokes: on their own they are no risk at all.
IDIOMS = _rx(
    r"\b(meurs|meurt|mourir|mort|morte|creve|crever) (de|d) (faim|soif|froid|chaud|rire|envie|"
    r"fatigue|sommeil|ennui|peur|impatience)\b",
    r"\b(chaleur|travail|boulot|attente|ennui|faim|froid|question|questions|tu|vous|ca|"
    r"ce) (me|nous) (tue|tuent)\b",
    r"\b(mort|morte|mdr|ptdr|mourir) de rire\b|\bmdr\b|\bptdr\b|\btuer le temps\b",
    r"\b(heat|work|job|wait|waiting|this|exam|traffic|hunger|cold|pain|shoes|you|questions|"
    r"boredom|rent|queue|line|prices|sun) (is|are|s|re)? ?killing me\b",
    r"\b(dying|die) (to|for) (see|meet|go|know|hear|eat|get|have|a)\b|\b(dying|died|dead) (of|"
    r"from|with) (hunger|laughter|laughing|boredom|thirst|cold|heat|embarrassment|curiosity)\b",
    r"\b(kill|killing) time\b|\bdead tired\b|\b(bored|scared|worried) to death\b|\blol\b|"
    r"\blmao\b|\bkilled it\b",
    r"(قتلني|قاتلني|قتلاتني|قتلتني|كيقتلني|بيقتلني) ?(الجوع|البرد|الحر|الشوق|الضحك|بالضحك|"
    r"بالسؤال|بالاسئله|الانتظار|العيا|التعب)",
    r"(الجوع|البرد|الحر|الشوق|الانتظار|العيا|الخدمه|هاد الخدمه|الغربه) ?(قتلني|قاتلني|قتلاتني|"
    r"كتقتل|تقتل|قاتله|قاتلاني)",
    r"(موت|مت|ميت|ميته|نموت|بموت|كنموت|غنموت) (ديال الضحك|من الضحك|بالضحك|من الجوع|بالجوع|"
    r"من البرد|بالبرد|من الحر|عليك|عليكي|فيك|عليه|عليها|فيها|من التعب|بالعيا)",
    r"تقبرني|تقبريني|يقبرني",
    r"\b(9tlni|9etlni|9atlni|9atalni|9tlatni|9atlatni|9atlani|qtlni) (jo3|jou3|ljo3|ljou3|"
    r"lbrd|lbard|l7er|l7ar|d7k|dh7k|l3ya|tmara)\b",
    r"\b(jo3|jou3|ljo3|ljou3|lbrd|lbard|l7er|l7ar|lkhedma|lkhdma|l?ghorba) (9tlni|9etlni|"
    r"9atlni|9atalni|9tlatni|9atlatni|9atlani|kat9tl|t9tl)\b",
    r"\b(mt|mout|nmout|kanmout|knmout|mayt|mit) (b|dyal|mn|men) ?(d7k|dh7k|ddo7k|jo3|jou3|"
    r"lbrd|l3ya)\b|\b(kanmout|knmout|nmout|bmout|bamout) (3lik|3lih|3liha|fik)\b",
    r"\bmchit fiha\b|\bt9brni\b|\btoqborni\b",
)

# Tokens that deny the risky phrase that follows them within a few tokens. French "ne" is not
# one: "je ne veux plus vivre" is the risk itself; French negation is checked as ne … pas.
NEGATIONS = frozenset(
    {
        "pas",
        "jamais",
        "never",
        "not",
        "t",
        "ما",
        "لا",
        "مش",
        "مو",
        "ماشي",
        "عمري",
        "لن",
        "ماعمري",
        "mashi",
        "machi",
        "mach",
        "mich",
        "mesh",
        "msh",
        "3omri",
        "omri",
    }
)
# Negation particles that only count right before the phrase ("ma bade mout").
NEGATION_PARTICLES = frozenset({"ma", "mo", "mu"})
FRENCH_NE = frozenset({"ne", "n"})
FRENCH_NEG_AFTER = frozenset({"pas", "plus", "jamais"})

# Time words that put an event in the past or say it is over.
PAST = _rx(
    r"\b(le mois dernier|la semaine derniere|hier|yesterday|lbare7|lbar7|l annee derniere|"
    r"l an dernier|il y a (un|une|deux|trois|quelques|\d+) (an|ans|mois|semaines|annees)|"
    r"avant|autrefois|quand j etais|par le passe|a l epoque)\b",
    r"\b(last (year|month|week|summer|winter)|years? ago|months? ago|weeks? ago|used to|"
    r"in the past|when i was|back then|once)\b",
    r"\b(l3am li fat|l3am lifat|3am lowel|3am lwl|chhal hadi|men 9bel|mn 9bel|9bel|kont|kunt)\b",
    r"(البارح|امس|الشهر اللي فات|الشهر الماضي|العام اللي فات|العام الماضي|السنه الماضيه|"
    r"السنه اللي فاتت|زمان|من قبل|قبل سنه|قبل سنتين|سابقا|في الماضي|كنت)",
)
RESOLVED = _rx(
    r"\b(maintenant|aujourd hui) (ca va|je vais (bien|mieux)|c est fini|"
    r"je suis en securite)\b|\bje vais mieux\b|\bc est fini\b|\bca va mieux\b",
    r"\b(now i am|i am|i m) (fine|better|ok|okay|safe|good) now\b|\bnow i am (fine|better|ok|"
    r"okay|safe)\b|\bit s over\b|\bi am better\b",
    r"\b(daba|db) (labas|mzyan|mezyan|hsen|ahsen)\b|\bl?(h|7)amd\w*|\bmrta7a?\b|\bmerta7a?\b|"
    r"\b(safe|better|fine|ok|okay|calm) now\b|\bnow i (am|m) (fine|better|ok|okay|safe|"
    r"good)\b|\ben securite\b|\bca va (un peu )?mieux\b",
    r"\b(no intention|pas l intention|ma 3ndich niya|ma 3ndi niya)\b",
    r"(دابا|الان|هلق|هلا|هسه) (لاباس|مزيان|احسن|بخير|منيح|كويس|تمام)|الحمد لله|الحمدلله|مرتاح|"
    r"ما عنديش نيه|ما عندي نيه",
)
HABITUAL = _rx(
    r"\b(souvent|tout le temps|chaque (jour|fois|soir|semaine)|toujours|parfois|depuis|"
    r"quand il|quand elle|lorsqu il)\b",
    r"\b(often|always|every (day|time|night|week)|sometimes|when he|when she|all the time|"
    r"for years|whenever)\b",
    r"\b(dima|dayman|kol nhar|koll nhar|bzaf dyal lmrat|b3d lmrat|ch7al mn mra|mli|mnin|"
    r"kol ma|hadi snin|mn snin)\b",
    r"(ديما|دائما|كل نهار|كل يوم|كل مره|بزاف ديال المرات|احيانا|بعض المرات|كل ما|ملي|منين|من سنين)",
)
NOW = _rx(
    r"\b(maintenant|en ce moment|tout de suite|ce soir|cette nuit)\b",
    r"\b(now|right now|tonight|currently|at the moment)\b",
    r"\b(daba|db|dba|hlla2|halla|halla2|hala2|dorka|toul)\b",
    r"(دابا|الان|الآن|هلق|هلا|هسه|دلوقتي|هاد الساعه|الليله)",
)
# Questions asked for information or on someone else's behalf ("what number do I call if
# someone is suicidal?"): never critical on a phrase alone.
INFO = _rx(
    r"\b(quel numero|what number|which number|number for|informations?|prevention|workshop|"
    r"atelier|que faire si|what do i do if|what should i do if|how (can|do) i help)\b",
    r"\b(chno ndir ila|ach ndir ila|ra9m dyal)\b",
    r"(شنو نعمل اذا|شنو نعمل الا|شنو الرقم|اش من رقم|معلومات|كيفاش نعاون|ماذا افعل اذا)",
)


# Which lexicons occur in a text, in one pass: most messages hold none, and then `signals()`
# runs no Python regex at all.
LEXICONS = {
    "critical": CRITICAL.whole,
    "critical_if_now": CRITICAL_IF_NOW.whole,
    "elevated": ELEVATED.whole,
    "idioms": IDIOMS.whole,
    "past": PAST.whole,
    "resolved": RESOLVED.whole,
    "habitual": HABITUAL.whole,
    "now": NOW.whole,
    "info": INFO.whole,
}
PRESENT = PatternSet(LEXICONS)
