"""Word lists and sentence frames the realistic profile combines into each actor's own sentences.

Written for this project at the level of the published typologies (euphemisms, never explicit
content); nothing is copied from real ads. A frame is a tuple of slot lists: one choice per slot,
joined by spaces. With 10-40 choices per slot, two actors almost never draw the same sentence,
so each advertiser's wording is her own while the vocabulary stays shared, as in real markets.
"""

from __future__ import annotations

Frame = tuple[tuple[str, ...], ...]

_ADJ_EN = ("sweet", "bubbly", "classy", "playful", "genuine", "petite", "curvy", "friendly", "down to earth",
           "laid back", "upbeat", "charming", "elegant", "warm", "fun loving", "easygoing", "adventurous",
           "discreet", "polished", "witty", "caring", "spontaneous", "gentle", "vibrant", "sassy",
           "sophisticated", "soft spoken", "open minded", "energetic", "exotic", "stunning", "cheerful",
           "graceful", "flirty", "chill", "mature", "outgoing", "attentive", "relaxed", "radiant")
_NOUN_EN = ("girl", "lady", "companion", "woman", "sweetheart", "beauty", "doll", "angel", "diva", "treat",
            "muse", "girl next door", "goddess", "princess", "lady friend")
_OPEN_EN = ("I'm a", "I am a", "Just a", "Your", "A truly", "Such a", "Always a", "Meet your", "I'm your",
            "The most", "Simply a", "Definitely a")
_CONJ_EN = ("and", "&", "yet", "but also", "and very", "n")

EN: tuple[Frame, ...] = (
    (_OPEN_EN, _ADJ_EN, _CONJ_EN, _ADJ_EN, _NOUN_EN),
    (("Come", "Stop by and", "Why not", "Let's", "Come and", "Hurry and"),
     ("enjoy", "spend", "share", "have", "unwind with", "relax with"),
     ("a relaxing time", "some quality time", "an unforgettable hour", "a fun evening", "a sweet escape",
      "a little getaway", "good conversation", "the best part of your day", "a calm moment", "some fun"),
     ("with me", "together", "in my company", "with your favorite girl", "you deserve", "tonight", "today")),
    (("Let me", "Allow me to", "I will", "I promise to", "I'd love to", "I know how to"),
     ("make", "turn", "brighten", "sweeten", "finish", "start"),
     ("your day", "your evening", "your week", "your night", "your weekend", "your lunch break"),
     ("unforgettable", "a little better", "so much brighter", "worth it", "perfect", "special", "amazing")),
    (("Available", "Open", "Here", "Ready", "Around", "In town"),
     ("late night", "early mornings", "all weekend", "during lunch", "after work", "most days",
      "for a limited time", "until Sunday", "till late", "by appointment"),
     ("", "only", "for you", "babe", "hun", "love", "daddy", "boo")),
    (("Respectful", "Generous", "Clean", "Polite", "Mature", "Discreet", "Serious", "Professional", "Kind",
      "Established", "Nice", "Sweet"),
     ("gentlemen", "guys", "men", "clients", "callers", "texters", "friends"),
     ("only", "preferred", "welcome", "are my favorite", "always welcome", "get my attention")),
    (("No", "Absolutely no", "Sorry no", "Please no", "Strictly no"),
     ("blocked calls", "rude texts", "games", "time wasters", "private numbers", "drama", "haggling",
      "last minute calls", "emails", "explicit texts", "rushing"),
     ("", "please", "thank you", "ever", "at all", "sorry")),
    (("Text", "Call", "Call or text", "Message", "Text me", "Hit me up", "Reach out", "Txt"),
     ("first", "anytime", "now", "for details", "to set up a time", "for my availability", "to book",
      "before you come", "with your name and time", "ahead"),
     ("", "xoxo", "kisses", "hun", "babe", "sweetie")),
    (("Screening", "Light screening", "Simple screening", "Quick screening", "Reference screening"),
     ("required", "needed", "is a must", "for your safety and mine", "for new friends"),
     ("", "no exceptions", "thank you", "sorry", "please understand")),
    (("You", "You really", "Trust me you", "I promise you", "Honestly you", "Baby you"),
     ("won't", "will not", "wont", "never"),
     ("be disappointed", "regret it", "forget me", "want to leave", "find better", "want to miss this")),
    (("My pictures are", "All photos", "Pics", "My photos"),
     ("100% real", "recent", "all me", "current", "genuine", "verified", "real and recent"),
     ("", "no surprises", "what you see is what you get", "no catfish", "i promise")),
    (("Incall", "Outcall", "Incall and outcall", "Upscale incall", "Private incall", "Hotel incall"),
     ("near the airport", "near downtown", "close to the freeway", "by the mall", "off the strip",
      "in a quiet area", "in a safe location", "with easy parking", "near the convention center"),
     ("", "clean and safe", "very discreet", "private", "upscale", "comfortable")),
)

