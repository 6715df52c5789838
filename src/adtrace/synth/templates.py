"""Text templates per category and language, written for this project (nothing copied from real ads).

Wording stays at the level of the published typologies (euphemisms and indicators, never explicit).
Slots: {name} {age} {city} {price} {phone} {contact} {e} (emoji) {move} {youth} {sig} {hours} {wage}.
A template id is "<category>.<lang>.<index>"; network documents report "<network>:<template id>".
"""

from __future__ import annotations

EMOJI = ("💋", "✨", "🌹", "💕", "🔥", "💎", "👑", "🌸", "💖", "⭐")
YOUTH_EMOJI = ("🍭", "🎀", "🏫", "🍬", "🧸")

TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "escort": {
        "en": ("{e} {name} {e} upscale companion in {city}", "Classy and discreet {name} - {age}",
               "{name} {age} | incall/outcall {city}", "Sweet {name} available today {e}",
               "Genuine and friendly {name} ~ {city}"),
        "es": ("{e} {name}, {age} años - {city}", "Linda {name} disponible hoy {e}"),
        "zh": ("{e} {name} 温柔佳人 {city}", "{name} {age}岁 {city} 预约"),
    },
    "massage": {
        "en": ("Relaxing massage by {name} {e}", "Therapeutic massage - {city}", "{e} Deep tissue & Swedish {e}"),
        "es": ("Masaje relajante con {name} {e}",),
        "zh": ("{city} 专业按摩 {e}", "放松按摩 {name}"),
    },
    "imb": {
        "en": ("GRAND OPENING {e} Asian spa {city}", "New staff {e} spa open late", "{e} Best massage in {city} {e}"),
        "es": ("Spa nuevo en {city} {e}",),
        "zh": ("{city} 新开张 {e} 养生馆", "新到技师 {e} 营业到深夜"),
    },
    "network": {
        "en": ("{e}{e} {name} {age} {e} {city}", "NEW {e} {name} & friends {e} {city}", "{sig} {name} {age}",
               "{e} {name} ~ {city} ~ {e}"),
        "es": ("{e} {name} {age} nueva en {city} {e}",),
        "zh": ("{e} 新到 {name} {city}",),
    },
    "dating": {
        "en": ("{age} seeking a kind partner in {city}", "Looking for coffee and conversation",
               "Single and ready to meet someone real"),
        "es": ("Busco pareja en {city}",),
        "zh": ("{city} 交友",),
    },
    "classified": {
        "en": ("{year} {car} for sale", "Room for rent - {city}", "Handyman / repairs", "Moving sale",
               "Cleaning services {city}", "Apartment for rent", "Lawn care"),
        "es": ("Se vende {car}", "Rento cuarto"),
        "zh": ("房间出租 {city}",),
    },
    "review": {"en": ("Review: {name} ({city})", "Experience with {name} - {city}", "RE: {name} {phone_short}")},
    "social": {"en": ("",)},
    "job_legit": {
        "en": ("{role} - {city}", "Now hiring: {role}", "{role} wanted, {wage}/hr"),
        "es": ("Se solicita {role_es} en {city}",),
        "zh": ("招聘 {role_zh} {city}",),
    },
    "job_deceptive": {
        "en": ("Hostess jobs abroad {e} {wage} weekly", "Models & hostesses wanted - travel paid",
               "Easy work, big money {e}", "Girls 18-25 for hostess work abroad"),
        "es": ("Trabajo en el extranjero para señoritas {e}", "Se buscan edecanes 18-25, viaje pagado"),
        "zh": ("海外高薪招聘 {e} 包吃包住", "招女服务员 出国工作 日结"),
    },
}

