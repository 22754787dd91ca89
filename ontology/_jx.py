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

    BudgetDocument: URIRef
    """Budget document. One published performance-target table of project expenditure
    (项目支出绩效目标表) of one department for one budget year. Its amounts are those of the
    table's total row (合计); it prov:wasDerivedFrom the jx:SourceFile it was read from."""

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

    MatchMethod: URIRef
    """Match method. How a cross-year link (a project's place in a series, or an indicator's
    continuity) was made. The individuals are jx:exactName, jx:normalizedName, jx:similarName
    and jx:curatedOverride."""

    Project: URIRef
    """Project. One project row of one budget document: one project of one funding unit in one
    budget year, with its amounts, its performance goal and its indicators. Its name is its
    rdfs:label."""

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

    fundingUnit: URIRef
    """Funding unit. The funding unit (资金使用单位) a project or a unit subtotal row belongs to."""

    hasIndicator: URIRef
    """Has indicator. A performance indicator of the project."""

    inComparison: URIRef
    """In comparison. The series comparison (series and two budget years) a target change belongs
    to."""

    laterIndicator: URIRef
    """Later indicator. The indicator of the later budget year in a target change; absent for a
    removed indicator."""

    laterSeriesYear: URIRef
    """Later series year. The series year of the later budget year of a series comparison."""

    level1: URIRef
    """Level-1 category. The level-1 category (一级指标) of the indicator: a top concept of the
    indicator-category scheme, such as 产出指标 (outputs)."""

    level2: URIRef
    """Level-2 category. The level-2 category (二级指标) of the indicator: a concept of the
    indicator-category scheme narrower than its level-1 category, such as 数量指标 (quantity).
    Absent where the document does not state it."""

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
    budget document (its total row, 合计); the super-property of jx:amountTotal,
    jx:amountFiscal, jx:amountSpecialAccount and jx:amountOther. An empty cell is 0."""

    amountChange: URIRef
    """Amount change. The later year's total amount of the series minus the earlier year's
    (万元)."""

    amountChangePercent: URIRef
    """Amount change percent. The amount change in percent of the earlier year's total, to one
    decimal place; absent when that total is 0."""

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

    earlierYear: URIRef
    """Earlier year. The earlier of the two budget years compared."""

    fileName: URIRef
    """File name. The name of the source file (without directories) the document was read from."""

    goal: URIRef
    """Performance goal. The project's performance goal (绩效目标) as written, cleaned of
    extraction artefacts, tagged @zh."""

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

    position: URIRef
    """Position. The indicator's 1-based position within its project, counted in the order the
    table lists them."""

    projectCount: URIRef
    """Project count. How many projects the series has that year, counting those with an amount."""

    projectNames: URIRef
    """Project names. The distinct names of the series' projects that year that have an amount,
    in row order, separated by " / "."""

    rawValue: URIRef
    """Value as written. The target value as written, cleaned of extraction artefacts, e.g.
    "不少于1000次"."""

    rowNumber: URIRef
    """Row number. The project's 1-based position among the project rows of its document (total
    and unit subtotal rows are not counted)."""

    seriesAmount: URIRef
    """Series amount. The total amount (万元) of the series' projects that year."""

    sha256: URIRef
    """SHA-256 digest. The SHA-256 digest of the source file's bytes, as 64 lower-case
    hexadecimal digits."""

    sourceLine: URIRef
    """Source line. The 1-based line number, in the source file, of the row a project, a unit
    budget or a budget document (its total row, 合计) was read from."""

    unitText: URIRef
    """Unit as written. The unit as written after the number, e.g. "人次", "%", "小时", "万人次",
    "亿元"."""

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