_ADJ_ES = ("dulce", "cariñosa", "discreta", "alegre", "educada", "coqueta", "tranquila", "hermosa", "divertida",
           "elegante", "atenta", "simpática", "tierna", "complaciente", "linda")
ES: tuple[Frame, ...] = (
    (("Soy una", "Soy tu", "Una", "Chica"), _ADJ_ES, ("y", "muy", "y muy"), _ADJ_ES,
     ("latina", "chica", "mujer", "amiga", "compañera", "muñeca")),
    (("Ven a", "Vamos a", "Te invito a"), ("pasar", "disfrutar", "compartir", "vivir"),
     ("un buen rato", "una tarde tranquila", "momentos especiales", "una noche bonita", "un rato agradable"),
     ("conmigo", "juntos", "amor", "papi", "")),
    (("Disponible", "Atiendo", "Aquí estoy"), ("todos los días", "en la noche", "fines de semana", "temprano",
                                               "hasta tarde", "por cita"), ("", "amor", "papi", "cariño")),
    (("Solo", "Únicamente", "Nada más"), ("caballeros", "hombres", "clientes", "señores"),
     ("respetuosos", "educados", "serios", "limpios", "generosos")),
    (("Llámame", "Escríbeme", "Mándame mensaje", "Marca"), ("ya", "ahora", "para citas", "primero", "sin pena"),
     ("", "besos", "amor")),
)

_ADJ_ZH = ("温柔", "体贴", "漂亮", "可爱", "性感", "安静", "甜美", "大方", "热情", "清纯", "优雅", "高挑")
ZH: tuple[Frame, ...] = (
    (("本人", "我是", "新到"), _ADJ_ZH, ("又", "而且", "超级"), _ADJ_ZH, ("美女", "女孩", "佳人", "妹妹")),
    (("环境", "房间", "地点"), ("干净", "安全", "私密", "舒适", "高档"), ("停车方便", "欢迎光临", "随时预约", "")),
    (("只接", "欢迎"), ("绅士", "有礼貌的客人", "老板", "朋友"), ("", "谢谢", "非诚勿扰")),
    (("先", "请"), ("短信", "电话", "微信"), ("预约", "联系", "咨询"), ("", "谢谢", "亲")),
)

FRAMES: dict[str, tuple[Frame, ...]] = {"en": EN, "es": ES, "zh": ZH}

# Intro lines: the sentence where a name and an age are planted. {name} and {age} become entities.
INTRO: dict[str, tuple[str, ...]] = {
    "en": ("Hi gentlemen I'm {name}, {age}", "Hey loves, {name} here ({age})", "My name is {name} and I'm {age}",
           "It's {name} {age} yrs young", "{name} | {age} | new face", "Hello, I am {name}, {age} years old",
           "Hiii I'm {name} {age}", "Call me {name}. Age {age}", "{name} here, {age} and ready",
           "Sweet {name} {age}"),
    "es": ("Hola soy {name}, tengo {age} años", "{name} {age} años", "Hola amor, soy {name} de {age}"),
    "zh": ("我是{name} {age}岁", "{name} {age}岁 新到"),
}
# Operator voice (third person): the typologies' "my girls", "ask for", "she is".
INTRO_THIRD: dict[str, tuple[str, ...]] = {
    "en": ("Ask for {name}, she is {age}", "My girl {name} ({age}) is ready", "{name} is {age} and new in our team",
           "We have {name}, {age}, available now", "Meet {name}: {age}, sweet and ready",
           "Daddy's girl {name} {age}"),
    "es": ("Pregunta por {name}, ella tiene {age}", "Tenemos a {name} de {age} años"),
    "zh": ("找{name} {age}岁", "新到{name} 今年{age}岁"),
}
THIRD_EXTRA: dict[str, tuple[str, ...]] = {
    "en": ("We have new girls every week", "2 girl special available", "My girls are waiting for you",
           "Ask about our other girls", "Daddy books only", "Driver available"),
    "es": ("Tenemos chicas nuevas cada semana", "Pregunta por las otras chicas"),
    "zh": ("多位美女 每周新到", "还有其他美女"),
}
CONTACT: dict[str, tuple[str, ...]] = {
    "en": ("Text me: ", "Call or text ", "☎ ", "Txt only ", "Book now ", "Contact: ", "Phone: ", "Hit me up "),
    "es": ("Llámame: ", "WhatsApp ", "Tel ", "Cel: "),
    "zh": ("电话: ", "联系 ", "预约 "),
}
TITLE_CORE: dict[str, tuple[str, ...]] = {
    "en": ("{e} {name} {e} {adj} {noun}", "{adj} {noun} {name} available now", "{e}{e} {name} {e}{e}",
           "NEW {name} {adj} {noun} {e}", "{name} ~ {adj} & {adj2} ~", "{adj} and {adj2} {name} {e}",
           "{e} Your {adj} {noun} {name} {e}", "{name} {e} {city} {e}", "LAST DAYS {name} {e}",
           "{adj} {name} tonight {e}"),
    "es": ("{e} {name} {adj} latina {e}", "{name} chica {adj} {e}", "Nueva {name} {e}"),
    "zh": ("{e} {name} {adj} 美女 {e}", "新到 {name} {e}"),
}
# Phrases a title grows with, up to the fitted title length.
TITLE_MORE: dict[str, tuple[str, ...]] = {
    "en": ("come visit", "available now", "come see me", "last night here", "incall specials", "100% real",
           "screening required", "let's have fun", "don't miss out", "real pics", "upscale and discreet", "ready for you",
           "your dream girl", "sweet and classy", "call me now", "limited time only", "best in town",
           "unforgettable time", "Mon-Sun", "early birds welcome"),
    "es": ("recién llegada", "disponible ahora", "fotos reales", "llámame", "nueva en la ciudad"),
    "zh": ("新到", "真实照片", "欢迎预约", "只待几天"),
}
TITLE_ADJ: dict[str, tuple[str, ...]] = {"en": _ADJ_EN, "es": _ADJ_ES, "zh": _ADJ_ZH}
TITLE_NOUN: dict[str, tuple[str, ...]] = {"en": _NOUN_EN, "es": ("chica",), "zh": ("美女",)}

