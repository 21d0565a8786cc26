"""Term tables for reading lamp-shop receipts (Albanian and English), kept as data apart from the logic.

Every spelling is folded (lower case, no diacritics: ë -> e, ç -> c). A receipt word is mapped to one canonical term
by exact spelling, by an Albanian/English inflection of a spelling, or by a one- or two-letter typo of a spelling;
the classifier's patterns (CONCEPTS) then only see canonical terms.
"""

from __future__ import annotations

# canonical term -> other spellings (the canonical term is a spelling of itself)
CANONICAL: dict[str, tuple[str, ...]] = {
    # units and pack sizes
    "w": ("watt", "watts", "wat", "wats", "wati", "vat", "vate", "vatesh", "vats", "vatt"),
    "kw": ("kilowatt", "kilowatts", "kilowat", "kilovat", "kilovate", "kilovatesh"),
    "mm": ("milimeter", "milimetra", "millimeter", "millimetre", "millimeters"),
    "cm": ("centimeter", "centimetra", "centimetre"),
    "inch": ("inches", "inc", "inci", "incesh", "inchi"),
    "pcs": ("cope", "copa", "copet", "copesh", "cop", "pc", "piece", "pieces", "stk", "pz", "njesi", "njesia",
            "units", "unit", "cp"),
    "set": ("seti", "sete", "setin", "pack", "packs", "paket", "pakete", "paketa", "pako", "pakoja", "kuti",
            "kutia", "kutie"),
    "kit": ("kiti", "komplet", "kompleti", "komplete", "complete", "bundle", "combo"),
    "with": ("me", "plus", "dhe", "and", "incl", "including", "perfshire", "perfshin"),
    "equivalent": ("ekuivalent", "ekuivalente", "ekuivalenti", "equiv", "eqv", "eq", "ekv", "zevendeson",
                   "zevendesim", "zevendesuese", "replaces", "replacement", "replace", "krahasuar", "like"),
    "actual": ("real", "reale", "reali", "faktik", "faktike", "konsum", "konsumi", "draw", "efektive"),
    # lamps and light
    "lamp": ("llambe", "llamba", "llambat", "llamb", "llampa", "lampa", "lamps", "lampe", "bulb", "bulbs", "lamba",
             "llambash", "llambave", "poc", "poci", "sijalice"),
    "light": ("lights", "drite", "drita", "dritat", "drites", "driten", "ndricim", "ndricimi", "ndricimit",
              "lighting"),
    "luminaire": ("ndricues", "ndricuesi", "ndricuese", "ndricuesit", "fixture", "armature", "armatura",
                  "llambadar", "llambadari", "lampadar", "abazhur", "aplik", "aplike", "chandelier", "plafonier",
                  "plafoniere", "downlight"),
    "led": ("leds", "ledi", "ledet", "dioda", "diode"),
    "sodium": ("natrium", "natriumi", "natriumit", "natriumin", "natriumore", "natrijum", "sodiumi", "sodio",
               "natriu"),
    "hps": ("shp", "hsp", "hpsl"),
    "sont": (),
    "highpressure": (),
    "mh": ("mhn", "hqi", "hpi"),
    "cmh": ("cdm",),
    "lec": (),
    "metal": ("metali", "metalik", "metalike", "metalic", "metallic", "metalo"),
    "halide": ("halid", "halidi", "halogjenure", "halogjenur", "halogjenuri", "halogenure", "halogenide",
               "halogjenide", "halogjenid", "jodur", "joduri", "jodide", "iodide", "iodure"),
    "halogen": ("halogjen", "halogjene", "halogjeni", "halogjenit", "halogene", "halogeni", "alogjen"),
    "ceramic": ("keramik", "keramike", "qeramik", "qeramike", "ceramike"),
    "grow": ("growing", "rritje", "rritjeje", "rritjen", "rritja", "rritjes", "rritese", "rrites", "kultivim",
             "kultivimi", "kultivimit", "cultivation", "grower"),
    "plant": ("bime", "bima", "bimet", "bimeve", "bimesh", "bimor", "bimore", "plants", "plante", "phyto", "fito",
              "pianta", "piante", "fluora"),
    "greenhouse": ("sera", "serra", "sere", "serre", "serat", "serrat", "greenhouses", "horticulture",
                   "hortikulture", "hortikultura"),
    "spectrum": ("spektrum", "spekter", "spektri", "spektrit", "spektra", "spectral", "spektral", "spectra"),
    "full": ("plote",),
    "quantum": ("kuantum", "kuantik"),
    "board": ("bord", "borde", "pllake"),
    "bar": ("bars", "shufer", "shufra", "shufre"),
    "panel": ("paneli", "panele", "panelet", "panels", "pannello"),
    "bloom": ("flower", "flowering", "lulezim", "lulezimi", "lulezimit", "veg", "vegjetativ", "vegjetacion",
              "vegetative"),
    "seedling": ("seedlings", "fidan", "fidane", "fidanet", "fidanesh", "fidaneve", "propagator", "propagim",
                 "mbirje", "germination", "germinator"),
    "herb": ("herbs", "ereza", "erez", "erezat", "erezash", "barishte", "aromatike"),
    "mini": ("small", "vogel"),
    "desk": ("tavoline", "tavolina", "clip", "kapese", "usb"),
    "aquarium": ("aquariums", "akuarium", "akuariumi", "akuariumit", "akuariume", "akvarium", "acquario", "fish",
                 "peshk", "peshq", "peshqish", "reef", "terrarium", "terariumi", "terrariumi", "terarium",
                 "reptile", "reptil", "zvarranik", "zvarranike"),
    "tube": ("tub", "tubi", "tuba", "tubo", "tubes"),
    "fluorescent": ("fluoreshent", "fluoreshente", "fluorescente", "fluoro", "neon", "neoni", "neona",
                    "fluorescence"),
    "cfl": ("kursyese", "kursyes", "kursimi"),
    "floodlight": ("projektor", "projektori", "projektore", "floodlights", "flood", "proiettore", "prozhektor"),
    "street": ("rrugor", "rrugore", "rruge", "rrugesh", "streetlight"),
    "outdoor": ("jashte", "jashtme", "outside", "exterior", "sensor", "sensori", "smd", "cob", "rgb"),
    "strip": ("shirit", "shiriti", "shirita", "strips"),
    "spot": ("spote", "spotet", "spots", "spotlight"),
    "ballast": ("balast", "ballasti", "balasti", "ballastet", "ballasts", "drossel", "drosel", "droseli",
                "ballastin"),
    "reflector": ("reflektor", "reflektori", "reflektore", "reflektoret", "reflectors", "reflektorin"),
    "hood": ("hoods", "wing", "wings", "stucco"),
    "cooltube": (),
    "parabolic": ("parabolik", "parabolike", "parabola"),
    "floodctx": (),
    "carbon": ("karbon", "karboni", "karbonit", "qymyr", "qymyri", "qymyrit", "charcoal", "karbonik"),
    "filter": ("filtri", "filtra", "filtrat", "filtre", "filtro", "filters", "filtrit", "filtrin"),
    "water": ("uje", "uji", "ujit", "pije"),
    "pool": ("pishine", "pishina", "pishines", "swimming"),
    "kitchen": ("kuzhine", "kuzhina", "kuzhines", "oxhak", "oxhaku", "cooker"),
    "bathroom": ("banjo", "banje", "banja", "tualet", "tualeti", "wc", "toilet"),
    "room": ("tavan", "tavani", "tavanit", "ceiling", "kembe", "pedestal", "stand", "dysheme", "dyshemeje",
             "floor", "tower", "kulle", "portativ", "portable", "dore", "dhome", "dhoma", "dritare", "window", "mur",
             "muri", "wall", "laptop", "laptopi", "kompjuter", "kompjuteri", "computer"),
    "industrial": ("industriale", "magazine", "magazina", "depo", "stadium", "stadiumi", "sportive", "sportiv",
                   "highbay", "warehouse"),
    "lampholder": ("mbajtese", "mbajtesja", "fole", "foleja", "portollamba", "portollampa", "holder", "duy"),
    "fan": ("ventilator", "ventilatori", "ventilatore", "ventilatoret", "fans", "aspirator", "aspiratori",
            "aspiratore", "extractor", "exhaust", "blower", "ventilues", "ventilim", "ventilimi"),
    "inline": ("kanal", "kanali", "kanalit", "kanale", "kanalor", "kanalore", "duct", "ducting", "ducted",
               "centrifugal", "centrifugale", "centrifugial"),
    "timer": ("timeri", "timere", "tajmer", "tajmeri", "kohemates", "kohematesi", "programator", "programatori",
              "programues", "timers"),
    "tent": ("tende", "tenda", "tendat", "tents", "tenta", "cader", "cadra", "cadre", "tendeje"),
    "camping": ("kamping", "kampingu", "plazh", "plazhi", "beach", "dielli", "ballkon", "ballkoni", "awning",
                "tarrace", "tarace", "dyqani", "persone", "vete"),
    "hydroponic": ("hidroponik", "hidroponike", "hidroponika", "hidroponi", "hidroponie", "hydroponics",
                   "hydroponik", "hydro", "hidro", "aeroponic", "aeroponik", "aeroponike", "nft", "dwc",
                   "hydroponique"),
    "nutrient": ("nutrients", "ushqyes", "ushqyese", "ushqyesi", "booster", "additive", "stimulues", "stimulator",
                 "nutriente"),
    "fertilizer": ("pleh", "plehu", "plehra", "plehrash", "plehe", "fertiliser", "fertilizues", "npk"),
    "meter": ("mates", "matesi", "matese", "tester", "testues", "metre", "matesit"),
    "ph": (),
    "calibration": ("kalibrim", "kalibrimi", "kalibrimit", "kalibruese", "tretesire", "tretesira", "solucion"),
    "ec": ("tds",),
    "substrate": ("substrat", "substrati", "kokos", "kokosi", "coco", "coir", "perlit", "perliti", "perlite",
                  "vermikulit", "vermiculite", "rockwool", "hydroton", "grodan"),
    "soil": ("torfe", "torfa", "dheu", "potting"),
    "pot": ("vazo", "vazot", "pots", "saksi", "saksia"),
    "fabric": ("pelhure", "pelhura", "textile", "tekstil", "tekstili"),
    "pump": ("pompe", "pompa", "pumps"),
    "mylar": ("milar", "mylari"),
    "reflective": ("reflektuese", "reflektues", "reflektuar", "pasqyruese"),
    "film": ("folie", "folia", "flete", "sheet", "flet"),
    "net": ("rrjete", "rrjeta", "rrjeti", "netting", "trellis"),
    "scrog": (),
    "drying": ("tharje", "tharjeje", "tharese", "dry", "dryer"),
    "ratchet": ("ratchets", "varese", "hanger", "hangers"),
    "extinguisher": ("fikes", "fikese", "zjarri", "fire"),
    "cable": ("kabell", "kabelli", "kabllo", "kabull", "kabel", "kabllor", "kablli", "cables", "tel", "teli"),
    "switch": ("celes", "celesi", "celesa", "nderpres", "nderpreres", "nderpresi", "siguresa", "sigurese",
               "breaker", "dimmer"),
    "socket": ("prize", "priza", "prizat", "prizes", "sockets", "zgjatues", "zgjatuesi", "spine", "spina"),
    # brands whose products decide a kind when no product word does (see LAMP_BRANDS, ACCESSORY_BRANDS)
    **{brand: () for brand in (
        "greenpower", "plantastar", "grolux", "gavita", "hortilux", "sunmaster", "dimlux", "xtrasun", "lumatek",
        "nanolux", "lumii", "maxibright", "marshydro", "spiderfarmer", "viparspectra", "sanlight", "hlg",
        "fluence", "secretjardin", "homebox", "budbox", "primaklima", "canfan", "canfilter", "rvk", "acinfinity",
        "cloudline", "canna", "biobizz", "plagron", "advancednutrients", "hesi", "atami", "generalhydroponics",
        "housegarden", "bluelab")},
}

