"""Word lists and code makers for invented, real-sounding demo enterprises.

Names are built from a two-character trade name (字号) and a sector word, so they
read like Baodi companies without being any real one. Codes (USCC, patent and
certificate numbers) follow the real formats, check characters included.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from keqi.core.uscc import make_uscc

# 字号: first and second characters; no well-known brand can come out of these.
TRADE_FIRST = "瑞恒鑫泰德宏嘉博信盛凯润联远宇明汇永佳诚益隆昊睿卓峻麒澜"
TRADE_SECOND = "源达诚通鼎航锐晟峰邦辰拓沃禾川朗泽驰润昇祺煜霖"


@dataclass(frozen=True)
class Sector:
    """A line of business: the words its names use and the fields that follow."""

    key: str
    words: tuple[str, ...]
    tech_field: str
    key_industry: str
    industries: tuple[str, ...]
    ip_topics: tuple[str, ...]
    software: bool = False


SECTORS: dict[str, Sector] = {
    s.key: s
    for s in (
        Sector(
            "materials",
            ("新材料", "复合材料", "高分子材料", "石墨烯科技", "新型建材"),
            "新材料",
            "新能源新材料",
            (
                "C29 橡胶和塑料制品业",
                "C26 化学原料和化学制品制造业",
                "C30 非金属矿物制品业",
            ),
            ("改性材料", "复合板材", "涂层", "导热膜", "防腐材料"),
        ),
        Sector(
            "energy",
            ("新能源", "光伏科技", "储能技术", "节能科技", "电力科技"),
            "新能源与节能",
            "新能源新材料",
            ("C38 电气机械和器材制造业", "D44 电力、热力生产和供应业"),
            ("储能电池", "逆变器", "节能控制", "光伏支架", "热泵"),
        ),
        Sector(
            "equipment",
            ("智能装备", "机械制造", "自动化设备", "精密机械", "工业技术"),
            "先进制造与自动化",
            "高端装备制造",
            ("C34 通用设备制造业", "C35 专用设备制造业", "C33 金属制品业"),
            ("数控机床", "输送装置", "焊接机器人", "液压系统", "检测工装"),
        ),
        Sector(
            "ai",
            ("智能科技", "信息技术", "软件", "数据科技", "物联网科技"),
            "电子信息",
            "人工智能",
            ("I65 软件和信息技术服务业", "I64 互联网和相关服务"),
            ("图像识别", "数据平台", "物联网网关", "调度系统", "语音交互"),
            software=True,
        ),
        Sector(
            "electronics",
            ("电子科技", "电子", "通信技术", "光电科技"),
            "电子信息",
            "其他",
            ("C39 计算机、通信和其他电子设备制造业",),
            ("电路板", "传感器", "光模块", "电源模块", "控制器"),
        ),
        Sector(
            "bio",
            ("生物科技", "医药科技", "医疗器械", "生物工程"),
            "生物与新医药",
            "生物医药",
            ("C27 医药制造业", "C35 专用设备制造业", "M73 研究和试验发展"),
            ("检测试剂", "缓释制剂", "医用敷料", "发酵工艺", "提取方法"),
        ),
        Sector(
            "agri",
            ("农业科技", "种业科技", "生态农业"),
            "生物与新医药",
            "其他",
            ("A01 农业", "C13 农副食品加工业"),
            ("育苗方法", "水产养殖", "保鲜工艺", "有机肥", "节水灌溉"),
        ),
        Sector(
            "environment",
            ("环保科技", "环境工程", "水处理技术"),
            "资源与环境",
            "其他",
            ("N77 生态保护和环境治理业", "C35 专用设备制造业"),
            ("污水处理", "废气净化", "固废利用", "除尘装置", "土壤修复"),
        ),
        Sector(
            "services",
            ("检测技术", "技术服务", "科技咨询"),
            "高技术服务",
            "其他",
            ("M74 专业技术服务业", "M75 科技推广和应用服务业"),
            ("检测方法", "服务平台", "评估系统", "管理软件", "计量装置"),
            software=True,
        ),
        Sector(
            "aero",
            ("无人机科技", "航空科技"),
            "航空航天",
            "高端装备制造",
            ("C37 铁路、船舶、航空航天和其他运输设备制造业",),
            ("无人机", "飞控系统", "旋翼组件", "航拍云台", "起落装置"),
        ),
    )
}

# How a name opens; "{t}" is the trade name. Most local firms start with 天津.
NAME_PATTERNS: dict[str, int] = {
    "天津{t}{w}有限公司": 40,
    "天津市{t}{w}有限公司": 20,
    "天津宝坻{t}{w}有限公司": 15,
    "天津{t}{w}科技发展有限公司": 8,
    "{t}（天津）{w}有限公司": 17,
}

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def company_name(rng: random.Random, sector: Sector, joint_stock: bool) -> str:
    """An invented company name for the sector (股份有限公司 after a reform)."""
    trade = rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)
    word = rng.choice(sector.words)
    patterns, weights = list(NAME_PATTERNS), list(NAME_PATTERNS.values())
    pattern = rng.choices(patterns, weights=weights)[0]
    name = pattern.format(t=trade, w=word)
    return name.replace("有限公司", "股份有限公司") if joint_stock else name


def org_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def demo_uscc(rng: random.Random, prefix: str, founded_year: int) -> str:
    """A valid code: an old organisation code before 2016, an MA code after."""
    if founded_year >= 2016:
        tail = "".join(rng.choice(ORG_ALPHABET) for _ in range(4))
        body = "MA0" + rng.choice("5678") + tail
    else:
        body = f"{rng.randrange(10**7, 10**8)}"
    return make_uscc(prefix, body + org_check(body))


def patent_number(year: int, kind_digit: int, serial: int) -> str:
    """A Chinese patent number: ZL + year + kind + 7-digit serial + . + check."""
    digits = f"{year}{kind_digit}{serial:07d}"
    total = sum(int(d) * w for d, w in zip(digits, PATENT_WEIGHTS, strict=True))
    check = total % 11
    return f"ZL{digits}.{'X' if check == 10 else check}"


def software_number(year: int, serial: int) -> str:
    """A software copyright registration number, e.g. 2017SR123456."""
    return f"{year}SR{serial:06d}"


def ip_title(rng: random.Random, sector: Sector, category: str) -> str:
    """A plausible title for a patent or copyright in the sector."""
    topic = rng.choice(sector.ip_topics)
    if category == "软件著作权":
        return f"{topic}管理系统V{rng.randint(1, 3)}.0"
    if category == "外观设计专利":
        return f"{topic}外壳"
    suffix = rng.choice(("及其制备方法", "装置", "系统", "结构", "方法"))
    return f"一种{topic}{suffix}"