BODIES: dict[str, dict[str, tuple[str, ...]]] = {
    "escort": {
        "en": (
            "Hi gentlemen {e} I'm {name}, {age}, independent and easygoing.\nUpscale companionship in {city}, "
            "incall or outcall.\nDonations: {price}\nText me: {phone}",
            "{e} {name} here {e}\nGenuine, discreet, mature gentlemen only.\nAvailable {hours} in {city}.\n"
            "{price}\n{phone}",
            "Treat yourself to good company {e}\n{name}, {age}, friendly and classy.\nScreening required, "
            "no rush.\nCall or text {phone}\n{price}",
            "Independent provider in {city} {e}\nI am {age}, {name}. Respectful clients only.\n{price} | {phone}",
        ),
        "es": (
            "Hola amor {e} soy {name}, {age} años, independiente.\nDiscreta y cariñosa en {city}.\n{price}\n"
            "Llámame: {phone}",
            "{e} {name} {e}\nAtención a caballeros educados, {hours}.\nWhatsApp {phone}\n{price}",
        ),
        "zh": (
            "{e} {name}, {age}岁, 温柔体贴\n{city} 可预约 {hours}\n电话: {phone}\n{price}",
            "你好 我是{name} {e}\n独立 安全 私密\n联系 {phone}",
        ),
    },
    "massage": {
        "en": (
            "Licensed therapist {name} {e}\nSwedish, deep tissue and hot stone in {city}.\n60 min {price}\n"
            "Book: {phone}",
            "Relax and unwind {e}\nProfessional massage, clean private room, {hours}.\nCall {phone}",
            "Mobile massage {city} {e}\nSports recovery and relaxation. {price}\n{phone} - {name}",
        ),
        "es": ("Masaje terapéutico {e}\n{name}, masajista con experiencia en {city}.\n{price}\nTel {phone}",),
        "zh": ("专业按摩 {e}\n{city} 中式推拿 足疗\n{price}\n电话 {phone}",),
    },
    "imb": {
        "en": (
            "GRAND OPENING {e}\nNew young Asian staff every week\nTable shower, open {hours}, 7 days\n"
            "Walk-ins welcome {e}\n{phone}",
            "{e} Best Asian massage {city} {e}\nBeautiful new girls, VIP rooms, late hours {hours}\n{price}\n"
            "Call {phone}",
            "Spa {e} New management, new staff\nSweet therapists, private rooms, open {hours}\n{phone}",
        ),
        "es": ("Spa asiático {e}\nChicas nuevas cada semana, abierto {hours}\n{phone}",),
        "zh": (
            "新开张 {e}\n年轻新技师 每周更换\n营业 {hours} 私人房间\n电话 {phone}",
            "{city} 养生馆 {e}\n新到美女技师 {price}\n{phone}",
        ),
    },
    "dating": {
        "en": (
            "{age}, easygoing, love hiking and cooking.\nLooking for something real in {city}.\n"
            "Message me here first {e}",
            "Divorced, {age}, kids are grown. Seeking a kind partner for dinners and travel.\n{contact}",
            "New to {city}, looking for friends and maybe more. No games please.",
        ),
        "es": ("Tengo {age} años, busco una relación seria en {city}. Escríbeme {e}",),
        "zh": ("{age}岁 在{city}工作 想认识真诚的朋友 {e}",),
    },
    "classified": {
        "en": (
            "{year} {car}, {miles}k miles, clean title, runs great. ${cprice} OBO. Call {phone}",
            "Room for rent in {city}, ${rent}/month, utilities included, near bus line. {phone}",
            "Handyman services: drywall, painting, small repairs. Licensed and insured. Free quotes {phone}",
            "Moving sale! Couch, dining table, dresser. Everything must go. Text {phone}",
            "House cleaning {city} - reliable, references available. {phone}",
            "2BR/1BA apartment, {city}, ${rent}/mo, pets OK. Call {phone} for a showing",
            "Lawn care and tree trimming, weekly or one-time. {phone}",
        ),
        "es": ("Se vende {car} {year}, buen estado, ${cprice}. Tel {phone}",
               "Rento cuarto en {city}, ${rent} al mes. {phone}"),
        "zh": ("{city} 房间出租 ${rent}/月 近地铁 电话 {phone}",),
    },
    "review": {
        "en": (
            "Saw {name} last week in {city}. Number was {phone}. Ad pics were accurate, on time, friendly.",
            "Anyone seen {name}? Called {phone} in {city}, easy to set up. Would repeat.",
            "Met {name} ({phone}) at a hotel off the strip. Pleasant, nothing to add.",
        ),
    },
    "review_concern": {
        "en": (
            "Called {phone} for {name} in {city}. A guy answered and set everything up, he waited outside. "
            "She seemed nervous and barely spoke English. Not comfortable with this one.",
            "Re {name} {phone}: different girl than the pics, very young looking, said she just got to {city} "
            "and someone else keeps the money. Something is off.",
            "{phone} - same number shows up with three different names in {city}. Driver drops them off. "
            "Be aware.",
        ),
    },
    "social": {
        "en": (
            "Beautiful sunset in {city} tonight {e}",
            "Anyone know a good taco spot in {city}? {e}",
            "Gym then brunch, perfect Sunday {e}",
            "Can't believe it's already {month}! {e}",
            "Road trip playlist suggestions? {e}",
        ),
    },
    "social_lure": {
        "en": (
            "Girls wanna make easy money?? {e} travel, shopping, no experience needed. DM me {e}",
            "Looking for pretty girls 18+ for modeling and hostess gigs, travel paid, cash daily {e} DM",
        ),
    },
    "job_legit": {
        "en": (
            "{company} is hiring a {role} in {city}. ${wage}/hr, full time, health benefits and paid time off.\n"
            "Apply online at {company_slug}.example-jobs.test or call {phone}.",
            "{role} needed, {city}. Weekday shifts, ${wage}/hr, training provided. Background check required.\n"
            "Send your resume to hr@{company_slug}.example-jobs.test",
            "Part-time {role}. Flexible hours, ${wage}/hr. {company}, {city}. Interviews Monday, call {phone}.",
        ),
        "es": ("{company} busca {role_es} en {city}. ${wage} por hora, prestaciones de ley.\nInformes {phone}",),
        "zh": ("{company} 招聘 {role_zh}\n地点 {city} 时薪 ${wage} 有保险\n电话 {phone}",),
    },
    "job_deceptive": {
        "en": (
            "Hostess work abroad {e} Girls 18-25, no experience needed.\nVisa, flight and housing provided!\n"
            "Earn ${wage} weekly, cash daily.\nSmall recruitment fee, repay from your first salary.\n"
            "Contact only on WhatsApp {phone}",
            "Models and dancers wanted for clubs overseas {e}\nAgency keeps your passport safe while you work.\n"
            "Travel debt paid back from wages. Housing provided.\nTelegram @{handle} or WhatsApp {phone}",
            "Easy job, big money {e} Waitress/hostess, {city} and abroad.\nWe arrange visa and apartment, you "
            "pay the agency fee later.\nCash daily. Message WhatsApp only: {phone}",
        ),
        "es": (
            "Se solicitan señoritas de 18 a 25 años para trabajo en el extranjero {e}\nVisa, pasaje y "
            "hospedaje incluidos. Pago diario en efectivo.\nCuota de reclutamiento, se descuenta del sueldo.\n"
            "Solo WhatsApp {phone}",
            "Trabajo de edecán en {city} y fuera del país {e}\nLa agencia guarda tu pasaporte. La deuda del "
            "viaje se paga con tu trabajo.\nTelegram @{handle} / WhatsApp {phone}",
        ),
        "zh": (
            "海外高薪 {e} 招18-25岁女服务员\n包签证 包机票 包住宿 日结现金\n中介费从工资扣\n只加WhatsApp {phone}",
        ),
    },
}