# one receipt word standing for several canonical terms
COMPOUNDS: dict[str, str] = {
    "growlight": "grow light", "growlights": "grow light", "growlamp": "grow lamp", "growled": "grow led",
    "ledgrow": "led grow", "growtent": "grow tent", "growbox": "grow tent", "growboxes": "grow tent",
    "fitolampe": "plant lamp", "fitolampa": "plant lamp", "fitollamba": "plant lamp", "fitollambe": "plant lamp",
    "phytolamp": "plant lamp", "fullspectrum": "full spectrum", "quantumboard": "quantum board",
    "metalhalide": "metal halide", "inlinefan": "inline fan", "carbonfilter": "carbon filter",
    "phmeter": "ph meter", "ecmeter": "ec meter", "smartpot": "fabric pot", "airpot": "fabric pot",
}

# real words a letter away from a term that must not be read as its typo
NOT_TERMS = frozenset({
    "karton", "kartoni", "carton", "protektor", "protektori", "podium", "tiger", "filler", "fitter", "broom",
    "natural", "lampone", "bare", "tenders", "tender", "timor", "plane", "plans", "fille",
})

# multi-word names and glued spellings, rewritten on the folded text before it is split into words
PHRASES: tuple[tuple[str, str], ...] = (
    (r"\b(?:son|nav)\s*-?\s*t(?![a-z])", " sont "),
    (r"\bmars\s*-?\s*hydro\b", " marshydro "),
    (r"\bspider\s*-?\s*farmer\b", " spiderfarmer "),
    (r"\bvipar\s*-?\s*spectra\b", " viparspectra "),
    (r"\bgreen\s*-?\s*power\b", " greenpower "),
    (r"\bgro\s*-?\s*lux\b", " grolux "),
    (r"\bsecret\s*-?\s*jardin\b", " secretjardin "),
    (r"\bhome\s*-?\s*box\b", " homebox "),
    (r"\bbud\s*-?\s*box\b", " budbox "),
    (r"\bgrow\s*-?\s*box(?:es)?\b", " grow tent "),
    (r"\bprima\s*-?\s*klima\b", " primaklima "),
    (r"\bcan\s*-?\s*fan\b", " canfan "),
    (r"\bcan\s*-?\s*filters?\b", " canfilter "),
    (r"\bac\s*-?\s*infinity\b", " acinfinity "),
    (r"\badvanced\s+nutrients\b", " advancednutrients "),
    (r"\bgeneral\s+hydroponics\b", " generalhydroponics "),
    (r"\bhouse\s*(?:&|and|\+)\s*garden\b", " housegarden "),
    (r"\bin\s*-\s*line\b", " inline "),
    (r"\bmixed\s*-?\s*flow\b", " inline "),
    (r"\bcool\s*-?\s*tube\b", " cooltube "),
    (r"\badjust\s*-?\s*a\s*-?\s*wings?\b", " reflector hood "),
    (r"\b(?:presion|shtypje)\w*\s+(?:(?:i|e|te)\s+)?lart\w*", " highpressure "),
    (r"\bhigh\s*-?\s*pressure\b", " highpressure "),
    (r"\benergy\s*-?\s*saving\b", " cfl "),
    (r"\byo\s*-?\s*yo\b", " ratchet "),
    (r"\blesh\s+guri\b", " rockwool "),
    (r"\bargjil\w*\s+(?:e\s+)?zgjeruar\w*", " hydroton "),
    (r"\bclay\s+pebbles?\b", " hydroton "),
    (r"\bfish\s*-?\s*tank\b", " aquarium "),
    (r"\btime\s*-?\s*switch\b", " timer "),
    (r"\bhigh\s*-?\s*bay\b", " highbay "),
    (r"\blamp\s*-?\s*holder\b", " holder "),
)

