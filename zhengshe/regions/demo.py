"""Demo regions: a believable county-level city (太仓市-like) and a province-scale tree for benchmarks."""

import random

from .choices import LEVEL_DEPTH, Level
from .models import Region

PROVINCE = ("320000", "江苏省")
CITY = ("320500", "苏州市")
COUNTY = ("320585", "太仓市")
# (code suffix, name, kind): 0xx streets, 1xx towns, 4xx development zone.
TOWNS = [
    ("001", "娄东街道"), ("002", "陆渡街道"), ("003", "科教新城街道"), ("100", "城厢镇"), ("101", "沙溪镇"),
    ("102", "浏河镇"), ("103", "浮桥镇"), ("104", "璜泾镇"), ("105", "双凤镇"), ("106", "金浪镇"),
    ("400", "太仓港经济技术开发区"),
]
SYLLABLES = (
    "东林 南郊 白云 太丰 电站 半泾 胜利 向阳 红星 永丰 长春 金星 新华 泥桥 万丰 庄桥 香花 新港 牌楼 直塘 岳王 "
    "归庄 洪泾 印溪 涂松 项桥 松南 新明 郑和 东仓 西郊 北门 南园 朝阳 弇山 滨河 府南 致和 兴南 人民 上海 "
    "恩欧 陆渡 新浏 闸北 浏家港 三港 杨林 古塘 新邵 沪浮 荡茜 东仓 金仓湖 南环 伟阳 鹿河 王秀 时思 茜泾 "
    "杨漕 新湖 勤力 维新 庆丰 凤中 凤北 凤南 五星 新卫 东湖 西庙 泥泾 花园 利泰 星港 友谊 长江 海运 "
    "浪港 石桥 孙桥 大桥 梅园 桃园 柳园 竹园 枫林 荷花 墅沟 罗店 横泾 毛桥 北漳 西漳 茜泽 七丫 新塘"
).split()


def _names(rng: random.Random, count: int, used: set) -> list[str]:
    names = []
    pool = [s for s in SYLLABLES if s not in used]
    rng.shuffle(pool)
    for s in pool[:count]:
        used.add(s)
        names.append(s)
    while len(names) < count:  # more villages than syllables: combine two
        s = rng.choice(SYLLABLES) + rng.choice("东西南北中新")
        if s not in used:
            used.add(s)
            names.append(s)
    return names


def build_county(rng: random.Random) -> Region:
    """江苏省 → 苏州市 → 太仓市 with 11 towns/streets and ≈170 villages/communities (valid 12-digit codes)."""
    province = Region.objects.create(code=PROVINCE[0], name=PROVINCE[1], level=Level.PROVINCE, parent=None)
    city = Region.objects.create(code=CITY[0], name=CITY[1], level=Level.CITY, parent=province)
    county = Region.objects.create(code=COUNTY[0], name=COUNTY[1], level=Level.COUNTY, parent=city,
                                   population=831_000, households=298_000)
    used: set = set()
    for suffix, town_name in TOWNS:
        town = Region.objects.create(code=COUNTY[0] + suffix, name=town_name, level=Level.TOWN, parent=county)
        is_street = suffix < "100" or suffix >= "400"
        n_communities = rng.randint(10, 15) if is_street else rng.randint(3, 6)
        n_villages = 0 if is_street else rng.randint(9, 13)
        if town_name == "双凤镇":
            n_villages = max(n_villages, 10)
        names = _names(rng, n_communities + n_villages, used)
        if town_name == "双凤镇" and "新湖" not in names[n_communities:]:
            used.add("新湖")
            names[n_communities] = "新湖"
        for i in range(n_communities):
            population = rng.randint(3_000, 12_000)
            Region.objects.create(
                code=f"{town.code}{i + 1:03d}", name=f"{names[i]}社区", level=Level.VILLAGE, parent=town,
                urban_rural_code="111" if is_street else "121", population=population,
                households=int(population / rng.uniform(2.5, 3.0)), service_centre_area=_centre_area(rng))
        for j in range(n_villages):
            population = rng.randint(1_800, 6_000)
            Region.objects.create(
                code=f"{town.code}{200 + j + 1:03d}", name=f"{names[n_communities + j]}村", level=Level.VILLAGE,
                parent=town, urban_rural_code=rng.choice(["220", "220", "220", "210", "122"]), population=population,
                households=int(population / rng.uniform(2.6, 3.2)), service_centre_area=_centre_area(rng))
    return county


def _centre_area(rng: random.Random) -> int:
    return rng.choice([rng.randint(250, 399)] + [rng.randint(400, 1200)] * 30)