# Network bodies: first-person variants (worker voice) and third-person (operator voice).
NETWORK_FIRST: dict[str, tuple[str, ...]] = {
    "en": (
        "{sig}\nHey loves {e} I'm {name}, {age} {youth}\n{move}\nAvailable 24/7 in {city}\n{price}\n{phone}",
        "{e} {name} {age} {e}\n{youth}\n{move} Incall near the airport, {city}.\n{price} | {phone}\n{sig}",
        "{sig} {name} here, {age}. {youth}\n{move}\nNo law enforcement. Text only {phone}\n{price}",
    ),
    "es": ("{sig}\nHola papi {e} soy {name}, {age} años {youth}\n{move}\nDisponible 24 horas en {city}\n"
           "{price}\n{phone}",),
    "zh": ("{sig}\n{name} {age}岁 {youth}\n{move}\n{city} 24小时\n{price}\n{phone}",),
}
NETWORK_THIRD: dict[str, tuple[str, ...]] = {
    "en": (
        "{sig}\nMy girls are in {city} {e} Ask for {name}, she is {age} {youth}\n{move}\nCall {phone}\n{price}",
        "{e} {name} and friends {e}\nShe is sweet and ready to meet you. {youth}\n{move}\nWe have new girls "
        "every week.\n{phone} {price}\n{sig}",
        "{sig}\n2 girl special {e} ask for {name} ({age}) {youth}\n{move} 24/7 in {city}\nDaddy books only: "
        "{phone}",
    ),
    "es": ("{sig}\nTengo chicas nuevas en {city} {e} pregunta por {name}, ella tiene {age} {youth}\n{move}\n"
           "{phone}\n{price}",),
    "zh": ("{sig}\n新到多位美女 {e} 找{name} {age}岁 {youth}\n{move}\n{phone}",),
}

