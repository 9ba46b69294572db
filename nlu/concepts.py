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

from nlu.patterns import PatternSet, keywords

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
        r"pont|bridge|jisr|jsr|sauter|jump|toit|roof|fenetre|window|ledge|corde|rope|7bel|pilules?|"
        r"l7bel|cachets|pills|comprimes|medicaments|tablets|boite|dwa|poison|javel|bleach|lames|"
        r"razor|couteau|knife|mous|noyer|drown|train|gaz|hang|pendre|chnoq|nchne9|"
        r"fnid|sea|mer|bahr|lbhar|ba7r|b7er|b7ar|bahar|gas|bouta|lbouta|blade|lame|chafra|"
        r"kubri|kobri|kubry|9ntra|9antra|9ent?ra|qantara|2odban|qodban|ssm|ssem|"
        r"balcon\w*|balcony|falaise|cliff|railway|rails|voie ferree|sta7|s6o7|so6o7|stou7|"
        r"regarde le vide|dans le vide|the void|"
        r"petrol|essence|benzine|lisans|briquet|lighter|somniferes?|sleeping pills|overdose|"
        r"tramadol|insecticide|mort aux rats|rat poison|lame de rasoir|semm",
        r"جسر|الجسر|حبل|الحبل|حبوب|الحبوب|الدوا|دوا|سم|جافيل|موس|الموس|سكين|سكينه|الفنيد|نرمي|ارمي|"
        r"نلوح|النافذه|الشرجم|السطح|البحر|نحرق|يشنق|نشنق|البوطا|بوطا|شفره|"
        r"سطح|سطوح|البلكون|بلكونه|سكه القطار|سكه الحديد|سكه التران|القطار|التران|الترين|الواد|"
        r"النهر|"
        r"البنزين|بنزين|ليصانص|الوقيد|البريكي|ولاعه|المنوم|منوم|سم الفيران|كوبري|الكوبري|قنطره|"
        r"القنطره|قضبان|القضبان|انسولين|الانسولين",
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
        r"nobody (will|needs|would) miss|personne ne me reverra|this is goodbye|c est la fin|"
        r"last time (?:we|you|i) (?:\w+ ){0,2}(?:talk|speak|hear|write)\w*|"
        r"derniere fois (?:qu on|que vous|que tu|que je) (?:\w+ ){0,2}(?:parl|entend|ecri)\w*|"
        r"akhir mra|akher mra|akher marra|akhir marra|je serai (?:deja )?partie?|i ll be gone|"
        r"i will be gone|ma ra7 kun mawjoud|ma ghadich nkoun mawjoud|won t find me|"
        r"ne me trouverez|me trouverez plus|ma tl9awnich|w ma raje3ch|w mesh raje3|"
        r"w ma ghadich nrje3|pardon a tous|forgive me all|sam7ouni kamlin|rejoins le seigneur|"
        r"rejoindre le seigneur|join god|meet god|cimetiere|cemetery|kafan|kfen|testament|"
        r"donne\w* (?:toutes )?mes affaires|give away my|gave away my|when they find me|"
        r"quand on me trouvera|ila l9awni|sallmo liya 3la|salmouli 3la|salamouli 3ala|"
        r"my grave|ma tombe|mon enterrement|m enterre\w*|my funeral|find my body|my dead body|"
        r"mon corps sera|mon cadavre|"
        r"janaza|jnaza|9bri|qabri|9abri|jotti|jetti|heaven|au paradis|paradise|aupres d allah|"
        r"aupres de dieu|rejoins dieu|ra2e7 3andak|ghadi n9a rabbi|nlqa rabbi|plus de ce monde|"
        r"leave this world|leaving life|quitter ce monde|quitte la vie|bslama ya dounya|"
        r"pour moi ne pleurez|don t cry for me|pleurer pour moi|ne pleurez pas|"
        # Settling one's affairs and cancelling one's future.
        r"won t need (?:it|them|this|my \w+) (?:anymore|any more|again|ever)|won t be needing|"
        r"will not need (?:it|them|this) (?:anymore|any more|again)|"
        r"(?:aurai|aura|aurais) plus besoin|ma b9itch (?:m7taj|ghadi n7taj)\w*|"
        r"ma ghadich n7taj\w*|pour de bon|j ai tout prepare|i have what i need to do it|"
        r"(?:won t|will not|wont) be a (?:problem|burden)|plus un (?:probleme|fardeau)|"
        r"ma ra7 kun hon|ma ra7 kun hona|rapatri\w* mon corps|send my body|bury me|enterrez moi|"
        r"tsift ljotta|ljotta dyali|pardonne moi maman|wada3 liya|"
        r"last time (?:i|you) (?:see|saw|hear|call)\w*|derniere connexion|dernieres economies|"
        r"mesh raga3|mish raje3|mush raji3|ma arja3|ma nrje3ch|ma ghadich nrje3|manich raje3|"
        r"not coming back|je ne reviendrai pas|ne reviendrai plus",
        r"اخر رساله|اخر ميساج|اخر ليله|للابد|الوصيه|سامحوني|ما غاديش نكون|ما اصحي|ودعت|"
        r"اخر مره (?:ن|ت|ب)?\w*(?:هضر|تكلم|حكي|سمع)|وما راجعش|ومش راجع|ما رح كون موجود|مش هتشوفوني|"
        r"ما غاتلقاونيش|ما غتلقاونيش|هتلاقوني|غتلقاوني|الكفن|المقبره|سلمو لي على|سلمولي على|"
        r"قولو لامي|"
        r"قولو لمي|ملي تقراو|لما تقرو|فرقت حوايجي|عطيت حوايجي|"
        r"قبري|جنازتي|الجنازه|جثتي|جثه|الجنه|عند ربي|نلقى ربي|نلاقي ربي|الدار الاخره|هاد الدنيا|"
        r"هذه الدنيا|"
        r"ما تبكيو عليا|لا تبكوا علي|"
        r"ما غاديش نحتاج|ما بقيتش محتاج|ما غنحتاجش|ماغاديش نكون|مش هرجع|مبقتش راجع|ما راجعش|"
        r"ودعولي|ودعوا لي|نودعكم|رسالتي الاخيره|رساله وداع|وصيتي|ادفنوني|دفنوني|"
        r"للمره الاخيره|خارج منها|الله يرحمها الليله|الله يرحمه الليله|اخر حاجه غادي نشوف|"
        r"ما ضل شي يربطني|ورقه الوداع|رساله الوداع|مش راجعه|ما غاديش نرجع|ما رح ارجع|مانيش راجع",
    ),
    "missing": _rx(
        r"disparu|disparue|missing|tlf|tlfat|da3|lost (child|kid|son|daughter)",
        r"تلف|تلفات|ضاع|ضايع|مفقود|اختفي|اختفت",
    ),
    "alone": _rx(
        r"alone|seul|seule|tout seul|toute seule|bo7do|bo7di|bou7do|bo7dha|b7do|b7di|b7dha|bu7du|"
        r"wa7do|wa7di|la7alo|la7ali",
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
        r"rape|raped|raping|rapist|viol\w*|ghtasb\w*|yghtasb\w*|drb\w*|kaydrb\w*|kidrb\w*|"
        r"dreb\w*|machette\w*|batons|"
        r"sticks|3sa|couteau\w*|knife|knives|mous|agress\w*|cogn\w*|\w*khne9\w*|\w*khn9\w*|"
        r"following me|follows me|suit|tab3ni|tab3inni|choking|strangling|"
        r"gun|guns|pistol\w*|rifle|fusil|arme|armes|revolver|mousdas|mosadas|mousaddas|slah|"
        r"sabre|sowatir|sawatir|sekkina|sekina|skkina|ciseaux|scissors|m9ass|mqass|shoot\w*|"
        r"tire sur|tirent sur|tirent dessus|tire dessus|shooting at|"
        r"coups de feu|poignard\w*|kicking|punching|slapping|yedbe7|ydbe7|"
        r"kaydbe7|dbe7|yemawwetni|ymawwetni|ykemmelni|ykmmelni|"
        r"rape\w*|viole\w*|dechire\w* mes habits|tear\w* my clothes|undress\w*|deshabill\w*|"
        r"sleep with him|coucher avec|flingue|calibre|machete|y7ayd liya 7wayji|y9la3ni|"
        r"sekkin|sakkin|sikkin|skkin|jenwi|jnwi|jenoui|jnoui|broken bottle|bouteille cassee|"
        r"\w*tdreb\w*|\w*tdrb\w*|yla27ou\w*|yla7gou\w*|kayla7gou\w*|chasing (?:me|us)|"
        r"poursuiv\w*",
        r"ضرب|يضرب|كيضرب|بيضرب|اعتدي|يعتدي|اعتدا|اغتصب|سكين|العصا|يذبح|بالقتل|طعن|خنق|كيتبعني|"
        r"مسدس|المسدس|سلاح|السلاح|بندقيه|البندقيه|سيف|سيوف|ساطور|سواطير|المقص|مقص|يطلق النار|"
        r"يكملني|يموتني|هيموتني|يدبح|كيدبح|"
        r"يحيد ليا حوايجي|يشلحني|يغتصب|اغتصاب|يعريني|جنوي|جنواي",
    ),
    "held": _rx(
        r"enferm\w*|locked|lock|trapped|coince\w*|sequestr\w*|7bs\w*|7absin\w*|m7bous\w*|"
        r"sad 3li\w*|sdo 3li\w*|keeping us|keep us|gardent|retiennent|retient|kidnap\w*|"
        r"emmene\w*|took my|can t leave|ne peux pas sortir|we no fit comot|lock us|de force|"
        r"by force|forced into|bzz|bezzez|sedo 3li\w*|sado 3li\w*|tied|attache\w*|rbtna|rbtouna|"
        r"cadenas|padlock\w*|coffre|boot of|trunk|enlevement|abduct\w*|dragged|"
        r"khtf\w*|kh6f\w*|9fel|9efl|9flo|2afal|a2fal|ransom|rancon|fidya|tied up|ligote\w*|"
        r"rbto\w*|rbtou\w*|mrbout|won t let (?:me|us) (?:go|leave)|laisse pas sortir|"
        r"laissent pas sortir|kaykhllinich nkhrj|ma khllawnach|held in|holding us|holding me|"
        r"hostage|captive|chained|enchaine\w*|7abs\w*|9flat|sedd|sddat|sdat|sakkar\w*|khatf\w*|ravisseur\w*|"
        r"kaybi3ouna|kaybi3ouni|ybi3ouna|ybi3ouni|ybi3ouha|b3ouni|ba3ouni|sold me|sold us|"
        r"sakker\w*|msakker\w*|7abas\w*|m7abas\w*",
        r"حبس|محبوس|حابس|قفل|قفلو|سادين|مسدود|خطف|مخطوف|داها|شادين|بالسيف|بالزز|بالقوه|ربطنا|"
        r"محصورين|"
        r"قافل|قافله|قفل علي|سد علي|سد الباب|الكادنا|خطفو|خطفوه|خطفوها|اختطف|مخطوفه|مربوط|ربطوني|"
        r"ربطوه|فديه|الفديه|محتجز|ربطني|سدات علي|سدو علي|سكر علي|سكرت علي|سكرو علي|مسكرين|"
        r"يبيعوها|يبيعوني|يبيعونا|كيبيعونا|كيبيعوني|باعوني|باعوها|خاطفين|الخاطفين|خاطفينو|"
        r"خاطفينها",
    ),
    "bleeding": _rx(
        r"saign\w*|sang|blood|bleed\w*|dem|ddem|nzif|coule|"
        r"hemorrag\w*|haemorrhag\w*|hemorrhag\w*|kanzef|katnzef|kaynzef|nzef|nazif|"
        r"fausse couche|miscarr\w*",
        r"الدم|دم|نزيف|ينزف|كينزف|كيسيل|"
        r"نزف|تنزف|بنزف|كنزف|كتنزف|كنزل الدم|الاجهاض|اجهاض",
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
        r"fainting|"
        r"ghayeb 3lih|ghayb 3lih|ghayba 3liha|ghab 3lih|ghabt 3liha|ne parle plus|can t speak|"
        r"cannot speak|not talking|barely answers|repond a peine|ma kattkllemch|ma kaytkllemch|"
        r"ma kathderch|ma kayhderch|ma b9ach kayhder|ma b9atch kathder|tkhder|tkhdr|"
        r"engourdi\w*|numb|sens plus mes|can t feel my|ma b9itch kan7ess|ma kan7essch|"
        r"fom\w* mayl\w*|face drooping|bouche de travers|rghwa|foam\w*|bave|ice cold|"
        r"cold as ice|bared b7al|stroke|avc|crise cardiaque|heart attack|ma kay7rkch|"
        r"ma kat7rkch|ma b9atch kat7rk|ma b9ach kay7rk|not waking|pas de pouls|no pulse|"
        r"tchenj|katchenj|kaytchenj|crise d epilepsie|"
        r"se reveille plus|reveille plus|ne respire|ma byetnafas|"
        r"ma kaytnffesch|ma katnffesch|tremble plus|delir\w*|says strange things|"
        r"dit des choses bizarres|had a fit|crise convulsive|ghma 3lih|"
        r"ghmat 3liha|ghma 3liha|tghma|skhf|tskhf|skhfat|tskhfat",
        r"مغمي|مغمى|ما كيتحركش|ما كتجاوبش|ما كيجاوبش|طايح|طايحه|تشنج|فاقد الوعي|الصرع|ما كتفيقش|"
        r"ما كيفيقش|ما بغاش يفيق|كيترعد|"
        r"غايب عليه|غاب عليه|غايبه عليها|غابت عليها|ما كيهضرش|ما كتهضرش|ما بقاش كيهضر|"
        r"ما بقاتش كتهضر|"
        r"ما بقاتش قادره تهضر|ما كتكلمش|ما كيتكلمش|تخدر|مايل لجهه|مايله لجهه|رغوه|بارد بحال|الجلطه|"
        r"جلطه|سكته|ما بقاتش كتحرك|ما بقاش كيتحرك|ما عم يتحرك|ما عم تتحرك|ما عم يرد|ما عم ترد|"
        r"فاقده الوعي|ما بقيناش كنحسو|ما بقيتش كنحس|مش حاسس|كتشنج|كيتشنج|تشنجات|"
        r"ما كيتنفسش|ما كتتنفسش|ما بيتنفس|ما عم يتنفس|كيهضر بلا معنى|كيخربق|نوبه|الكريزه|"
        r"غمى عليه|غمى عليها|تغمى|تسخف|تسخفات|سخفات",
    ),
    "emergency": _rx(
        r"feu|fire|burn\w*|brul\w*|l3afya|noy\w*|drown\w*|gh9|ygh9|bateau|boat|barque|zodiac|"
        r"accouch\w*|labou?r|baby is coming|twled|vomi\w*|chest|poitrine|heart|swallow\w*|avale|"
        r"chrb|chreb|drank|drink|bu|fever|fievre|skin|desert|water is coming|prend l eau|"
        r"tombe|fell|falling|fallen|ti7|sqat|puits|well|river|riviere|katgh9|\w*gh9\w*|stuck|"
        r"contractions|giving birth|carried away|coule|sinking|"
        r"incendie|flammes|flames|nnar|torch\w*|on fire|en feu|bla3\w*|avale\w*|"
        r"sahra|sahara|tayhin|tayeh|refriger\w*|frigorifique|"
        r"tebrid|tabrid|hypotherm\w*|diabet\w*|insulin\w*|ambulance|lambulance|samu|"
        r"is3af|sa3af|"
        r"snake|serpent|scorpion|a9rab|l9rab|3a2rab\w*|3aqrab\w*|7ayya|lef3a|bitten|mordu\w*|"
        r"blesse|blessee|blesses|wounded|injured|"
        r"burnt|burns|l air manque|no air|ma kaynch lhwa|overheat\w*|took them all|tout avale|"
        r"j ai tout pris|kolchi bla3t|7ubub|3t9ouni|3te9ni|3t9ouna|sauvez moi|sauvez nous",
        r"نار|العافيه|غرق|يغرق|كتغرق|القارب|الزودياك|تولد|الولاده|صدري|قلب|شرب|شربت|بلعت|الحمي|"
        r"السخانه|سخون|سقط|طاح|البير|البئر|"
        r"حريق|الحريق|شعلو|شاعله|ماسكه النار|بلع|الصحرا|تايهين|تايه|ضايعين|"
        r"التبريد|تبريد|متجمد|الاسعاف|اسعاف|لامبولانس|المستعجلات|الطوارئ|"
        r"حيه|لدغ|لدغتو|لدغتها|عقرب|العقرب|محروق|محروقه|يحترق|كتحرق|الهوا ما كاينش|"
        r"ما كاينش الهوا|الحبوب كاملين|شربت كلشي|بلعت كلشي|عتقوني|عتقونا|انقذوني|انقذونا|نجدوني",
    ),
    "child": _rx(
        r"enfants?|bebe|baby|child|children|kids?|pikin|fils|fille|son|daughter|garcon|girl|boy|"
        r"weldi|bnti|bent|drri|dri|tfl|tfla|wlad|petite?|sghir|sghira",
        r"طفل|طفله|ولدي|بنتي|الولد|البنت|الصغير|الصغيره|اطفال|الدري|ولادي|صغار",
    ),
    "threat_kill": _rx(
        r"(?:va|vont|veut|veulent) (?:me|nous|les) tuer|kill (?:me|us)|y9tlni|y9tlouni|y9telni|"
        r"y9tlna|tuer les enfants|he ll kill|he will kill|yo2tuloni|yu2tuluni|yaqtuluni|y2tlni|"
        r"y2tolni|ye2telni|yi2telni|ya2tolni",
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
    "laugh": _rx(
        r"lol|mdr|ptdr|haha\w*|hihi|lmao|hhh\w*|hahaha|xd|jk|joke|blague|n9sser",
        r"ههه\w*|نكته|😂+|🤣+",
    ),
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


_SET = PatternSet(CONCEPTS)


# Arabizi writes the article on the word: "lmous" (the knife), "lbenzine", "ssekkin" (the sun
# letters double: s-sekkin, d-dwa). Concepts are also looked for in the words without it. Words
# where a plain French or English word would lose a real letter are left alone.
_ARTICLE = re.compile(r"\b(?:l|([sdtnrz])(?=\1))(?=[a-z0-9]{3})")
_KEEP_ARTICLE = frozenset({"larmes"})


def _without_article(norm: str) -> str:
    words = [w for w in norm.split() if w.isascii() and w not in _KEEP_ARTICLE]
    return " ".join(_ARTICLE.sub("", w, count=1) for w in words if _ARTICLE.match(w))


@lru_cache(maxsize=512)  # featurise() and the risk signals ask for the same text in one parse
def _names(norm: str) -> tuple[str, ...]:
    found = set(_SET.present(norm))
    bare = _without_article(norm)
    if bare:
        found.update(_SET.present(bare))
    return tuple(sorted(found))


def concept_names(norm: str) -> list[str]:
    """Names of the concepts present in a normalised text, sorted."""
    return list(_names(norm))


def concept_features(norm: str) -> list[str]:
    """Each concept present, and each pair of concepts present (as features)."""
    names = concept_names(norm)
    feats = ["c " + n for n in names]
    feats += ["c " + a + "+" + b for a, b in combinations(names, 2)]
    return feats
