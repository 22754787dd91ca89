"""Python namespace of the jx: vocabulary.

Generated from jixiao.ttl by ``python -m jixiao.ontology.generate``; do not edit.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class JX(DefinedNamespace):
    """
    Jixiao: performance targets of public project expenditure

    Vocabulary for the performance-target tables of project expenditure (项目支出绩效目标表) that
    Chinese departments publish with their annual budgets: the documents, departments and funding
    units, the projects with their amounts, the performance indicators with their categories and
    targets, and the cross-year links that follow a project and its indicators from one budget year
    to the next. Indicator categories are SKOS concepts of the scheme
    <https://w3id.org/jixiao/indicator-category>.
    """

    _fail = True
    _NS = Namespace("https://w3id.org/jixiao/ontology#")

    # owl:Class

    ActualValue: URIRef
    """Actual value. What an indicator actually reached in the budget year (全年完成值), as
    written (jx:rawValue) and as read (jx:numericValue, jx:unitText, jx:percentReading), to be
    set beside its target: whether the target was met is the canned query 16-target-met.rq."""

    BudgetDocument: URIRef
    """Budget document. One published performance-target table of project expenditure
    (项目支出绩效目标表) of one department for one budget year. Its amounts are those of the
    table's total row (合计); it prov:wasDerivedFrom the jx:SourceFile it was read from.
    Tables in the other national layouts are typed with a subclass as well:
    jx:DepartmentTargetTable, jx:ProjectApplication, jx:SelfEvaluation."""

    ChangeKind: URIRef
    """Change kind. How something changed from one budget year to a later one. For an annual
    target: jx:increased, jx:decreased, jx:unchanged, jx:reworded, jx:added or jx:removed; for
    a project: jx:new or jx:discontinued."""

    Comparator: URIRef
    """Comparator. The kind of comparison a target makes with its number, such as 'at least'
    (不少于) or 'within' (以内). The individuals are jx:atLeast, jx:atMost, jx:moreThan,
    jx:lessThan, jx:exactly, jx:about and jx:between; each has a skos:notation symbol."""

    Department: URIRef
    """Department. A government department (部门) that publishes a budget and its
    performance-target table. Its name is its rdfs:label."""

    DepartmentTargetTable: URIRef
    """Department-level target table. A budget document in the layout of the
    部门整体预算绩效目标表: the targets of a department as a whole for one budget year, not
    per project. Its budget figures (基本信息, 部门预算支出, 收入来源 …) are jx:field entries,
    its overall goal (总体绩效目标) is its jx:goal, its key tasks (年度重点工作任务)
    jx:keyTask, and its indicators (一级/二级/三级指标, 指标值) jx:hasIndicator of the
    document itself. Typed jx:BudgetDocument as well."""

    FundingUnit: URIRef
    """Funding unit. A unit that uses funds (资金使用单位) within a department;
    org:subOrganizationOf its jx:Department. The department's own organ (机关) is a funding
    unit of its own, distinct from the department though it bears the same name."""

    Indicator: URIRef
    """Performance indicator. One performance indicator (绩效指标) of one project: its name, its
    level-1 and level-2 categories, and its annual and (where given) implementation-period
    targets."""

    IndicatorMatch: URIRef
    """Indicator match. A qualified record of an indicator's continuity (jx:continues): the later
    indicator (jx:continuityOf), the indicator of the nearest earlier year it carries on
    (jx:continuedIndicator), the method (jx:matchMethod) and the score (jx:matchScore)."""

    KeyTask: URIRef
    """Key task. One key task of the year (年度重点工作任务) of a department-level target table:
    its name (rdfs:label), what it does (jx:taskContent), the funds it is to receive
    (jx:plannedFunds, 拟投入的资金) and the result expected (jx:expectedResult)."""

    MatchMethod: URIRef
    """Match method. How a cross-year link (a project's place in a series, or an indicator's
    continuity) was made. The individuals are jx:exactName, jx:normalizedName, jx:similarName
    and jx:curatedOverride."""

    Project: URIRef
    """Project. One project row of one budget document: one project of one funding unit in one
    budget year, with its amounts, its performance goal and its indicators. Its name is its
    rdfs:label."""

    ProjectApplication: URIRef
    """Project application form. A budget document in the layout of a project application form
    (项目申报表, 项目绩效目标申报表): one project, its funding sources (资金来源) and
    expenditure details (支出明细) as jx:field entries, its overall goal (项目绩效总目标) and
    its indicators (一级/二级指标, 指标内容, 指标值, 备注). Typed jx:BudgetDocument as well;
    its one jx:Project has no unit subtotal row."""

    ProjectSeries: URIRef
    """Project series. One project followed across budget years: its members are the jx:Project
    rows, of one funding unit, that are the same project in different budget years."""

    ProjectStatusChange: URIRef
    """Project status change. A project new in a later budget year, or discontinued after an
    earlier one, for a department that published a table in both years (a cross-year fact,
    computed when the series are linked): the project (jx:changedProject), the two years
    (jx:earlierYear, jx:laterYear) and jx:changeKind jx:new (the project is of the later year
    and its series has no project in the earlier year) or jx:discontinued (the project is of
    the earlier year and its series has none in the later year)."""

    SelfEvaluation: URIRef
    """Project self-evaluation. A budget document in the layout of a project self-evaluation
    (项目支出绩效自评表), written after the budget year: one project with its budget
    (jx:amountTotal, 全年预算数) and what was spent (jx:amountExecuted, 全年执行数), its goal
    and what was achieved (jx:goalOutcome), and per indicator the target (指标性质, 指标值,
    计量单位), its weight (jx:weight), the actual value (jx:actualValue, 全年完成值) and the
    scoring rule (jx:evaluationStandard). Typed jx:BudgetDocument as well."""

    SeriesComparison: URIRef
    """Series comparison. A project series compared between two budget years in both of which it
    has projects (a cross-year fact, computed when the series are linked): the series
    (jx:aboutSeries), the years (jx:earlierYear, jx:laterYear), the series-years compared
    (jx:earlierSeriesYear, jx:laterSeriesYear), the change of the total amount
    (jx:amountChange) and that change in percent of the earlier amount
    (jx:amountChangePercent). Its target changes point to it with jx:inComparison."""

    SeriesMatch: URIRef
    """Series match. A qualified record of how a project was placed in a series: the later
    project (jx:matchOf), the earlier project it was matched to (jx:matchedProject), the
    method (jx:matchMethod) and the score (jx:matchScore)."""

    SeriesYear: URIRef
    """Series year. A project series in one budget year in which it has projects (a cross-year
    fact, computed when the series are linked): the series (jx:aboutSeries), the year
    (jx:inYear) and, over its projects of that year that have an amount, their number
    (jx:projectCount), their distinct names in row order (jx:projectNames) and their total
    amount (jx:seriesAmount)."""

    SourceFile: URIRef
    """Source file. The file a budget document was read from, identified by its name and SHA-256
    digest. A jx:BudgetDocument prov:wasDerivedFrom its source file."""

    TableField: URIRef
    """Table field. One labelled entry of a table that has no term of its own: a budget figure
    (基本支出 10891.615675), a funding-source or expenditure line
    (1.一般公共预算财政拨款收入), a contact, a text block (项目申请理由), or an empty category
    row (成本指标 with no indicator, which is not an indicator). Its label is the label as
    written (rdfs:label), its section the heading it stands under (jx:section), its value as
    written (jx:valueText; what the file stores for a formula cell), and as an amount in 万元
    where it is one (jx:amount)."""

    Target: URIRef
    """Target value. One target value of an indicator, as written (jx:rawValue) and as parsed: a
    comparator, a number or a range, and a unit."""

    TargetChange: URIRef
    """Target change. In a series comparison (jx:inComparison), one indicator compared between
    the two years (a cross-year fact, computed when the series are linked): an indicator of
    the later year (jx:laterIndicator) and the indicator of the earlier year it carries on,
    following jx:continues through any years between (jx:earlierIndicator), with how the
    annual target changed (jx:changeKind: jx:increased, jx:decreased, jx:unchanged or
    jx:reworded); or an indicator of the later year that carries on none of the earlier year
    (jx:added, no jx:earlierIndicator); or one of the earlier year that no indicator of the
    later year carries on (jx:removed, no jx:laterIndicator). Only indicators with an annual
    target on each side they have are compared."""

    UnitBudget: URIRef
    """Unit budget. A funding unit's subtotal row in one budget document: the unit's amounts for
    that budget year."""

    # owl:ObjectProperty

    aboutSeries: URIRef
    """About series. The project series a series year or a series comparison is about."""

    actualValue: URIRef
    """Actual value. What the indicator actually reached in the budget year (全年完成值), given
    by a self-evaluation."""

    annualTarget: URIRef
    """Annual target. The indicator's target for the budget year (年度指标值)."""

    changeKind: URIRef
    """Change kind. How the annual target (of a target change) or the project (of a project
    status change) changed."""

    changedProject: URIRef
    """Changed project. The project that is new in the later year, or discontinued after the
    earlier year."""

    comparator: URIRef
    """Comparator. The kind of comparison the target makes with its number or range."""

    continuedIndicator: URIRef
    """Continued indicator. The indicator of the nearest earlier year that the later indicator
    (jx:continuityOf) carries on."""

    continues: URIRef
    """Continues. The indicator of the nearest earlier budget year, in the same project series,
    that this indicator carries on. Absent when there is none."""

    continuityOf: URIRef
    """Continuity of. The later indicator whose continuity this indicator match records."""

    department: URIRef
    """Department. The department a budget document belongs to (部门名称)."""

    document: URIRef
    """Document. The budget document a project row or a unit subtotal row was read from."""

    earlierIndicator: URIRef
    """Earlier indicator. The indicator of the earlier budget year in a target change; absent for
    an added indicator."""

    earlierSeriesYear: URIRef
    """Earlier series year. The series year of the earlier budget year of a series comparison."""

    field: URIRef
    """Table field. A labelled entry (jx:TableField) of the document or of the project, as the
    table writes it."""

    fundingUnit: URIRef
    """Funding unit. The funding unit (资金使用单位) a project or a unit subtotal row belongs to."""

    hasIndicator: URIRef
    """Has indicator. A performance indicator of the project, or of the department as a whole in
    a department-level target table (jx:DepartmentTargetTable)."""

    inComparison: URIRef
    """In comparison. The series comparison (series and two budget years) a target change belongs
    to."""

    keyTask: URIRef
    """Key task. A key task of the year (年度重点工作任务) of a department-level target table."""

    laterIndicator: URIRef
    """Later indicator. The indicator of the later budget year in a target change; absent for a
    removed indicator."""

    laterSeriesYear: URIRef
    """Later series year. The series year of the later budget year of a series comparison."""

    level1: URIRef
    """Level-1 category. The level-1 category (一级指标) of the indicator: a top concept of the
    indicator-category scheme, such as 产出指标 (outputs). Where a table names only a level-2
    category (a self-evaluation's 指标类型 "数量指标"), its broader concept. Absent where the
    category as written names no concept of the scheme (管理类指标 of a self-evaluation);
    jx:level1Text keeps what was written."""

    level2: URIRef
    """Level-2 category. The level-2 category (二级指标) of the indicator: a concept of the
    indicator-category scheme, normally narrower than its level-1 category, such as 数量指标
    (quantity). Absent where the document does not state it. A category written under another
    level-1 (质量指标 under 效益指标) is kept as written and warned
    (jxsh:Level2UnderLevel1Shape)."""

    matchMethod: URIRef
    """Match method. The method by which the match was made."""

    matchOf: URIRef
    """Match of. The later project whose placement in a series this match records."""

    matchedProject: URIRef
    """Matched project. The earlier project that the later project (jx:matchOf) was matched to."""

    periodTarget: URIRef
    """Implementation-period target. The indicator's target for the project's whole
    implementation period (实施周期指标值); only where the document gives one."""

    series: URIRef
    """Series. The project series this project row belongs to: the projects of one funding unit
    that are the same project in different budget years."""

    seriesMember: URIRef
    """Series member. A project row that belongs to the series; the inverse of jx:series."""

    seriesUnit: URIRef
    """Series funding unit. The funding unit whose projects the series follows (a cross-year
    fact)."""

    target: URIRef
    """Target. A target value of the indicator; the super-property of jx:annualTarget and
    jx:periodTarget."""

    # owl:DatatypeProperty

    amount: URIRef
    """Amount. An amount of money in 万元 (ten thousand yuan) of a project, a unit budget or a
    budget document (its total row, 合计), or the amount of a table field (jx:TableField, e.g.
    基本支出 or a 资金来源 line); the super-property of jx:amountTotal, jx:amountFiscal,
    jx:amountSpecialAccount, jx:amountOther, jx:amountExecuted and jx:plannedFunds. An empty
    cell of the 项目支出绩效目标表 is 0; an empty field of the other layouts has no amount."""

    amountChange: URIRef
    """Amount change. The later year's total amount of the series minus the earlier year's
    (万元)."""

    amountChangePercent: URIRef
    """Amount change percent. The amount change in percent of the earlier year's total, to one
    decimal place; absent when that total is 0."""

    amountExecuted: URIRef
    """Executed amount. What a project actually spent in the budget year (全年执行数) in 万元,
    given by a self-evaluation beside its budget (jx:amountTotal, 全年预算数)."""

    amountFiscal: URIRef
    """Fiscal appropriation. The amount from fiscal appropriations (财政拨款) in 万元. An empty
    cell is 0."""

    amountOther: URIRef
    """Other funds. The amount from other funds (其他资金) in 万元. An empty cell is 0."""

    amountSpecialAccount: URIRef
    """Special fiscal account appropriation. The amount appropriated from special fiscal accounts
    (财政专户拨款) in 万元. An empty cell is 0."""

    amountTotal: URIRef
    """Total amount. The total amount (总计) in 万元. An empty cell is 0."""

    amountUnitText: URIRef
    """Amount unit as written. The unit line of the table as written, e.g. "万元" from
    单位：万元."""

    budgetYear: URIRef
    """Budget year. The budget year of a budget document or of a project row, e.g. 2023."""

    comparatorText: URIRef
    """Comparator as written. The comparator as written in a column of its own (指标性质): "≥",
    "≤", ">", "<", "=", or "无" (none, for a target in words). jx:comparator is read from it."""

    earlierYear: URIRef
    """Earlier year. The earlier of the two budget years compared."""

    evaluationStandard: URIRef
    """Evaluation standard. How the self-evaluation scores the indicator (评价标准), as written,
    tagged @zh."""

    expectedResult: URIRef
    """Expected result. The result a key task is expected to reach (期望达到的目标), as written,
    tagged @zh."""

    fileName: URIRef
    """File name. The name of the source file (without directories) the document was read from."""

    goal: URIRef
    """Performance goal. The project's performance goal (绩效目标, 项目绩效总目标, 全年绩效目标)
    as written, cleaned of extraction artefacts, tagged @zh; of a department-level target
    table (jx:DepartmentTargetTable), the department's overall goal (总体绩效目标)."""

    goalOutcome: URIRef
    """Goal outcome. What the project actually achieved against its goal in the budget year
    (全年目标实际完成情况), as written, tagged @zh."""

    inYear: URIRef
    """In year. The budget year of a series year."""

    indicatorName: URIRef
    """Indicator name. The indicator's name as written, cleaned of extraction artefacts."""

    laterYear: URIRef
    """Later year. The later of the two budget years compared."""

    level1Text: URIRef
    """Level-1 category as written. The level-1 category as written in the table, e.g. "产出指标"
    or "1-产出指标"."""

    level2Text: URIRef
    """Level-2 category as written. The level-2 category as written in the table, e.g. "社会效益"
    or "22-社会效益"."""

    matchScore: URIRef
    """Match score. How closely the matched projects (or indicators) agree, from 0 (not at all)
    to 1 (identical)."""

    maxValue: URIRef
    """Upper bound. The upper bound of a jx:between range, e.g. 24 for "2-24小时"."""

    minValue: URIRef
    """Lower bound. The lower bound of a jx:between range, e.g. 2 for "2-24小时"."""

    numericValue: URIRef
    """Numeric value. The number of the target as written, with Chinese numerals read (一 = 1)
    and without scaling by the unit (1.5 for "1.5万册"). Absent when the value is not a single
    quantity."""

    percentReading: URIRef
    """Reading as a percentage. A rate that a spreadsheet stored as a fraction (1 for 100 %, 0.95
    for 95 %), read as a percentage: stated when the value is a bare number above 0 and at
    most 1 and the indicator's name ends in 率 or 满意度, its category is a satisfaction one,
    or the unit column says %. jx:rawValue and jx:numericValue keep the number as written; the
    reading is warned (jxsh:FractionRateShape), never put in their place."""

    plannedFunds: URIRef
    """Planned funds. The funds a key task is to receive (拟投入的资金) in 万元; absent where the
    cell is empty."""

    position: URIRef
    """Position. The indicator's 1-based position within its project (or within a
    department-level target table), counted in the order the table lists them; of a key task,
    its position among the key tasks."""

    projectCount: URIRef
    """Project count. How many projects the series has that year, counting those with an amount."""

    projectNames: URIRef
    """Project names. The distinct names of the series' projects that year that have an amount,
    in row order, separated by " / "."""

    rawValue: URIRef
    """Value as written. The target value (or the actual value, jx:ActualValue) as written,
    cleaned of extraction artefacts, e.g. "不少于1000次"; a number cell of a spreadsheet as
    its number (float noise rounded to six decimals: 82800.92 for 82800.920000000001)."""

    remark: URIRef
    """Remark. The indicator's remark (备注) as written; absent where the cell is empty."""

    rowNumber: URIRef
    """Row number. The project's 1-based position among the project rows of its document (total
    and unit subtotal rows are not counted)."""

    section: URIRef
    """Section. The heading a table field stands under, as written, e.g. "部门预算支出",
    "收入来源", "项目资金来源", "项目支出明细", "绩效指标"."""

    seriesAmount: URIRef
    """Series amount. The total amount (万元) of the series' projects that year."""

    sha256: URIRef
    """SHA-256 digest. The SHA-256 digest of the source file's bytes, as 64 lower-case
    hexadecimal digits."""

    sourceLine: URIRef
    """Source line. The 1-based line number, in the source file, of the row a project, a unit
    budget or a budget document (its total row, 合计) was read from; in a spreadsheet, the row
    number in its sheet (jx:sourceSheet), also of an indicator, a key task or a table field."""

    sourceSheet: URIRef
    """Source sheet. The name of the spreadsheet sheet a document was read from; jx:sourceLine
    numbers rows within it."""

    taskContent: URIRef
    """Task content. What a key task does (主要实施内容), as written, tagged @zh."""

    unitColumnText: URIRef
    """Unit column as written. The unit as written in a column of its own (计量单位), e.g. "个",
    "%", or "无" (none). It is the unit of the target and of the actual value; jx:unitText is
    read from it."""

    unitText: URIRef
    """Unit as written. The unit as written after the number, e.g. "人次", "%", "小时", "万人次",
    "亿元"; where the layout gives the unit in a column of its own (计量单位), that column's
    unit (none for "无")."""

    valueText: URIRef
    """Value as written. A table field's value as written (a number cell as its number, float
    noise rounded to six decimals); absent where the cell is empty."""

    weight: URIRef
    """Weight. The indicator's weight in the self-evaluation's score (指标权重), in points out of
    100."""

    writtenNumber: URIRef
    """Written number. The number the table printed before the indicator (e.g. 3 for "3、"). It
    may restart or skip, unlike jx:position."""

    yearCount: URIRef
    """Year count. How many budget years the series has projects in; it recurs when more than one
    (a cross-year fact)."""

    # owl:NamedIndividual

    about: URIRef
    """About. The quantity is approximately the number. Written 约, 左右."""

    added: URIRef
    """Added. An indicator of the later year that carries on none of the earlier year."""

    atLeast: URIRef
    """At least. The quantity is at least the number. Written ≥, 不少于, 不低于, 以上, 及以上,
    达到…以上."""

    atMost: URIRef
    """At most. The quantity is at most the number. Written ≤, 以内, 内, 不超过, 不高于."""

    between: URIRef
    """Between. The quantity lies in a range, e.g. "2-24小时" or "3-5天内"; the bounds are
    jx:minValue and jx:maxValue."""

    curatedOverride: URIRef
    """Curated override. The link was set by a curated list, overriding the automatic methods."""

    decreased: URIRef
    """Decreased. Both targets are numbers with the same comparator and unit, and the later is
    smaller."""

    discontinued: URIRef
    """Discontinued. A project of the earlier year whose series has no project in the later year."""

    exactName: URIRef
    """Exact name. The names are identical as written."""

    exactly: URIRef
    """Exactly. The quantity is the number itself: a bare number with no comparison word, e.g.
    "100%" or "12期"."""

    increased: URIRef
    """Increased. Both targets are numbers with the same comparator and unit, and the later is
    larger."""

    lessThan: URIRef
    """Less than. The quantity is less than the number. Written <, 低于, 小于."""

    moreThan: URIRef
    """More than. The quantity is more than the number. Written >, 超过, 高于, 余 (as in 80余场)."""

    new: URIRef
    """New. A project of the later year whose series has no project in the earlier year."""

    normalizedName: URIRef
    """Normalized name. The names are identical after normalization, for example of character
    width, whitespace, punctuation and year markers such as "(2023)"."""

    removed: URIRef
    """Removed. An indicator of the earlier year that no indicator of the later year carries on."""

    reworded: URIRef
    """Reworded. The targets cannot be compared as numbers (a number is missing, or the
    comparator or unit differs) and are written differently."""

    similarName: URIRef
    """Similar name. The names are similar enough by a string-similarity measure; the score is
    recorded with jx:matchScore."""

    unchanged: URIRef
    """Unchanged. The targets are the same number with the same comparator and unit, or, when
    they cannot be compared as numbers, the same as written."""
