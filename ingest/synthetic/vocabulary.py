"""The word pools the synthetic corpus (:mod:`.synthetic`) builds its tables from.

Guangdong's cities and Guangzhou's districts and the agencies that make their departments; the
funding units below a department; project topics, programme brands, name suffixes and the other
words a project's name is made of, and the words that may change in it between years; the
phrases of a performance goal; the two levels of indicator categories with the indicators of
each; and :data:`TARGET_FORMS`, the ways a target value is written. Plain data: nothing here
draws a random number.
"""

from __future__ import annotations

__all__ = [
    "ABBREVIATIONS",
    "AGENCIES",
    "BRANDS",
    "CITIES",
    "COUNT_RANGES",
    "DISTRICTS",
    "DOMAIN_TOPICS",
    "DOMAIN_UNITS",
    "FILE_ISSUERS",
    "GENERIC_TOPICS",
    "GENERIC_UNITS",
    "GOAL_AIMS",
    "GOAL_EFFECTS",
    "INDICATORS",
    "IT_TOPIC",
    "LEVEL1",
    "LEVEL2",
    "LEVEL2_CHOICES",
    "QUALIFIERS",
    "SPECIAL_ACCOUNT_UNITS",
    "SUFFIXES",
    "SUFFIX_ALTERNATIVES",
    "TARGET_FORMS",
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _records(text: str) -> tuple[tuple[str, ...], ...]:
    """``a/b/c d/e/f`` → ``(("a", "b", "c"), ("d", "e", "f"))``."""
    return tuple(tuple(word.split("/")) for word in text.split())


# (name, ASCII slug) of Guangdong's prefecture-level cities, and of Guangzhou's districts.
CITIES = _records(
    """广州市/gz 深圳市/sz 珠海市/zh 汕头市/st 佛山市/fs 韶关市/sg 湛江市/zj 肇庆市/zq 江门市/jm
    茂名市/mm 惠州市/hz 梅州市/mz 汕尾市/sw 河源市/hy 阳江市/yj 清远市/qy 东莞市/dg 中山市/zs
    潮州市/cz 揭阳市/jy 云浮市/yf"""
)
DISTRICTS = _records(
    """越秀区/yuexiu 海珠区/haizhu 荔湾区/liwan 天河区/tianhe 白云区/baiyun 黄埔区/huangpu
    番禺区/panyu 花都区/huadu 南沙区/nansha 从化区/conghua 增城区/zengcheng"""
)
# name/short name/slug/domain/levels ("c" a city's agency, "d" a district's)
AGENCIES = _records(
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
GENERIC_UNITS = _words(
    "{c}{s}信息中心 {c}{s}事务中心 {c}{s}发展研究中心 {c}{s}宣传教育中心 {c}{s}服务中心 "
    "{c}{s}综合保障中心 {c}{s}档案室"
)
DOMAIN_UNITS = {
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
SPECIAL_ACCOUNT_UNITS = _words("学院 中学 医院 学校 保健院")

# Project topics: no digits and no Chinese numerals, and no two alike enough for the series
# linker to take one for the other (tests/ingest/test_synthetic.py checks).
GENERIC_TOPICS = _words(
    """机构运行辅助 档案整理及财务咨询服务 办公楼维修改造 物业管理服务 机关党建工作 法律顾问服务
    绩效评价及审计 机关安全保卫 政务公开宣传 网站平台升级改造 政策课题研究 干部教育培训
    应急物资储备 公务用车运行维护 编外人员聘用 办公电脑更新 消防设施改造 视频会议系统运行维护
    数据中心机房运维 统计报表编制 信访接待服务 保密技术检查 志愿服务活动 对外交流合作
    专家评审论证"""
)
DOMAIN_TOPICS = {
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
BRANDS = {
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
IT_TOPIC = "信息化运维"  # the one topic named with its unit, contract period and tranche
SUFFIXES = _words("经费 经费 经费 项目 专项经费 工作经费 项目经费 资金")
# Generic words a project's suffix may change to between years, keeping the link.
SUFFIX_ALTERNATIVES = _words("经费 资金 专项经费 工作经费 项目经费 项目 专项资金")
QUALIFIERS = _words("基层 重点领域 城乡 数字化 片区 专业化")
FILE_ISSUERS = _words("粤财科教 粤财社 粤财农 粤财文 粤财工 穗财编")
ABBREVIATIONS = (("运行维护", "运维"), ("青少年", "青少"))

GOAL_AIMS = _words(
    """加强组织领导和统筹协调 完善工作机制和管理制度 整合各方资源 强化过程监管 优化服务流程
    加强专业队伍建设 提高财政资金使用效益 推动各项工作提质增效 落实上级部署要求 健全长效管理机制"""
)
GOAL_EFFECTS = _words(
    """提升公共服务水平 保障单位正常运转 促进经济社会高质量发展 增强群众获得感和满意度
    为全市高质量发展提供有力支撑 提高管理服务效能 营造良好社会氛围 确保各项任务按期完成
    保障设施设备安全稳定运行 服务粤港澳大湾区建设"""
)

LEVEL1 = {"1": "产出指标", "2": "效益指标", "3": "满意度指标", "4": "成本指标"}
LEVEL2 = {
    code: label
    for code, label in _records(
        """11/数量指标 12/质量指标 13/时效指标 14/成本指标 21/经济效益 22/社会效益 23/生态效益
        24/可持续影响 31/服务对象满意度 41/经济成本指标 42/社会成本指标 43/生态环境成本指标"""
    )
}
# level-2 code → indicator name/target kind[/unit of a count]
INDICATORS = {
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
LEVEL2_CHOICES = {
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

``{n}`` is the number, ``{a}`` and ``{b}`` the bounds of a range (``a < b``, ``a < n``), ``{m}`` a
count spelled out in full, ``{u}`` the indicator's unit. The added triples are those
:func:`~jixiao.ingest.targets.parse_target` gives: comparator, number (or lower and upper bound),
unit.
"""

COUNT_RANGES = {"人": (20, 2000), "人次": (200, 20000), "场": (2, 120), "期": (2, 12),
                 "次": (2, 300)}  # fmt: skip
