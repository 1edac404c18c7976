"""Generate tierscope's bundled demo ecosystem (``loaders/demo/``).

The demo is a believable partner ecosystem of an invented industrial
electronics maker, Norvik Industrial Electronics GmbH: eight products, their
bills of materials, three to four tiers of suppliers, distributors, service
providers, customers, sites in many countries, people, relationships and KPIs.
Five risks are planted on purpose (see ``PLANTED`` and the generated README).

Everything here is plain data plus a little arithmetic: no randomness, only
standard library, so running the script again gives byte-identical files::

    python tools/make_demo.py            # write loaders/demo/*.csv + README.md, then check
    python tools/make_demo.py --check    # only check the bundle already on disk

The checks re-read the written CSV files and verify the bundle rules of
DESIGN.md, then evaluate DESIGN.md's AND/OR availability rules by brute force
to confirm that the planted single points of failure really stop products.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "loaders" / "demo"
FOCAL = "NORVIK"

# --------------------------------------------------------------------------- columns
# The data tables below are laid out by hand for review; the formatter leaves them alone.
# fmt: off

COLUMNS: dict[str, tuple[str, ...]] = {
    "companies": (
        "id", "name", "kind", "country", "segment", "parent_id", "annual_spend",
        "declared_tier", "region", "recovery_days",
    ),
    "items": ("id", "name", "kind", "category", "revenue_per_day", "inventory_days"),
    "supplies": (
        "supplier_id", "buyer_id", "item_id", "share", "annual_spend", "lead_time_days", "site_id",
    ),
    "bom": ("parent_id", "child_id", "quantity"),
    "sites": ("id", "company_id", "country", "name", "recovery_days", "lat", "lon"),
    "dependencies": ("dependent_id", "provider_id", "kind", "critical", "scope"),
    "people": ("id", "name", "company_id", "title", "email"),
    "relationships": ("person_id", "company_id", "role", "primary"),
    "kpis": ("company_id", "metric", "period", "value", "target", "higher_is_better", "unit"),
}
FILES = tuple(COLUMNS)

# --------------------------------------------------------------------------- text helpers


def _h(*parts: str) -> int:
    """A stable hash (unlike ``hash()``, the same on every run and machine)."""
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16)


_TRANSLIT = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "ß": "ss", "\u0131": "i"}
)


def _slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    ascii_ = "".join(ch for ch in ascii_ if not unicodedata.combining(ch))
    out = "".join(ch.lower() if ch.isalnum() and ch.isascii() else "-" for ch in ascii_)
    return "-".join(p for p in out.split("-") if p)



# --------------------------------------------------------------------------- companies


class Co(NamedTuple):
    id: str
    name: str
    kind: str
    country: str
    segment: str | None = None
    parent: str | None = None
    declared_tier: int | None = None
    recovery_days: float | None = None
    spend: float | None = None  # our annual spend, for partners not paid through supplies


S, D, P, C = "supplier", "distributor", "service_provider", "customer"
STRAT, LEV, BOTT, ROUT = "strategic", "leverage", "bottleneck", "routine"

COMPANIES: tuple[Co, ...] = (
    Co(FOCAL, "Norvik Industrial Electronics GmbH", "focal", "DE"),
    # customers
    Co("BAUKRAFT", "Baukraft Maschinenbau AG", C, "DE"),
    Co("GREATLAKES", "Great Lakes Automation Inc.", C, "US"),
    Co("SAKURA", "桜ファクトリーシステムズ株式会社", C, "JP"),
    Co("ANADOLU", "Anadolu Otomasyon Sistemleri A.Ş.", C, "TR"),
    # service providers
    Co("NORDKAP", "Nordkap Logistics SE", P, "DE", STRAT, spend=14_600_000),
    Co("PACCREST", "Pacific Crest Logistics Pte. Ltd.", P, "SG", LEV, spend=5_200_000),
    Co("KRONBERG", "Kronberg Software AG", P, "DE", STRAT, recovery_days=10, spend=2_100_000),
    Co("NIMBUS", "Nimbus Cloud Ireland Ltd.", P, "IE", LEV, recovery_days=3, spend=950_000),
    Co("RHEINLAB", "Rheinland Prüflabor GmbH", P, "DE", ROUT, spend=780_000),
    Co("HRTC", "Hsinchu Reliability Test Center Co., Ltd.", P, "TW", ROUT, spend=210_000),
    Co("HANSEBANK", "Hanseatic Commerce Bank AG", P, "DE", ROUT, recovery_days=5, spend=400_000),
    # parent groups (own no supply relationship themselves)
    Co("VISTULA", "Vistula Industrial Group S.A.", S, "PL"),
    Co("HOKUTOHD", "北斗ホールディングス株式会社", S, "JP"),
    Co("TRICON", "Tri-Continental Electronics Corp.", S, "US"),
    Co("SINOMAG", "Sino Magnetics Group Co., Ltd.", S, "CN"),
    # tier 1
    Co("KESTREL", "Kestrel EMS Sp. z o.o.", S, "PL", STRAT, "VISTULA", 1),
    Co("PENANG", "Penang Precision Assembly Sdn. Bhd.", S, "MY", STRAT, "TRICON", 1),
    Co("MORAVA", "Morava EMS s.r.o.", S, "CZ", STRAT, None, 1),
    Co("JALISCO", "Tecnoensambles de Jalisco S.A. de C.V.", S, "MX", LEV, "TRICON", 1),
    Co("DONGGUAN", "东莞永辉电源科技有限公司", S, "CN", STRAT, None, 1),
    Co("VIETTRONIC", "Viettronic Manufacturing JSC", S, "VN", LEV, None, 1),
    Co("DAEHAN", "대한파워반도체 주식회사", S, "KR", STRAT, None, 1),
    Co("KAMIGAWA", "Kamigawa Electric Power Devices K.K.", S, "JP", STRAT, "HOKUTOHD", 1),
    Co("SILESIA", "Odlewnia Ciśnieniowa Śląsk Sp. z o.o.", S, "PL", LEV, "VISTULA", 1),
    Co("BAJIO", "Fundiciones del Bajío S.A. de C.V.", S, "MX", LEV, None, 1),
    Co("ALLGAEU", "Kunststofftechnik Allgäu GmbH", S, "DE", LEV, None, 1),
    Co("PLASTIVINA", "Plastivina Molding Co., Ltd.", S, "VN", ROUT, None, 1),
    Co("FEINGUSS", "Feinguss Thüringen GmbH", S, "DE", BOTT, None, 1),
    Co("LIPPE", "Lippe Connect GmbH", S, "DE", LEV, None, 1),
    Co("TAITERM", "Taiwan Terminal Technology Co., Ltd.", S, "TW", ROUT, None, 1),
    Co("ARROWMARK", "Arrowmark Electronic Components Inc.", D, "US", LEV, None, 2),
    Co("KUROSHIO", "Kuroshio Connector Co., Ltd.", S, "JP", ROUT, None, 1),
    Co("SUNWIND", "Sunwind Fan Technology Co., Ltd.", S, "TW", ROUT, None, 1),
    Co("HOHENLOHE", "Hohenlohe Lüftertechnik GmbH", S, "DE", ROUT, None, 1),
    Co("MAGNETEC", "Magnetec Hessen GmbH", S, "DE", BOTT, None, 1),
    Co("SIAMMAG", "Siam Precision Magnetics Co., Ltd.", S, "TH", BOTT, None, 1),
    Co("LUMITEK", "Lumitek Display Corp.", S, "TW", LEV, None, 1),
    Co("HEFEI", "合肥星辰显示技术有限公司", S, "CN", LEV, None, 1),
    Co("BHARAT", "Bharat Magnetics Pvt. Ltd.", S, "IN", LEV, None, 1),
    Co("MAGYAR", "Magyar Tekercs Kft.", S, "HU", ROUT, None, 1),
    Co("TOKAIFER", "Tokai Ferrite Co., Ltd.", S, "JP", ROUT, None, 1),
    Co("INOX", "Inox Componentes de Querétaro S.A. de C.V.", S, "MX", ROUT, None, 1),
    Co("AJAY", "Ajay Precision Turned Parts Pvt. Ltd.", S, "IN", ROUT, None, 1),
    Co("JIHLAVA", "Alu Extrusion Jihlava a.s.", S, "CZ", LEV, None, 1),
    Co("WIELKO", "Aluprofil Wielkopolska Sp. z o.o.", S, "PL", LEV, None, 1),
    Co("QUBIT", "Qubit Systems Oy", S, "FI", BOTT, None, 1, recovery_days=60),
    # tier 2
    Co("TKS", "Taiwan Kinetic Semiconductor Co., Ltd.", S, "TW"),
    Co("ISAR", "Isar Halbleiter AG", S, "DE", None, None, 2),
    Co("HIKARI", "Hikari Semiconductor Corp.", S, "JP"),
    Co("HOKUTO", "北斗電子工業株式会社", S, "JP", None, "HOKUTOHD", 2),
    Co("SAMWOO", "Samwoo Electro-Components Co., Ltd.", S, "KR"),
    Co("ZHAOQING", "Zhaoqing Everstar Ceramics Co., Ltd.", S, "CN"),
    Co("SINOASIA", "Sino-Asia Components Ltd.", D, "HK", None, None, 2),
    Co("HUATONG", "Jiangsu Huatong Circuit Co., Ltd.", S, "CN", None, None, 2),
    Co("STEIRISCH", "Steirische Leiterplatten AG", S, "AT", None, None, 2),
    Co("TAOYUAN", "Taoyuan Circuit Board Corp.", S, "TW"),
    Co("NIJMEGEN", "Nijmegen Microcontrollers B.V.", S, "NL", None, None, 2),
    Co("KANTO", "Kanto Microdevices Corp.", S, "JP", None, None, 2),
    Co("HANBIT", "Hanbit Memory Co., Ltd.", S, "KR"),
    Co("FORMEM", "Formosa Memory Technology Corp.", S, "TW"),
    Co("GRAZ", "Grazer Sensorik AG", S, "AT"),
    Co("IEPER", "Ieper Microsystems NV", S, "BE"),
    Co("HUAXIN", "深圳华芯微电子有限公司", S, "CN"),
    Co("KYOCAP", "Kyoto Capacitor Industries Ltd.", S, "JP"),
    Co("NANTONG", "Nantong Jiangyuan Capacitor Co., Ltd.", S, "CN"),
    Co("SHINKAWA", "Shin-Kawa Silicon Co., Ltd.", S, "JP"),
    Co("FREIBERG", "Freiberg Silicon Wafers GmbH", S, "DE"),
    Co("ESCHENBACH", "Eschenbach Ceramics GmbH", S, "DE"),
    Co("KAGOSHIMA", "Kagoshima Fine Ceramics Co., Ltd.", S, "JP"),
    Co("RUHRALU", "Ruhr Aluminium Recycling GmbH", S, "DE"),
    Co("FJORD", "Fjord Aluminium AS", S, "NO"),
    Co("OHIOALU", "Ohio Valley Aluminum LLC", S, "US"),
    Co("MONTALU", "Aluminios de Monterrey S.A. de C.V.", S, "MX"),
    Co("POLYPART", "Polymer Partners Europe B.V.", D, "NL"),
    Co("RHEINPOLY", "Rhein Polymers AG", S, "DE"),
    Co("JUBAIL", "شركة الجبيل للبوليمرات المتقدمة", S, "SA"),
    Co("TAINANPOLY", "Tainan Polymer Corp.", S, "TW"),
    Co("GULFNYLON", "Gulf Coast Nylon Inc.", S, "US"),
    Co("JINHUA", "Guangzhou Jinhua New Materials Co., Ltd.", S, "CN"),
    Co("FUJILCP", "Fuji LCP Resins K.K.", S, "JP"),
    Co("SCHWABENCU", "Schwaben Kupferband GmbH", S, "DE"),
    Co("FORNACI", "Fornaci Rame S.p.A.", S, "IT"),
    Co("WAKAMATSU", "Wakamatsu Shindo Co., Ltd.", S, "JP"),
    Co("BALEN", "Balen Zinc NV", S, "BE"),
    Co("ONSAN", "Onsan Zinc Smelting Co., Ltd.", S, "KR"),
    Co("NINGBOMAG", "Ningbo Jinlong Magnetics Co., Ltd.", S, "CN", None, "SINOMAG", 2),
    Co("BAOTOUMAG", "Baotou Tianrun Rare Earth Magnet Co., Ltd.", S, "CN", None, None, 2),
    Co("GANZHOUMAG", "Ganzhou Hongfa Magnetic Materials Co., Ltd.", S, "CN", None, "SINOMAG"),
    Co("TAKEFU", "Takefu Magnetic Works K.K.", S, "JP", None, None, 2),
    Co("HAIPHONG", "Công ty TNHH Nam Châm Hải Phòng", S, "VN"),
    Co("DONGYANG", "Dongyang Ferrite Co., Ltd.", S, "CN"),
    Co("VADODARA", "Vadodara Copper Wire Ltd.", S, "IN"),
    Co("NDKW", "Norddeutsche Kupferwerke AG", S, "DE"),
    Co("CHIBAWIRE", "Chiba Magnet Wire Co., Ltd.", S, "JP"),
    Co("CADIZINOX", "Aceros Inoxidables de Cádiz S.A.", S, "ES"),
    Co("HISAR", "Hisar Stainless Ltd.", S, "IN"),
    # tier 3 and beyond
    Co("FORMWAFER", "Formosa Silicon Wafer Corp.", S, "TW"),
    Co("GUMISI", "Gumi Silicon Co., Ltd.", S, "KR"),
    Co("SAKAIPOW", "Sakai Ceramic Powders Co., Ltd.", S, "JP"),
    Co("KAIPING", "Kaiping Laminates Co., Ltd.", S, "CN"),
    Co("DUEREN", "Düren Laminates GmbH", S, "DE"),
    Co("SHULIN", "Shulin Laminate Corp.", S, "TW"),
    Co("MIAOLI", "Miaoli Copper Foil Co., Ltd.", S, "TW"),
    Co("JEONGEUP", "Jeongeup Copper Foil Co., Ltd.", S, "KR"),
    Co("WILTZ", "Wiltz Circuit Foil S.A.", S, "LU"),
    Co("BURGHAUSEN", "Burghausen Polysilicon GmbH", S, "DE"),
    Co("SHUNAN", "Shunan Polysilicon Co., Ltd.", S, "JP"),
    Co("SAGINAW", "Saginaw Polysilicon LLC", S, "US"),
    Co("ASHIO", "Ashio Copper Works Co., Ltd.", S, "JP"),
    Co("INNERMONG", "Inner Mongolia Northern Separation Co., Ltd.", S, "CN", None, None, 3),
    Co("JIANGXIRE", "Jiangxi Southern Rare Earth Co., Ltd.", S, "CN", None, None, 3),
    Co("LONGNAN", "Longnan Heavy Rare Earth Co., Ltd.", S, "CN"),
    Co("KUANTAN", "Kuantan Rare Earth Processing Sdn. Bhd.", S, "MY", None, None, 3),
    Co("LAVERTON", "Laverton Rare Earths Ltd.", S, "AU", recovery_days=90),
)

REGION = {
    **dict.fromkeys(
        ("DE", "PL", "CZ", "HU", "AT", "BE", "NL", "LU", "IT", "ES", "FI", "NO", "IE", "TR"),
        "EMEA",
    ),
    **dict.fromkeys(("SA", "AE"), "EMEA"),
    **dict.fromkeys(("US", "MX"), "AMER"),
    **dict.fromkeys(
        ("CN", "HK", "TW", "JP", "KR", "MY", "VN", "TH", "IN", "SG", "AU"), "APAC"
    ),
}

# --------------------------------------------------------------------------- sites

CITIES: dict[str, tuple[str, float, float]] = {
    "Dresden": ("DE", 51.0504, 13.7373), "Brno": ("CZ", 49.1951, 16.6068),
    "Hamburg": ("DE", 53.5511, 9.9937), "Leipzig": ("DE", 51.3397, 12.3731),
    "Rotterdam": ("NL", 51.9244, 4.4777), "Poznań": ("PL", 52.4064, 16.9252),
    "Singapore": ("SG", 1.3521, 103.8198), "Shanghai": ("CN", 31.2304, 121.4737),
    "Kwai Chung": ("HK", 22.3636, 114.1302), "Cologne": ("DE", 50.9375, 6.9603),
    "Hsinchu": ("TW", 24.8138, 120.9675), "Tainan": ("TW", 22.9999, 120.2270),
    "Gdańsk": ("PL", 54.3520, 18.6466), "Wrocław": ("PL", 51.1079, 17.0385),
    "Bayan Lepas": ("MY", 5.2946, 100.2593), "Kulim": ("MY", 5.3650, 100.5617),
    "Zlín": ("CZ", 49.2265, 17.6707), "Ostrava": ("CZ", 49.8209, 18.2625),
    "Guadalajara": ("MX", 20.6597, -103.3496), "Dongguan": ("CN", 23.0207, 113.7518),
    "Ho Chi Minh City": ("VN", 10.8231, 106.6297), "Bucheon": ("KR", 37.5034, 126.7660),
    "Matsumoto": ("JP", 36.2381, 137.9720), "Gliwice": ("PL", 50.2945, 18.6714),
    "León": ("MX", 21.1250, -101.6860), "Kempten": ("DE", 47.7267, 10.3139),
    "Binh Duong": ("VN", 11.0040, 106.6520), "Suhl": ("DE", 50.6091, 10.6934),
    "Detmold": ("DE", 51.9387, 8.8792), "Taichung": ("TW", 24.1477, 120.6736),
    "Phoenix": ("US", 33.4484, -112.0740), "Hanover": ("DE", 52.3759, 9.7320),
    "Osaka": ("JP", 34.6937, 135.5023), "Kaohsiung": ("TW", 22.6273, 120.3014),
    "Künzelsau": ("DE", 49.2818, 9.6905), "Hanau": ("DE", 50.1264, 8.9283),
    "Ayutthaya": ("TH", 14.3532, 100.5689), "Hefei": ("CN", 31.8206, 117.2272),
    "Pune": ("IN", 18.5204, 73.8567), "Székesfehérvár": ("HU", 47.1860, 18.4221),
    "Nagoya": ("JP", 35.1815, 136.9066), "Querétaro": ("MX", 20.5888, -100.3899),
    "Ludhiana": ("IN", 30.9010, 75.8573), "Jihlava": ("CZ", 49.3961, 15.5912),
    "Kalisz": ("PL", 51.7611, 18.0910), "Landshut": ("DE", 48.5442, 12.1469),
    "Kumamoto": ("JP", 32.8031, 130.7079), "Nagaokakyo": ("JP", 34.9265, 135.6958),
    "Changwon": ("KR", 35.2281, 128.6811), "Zhaoqing": ("CN", 23.0472, 112.4651),
    "Kunshan": ("CN", 31.3856, 120.9810), "Leoben": ("AT", 47.3765, 15.0914),
    "Taoyuan": ("TW", 24.9936, 121.3010), "Nijmegen": ("NL", 51.8126, 5.8372),
    "Kawasaki": ("JP", 35.5308, 139.7029), "Icheon": ("KR", 37.2720, 127.4350),
    "Graz": ("AT", 47.0707, 15.4395), "Ieper": ("BE", 50.8503, 2.8852),
    "Shenzhen": ("CN", 22.5431, 114.0579), "Kyoto": ("JP", 35.0116, 135.7681),
    "Nantong": ("CN", 31.9802, 120.8943), "Shirakawa": ("JP", 37.1263, 140.2110),
    "Freiberg": ("DE", 50.9119, 13.3428), "Eschenbach": ("DE", 49.7547, 11.8297),
    "Kagoshima": ("JP", 31.5966, 130.5571), "Essen": ("DE", 51.4556, 7.0116),
    "Sunndalsøra": ("NO", 62.6756, 8.5625), "Hannibal": ("US", 39.6687, -80.8673),
    "Monterrey": ("MX", 25.6866, -100.3161), "Venlo": ("NL", 51.3704, 6.1724),
    "Leverkusen": ("DE", 51.0459, 7.0192), "Jubail": ("SA", 27.0046, 49.6460),
    "Pensacola": ("US", 30.4213, -87.2169), "Guangzhou": ("CN", 23.1291, 113.2644),
    "Fuji": ("JP", 35.1613, 138.6763), "Ulm": ("DE", 48.4011, 9.9876),
    "Fornaci di Barga": ("IT", 44.0450, 10.4820), "Aizuwakamatsu": ("JP", 37.4948, 139.9298),
    "Balen": ("BE", 51.1690, 5.1710), "Ulsan": ("KR", 35.4319, 129.3260),
    "Ningbo": ("CN", 29.8683, 121.5440), "Baotou": ("CN", 40.6574, 109.8403),
    "Ganzhou": ("CN", 25.8311, 114.9350), "Echizen": ("JP", 35.9035, 136.1688),
    "Hai Phong": ("VN", 20.8449, 106.6881), "Dongyang": ("CN", 29.2894, 120.2420),
    "Vadodara": ("IN", 22.3072, 73.1812), "Chiba": ("JP", 35.6074, 140.1065),
    "Algeciras": ("ES", 36.1408, -5.4562), "Hisar": ("IN", 29.1492, 75.7217),
    "Kaiping": ("CN", 22.3762, 112.6983), "Düren": ("DE", 50.8040, 6.4924),
    "Miaoli": ("TW", 24.5602, 120.8214), "Jeongeup": ("KR", 35.5699, 126.8560),
    "Wiltz": ("LU", 49.9666, 5.9324), "Burghausen": ("DE", 48.1690, 12.8308),
    "Shunan": ("JP", 34.0553, 131.8060), "Hemlock": ("US", 43.4150, -84.2311),
    "Baotou North": ("CN", 40.7020, 109.9500), "Ganxian": ("CN", 25.8600, 115.0100),
    "Longnan": ("CN", 24.9110, 114.7890), "Kuantan": ("MY", 3.8077, 103.3260),
    "Gumi": ("KR", 36.1195, 128.3446), "Shulin": ("TW", 24.9906, 121.4203),
}


class Site(NamedTuple):
    id: str
    company: str
    city: str
    name: str
    recovery_days: float | None


def _st(company: str, city: str, name: str, recovery: float | None = None) -> Site:
    slug = _slug(city).upper().replace("-", "")
    return Site(f"SITE-{company}-{slug}", company, city, name, recovery)


SITES: tuple[Site, ...] = (
    _st(FOCAL, "Dresden", "Norvik Dresden plant (drives, PLC, HMI)", 45),
    _st(FOCAL, "Brno", "Norvik Brno plant (sensors, power supplies)", 40),
    _st("NORDKAP", "Hamburg", "Nordkap hub Hamburg", 7),
    _st("NORDKAP", "Leipzig", "Nordkap air-freight hub Leipzig/Halle", 5),
    _st("NORDKAP", "Rotterdam", "Nordkap sea-freight hub Rotterdam", 10),
    _st("NORDKAP", "Poznań", "Nordkap road hub Poznań", 6),
    _st("PACCREST", "Singapore", "Pacific Crest Singapore hub", 7),
    _st("PACCREST", "Shanghai", "Pacific Crest Shanghai consolidation centre", 10),
    _st("PACCREST", "Kwai Chung", "Pacific Crest Hong Kong hub", 8),
    _st("RHEINLAB", "Cologne", "Rheinland Prüflabor Köln", 20),
    _st("HRTC", "Hsinchu", "HRTC reliability lab", 15),
    _st("KESTREL", "Gdańsk", "Kestrel Gdańsk SMT plant", 60),
    _st("KESTREL", "Wrocław", "Kestrel Wrocław SMT plant", 60),
    _st("PENANG", "Bayan Lepas", "Penang Precision Bayan Lepas plant", 75),
    _st("PENANG", "Kulim", "Penang Precision Kulim plant", 75),
    _st("MORAVA", "Zlín", "Morava EMS Zlín plant", 50),
    _st("MORAVA", "Ostrava", "Morava EMS Ostrava plant", 55),
    _st("JALISCO", "Guadalajara", "Tecnoensambles Guadalajara plant", 60),
    _st("DONGGUAN", "Dongguan", "Yonghui Dongguan power electronics plant", 45),
    _st("VIETTRONIC", "Ho Chi Minh City", "Viettronic Saigon Hi-Tech Park plant", 70),
    _st("DAEHAN", "Bucheon", "Daehan Bucheon module plant", 120),
    _st("KAMIGAWA", "Matsumoto", "Kamigawa Matsumoto power-module plant", 110),
    _st("SILESIA", "Gliwice", "Odlewnia Gliwice die-casting plant", 40),
    _st("BAJIO", "León", "Fundiciones del Bajío León foundry", 45),
    _st("ALLGAEU", "Kempten", "Kunststofftechnik Allgäu Kempten", 30),
    _st("PLASTIVINA", "Binh Duong", "Plastivina Binh Duong moulding plant", 35),
    _st("FEINGUSS", "Suhl", "Feinguss Thüringen Suhl foundry", 90),
    _st("LIPPE", "Detmold", "Lippe Connect Detmold", 30),
    _st("TAITERM", "Taichung", "Taiwan Terminal Taichung plant", 30),
    _st("ARROWMARK", "Phoenix", "Arrowmark distribution centre Phoenix", 10),
    _st("ARROWMARK", "Hanover", "Arrowmark European distribution centre", 10),
    _st("KUROSHIO", "Osaka", "Kuroshio Connector Osaka plant", 30),
    _st("SUNWIND", "Kaohsiung", "Sunwind Kaohsiung plant", 25),
    _st("HOHENLOHE", "Künzelsau", "Hohenlohe Lüftertechnik Künzelsau", 25),
    _st("MAGNETEC", "Hanau", "Magnetec Hanau assembly", 50),
    _st("SIAMMAG", "Ayutthaya", "Siam Precision Magnetics Rojana plant", 60),
    _st("LUMITEK", "Tainan", "Lumitek Tainan module fab", 90),
    _st("HEFEI", "Hefei", "Xingchen Hefei display module plant", 80),
    _st("BHARAT", "Pune", "Bharat Magnetics Pune plant", 40),
    _st("MAGYAR", "Székesfehérvár", "Magyar Tekercs Székesfehérvár", 35),
    _st("TOKAIFER", "Nagoya", "Tokai Ferrite Nagoya plant", 45),
    _st("INOX", "Querétaro", "Inox Componentes Querétaro", 30),
    _st("AJAY", "Ludhiana", "Ajay Precision Ludhiana", 30),
    _st("JIHLAVA", "Jihlava", "Alu Extrusion Jihlava press shop", 35),
    _st("WIELKO", "Kalisz", "Aluprofil Kalisz extrusion plant", 35),
    _st("TKS", "Hsinchu", "TKS Fab 3 Hsinchu", 180),
    _st("TKS", "Tainan", "TKS Fab 5 Tainan", 180),
    _st("ISAR", "Landshut", "Isar Halbleiter Landshut fab", 150),
    _st("HIKARI", "Kumamoto", "Hikari Kumamoto fab", 150),
    _st("HOKUTO", "Nagaokakyo", "Hokuto Nagaokakyo MLCC plant", 90),
    _st("SAMWOO", "Changwon", "Samwoo Changwon MLCC plant"),
    _st("ZHAOQING", "Zhaoqing", "Everstar Zhaoqing MLCC plant", 60),
    _st("SINOASIA", "Kwai Chung", "Sino-Asia Kwai Chung warehouse", 10),
    _st("HUATONG", "Kunshan", "Huatong Kunshan PCB plant", 60),
    _st("STEIRISCH", "Leoben", "Steirische Leiterplatten Leoben", 60),
    _st("TAOYUAN", "Taoyuan", "Taoyuan Circuit Board plant 2", 60),
    _st("NIJMEGEN", "Nijmegen", "Nijmegen Microcontrollers back-end", 120),
    _st("KANTO", "Kawasaki", "Kanto Microdevices Kawasaki fab", 120),
    _st("HANBIT", "Icheon", "Hanbit Icheon memory fab", 150),
    _st("FORMEM", "Taichung", "Formosa Memory Taichung fab", 150),
    _st("GRAZ", "Graz", "Grazer Sensorik fab", 120),
    _st("IEPER", "Ieper", "Ieper Microsystems fab"),
    _st("HUAXIN", "Shenzhen", "Huaxin Shenzhen assembly & test"),
    _st("KYOCAP", "Kyoto", "Kyoto Capacitor main plant", 60),
    _st("NANTONG", "Nantong", "Jiangyuan Nantong plant", 50),
    _st("SHINKAWA", "Shirakawa", "Shin-Kawa Shirakawa wafer plant", 160),
    _st("FREIBERG", "Freiberg", "Freiberg wafer plant", 150),
    _st("ESCHENBACH", "Eschenbach", "Eschenbach Ceramics substrate plant", 70),
    _st("KAGOSHIMA", "Kagoshima", "Kagoshima Fine Ceramics Kokubu plant", 70),
    _st("RUHRALU", "Essen", "Ruhr Aluminium Essen remelt plant", 40),
    _st("FJORD", "Sunndalsøra", "Fjord Aluminium Sunndalsøra smelter", 90),
    _st("OHIOALU", "Hannibal", "Ohio Valley Aluminum Hannibal smelter"),
    _st("MONTALU", "Monterrey", "Aluminios de Monterrey remelt plant", 40),
    _st("POLYPART", "Venlo", "Polymer Partners Venlo warehouse", 7),
    _st("RHEINPOLY", "Leverkusen", "Rhein Polymers Leverkusen", 60),
    _st("JUBAIL", "Jubail", "Jubail polymer complex", 90),
    _st("TAINANPOLY", "Tainan", "Tainan Polymer plant", 60),
    _st("GULFNYLON", "Pensacola", "Gulf Coast Nylon Pensacola plant", 75),
    _st("JINHUA", "Guangzhou", "Jinhua compounding plant"),
    _st("FUJILCP", "Fuji", "Fuji LCP Resins plant", 90),
    _st("SCHWABENCU", "Ulm", "Schwaben Kupferband rolling mill", 60),
    _st("FORNACI", "Fornaci di Barga", "Fornaci Rame rolling mill", 60),
    _st("WAKAMATSU", "Aizuwakamatsu", "Wakamatsu Shindo rolling mill", 60),
    _st("BALEN", "Balen", "Balen zinc smelter", 90),
    _st("ONSAN", "Ulsan", "Onsan zinc smelter", 90),
    _st("NINGBOMAG", "Ningbo", "Jinlong Ningbo magnet plant", 60),
    _st("BAOTOUMAG", "Baotou", "Tianrun Baotou magnet plant", 60),
    _st("GANZHOUMAG", "Ganzhou", "Hongfa Ganzhou magnet plant", 60),
    _st("TAKEFU", "Echizen", "Takefu Echizen magnet plant", 75),
    _st("HAIPHONG", "Hai Phong", "Nam Châm Hải Phòng plant", 60),
    _st("DONGYANG", "Dongyang", "Dongyang ferrite plant", 40),
    _st("VADODARA", "Vadodara", "Vadodara wire-drawing plant", 30),
    _st("NDKW", "Hamburg", "Norddeutsche Kupferwerke Hamburg", 60),
    _st("CHIBAWIRE", "Chiba", "Chiba magnet-wire plant", 40),
    _st("CADIZINOX", "Algeciras", "Aceros Inoxidables Palmones mill", 60),
    _st("HISAR", "Hisar", "Hisar stainless mill", 60),
    _st("FORMWAFER", "Hsinchu", "Formosa Silicon Wafer Hsinchu", 160),
    _st("GUMISI", "Gumi", "Gumi Silicon wafer plant", 160),
    _st("KAIPING", "Kaiping", "Kaiping laminate plant", 50),
    _st("DUEREN", "Düren", "Düren Laminates plant", 50),
    _st("SHULIN", "Shulin", "Shulin laminate plant", 50),
    _st("MIAOLI", "Miaoli", "Miaoli copper-foil plant", 60),
    _st("JEONGEUP", "Jeongeup", "Jeongeup copper-foil plant", 60),
    _st("WILTZ", "Wiltz", "Wiltz circuit-foil plant", 60),
    _st("BURGHAUSEN", "Burghausen", "Burghausen polysilicon plant", 120),
    _st("SHUNAN", "Shunan", "Shunan polysilicon plant", 120),
    _st("SAGINAW", "Hemlock", "Saginaw Polysilicon Hemlock plant", 120),
    _st("INNERMONG", "Baotou North", "Northern Separation Baotou plant", 90),
    _st("JIANGXIRE", "Ganxian", "Southern Rare Earth Ganxian separation plant", 90),
    _st("LONGNAN", "Longnan", "Longnan heavy rare earth plant", 90),
    _st("KUANTAN", "Kuantan", "Kuantan advanced materials plant", 120),
)

# --------------------------------------------------------------------------- items


class It(NamedTuple):
    id: str
    name: str
    kind: str
    category: str
    revenue_per_day: float | None = None
    inventory_days: float | None = None


PRODUCTS: tuple[It, ...] = (
    It("P-NX400", "NX400 variable-frequency drive 4 kW", "product", "drives", 320_000, 12),
    It("P-NX750", "NX750 servo drive 7.5 kW", "product", "drives", 260_000, 10),
    It("P-C5CPU", "NorLogic C5 PLC CPU module", "product", "PLC", 210_000, 18),
    It("P-IO16", "NorLogic IO-16 digital I/O module", "product", "PLC", 140_000, 21),
    It("P-MS20", "MagSense MS-20 magnetic rotary encoder", "product", "sensors", 90_000, 14),
    It("P-PX18", "ProxLine PX-18 inductive proximity sensor", "product", "sensors", 70_000, 20),
    It("P-PR240", "PowerRail 240 W DIN-rail power supply", "product", "power", 110_000, 15),
    It("P-VP07", "VisioPanel VP-07 7-inch HMI panel", "product", "HMI", 120_000, 9),
)

COMPONENTS: tuple[It, ...] = (
    It("C-PCBA-DRV", "Drive control board assembly", "component", "PCBA"),
    It("C-PCBA-PLC", "PLC CPU board assembly", "component", "PCBA"),
    It("C-PCBA-IO", "Digital I/O board assembly", "component", "PCBA"),
    It("C-PCBA-SNS", "Sensor electronics board assembly", "component", "PCBA"),
    It("C-PCBA-PSU", "Power-supply board assembly", "component", "PCBA"),
    It("C-IGBT", "IGBT power module 1200 V", "component", "power semiconductor"),
    It("C-HSG-DRV", "Die-cast aluminium drive housing with heat sink", "component", "mechanical"),
    It("C-HSG-PLC", "PC/ABS module housing", "component", "mechanical"),
    It("C-HSG-ENC", "Zinc die-cast encoder housing", "component", "mechanical"),
    It("C-HSG-PRX", "M18 stainless threaded sensor sleeve", "component", "mechanical"),
    It("C-HSG-PSU", "Aluminium extrusion PSU housing", "component", "mechanical"),
    It("C-CONN-IND", "Industrial terminal and connector set", "component", "connector"),
    It("C-CONN-M12", "M12 circular connector", "component", "connector"),
    It("C-CONN-BTB", "Board-to-board connector", "component", "connector"),
    It("C-FAN", "80 mm DC cooling fan", "component", "electromechanical"),
    It("C-MAG-ASSY", "Encoder magnet rotor assembly", "component", "magnetics"),
    It("C-LCD-7", "7-inch TFT display module with touch", "component", "display"),
    It("C-XFMR", "Planar power transformer", "component", "magnetics"),
    It("C-COIL-PRX", "Ferrite-core sensing coil", "component", "magnetics"),
    It("C-ASIC-MC", "KX-7 motor-control ASIC", "component", "semiconductor"),
    It("C-GATEDRV", "Isolated IGBT gate-driver IC", "component", "semiconductor"),
    It("C-SOC", "Arm Cortex-A application processor", "component", "semiconductor"),
    It("C-DRAM", "DDR4 DRAM 4 Gbit", "component", "semiconductor"),
    It("C-MCU-32", "32-bit microcontroller", "component", "semiconductor"),
    It("C-HALL", "Magnetic angle sensor IC", "component", "semiconductor"),
    It("C-OPTO", "Optocoupler", "component", "semiconductor"),
    It("C-MOSFET", "650 V power MOSFET", "component", "semiconductor"),
    It("C-MLCC", "Multilayer ceramic capacitor", "component", "passive"),
    It("C-ECAP", "Aluminium electrolytic capacitor", "component", "passive"),
    It("C-PCB-8L", "8-layer bare printed circuit board", "component", "PCB"),
    It("C-PCB-4L", "4-layer bare printed circuit board", "component", "PCB"),
    It("C-DBC-SUB", "Direct-bonded copper ceramic substrate", "component", "substrate"),
)

MATERIALS: tuple[It, ...] = (
    It("M-SI-WAFER", "300 mm silicon wafer", "material", "silicon"),
    It("M-POLYSI", "Semiconductor-grade polysilicon", "material", "silicon"),
    It("M-CCL", "FR-4 copper-clad laminate", "material", "laminate"),
    It("M-CU-FOIL", "Electrodeposited copper foil", "material", "metal"),
    It("M-GLASS-FABRIC", "E-glass fabric", "material", "laminate"),
    It("M-EPOXY", "Epoxy laminating resin", "material", "polymer"),
    It("M-CU-SHEET", "Oxygen-free copper sheet", "material", "metal"),
    It("M-ALUMINA", "Alumina ceramic powder", "material", "ceramic"),
    It("M-CU-WIRE", "Enamelled copper magnet wire", "material", "metal"),
    It("M-CU-STRIP", "Copper-alloy contact strip", "material", "metal"),
    It("M-AL-ALLOY", "Aluminium die-casting alloy AlSi9Cu3", "material", "metal"),
    It("M-AL-BILLET", "Aluminium extrusion billet 6063", "material", "metal"),
    It("M-ZINC-ALLOY", "Zamak 5 zinc die-casting alloy", "material", "metal"),
    It("M-SS-BAR", "Stainless steel bar 1.4305", "material", "metal"),
    It("M-PCABS", "PC/ABS flame-retardant resin", "material", "polymer"),
    It("M-PA66", "Polyamide 66 GF30 resin", "material", "polymer"),
    It("M-LCP", "Liquid-crystal polymer resin", "material", "polymer"),
    It("M-BATIO3", "Barium titanate dielectric powder", "material", "ceramic"),
    It("M-FERRITE", "MnZn ferrite core", "material", "magnetics"),
    It("M-IRON-OXIDE", "High-purity iron oxide", "material", "chemical"),
    It("M-NDFEB", "Sintered NdFeB rare-earth magnet", "material", "rare earth"),
    It("M-NDPR-OXIDE", "Neodymium-praseodymium oxide", "material", "rare earth"),
    It("M-DY", "Dysprosium metal", "material", "rare earth"),
    It("M-RE-CONC", "Rare-earth mineral concentrate", "material", "rare earth"),
)

SERVICES: tuple[It, ...] = (
    It("SV-RTOS", "Safety-certified RTOS runtime licence", "service", "software"),
)

ITEMS: tuple[It, ...] = PRODUCTS + COMPONENTS + MATERIALS + SERVICES

_CHIP_WAFER = 0.002  # 300 mm wafers per packaged chip (a few hundred good dies per wafer)

BOM: tuple[tuple[str, str, float], ...] = (
    ("P-NX400", "C-PCBA-DRV", 1), ("P-NX400", "C-IGBT", 1), ("P-NX400", "C-HSG-DRV", 1),
    ("P-NX400", "C-CONN-IND", 2), ("P-NX400", "C-FAN", 1),
    ("P-NX750", "C-PCBA-DRV", 1), ("P-NX750", "C-IGBT", 2), ("P-NX750", "C-HSG-DRV", 1),
    ("P-NX750", "C-CONN-IND", 3), ("P-NX750", "C-FAN", 2),
    ("P-C5CPU", "C-PCBA-PLC", 1), ("P-C5CPU", "C-HSG-PLC", 1), ("P-C5CPU", "C-CONN-IND", 1),
    ("P-C5CPU", "SV-RTOS", 1),
    ("P-IO16", "C-PCBA-IO", 1), ("P-IO16", "C-HSG-PLC", 1), ("P-IO16", "C-CONN-IND", 1),
    ("P-MS20", "C-PCBA-SNS", 1), ("P-MS20", "C-MAG-ASSY", 1), ("P-MS20", "C-HSG-ENC", 1),
    ("P-MS20", "C-CONN-M12", 1),
    ("P-PX18", "C-PCBA-SNS", 1), ("P-PX18", "C-COIL-PRX", 1), ("P-PX18", "C-HSG-PRX", 1),
    ("P-PX18", "C-CONN-M12", 1),
    ("P-PR240", "C-PCBA-PSU", 1), ("P-PR240", "C-XFMR", 1), ("P-PR240", "C-HSG-PSU", 1),
    ("P-PR240", "C-CONN-IND", 1),
    ("P-VP07", "C-PCBA-PLC", 1), ("P-VP07", "C-LCD-7", 1), ("P-VP07", "C-HSG-PLC", 1),
    ("P-VP07", "C-CONN-IND", 1), ("P-VP07", "SV-RTOS", 1),
    # board assemblies
    ("C-PCBA-DRV", "C-PCB-8L", 1), ("C-PCBA-DRV", "C-ASIC-MC", 1),
    ("C-PCBA-DRV", "C-GATEDRV", 6), ("C-PCBA-DRV", "C-MLCC", 180),
    ("C-PCBA-DRV", "C-CONN-BTB", 2),
    ("C-PCBA-PLC", "C-PCB-8L", 1), ("C-PCBA-PLC", "C-SOC", 1), ("C-PCBA-PLC", "C-DRAM", 2),
    ("C-PCBA-PLC", "C-MLCC", 220), ("C-PCBA-PLC", "C-CONN-BTB", 3),
    ("C-PCBA-IO", "C-PCB-4L", 1), ("C-PCBA-IO", "C-MCU-32", 1), ("C-PCBA-IO", "C-OPTO", 16),
    ("C-PCBA-IO", "C-MLCC", 60), ("C-PCBA-IO", "C-CONN-BTB", 1),
    ("C-PCBA-SNS", "C-PCB-4L", 1), ("C-PCBA-SNS", "C-MCU-32", 1), ("C-PCBA-SNS", "C-HALL", 1),
    ("C-PCBA-SNS", "C-MLCC", 24),
    ("C-PCBA-PSU", "C-PCB-4L", 1), ("C-PCBA-PSU", "C-MOSFET", 4), ("C-PCBA-PSU", "C-ECAP", 6),
    ("C-PCBA-PSU", "C-MCU-32", 1), ("C-PCBA-PSU", "C-MLCC", 40),
    # power module, mechanics, connectors, magnetics
    ("C-IGBT", "M-SI-WAFER", 0.05), ("C-IGBT", "C-DBC-SUB", 1),
    ("C-DBC-SUB", "M-CU-SHEET", 0.12), ("C-DBC-SUB", "M-ALUMINA", 0.08),
    ("C-HSG-DRV", "M-AL-ALLOY", 2.1),
    ("C-HSG-PLC", "M-PCABS", 0.09),
    ("C-HSG-ENC", "M-ZINC-ALLOY", 0.35),
    ("C-HSG-PRX", "M-SS-BAR", 0.06),
    ("C-HSG-PSU", "M-AL-BILLET", 0.8),
    ("C-CONN-IND", "M-CU-STRIP", 0.04), ("C-CONN-IND", "M-PA66", 0.03),
    ("C-CONN-M12", "M-CU-STRIP", 0.01), ("C-CONN-M12", "M-PA66", 0.008),
    ("C-CONN-BTB", "M-CU-STRIP", 0.002), ("C-CONN-BTB", "M-LCP", 0.001),
    ("C-MAG-ASSY", "M-NDFEB", 1),
    ("M-NDFEB", "M-NDPR-OXIDE", 0.012), ("M-NDFEB", "M-DY", 0.0015),
    ("M-NDPR-OXIDE", "M-RE-CONC", 3.2),
    ("C-XFMR", "M-FERRITE", 2), ("C-XFMR", "M-CU-WIRE", 0.15),
    ("C-COIL-PRX", "M-FERRITE", 1), ("C-COIL-PRX", "M-CU-WIRE", 0.004),
    ("M-FERRITE", "M-IRON-OXIDE", 0.7),
    # semiconductors and passives
    ("C-ASIC-MC", "M-SI-WAFER", _CHIP_WAFER), ("C-GATEDRV", "M-SI-WAFER", _CHIP_WAFER),
    ("C-SOC", "M-SI-WAFER", _CHIP_WAFER), ("C-DRAM", "M-SI-WAFER", _CHIP_WAFER),
    ("C-MCU-32", "M-SI-WAFER", _CHIP_WAFER), ("C-HALL", "M-SI-WAFER", _CHIP_WAFER),
    ("C-OPTO", "M-SI-WAFER", _CHIP_WAFER), ("C-MOSFET", "M-SI-WAFER", _CHIP_WAFER),
    ("M-SI-WAFER", "M-POLYSI", 0.13),
    ("C-MLCC", "M-BATIO3", 0.00002),
    ("C-PCB-8L", "M-CCL", 0.12), ("C-PCB-8L", "M-CU-FOIL", 0.02),
    ("C-PCB-4L", "M-CCL", 0.05), ("C-PCB-4L", "M-CU-FOIL", 0.01),
    ("M-CCL", "M-CU-FOIL", 0.3), ("M-CCL", "M-GLASS-FABRIC", 0.4), ("M-CCL", "M-EPOXY", 0.3),
)

# --------------------------------------------------------------------------- supplies


class Buy(NamedTuple):
    """What ``buyer`` buys of ``item`` per year, and from whom.

    ``sources`` are ``(supplier, share)`` or ``(supplier, share, site)``; a
    site of ``"-"`` means "no site recorded", no site at all lets the
    generator pick the supplier's first site for about two rows in three.
    """

    buyer: str
    item: str
    spend: float
    lead: int
    sources: tuple[tuple[str, float] | tuple[str, float, str], ...]


N = FOCAL
BUYS: tuple[Buy, ...] = (
    # ---- tier 1: what Norvik buys
    Buy(N, "C-PCBA-DRV", 61_800_000, 56,
        (("KESTREL", 0.6, "SITE-KESTREL-GDANSK"), ("PENANG", 0.4, "SITE-PENANG-BAYANLEPAS"))),
    Buy(N, "C-PCBA-PLC", 37_500_000, 49,
        (("KESTREL", 0.55, "SITE-KESTREL-WROCLAW"),
         ("VIETTRONIC", 0.45, "SITE-VIETTRONIC-HOCHIMINHCITY"))),
    Buy(N, "C-PCBA-IO", 13_900_000, 42,
        (("MORAVA", 0.7, "SITE-MORAVA-ZLIN"), ("KESTREL", 0.3, "SITE-KESTREL-WROCLAW"))),
    Buy(N, "C-PCBA-SNS", 10_600_000, 45,
        (("MORAVA", 0.5, "SITE-MORAVA-OSTRAVA"), ("JALISCO", 0.5))),
    Buy(N, "C-PCBA-PSU", 15_800_000, 60,
        (("DONGGUAN", 0.6), ("PENANG", 0.4, "SITE-PENANG-KULIM"))),
    Buy(N, "C-IGBT", 33_600_000, 120, (("DAEHAN", 0.55), ("KAMIGAWA", 0.45))),
    Buy(N, "C-HSG-DRV", 8_900_000, 35, (("SILESIA", 0.7), ("BAJIO", 0.3))),
    Buy(N, "C-HSG-PLC", 5_400_000, 30, (("ALLGAEU", 0.6), ("PLASTIVINA", 0.4))),
    Buy(N, "C-HSG-ENC", 2_800_000, 42, (("FEINGUSS", 1.0, "SITE-FEINGUSS-SUHL"),)),
    Buy(N, "C-HSG-PRX", 1_600_000, 35, (("INOX", 0.5), ("AJAY", 0.5, "-"))),
    Buy(N, "C-HSG-PSU", 2_400_000, 28, (("JIHLAVA", 0.55), ("WIELKO", 0.45, "-"))),
    Buy(N, "C-CONN-IND", 7_500_000, 28,
        (("LIPPE", 0.5), ("TAITERM", 0.3), ("ARROWMARK", 0.2, "SITE-ARROWMARK-HANOVER"))),
    Buy(N, "C-CONN-M12", 2_200_000, 28, (("LIPPE", 0.6), ("KUROSHIO", 0.4))),
    Buy(N, "C-FAN", 3_100_000, 35, (("SUNWIND", 0.5), ("HOHENLOHE", 0.5))),
    Buy(N, "C-MAG-ASSY", 4_200_000, 63, (("MAGNETEC", 0.6), ("SIAMMAG", 0.4))),
    Buy(N, "C-LCD-7", 8_400_000, 70, (("LUMITEK", 0.7), ("HEFEI", 0.3))),
    Buy(N, "C-XFMR", 6_300_000, 49, (("BHARAT", 0.5), ("MAGYAR", 0.5))),
    Buy(N, "C-COIL-PRX", 1_900_000, 42, (("BHARAT", 0.5), ("TOKAIFER", 0.5, "-"))),
    Buy(N, "SV-RTOS", 1_200_000, 5, (("QUBIT", 1.0),)),
    # ---- tier 2: what the EMS partners buy
    Buy("KESTREL", "C-ASIC-MC", 9_800_000, 154, (("TKS", 1.0, "SITE-TKS-HSINCHU"),)),
    Buy("KESTREL", "C-PCB-8L", 6_100_000, 35, (("STEIRISCH", 0.6), ("HUATONG", 0.4))),
    Buy("KESTREL", "C-PCB-4L", 1_300_000, 30, (("STEIRISCH", 0.6), ("HUATONG", 0.4))),
    Buy("KESTREL", "C-GATEDRV", 2_900_000, 112,
        (("ISAR", 0.6), ("ARROWMARK", 0.4, "SITE-ARROWMARK-HANOVER"))),
    Buy("KESTREL", "C-MLCC", 2_200_000, 84,
        (("ARROWMARK", 0.5, "SITE-ARROWMARK-HANOVER"), ("HOKUTO", 0.5))),
    Buy("KESTREL", "C-CONN-BTB", 900_000, 42, (("LIPPE", 0.5), ("TAITERM", 0.5))),
    Buy("KESTREL", "C-SOC", 5_600_000, 140, (("NIJMEGEN", 0.7), ("KANTO", 0.3))),
    Buy("KESTREL", "C-DRAM", 2_400_000, 98, (("HANBIT", 0.5), ("FORMEM", 0.5))),
    Buy("KESTREL", "C-MCU-32", 600_000, 126, (("NIJMEGEN", 1.0),)),
    Buy("KESTREL", "C-OPTO", 350_000, 84, (("KANTO", 1.0),)),
    Buy("PENANG", "C-ASIC-MC", 6_500_000, 154, (("TKS", 1.0, "SITE-TKS-TAINAN"),)),
    Buy("PENANG", "C-PCB-8L", 3_400_000, 28, (("HUATONG", 0.5), ("TAOYUAN", 0.5))),
    Buy("PENANG", "C-PCB-4L", 900_000, 28, (("TAOYUAN", 0.6), ("HUATONG", 0.4))),
    Buy("PENANG", "C-GATEDRV", 1_900_000, 112, (("HIKARI", 0.5), ("ISAR", 0.5))),
    Buy("PENANG", "C-MLCC", 1_700_000, 70, (("SINOASIA", 0.7), ("SAMWOO", 0.3))),
    Buy("PENANG", "C-CONN-BTB", 420_000, 35, (("TAITERM", 1.0),)),
    Buy("PENANG", "C-MOSFET", 1_100_000, 98, (("ISAR", 0.6), ("HUAXIN", 0.4))),
    Buy("PENANG", "C-ECAP", 480_000, 70, (("KYOCAP", 1.0),)),
    Buy("PENANG", "C-MCU-32", 520_000, 126, (("NIJMEGEN", 1.0),)),
    Buy("VIETTRONIC", "C-PCB-8L", 2_800_000, 28, (("TAOYUAN", 0.6), ("HUATONG", 0.4))),
    Buy("VIETTRONIC", "C-SOC", 4_600_000, 140, (("KANTO", 0.6), ("NIJMEGEN", 0.4))),
    Buy("VIETTRONIC", "C-DRAM", 1_900_000, 98, (("HANBIT", 0.5), ("FORMEM", 0.5))),
    Buy("VIETTRONIC", "C-MLCC", 1_300_000, 56, (("SINOASIA", 1.0),)),
    Buy("VIETTRONIC", "C-CONN-BTB", 380_000, 35, (("TAITERM", 1.0),)),
    Buy("MORAVA", "C-PCB-4L", 1_700_000, 30, (("STEIRISCH", 0.7), ("HUATONG", 0.3))),
    Buy("MORAVA", "C-MCU-32", 1_400_000, 126, (("NIJMEGEN", 0.6), ("KANTO", 0.4))),
    Buy("MORAVA", "C-OPTO", 900_000, 84, (("IEPER", 0.5), ("KANTO", 0.5))),
    Buy("MORAVA", "C-HALL", 1_100_000, 98, (("GRAZ", 0.6), ("IEPER", 0.4))),
    Buy("MORAVA", "C-MLCC", 800_000, 84,
        (("ARROWMARK", 0.5, "SITE-ARROWMARK-HANOVER"), ("HOKUTO", 0.5))),
    Buy("MORAVA", "C-CONN-BTB", 260_000, 42, (("LIPPE", 0.6), ("TAITERM", 0.4))),
    Buy("JALISCO", "C-PCB-4L", 600_000, 35, (("TAOYUAN", 1.0),)),
    Buy("JALISCO", "C-MCU-32", 700_000, 56, (("ARROWMARK", 1.0, "SITE-ARROWMARK-PHOENIX"),)),
    Buy("JALISCO", "C-HALL", 650_000, 98, (("IEPER", 1.0),)),
    Buy("JALISCO", "C-MLCC", 300_000, 63,
        (("ARROWMARK", 0.6, "SITE-ARROWMARK-PHOENIX"), ("ZHAOQING", 0.4))),
    Buy("DONGGUAN", "C-PCB-4L", 1_500_000, 21, (("HUATONG", 1.0),)),
    Buy("DONGGUAN", "C-MOSFET", 2_300_000, 84, (("HUAXIN", 0.7), ("ISAR", 0.3))),
    Buy("DONGGUAN", "C-ECAP", 900_000, 42, (("NANTONG", 0.8), ("KYOCAP", 0.2))),
    Buy("DONGGUAN", "C-MCU-32", 800_000, 126, (("KANTO", 0.5), ("NIJMEGEN", 0.5))),
    Buy("DONGGUAN", "C-MLCC", 700_000, 42, (("ZHAOQING", 0.5), ("SINOASIA", 0.5))),
    # ---- tier 2: power modules, mechanics, connectors, magnetics
    Buy("DAEHAN", "M-SI-WAFER", 3_900_000, 90, (("SHINKAWA", 0.5), ("FREIBERG", 0.5))),
    Buy("DAEHAN", "C-DBC-SUB", 2_600_000, 70, (("ESCHENBACH", 0.5), ("KAGOSHIMA", 0.5))),
    Buy("KAMIGAWA", "M-SI-WAFER", 3_100_000, 90, (("SHINKAWA", 1.0),)),
    Buy("KAMIGAWA", "C-DBC-SUB", 2_000_000, 56, (("KAGOSHIMA", 1.0),)),
    Buy("SILESIA", "M-AL-ALLOY", 2_300_000, 21, (("RUHRALU", 0.5), ("FJORD", 0.5))),
    Buy("BAJIO", "M-AL-ALLOY", 1_000_000, 21, (("MONTALU", 0.7), ("OHIOALU", 0.3))),
    Buy("ALLGAEU", "M-PCABS", 1_100_000, 28, (("POLYPART", 0.7), ("RHEINPOLY", 0.3))),
    Buy("PLASTIVINA", "M-PCABS", 700_000, 45, (("TAINANPOLY", 0.7), ("JUBAIL", 0.3))),
    Buy("FEINGUSS", "M-ZINC-ALLOY", 600_000, 35, (("BALEN", 0.6), ("ONSAN", 0.4))),
    Buy("INOX", "M-SS-BAR", 300_000, 60, (("CADIZINOX", 1.0),)),
    Buy("AJAY", "M-SS-BAR", 250_000, 30, (("HISAR", 1.0),)),
    Buy("JIHLAVA", "M-AL-BILLET", 700_000, 21, (("FJORD", 0.6), ("RUHRALU", 0.4))),
    Buy("WIELKO", "M-AL-BILLET", 500_000, 28, (("FJORD", 1.0),)),
    Buy("LIPPE", "M-CU-STRIP", 2_600_000, 42, (("SCHWABENCU", 0.7), ("FORNACI", 0.3))),
    Buy("LIPPE", "M-PA66", 900_000, 35, (("POLYPART", 0.5), ("GULFNYLON", 0.5))),
    Buy("LIPPE", "M-LCP", 200_000, 56, (("FUJILCP", 1.0),)),
    Buy("TAITERM", "M-CU-STRIP", 1_500_000, 35, (("WAKAMATSU", 0.6), ("SCHWABENCU", 0.4))),
    Buy("TAITERM", "M-PA66", 600_000, 28, (("JINHUA", 0.6), ("GULFNYLON", 0.4))),
    Buy("TAITERM", "M-LCP", 260_000, 42, (("FUJILCP", 0.7), ("JINHUA", 0.3))),
    Buy("KUROSHIO", "M-CU-STRIP", 400_000, 30, (("WAKAMATSU", 1.0),)),
    Buy("KUROSHIO", "M-PA66", 150_000, 30, (("JINHUA", 0.7), ("GULFNYLON", 0.3))),
    Buy("MAGNETEC", "M-NDFEB", 1_600_000, 75,
        (("NINGBOMAG", 0.5), ("BAOTOUMAG", 0.3), ("TAKEFU", 0.2))),
    Buy("SIAMMAG", "M-NDFEB", 1_000_000, 60, (("GANZHOUMAG", 0.6), ("HAIPHONG", 0.4))),
    Buy("BHARAT", "M-FERRITE", 800_000, 35, (("TOKAIFER", 0.5), ("DONGYANG", 0.5))),
    Buy("BHARAT", "M-CU-WIRE", 700_000, 21, (("VADODARA", 1.0),)),
    Buy("MAGYAR", "M-FERRITE", 600_000, 42, (("DONGYANG", 1.0),)),
    Buy("MAGYAR", "M-CU-WIRE", 500_000, 21, (("NDKW", 1.0),)),
    Buy("TOKAIFER", "M-CU-WIRE", 300_000, 21, (("CHIBAWIRE", 1.0),)),
    # ---- distributors: what they resell, and from whom
    Buy("ARROWMARK", "C-CONN-IND", 2_100_000, 28, (("LIPPE", 0.6), ("TAITERM", 0.4))),
    Buy("ARROWMARK", "C-MLCC", 3_200_000, 70, (("HOKUTO", 0.6), ("SAMWOO", 0.4))),
    Buy("ARROWMARK", "C-GATEDRV", 2_400_000, 105, (("ISAR", 0.7), ("HIKARI", 0.3))),
    Buy("ARROWMARK", "C-MCU-32", 2_900_000, 112, (("NIJMEGEN", 0.6), ("KANTO", 0.4))),
    Buy("SINOASIA", "C-MLCC", 2_700_000, 56, (("HOKUTO", 0.4), ("ZHAOQING", 0.6))),
    Buy("POLYPART", "M-PCABS", 3_400_000, 21, (("RHEINPOLY", 0.6), ("JUBAIL", 0.4))),
    Buy("POLYPART", "M-PA66", 2_800_000, 21, (("RHEINPOLY", 0.5), ("GULFNYLON", 0.5))),
    # ---- tier 3: semiconductors and their wafers
    Buy("TKS", "M-SI-WAFER", 4_200_000, 90, (("FORMWAFER", 0.6), ("SHINKAWA", 0.4))),
    Buy("NIJMEGEN", "M-SI-WAFER", 5_100_000, 90, (("FREIBERG", 0.6), ("FORMWAFER", 0.4))),
    Buy("KANTO", "M-SI-WAFER", 4_400_000, 90, (("SHINKAWA", 0.7), ("FORMWAFER", 0.3))),
    Buy("HANBIT", "M-SI-WAFER", 6_800_000, 90, (("GUMISI", 0.7), ("SHINKAWA", 0.3))),
    Buy("ISAR", "M-SI-WAFER", 3_600_000, 90, (("FREIBERG", 1.0),)),
    Buy("HIKARI", "M-SI-WAFER", 2_100_000, 90, (("SHINKAWA", 1.0),)),
    Buy("GRAZ", "M-SI-WAFER", 1_200_000, 90, (("FREIBERG", 1.0),)),
    Buy("IEPER", "M-SI-WAFER", 1_500_000, 90, (("FREIBERG", 0.5), ("FORMWAFER", 0.5))),
    Buy("FORMEM", "M-SI-WAFER", 3_900_000, 90, (("FORMWAFER", 1.0),)),
    Buy("SHINKAWA", "M-POLYSI", 9_500_000, 120, (("SHUNAN", 0.6), ("SAGINAW", 0.4))),
    Buy("FREIBERG", "M-POLYSI", 6_200_000, 120, (("BURGHAUSEN", 1.0),)),
    Buy("FORMWAFER", "M-POLYSI", 7_800_000, 120, (("SAGINAW", 0.5), ("BURGHAUSEN", 0.5))),
    Buy("GUMISI", "M-POLYSI", 5_900_000, 120, (("SAGINAW", 0.6), ("SHUNAN", 0.4))),
    Buy("HOKUTO", "M-BATIO3", 1_800_000, 60, (("SAKAIPOW", 1.0),)),
    Buy("ESCHENBACH", "M-CU-SHEET", 900_000, 28, (("NDKW", 1.0),)),
    Buy("KAGOSHIMA", "M-CU-SHEET", 1_100_000, 28, (("ASHIO", 1.0),)),
    # ---- tier 3: PCB laminates and copper foil
    Buy("STEIRISCH", "M-CCL", 2_400_000, 35, (("DUEREN", 0.7), ("SHULIN", 0.3))),
    Buy("STEIRISCH", "M-CU-FOIL", 700_000, 42, (("WILTZ", 0.6), ("MIAOLI", 0.4))),
    Buy("HUATONG", "M-CCL", 3_800_000, 21, (("KAIPING", 0.8), ("SHULIN", 0.2))),
    Buy("HUATONG", "M-CU-FOIL", 1_100_000, 28, (("MIAOLI", 0.5), ("JEONGEUP", 0.5))),
    Buy("TAOYUAN", "M-CCL", 2_900_000, 21, (("SHULIN", 0.6), ("KAIPING", 0.4))),
    Buy("TAOYUAN", "M-CU-FOIL", 900_000, 28, (("MIAOLI", 0.7), ("JEONGEUP", 0.3))),
    Buy("DUEREN", "M-CU-FOIL", 2_200_000, 42, (("WILTZ", 1.0),)),
    Buy("KAIPING", "M-CU-FOIL", 5_600_000, 28, (("MIAOLI", 0.4), ("JEONGEUP", 0.6))),
    Buy("SHULIN", "M-CU-FOIL", 4_100_000, 21, (("MIAOLI", 1.0),)),
    # ---- tier 3/4: rare earths behind the magnets
    Buy("NINGBOMAG", "M-NDPR-OXIDE", 6_300_000, 45, (("INNERMONG", 0.7), ("JIANGXIRE", 0.3))),
    Buy("NINGBOMAG", "M-DY", 2_100_000, 45, (("LONGNAN", 1.0),)),
    Buy("BAOTOUMAG", "M-NDPR-OXIDE", 5_200_000, 30, (("INNERMONG", 1.0),)),
    Buy("BAOTOUMAG", "M-DY", 1_500_000, 45, (("LONGNAN", 0.5), ("JIANGXIRE", 0.5))),
    Buy("GANZHOUMAG", "M-NDPR-OXIDE", 4_700_000, 30, (("JIANGXIRE", 1.0),)),
    Buy("GANZHOUMAG", "M-DY", 1_900_000, 30, (("JIANGXIRE", 1.0),)),
    Buy("TAKEFU", "M-NDPR-OXIDE", 3_900_000, 60, (("KUANTAN", 0.5), ("INNERMONG", 0.5))),
    Buy("TAKEFU", "M-DY", 1_300_000, 60, (("LONGNAN", 0.6), ("JIANGXIRE", 0.4))),
    Buy("HAIPHONG", "M-NDPR-OXIDE", 2_200_000, 45, (("JIANGXIRE", 0.6), ("INNERMONG", 0.4))),
    Buy("HAIPHONG", "M-DY", 700_000, 45, (("LONGNAN", 1.0),)),
    Buy("KUANTAN", "M-RE-CONC", 8_800_000, 30, (("LAVERTON", 1.0),)),
)


class Sale(NamedTuple):
    customer: str
    product: str
    share: float  # Norvik's share of the customer's need for the product
    spend: float
    lead: int
    site: str


_DD, _BR = "SITE-NORVIK-DRESDEN", "SITE-NORVIK-BRNO"
SALES: tuple[Sale, ...] = (
    Sale("BAUKRAFT", "P-NX400", 0.4, 18_500_000, 21, _DD),
    Sale("BAUKRAFT", "P-NX750", 0.35, 14_200_000, 28, _DD),
    Sale("BAUKRAFT", "P-C5CPU", 0.5, 9_800_000, 14, _DD),
    Sale("BAUKRAFT", "P-IO16", 0.5, 6_100_000, 14, _DD),
    Sale("GREATLAKES", "P-NX400", 0.2, 11_700_000, 42, _DD),
    Sale("GREATLAKES", "P-PR240", 0.3, 7_400_000, 35, _BR),
    Sale("GREATLAKES", "P-MS20", 0.25, 4_900_000, 35, _BR),
    Sale("GREATLAKES", "P-PX18", 0.3, 3_800_000, 35, _BR),
    Sale("SAKURA", "P-C5CPU", 0.15, 5_200_000, 49, _DD),
    Sale("SAKURA", "P-VP07", 0.2, 6_600_000, 49, _DD),
    Sale("SAKURA", "P-MS20", 0.3, 3_900_000, 49, _BR),
    Sale("ANADOLU", "P-NX400", 0.6, 8_300_000, 28, _DD),
    Sale("ANADOLU", "P-PR240", 0.5, 3_100_000, 28, _BR),
    Sale("ANADOLU", "P-IO16", 0.4, 2_600_000, 28, _DD),
)

# --------------------------------------------------------------------------- dependencies

DEPENDENCIES: tuple[tuple[str, str, str, bool, str], ...] = (
    (N, "NORDKAP", "logistics", True, "all inbound and outbound road and air freight in Europe"),
    (N, "PACCREST", "logistics", False, "Asia sea-freight consolidation (backup forwarder)"),
    (N, "KRONBERG", "software", False, "ERP; on-premise instance with manual fallback"),
    (N, "NIMBUS", "software", False, "collaboration and supplier portal hosting"),
    (N, "RHEINLAB", "testing", False, "EMC and safety certification testing"),
    (N, "HANSEBANK", "finance", False, "working-capital lines and supply-chain finance"),
    ("KESTREL", "NORDKAP", "logistics", True, "component inbound and deliveries to Norvik"),
    ("KESTREL", "KRONBERG", "software", True, "ERP and MES (SaaS)"),
    ("KESTREL", "RHEINLAB", "testing", False, "reliability testing"),
    ("KESTREL", "HANSEBANK", "finance", False, "reverse factoring"),
    ("MORAVA", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("MORAVA", "KRONBERG", "software", False, "ERP (on-premise)"),
    ("MORAVA", "RHEINLAB", "testing", False, "reliability testing"),
    ("SILESIA", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("SILESIA", "KRONBERG", "software", True, "ERP (SaaS)"),
    ("ALLGAEU", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("FEINGUSS", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("FEINGUSS", "HANSEBANK", "finance", False, "reverse factoring"),
    ("LIPPE", "NORDKAP", "logistics", True, "deliveries to Norvik and EMS partners"),
    ("LIPPE", "KRONBERG", "software", True, "ERP (SaaS)"),
    ("HOHENLOHE", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("MAGNETEC", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("JIHLAVA", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("WIELKO", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("MAGYAR", "NORDKAP", "logistics", True, "deliveries to Norvik"),
    ("STEIRISCH", "NORDKAP", "logistics", True, "deliveries to EMS partners"),
    ("ISAR", "NORDKAP", "logistics", True, "deliveries to EMS partners"),
    ("ESCHENBACH", "NORDKAP", "logistics", True, "exports to Asia via Hamburg"),
    ("RUHRALU", "NORDKAP", "logistics", True, "ingot deliveries"),
    ("SCHWABENCU", "NORDKAP", "logistics", True, "strip deliveries"),
    ("DUEREN", "NORDKAP", "logistics", True, "laminate deliveries"),
    ("BALEN", "NORDKAP", "logistics", True, "zinc deliveries"),
    ("POLYPART", "NORDKAP", "logistics", True, "resin deliveries"),
    ("RHEINPOLY", "NORDKAP", "logistics", True, "resin deliveries"),
    ("ARROWMARK", "NORDKAP", "logistics", False, "European last-mile deliveries"),
    ("DONGGUAN", "PACCREST", "logistics", True, "exports to Europe"),
    ("VIETTRONIC", "PACCREST", "logistics", True, "exports to Europe"),
    ("PLASTIVINA", "PACCREST", "logistics", True, "exports to Europe"),
    ("SIAMMAG", "PACCREST", "logistics", True, "exports to Europe"),
    ("HAIPHONG", "PACCREST", "logistics", True, "exports to Thailand"),
    ("PENANG", "PACCREST", "logistics", False, "exports to Europe (second forwarder in place)"),
    ("TKS", "PACCREST", "logistics", False, "exports"),
    ("LUMITEK", "PACCREST", "logistics", False, "exports to Europe"),
    ("SUNWIND", "PACCREST", "logistics", False, "exports to Europe"),
    ("TKS", "HRTC", "testing", False, "qualification testing"),
    ("DAEHAN", "HRTC", "testing", False, "power-cycling tests"),
    ("PENANG", "HRTC", "testing", False, "reliability testing"),
    ("KRONBERG", "NIMBUS", "software", True, "hosting of the ERP SaaS"),
    ("NORDKAP", "KRONBERG", "software", False, "transport management integration"),
    ("NORDKAP", "NIMBUS", "software", False, "track-and-trace portal hosting"),
)

# --------------------------------------------------------------------------- people

DOMAINS: dict[str, str] = {
    FOCAL: "norvik-ie.com", "BAUKRAFT": "baukraft.de", "GREATLAKES": "greatlakes-automation.com",
    "SAKURA": "sakura-fs.co.jp", "ANADOLU": "anadolu-otomasyon.com.tr",
    "NORDKAP": "nordkap-logistics.com", "PACCREST": "paccrest.com.sg",
    "KRONBERG": "kronberg-software.de", "NIMBUS": "nimbuscloud.ie",
    "RHEINLAB": "rheinland-prueflabor.de", "HRTC": "hrtc.com.tw", "HANSEBANK": "hansebank.de",
    "KESTREL": "kestrel-ems.pl", "PENANG": "penangprecision.com.my", "MORAVA": "morava-ems.cz",
    "JALISCO": "tecnoensambles.mx", "DONGGUAN": "yonghui-power.cn",
    "VIETTRONIC": "viettronic.vn", "DAEHAN": "daehanpower.co.kr",
    "KAMIGAWA": "kamigawa-pd.co.jp", "SILESIA": "odlewnia-slask.pl",
    "BAJIO": "fundicionesbajio.mx", "ALLGAEU": "kt-allgaeu.de", "PLASTIVINA": "plastivina.vn",
    "FEINGUSS": "feinguss-thueringen.de", "LIPPE": "lippe-connect.de",
    "TAITERM": "taiterm.com.tw", "ARROWMARK": "arrowmark.com", "KUROSHIO": "kuroshio-conn.jp",
    "SUNWIND": "sunwindfan.com.tw", "HOHENLOHE": "hohenlohe-luefter.de",
    "MAGNETEC": "magnetec-hessen.de", "SIAMMAG": "siamprecisionmag.co.th",
    "LUMITEK": "lumitek.com.tw", "HEFEI": "xingchen-display.cn",
    "BHARAT": "bharatmagnetics.in", "MAGYAR": "magyartekercs.hu", "TOKAIFER": "tokai-ferrite.jp",
    "INOX": "inoxcomponentes.mx", "AJAY": "ajayprecision.in", "JIHLAVA": "aluextrusion.cz",
    "WIELKO": "aluprofil-wlkp.pl", "QUBIT": "qubit-systems.fi",
}


class Person(NamedTuple):
    company: str
    name: str
    title: str
    role: str  # "sponsor" (focal executives), "contact", or "" (focal, no sponsorship)
    primary: bool = False


# Norvik's executives; who sponsors which relationship is in SPONSORS below.
EXECUTIVES: tuple[tuple[str, str, str], ...] = (
    ("PER-NRV-01", "Dr. Katrin Vogel", "Chief Executive Officer"),
    ("PER-NRV-02", "Matthias Brandt", "Chief Operating Officer"),
    ("PER-NRV-03", "Sofia Lindqvist", "Chief Procurement Officer"),
    ("PER-NRV-04", "Dr. Jürgen Hofmann", "Chief Technology Officer"),
    ("PER-NRV-05", "Amélie Dubois", "Chief Financial Officer"),
    ("PER-NRV-06", "Tomasz Wiśniewski", "VP Global Supply Chain"),
    ("PER-NRV-07", "Priya Raman", "VP Electronics Sourcing"),
    ("PER-NRV-08", "Henrik Jansen", "Chief Sales Officer"),
    ("PER-NRV-09", "Laura Meyer", "Director Strategic Sourcing"),
)

SPONSORS: tuple[tuple[str, str], ...] = (
    ("PER-NRV-02", "KESTREL"), ("PER-NRV-07", "KESTREL"),
    ("PER-NRV-07", "PENANG"),
    ("PER-NRV-06", "MORAVA"),
    ("PER-NRV-07", "DONGGUAN"),
    ("PER-NRV-04", "KAMIGAWA"),
    ("PER-NRV-02", "NORDKAP"),
    ("PER-NRV-05", "KRONBERG"),
    ("PER-NRV-06", "FEINGUSS"),
    ("PER-NRV-04", "QUBIT"),
    ("PER-NRV-03", "MAGNETEC"),
    ("PER-NRV-03", "SIAMMAG"),
    ("PER-NRV-09", "LIPPE"),
    ("PER-NRV-09", "LUMITEK"),
    ("PER-NRV-01", "BAUKRAFT"), ("PER-NRV-08", "BAUKRAFT"),
    ("PER-NRV-08", "GREATLAKES"),
    ("PER-NRV-01", "SAKURA"),
    ("PER-NRV-08", "ANADOLU"),
)

# Partner contacts: (company, name, title); the first one of each company is primary.
CONTACTS: tuple[tuple[str, str, str], ...] = (
    ("KESTREL", "Łukasz Kowalczyk", "Key Account Director"),
    ("KESTREL", "Agnieszka Nowak", "Program Manager"),
    ("KESTREL", "Piotr Zieliński", "Quality Manager"),
    ("PENANG", "Tan Wei Ming", "Business Unit Director"),
    ("PENANG", "Nurul Aisyah Ahmad", "Supply Chain Manager"),
    ("MORAVA", "Zdeněk Dvořák", "Sales Director"),
    ("MORAVA", "Kateřina Horáková", "Customer Program Manager"),
    ("DONGGUAN", "Chen Zhiqiang", "General Manager"),
    ("DONGGUAN", "Li Na", "Export Sales Manager"),
    ("DAEHAN", "Kim Min-jun", "Global Account Manager"),
    ("DAEHAN", "Park Ji-woo", "Senior Application Engineer"),
    ("KAMIGAWA", "Takeshi Yamamoto", "Sales Manager Europe"),
    ("KAMIGAWA", "Yuki Sato", "Quality Assurance Lead"),
    ("NORDKAP", "Jens Petersen", "Key Account Manager"),
    ("NORDKAP", "Birgit Kühn", "Head of Contract Logistics"),
    ("NORDKAP", "Ole Sørensen", "Customs and Compliance Lead"),
    ("KRONBERG", "Stefan Roth", "Customer Success Manager"),
    ("KRONBERG", "Claudia Weiß", "Solution Architect"),
    ("FEINGUSS", "Uwe Krämer", "Managing Director"),
    ("QUBIT", "Mikko Virtanen", "Account Executive"),
    ("QUBIT", "Aino Järvinen", "Principal Engineer"),
    ("MAGNETEC", "Andreas Becker", "Head of Sales"),
    ("MAGNETEC", "Nina Schulz", "Technical Key Account Manager"),
    ("SIAMMAG", "Somchai Wongsakul", "Managing Director"),
    ("SIAMMAG", "Pimchanok Srisuk", "Export Manager"),
    ("JALISCO", "José Ángel Ramírez", "Director Comercial"),
    ("JALISCO", "María Fernanda López", "Gerente de Calidad"),
    ("VIETTRONIC", "Trần Văn Hùng", "Sales Director"),
    ("VIETTRONIC", "Phạm Thu Hà", "Account Manager"),
    ("SILESIA", "Marek Wójcik", "Sales Manager"),
    ("SILESIA", "Anna Kamińska", "Quality Engineer"),
    ("BAJIO", "Luis Hernández", "Gerente de Ventas"),
    ("BAJIO", "Carmen Ortiz", "Customer Service Lead"),
    ("ALLGAEU", "Thomas Huber", "Vertriebsleiter"),
    ("ALLGAEU", "Sabine Maier", "Project Engineer"),
    ("LIPPE", "Frank Schröder", "Key Account Manager"),
    ("LIPPE", "Julia Hartmann", "Inside Sales"),
    ("ARROWMARK", "Michael Turner", "Regional Sales Director EMEA"),
    ("ARROWMARK", "Jennifer Walsh", "Supply Chain Solutions Manager"),
    ("LUMITEK", "Lin Chia-Hao", "Sales Director Europe"),
    ("LUMITEK", "Wang Mei-Ling", "Product Manager"),
    ("HEFEI", "Zhang Wei", "Overseas Sales Manager"),
    ("HEFEI", "Liu Yang", "Field Application Engineer"),
    ("BHARAT", "Rajesh Kulkarni", "Vice President Sales"),
    ("BHARAT", "Sneha Deshpande", "Export Manager"),
    ("JIHLAVA", "Jan Novák", "Obchodní ředitel"),
    ("JIHLAVA", "Petra Svobodová", "Account Manager"),
    ("WIELKO", "Krzysztof Lewandowski", "Sales Director"),
    ("WIELKO", "Magdalena Dąbrowska", "Customer Service Manager"),
    ("PLASTIVINA", "Nguyễn Thị Lan", "Sales Manager"),
    ("TAITERM", "Huang Chih-Wei", "Sales Manager"),
    ("KUROSHIO", "Kenji Nakamura", "Overseas Sales"),
    ("SUNWIND", "Chang Ya-Wen", "Account Manager"),
    ("HOHENLOHE", "Markus Bauer", "Key Account Manager"),
    ("MAGYAR", "Zoltán Szabó", "Sales Engineer"),
    ("TOKAIFER", "Haruka Ito", "Export Sales"),
    ("INOX", "Alejandro Castillo", "Ejecutivo de Ventas"),
    ("AJAY", "Vikram Singh", "Director"),
    ("PACCREST", "Daniel Lim", "Key Account Director"),
    ("PACCREST", "Siti Rahman", "Operations Manager"),
    ("RHEINLAB", "Dr. Eva Lorenz", "Head of EMC Laboratory"),
    ("HRTC", "Chen Kuan-Yu", "Lab Manager"),
    ("HANSEBANK", "Philipp Graf", "Relationship Manager Corporates"),
    ("NIMBUS", "Aoife Byrne", "Customer Success Manager"),
    ("BAUKRAFT", "Ralf Zimmermann", "Head of Purchasing"),
    ("BAUKRAFT", "Heike Wolf", "Category Manager Electronics"),
    ("GREATLAKES", "Kevin O'Brien", "VP Supply Chain"),
    ("GREATLAKES", "Sarah Miller", "Senior Buyer"),
    ("SAKURA", "Kenichi Sato", "General Manager Purchasing"),
    ("SAKURA", "Aiko Tanaka", "Buyer"),
    ("ANADOLU", "Mehmet Yılmaz", "Satın Alma Müdürü"),
    ("ANADOLU", "Elif Şahin", "Procurement Specialist"),
)

# --------------------------------------------------------------------------- KPIs

PERIODS = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")  # the last four completed quarters
OTD, PPM, COST, SLA = "on_time_delivery", "ppm_defects", "cost_reduction", "support_sla"
_UNIT = {OTD: "%", PPM: "ppm", COST: "%", SLA: "%"}
_HIGHER = {OTD: True, PPM: False, COST: True, SLA: True}

KPIS: tuple[tuple[str, str, float, tuple[float, float, float, float]], ...] = (
    ("KESTREL", OTD, 95, (91.2, 93.0, 94.6, 96.1)),
    ("KESTREL", PPM, 150, (210, 180, 150, 120)),
    ("KESTREL", COST, 3, (1.5, 2.2, 2.9, 3.4)),
    ("PENANG", OTD, 95, (96.0, 94.1, 91.3, 88.2)),
    ("PENANG", PPM, 120, (95, 110, 140, 185)),
    ("PENANG", COST, 3, (3.1, 2.8, 2.0, 1.2)),
    ("MORAVA", OTD, 95, (95.5, 96.2, 95.8, 96.4)),
    ("MORAVA", PPM, 150, (120, 115, 118, 110)),
    ("MORAVA", COST, 3, (2.6, 3.0, 3.1, 3.3)),
    ("DONGGUAN", OTD, 95, (92.0, 92.8, 93.5, 94.9)),
    ("DONGGUAN", PPM, 200, (260, 240, 205, 190)),
    ("DONGGUAN", COST, 4, (4.0, 4.5, 5.1, 5.0)),
    ("DAEHAN", OTD, 95, (97.1, 95.0, 92.4, 89.7)),
    ("DAEHAN", PPM, 50, (40, 55, 70, 95)),
    ("DAEHAN", COST, 2, (2.5, 2.0, 1.1, 0.4)),
    ("KAMIGAWA", OTD, 95, (98.2, 98.5, 98.0, 98.6)),
    ("KAMIGAWA", PPM, 50, (30, 28, 25, 22)),
    ("KAMIGAWA", COST, 2, (1.0, 1.2, 1.5, 1.8)),
    ("FEINGUSS", OTD, 95, (93.0, 90.5, 88.0, 86.5)),
    ("FEINGUSS", PPM, 300, (400, 450, 520, 610)),
    ("MAGNETEC", OTD, 95, (94.0, 95.2, 96.0, 96.3)),
    ("MAGNETEC", PPM, 200, (180, 160, 150, 140)),
    ("SIAMMAG", OTD, 95, (89.0, 90.5, 92.2, 93.8)),
    ("SIAMMAG", PPM, 250, (350, 310, 260, 240)),
    ("QUBIT", SLA, 95, (99.1, 98.7, 96.2, 94.0)),
    ("QUBIT", COST, 2, (0.0, 0.0, -3.5, -3.5)),
    ("NORDKAP", OTD, 97, (97.5, 96.8, 97.2, 97.9)),
    ("NORDKAP", COST, 2, (1.8, 2.1, 2.0, 2.4)),
)

# fmt: on

# --------------------------------------------------------------------------- planted risks

HIDDEN_SPF = "TKS"  # risk 1
HIDDEN_SPF_TIER1 = ("KESTREL", "PENANG")
HIDDEN_SPF_ITEM, HIDDEN_SPF_BOARD = "C-ASIC-MC", "C-PCBA-DRV"
CONCENTRATED_COUNTRY, CONCENTRATED_MATERIALS = "CN", ("M-NDFEB", "M-NDPR-OXIDE", "M-DY")  # 2
UNSPONSORED_STRATEGIC = "DAEHAN"  # risk 3
SINGLE_CONTACT = "FEINGUSS"  # risk 4
CRITICAL_LOGISTICS = "NORDKAP"  # risk 5

# --------------------------------------------------------------------------- helpers


def _email(name: str, company: str) -> str:
    parts = [p for p in name.replace("Dr. ", "").split() if p]
    first, last = (_slug(x).replace("-", "") for x in (parts[0], parts[-1]))
    return f"{first}.{last}@{DOMAINS[company]}"


def _num(x: float | int | None) -> str:
    """A plain number: no exponent, no thousands separator, no trailing zeros."""
    if x is None:
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _bool(x: bool) -> str:
    return "true" if x else "false"


Row = dict[str, str]
Bundle = dict[str, list[Row]]

# --------------------------------------------------------------------------- build


def _site_rows() -> tuple[list[Row], dict[str, list[str]]]:
    rows: list[Row] = []
    by_company: dict[str, list[str]] = defaultdict(list)
    for s in SITES:
        country, lat, lon = CITIES[s.city]
        # a small, stable offset so two sites in one city do not sit on one pixel
        dlat = (_h(s.id, "lat") % 600 - 300) / 10_000
        dlon = (_h(s.id, "lon") % 600 - 300) / 10_000
        rows.append(
            {
                "id": s.id,
                "company_id": s.company,
                "country": country,
                "name": s.name,
                "recovery_days": _num(s.recovery_days),
                "lat": f"{lat + dlat:.4f}",
                "lon": f"{lon + dlon:.4f}",
            }
        )
        by_company[s.company].append(s.id)
    return rows, by_company


def _supply_rows(sites_of: Mapping[str, list[str]]) -> list[Row]:
    rows: list[Row] = []
    for b in BUYS:
        for src in b.sources:
            supplier, share = src[0], src[1]
            if len(src) == 3:
                site = "" if src[2] == "-" else src[2]
            else:
                own = sites_of.get(supplier, [])
                site = own[0] if own and _h(b.buyer, b.item, supplier) % 3 != 0 else ""
            lead = b.lead + _h(b.buyer, b.item, supplier, "lead") % 11 - 4
            rows.append(
                {
                    "supplier_id": supplier,
                    "buyer_id": b.buyer,
                    "item_id": b.item,
                    "share": _num(share),
                    "annual_spend": _num(round(b.spend * share, -3)),
                    "lead_time_days": _num(lead),
                    "site_id": site,
                }
            )
    for s in SALES:
        rows.append(
            {
                "supplier_id": FOCAL,
                "buyer_id": s.customer,
                "item_id": s.product,
                "share": _num(s.share),
                "annual_spend": _num(s.spend),
                "lead_time_days": _num(s.lead),
                "site_id": s.site,
            }
        )
    return rows


def _company_rows(supplies: Sequence[Row]) -> list[Row]:
    spend: dict[str, float] = defaultdict(float)
    for r in supplies:
        if r["buyer_id"] == FOCAL:
            spend[r["supplier_id"]] += float(r["annual_spend"])
    rows: list[Row] = []
    for c in COMPANIES:
        amount = c.spend if c.spend is not None else spend.get(c.id)
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "country": c.country,
                "segment": c.segment or "",
                "parent_id": c.parent or "",
                "annual_spend": _num(amount),
                "declared_tier": _num(c.declared_tier),
                "region": REGION[c.country],
                "recovery_days": _num(c.recovery_days),
            }
        )
    return rows


def _people_rows() -> tuple[list[Row], list[Row]]:
    people: list[Row] = []
    rels: list[Row] = []
    for pid, name, title in EXECUTIVES:
        people.append(
            {
                "id": pid,
                "name": name,
                "company_id": FOCAL,
                "title": title,
                "email": _email(name, FOCAL),
            }
        )
    for pid, company in SPONSORS:
        rels.append({"person_id": pid, "company_id": company, "role": "sponsor", "primary": ""})
    seen: dict[str, int] = defaultdict(int)
    for company, name, title in CONTACTS:
        seen[company] += 1
        pid = f"PER-{company}-{seen[company]}"
        people.append(
            {
                "id": pid,
                "name": name,
                "company_id": company,
                "title": title,
                "email": _email(name, company),
            }
        )
        rels.append(
            {
                "person_id": pid,
                "company_id": company,
                "role": "contact",
                "primary": _bool(seen[company] == 1),
            }
        )
    return people, rels


def build() -> Bundle:
    """The whole demo bundle as text rows, in file order."""
    sites, sites_of = _site_rows()
    supplies = _supply_rows(sites_of)
    people, rels = _people_rows()
    return {
        "companies": _company_rows(supplies),
        "items": [
            {
                "id": i.id,
                "name": i.name,
                "kind": i.kind,
                "category": i.category,
                "revenue_per_day": _num(i.revenue_per_day),
                "inventory_days": _num(i.inventory_days),
            }
            for i in ITEMS
        ],
        "supplies": supplies,
        "bom": [{"parent_id": p, "child_id": c, "quantity": _num(q)} for p, c, q in BOM],
        "sites": sites,
        "dependencies": [
            {
                "dependent_id": d,
                "provider_id": p,
                "kind": k,
                "critical": _bool(crit),
                "scope": scope,
            }
            for d, p, k, crit, scope in DEPENDENCIES
        ],
        "people": people,
        "relationships": rels,
        "kpis": [
            {
                "company_id": c,
                "metric": m,
                "period": period,
                "value": _num(v),
                "target": _num(t),
                "higher_is_better": _bool(_HIGHER[m]),
                "unit": _UNIT[m],
            }
            for c, m, t, values in KPIS
            for period, v in zip(PERIODS, values, strict=True)
        ],
    }


def to_csv(name: str, rows: Sequence[Row]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS[name], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def read_bundle(folder: Path) -> Bundle:
    out: Bundle = {}
    for name in FILES:
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            out[name] = list(csv.DictReader(f))
    return out


# --------------------------------------------------------------------------- availability


@dataclass
class Network:
    """The bundle, indexed for DESIGN.md's AND/OR availability rules."""

    focal: str
    country: dict[str, str]
    sites_of: dict[str, list[str]]
    site_company: dict[str, str]
    site_country: dict[str, str]
    critical: dict[str, list[str]]
    bom: dict[str, list[str]]
    # (buyer, item) -> [(supplier, site or "")]
    inbound: dict[tuple[str, str], list[tuple[str, str]]]
    supplied_to: dict[str, set[str]]
    makes: set[tuple[str, str]]
    products: list[str]
    conservative: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, b: Bundle) -> Network:
        focal = next(r["id"] for r in b["companies"] if r["kind"] == "focal")
        sites_of: dict[str, list[str]] = defaultdict(list)
        for s in b["sites"]:
            sites_of[s["company_id"]].append(s["id"])
        critical: dict[str, list[str]] = defaultdict(list)
        for d in b["dependencies"]:
            if d["critical"] == "true":
                critical[d["dependent_id"]].append(d["provider_id"])
        bom: dict[str, list[str]] = defaultdict(list)
        for r in b["bom"]:
            bom[r["parent_id"]].append(r["child_id"])
        inbound: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        supplied_to: dict[str, set[str]] = defaultdict(set)
        makes: set[tuple[str, str]] = set()
        for r in b["supplies"]:
            inbound[(r["buyer_id"], r["item_id"])].append((r["supplier_id"], r["site_id"]))
            supplied_to[r["buyer_id"]].add(r["item_id"])
            makes.add((r["supplier_id"], r["item_id"]))
        products = [i["id"] for i in b["items"] if i["kind"] == "product"]
        makes.update((focal, p) for p in products)
        net = cls(
            focal=focal,
            country={c["id"]: c["country"] for c in b["companies"]},
            sites_of=dict(sites_of),
            site_company={s["id"]: s["company_id"] for s in b["sites"]},
            site_country={s["id"]: s["country"] for s in b["sites"]},
            critical=dict(critical),
            bom=dict(bom),
            inbound=dict(inbound),
            supplied_to=dict(supplied_to),
            makes=makes,
            products=products,
        )
        net.conservative = {
            (c, i)
            for c, i in makes
            if (c, i) not in net.inbound and i not in net.bom and net.supplied_to.get(c)
        }
        return net

    def down(self, failed: set[str]) -> tuple[set[str], set[str]]:
        """Rule 1: the companies and sites that are down when ``failed`` (ids or countries) fail."""
        companies: set[str] = set()
        sites: set[str] = set()
        changed = True
        while changed:
            changed = False
            for s, c in self.site_company.items():
                if s not in sites and (
                    s in failed or self.site_country[s] in failed or c in companies
                ):
                    sites.add(s)
                    changed = True
            for c, country in self.country.items():
                if c in companies:
                    continue
                own = self.sites_of.get(c, [])
                if (
                    c in failed
                    or (own and all(s in sites for s in own))
                    or (not own and country in failed)
                    or any(p in companies for p in self.critical.get(c, []))
                ):
                    companies.add(c)
                    changed = True
        return companies, sites

    def available(self, failed: Iterable[str] = ()) -> set[str]:
        """Rules 2-5: the products the focal company still delivers."""
        down_c, down_s = self.down(set(failed))
        delivered: set[tuple[str, str]] = set()

        def receives(c: str, j: str) -> bool:
            rows = self.inbound.get((c, j))
            if not rows:
                return True  # unmapped
            return any(
                s not in down_c and (not site or site not in down_s) and (s, j) in delivered
                for s, site in rows
            )

        changed = True
        while changed:
            changed = False
            for c, i in self.makes:
                if (c, i) in delivered or c in down_c:
                    continue
                if (c, i) in self.inbound:
                    ok = receives(c, i)
                else:
                    inputs = self.bom.get(i) or sorted(self.supplied_to.get(c, ()))
                    ok = all(receives(c, j) for j in inputs)
                if ok:
                    delivered.add((c, i))
                    changed = True
        return {p for p in self.products if (self.focal, p) in delivered}

    def single_points_of_failure(self) -> dict[str, list[str]]:
        """Brute force: node -> the products it alone stops (companies and sites)."""
        base = self.available()
        out: dict[str, list[str]] = {}
        nodes = [c for c in self.country if c != self.focal] + list(self.site_company)
        for n in nodes:
            lost = sorted(base - self.available({n}))
            if lost:
                out[n] = lost
        return out


