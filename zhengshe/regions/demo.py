"""Demo regions: a believable county-level city (太仓市-like) and a province-scale tree for benchmarks."""

import random

from .choices import Level
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


def build_province(rng: random.Random, *, villages_target: int = 20_000) -> Region:
    """≈20 000 villages/communities in 13 cities, written with bulk inserts (a minute, not hours)."""
    province = Region.objects.filter(code=PROVINCE[0]).first() or Region.objects.create(
        code=PROVINCE[0], name=PROVINCE[1], level=Level.PROVINCE, parent=None)
    existing = set(Region.objects.filter(path__startswith=province.path).values_list("code", flat=True))
    counties_per_city, towns_per_county = 7, 11
    per_town = max(1, round(villages_target / (len(PROVINCE_CITIES) * counties_per_city * towns_per_county)))
    batch: list[Region] = []

    def add(region: Region):
        if region.code not in existing:
            region.path = (region.parent.path if region.parent else "") + region.code + "/"
            region.depth = {Level.CITY: 2, Level.COUNTY: 3, Level.TOWN: 4, Level.VILLAGE: 5}[region.level]
            batch.append(region)
            existing.add(region.code)
        if len(batch) >= 2000:
            Region.objects.bulk_create(batch)
            batch.clear()

    for city_code, city_name in PROVINCE_CITIES:
        city = Region(code=city_code, name=city_name, level=Level.CITY, parent=province)
        add(city)
        for c in range(counties_per_city):
            county_code = f"{city_code[:4]}{81 + c:02d}"
            if county_code == COUNTY[0]:
                county_code = f"{city_code[:4]}{71 + c:02d}"
            county = Region(code=county_code, name=f"{city_name[:-1]}第{c + 1}县", level=Level.COUNTY, parent=city)
            add(county)
            for t in range(towns_per_county):
                town = Region(code=f"{county_code}{100 + t:03d}", name=f"{county.name[:-1]}{t + 1}镇",
                              level=Level.TOWN, parent=county)
                add(town)
                for v in range(per_town):
                    population = rng.randint(1_500, 9_000)
                    add(Region(code=f"{town.code}{(1 + v) if v < 8 else (200 + v):03d}", name=f"{town.name}{v + 1}村",
                               level=Level.VILLAGE, parent=town, urban_rural_code="220", population=population,
                               households=population // 3, service_centre_area=rng.randint(250, 1200)))
    if batch:
        Region.objects.bulk_create(batch)
    return province