PROVINCE_CITIES = [
    ("320100", "南京市"), ("320200", "无锡市"), ("320300", "徐州市"), ("320400", "常州市"), ("320500", "苏州市"),
    ("320600", "南通市"), ("320700", "连云港市"), ("320800", "淮安市"), ("320900", "盐城市"), ("321000", "扬州市"),
    ("321100", "镇江市"), ("321200", "泰州市"), ("321300", "宿迁市"),
]
COUNTIES_PER_CITY, TOWNS_PER_COUNTY = 7, 11
COUNTY_WORDS = "江宁 溧水 高淳 宜兴 江阴 丰县 沛县 睢宁 新沂 邳州 溧阳 金坛 常熟 张家港 昆山 吴江 海安 如东 启东 如皋 海门 " \
    "东海 灌云 灌南 涟水 盱眙 金湖 响水 滨海 阜宁 射阳 建湖 东台 宝应 仪征 高邮 丹阳 扬中 句容 兴化 靖江 泰兴 " \
    "沭阳 泗阳 泗洪 洪泽 大丰 姜堰 六合 浦口 栖霞 雨花 锡山 惠山 滨湖 铜山 贾汪 武进 新北 相城 通州 赣榆".split()


def _village_spec(rng: random.Random, town_code: str, v: int, street: bool) -> tuple:
    """One village or community of a generated town: 街道 hold only 社区; 镇 a few 社区, the rest 村."""
    community = street or v < 4
    suffix = (1 + v) if community else (201 + v - 4)
    population = rng.randint(3_000, 12_000) if community else rng.randint(1_500, 6_000)
    return (town_code, f"{town_code}{suffix:03d}", f"{rng.choice(SYLLABLES)}{'社区' if community else '村'}", {
        "urban_rural_code": ("111" if street else "121") if community else rng.choice(["220", "220", "210"]),
        "population": population,
        "households": int(population / rng.uniform(2.5, 3.2)),
        "service_centre_area": _centre_area(rng)})


def _province_specs(rng: random.Random, per_town: int) -> list[tuple[list, str]]:
    """(parent code, code, name, extra fields) rows of every level below the province, level by level."""
    cities, counties, towns, villages = [], [], [], []
    words = list(COUNTY_WORDS)
    rng.shuffle(words)
    for ci, (city_code, city_name) in enumerate(PROVINCE_CITIES):
        cities.append((PROVINCE[0], city_code, city_name, {}))
        for c in range(COUNTIES_PER_CITY):
            # GB/T 2260: 01–20 市辖区, 21–80 县, 81–99 县级市
            kind, number = ("区", 2 + c) if c < 2 else ("县", 21 + c - 2) if c < 5 else ("市", 81 + c - 5)
            county_code = f"{city_code[:4]}{number:02d}"
            if county_code == COUNTY[0]:  # leave 太仓市 to the demo county
                county_code = f"{city_code[:4]}{number + 5:02d}"
            county_name = f"{words[(ci * COUNTIES_PER_CITY + c) % len(words)]}{kind}"
            counties.append((city_code, county_code, county_name, {}))
            town_words = rng.sample(SYLLABLES, TOWNS_PER_COUNTY)
            for t in range(TOWNS_PER_COUNTY):
                # 统计用区划代码: 001–099 街道, 100–199 镇
                street = t < 2
                town_code = f"{county_code}{(1 + t) if street else (100 + t - 2):03d}"
                towns.append((county_code, town_code, f"{town_words[t]}{'街道' if street else '镇'}", {}))
                villages.extend(_village_spec(rng, town_code, v, street) for v in range(per_town))
    return [(cities, Level.CITY), (counties, Level.COUNTY), (towns, Level.TOWN), (villages, Level.VILLAGE)]


def _insert_wave(province: Region, known: dict, specs: list[tuple], level: str) -> None:
    """Insert the (parent code, code, name, extra fields) rows that do not exist yet, then index them in ``known``."""
    depth = LEVEL_DEPTH[level]
    rows = []
    for parent_code, code, name, extra in specs:
        if code in known:
            continue
        parent_pk, parent_path = known[parent_code]
        rows.append(Region(code=code, name=name, level=level, parent_id=parent_pk,
                           path=f"{parent_path}{code}/", depth=depth, **extra))
    Region.objects.bulk_create(rows, batch_size=2000)
    if rows:
        known.update({code: (pk, path) for code, pk, path in Region.objects.filter(
            level=level, path__under=province.path).values_list("code", "id", "path")})


def build_province(rng: random.Random, *, villages_target: int = 20_000) -> Region:
    """≈``villages_target`` villages/communities in 13 cities × 7 counties × 11 towns, for the benchmark.

    Written level by level with ``bulk_create`` (five INSERT waves, each in batches), so 20 000 villages
    take seconds. Idempotent: regions whose code already exists (e.g. the demo county's 苏州市) are kept and
    reused as parents, so it can run on top of ``zhengshe demo`` or twice in a row.
    """
    from django.db import transaction

    per_town = max(1, round(villages_target / (len(PROVINCE_CITIES) * COUNTIES_PER_CITY * TOWNS_PER_COUNTY)))
    with transaction.atomic():
        province = Region.objects.filter(code=PROVINCE[0]).first() or Region.objects.create(
            code=PROVINCE[0], name=PROVINCE[1], level=Level.PROVINCE, parent=None)
        known = {code: (pk, path) for code, pk, path in
                 Region.objects.filter(path__under=province.path).values_list("code", "id", "path")}
        for specs, level in _province_specs(rng, per_town):
            _insert_wave(province, known, specs, level)
    return province