# concept -> (label shown to the analyst, pattern over canonical terms); the first matching pattern names the concept
CONCEPTS: dict[str, tuple[tuple[str, str], ...]] = {
    "aquarium": (("aquarium", r"\baquarium\b"),),
    "hps": (("HPS", r"\bhps\b"), ("SON-T", r"\bsont\b")),
    # "natrium" alone is also salt and soda, "high pressure" also a pump or washer: they need a lamp beside them
    "sodium": (("sodium", r"\bsodium\b"),),
    "highpressure": (("high-pressure lamp", r"\bhighpressure\b"),),
    "mh": (("CMH", r"\bcmh\b|\bceramic (?:metal )?halide\b"), ("LEC", r"\blec\b"),
           ("metal halide", r"\bmetal halide\b|\bhalide metal\b|\bmetal halogen\b|\bhalogen metal\b|\bhalide\b"),
           ("MH", r"\bmh\b")),
    "led": (("LED", r"\bled\b"),),
    "growlight": (("full spectrum", r"\bfull spectrum\b|\bspectrum (?:i |te )?full\b"), ("quantum board", r"\bquantum\b"),
                  ("Samsung LM301", r"\blm[0-9]{3}[a-z]?\b")),
    "growctx": (("grow", r"\bgrow\b"), ("plants", r"\bplant\b"), ("greenhouse", r"\bgreenhouse\b"),
                ("bloom/veg", r"\bbloom\b")),
    "hid_socket": (("E40 HID lamp", r"\be40\b"),),
    "not_hid": (("not HID", r"\b(?:led|halogen|fluorescent|cfl)\b"),),
    "outdoor_lamp": (("street lighting", r"\bstreet\b"), ("floodlight", r"\bfloodlight\b"),
                     ("industrial lighting", r"\bindustrial\b")),
    "fluorescent_tube": (("fluorescent tube", r"\bfluorescent\b|\bt(?:5|8|12)\b|\bcfl\b"),),
    "lighting": (("floodlight", r"\bfloodlight\b"), ("street lighting", r"\bstreet\b"),
                 ("halogen", r"\bhalogen\b"), ("fluorescent", r"\bfluorescent\b|\bcfl\b|\bt(?:5|8|12)\b"),
                 ("LED strip", r"\bstrip led\b|\bled strip\b"), ("spotlight", r"\bspot\b"),
                 ("bulb socket", r"\b(?:e27|e14|e40|gu10|gu5\.3|mr16|g9|g4|b22|a60|r7s)\b"), ("panel", r"\bpanel\b"),
                 ("bar", r"\bbar\b"), ("luminaire", r"\bluminaire\b"), ("lamp", r"\blamp\b"), ("light", r"\blight\b"),
                 ("LED", r"\bled\b"), ("tube", r"\btube\b")),
    "seedling": (("seedlings", r"\bseedling\b"),),
    "herb": (("herbs", r"\bherb\b"),),
    # small unless the text says otherwise
    "small": (("mini", r"\bmini\b"), ("desk light", r"\bdesk\b"), ("LED strip", r"\bstrip led\b|\bled strip\b")),
    "ballast": (("ballast", r"\bballast\b"),),
    "reflector": (("cool tube", r"\bcooltube\b"), ("reflector hood", r"\bhood\b"),
                  ("parabolic reflector", r"\bparabolic\b"), ("reflector", r"\breflector\b")),
    "hid_context": (("HID", r"\b(?:hps|sont|sodium|mh|cmh|halide|e40|grow|plant|greenhouse)\b"),),
    "lamp_holder": (("lamp holder", r"\blampholder\b"),),
    "flood_context": (("LED floodlight", r"\b(?:led|outdoor|floodlight)\b|\bip[0-9]{2}\b"),),
    "carbon_filter": (("carbon filter", r"\bcarbon (?:\S+ )?filter\b|\bfilter (?:\S+ )?carbon\b"),
                      ("carbon filter", r"\b(?:canfilter|rhino)\b")),
    "not_grow_filter": (("kitchen or water filter", r"\b(?:kitchen|water|pool)\b"),),
    "fan": (("fan", r"\bfan\b"),),
    "inline": (("inline fan", r"\binline\b"), ("EC fan", r"\bec fan\b")),
    "household_fan": (("bathroom fan", r"\bbathroom\b"), ("kitchen hood", r"\bkitchen\b"),
                      ("room fan", r"\b(?:room|desk)\b")),
    "timer": (("timer", r"\btimer\b"),),
    "tent": (("grow tent", r"\btent\b"),),
    # "tendë" is also a curtain or an awning: a grow tent is named as one, or sized in three dimensions
    "grow_tent_sign": (("grow tent", r"\b(?:grow|plant|hydroponic|mylar|reflective)\b"),
                       ("grow tent", r"\b[0-9]+ x [0-9]+ x [0-9]+\b")),
    "camping": (("camping tent or awning", r"\bcamping\b"),),
    "hydro": (("hydroponics", r"\bhydroponic\b"), ("nutrients", r"\bnutrient\b"),
              ("pH meter", r"\bph (?:meter|up|down|plus|minus|test|buffer|solution|calibration|[0-9]|\+|-)"),
              ("EC meter", r"\bec meter\b"), ("grow medium", r"\bsubstrate\b")),
    "garden": (("fertiliser", r"\bfertilizer\b"), ("soil", r"\bsoil\b"), ("pot", r"\bpot\b")),
    "grow_misc": (("CO2", r"\bco2\b"), ("mylar", r"\bmylar\b|\breflective film\b|\bfilm reflective\b"),
                  ("SCROG net", r"\bscrog\b|\bnet (?:\S+ )?(?:grow|plant)\b|\bgrow net\b"),
                  ("drying net", r"\bdrying (?:\S+ )?(?:net|plant)\b|\bnet (?:\S+ )?drying\b"),
                  ("rope ratchet", r"\bratchet\b"),
                  ("fabric pot", r"\bfabric pot\b|\bpot fabric\b"), ("grow kit", r"\bgrow kit\b|\bkit grow\b")),
    "not_grow_misc": (("fire extinguisher", r"\bextinguisher\b"), ("pool", r"\bpool\b")),
    "electrical": (("cable", r"\bcable\b"), ("switch", r"\bswitch\b"), ("socket", r"\bsocket\b")),
    # a lamp sold with its ballast, reflector or other kit is counted as the lamp
    "kit": (("kit", r"\bkit\b|(?:^| )[+&](?: |$)|\bwith (?:\S+ ){0,2}(?:ballast|reflector|hood|cooltube|lamp|hps|"
                    r"sodium|mh|led|fan|filter|timer|tent)\b"),),
}

