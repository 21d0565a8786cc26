"""Albanian places, names and streets the simulated register and shop records are made of."""

from __future__ import annotations

# name, latitude, longitude, population weight, temperature offset vs Tirana (deg C), scatter radius (km)
CITIES: tuple[tuple[str, float, float, float, float, float], ...] = (
    ("Tiranë", 41.3275, 19.8187, 0.33, 0.0, 5.0),
    ("Durrës", 41.3231, 19.4414, 0.12, 0.8, 3.5),
    ("Vlorë", 40.4661, 19.4914, 0.08, 1.3, 3.0),
    ("Elbasan", 41.1125, 20.0822, 0.08, 0.3, 3.0),
    ("Shkodër", 42.0683, 19.5126, 0.08, -0.6, 3.0),
    ("Fier", 40.7239, 19.5561, 0.08, 0.7, 2.5),
    ("Korçë", 40.6186, 20.7808, 0.07, -4.0, 2.5),
    ("Berat", 40.7058, 19.9522, 0.05, 0.4, 2.0),
    ("Lushnjë", 40.9419, 19.7050, 0.06, 0.6, 2.0),
    ("Kavajë", 41.1856, 19.5569, 0.05, 0.8, 2.0),
)

MALE = (
    "Arben", "Artan", "Besnik", "Dritan", "Edmond", "Ervin", "Fatmir", "Gentian", "Ilir", "Klodian", "Luan",
    "Mirel", "Ndriçim", "Olsi", "Petrit", "Rexhep", "Sokol", "Taulant", "Xhevdet", "Xhemal", "Agron", "Bledar",
    "Erion", "Gëzim", "Kujtim", "Marjol", "Saimir", "Shpëtim", "Fation", "Alban", "Ardit", "Elton", "Endrit",
    "Florian", "Genc", "Herion", "Jetmir", "Lulzim", "Qemal", "Ylli", "Çlirim", "Bujar",
)
FEMALE = (
    "Anila", "Blerina", "Brikena", "Dorina", "Elona", "Entela", "Fjona", "Ledia", "Mimoza", "Manjola", "Rezarta",
    "Silvana", "Teuta", "Vjollca", "Xhensila", "Zamira", "Arjola", "Albana", "Besiana", "Drita", "Eglantina",
    "Flutura", "Gentiana", "Lindita", "Majlinda", "Rovena", "Shqipe", "Ëngjëllushe", "Mirela", "Jonida",
)
SURNAMES = (
    "Hoxha", "Shehu", "Leka", "Dervishi", "Kola", "Gjoka", "Çela", "Muça", "Hysa", "Kaçi", "Xhafa", "Basha",
    "Doçi", "Krasniqi", "Berisha", "Marku", "Gjini", "Zeneli", "Rama", "Meta", "Hasani", "Lika", "Tafa",
    "Dushku", "Prifti", "Kurti", "Ndreu", "Pëllumbi", "Qorri", "Sula", "Xhaferri", "Çobani", "Brahimaj",
    "Mërtiri", "Hoti", "Gjokaj", "Shkurti", "Bregu", "Dema", "Koçi", "Xhelili", "Vata", "Zaçe", "Ahmeti",
    "Bejko", "Cani", "Dibra", "Elezi", "Frashëri", "Halili",
)
STREETS = (
    "Rruga e Durrësit", "Rruga e Kavajës", "Rruga e Elbasanit", "Rruga Myslym Shyri", "Rruga Sami Frashëri",
    "Rruga Ismail Qemali", "Rruga Qemal Stafa", "Rruga Hoxha Tahsim", "Rruga Muhamet Gjollesha", "Rruga Ali Demi",
    "Rruga 4 Shkurti", "Rruga e Dibrës", "Rruga e Barrikadave", "Rruga Naim Frashëri", "Rruga Bajram Curri",
    "Rruga Skënderbeu", "Rruga Gjergj Fishta", "Rruga Themistokli Gërmenji", "Rruga Pjetër Bogdani",
    "Rruga Mihal Grameno", "Rruga Luigj Gurakuqi", "Rruga Vaso Pasha", "Rruga Andon Zako Çajupi",
    "Rruga Çamëria", "Rruga Kosovarëve", "Rruga Nikolla Tupe", "Rruga Ymer Kurti", "Rruga Margarita Tutulani",
    "Rruga Fan Noli", "Rruga Dëshmorët e Kombit", "Rruga Abdi Toptani", "Rruga Sulejman Delvina",
    "Rruga Xhanfize Keko", "Rruga Shefqet Kuka", "Rruga Hysen Çela", "Rruga Kongresi i Përmetit",
)
CITY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Tiranë": ("Tiranë", "Tirana", "TIRANE", "Tirane"),
    "Durrës": ("Durrës", "Durres", "DURRES", "Durrësi"),
    "Vlorë": ("Vlorë", "Vlora", "VLORE", "Vlore"),
    "Elbasan": ("Elbasan", "ELBASAN", "Elbasani"),
    "Shkodër": ("Shkodër", "Shkodra", "SHKODER", "Shkoder"),
    "Fier": ("Fier", "FIER", "Fieri"),
    "Korçë": ("Korçë", "Korca", "KORCE", "Korce"),
    "Berat": ("Berat", "BERAT", "Berati"),
    "Lushnjë": ("Lushnjë", "Lushnja", "LUSHNJE", "Lushnje"),
    "Kavajë": ("Kavajë", "Kavaja", "KAVAJE", "Kavaje"),
}
BUSINESS_WORDS = ("Agro", "Elektro", "Drita", "Gjelbër", "Myzeqe", "Ilirët", "Arbëria", "Adriatik", "Dardania")
