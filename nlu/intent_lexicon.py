"""Topic keywords per intent, across French, English, Arabic script and Arabizi.

Why: with ~70 examples per intent and language, many everyday words ("aveugle", "blanket",
"عمياء", "bttaniya") occur once or never in the training data, so the model cannot weigh them.
One feature per intent topic ("t disability") fires for the keyword in any language; its weight is
learned from every language's examples and so carries over to words the data never showed in
that language. These are hints, not rules: the model decides how much each one counts.
Patterns run on normalised text (see normalise.py).
"""

from __future__ import annotations

import re

from nlu.patterns import PatternSet, keywords

_rx = keywords


TOPICS: dict[str, re.Pattern[str]] = {
    "greet": _rx(
        r"bonjour|bonsoir|salut|coucou|hello|hi|hey|good (morning|afternoon|evening)|salam|slm|"
        r"salamou|ahlan|mar7ba|marhaba|labas|sba7 lkhir|sbah lkhir|msa lkhir",
        r"السلام|سلام|مرحبا|اهلا|صباح الخير|مساء الخير|لاباس عليك",
    ),
    "goodbye": _rx(
        r"au revoir|a plus|a bientot|a demain|bonne (nuit|soiree|journee)|bye|goodbye|good ?night|"
        r"see you|later|ciao|bslama|bsslama|tsb7 3la khir|tsba7 3la khir|"
        r"nchoufk|ntlaqaw|ma3a salama|m3a salama",
        r"مع السلامه|بسلامه|تصبح علي خير|تصبحو|نتلاقاو|الي اللقاء|الله يسهل|نشوفك",
    ),
    "thanks": _rx(
        r"merci|thanks|thank you|thx|chokran|choukran|shukran|shokran|baraka ?(allahu|lahou) fik|"
        r"lah y?7fdk|allah ybarek|ljazak|jazak|grateful|reconnaissant",
        r"شكرا|شكران|بارك الله|الله يحفظك|جزاك|الله يجازيك|يعطيك الصحه|الله يرحم الوالدين",
    ),
    "affirm": _rx(
        r"oui|ouais|wi|ok|okay|d accord|dac|yes|yeah|yep|sure|correct|exactement|exactly|ah|iyeh|"
        r"iyah|wakha|wakhha|ayeh|aywa|na3am|n3am|safi|mzyan",
        r"نعم|ايه|اه|واخا|ايوه|صافي|موافق|تمام|مزيان",
    ),
    "deny": _rx(
        r"non|nan|no|nope|not now|pas maintenant|la|lla|lala|machi|mashi|mabghitch|walou|"
        r"never mind|laisse tomber",
        r"^لا|لالا|ماشي|لا شكرا|ما بغيتش|مش عايز|لا ابدا",
    ),
    "help_menu": _rx(
        r"menu|options?|services?|que (pouvez|peux) (vous|tu)|what can you do|"
        r"comment ca marche|aide moi a comprendre|chno kayn|chno t9dr|chnou kadir|"
        r"what do you offer",
        r"المنيو|القائمه|الخدمات|شنو كاين|شنو تقدر|شو بتقدر|اش كدير|شو فيك",
    ),
    "change_language": _rx(
        r"francais|french|anglais|english|arabe|arabic|darija|l3arbia|bl3arbia|langue|language|"
        r"parle[rz]?|speak|lugha|loughat?",
        r"بالعربيه|العربيه|الفرنسيه|الانجليزيه|بالفرنسيه|بالدارجه|الدارجه|لغه|اللغه",
    ),
    "legal_aid": _rx(
        r"avocats?|lawyers?|attorney|tribunal|court|juge|judge|proces|case|dossier|plainte|"
        r"complaint|aide juridique|legal|juridique|mou7ami|m7ami|mo7ami|l7a9 dyali|d3wa|da3wa|"
        r"lmahkama|ma7kama|interprete|interpreter|traducteur|appel|recours",
        r"محامي|المحكمه|محكمه|قاضي|دعوي|شكايه|مساعده قانونيه|قانوني|ترجمان|مترجم|قضيه",
    ),
    "asylum": _rx(
        r"asile|asylum|refugies?|refugees?|hcr|unhcr|mofawadiya|lmofawadiya|statut|rsd|"
        r"demandeur|seeker|carte de refugie|laji2|laji|entretien|interview",
        r"لجوء|اللجوء|لاجي|لاجئ|المفوضيه|مفوضيه|طالب لجوء|بطاقه اللاجي",
    ),
    "residence_papers": _rx(
        r"papiers?|carte de sejour|sejour|titre|regularisation|passeports?|passport|documents?|"
        r"residence|residency|permit|acte de naissance|birth certificate|consulat|consulate|"
        r"lwra9|wra9|lkarta|karta|l9ama|i9ama|recepisse|visa expire|lbasbor|paspor",
        r"الوراق|اوراق|الاوراق|بطاقه الاقامه|الاقامه|اقامه|لاكارط|الكارطه|جواز|باسبور|الباسبور|"
        r"عقد الازدياد|شهاده ولاده|شهاده الميلاد|القنصليه|تسويه",
    ),
    "arrest_detention": _rx(
        r"arrete|arreter|arrestation|arrested|police|policiers?|flics|garde a vue|custody|"
        r"detained|detention|prison|jail|expulse|expulsion|deport\w*|refoul\w*|rafle|raid|"
        r"commissariat|lboulis|boulis|chedouni|cheddouni|cheddo|chedo|l7abs|7abs|r7louni|"
        r"rahlouni|janoub|sud du maroc|the south",
        r"البوليس|الشرطه|شرطه|شدوني|شدو|قبضو|اعتقل|معتقل|الحبس|السجن|رحلوني|ترحيل|طردوني للحدود|"
        r"الجنوب|الكوميسارية|الكوميساريه|الرافل",
    ),
    "child_protection": _rx(
        r"enfants? (seul|non accompagne|dans la rue|maltraite)|mineurs?|minor|unaccompanied|"
        r"child (alone|abuse|labou?r)|children (alone|working)|orphelin|orphan|kid (alone|beaten)|"
        r"j ai (1[0-7]|[5-9]) ans|i am (1[0-7]|[5-9])|3ndi (1[0-7]|[5-9]) 3am|qaser|9aser|"
        r"tfl|drri sghir|pikin",
        r"قاصر|طفل|اطفال|الطفل|يتيم|دري صغير|عندي (1[0-7]|[5-9]) سنه|عمري (1[0-7]|[5-9])",
    ),
    "violence_women": _rx(
        r"mon mari|my husband|rajli|zawji|jozi|violee?|viol|rape|raped|harcel\w*|harass\w*|"
        r"battue|beats me|bat|femme battue|mariage force|forced marriage|yzwjouni|excision|fgm|"
        r"violence conjugale|domestic violence|ex mari|my ex|ghtasb\w*",
        r"زوجي|راجلي|جوزي|اغتصب|اغتصاب|تحرش|يتحرش|العنف|معنفه|المعنفات|زواج بالقوه|زوجوني|"
        r"يعتدي|اعتدي علي",
    ),
    "trafficking": _rx(
        r"passeport (confisque|garde|pris)|took my passport|kept my passport|dette|debt|"
        r"prostitu\w*|sold|vendu|vendue|reseau|network|traffick\w*|traite|exploit\w*|"
        r"forced to work|force a travailler|sans pouvoir partir|can t leave|"
        r"won t let (me|us) leave|"
        r"madam|madame du reseau|boss|l3issaba",
        r"الدعاره|باعوني|الشبكه|الدين|شادين الباسبور|داو ليا الباسبور|ما خلاونيش نخرج|العصابه|"
        r"اخذ جواز|اخذو جواز|صادر جواز|حجز جواز|احتجز جواز|لا استطيع المغادره|ما نقدرش نمشي|"
        r"الاتجار|محبوسين",
    ),
    "disability": _rx(
        r"handicap\w*|disab\w*|fauteuil roulant|wheelchair|chaise roulante|aveugle|blind|sourd|"
        r"deaf|muet|mute|autis\w*|trisomi\w*|down syndrome|paralys\w*|amput\w*|"
        r"bequilles|crutches|m3a9|mo3a9|a3ma|3amya|atrach|trech|"
        r"koursi mota7arrik|prothese|prosthe\w*|mental delay|retard mental",
        r"اعاقه|معاق|معاقه|الاعاقه|كرسي متحرك|اعمي|اصم|اطرش|"
        r"التوحد|مشلول|شلل|تاخر ذهني|بتر",
    ),
    "health": _rx(
        r"malade|sick|ill|hopital|hospital|sbitar|medecin|doctor|docteur|tbib|tbiba|medicaments?|"
        r"medicine|pills?|dwa|dawa|fievre|fever|douleur|pain|mal (a|au|aux)|"
        r"enceinte|pregnan\w*|7amla|vaccin\w*|clinique|clinic|dispensaire|soins|blessure|wound|"
        r"injur\w*|diabet\w*|tension|asthm\w*|dents?|tooth\w*|ordonnance|prescription|pharmac\w*|"
        r"toux|cough\w*|infect\w*|kaydrni|kayderni|mrid|mrida|tousse|vomi\w*",
        r"مريض|مريضه|مرض|سبيطار|المستشفي|مستشفي|طبيب|الطبيب|دوا|الدوا|دواء|السخانه|حمي|وجع|"
        r"حامل|حامله|كيضرني|مصحه|صيدليه|السكر|ضغط الدم|جرح|الكحه|كنكح",
    ),
    "shelter": _rx(
        r"logement|loger|dormir|sleep|sleeping|dors|rue|street|dehors|outside|toit|roof|"
        r"hebergement|shelter|housing|foyer|chambre|room|loyer|rent|expuls\w* du logement|"
        r"evict\w*|proprio\w*|landlord|kicked out|mis dehors|sans abri|homeless|nn3es|n3es|"
        r"blasa fin|fin nbat|nbat|bit|dar|lkra|kra|l7out|mol dar",
        r"ننعس|نبات|فين نبات|الزنقه|السكن|سكن|الكرا|كرا|مول الدار|جراني|خرجونا من الدار|بلاصه|"
        r"ماوي|بيت|شقه|غرفه|مشردين|في الشارع",
    ),
    "food_hygiene": _rx(
        r"nourriture|manger|faim|food|hungry|eat|makla|mekla|akl|jo3|jou3|couches?|diapers?|"
        r"likouch|lait|milk|7lib|formula|savon|soap|hygien\w*|serviettes|pads|couvertures?|"
        r"blankets?|battaniya|bttaniya|mtr7|matelas|mattress|vetements|habits|clothes|7wayj|"
        r"colis|parcel|kit|riz|rice|pain|bread|khobz|9ffa|panier",
        r"ماكله|الماكله|اكل|الاكل|جوعان|الجوع|حليب|ليكوش|حفاضات|صابون|فوط|بطانيه|مطرح|"
        r"حوايج|ملابس|قفه|خبز|الخبز",
    ),
    "cash_assistance": _rx(
        r"argent|sous|money|cash|flous|lflous|fulus|frank|allocation|allowance|transfert|"
        r"transfer|aide financiere|financial|payer (le|les|mon)|mosa3ada maliya|"
        r"dirhams?|dh|floos",
        r"فلوس|الفلوس|مصاريف|منحه|مساعده ماليه|الدراهم|مصاري|الفاتوره|فاتوره",
    ),
    "education_training": _rx(
        r"ecole|school|scolari\w*|inscri\w* (a l ecole|mon fils|ma fille)|formation|training|"
        r"cours|courses?|classes?|apprendre|learn\w*|universit\w*|diplome|diploma|etudes|study|"
        r"studies|lmadrasa|madrasa|9raya|nqra|n9ra|ta3lim|apprentissage|alphabetisation",
        r"المدرسه|مدرسه|القرايه|نقرا|تكوين|دروس|الجامعه|جامعه|دبلوم|شهاده|تعليم|نتعلم|محو الاميه",
    ),
    "work_rights": _rx(
        r"travail|travaille|boulot|job|work|working|emploi|employeur|employer|patron|boss|"
        r"salaire|salary|wage|paid|pay|paie|payer|contrat|contract|chantier|construction|"
        r"licencie|vire|fired|khedma|khdma|lkhedma|lpatron|khlssni|khelsni|cnss|permis de travail",
        r"خدمه|الخدمه|نخدم|الباطرون|الخلاص|خلصني|ما خلصنيش|عقد العمل|الشانطي|العمل|شغل|الشغل|"
        r"المعلم|طردني من الخدمه",
    ),
    "voluntary_return": _rx(
        r"rentrer (chez moi|au pays|dans mon pays)|retour(ner)?|go (back )?home|return\w*|"
        r"back to my country|oim|iom|rapatri\w*|repatriat\w*|nrje3|nrj3|nerja3|bladi|lblad",
        r"نرجع|الرجوع|العوده|بلادي|لبلادي|المنظمه الدوليه للهجره|ترحيل طوعي|عوده طوعيه",
    ),
    "psychosocial": _rx(
        r"triste|sad|deprim\w*|depress\w*|stress\w*|angoiss\w*|anxi\w*|peur|scared|afraid|"
        r"seul|seule|lonely|alone|pleure|cry|crying|dormir pas|can t sleep|insomni\w*|"
        r"cauchemars?|nightmares?|trauma\w*|moral|mental|mdey9|mdi9|m9elle9|9al9|7zin|7zina|"
        r"bki|kanbki|kwabis|fdfd|tir7a|ghorba",
        r"حزين|حزينه|حزن|مقلق|قلقان|القلق|خايف|خايفه|الخوف|بوحدي|وحيد|كنبكي|ما كنعسش|كوابيس|"
        r"ضغط نفسي|مكتئب|الاكتئاب|مضيق|مقهور|نفضفض|الغربه|تعبان نفسيا",
    ),
    "talk_to_human": _rx(
        r"humain|human|personne reelle|real person|conseill\w*|counsell?or|agent|operat\w*|"
        r"quelqu un|someone|somebody|rappel\w*|call (me )?back|appele[rz]? moi|parler a|talk to|"
        r"speak to|nhder m3a|nhdar m3a|3ayto liya|3ayet liya|chi wa7d",
        r"بنادم|شخص|مستشار|مستشاره|نهضر مع|نتكلم مع|اتصلو بي|عيطو ليا|عيط ليا|احد يتصل",
    ),
    "checkin_subscribe": _rx(
        r"chaque semaine|every week|weekly|hebdo\w*|regulierement|regularly|suivi|follow ?up|"
        r"check (on|in)|prendre de mes nouvelles|kol simana|kol jem3a|tsowlo 3liya|tswlo 3liya|"
        r"rappels?|reminders?",
        r"كل سيمانه|كل اسبوع|كل جمعه|تسولو عليا|تسالو عني|المتابعه|تتبعوني|بشكل منتظم",
    ),
    "checkin_unsubscribe": _rx(
        r"arret\w*|stop|desinscri\w*|unsubscribe|plus de messages|no more|don t (send|text)|"
        r"ne m envoyez plus|cancel|annule\w*|7bso|7bes|ma tb9awch|ma b9itch bagh|w9ef",
        r"حبسو|وقفو|بلا ما|ما تبقاوش|ما بقيتش باغي|الغي|الغاء|لا ترسل|ما تبعتو|وقف الرسايل",
    ),
    "delete_my_data": _rx(
        r"suppr\w*|effac\w*|delete|erase|remove|forget me|oublie[rz]? moi|donnees|data|"
        r"historique|history|conversations?|mes messages|my messages|ms7|msa7|m7i",
        r"امسح|مسح|احذف|حذف|المعطيات|البيانات|المحادثه|الرسايل ديالي|معلوماتي|انساني",
    ),
    "out_of_scope": _rx(
        r"meteo|weather|pluie|rain|foot\w*|match|recette|recipe|blague|joke|bitcoin|crypto\w*|"
        r"visa (pour|for|l) (la )?(france|europe|canada|espagne|usa|amerique)|lottery|loterie|"
        r"film|movie|musique|music|chanson|song|jeu|game|qui t a (cree|fait)|who made you|"
        r"t es qui|who are you|chkoun nta|tajine",
        r"الطقس|الجو|الشتا|الماتش|الكوره|كره القدم|مباراه|وصفه|نكته|بيتكوين|فيزا لاوروبا|"
        r"فيلم|اغنيه|شكون نتا|"
        r"الطاجين|عاصمه",
    ),
}


_SET = PatternSet(TOPICS)


def topic_features(norm: str) -> list[str]:
    """One feature per intent topic whose keywords appear in the normalised text."""
    return ["t " + name for name in _SET.present(norm)]