# --------------------------------------------------------------------------- checks


def check(b: Bundle) -> list[str]:
    """Every rule of the brief; returns the problems found (empty when all is well)."""
    bad: list[str] = []
    companies = {r["id"]: r for r in b["companies"]}
    items = {r["id"]: r for r in b["items"]}
    sites = {r["id"]: r for r in b["sites"]}
    people = {r["id"]: r for r in b["people"]}

    for name, key in (("companies", "id"), ("items", "id"), ("sites", "id"), ("people", "id")):
        ids = [r[key] for r in b[name]]
        if len(ids) != len(set(ids)):
            bad.append(f"{name}: duplicate ids")
    for name, cols in (
        ("supplies", ("supplier_id", "buyer_id", "item_id", "site_id")),
        ("bom", ("parent_id", "child_id")),
        ("dependencies", ("dependent_id", "provider_id", "kind")),
        ("relationships", ("person_id", "company_id", "role")),
        ("kpis", ("company_id", "metric", "period")),
    ):
        keys = [tuple(r[c] for c in cols) for r in b[name]]
        if len(keys) != len(set(keys)):
            bad.append(f"{name}: duplicate keys")
    if set(companies) & set(sites):
        bad.append(f"company and site ids collide: {set(companies) & set(sites)}")
    focal = [c for c in companies.values() if c["kind"] == "focal"]
    if len(focal) != 1:
        bad.append(f"{len(focal)} focal companies")
    for name, rows in b.items():
        for r in rows:
            if list(r) != list(COLUMNS[name]):
                bad.append(f"{name}: unexpected columns {list(r)}")
                break

    def ref(what: str, value: str, table: Mapping[str, Row], optional: bool = False) -> None:
        if (value or not optional) and value not in table:
            bad.append(f"{what}: unknown reference '{value}'")

    for c in companies.values():
        ref(f"company {c['id']} parent", c["parent_id"], companies, optional=True)
        if c["kind"] not in ("focal", S, D, C, P):
            bad.append(f"company {c['id']}: kind {c['kind']}")
        if c["segment"] not in ("", STRAT, LEV, BOTT, ROUT):
            bad.append(f"company {c['id']}: segment {c['segment']}")
    for i in items.values():
        if i["kind"] not in ("product", "component", "material", "service"):
            bad.append(f"item {i['id']}: kind {i['kind']}")
        if i["kind"] == "product" and not (i["revenue_per_day"] and i["inventory_days"]):
            bad.append(f"product {i['id']}: revenue_per_day/inventory_days missing")
    for s in sites.values():
        ref(f"site {s['id']}", s["company_id"], companies)
    shares: dict[tuple[str, str], float] = defaultdict(float)
    for r in b["supplies"]:
        ref("supply supplier", r["supplier_id"], companies)
        ref("supply buyer", r["buyer_id"], companies)
        ref("supply item", r["item_id"], items)
        ref("supply site", r["site_id"], sites, optional=True)
        if r["supplier_id"] == r["buyer_id"]:
            bad.append(f"self-supply {r}")
        if r["site_id"] and sites[r["site_id"]]["company_id"] != r["supplier_id"]:
            bad.append(f"site {r['site_id']} does not belong to {r['supplier_id']}")
        share = float(r["share"])
        if not 0 <= share <= 1:
            bad.append(f"share out of range {r}")
        shares[(r["buyer_id"], r["item_id"])] += share
    for (buyer, item), total in shares.items():
        multi = len([1 for r in b["supplies"] if (r["buyer_id"], r["item_id"]) == (buyer, item)])
        if total > 1 + 1e-9 or (multi > 1 and abs(total - 1) > 1e-9):
            bad.append(f"shares of {item} bought by {buyer} sum to {total}")
    for r in b["bom"]:
        ref("bom parent", r["parent_id"], items)
        ref("bom child", r["child_id"], items)
    for r in b["dependencies"]:
        ref("dependency", r["dependent_id"], companies)
        ref("dependency", r["provider_id"], companies)
        if r["critical"] not in ("true", "false") or r["dependent_id"] == r["provider_id"]:
            bad.append(f"dependency {r}")
    for p in people.values():
        ref(f"person {p['id']}", p["company_id"], companies)
    for r in b["relationships"]:
        ref("relationship person", r["person_id"], people)
        ref("relationship company", r["company_id"], companies)
        employer = people[r["person_id"]]["company_id"]
        if r["role"] == "sponsor" and employer != focal[0]["id"]:
            bad.append(f"sponsor {r['person_id']} does not work at the focal company")
        if r["role"] == "contact" and employer != r["company_id"]:
            bad.append(f"contact {r['person_id']} does not work at {r['company_id']}")
        if r["primary"] not in ("", "true", "false"):
            bad.append(f"relationship {r}: primary")
    primaries: dict[str, int] = defaultdict(int)
    for r in b["relationships"]:
        if r["role"] == "contact" and r["primary"] == "true":
            primaries[r["company_id"]] += 1
    contacted = {r["company_id"] for r in b["relationships"] if r["role"] == "contact"}
    for cid in sorted(contacted):
        if primaries[cid] != 1:
            bad.append(f"{cid} has {primaries[cid]} primary contacts")
    for r in b["kpis"]:
        ref("kpi", r["company_id"], companies)
    # numbers are plain
    for name, rows in b.items():
        for r in rows:
            for col in (
                "share",
                "annual_spend",
                "lead_time_days",
                "recovery_days",
                "quantity",
                "revenue_per_day",
                "inventory_days",
                "value",
                "target",
                "lat",
                "lon",
                "declared_tier",
            ):
                v = r.get(col, "")
                if v and not _plain_number(v):
                    bad.append(f"{name}.{col}: not a plain number '{v}'")
    bad += _bom_cycles(b)
    bad += _check_story(b)
    return bad


