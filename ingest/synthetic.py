"""A deterministic synthetic corpus of 项目支出绩效目标表, to exercise the pipeline at scale.

:func:`generate_corpus` writes source tables in exactly the text format of ``ingest/seeds/``
(what :func:`~.reader.read_table` reads) for many departments × budget years × funding units
× projects × indicators, so that reading, target parsing, mapping, validation, loading, series
linking and querying can be run on 100 k, 1 M or 5 M triples. Only the random generator
``random.Random`` seeded from the seed decides anything: the same seed always gives the same
bytes, on any machine.

What the tables look like, as in the seeds: Chinese department names (广州市科学技术局,
广州市天河区教育局 …) with one to six funding units each; both indicator layouts (labelled,
as in 2023; coded, as in 2025; a department switches between years); target values such as
``≥95%``, ``\\geq 90%``, ``不少于20场``, ``<2小时``, ``约3000人次``, ``90%-95%``, grade lists and
plain text; extraction artefacts (``<p>`` tags, spaced amounts ``2, 501. 00``, half-width
punctuation). Amounts are kept in hundredths of 万元 (integers), so every 总计 is exactly
财政拨款 + 财政专户拨款 + 其他资金, every unit subtotal the sum of its projects and 合计 the
sum of the units. Across years most projects recur with drifting amounts and targets; some
are renamed in ways the series linker (:mod:`.series`) still links (contract periods, year
and file-number tags, 运维/运行维护, moved quotes, a changed generic word); some are new and
some are discontinued.

:func:`plan_corpus` picks the departments, years, units and projects for a requested number
of triples; :func:`department_tables` is what one department's tables say, year by year
(with each project's lineage, for tests); :func:`write_corpus` renders and writes them one
department at a time, counting the triples :func:`~.mapping.map_table` will give for each.

    python -m jixiao.ingest.synthetic OUT_DIR --triples N [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .names import compare_names

__all__ = [
    "TARGET_FORMS",
    "CorpusFile",
    "CorpusPlan",
    "DepartmentPlan",
    "SyntheticIndicator",
    "SyntheticProject",
    "SyntheticTable",
    "SyntheticUnit",
    "UnitPlan",
    "department_tables",
    "generate_corpus",
    "main",
    "plan_corpus",
    "render_table",
    "write_corpus",
]

# --- vocabulary ----------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _records(text: str) -> tuple[tuple[str, ...], ...]:
    """``a/b/c d/e/f`` → ``(("a", "b", "c"), ("d", "e", "f"))``."""
    return tuple(tuple(word.split("/")) for word in text.split())


# (name, ASCII slug) of Guangdong's prefecture-level cities, and of Guangzhou's districts.
_CITIES = _records(
    """广州市/gz 深圳市/sz 珠海市/zh 汕头市/st 佛山市/fs 韶关市/sg 湛江市/zj 肇庆市/zq 江门市/jm
    茂名市/mm 惠州市/hz 梅州市/mz 汕尾市/sw 河源市/hy 阳江市/yj 清远市/qy 东莞市/dg 中山市/zs
    潮州市/cz 揭阳市/jy 云浮市/yf"""
)
_DISTRICTS = _records(
    """越秀区/yuexiu 海珠区/haizhu 荔湾区/liwan 天河区/tianhe 白云区/baiyun 黄埔区/huangpu
    番禺区/panyu 花都区/huadu 南沙区/nansha 从化区/conghua 增城区/zengcheng"""
)
# name/short name/slug/domain/levels ("c" a city's agency, "d" a district's)
_AGENCIES = _records(
    """科学技术局/科技/sti/sci/cd 科学技术协会/科协/cast/sci/c 教育局/教育/edu/edu/cd
    卫生健康委员会/卫生健康/health/health/c 卫生健康局/卫生健康/health/health/d
    民政局/民政/civil/social/cd 人力资源和社会保障局/人社/hrss/social/cd
    财政局/财政/finance/admin/cd 审计局/审计/audit/admin/c 统计局/统计/stats/econ/c
    商务局/商务/commerce/econ/c 工业和信息化局/工信/industry/econ/c
    市场监督管理局/市场监管/market/econ/cd 农业农村局/农业农村/agri/econ/cd
    生态环境局/生态环境/eco/env/c 林业和园林局/林业园林/forestry/env/c 水务局/水务/water/infra/cd
    交通运输局/交通/transport/infra/c 住房和城乡建设局/住建/housing/infra/cd
    城市管理和综合执法局/城管/urban/infra/cd 规划和自然资源局/规划资源/planning/infra/c
    文化广电旅游局/文旅/culture/culture/cd 体育局/体育/sport/culture/c
    应急管理局/应急/emergency/admin/cd 司法局/司法/justice/admin/cd
    退役军人事务局/退役军人/veterans/social/cd 医疗保障局/医保/medinsure/health/c
    政务服务数据管理局/政数/data/admin/c 发展和改革委员会/发改/ndrc/econ/cd
    残疾人联合会/残联/disabled/social/c 妇女联合会/妇联/women/social/c
    地方金融监督管理局/金融/finreg/econ/c 港务局/港务/port/infra/c"""
)
# Funding units below a department: "{c}" is the city (or district), "{s}" the agency's short name.
_GENERIC_UNITS = _words(
    "{c}{s}信息中心 {c}{s}事务中心 {c}{s}发展研究中心 {c}{s}宣传教育中心 {c}{s}服务中心 "
    "{c}{s}综合保障中心 {c}{s}档案室"
)
_DOMAIN_UNITS = {
    "sci": _words(
        """{c}科学技术信息研究所 {c}科技创新服务中心 {c}生产力促进中心 {c}青少年科技教育中心
        {c}科学技术发展中心 {c}科学技术协会创新与交流中心"""
    ),
    "edu": _words(
        """{c}教育研究院 {c}电化教育馆 {c}第一中学 {c}实验中学 {c}职业技术学院 {c}少年宫
        {c}教育考试院 {c}科技贸易职业学院"""
    ),
    "health": _words(
        """{c}疾病预防控制中心 {c}妇幼保健院 {c}第一人民医院 {c}中医医院 {c}卫生监督所
        {c}急救医疗指挥中心"""
    ),
    "culture": _words(
        "{c}图书馆 {c}博物馆 {c}文化馆 {c}美术馆 {c}体育运动学校 {c}非物质文化遗产保护中心"
    ),
    "infra": _words(
        """{c}道路养护中心 {c}排水管理中心 {c}公共交通运输管理中心 {c}城市照明管理所
        {c}建设工程质量安全监督站 {c}水务工程建设管理中心"""
    ),
    "social": _words(
        "{c}社会福利院 {c}救助管理站 {c}公共就业服务中心 {c}社会保险基金管理中心 {c}康复中心"
    ),
    "econ": _words(
        """{c}投资促进中心 {c}农业技术推广中心 {c}产品质量监督检验研究院 {c}中小企业服务中心
        {c}统计调查中心"""
    ),
    "env": _words(
        """{c}环境监测中心站 {c}固体废物管理中心 {c}林业和园林科学研究院
        {c}生态环境宣传教育中心 {c}森林防火指挥中心"""
    ),
    "admin": _words("{c}{s}培训中心 {c}{s}技术保障中心 {c}{s}执法支队"),
}
# Units whose projects are often paid from a special account (school and hospital fees).
_SPECIAL_ACCOUNT_UNITS = _words("学院 中学 医院 学校 保健院")

# Project topics: no digits and no Chinese numerals, and no two alike enough for the series
# linker to take one for the other (tests/test_synthetic.py checks).
_GENERIC_TOPICS = _words(
    """机构运行辅助 档案整理及财务咨询服务 办公楼维修改造 物业管理服务 机关党建工作 法律顾问服务
    绩效评价及审计 机关安全保卫 政务公开宣传 网站平台升级改造 政策课题研究 干部教育培训
    应急物资储备 公务用车运行维护 编外人员聘用 办公电脑更新 消防设施改造 视频会议系统运行维护
    数据中心机房运维 统计报表编制 信访接待服务 保密技术检查 志愿服务活动 对外交流合作
    专家评审论证"""
)
_DOMAIN_TOPICS = {
    "sci": _words(
        """科普活动 科技创新平台建设 科技成果转化服务 院士专家工作站建设 学术交流活动
        青少年科技教育 青年科技人才托举 知识产权保护 科技馆免费开放 科学素质提升工程 科技社团党建
        科技期刊出版 科普基地建设 科技创新大赛 科技企业孵化服务 基础研究资助 青少年馆运行维护
        服务科技工作者"""
    ),
    "edu": _words(
        """学生资助 教师专业发展研修 实验实训室建设 课程思政示范 职业技能竞赛 校园安全管理
        智慧校园建设 产教融合基地 高水平专业群建设 国际化办学 教材建设 招生考试组织 校舍修缮加固
        青少年体质健康监测 教育质量评估 学前教育补助"""
    ),
    "health": _words(
        """公共卫生服务 疾病预防控制 妇幼保健服务 健康教育宣传 卫生监督执法 医疗设备购置
        基层医疗卫生机构能力建设 中医药传承发展 传染病应急处置 家庭医生签约服务 医疗保障基金监管
        食品安全风险监测 血液安全管理 精神卫生防治 院前急救体系建设"""
    ),
    "culture": _words(
        """非物质文化遗产保护 公共图书馆免费开放 群众文化活动 文物保护修缮 博物馆陈列展览
        旅游宣传推介 全民健身活动 体育赛事组织 文艺精品创作 古籍数字化 青少年业余体育训练
        美术馆公共教育 乡村文化振兴 演艺设备更新"""
    ),
    "infra": _words(
        """道路养护 桥梁隧道检测 排水设施运行维护 城市照明运行维护 河涌综合整治 供水水质监测
        老旧小区改造 智慧交通平台建设 公交线网优化 建筑工地扬尘监管 市政设施巡查 防洪排涝应急抢险
        地下管线普查 停车设施规划 环卫作业保洁"""
    ),
    "social": _words(
        """养老服务补贴 社区服务站建设 困难群众救助 残疾人康复服务 就业创业服务 职业技能培训补贴
        退役军人服务保障 婚姻登记服务 儿童福利保障 殡葬管理服务 社会组织培育 劳动保障监察
        流浪乞讨人员救助 妇女儿童权益保护"""
    ),
    "econ": _words(
        """招商引资推介 中小企业服务 市场主体监管 产品质量抽检 统计调查 营商环境评价 农业技术推广
        农产品质量安全监测 外贸发展促进 价格监测 电子商务发展 计量检定服务 动物疫病防控
        数字经济发展 重点项目前期研究"""
    ),
    "env": _words(
        """大气污染防治 环境质量监测 固体废物处置监管 生态环境执法 园林绿化养护 森林防火
        水土保持监测 垃圾分类宣传 噪声污染治理 古树名木保护 湿地公园管护 碳排放核查
        受污染耕地安全利用 饮用水源保护"""
    ),
    "admin": _words(
        """政务服务事项标准化 行政复议应诉 财政投资评审 审计信息化建设 普法宣传教育 应急演练
        政府采购监管 非税收入征管 人民调解工作 社区矫正管理 安全生产执法 防灾减灾宣传"""
    ),
}
# Brand names of programmes ("“广聚英才计划”项目经费"); a quote may move between years.
_BRANDS = {
    "sci": _words("广聚英才 科创中国 科普广州"),
    "edu": _words("智慧教育 强师工程 新时代好少年"),
    "health": _words("健康城市 名医工程"),
    "culture": _words("书香羊城 文化惠民"),
    "infra": _words("品质交通 海绵城市"),
    "social": _words("粤菜师傅 南粤家政"),
    "econ": _words("质量强市 数字湾区"),
    "env": _words("绿美城市 碧水蓝天"),
    "admin": _words("数字政府 法治城市"),
}
_IT_TOPIC = "信息化运维"  # the one topic named with its unit, contract period and tranche
_SUFFIXES = _words("经费 经费 经费 项目 专项经费 工作经费 项目经费 资金")
# Generic words a project's suffix may change to between years, keeping the link.
_SUFFIX_ALTERNATIVES = _words("经费 资金 专项经费 工作经费 项目经费 项目 专项资金")
_QUALIFIERS = _words("基层 重点领域 城乡 数字化 片区 专业化")
_FILE_ISSUERS = _words("粤财科教 粤财社 粤财农 粤财文 粤财工 穗财编")
_ABBREVIATIONS = (("运行维护", "运维"), ("青少年", "青少"))

_GOAL_AIMS = _words(
    """加强组织领导和统筹协调 完善工作机制和管理制度 整合各方资源 强化过程监管 优化服务流程
    加强专业队伍建设 提高财政资金使用效益 推动各项工作提质增效 落实上级部署要求 健全长效管理机制"""
)
_GOAL_EFFECTS = _words(
    """提升公共服务水平 保障单位正常运转 促进经济社会高质量发展 增强群众获得感和满意度
    为全市高质量发展提供有力支撑 提高管理服务效能 营造良好社会氛围 确保各项任务按期完成
    保障设施设备安全稳定运行 服务粤港澳大湾区建设"""
)

_LEVEL1 = {"1": "产出指标", "2": "效益指标", "3": "满意度指标", "4": "成本指标"}
_LEVEL2 = {
    code: label
    for code, label in _records(
        """11/数量指标 12/质量指标 13/时效指标 14/成本指标 21/经济效益 22/社会效益 23/生态效益
        24/可持续影响 31/服务对象满意度 41/经济成本指标 42/社会成本指标 43/生态环境成本指标"""
    )
}
# level-2 code → indicator name/target kind[/unit of a count]
_INDICATORS = {
    "11": _records(
        """开展活动场次/count/场 举办培训班期数/count/期 培训人数/count/人 参与活动人次/crowd/人次
        发放宣传资料数量/count/份 形成调研报告数量/count/份 资助项目数量/count/项
        服务企业数量/count/家 建设站点数量/count/个 采购设备数量/count/台 发表论文数/count/篇
        巡查检查次数/count/次 维护系统数量/count/套 编印教材数量/count/部 宣传推送篇数/count/篇
        覆盖区域数量/count/个 受益群众人数/crowd/人次 维护对象数量/inventory 工程进度/share
        新建或改造场地数量/sites 聘用人员规模数量/plain 项目完成率（%）/share
        线上线下参与情况/reach"""
    ),
    "12": _records(
        """验收合格率/share 系统正常运行率/share 设备完好率/share 数据准确率/share 培训合格率/share
        档案整理完成质量/comply 服务质量/grade 项目建设质量/grade 故障工单关闭率/share
        服务可用性/low 物业考核达标率/share 成果质量达标率/share"""
    ),
    "13": _records(
        """响应时间/time 资金支出进度/share 项目按时完成率/share 故障修复时间/time
        日常维修维护所需时间/time 资金拨付及时率/share 建设时效/grade"""
    ),
    "14": _records("成本控制率/share 预算成本控制有效性/comply 投资控制率/share"),
    "21": _records("促进交易金额/gain 带动社会投资/gain 降低运行成本/effect 节约财政资金/gain"),
    "22": _records(
        """社会影响力/effect 宣传报道次数/count/次 公众认知度提升/effect 安全事故发生次数/zero
        投诉率/low 服务能力提升/effect 政策知晓率/share 媒体宣传效果/effect
        资金使用重大违规违纪问题/zero 程序规范性/comply"""
    ),
    "23": _records(
        """文明施工/comply 节能减排效果/effect 垃圾分类覆盖率/share 环境卫生整洁/comply
        绿化维护率/share"""
    ),
    "24": _records(
        """长效管理机制/effect 项目可持续运行/effect 服务能力可持续提升/effect
        设施持续发挥作用/effect"""
    ),
    "31": _records(
        """服务对象满意度/share 群众满意度/share 师生满意度/share 参训人员满意度/share
        服务对象满意度（%）/share 企业满意度/share 活动参与者满意度/share 用户满意度/share"""
    ),
    "41": _records("项目总成本/budget 单位服务成本控制/comply"),
    "42": _records("社会成本/harm"),
    "43": _records("生态环境成本/harm"),
}
# Level-2 codes by level 1, with weights.
_LEVEL2_CHOICES = {
    "1": (("11", "12", "13", "14"), (60, 20, 15, 5)),
    "2": (("21", "22", "23", "24"), (12, 65, 13, 10)),
    "3": (("31",), (1,)),
    "4": (("41", "42", "43"), (60, 20, 20)),
}

TARGET_FORMS: dict[str, tuple[tuple[str, int], ...]] = {
    "share": (("≥{n}%", 3), ("≥ {n}%", 3), ("\\geq {n}%", 3), ("{n}%", 3), ("不低于{n}%", 3),
              ("{n}%以上", 3), ("超过{n}%", 3), ("{a}%-{n}%", 4), (">{n}%", 3), ("{n}％", 3),
              ("达到{n}%", 3), ("$\\geq$ {n}%", 3), ("{n}%及以上", 3), ("{n}%", 3)),
    "low": (("低于{a}%", 3), ("<{a}%", 3), ("≤{a}%", 3), ("{a}%以下", 3), ("不超过{a}%", 3),
            ("运行中断时间小于{a}%", 3)),
    "count": (("{n}{u}", 3), ("不少于{n}{u}", 3), ("≥{n}{u}", 3), ("约{n}{u}", 3),
              ("{n}{u}以上", 3), ("{n}余{u}", 3), ("全年不少于{n}{u}", 3), ("{n}{u}左右", 3),
              ("{a}-{n}{u}", 4), ("不少于{n}{u}", 3)),
    "crowd": (("约{n}万{u}", 3), ("{n}万{u}", 3), ("不少于{n}万{u}", 3), ("超过{n}万{u}", 3),
              ("约{m}{u}", 3)),
    "plain": (("{n}", 2), ("≤{n}", 2), ("约{n}", 2)),
    "time": (("<{b}小时", 3), ("{b}小时内", 3), ("≤{b}小时", 3), ("{b}个工作日内", 3),
             ("{a}-{b}小时", 4), ("{b}分钟内", 3), ("{a}-{b}天内完成", 4),
             ("故障报修响应速度{b}小时内", 3)),
    "zero": (("0次", 3), ("0起", 2), ("无重大安全事故", 0), ("发生次数0次", 3)),
    "gain": (("不少于{n}亿元", 3), ("约{n}万元", 3), ("超过{n}万元", 3), ("{n}亿元以上", 3)),
    "budget": (("≤{n}万元", 3), ("{n}万元以内", 3), ("控制在{n}万元以内", 3), ("不超过{n}万元", 3)),
    "grade": (("优、良、中、差", 0), ("超前、达标、滞后", 0), ("超支、达标", 0), ("优、良", 0)),
    "inventory": (("应用软件系统{a}套、硬件设备{b}台", 0),
                  ("应用软件系统数{a}、硬件设备系统{b}", 0)),
    "sites": (("新建{a}个、改造{b}个", 0), ("新建{a}处，改造提升{b}处", 0)),
    "reach": (("线下不少于{a}场，线上不少于{b}万人次", 0),
              ("线下参与{m}人次、线上参与{b}万人次", 0)),
    "effect": (("有效提升", 0), ("明显提升", 0), ("进一步提升", 0), ("持续提升", 0), ("良好", 0),
               ("有效保障单位正常运转", 0), ("持续发挥作用", 0), ("逐步完善", 0), ("较强", 0),
               ("加强宣传引导，营造良好社会氛围，增强群众获得感", 0),
               ("建立健全管理制度，推动工作规范化、制度化、科学化", 0)),
    "comply": (("符合要求", 0), ("符合相关工作要求", 0), ("按期完成", 0), ("合规", 0), ("及时", 0),
               ("符合行业标准", 0), ("按需", 0), ("通过", 0), ("合法合规", 0)),
    "harm": (("无明显负面影响", 0), ("不造成环境污染", 0), ("无", 0)),
}  # fmt: skip
"""Target value forms by kind: (pattern, triples the target adds to the four every target has).

