"""Curated risk phrases in French, English, Arabic script and Arabizi (on normalised text).

Patterns are written against `normalise()` output: lower case, no accents, apostrophes split
("j ai", "don t"), Arabic with ة→ه, ى→ي, أ/إ/آ→ا, ئ→ي, ؤ→و, no diacritics. Each list says what a
match means; `nlu/risk.py` decides how matches, negation, time and the model combine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from nlu.patterns import PatternSet, top_level

_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile("[a-z0-9]")


_SYNTAX = re.compile(r"\\[a-zA-Z]|\(\?:\^\| \)|\(\?: \|\$\)|\{\d+(,\d*)?\}")


class Lexicon:
    """Alternatives split by script: a text only pays for the patterns of the scripts it
    contains (one big alternation costs every alternative at every position)."""

    def __init__(self, parts: tuple[str, ...]) -> None:
        alternatives = [a for p in parts for a in top_level(p)]
        arabic = [p for p in alternatives if _ARABIC.search(p)]
        latin = [p for p in alternatives if not _ARABIC.search(p)]
        for p in arabic:
            if _LATIN.search(_SYNTAX.sub("", p)):
                raise ValueError(f"one alternative mixes Arabic and Latin script: {p!r}")
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
    r"\b(inconscient|inconsciente|evanoui|evanouie|ne se reveille pas|perdu connaissance|"
    r"perdent connaissance|perd connaissance)\b",
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
    r"(اقتل|نقتل|يقتل|تقتل) (نفسي|راسي|روحي|حالي)",
    # "I don't want to live" and "hurt myself" (the French and English ones are above).
    r"(?:^| )(ما|مش|لا) (بغيت|بغيتش|بدي|ابغي|اريد|عايز|عاوز|حاب|باغي) (ن|ا)?عيش(?:$| (?:حتى|حتي|"
    r"بعد|"
    r"اكثر|كثر|خلاص|صافي|نهائيا|ابدا|فهاد الدنيا|في هذه الدنيا|في الدنيا|الليله|دابا|وصافي))",
    r"(اذي|ناذي|نضر|اضر) (حالي|نفسي|راسي)",
    r"\bclose my eyes and never (open|wake)\b|\bnever open (them|my eyes) again\b|\b(won t|"
    r"will not|"
    r"wont) be a (problem|burden) (for|to) (anyone|anybody|you|nobody)\b",
    r"(بغيت|ابغي|نبغي|اريد|اود|بدي|عايز|عاوز|حاب|باغي|نحب) (ان )?(نموت|اموت|موت|الموت)",
    r"(انهي|ننهي|انهاء|اخلص من) (حياتي|عمري)|(نرمي|نلوح|ارمي) (راسي|نفسي)",
    r"(نشنق|اشنق) (راسي|نفسي)|(نجرح|اجرح|كنجرح) (راسي|نفسي|يدي)",
    r"اخر (رساله|مساج|ميساج)|قولو لمي|سامحوني",
    r"(شربت|كليت|بلعت|اخذت|خذيت) (الدوا|دوا|الحبوب|حبوب|كينة|الكينه|السم|سم)",
    r"(عم يضربني|عم يضربنا|قاعد يضربني|قاعد يضربنا|راه كيضربني|راه كيضربنا)",
    r"(حابسني|حابسينا|حابسيني|محبوسه|محبوس|محبوسين|مسدود علينا|سادين علينا|قفلو علينا|"
    r"مسكرين علينا|مخطوف|مخطوفه|مخطوفين)",
    r"(نزيف|كينزف|كتنزف|ينزف|تنزف|الدم بزاف|دم كثير|دم كتير)",
    r"(يختنق|تختنق|كيتخنق|كتتخنق|عم يختنق|عم تختنق)|\b(kaytkhne9|kattkhne9|3am yekhtene2|3am "
    r"tekhtene2)\b|\b(baby|child|kid|son|daughter|one|he|she|man|someone) (is |s )?choking\b|"
    r"\bchoking on\b",
    r"(ما كيتنفسش|ماكيتنفسش|ما كتتنفسش|ما قادرش نتنفس|مش قادر اتنفس|ما بيتنفس|لا يتنفس|"
    r"ما قادراش تتنفس|مخنوق)",
    r"(مغمي عليه|مغمي عليها|مغمى عليه|فاقد الوعي|فاقده الوعي|ما فاقش|ما كيفيقش|طاح وما)",
    r"(كتولد|بدات تولد|الطلق|راسها الما|ولاده الحين)",
    r"(تسمم|ازمه قلبيه|سكته قلبيه|نوبه|كيترعد)",
    # --- Arabizi (Latin-script Arabic)
    r"\b(bghit|bghiit|baghi|bagha|bade|badi|bdi|3ayez|3ayz|n7eb|nbghi|abghi) (n|a)?(mout|mot|"
    r"mut|moot|amut|amoot)\b",
    r"\b(nmout|nmot|nmut) (rasi|b rasi)\b|\b(n9tel|n9tl|nqtel|nqtl|naktol|a9tol|n9atel|nektel|"
    r"naktel|noktol|ne9tel|na9tel|e2tol|2e2tol) (rasi|raasi|nafsi|roo?7i|rou7i|rouhi|7ali)\b",
    r"\b(nentahar|nentehar|ntahar|ntehar|nt7ar|intihar|nte7er|n?nta7er|nenta7er)\b",
    r"\b(nrmi|nerma|nermi|nlo7|nlouh|nlou7|njre7|njr7|n9assas|nqassas|nj9e3) (rasi|raasi|nafsi|"
    r"rou7i|ro7i|rouhi)\b|\b(nchne9|nchna9|nchn9) rasi\b",
    r"\b(akhir|akher|a5er|lakhir) (risala|message|msg|mesaj)\b",
    r"\b(3am yedrobni|3am ydrobni|3am yedrbni)\b",
    r"\b(7absni|7absinna|7absina|m7bous|m7bousa|m7bousin|mhbousin|msdod 3lina|sado 3lina|"
    r"sdo 3lina|9eflo 3lina|9flo 3lina|m5touf|makhtouf|mkhtouf)\b",
    r"\b(kaynzf|kaynzef|kaytnzef|katnzf|katnzef|kinzef|nzif|d?dem bzaf|dm bzaf|dem kteer)\b",
    r"\b(bnezef|bnzef|kanzef|kanenzef|3am enzef|3am tenzef|3am yenzef|btenzef|byenzef)\b",
    r"\bma (kan9derch|kan9dorch|n9derch|n9dorch|9adrach|9adrch|9aderch) (ntnffes|ntnfs|ntnefs|"
    r"ntneffes|tetnffes|ttnfs|nttnffes)\b",
    r"\b(ma kaytnfsch|ma kaytnfsech|makaytnfsch|ma 9adrach ttnfs|ma 9adrch ntnfs|"
    r"ma 9aderch ntnfs|mch 9ader ntnfs|mesh 2ader at?nafas|mkhnou9)\b",
    r"\b(mghmi 3lih|mghmi 3liha|mghma 3lih|ma fa9ch|ma kayfi9ch|ta7 o ma fa9|fa9d lwa3y|"
    r"ma 3am yefi2|ma 3am yfi2|ma byefi2|ma bt?fi2|ma bghach yfi9|ma bghatch tfi9)\b",
    r"\b(katwled|bdat twled|kattwled|l6al9|tal9)\b",
    # --- families added after reading the cross-validation misses (stop 10); each is a way of
    # saying a danger that the phrases above did not cover, in every script where it occurs.
    # Killing oneself said in the present ("je me tue ce soir"), not "je me tue au travail".
    r"\bje me tue (ce|cette|maintenant|aujourd|demain|tout de suite|ici)\b|\bje me tue$",
    # Held: by force, for ransom, or kidnapped (someone or one's child).
    r"\b(me|nous) (retient|retiennent|gardent|garde|sequestre\w*)\b.*\b(peux|pouvons|peut) (pas|"
    r"plus) (m enfuir|nous enfuir|fuir|partir|sortir|m echapper|nous echapper)\b",
    r"\b(on m a|ils m ont|ils nous ont|on nous a) (enleve|enlevee|enleves|kidnappe|kidnappee)\b|"
    r"\b(i was|i ve been|i have been|we were|we ve been|we have been) (abducted|kidnapped)\b",
    r"\b(trapped|locked|held) in (a|the|this|my|our) (house|room|apartment|flat|warehouse|"
    r"basement|cellar|container|truck|garage)\b",
    r"\b(holding|keeping|hold|keep) us\b.*\b(until|till|unless)\b|\b(nobody|no one) (leaves|can "
    r"leave|goes out) (until|till|unless)\b|"
    r"\b(jusqu a ce que|tant que) (nos|notre) familles? (paie|paient|paye|payent)\b",
    r"(مختطف|مختطفه|مختطفين|خطفوني|خطفونا|خطفو ولدي|خطفو بنتي|خطفوا ابني|خطفوا بنتي)",
    r"\b(7absani|7absatni|7bsni|7bsatni|7bssni|khtfouni|khtfouh|khtfouha|khtef weldi|khtef bnti|"
    r"khtfo weldi|khtfo bnti|khtafouni)\b",
    # Someone breaking the door in.
    r"\b(cassent|defoncent|enfoncent|casse|defonce) (la|notre|ma) porte\b|\b(breaking|kicking|"
    r"smashing|bashing) (down |in )?(the|our|my) door\b",
    r"(كيكسرو|بيكسرو|يكسرو|حيكسرو|عم يكسرو|كيهرسو|بيكسروا|يكسروا) (\S+ )?(\S+ )?(الباب|باب)",
    r"\b(kaykssro|kaykesro|kayksro|kaykasro|bikasro|3am ykasro|kayhersso|kayherso) (\w+ )?(\w+ )?"
    r"l?bab\b",
    # Jumping from a height, said with the height.
    r"\b(sauter|jump|jumping|me jeter|throw myself)\b.*\b(toit|pont|fenetre|balcon|falaise|"
    r"immeuble|etage|roof|bridge|window|balcony|cliff|building|floor)\b|\b(toit|pont|fenetre|"
    r"balcon|falaise|roof|bridge|window|balcony|cliff|ledge)\b.*\b(je vais sauter|je saute|"
    r"i ll jump|i will jump|i m going to jump|i m jumping)\b",
    r"(السطح|سطح|سطوح|الجسر|جسر|الشباك|النافذه|البلكون|الحافه|الفالاز|الطبقه|القنطره).*"
    r"(?:^| )و?(انط|نط|هنط|رح انط|بدي انط|نقفز|اقفز|ساقفز|نلوح راسي|نرمي راسي|ارمي حالي)(?: |$)|"
    r"(?:^| )(بدي انط|بغيت نقفز|غادي نقفز|بدي اقفز|هنط) .*(السطح|سطح|الجسر|الشباك|النافذه|"
    r"البلكون|الحافه)",
    r"\b(sta7|s6o7|so6o7|stou7|jisr|l9ntra|lbalcon|chrjem|shebbak|falaise)\b.*\b(hanot|bade "
    r"not|bdi not|bghit nnot|ghadi nnot|ghadi n9fez|n9fez|a9fez|bade 2fez|nrmi rasi|nlo7 rasi)\b",
    # A vein cut, a rope prepared, not wanting to wake up (Arabic), a snake or scorpion bite.
    r"(جرحت|قطعت|قطعيت) (وريدي|عروقي|الوريد|العروق)|\b(jra7t|jr7t|9ta3t|9t3t) (wridi|3rou9i|"
    r"l3rou9|lwrid)\b|\b(cut|slit|opened) my veins?\b|\b(ouvert|coupe) les veines\b",
    r"(علقت|ربطت|وجدت|جهزت) (الحبل|حبل)|الحبل .*(علقتو|ربطتو|فالشجره|فالسقف)|\b(3l9t|rbtt|wjjdt) "
    r"l?7bel\b|\b(tied|hung|prepared) (the|a|my) (rope|noose)\b|\bnoose\b|\b(accroche|prepare|"
    r"attache) (la|une) corde\b|\bnoeud coulant\b",
    r"(?:^| )(ما|مش) (بدي|بغيت|بغيتش|عايز|عايزه|ابغي) (اصحي|نفيق|افيق|اصحا)",
    r"\b(bitten|bit|stung) by a (snake|scorpion)\b|\b(snake|scorpion) (bit|bite|stung)\b|"
    r"\b(mordu|mordue|pique|piquee) par (un|une) (serpent|scorpion)\b",
    r"(لدغ|لدغتو|لدغاتني|لدغتني|لدغها|لدغاتو|لدغاتها|لسعتو|لسعني|لسعتها|قرصتو|عضني|عضاتني) .*(حنش|"
    r"حيه|"
    r"عقرب|ثعبان|تعبان)|(حنش|حيه|عقرب|ثعبان|تعبان) (لدغ|لدغاتني|لدغني|لدغتني|لدغها|لدغو|لدغاتو|قرص|"
    r"عض)",
    r"\b(ldghat\w*|ldegh\w*|lad3at\w*|lad3et\w*|9rsat\w*|3ddat\w*) .*\b(7nech|l7nech|7anach|"
    r"3a9rab|l3a9rab|3a2raba|3a2rab|t3ban|ta3ban|7aya|7ayya)\b|\b(7nech|l7nech|3a9rab|l3a9rab|"
    r"3a2raba|3a2rab|t3ban|7aya|7ayya) (ldghat\w*|ldegh\w*|lad3at\w*|9rsat\w*)\b",
    # Drowning now.
    r"\b(se noie|se noient|is drowning|are drowning)\b|(كيغرق|كتغرق|كيغرقو|عم يغرق|عم تغرق)|"
    r"\b(kayghr9|kaytghr9|kayghre9|katghre9|3am yeghra2|3am teghra2)\b",
    # Chained or tied up, held by kidnappers or smugglers, held in a place.
    r"(ربطني|ربطوني|ربطونا|مربوط|مربوطه) (بالجنزير|بالسلسله|بالحبل|فال)|\b(rbatni|rbtouni|rbtni|"
    r"rbtouna) b\b|\b(chained|tied) (me|us)( up)?\b|\b(enchaine|enchainee|ligote|ligotee)\b",
    r"\b(ravisseurs|kidnappeurs|passeurs) (me|nous) (tiennent|retiennent|gardent)\b|\b(kidnappers|"
    r"smugglers) (are )?(holding|keeping) (me|us)\b|\b(khatfouni|5atafouni|khatafouni|khtfoni)\b",
    r"(محتجز|محتجزه|محتجزين|محتجزات) (في|ف|فال|فواحد) (مستودع|شقه|دار|بيت|فيلا|مخزن|كراج|غرفه|"
    r"الغابه)|(محتجز|محتجزه|محتجزين) عند (المهربين|عصابه|ناس)",
    # Putting an end to one's life (Arabic script), wanting to die (Yemeni, Gulf).
    r"(ندير|نحط|نضع|اضع) (حد|حدا) (ل|ال)?حياتي|نهايه (ل|ال)?حياتي",
    r"(اشتي|نشتي|ودي) (اموت|نموت)|\b(ashti|ashty|nishti|widdi) (amut|amoot|nmout|amout)\b",
    # Self-harm said of oneself or of someone else, and burns.
    r"(عم) (تقطع|يقطع|تجرح|يجرح) (حالها|حاله|نفسها|نفسه|يدها|ايدها)|(?:^| )(كويت|حرقت|نحرق|"
    r"كنكوي|كنحرق) (حالي|راسي|نفسي)",
    r"\b3am (te2ta3|t9ta3|ye2ta3|y9ta3|tjra7|yjra7) (7alha|7alo|nafsha|nafso|2idha)\b|\b(kwit|"
    r"7r9t|n7r9|7ara2t|kankwi) (7ali|rasi|nafsi)\b",
    # Poison, bleach or a whole box of pills swallowed (Arabizi; Arabic script is above).
    r"\b(chrbt|chrebt|shrebt|sherbt|shrabt|chrabt|blat|blet|bla3t|bl3t|bel3t|kleet|klit) (\w+ )?"
    r"(s?sem|s?semm|klorox|javel|jafil|mout l?fiiran|dwa (dyal |d )?l?fiiran)\b|\b(blat|blet|bla3t|"
    r"bl3t|bel3t|chrbt|khdit) (ga3|kolchi|kaml|kamlin|bzaf d) ?(l?7bob|l?7boub|l?dwa|"
    r"li f l3olba)\b",
    r"(شربت|بلعت|كليت) (الجافيل|جافيل|ماء جافيل|الكلوروكس|كلوروكس|دوا الفيران|سم الفيران)|"
    r"(بلعت|شربت|كليت) (كاع|كلشي|كامل|قاع) (الحبوب|الدوا|حبوب)",
    # Heart attack signs in Darija.
    r"(قلبي|صدري) .*(دراعي|ذراعي|يدي) .*(تخدر|تخدرات|مخدر|مخدره|ماتت)",
    r"\b(9lbi|sdri|sadri|9albi) .*\b(dra3|dra3i|yddi|idi) .*\b(tkhder|tkhdrat|mkhder|mkhdra)\b",
    # Heart stopped, collapsed and not responding.
    r"(قلبه|قلبها) (وقف|واقف|حبس)|\b(2albo|9lbo|albo|9albo|2alba|9lbha) (wa2ef|w9ef|wa9ef|7bes)\b",
    r"\b(we2e3|wa2a3|wi2i3|ta7|t7at|wa9e3)\b.*\b(ma (kayrd|kayjawb|byerod|byes2ini|kaytnfs|"
    r"byetnaffas|3am yetnaffas)|mesh (byerod|bi?rod))\b",
    r"(طاح|وقع|طاحت|وقعت) .*(ما كيردش|ما كيجاوبش|ما بيرد|ما بيتنفس|ما كيتنفسش|ما عم يتنفس)",
    # A young child lost or gone missing.
    r"\b(mon|ma) (fils|fille|enfant|petit|petite|bebe|petit frere|petite soeur)\b.*\b(a disparu|"
    r"disparu|disparue|introuvable)\b|\bmy (son|daughter|child|kid|baby|little (brother|sister))"
    r"\b.*\b(is missing|went missing|missing|disappeared)\b|\b(can t|cannot|can not) find (my|"
    r"our) (son|daughter|child|children|kids|baby)\b",
    r"(ضاع|تلف|ضاعت|تلفات) (ليا |لي |لينا )?(ولدي|بنتي|الدري|الدريه|ابني|طفلي|ولادي|البنت|الولد)|"
    r"(ولدي|بنتي|ابني|الدري|طفلي) (ضايع|ضايعه|مفقود|مفقوده|تلف|تلفات|ضاع|ضاعت)",
    r"\b(tlef|tlfat|da3|da3at|day3) (liya |lia |lina )?(weldi|bnti|binti|ebni|ibni|ldri|drari)\b|"
    r"\b(weldi|bnti|binti|ebni|ibni|ldri) (daye3|day3|da3|tlef|tlfat|mafqoud)\b",
    # Fire.
    r"\b(la maison|l immeuble|le camp|la tente|la chambre|l appartement) (brule|est en feu)\b|"
    r"\b(the|our|my) (house|building|room|tent|camp|flat|apartment) is on fire\b",
    r"(العافيه|النار) (شاده|شعلات|شعلت|كتشعل|شعلات ف)|حريق (ف|في) (الدار|البيت|المخيم|العماره)",
    r"\b(l3afia|l3afya) (chadda|chada|ch3lat|tch3lat|kat?ch3el)\b",
)

# Dangers that no "not", "yesterday" or "when" before them can undo: "I will not stop until I
# die", a message to be read "when" one is gone, a boat sinking. Only a resolved or an
# informational context softens them.
CRITICAL_FIRM = _rx(
    # A hunger (or thirst) strike to death.
    r"\bjusqu a (ce que je meure|ma mort|la mort)\b|\b(until|till) (i die|death|my death)\b",
    r"(حتى|حتي) (نموت|اموت|الموت)|(هذه|هادي|هاد) (رسالتي|الرساله) الاخيره|رسالتي الاخيره|\b(7ta|"
    r"7tta|hatta) (nmout|nmot|amut|lmout)\b",
    # A message meant to be read after one is gone.
    r"\b(when|once|if) you (read|get|see) this\b.*\b(gone|dead|no longer|not be here|won t be "
    r"here)\b|\b(quand|si|lorsque) vous (le |la |les )?(lirez|lisez|recevez)\b.*\b(parti|partie|"
    r"mort|morte|plus la|plus de ce monde)\b",
    r"\b(mli|mnin|ila|lama|lamma) (t9raw|t9ra|tqraw|t2raw|te2raw)\b.*\b(b3id|mchit|mayt|ma "
    r"b9itch|ma ra7 kun|ma kaynch)\b",
    # A boat at sea taking water or sinking.
    r"\b(on coule|nous coulons|we are sinking|we re sinking|(boat|dinghy) is sinking|(bateau|"
    r"zodiac|"
    r"canot|barque) (coule|prend l eau))\b|\b(zodiac|bateau|canot|barque|boat|dinghy)\b.*\b(l eau "
    r"rentre|taking (on )?water|water (is )?coming in)\b",
    r"(كنغرقو|غادي نغرقو|بدينا نغرقو|عم نغرق|القارب كيغرق|القارب يغرق|الفلوكه كتغرق|"
    r"الزودياك كيغرق)",
    r"\b(kangher9o|kanghr9o|ghadi ngher9o|ghadi nghr9o|bdina ngher9o|3am nghra2|3am ngher2)\b",
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
    # Followed, chased, or someone cutting herself: critical when it is happening now.
    r"\b(someone|a man|men|two men|they|people|somebody) (is|are|s|re) (following|chasing) (me|us)"
    r"\b|\b(un homme|des hommes|deux hommes|quelqu un|ils|des gens) me (suit|suivent|poursuit|"
    r"poursuivent)\b",
    r"(كيتبعوني|كيتبعني|بيلاحقوني|كيطاردوني|عم يلحقوني|جايين يقتلوني|جايين يذبحوني)",
    r"\b(kaytb3ouni|kaytab3ouni|kaytb3ni|kaytbe3ni|kayt?ba3ni|jayin yo2tuloni|jayin y9tlouni|"
    r"jayin yqtlouni)\b",
    r"(كتجرح|كيجرح|كتقطع|كيقطع) (راسها|راسو|حالها|يدها|يدو)|\b(katjre7|kayjre7|kat9te3|kay9te3) "
    r"(rasha|raso|yddha|yddo)\b",
    r"(اتعرض|نتعرض|كنتعرض|بتعرض|عم اتعرض) (لل|ل)(ضرب|اعتداء|اغتصاب)",
    r"\b(9fel|9flat|9flo|sedd|sddat|sdat|sakkar|sakkaret|sakkaro|a2fal|2afal) 3(li|le|la)(ya|yya|"
    r"yye|na|ina)\b",
    r"(قفل|قفلات|قفلو|سد|سدات|سكر|سكرت|سكرو|قفلت) (عليا|علي|علينا|عليي)",
    r"(راهم|هوما|راه) ورايا|\b(rahom|rah|homa) (wraya|mouraya|wrayaa)\b|(تابعني|كيتبعني|كيتبعوني) "
    r"(بالسكين|بالموس|بالجنوي)|\b(tab3ini|tab3ni|kaytb3ni|kaytb3ouni) b (s?sekkin|lmous|mous|"
    r"ljenwi|jenwi)\b",
    r"(سيقتلني|سيقتلونني|سيذبحني)",
    r"(هيموتني|حيموتني|رح يموتني|غادي يقتلني|بغا يقتلني|باغي يقتلني|بدو يقتلني|هيقتلني|حيقتلني|"
    r"يذبحني|يدبحني|يهددني بالقتل)|\b(ghadi y9telni|ghay9tlni|bgha y9tlni|bado yo2tolni|"
    r"hay2tolni|hymawetni|ghadi yqtlni)\b|\b(menace de me tuer|threatens to kill me|"
    r"threatening to kill me)\b",
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
    r"\b(meurs|meurt|mourir|mort|morte|creve|crever) (de|d) (travail|boulot|chaleur|stress|honte|"
    r"faim|soif|froid|chaud|rire|envie|"
    r"fatigue|sommeil|ennui|peur|impatience)\b",
    r"\b(chaleur|travail|boulot|attente|ennui|faim|froid|question|questions|tu|vous|ca|"
    r"ce) (me|nous) (tue|tuent)\b",
    r"\b(mort|morte|mdr|ptdr|mourir) de rire\b|\btuer le temps\b",
    r"\b(heat|work|job|wait|waiting|this|exam|traffic|hunger|cold|pain|shoes|you|questions|"
    r"boredom|rent|queue|line|prices|sun) (is|are|s|re)? ?killing me\b",
    r"\b(dying|die) (to|for) (see|meet|go|know|hear|eat|get|have|a)\b|\b(dying|died|dead) (of|"
    r"from|with) (hunger|laughter|laughing|boredom|thirst|cold|heat|embarrassment|curiosity)\b",
    r"\b(kill|killing) time\b|\bdead tired\b|\b(bored|scared|worried) to death\b|"
    r"\bkilled it\b",
    r"(قتلني|قاتلني|قتلاتني|قتلتني|كيقتلني|بيقتلني) ?(الجوع|البرد|الحر|الشوق|الضحك|بالضحك|"
    r"بالسؤال|بالاسئله|الانتظار|العيا|التعب)",
    r"(الجوع|البرد|الحر|الشوق|الانتظار|العيا|الخدمه|هاد الخدمه|الغربه|الشمس|الصهد|السخونيه) ?"
    r"(قتلني|قاتلني|قتلاتني|كتقتل|تقتل|قاتله|قاتلاني|قتلاتنا|قتلتنا|قاتلانا|كتقتلنا)",
    r"(موت|مت|ميت|ميته|نموت|بموت|كنموت|غنموت) (ديال الضحك|من الضحك|بالضحك|من الجوع|بالجوع|"
    r"من البرد|بالبرد|من الحر|عليك|عليكي|فيك|عليه|عليها|فيها|من التعب|بالعيا)",
    r"تقبرني|تقبريني|يقبرني",
    r"\b(9tlni|9etlni|9atlni|9atalni|9tlatni|9atlatni|9atlani|qtlni) (jo3|jou3|ljo3|ljou3|"
    r"lbrd|lbard|l7er|l7ar|d7k|dh7k|l3ya|tmara)\b",
    r"\b(jo3|jou3|ljo3|ljou3|lbrd|lbard|l7er|l7ar|lkhedma|lkhdma|l?ghorba|chems|chchems|"
    r"sahd|ssahd) (9tlni|9etlni|9atlni|9atalni|9tlatni|9atlatni|9atlani|kat9tl|t9tl|9tlatna|"
    r"9atlana|kat9telna)\b",
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
        "قط",
        "ابدا",
        "abadan",
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
    r"\bhadi (3am|3amayn|snin|\d+ snin|chhar|chhor|\d+ chhor|\d+ chhar)\b|(هادي|قبل) (عام|عامين|"
    r"سنين|"
    r"شهر|شهور|\d+ سنين|\d+ شهور)",
    r"(البارح|امس|الشهر اللي فات|الشهر الماضي|العام اللي فات|العام الماضي|السنه الماضيه|"
    r"السنه اللي فاتت|زمان|من قبل|قبل سنه|قبل سنتين|سابقا|في الماضي|كنت)",
)
RESOLVED = _rx(
    r"\b(maintenant|aujourd hui) (ca va|je vais (bien|mieux)|"
    r"je suis en securite)\b|\bje vais mieux\b|\bca va mieux\b",
    r"\b(now i am|i am|i m) (fine|better|ok|okay|safe|good) now\b|\bnow i am (fine|better|ok|"
    r"okay|safe)\b|\bi am better\b",
    r"\b(daba|db) (labas|mzyan|mezyan|hsen|ahsen)\b|\bl?(h|7)amd\w*|\bmrta7a?\b|\bmerta7a?\b|"
    r"\b(safe|better|fine|ok|okay|calm) now\b|\bnow i (am|m) (fine|better|ok|okay|safe|"
    r"good)\b|\ben securite\b|\bca va (un peu )?mieux\b",
    r"\b(no intention|pas l intention|ma 3ndich niya|ma 3ndi niya)\b",
    # Someone else is fine now; a stated non-intent ("but I won't do anything").
    r"\b(he|she) (is|s) (fine|ok|okay|better|safe) now\b|\bnow (he|she) (is|s) (fine|ok|okay|"
    r"better|safe)\b|\b(hes|shes) (fine|ok|okay|better) now\b|\b(il|elle) va (bien|mieux) "
    r"maintenant\b|\b(labas|mzyan|mezyan|bikhir|bkhir|hsen) daba\b|\bdaba (howa|hiya|rah|raha) "
    r"(labas|mzyan|mezyana)\b",
    r"\b(i will not|i won t|i wont|i m not going to|i am not going to|i will never) (do anything|"
    r"do "
    r"it|hurt myself|harm myself|act on it|do something stupid)\b|\b(i have|i ve got) no plan\b|"
    r"\b(je ne vais rien faire|je vais rien faire|je ne ferai rien|je ferai rien|j ai pas de plan|"
    r"je n ai pas de plan|je ne passerai pas a l acte|je vais pas le faire)\b",
    r"\b(ma ghadi ndir walou|ma ghadich ndir walou|ma ghadi ndir 7ta 7aja|ma 3ndi 7ta khetta|"
    r"ma 3ndich ljr2a|ma ra7 a3mel shi|mesh ha3mel 7aga|ma ra7 2ezi 7ali|ma ghadi n2di rasi)\b",
    r"(ما غاديش ندير والو|ما غادي ندير والو|ما رح اعمل شي|مش هعمل حاجه|ما عندي حتى خطه|"
    r"ما عنديش الجراه|ما رح اذي حالي|ما غاديش ناذي راسي|مش هاذي نفسي|ولكن ما غاديش ندير|"
    r"لاباس عليه دابا|دابا لاباس عليه|هو بخير الان|ولا مزيان|ولات مزيانه)",
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
    r"(دابا|الان|الآن|هلق|هلا|هسه|دلوقتي|هاد الساعه|الليله|الحين|دحين|ذحين)",
    # A state that began recently and goes on ("enfermee depuis hier", "since this morning").
    r"\bdepuis (hier|ce matin|cette nuit|hier soir|\d+ (jours|heures|h)|(deux|trois|quatre|cinq) "
    r"(jours|heures))\b|\bsince (yesterday|this morning|last night)\b|\bfor (\d+|two|three|four|"
    r"five) (days|hours)\b|\b(mn|men|min) (lbare7|lbar7|sba7|ssba7|s?sbah)\b",
    r"(من البارح|من امس|من الصباح|من الصبح|صار لي يومين|صار لنا يومين|هادي يومين|منذ يومين|"
    r"منذ (\d+|ثلاث|ثلاثه) (ايام|ساعات)|هادي (\d+|ثلاث|تلات|ربع|اربع) (ايام|يام))",
    r"\b(sarli|sar li|sarlna) (yomen|yumen|\d+ (iyam|ayam))\b|\bhadi (\d+|tlata|tlat|reb3a) "
    r"(iyam|ayam|lyamat)\b",
    r"\b(dhel7in|del7in|dl7in|l7in|dorka)\b",
    # Running away, or a cry for help, now.
    r"\b(je cours|i m running|i am running|we re running|we are running|ana kanjri|kanjri|"
    r"kanhreb|w ana jari|3am erkod)\b|(كنجري|وانا جاري|عم اركض|كنهرب)",
    r"(الحقوني|الحقونا|لحقوني|عتقوني|عتقونا)|\b(l7a9ouni|el7a9ouni|el7a2ouni|l7a2ouni|3t9ouni|"
    r"3te9ouni)\b",
)
# Held by the police or in detention: a legal emergency for the counsellor, not a danger to life
# ("je suis enferme au commissariat depuis hier"); a held phrase then softens to `elevated`.
CUSTODY = _rx(
    r"\b(police|policier|policiers|commissariat|garde a vue|prison|detention|retention|gendarmerie|"
    r"gendarmes|aeroport|airport|lmatar|lbolis|bolis|lboulis|lkomisariya|komisariya|l7abs|l7bs|"
    r"sijn)\b",
    r"(المطار|البوليس|بوليس|الشرطه|شرطه|الكوميساريه|الكوميسارية|الحبس|السجن|سجن|الدرك|"
    r"مركز الاحتجاز)",
)
# Shutting oneself in ("il reste enfermé dans sa chambre"): distress, not being held.
SELF_SHUT = _rx(
    r"\b(s est|se sont|me suis|m suis|reste|restes|restent|suis reste|suis restee) (enferme|"
    r"enfermee|enfermes|enfermees)\b|\b(shut|locked) (myself|himself|herself|"
    r"themselves) (in|up|away)\b|\b(stays|stay|staying) (locked|shut) in\b",
)

# Questions asked for information or on someone else's behalf ("what number do I call if
# someone is suicidal?"): never critical on a phrase alone.
INFO = _rx(
    r"\b(quel numero|what number|which number|number for|informations?|prevention|workshop|"
    r"atelier|que faire si|what do i do if|what should i do if|what to do if|how (can|"
    r"do) i help)\b",
    r"\b(chno ndir ila|ach ndir ila|ra9m dyal)\b",
    r"(شنو نعمل اذا|شنو نعمل الا|شنو الرقم|اش من رقم|معلومات|كيفاش نعاون|ماذا افعل اذا)",
)


# Which lexicons occur in a text, in one pass: most messages hold none, and then `signals()`
# runs no Python regex at all.
LEXICONS = {
    "critical": CRITICAL.whole,
    "critical_firm": CRITICAL_FIRM.whole,
    "critical_if_now": CRITICAL_IF_NOW.whole,
    "elevated": ELEVATED.whole,
    "idioms": IDIOMS.whole,
    "past": PAST.whole,
    "resolved": RESOLVED.whole,
    "habitual": HABITUAL.whole,
    "now": NOW.whole,
    "info": INFO.whole,
    "custody": CUSTODY.whole,
    "self_shut": SELF_SHUT.whole,
}
PRESENT = PatternSet(LEXICONS)