# Emoji an actor draws her palette from (U+1F300-1FAFF and U+2600-27BF, like the fitted count).
EMOJI_POOL = ("💋", "✨", "🌹", "💕", "🔥", "💎", "👑", "🌸", "💖", "⭐", "🍒", "🦋", "💦", "🍑", "😘", "😍", "🥰",
              "💗", "💜", "💙", "💛", "🌺", "🌷", "🍓", "👅", "😈", "💯", "🎉", "🥂", "🍾", "☀", "❤", "✔", "☎",
              "🌟", "💫", "🌈", "🎀", "👠", "👙", "💄", "😊", "😉", "🙈", "🤗", "🖤", "💌", "🏩", "🚗", "📱")
# Separator lines and runs of symbols some actors put between parts.
SEPARATORS = ("~*~*~*~", "•••", "━━━━━━", "=====", "-----", "***", "♡♡♡", "★★★", "~~~~~", "_____", "✿✿✿",
              "❤❤❤", "<><><>", "::::::")
# Line joins: a cleaned scrape flattens a post to one line; each actor separates her parts her way.
JOINERS = (" ", " ", " ", ". ", " ~ ", " | ", "!! ", " ... ", " * ", " - ")
ENDINGS = ("", "!", "!!", "...", " ~", "!!!", ".", " ;)", " xo")
SPANISH_BITS = ("hola papi", "besos", "te espero", "bienvenidos", "mi amor", "se habla español")
ENGLISH_BITS = ("new in town", "call me", "available now", "real pics", "kisses")

# Other posters (classifieds, personals, social posts, reviews) rarely repost: a few sentences of
# their own make each post theirs instead of a copy of one stock template.
OTHERS: dict[str, tuple[Frame, ...]] = {
    "classified": (
        (("Price is", "Asking", "Priced"), ("firm", "negotiable", "OBO", "fair", "as listed", "below value"),
         ("", "cash only", "no trades", "serious buyers only", "Zelle ok")),
        (("Pick up", "Pickup", "Can deliver", "Meet"), ("in", "near", "around"),
         ("downtown", "the north side", "the east side", "my area", "the mall", "the park", "the library")),
        (("Text", "Call", "Message me"), ("after 5pm", "anytime", "on weekends", "in the morning", "evenings"),
         ("", "please", "thanks", "no emails")),
        (("No", "Please no"), ("lowballers", "scammers", "holds", "shipping", "trades"), ("", "please", "sorry")),
        (("Available", "Still available", "Ready"), ("today", "this week", "now", "until sold", "this weekend"),
         ("", "first come first served", "if the ad is up")),
        (("Used", "Barely used", "In good shape", "Like new", "Well kept", "Some wear"),
         ("", "clean", "from a smoke free home", "from a pet free home", "works perfectly"), ("",)),
    ),
    "dating": (
        (("I enjoy", "I love", "Big fan of", "Into"), ("hiking", "cooking", "live music", "movies", "road trips",
         "the beach", "board games", "coffee shops", "dogs", "reading"), ("", "on weekends", "with friends")),
        (("Looking for", "Hoping to meet", "Want to find"), ("someone kind", "a good listener",
         "a partner in crime", "someone honest", "a friend first"), ("", "nearby", "who likes to laugh")),
        (("I work in", "Career in", "Working in"), ("healthcare", "construction", "teaching", "sales", "IT",
         "retail", "logistics"), ("", "and love it", "long hours but worth it")),
    ),
    "social": (
        (("lol", "honestly", "ngl", "tbh", "omg", "so"), ("what a day", "can't wait", "love this",
         "need coffee", "so tired", "best weekend", "who else"), ("", "!!", "haha", "😂", "🙌")),
    ),
    "review": (
        (("Overall", "Honestly", "All in all", "In short"), ("good experience", "fine", "as described",
         "would not repeat", "worth it", "nothing special"), ("", "YMMV", "just my two cents")),
    ),
}