``{n}`` is the number, ``{a}`` and ``{b}`` the bounds of a range (``a < b``, ``a < n``),
``{m}`` a count spelled out in full, ``{u}`` the indicator's unit. The added triples are
those :func:`~.targets.parse_target` gives: comparator, number (or lower and upper bound), unit.
"""

_COUNT_RANGES = {"人": (20, 2000), "人次": (200, 20000), "场": (2, 120), "期": (2, 12),
                 "次": (2, 300)}  # fmt: skip

# --- triples per thing, as map_table writes them ---------------------------------------------

_DOCUMENT_TRIPLES = 19 + 2  # the document and its source file; the department
_UNIT_TRIPLES = 10 + 3  # the unit budget; the funding unit
_PROJECT_TRIPLES = 12
_INDICATOR_TRIPLES = 8  # + 2 for the level-2 category in the coded layout
_TARGET_TRIPLES = 4
# Mean triples per project by layout, measured on large corpora (for planning only).
_PROJECT_ESTIMATE = {"labelled": 137.0, "coded": 210.0}
_INDICATOR_COUNTS = tuple(range(3, 16))
_INDICATOR_WEIGHTS = (4, 6, 8, 10, 11, 11, 10, 9, 8, 7, 6, 5, 5)


# --- the plan ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitPlan:
    """A funding unit and how many projects it has in each of its department's years."""

    name: str
    projects: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DepartmentPlan:
    """One department: its years, the first year in the coded layout, its funding units."""

    index: int
    seed: int
    name: str
    slug: str
    city: str
    short: str
    domain: str
    years: tuple[int, ...]
    coded_from: int  # years from this one on use the coded (2025) layout
    units: tuple[UnitPlan, ...]

    def layout(self, year: int) -> str:
        return "coded" if year >= self.coded_from else "labelled"

    @property
    def projects(self) -> int:
        return sum(sum(u.projects) for u in self.units)

    @property
    def estimated_triples(self) -> int:
        total = 0.0
        for i, year in enumerate(self.years):
            per_project = _PROJECT_ESTIMATE[self.layout(year)]
            total += _DOCUMENT_TRIPLES + sum(
                _UNIT_TRIPLES + u.projects[i] * per_project for u in self.units
            )
        return round(total)


