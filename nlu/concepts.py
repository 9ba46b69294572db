"""Cross-lingual concept features: one name for the same idea in French, English, Arabic and
Arabizi ("pont", "bridge", "جسر", "jisr" → `method`).

Why: the risk data has a few hundred examples per language, far too few for a model to learn
every way of saying "I have the rope ready" from words alone. A concept seen in an English
training example then counts for an Arabizi message with the same concept, and pairs of concepts
("method + now", "violence + now", "child + breath") let a linear model express the
combinations that make a message critical. Patterns run on normalised text (see normalise.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations

from nlu.patterns import keywords

_rx = keywords


CONCEPTS: dict[str, re.Pattern[str]] = {
    "die": _rx(
        r"mourir|meurs|meurt|mort|morte|crever|die|dying|dead|death|nmout|nmot|nmut|mout|amut|"
        r"amoot|emout|lmout",
        r"نموت|اموت|الموت|يموت|تموت|ميت|موتي",
    ),
    "self_harm": _rx(
        r"suicid\w*|me tuer|me suicider|kill myself|end my life|end it all|take my life|"
        r"hurt myself|cut myself|myself|me couper|me pendre|mettre fin|en finir|end am|"
        r"end everything|"
        r"n9tel rasi|nqtel rasi|e2tol 7ali|n7re9 rasi|nchnoq rasi|nj9e3 rasi|nentahar|intihar|"
        r"erma 7ali|7ali|rasi|nafsi",
        r"انتحر|ينتحر|الانتحار|نقتل راسي|نقتل نفسي|اقتل نفسي|نفسي|راسي|حالي|روحي|انهي حياتي|"
        r"انهي كل",
    ),
    "no_life": _rx(
        r"(?:ne|n|no|don t|not|mish|ma|plus) (?:\w+ ){0,2}(?:vivre|live|living|a3eesh|n3ich|"
        r"n3ish|3ich|"
        r"reveiller|wake up|nfi9|nfe9)|plus jamais|never again|ne plus revenir|won t be here|"
        r"ma b9atch liya|ma 3ad|la vie est finie|life is finished|no reason to live|aucune raison",
        r"ما عاد|ما بقاش|ما بقيتش|لم اعد|ما اصحي|ما نفيق|نفيق|ما بغيتش نعيش|الحياه",
    ),
    "method": _rx(
        r"pont|bridge|jisr|jsr|sauter|jump|toit|roof|fenetre|window|ledge|corde|rope|7bel|"
        r"l7bel|cachets|pills|comprimes|medicaments|tablets|boite|dwa|poison|javel|bleach|lames|"
        r"razor|couteau|knife|mous|noyer|drown|train|gaz|hang|pendre|chnoq|nchne9|"
        r"fnid|sea|mer|bahr|lbhar|corde|gaz|gas|bouta|lbouta|blade|lame|chafra",
        r"جسر|الجسر|حبل|الحبل|حبوب|الحبوب|الدوا|دوا|سم|جافيل|موس|الموس|سكين|سكينه|الفنيد|نرمي|ارمي|"
        r"نلوح|النافذه|الشرجم|السطح|البحر|نحرق|يشنق|نشنق|البوطا|بوطا|شفره",
    ),
    "farewell": _rx(
        r"adieu|goodbye|farewell|bslama|kanwadda3kom|wada3|lettre|letter|wasiya|dites a|tell my|"
        r"pardon maman|la fin|the end|c est fini|last|dernier|derniere|lakhir|akhir|forever|"
        r"pour toujours|pour de bon|jamais plus|miss me|me reverra|m entendrez|tshufni|salam 3ala",
        r"وداعا|ودعت|نودعكم|بسلامه|الوصيه|وصيتي|اخر|للابد|قولو ل|سامحوني|ما تشوفوني",
    ),
    # Final goodbyes, as opposed to an everyday "bye" (kept in `farewell`).
    "farewell_strong": _rx(
        r"last message|dernier message|akhir risala|akher risala|lmessage lakhir|last words|"
        r"pour toujours|forever|lettre d adieu|wasiya|dites a (ma|mon|mes)|tell my|"
        r"sam7oni|serai plus la|ne serai plus|won t be here|will not be here|never wake up|"
        r"ma nfi9ch|ma ghadich nkoun|ma b9itch ghadi nkoun|me reverra|pars pour toujours|"
        r"nobody (will|needs|would) miss|personne ne me reverra|this is goodbye|c est la fin",
        r"اخر رساله|اخر ميساج|اخر ليله|للابد|الوصيه|سامحوني|ما غاديش نكون|ما اصحي|ودعت",
    ),
    "missing": _rx(
        r"disparu|disparue|missing|tlf|tlfat|da3|lost (child|kid|son|daughter)",
        r"تلف|تلفات|ضاع|ضايع|مفقود|اختفي|اختفت",
    ),
    "alone": _rx(
        r"alone|seul|seule|tout seul|toute seule|bo7do|bo7di|bou7do|bo7dha",
        r"بوحدو|بوحدي|بوحدها|وحدو|وحيد|لوحده",
    ),
    "now": _rx(
        r"maintenant|now|ce soir|tonight|cette nuit|daba|db|dorka|hlla2|halla2|hala2|lyouma|lyoum|"
        r"right now|en ce moment|tout de suite|just now|a l instant|currently|hal lele|"
        r"nharda|ghedda|demain|tomorrow|today|aujourd hui",
        r"الان|دابا|هلق|هسي|هسه|الليله|دلوقتي|اليوم|غدا|هاد الساعه|توا",
    ),
    "plan": _rx(
        r"je vais|j vais|vais|i will|i ll|i m going to|going to|gonna|ghadi|ghan|rah|ra7|decide|"
        r"decided|planning|plan|prepare|ready|pret|prete|jbt|achete|bought|i go|make i",
        r"غادي|غنمشي|رح|راح|سأ|سوف|جهزت|شريت|قررت|حضرت|داير",
    ),
    "violence": _rx(
        r"frapp\w*|bat|battent|battu|tape|beat\w*|hit\w*|attack\w*|stab\w*|strangl\w*|etrangl\w*|"
        r"rap\w*|viol\w*|ghtasb\w*|yghtasb\w*|drb\w*|kaydrb\w*|kidrb\w*|dreb\w*|machette\w*|batons|"
        r"sticks|3sa|couteau\w*|knife|knives|mous|agress\w*|cogn\w*|\w*khne9\w*|\w*khn9\w*|"
        r"following me|follows me|suit|tab3ni|tab3inni|choking|strangling",
        r"ضرب|يضرب|كيضرب|بيضرب|اعتدي|يعتدي|اعتدا|اغتصب|سكين|العصا|يذبح|بالقتل|طعن|خنق|كيتبعني",
    ),
    "held": _rx(
        r"enferm\w*|locked|lock|trapped|coince\w*|sequestr\w*|7bs\w*|7absin\w*|m7bous\w*|"
        r"sad 3li\w*|sdo 3li\w*|keeping us|keep us|gardent|retiennent|retient|kidnap\w*|"
        r"emmene\w*|took my|can t leave|ne peux pas sortir|we no fit comot|lock us|de force|"
        r"by force|forced into|bzz|bezzez|sedo 3li\w*|sado 3li\w*|tied|attache\w*|rbtna|rbtouna",
        r"حبس|محبوس|حابس|قفل|قفلو|سادين|مسدود|خطف|مخطوف|داها|شادين|بالسيف|بالزز|بالقوه|ربطنا|محصورين",
    ),
    "bleeding": _rx(
        r"saign\w*|sang|blood|bleed\w*|dem|ddem|nzif|coule",
        r"الدم|دم|نزيف|ينزف|كينزف|كيسيل",
    ),
    "breath": _rx(
        r"respir\w*|breath\w*|tnfs\w*|ttnfs\w*|tnffes|ntnffes|ttnffes|asthma|asthme|suffoqu\w*|"
        r"etouff\w*|chok\w*|bleue?s?|blue|zr9|zre9|\w*tnf+\w*|\w*tnef+\w*",
        r"يتنفس|نتنفس|تتنفس|بتتنفس|كيتنفس|كتتنفس|مخنوق|زرق",
    ),
    "unconscious": _rx(
        r"inconscient\w*|evanou\w*|bouge plus|not moving|isn t moving|not responding|"
        r"ne repond plus|unconscious|faint\w*|mghmi|katjawbch|kayjawbch|tay7|tay7a|convuls\w*|"
        r"seizure|shaking|collapsed|sar3|epilep\w*|se reveille pas|won t wake|katfi9ch|kayfi9ch|"
        r"fainting",
        r"مغمي|مغمى|ما كيتحركش|ما كتجاوبش|ما كيجاوبش|طايح|طايحه|تشنج|فاقد الوعي|الصرع|ما كتفيقش|"
        r"ما كيفيقش|ما بغاش يفيق|كيترعد",
    ),
    "emergency": _rx(
        r"feu|fire|burn\w*|brul\w*|l3afya|noy\w*|drown\w*|gh9|ygh9|bateau|boat|barque|zodiac|"
        r"accouch\w*|labou?r|baby is coming|twled|vomi\w*|chest|poitrine|heart|swallow\w*|avale|"
        r"chrb|chreb|drank|drink|bu|fever|fievre|skin|desert|water is coming|prend l eau|"
        r"tombe|fell|falling|fallen|ti7|sqat|puits|well|river|riviere|katgh9|\w*gh9\w*|stuck|"
        r"contractions|giving birth|carried away|coule|sinking",
        r"نار|العافيه|غرق|يغرق|كتغرق|القارب|الزودياك|تولد|الولاده|صدري|قلب|شرب|شربت|بلعت|الحمي|"
        r"السخانه|سخون|سقط|طاح|البير|البئر",
    ),
    "child": _rx(
        r"enfants?|bebe|baby|child|children|kids?|pikin|fils|fille|son|daughter|garcon|girl|boy|"
        r"weldi|bnti|bent|drri|dri|tfl|tfla|wlad|petite?|sghir|sghira",
        r"طفل|طفله|ولدي|بنتي|الولد|البنت|الصغير|الصغيره|اطفال|الدري|ولادي|صغار",
    ),
    "threat_kill": _rx(
        r"(?:va|vont|veut|veulent) (?:me|nous|les) tuer|kill (?:me|us)|y9tlni|y9tlouni|y9telni|"
        r"y9tlna|tuer les enfants|he ll kill|he will kill",
        r"يقتلني|يقتلوني|يقتلنا|بالقتل|يذبحني",
    ),
    "hopeless": _rx(
        r"n en peux plus|j en peux plus|can t go on|cannot go on|hopeless|sans espoir|no hope|"
        r"y2est|pas d avenir|no future|plus la force|give up|abandonner|ma b9itch 9ader|3yit",
        r"ما بقيتش قادر|يئست|تعبت|ما بقاش عندي امل|ما عندي امل",
    ),
    "info_question": _rx(
        r"quel numero|what number|which number|numero|number for|information\w*|prevention|"
        r"workshop|atelier|ra9m|chno ndir ila|what do i do if|que faire si|comment aider|"
        r"how to help",
        r"رقم|شنو نعمل اذا|شنو نعمل الا|معلومات|كيفاش نعاون",
    ),
    "third_party": _rx(
        r"mon ami|mon amie|ma copine|mon copain|my friend|friend|sadi9i|sadi9ti|sa7bi|sa7bti|"
        r"voisin\w*|neighbou?r|someone|quelqu un|brother|sister|frere|soeur|khoya|khti",
        r"صاحبي|صاحبتي|جاري|جارتي|خويا|ختي|اخي|اختي|شي حد|حد",
    ),
    "laugh": _rx(r"lol|mdr|ptdr|haha\w*|hhh\w*|hahaha|xd|jk|joke|blague|n9sser", r"ههه\w*|نكته"),
}


# Concepts of which one must be present before the model may call a message critical.
DANGER = frozenset(
    {
        "die",
        "self_harm",
        "no_life",
        "method",
        "violence",
        "held",
        "bleeding",
        "breath",
        "unconscious",
        "emergency",
        "threat_kill",
        "farewell_strong",
        "missing",
    }
)


@lru_cache(maxsize=512)  # featurise() and the risk signals ask for the same text in one parse
def _names(norm: str) -> tuple[str, ...]:
    return tuple(sorted(name for name, rx in CONCEPTS.items() if rx.search(norm)))


def concept_names(norm: str) -> list[str]:
    """Names of the concepts present in a normalised text, sorted."""
    return list(_names(norm))


def concept_features(norm: str) -> list[str]:
    """Each concept present, and each pair of concepts present (as features)."""
    names = concept_names(norm)
    feats = ["c " + n for n in names]
    feats += ["c " + a + "+" + b for a, b in combinations(names, 2)]
    return feats