# brands that decide a lamp kind when no product word does; an "LED" or a fluorescent tube next to them wins
LAMP_BRANDS: dict[str, tuple[str, ...]] = {
    "hps_lamp": ("greenpower", "plantastar", "grolux", "gavita", "hortilux", "sunmaster", "dimlux", "xtrasun"),
    "ballast": ("lumatek", "nanolux", "lumii", "maxibright"),
    "led_grow_light": ("marshydro", "spiderfarmer", "viparspectra", "sanlight", "hlg", "fluence"),
}
ACCESSORY_BRANDS: dict[str, tuple[str, ...]] = {
    "grow_tent": ("secretjardin", "homebox", "budbox"),
    "inline_fan": ("primaklima", "canfan", "rvk", "acinfinity", "cloudline"),
    "carbon_filter": ("canfilter",),
    "hydroponics": ("canna", "biobizz", "plagron", "advancednutrients", "hesi", "atami", "generalhydroponics",
                    "housegarden", "bluelab"),
}

# model codes whose real draw is not the number in the name (the number is an "HPS equivalent")
MODEL_WATTS: dict[str, float] = {
    "ts600": 100.0, "ts1000": 150.0, "ts2000": 300.0, "ts3000": 450.0, "tsw2000": 300.0, "tsl2000": 300.0,
    "sp3000": 300.0, "sf1000": 100.0, "sf2000": 200.0, "sf4000": 450.0, "sf7000": 650.0,
}
# Gavita fixtures are named by their watts ("Pro 1000e"), except the LED ones
GAVITA_LED_WATTS: dict[int, float] = {1700: 645.0}

# Albanian and English word endings stripped to find the spelling a word inflects (longest first)
SUFFIXES: tuple[str, ...] = ("eve", "esh", "jes", "ave", "it", "in", "et", "en", "at", "ve", "sh", "je", "ja",
                             "es", "ne", "i", "e", "a", "t", "s", "n")

# lighting below these watts is not grow lighting: 50-150 W sodium/halide lamps light streets and shop windows;
# LED "grow" lights under 75 W are herb and seedling lights
HID_GROW_MIN_WATTS = 250.0  # ... and an E40 bulb of 250 W or more that is not LED is a sodium or halide bulb
LED_GROW_MIN_WATTS = 75.0
BALLAST_GROW_MIN_WATTS = 150.0
SEEDLING_MAX_WATTS = 150.0
# inline duct fans for grow rooms start at 125 mm; bathroom fans are 100 mm
GROW_DUCT_MIN_MM = 125.0