@dataclass(frozen=True, slots=True)
class CorpusPlan:
    """The departments of a corpus."""

    seed: int
    departments: tuple[DepartmentPlan, ...]

    @property
    def estimated_triples(self) -> int:
        return sum(d.estimated_triples for d in self.departments)

    @property
    def files(self) -> int:
        return sum(len(d.years) for d in self.departments)


def _department_names(rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """Every department name the generator knows, shuffled: (name, slug, city, short, domain)."""
    names = [
        (city + name, f"{cslug}-{slug}", city, short, domain)
        for city, cslug in _CITIES
        for name, short, slug, domain, levels in _AGENCIES
        if "c" in levels
    ]
    names += [
        (f"广州市{district}{name}", f"gz-{dslug}-{slug}", f"广州市{district}", short, domain)
        for district, dslug in _DISTRICTS
        for name, short, slug, domain, levels in _AGENCIES
        if "d" in levels
    ]
    rng.shuffle(names)
    return names


def _unit_names(
    rng: random.Random, department: str, city: str, short: str, domain: str
) -> list[str]:
    pool = [p.format(c=city, s=short) for p in _GENERIC_UNITS + _DOMAIN_UNITS[domain]]
    rng.shuffle(pool)
    first = department if rng.random() < 0.8 else f"{department}机关"
    return [first] + [name for name in pool if name != first]


def _draw_department(
    rng: random.Random, index: int, seed: int, entry: tuple[str, str, str, str, str], scale: float
) -> DepartmentPlan:
    name, slug, city, short, domain = entry
    n_years = rng.choices((1, 2, 3, 4, 5, 6), (1, 3, 4, 4, 3, 2))[0]
    last = rng.randint(2023, 2026)
    years = tuple(range(last - n_years + 1, last + 1))
    style = rng.random()
    if style < 0.15:
        coded_from = years[-1] + 1  # labelled throughout
    elif style < 0.3 or n_years == 1:
        coded_from = years[0] if rng.random() < 0.5 else years[-1] + 1
    else:  # switches, mostly in 2024 or 2025, as Guangzhou's tables did
        switch = rng.choice((2022, 2023, 2024, 2024, 2025, 2025, 2026))
        coded_from = min(max(switch, years[1]), years[-1])
    n_units = rng.choices((1, 2, 3, 4, 5, 6), (3, 3, 3, 2, 2, 1))[0]
    units = []
    for u, unit in enumerate(_unit_names(rng, name, city, short, domain)[:n_units]):
        base = rng.randint(3, 18) if u == 0 else rng.randint(1, 10)
        counts = []
        for _ in years:
            counts.append(max(1, round(base * scale)))
            base = max(1, base + rng.choice((-1, 0, 0, 0, 1)))
        units.append(UnitPlan(unit, tuple(counts)))
    return DepartmentPlan(
        index, seed, name, slug, city, short, domain, years, coded_from, tuple(units)
    )


def _fit(plan: DepartmentPlan, budget: float) -> DepartmentPlan:
    """The department made smaller (fewer projects, then units, then years) to fit ``budget``."""
    if plan.estimated_triples <= budget:
        return plan
    factor = budget / plan.estimated_triples
    units = tuple(
        UnitPlan(u.name, tuple(max(1, round(c * factor)) for c in u.projects)) for u in plan.units
    )
    plan = replace(plan, units=units)
    while plan.estimated_triples > budget * 1.05 and (len(plan.units) > 1 or len(plan.years) > 1):
        if len(plan.units) > 1:
            plan = replace(plan, units=plan.units[:-1])
        else:
            cut = tuple(UnitPlan(u.name, u.projects[1:]) for u in plan.units)
            plan = replace(plan, units=cut, years=plan.years[1:])
    return plan


def plan_corpus(triples: int, *, seed: int = 0) -> CorpusPlan:
    """Departments, years, units and projects that come to about ``triples`` mapped triples.

    Departments are drawn one by one (one to six years, one to six units of one to twenty
    projects) until the estimate reaches the request; none takes more than a third of a small
    corpus, so even 20 k triples have several departments, and the last is cut to fit.
    """
    if triples <= 0:
        raise ValueError("the number of triples must be positive")
    rng = random.Random(f"jixiao-synthetic-plan:{seed}")
    names = _department_names(rng)
    typical = 17_000  # triples of an average department, for spreading very large corpora
    scale = max(1.0, triples / (0.8 * len(names) * typical))
    cap = max(triples / 3, 6_000)
    departments: list[DepartmentPlan] = []
    remaining = float(triples)
    smallest = _DOCUMENT_TRIPLES + _UNIT_TRIPLES + _PROJECT_ESTIMATE["labelled"]
    while remaining >= smallest and len(departments) < len(names):
        index = len(departments)
        plan = _draw_department(rng, index, seed, names[index], scale)
        plan = _fit(plan, min(cap, remaining))
        departments.append(plan)
        remaining -= plan.estimated_triples
    return CorpusPlan(seed, tuple(departments))


# --- what the tables say -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyntheticIndicator:
    """One indicator: its level-2 category code, name, and target form and numbers."""

    code: str  # "11"; the level-1 code is its first digit
    name: str
    kind: str  # a key of TARGET_FORMS
    unit: str
    form: int
    values: tuple[int, int, int, int]  # n, a, b, m
    period_values: tuple[int, int, int, int] | None = None  # when the period target differs

    def target(self, period: bool = False) -> str:
        n, a, b, m = (self.period_values or self.values) if period else self.values
        return TARGET_FORMS[self.kind][self.form][0].format(n=n, a=a, b=b, m=m, u=self.unit)

    def triples(self, layout: str) -> int:
        """The triples map_table gives for this indicator in ``layout``."""
        target = _TARGET_TRIPLES + TARGET_FORMS[self.kind][self.form][1]
        if layout == "coded":
            return _INDICATOR_TRIPLES + 2 + 2 * target
        return _INDICATOR_TRIPLES + target


@dataclass(frozen=True, slots=True)
class SyntheticProject:
    """One project row; ``lineage`` is the same for the project in every year it recurs."""

    lineage: int
    name: str
    fiscal: int  # amounts in hundredths of 万元
    special_account: int
    other: int
    goal: str
    indicators: tuple[SyntheticIndicator, ...]

    @property
    def total(self) -> int:
        return self.fiscal + self.special_account + self.other


@dataclass(frozen=True, slots=True)
class SyntheticUnit:
    """A funding unit and its projects in one table."""

    name: str
    projects: tuple[SyntheticProject, ...]


@dataclass(frozen=True, slots=True)
class SyntheticTable:
    """What one department's table of one budget year says."""

    department: str
    year: int
    layout: str  # "labelled" (2023) or "coded" (2025)
    units: tuple[SyntheticUnit, ...]

    @property
    def projects(self) -> list[SyntheticProject]:
        """The project rows in table order (row number = index + 1)."""
        return [p for u in self.units for p in u.projects]


def _values(rng: random.Random, kind: str, unit: str, form: int) -> tuple[int, int, int, int]:
    """Numbers for target ``form`` of ``kind``: n, a (< n), b (> a), m."""
    pattern = TARGET_FORMS[kind][form][0]
    if kind == "share":
        n = rng.choice((80, 85, 90, 90, 95, 95, 95, 96, 98, 99, 100, 100))
        if pattern.startswith(("超过", ">")) or "以上" in pattern:
            n = min(n, 98)  # not "超过100%"
        return n, n - rng.choice((5, 10)), 0, 0
    if kind == "count":
        lo, hi = _COUNT_RANGES.get(unit, (2, 100))
        n = rng.randint(lo, hi)
        if "余" in pattern:
            n = max(n, 20)  # "80余场", not "7余部"
        n = n // 10 * 10 if n >= 100 or "余" in pattern else n
        return n, max(1, n // 2), 0, 0
    a = rng.randint(1, 5)
    return rng.randint(2, 300), a, a + rng.randint(1, 20), rng.randint(5, 500) * 100


def _new_indicator(rng: random.Random, code: str) -> SyntheticIndicator:
    name, kind, *rest = rng.choice(_INDICATORS[code])
    unit = rest[0] if rest else ""
    form = rng.randrange(len(TARGET_FORMS[kind]))
    period = None
    if kind in ("count", "crowd", "gain") and rng.random() < 0.08:
        period = _values(rng, kind, unit, form)
    return SyntheticIndicator(code, name, kind, unit, form, _values(rng, kind, unit, form), period)


def _level2(rng: random.Random, level1: str) -> str:
    codes, weights = _LEVEL2_CHOICES[level1]
    return rng.choices(codes, weights)[0]


def _new_indicators(rng: random.Random) -> list[SyntheticIndicator]:
    n = rng.choices(_INDICATOR_COUNTS, _INDICATOR_WEIGHTS)[0]
    satisfaction = 1 if rng.random() < 0.8 else 0
    cost = 1 if rng.random() < 0.1 else 0
    effect = max(1, (n * rng.randint(15, 35) + 50) // 100)
    output = max(1, n - satisfaction - cost - effect)
    levels = ["1"] * output + ["2"] * effect + ["3"] * satisfaction + ["4"] * cost
    out: list[SyntheticIndicator] = []
    names: set[str] = set()
    for level1 in levels:
        for _ in range(4):  # distinct names within a project, where the pool allows
            indicator = _new_indicator(rng, _level2(rng, level1))
            if indicator.name not in names:
                break
        names.add(indicator.name)
        out.append(indicator)
    rng.shuffle(out)
    return out


def _evolve_indicators(
    rng: random.Random, indicators: list[SyntheticIndicator]
) -> list[SyntheticIndicator]:
    """Next year's indicators: some targets change, one may be added or dropped."""
    out = []
    for ind in indicators:
        r = rng.random()
        if r < 0.2:  # a new number
            ind = SyntheticIndicator(
                ind.code, ind.name, ind.kind, ind.unit, ind.form,
                _values(rng, ind.kind, ind.unit, ind.form), ind.period_values,
            )  # fmt: skip
        elif r < 0.25:  # reworded
            form = rng.randrange(len(TARGET_FORMS[ind.kind]))
            values = _values(rng, ind.kind, ind.unit, form)
            ind = SyntheticIndicator(ind.code, ind.name, ind.kind, ind.unit, form, values)
        out.append(ind)
    if len(out) > 3 and rng.random() < 0.1:
        out.pop(rng.randrange(len(out)))
    if len(out) < 15 and rng.random() < 0.12:
        level1 = rng.choice(("1", "1", "1", "2", "2"))
        out.insert(rng.randint(0, len(out)), _new_indicator(rng, _level2(rng, level1)))
    return out


def _goal(rng: random.Random, topic: str, city: str) -> str:
    aim, effect = rng.choice(_GOAL_AIMS), rng.choice(_GOAL_EFFECTS)
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"通过开展{topic}，{aim}，{effect}。"
    if pattern == 1:
        return f"{aim}，做好{topic}各项工作，{effect}。"
    if pattern == 2:
        return f"本项目用于{topic}，{aim}，{effect}，{rng.choice(_GOAL_EFFECTS)}。"
    n = rng.randint(2, 60)
    return f"围绕{city}中心工作，推进{topic}，{aim}；全年完成相关任务不少于{n}项，{effect}。"


def _swap_abbreviation(topic: str) -> str:
    for long, short in _ABBREVIATIONS:
        if long in topic:
            return topic.replace(long, short)
        if short in topic:
            return topic.replace(short, long)
    return topic


@dataclass(slots=True)
class _Lineage:
    """A project followed across years: what stays, and what drifts."""

    id: int
    topic: str
    kind: str  # plain, brand, it, contract, grant
    suffix: str
    city: str
    cents: int
    shares: tuple[int, int]  # per mille of the total from the special account, other funds
    rounding: int
    goal: str
    indicators: list[SyntheticIndicator]
    start: int = 0  # of the current contract
    variant: int = 0  # the brand's quote position; the period's spelling
    swapped: bool = False  # 运维 for 运行维护 (or the other way round)
    issuer: str = ""
    file_number: int = 0
    tag: str = ""

    def name(self, year: int, unit: str) -> str:
        topic = _swap_abbreviation(self.topic) if self.swapped else self.topic
        if self.kind == "brand":
            return f"“{topic}计划”项目经费" if self.variant == 0 else f"“{topic}”计划项目经费"
        if self.kind == "it":
            s = self.start
            period = f"{s}-{s + 1}年" if self.variant == 0 else f"{s}年-{s + 1}年"
            tag = self.tag.format(year=year)
            return f"{unit}{period}{topic}项目{tag}"
        if self.kind == "contract":
            return f"{topic}项目（{self.start}-{self.start + 2}年）"
        if self.kind == "grant":
            return f"{year}年{topic}补助资金（{self.issuer}〔{year - 1}〕{self.file_number}号）"
        if topic.endswith("工作") and self.suffix.startswith("工作"):
            return f"{topic}{self.suffix[2:]}"  # not "党建工作工作经费"
        return f"{topic}{self.suffix}"

    def project(self, year: int, unit: str) -> SyntheticProject:
        special = self.cents * self.shares[0] // 1000
        other = self.cents * self.shares[1] // 1000
        return SyntheticProject(
            self.id, self.name(year, unit), self.cents - special - other, special, other,
            self.goal, tuple(self.indicators),
        )  # fmt: skip


# First-year totals in hundredths of 万元: 2–10, 10–100, 100–500, 500–3,000 万元 (integers
# only, so that no floating-point library can make two machines differ).
_AMOUNT_RANGES = ((200, 1_000), (1_000, 10_000), (10_000, 50_000), (50_000, 300_000))


def _amount(rng: random.Random) -> tuple[int, int]:
    """A first-year total (hundredths of 万元) and the rounding it keeps."""
    lo, hi = rng.choices(_AMOUNT_RANGES, (25, 40, 25, 10))[0]
    cents = rng.randint(lo, hi) * (10 if rng.random() < 0.03 else 1)
    rounding = rng.choices((100, 10, 1), (55, 15, 30))[0]
    return max(rounding, cents // rounding * rounding), rounding


def _shares(rng: random.Random, special_unit: bool) -> tuple[int, int]:
    if special_unit:
        return rng.choices(((0, 0), (1000, 0), (600, 0), (500, 0), (400, 100)), (4, 2, 2, 1, 1))[0]
    return rng.choices(((0, 0), (0, 1000), (0, 300), (200, 0), (300, 200)), (85, 4, 5, 3, 3))[0]


@dataclass(slots=True)
class _UnitState:
    name: str
    special: bool
    topics: list[str]  # not yet used, in the order they will be
    used: list[str] = field(default_factory=list)
    live: list[_Lineage] = field(default_factory=list)
    has_it: bool = False


class _Department:
    """The evolving state of one department's projects, year by year."""

    def __init__(self, plan: DepartmentPlan) -> None:
        self.plan = plan
        self.rng = random.Random(f"jixiao-synthetic:{plan.seed}:{plan.index}:{plan.slug}")
        self.brands = list(_BRANDS[plan.domain])
        self.rng.shuffle(self.brands)
        self.next_id = 1
        pool = _GENERIC_TOPICS + _DOMAIN_TOPICS[plan.domain]
        self.units = [
            _UnitState(
                u.name,
                any(k in u.name for k in _SPECIAL_ACCOUNT_UNITS),
                self.rng.sample(pool, len(pool)),
            )
            for u in plan.units
        ]

    def topic(self, unit: _UnitState) -> str:
        if unit.topics:
            topic = unit.topics.pop()
        else:  # every topic used: qualify one, unlike any used before
            for _ in range(20):
                topic = self.rng.choice(_QUALIFIERS) + self.rng.choice(unit.used)
                if all(compare_names(topic, old)[1] < 0.7 for old in unit.used):
                    break
        unit.used.append(topic)
        return topic

    def new_lineage(self, unit: _UnitState, year: int) -> _Lineage:
        rng = self.rng
        cents, rounding = _amount(rng)
        r = rng.random()
        kind = "plain"
        if r < 0.05 and self.brands:
            kind, topic = "brand", self.brands.pop()
        elif r < 0.17 and not unit.has_it:
            kind, topic, unit.has_it = "it", _IT_TOPIC, True
        else:
            topic = self.topic(unit)
            kind = "contract" if r < 0.23 else "grant" if r < 0.28 else "plain"
        lineage = _Lineage(
            self.next_id, topic, kind, rng.choice(_SUFFIXES), self.plan.city, cents,
            _shares(rng, unit.special), rounding, _goal(rng, topic, self.plan.city),
            _new_indicators(rng), start=year - rng.randint(0, 1), variant=rng.randint(0, 1),
            issuer=rng.choice(_FILE_ISSUERS), file_number=rng.randint(10, 400),
            tag=rng.choice(("（{year}）", "({year})", "")),
        )  # fmt: skip
        self.next_id += 1
        return lineage

    def evolve(self, lineage: _Lineage, year: int, unit: str) -> None:
        """The lineage one year on: amounts drift ±20 %, targets change, names may change."""
        rng = self.rng
        cents = lineage.cents * rng.randint(800, 1200) // 1000
        lineage.cents = max(lineage.rounding, cents // lineage.rounding * lineage.rounding)
        length = {"it": 2, "contract": 3}.get(lineage.kind)
        if length is not None and year - lineage.start >= length:
            lineage.start = year  # a new contract
        lineage.file_number = rng.randint(10, 400)
        if rng.random() < 0.15:
            lineage.goal = _goal(rng, lineage.topic, lineage.city)
        lineage.indicators = _evolve_indicators(rng, lineage.indicators)
        if rng.random() < 0.1:
            self.rename(lineage, year, unit)

    def rename(self, lineage: _Lineage, year: int, unit: str) -> None:
        """A change of name the series linker should see through (else none)."""
        before = lineage.name(year, unit)
        if lineage.kind == "brand":
            lineage.variant = 1 - lineage.variant
        elif _swap_abbreviation(lineage.topic) != lineage.topic:
            lineage.swapped = not lineage.swapped
        elif lineage.kind == "plain":
            old = lineage.suffix
            lineage.suffix = self.rng.choice([s for s in _SUFFIX_ALTERNATIVES if s != old])
            if compare_names(before, lineage.name(year, unit))[1] < 0.75:
                lineage.suffix = old

    def tables(self) -> Iterator[SyntheticTable]:
        plan, rng = self.plan, self.rng
        for i, year in enumerate(plan.years):
            units = []
            for state, unit_plan in zip(self.units, plan.units, strict=True):
                live = [lineage for lineage in state.live if rng.random() < 0.85]
                for lineage in live:
                    self.evolve(lineage, year, state.name)
                want = unit_plan.projects[i]
                while len(live) > want:
                    live.pop(rng.randrange(len(live)))
                while len(live) < want:
                    live.insert(rng.randint(0, len(live)), self.new_lineage(state, year))
                state.live = live
                projects = tuple(lineage.project(year, state.name) for lineage in live)
                units.append(SyntheticUnit(state.name, projects))
            yield SyntheticTable(plan.name, year, plan.layout(year), tuple(units))


def department_tables(department: DepartmentPlan) -> Iterator[SyntheticTable]:
    """What the department's table says in each of its years, earliest first."""
    return _Department(department).tables()


# --- rendering -----------------------------------------------------------------------------------

_TITLES = (
    "项目支出绩效目标表（含转移支付项目）",
    "项目支出绩效目标表",
    "{year}年项目支出绩效目标表",
)


def _amount_cell(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}" if cents else ""


def _spaced(cell: str) -> str:
    """An amount as some PDF extractions leave it: ``2, 501. 00``."""
    return cell.replace(",", ", ").replace(".", ". ")


def _labelled_cell(
    indicators: Sequence[SyntheticIndicator], numbers: Sequence[int], rng: random.Random
) -> str:
    parts = []
    for number, ind in zip(numbers, indicators, strict=True):
        level1 = _LEVEL1[ind.code[0]]
        style = rng.random()
        if style < 0.6:
            parts.append(f"{number}、{level1}：{ind.name}，年度指标值：{ind.target()}。")
        elif style < 0.85:
            parts.append(f"{number}、{level1}:{ind.name},年度指标值:{ind.target()}。")
        else:
            parts.append(f"{number}、{level1}: {ind.name}, 年度指标值: {ind.target()}。")
    return "".join(parts)


def _coded_cell(
    indicators: Sequence[SyntheticIndicator], numbers: Sequence[int], colon: str
) -> str:
    parts = []
    for number, ind in zip(numbers, indicators, strict=True):
        level1, code = ind.code[0], ind.code
        parts.append(
            f"{number}、{level1}-{_LEVEL1[level1]}；{code}-{_LEVEL2[code]}；{ind.name}；"
            f"实施周期指标值{colon}{ind.target(period=True)}；年度指标值{colon}{ind.target()}。"
        )
    return "".join(parts)


def _amounts(cents: Sequence[int]) -> list[str]:
    return [_amount_cell(c) for c in cents]


@dataclass(frozen=True, slots=True)
class _Style:
    """How one file was extracted: what varies between the seeds' PDFs."""

    tagged: float  # share of project rows whose text cells came out in <p> tags
    colon: str  # after 指标值 in the coded layout

    @classmethod
    def draw(cls, rng: random.Random) -> _Style:
        return cls(rng.choice((0.0, 0.0, 0.2, 0.5)), ":" if rng.random() < 0.85 else "：")


def _preamble(table: SyntheticTable, rng: random.Random) -> list[str]:
    heading = "## " if rng.random() < 0.4 else ""
    title = rng.choice(_TITLES).format(year=table.year)
    name = rng.choice(("项目名称（资金使用单位）", "项目名称(资金使用单位)"))
    special = "财政专户管理资金" if rng.random() < 0.1 else "财政专户拨款"
    header = "\t".join((name, "总计", "财政拨款", special, "其他资金", "绩效目标", "绩效指标"))
    return [
        "",
        "",
        heading + title,
        "",
        f"部门名称：{table.department}",
        "",
        "单位：万元",
        "",
        header,
    ]


def _project_row(
    project: SyntheticProject, layout: str, style: _Style, rng: random.Random
) -> tuple[str, int]:
    """The row of one project, and its triples."""
    indicators = project.indicators
    if layout == "coded":
        indicators = tuple(sorted(indicators, key=lambda i: i.code))
    numbers = list(range(1, len(indicators) + 1))
    if len(numbers) > 4 and rng.random() < 0.02:  # numbering restarts, as in the seeds
        restart = rng.randint(2, len(numbers) - 1)
        numbers[restart:] = range(1, len(numbers) - restart + 1)
    if layout == "coded":
        cell = _coded_cell(indicators, numbers, style.colon)
    else:
        cell = _labelled_cell(indicators, numbers, rng)
    cents = (project.total, project.fiscal, project.special_account, project.other)
    cells = [project.name, *_amounts(cents), project.goal, cell]
    if rng.random() < style.tagged:
        cells[5:] = [f"<p>{cells[5]}</p>", f"<p>{cells[6]}</p>"]
        if layout == "labelled" and rng.random() < 0.5:  # the name and amounts too, spaced
            cells[0] = f"<p>{cells[0]}</p>"
            cells[1:5] = [f"<p>{_spaced(c)}</p>" if c else "" for c in cells[1:5]]
    triples = _PROJECT_TRIPLES + sum(i.triples(layout) for i in indicators)
    return "\t".join(cells), triples


def render_table(table: SyntheticTable, rng: random.Random) -> tuple[bytes, int]:
    """The source file of ``table`` and the number of triples map_table gives for it."""
    newline = "\r\n" if rng.random() < 0.05 else "\n"
    style = _Style.draw(rng)
    lines = _preamble(table, rng)
    columns = ("fiscal", "special_account", "other")
    unit_sums = [[sum(getattr(p, k) for p in u.projects) for k in columns] for u in table.units]
    totals = [sum(column) for column in zip(*unit_sums, strict=True)]
    lines.append("\t".join(["合计", _amount_cell(sum(totals)), *_amounts(totals), "", ""]))
    triples = _DOCUMENT_TRIPLES
    for unit, sums in zip(table.units, unit_sums, strict=True):
        lines.append("\t".join([unit.name, _amount_cell(sum(sums)), *_amounts(sums), "", ""]))
        triples += _UNIT_TRIPLES
        for project in unit.projects:
            row, row_triples = _project_row(project, table.layout, style, rng)
            lines.append(row)
            triples += row_triples
            if rng.random() < 0.12:  # blank lines between rows: extraction noise
                lines.append("")
    text = newline.join(lines) + newline
    encoding = rng.choices(("utf-8", "utf-8-sig", "gb18030"), (92, 4, 4))[0]
    return text.encode(encoding), triples


# --- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One written source table."""

    path: Path
    department: str
    year: int
    layout: str
    projects: int
    indicators: int
    triples: int  # what map_table gives for it, counted while writing


def write_corpus(plan: CorpusPlan, out_dir: Path) -> list[CorpusFile]:
    """Write every table of ``plan`` as ``{department slug}-{year}.txt``, and ``manifest.json``.

    One department is held in memory at a time.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[CorpusFile] = []
    for department in plan.departments:
        rng = random.Random(f"jixiao-synthetic-text:{plan.seed}:{department.index}")
        for table in department_tables(department):
            data, triples = render_table(table, rng)
            path = out_dir / f"{department.slug}-{table.year}.txt"
            path.write_bytes(data)
            projects = table.projects
            indicators = sum(len(p.indicators) for p in projects)
            file = CorpusFile(
                path, table.department, table.year, table.layout, len(projects), indicators,
                triples,
            )  # fmt: skip
            files.append(file)
    manifest = {
        "seed": plan.seed,
        "triples": sum(f.triples for f in files),
        "files": [
            {
                "file": f.path.name,
                "department": f.department,
                "year": f.year,
                "layout": f.layout,
                "projects": f.projects,
                "indicators": f.indicators,
                "triples": f.triples,
            }
            for f in files
        ],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (out_dir / "manifest.json").write_text(text, encoding="utf-8")
    return files


def generate_corpus(out_dir: Path, *, triples: int, seed: int = 0) -> list[CorpusFile]:
    """Plan and write a corpus of about ``triples`` mapped triples (see :func:`plan_corpus`)."""
    return write_corpus(plan_corpus(triples, seed=seed), out_dir)


def summary(files: Sequence[CorpusFile]) -> str:
    """One line: files, departments, years, projects, indicators, triples."""
    years = sorted({f.year for f in files})
    span = f"{years[0]}–{years[-1]}" if years else "none"
    return (
        f"{len(files)} files, {len({f.department for f in files})} departments, "
        f"{len(years)} budget years ({span}), {sum(f.projects for f in files):,} projects, "
        f"{sum(f.indicators for f in files):,} indicators, "
        f"~{sum(f.triples for f in files):,} triples"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jixiao.ingest.synthetic",
        description="Write a deterministic synthetic corpus of 项目支出绩效目标表 source tables.",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="directory to write into")
    parser.add_argument(
        "--triples", type=int, required=True, help="about how many mapped triples to produce"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.triples <= 0:
        parser.error("--triples must be positive")
    started = time.perf_counter()
    files = generate_corpus(args.out_dir, triples=args.triples, seed=args.seed)
    elapsed = time.perf_counter() - started
    print(f"wrote {summary(files)} to {args.out_dir} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