def _plain_number(v: str) -> bool:
    body = v[1:] if v.startswith("-") else v
    return body.replace(".", "", 1).isdigit()


def _bom_cycles(b: Bundle) -> list[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for r in b["bom"]:
        children[r["parent_id"]].append(r["child_id"])
    state: dict[str, int] = {}

    def visit(n: str) -> bool:
        state[n] = 1
        for c in children.get(n, []):
            if state.get(c) == 1 or (c not in state and visit(c)):
                return True
        state[n] = 2
        return False

    for n in list(children):
        if n not in state and visit(n):
            return [f"BOM cycle reachable from {n}"]
    return []


def tiers(b: Bundle) -> dict[str, int]:
    """Shortest supply distance to the focal company (tier 1 supplies it directly)."""
    focal = next(r["id"] for r in b["companies"] if r["kind"] == "focal")
    suppliers_of: dict[str, set[str]] = defaultdict(set)
    for r in b["supplies"]:
        suppliers_of[r["buyer_id"]].add(r["supplier_id"])
    tier = {focal: 0}
    frontier = [focal]
    while frontier:
        nxt = []
        for c in frontier:
            for s in sorted(suppliers_of.get(c, ())):
                if s not in tier:
                    tier[s] = tier[c] + 1
                    nxt.append(s)
        frontier = nxt
    del tier[focal]
    return tier


def _check_story(b: Bundle) -> list[str]:
    """The planted risks are there, and the rest of the ecosystem is healthy."""
    bad: list[str] = []
    net = Network.of(b)
    companies = {r["id"]: r for r in b["companies"]}
    tier = tiers(b)
    if len(companies) < 80 or len(companies) > 150:
        bad.append(f"{len(companies)} companies")
    if len({s["country"] for s in b["sites"]}) < 10:
        bad.append("sites in fewer than 10 countries")
    if net.conservative:
        bad.append(f"findings would rest on the conservative input rule: {net.conservative}")
    base = net.available()
    if base != set(net.products):
        bad.append(f"not every product is available with nothing failed: {base}")
    spf = net.single_points_of_failure()
    # risk 1: hidden convergence
    drives = {"P-NX400", "P-NX750"}
    if set(spf.get(HIDDEN_SPF, [])) != drives or tier.get(HIDDEN_SPF) != 2:
        bad.append(f"risk 1: {HIDDEN_SPF} is not a tier-2 SPF of the drives: {spf.get(HIDDEN_SPF)}")
    for t1 in HIDDEN_SPF_TIER1:
        if net.inbound.get((t1, HIDDEN_SPF_ITEM)) is None or {
            s for s, _ in net.inbound[(t1, HIDDEN_SPF_ITEM)]
        } != {HIDDEN_SPF}:
            bad.append(f"risk 1: {t1} does not buy {HIDDEN_SPF_ITEM} only from {HIDDEN_SPF}")
        if t1 in spf:
            bad.append(f"risk 1: tier-1 {t1} is itself an SPF")
    if {s for s, _ in net.inbound[(net.focal, HIDDEN_SPF_BOARD)]} != set(HIDDEN_SPF_TIER1):
        bad.append("risk 1: the board is not dual-sourced from the two tier-1 suppliers")
    # risk 2: country concentration
    for m in CONCENTRATED_MATERIALS:
        exp = country_exposure(b, "P-MS20", m)
        if exp.get(CONCENTRATED_COUNTRY, 0) < 0.7:
            bad.append(f"risk 2: {m} only {exp} from {CONCENTRATED_COUNTRY}")
    if "P-MS20" in net.available({CONCENTRATED_COUNTRY}):
        bad.append("risk 2: a CN outage does not stop P-MS20")
    # risks 3 and 4
    sponsored = {r["company_id"] for r in b["relationships"] if r["role"] == "sponsor"}
    contacts: dict[str, int] = defaultdict(int)
    for r in b["relationships"]:
        if r["role"] == "contact":
            contacts[r["company_id"]] += 1
    key = [c for c, r in companies.items() if r["segment"] in (STRAT, BOTT)]
    if [c for c in key if c not in sponsored] != [UNSPONSORED_STRATEGIC]:
        bad.append(f"risk 3: unsponsored key partners {[c for c in key if c not in sponsored]}")
    if companies[UNSPONSORED_STRATEGIC]["segment"] != STRAT:
        bad.append("risk 3: not strategic")
    if [c for c in key if contacts[c] < 2] != [SINGLE_CONTACT]:
        bad.append(f"risk 4: key partners with <2 contacts {[c for c in key if contacts[c] < 2]}")
    # risk 5: the logistics provider
    dependents = [
        d["dependent_id"]
        for d in b["dependencies"]
        if d["provider_id"] == CRITICAL_LOGISTICS and d["critical"] == "true"
    ]
    if net.focal not in dependents or len(dependents) < 15:
        bad.append(f"risk 5: only {len(dependents)} critical dependents")
    if set(spf.get(CRITICAL_LOGISTICS, [])) != set(net.products):
        bad.append(f"risk 5: {CRITICAL_LOGISTICS} stops only {spf.get(CRITICAL_LOGISTICS)}")
    mismatched = sorted(
        c for c, r in companies.items() if r["declared_tier"] and int(r["declared_tier"]) != tier[c]
    )
    if mismatched != ["ARROWMARK"]:
        bad.append(f"declared tier differs from the computed one for {mismatched}")
    # nothing else is a single point of failure beyond the known, visible sole sources
    expected = {HIDDEN_SPF, CRITICAL_LOGISTICS, *EXPECTED_OTHER_SPF}
    if set(spf) != expected:
        bad.append(f"unexpected single points of failure: {sorted(set(spf) ^ expected)}")
    return bad


# Visible tier-1 sole sources (and the one site the sole source ships from).
EXPECTED_OTHER_SPF = ("FEINGUSS", "SITE-FEINGUSS-SUHL", "QUBIT")


def country_exposure(b: Bundle, product: str, item: str) -> dict[str, float]:
    """Propagated share of ``item`` reaching ``product`` per supplier country (DESIGN.md)."""
    net = Network.of(b)
    site_country = net.site_country
    out: dict[str, float] = defaultdict(float)
    share = {
        (r["buyer_id"], r["item_id"], r["supplier_id"], r["site_id"]): float(r["share"])
        for r in b["supplies"]
    }

    def walk(company: str, it: str, weight: float) -> None:
        for child in net.bom.get(it, []):
            for sup, site in net.inbound.get((company, child), []):
                w = weight * share[(company, child, sup, site)]
                if child == item:
                    out[site_country[site] if site else net.country[sup]] += w
                walk(sup, child, w)

    walk(net.focal, product, 1.0)
    total = sum(out.values())
    return {k: round(v / total, 3) for k, v in sorted(out.items())} if total else {}


# --------------------------------------------------------------------------- README


def readme(b: Bundle) -> str:
    net = Network.of(b)
    spf = net.single_points_of_failure()
    tier = tiers(b)
    companies = {r["id"]: r for r in b["companies"]}
    items = {r["id"]: r for r in b["items"]}
    counts = "\n".join(f"| `{name}.csv` | {len(b[name])} |" for name in FILES)
    kinds: dict[str, int] = defaultdict(int)
    for c in b["companies"]:
        kinds[c["kind"]] += 1
    by_tier: dict[int, int] = defaultdict(int)
    for t in tier.values():
        by_tier[t] += 1
    tier_text = ", ".join(f"tier {t}: {n}" for t, n in sorted(by_tier.items()))
    products = "\n".join(
        f"| `{p['id']}` | {p['name']} | {_num(float(p['revenue_per_day']))} | "
        f"{p['inventory_days']} | " + ", ".join(f"`{c}`" for c in net.bom[p["id"]]) + " |"
        for p in b["items"]
        if p["kind"] == "product"
    )
    spf_rows = "\n".join(
        f"| `{n}` | {'site' if n in net.site_company else companies[n]['kind']} | "
        + ", ".join(f"`{p}`" for p in ps)
        + " |"
        for n, ps in sorted(spf.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    countries = sorted({c["country"] for c in b["companies"]} | {s["country"] for s in b["sites"]})
    country_rows = "\n".join(
        f"| {c} | "
        + ", ".join(f"`{p}`" for p in sorted(set(net.products) - net.available({c})))
        + " |"
        for c in countries
        if set(net.products) - net.available({c})
    )
    unmapped = sorted(
        {
            (c, j)
            for c, i in net.makes
            if c in net.country and (c, i) not in net.inbound
            for j in net.bom.get(i, [])
            if (c, j) not in net.inbound
        }
    )
    unmapped_items = sorted({j for _, j in unmapped})
    nordkap_deps = sorted(
        d["dependent_id"]
        for d in b["dependencies"]
        if d["provider_id"] == CRITICAL_LOGISTICS and d["critical"] == "true"
    )
    exp = {m: country_exposure(b, "P-MS20", m) for m in CONCENTRATED_MATERIALS}
    # what NORDKAP would stop through the suppliers alone, were Norvik's own dependency not critical
    net.critical[net.focal] = [
        p for p in net.critical.get(net.focal, []) if p != CRITICAL_LOGISTICS
    ]
    via_suppliers = sorted(set(net.products) - net.available({CRITICAL_LOGISTICS}))

    def pct(m: str) -> str:
        return ", ".join(f"{k} {v:.0%}" for k, v in sorted(exp[m].items(), key=lambda kv: -kv[1]))

    contacts = sum(1 for r in b["relationships"] if r["role"] == "contact")
    sponsors = sum(1 for r in b["relationships"] if r["role"] == "sponsor")
    return _README.format(
        n_companies=len(b["companies"]),
        kinds=", ".join(f"{n} {k}" for k, n in sorted(kinds.items())),
        tier_text=tier_text,
        n_sites=len(b["sites"]),
        n_countries=len({s["country"] for s in b["sites"]}),
        products=products,
        counts=counts,
        spf_rows=spf_rows,
        country_rows=country_rows,
        ndfeb=pct("M-NDFEB"),
        ndpr=pct("M-NDPR-OXIDE"),
        dy=pct("M-DY"),
        nordkap_n=len(nordkap_deps) - 1,
        nordkap_deps=", ".join(f"`{d}`" for d in nordkap_deps if d != FOCAL),
        via_suppliers=", ".join(f"`{p}`" for p in via_suppliers),
        unmapped_items=", ".join(f"`{j}` ({items[j]['name']})" for j in unmapped_items),
        n_unmapped=len(unmapped),
        n_contacts=contacts,
        n_sponsors=sponsors,
    )


_README = """\
# Demo ecosystem: Norvik Industrial Electronics

This folder is tierscope's bundled demo: an invented but believable partner
ecosystem, written as a bundle of CSV files (see DESIGN.md for the format).
Load it with `tierscope validate loaders/demo` / `tierscope load loaders/demo`.

**Do not edit the CSV files or this README by hand.** They are generated by
`tools/make_demo.py` (standard library only, deterministic: running it again
gives byte-identical files), which also checks the bundle rules and the
planted risks below with a brute-force evaluation of DESIGN.md's AND/OR
availability rules:

```
python tools/make_demo.py          # regenerate + check
python tools/make_demo.py --check  # check what is on disk
```

All companies, people, sites and numbers are fictitious.

## The company

**Norvik Industrial Electronics GmbH** (`NORVIK`, kind `focal`, Germany)
makes drives, PLC modules, sensors, power supplies and HMI panels for machine
builders, with plants in Dresden (DE) and Brno (CZ), about EUR 480 million
revenue a year. Board assemblies come from six EMS partners in Poland,
Czechia, Malaysia, Vietnam, Mexico and China; power modules from Korea and
Japan; castings, mouldings and connectors mostly from Central Europe; magnets
ultimately from Chinese rare-earth refiners. A single European logistics
provider moves almost everything.

{n_companies} companies: {kinds}.
By computed tier: {tier_text}.
Service providers, customers and the four parent groups (`VISTULA`, `HOKUTOHD`, `TRICON`,
`SINOMAG`) have no tier. {n_sites} sites in {n_countries} countries.
Names in other scripts are kept unchanged (`DONGGUAN`, `HEFEI`, `HUAXIN`
Chinese; `HOKUTO`, `HOKUTOHD`, `SAKURA` Japanese; `DAEHAN` Korean; `JUBAIL`
Arabic; `HAIPHONG` Vietnamese; accents in Polish, Czech, Turkish, Spanish and
German names and people).

### Products

| id | name | revenue per day (EUR) | inventory days | bill of materials |
| --- | --- | --- | --- | --- |
{products}

Components have their own BOMs (boards need bare PCBs, chips, MLCCs and
connectors; chips need wafers; wafers need polysilicon; magnets need NdPr
oxide and dysprosium; ...), four to five levels deep.

## Row counts

| file | rows |
| --- | --- |
{counts}

Extra columns beyond DESIGN.md's: `companies.region` (EMEA/APAC/AMER),
`items.category`, `dependencies.scope` (what the service covers) and
`kpis.unit`.

## Planted risks

These are in the data on purpose; tierscope's analyses must find them.

1. **Hidden convergence: `TKS` (Taiwan Kinetic Semiconductor) stops both
   drives.** Norvik buys the drive control board `C-PCBA-DRV` from two
   apparently independent tier-1 EMS partners: `KESTREL` (Poland, parent
   `VISTULA`, share 0.6) and `PENANG` (Malaysia, parent `TRICON`, share 0.4).
   The board's BOM requires the motor-control ASIC `C-ASIC-MC`, and both EMS
   partners buy it only from tier-2 `TKS` (`KESTREL` from
   `SITE-TKS-HSINCHU`, `PENANG` from `SITE-TKS-TAINAN`); nobody else supplies
   that chip. So `TKS` alone stops `P-NX400` and `P-NX750` (EUR 580,000 of
   revenue a day) although the board looks dual-sourced. Neither TKS site is
   a single point of failure on its own (each feeds one EMS partner); Taiwan
   as a country is. `TKS` has no sponsor, no contact and no declared tier:
   nobody at Norvik knows it matters.
2. **Country concentration: rare earths for the encoder `P-MS20` come from
   China.** The magnet rotor `C-MAG-ASSY` is dual-sourced (`MAGNETEC` DE 0.6,
   `SIAMMAG` TH 0.4), and the sintered magnets `M-NDFEB` behind it come from
   five magnet makers (`NINGBOMAG`, `BAOTOUMAG`, `GANZHOUMAG`, `TAKEFU`,
   `HAIPHONG`), but propagated through the shares, the supply of `P-MS20`
   is: `M-NDFEB` {ndfeb}; `M-NDPR-OXIDE` {ndpr}; `M-DY` {dy} (all
   dysprosium comes from `LONGNAN` and `JIANGXIRE`, both CN; `NINGBOMAG` and
   `GANZHOUMAG` also share the parent `SINOMAG`). No single company is a
   single point of failure here, but a CN outage stops `P-MS20`.
3. **Strategic partner without an executive sponsor: `DAEHAN`** (Korean
   IGBT-module maker, segment `strategic`, 55% of `C-IGBT`, which every
   drive needs). It has two contacts but no sponsor, and its KPIs are
   declining every quarter (on-time delivery 97.1% to 89.7%, defects 40 to
   95 ppm). Every other strategic or bottleneck partner has a sponsor.
4. **Key-person risk: `FEINGUSS`** (Feinguss Thüringen, segment
   `bottleneck`) has a single contact, its managing director
   (`PER-FEINGUSS-1`, primary). It is also the sole source of the encoder
   housing `C-HSG-ENC`, from a single site (`SITE-FEINGUSS-SUHL`), so it is a
   single point of failure of `P-MS20`, and its KPIs are declining. Every
   other strategic or bottleneck partner has two or more contacts.
5. **A critical logistics provider everyone depends on: `NORDKAP`** (Nordkap
   Logistics SE, service provider). Norvik itself and {nordkap_n} suppliers
   depend on it with `critical = true` in
   `dependencies.csv`. Because Norvik's own dependency is critical, `NORDKAP`
   alone stops **every** product; its failure also takes down most European
   suppliers at tiers 1-3, so that even if Norvik's own dependency were not
   critical, `NORDKAP` would still stop {via_suppliers} through the
   suppliers alone. (It runs four hubs, `SITE-NORDKAP-*`, in three
   countries, so no single hub is a single point of failure.) It is
   sponsored and has three contacts: the risk is structural, not relational.
   The suppliers with a critical dependency on `NORDKAP`: {nordkap_deps}.

### Other findings to expect (healthy background)

Single points of failure (brute force: fail one node, re-evaluate), with the
products each one stops:

| node | type | products stopped |
| --- | --- | --- |
{spf_rows}

`FEINGUSS` / `SITE-FEINGUSS-SUHL` (encoder housing) and `QUBIT` (the
safety-certified RTOS licence `SV-RTOS` of `P-C5CPU` and `P-VP07`) are
visible, known tier-1 sole sources (segment `bottleneck`, sponsored).
Everything else is dual- or multi-sourced at every tier where it matters, and
no other dependency provider is critical enough to stop a product.

Whole-country outages that stop products:

| country | products stopped |
| --- | --- |
{country_rows}

Also in the data:

* **Declared vs computed tier:** `ARROWMARK` is declared tier 2 (procurement
  files it as a channel for the EMS partners) but also ships
  `C-CONN-IND` to Norvik directly, so its computed tier is 1.
* **Distributors:** `ARROWMARK`, `SINOASIA` and `POLYPART` resell items and
  have their own recorded suppliers of every item they resell.
* **Parent groups:** `VISTULA` (`KESTREL`, `SILESIA`), `HOKUTOHD`
  (`HOKUTO`, `KAMIGAWA`), `TRICON` (`PENANG`, `JALISCO`) and `SINOMAG`
  (`NINGBOMAG`, `GANZHOUMAG`).
* **Unmapped inputs** (no recorded supplier, so DESIGN.md assumes them
  available and findings say so): {n_unmapped} (company, input) pairs, of
  {unmapped_items}. These are deliberate visibility gaps at tiers 3-4. No
  finding rests on the conservative "every supplied item is an input" rule:
  every item that a company with recorded inputs sells has a BOM.
* **Relationships:** {n_sponsors} sponsorships by 9 Norvik executives and
  {n_contacts} partner contacts (one primary each). Routine partners and some
  service providers have a single contact, which is normal for them.
* **KPIs:** four quarters (2025-Q4 to 2026-Q3) of `on_time_delivery`,
  `ppm_defects` (`higher_is_better = false`) and `cost_reduction` for the
  strategic and bottleneck partners; `KESTREL`, `DONGGUAN` and `SIAMMAG`
  improve, `PENANG`, `DAEHAN` and `FEINGUSS` decline, `QUBIT` (support SLA,
  licence price increase) declines.
"""


# --------------------------------------------------------------------------- main


def write(out: Path, b: Bundle) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (out / f"{name}.csv").write_text(to_csv(name, b[name]), encoding="utf-8", newline="")
    (out / "README.md").write_text(readme(b), encoding="utf-8", newline="")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEMO_DIR, help="output folder")
    ap.add_argument("--check", action="store_true", help="only check the bundle on disk")
    args = ap.parse_args(argv)
    if not args.check:
        write(args.out, build())
    bundle = read_bundle(args.out)
    problems = check(bundle)
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    counts = ", ".join(f"{len(bundle[n])} {n}" for n in FILES)
    print(f"{args.out}: {counts}; {'OK' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