MOVE: dict[str, tuple[str, ...]] = {
    "en": ("New in town {e}", "Just arrived in {city}!", "Visiting for a few days only", "Leaving soon, "
           "don't miss out", "In town this week only"),
    "es": ("Recién llegada a {city}", "Nueva en la ciudad", "Solo por unos días"),
    "zh": ("刚到{city}", "新到 只待几天"),
}
YOUTH: dict[str, tuple[str, ...]] = {
    "en": ("young and fresh {y}", "new to the game {y}", "petite schoolgirl look {y}", "barely legal {y}",
           "18 and brand new {y}", "sweet young thing {y}", "fresh face, first time here {y}"),
    "es": ("jovencita y nueva {y}", "recién cumplidos 18 {y}", "colegiala {y}"),
    "zh": ("清纯学生妹 {y}", "刚满18 {y}", "新手 {y}"),
}

# Network signatures: a habit phrase an operator repeats across ads (what template linking keys on).
SIG_OPEN = ("✨💋", "👑", "🔥🔥", "💎", "🌹🌹", "⭐💕", "💦", "🦋", "🍒", "💯")
SIG_WORDS = ("VIP", "Top Quality", "Real Pics", "100% Real", "Best in Town", "Elite", "No Rush", "Upscale",
             "Sweet Treat", "Dream Team", "Candy Shop", "Party Girls")

HOURS = ("10am-2am", "24/7", "9am-11pm", "late night", "noon to 4am", "8am-10pm")
ROLES = ("Warehouse Associate", "Line Cook", "Home Health Aide", "Delivery Driver", "Cashier",
         "Office Assistant", "Forklift Operator", "Dental Receptionist", "Barista", "Security Officer")
ROLES_ES = ("ayudante general", "cocinero", "cajera", "chofer", "recepcionista")
ROLES_ZH = ("厨师", "收银员", "司机", "前台", "仓库工人")
COMPANIES = ("Northwind Logistics", "Sunrise Care", "Blue Oak Dental", "Metro Fresh Foods", "Granite Building Co",
             "Harbor Coffee", "Summit Security", "Maple Home Health")
CARS = ("Honda Civic", "Toyota Camry", "Ford F-150", "Nissan Altima", "Chevy Malibu", "Jeep Cherokee")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
