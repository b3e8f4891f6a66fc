"""Demo KPIs from seed 000: the Q4 2016/17 corporate performance tables for Children's
Services (Family Support & Child Protection; Learning and Skills), as put to the Children's
Scrutiny Panel on 9 October 2017 (agenda item 7, Appendix 1).

From the seed: references, titles, "good performance shown by", targets, Q4 figures, the
cumulative mark (KI 220), the commentary, and the comparators and earlier values the
commentary quotes (KI 397 statistical neighbour 83.6% / England 83.4%; KI 477 80.7 / 60.0;
KI 476 50.2% / 49%; KI 479 19.4%; KI 494 England 88.3% / Yorkshire & Humber 84.7%; KI 012a
2 schools in Q3; KI 369 79% in autumn 2016).

Invented (and marked): Q1–Q3 2016/17 figures where the seed has none (``is_demo=True``,
shown as "demo figure"), the earlier quarters' targets (the Q4 target carried back), and
every KPI's tolerance band (5% of the target; the seed's colours did not survive).
KI 443: the seed table prints "Decrease", but its commentary says "performance remains below
target" at 44.4% against 50%, so higher is better; the demo uses Increase and says so.
"""

from __future__ import annotations

from decimal import Decimal

from performance import services
from performance.models import KPI, Period, ServiceArea, ToleranceKind, Unit

D = Decimal
SOURCE = (
    "Kirklees Council corporate performance report, Q4 2016/17 (Children's Scrutiny Panel, "
    "9 October 2017, agenda item 7, Appendix 1)"
)
DEMO_NOTE = "Demo data: the tolerance band (5% of the target) is invented for the demo."

FSCP = "Children's Services: Family Support & Child Protection"
LEARNING = "Children's Services: Learning and Skills Service"

# reference, title, definition (the commentary's long title), polarity, unit, cumulative,
# target (None = "to agree"), Q4 figure, Q1–Q3 (value, is_demo), comparators, commentary
KPIS = [
    (
        FSCP,
        "KI 069",
        "Rate of proven re-offending by young offenders (No.)",
        "Rate of proven re-offending by young offenders. (Number)",
        "decrease",
        Unit.NUMBER,
        False,
        D("1.2"),
        D("1.3"),
        [(D("1.15"), True), (D("1.22"), True), (D("1.27"), True)],
        {},
        (
            "concern",
            "The figure of 1.3 (April 14 to March 15) is a worsening in performance of the same "
            "period of last year (1.08). The national trend is also one of worsening performance "
            "and we still compare well with local and regional YOTs. There is a continuing "
            "reduction in the cohort size to 246 which means that overall the numbers of the "
            "young people who offend are declining.",
        ),
    ),
    (
        FSCP,
        "KI 220",
        "YP within the Youth Justice System receiving a conviction in court, sentenced to "
        "custody (No.)",
        "Young people within the Youth Justice System receiving a conviction in court who are "
        "sentenced to custody. (Number) Cumulative: the year-to-date count against the annual "
        "target.",
        "decrease",
        Unit.NUMBER,
        True,
        D("18"),
        D("12"),
        [(D("3"), True), (D("6"), True), (D("11"), False)],
        {},
        (
            "positive",
            "In the period January 2017 to March 2017 we have had 1 custodial sentence, thus for "
            "the full year we have had 12 convictions which significantly bettered our annual "
            "target (18). It is anticipated that this performance will be in line with local "
            "and national averages.",
        ),
    ),
    (
        FSCP,
        "KI 223",
        "First time entrants to the Youth Justice System aged 10-17 years (No.)",
        "First time entrants to the Youth Justice System aged 10-17 years. (Number)",
        "decrease",
        Unit.NUMBER,
        False,
        D("175"),
        D("153"),
        [(D("160"), True), (D("158"), True), (D("150"), True)],
        {},
        (
            "positive",
            "The figure of 153 (actuals October 2015 to September 2016) is a small increase on "
            "the same period last year (135). Kirklees performance is again in line with local "
            "and national averages and is better than our target.",
        ),
    ),
    (
        FSCP,
        "KI 391",
        "Average time between a child entering care and moving in with its adoptive family (Days)",
        "The average time between a child entering care and moving in with its adoptive "
        "family, for children who have been adopted (Days)",
        "decrease",
        Unit.DAYS,
        False,
        D("426"),
        D("513.6"),
        [(D("552.0"), True), (D("478.3"), True), (D("589.4"), True)],
        {},
        (
            "concern",
            "Performance against this indicator has fluctuated widely throughout the year, "
            "ending more positively at 513.6 days, against the target of 426 days.",
        ),
    ),
    (
        FSCP,
        "KI 392",
        "Average time between LA receiving authority to place a child and LA deciding a match "
        "to adoptive family (day)",
        "The average time between a local authority receiving court authority to place a "
        "child and the local authority deciding on a match to an adoptive family (Days)",
        "decrease",
        Unit.DAYS,
        False,
        D("121"),
        D("153.9"),
        [(D("228.5"), True), (D("197.2"), True), (D("171.0"), True)],
        {},
        (
            "positive",
            "This indicator has seen major improvement this financial year but is still "
            "performing worse than target, Q4 153.9 days against a target of 121 days.",
        ),
    ),
    (
        FSCP,
        "KI 397",
        "Percentage of assessments completed within 45 working days (as per Working Together)",
        "Percentage of assessments completed within 45 working days (as per Working Together)",
        "increase",
        Unit.PERCENT,
        False,
        D("85"),
        D("60.7"),
        [(D("74.2"), True), (D("69.8"), True), (D("65.1"), True)],
        {"statistical_neighbour": D("83.6"), "england": D("83.4")},
        (
            "concern",
            "The percentage of assessments completed within 45 working days has seen a decline "
            "in performance this year. This outcome is significantly below the latest available "
            "national comparator data (2015/16). This shows a statistical neighbour average of "
            "83.6% and an England average of 83.4%.",
        ),
    ),
    (
        FSCP,
        "KI 443",
        "Successful outcomes for Kirklees LAC who successfully completed their interventions "
        "with YOT (%)",
        "Successful outcomes for Kirklees Looked after Children who successfully completed "
        "their interventions with YOT (%). The seed table prints 'Decrease' as good "
        "performance, but its commentary says performance 'remains below target' at 44.4% "
        "against 50%: the demo uses Increase.",
        "increase",
        Unit.PERCENT,
        False,
        D("50"),
        D("44.4"),
        [(D("38.0"), True), (D("41.7"), True), (D("42.9"), True)],
        {},
        (
            "concern",
            "For the year 2016/17 44.4% of LAC young people completed their orders "
            "successfully, compared to 29% for the previous. Over the same period 2016/17 64% "
            "of the general population completed orders successfully compared with 69.7% "
            "2015/16. This gives a clear indication that the YOT is achieving its aim of "
            "bringing the successful completion rate of LAC young people more into line with "
            "that of the general YOT population. Performance remains below target.",
        ),
    ),
    (
        FSCP,
        "KI 458",
        "Young People aged 16+ on an Order to the YOT who are EET at the end of their "
        "intervention (%)",
        "The percentage of Young People aged 16+ on an Order to the YOT who are in full-time "
        "education/training/employment at the end of their intervention (%)",
        "increase",
        Unit.PERCENT,
        False,
        D("70"),
        D("68"),
        [(D("66.7"), True), (D("71.4"), True), (D("69.0"), True)],
        {},
        (
            "concern",
            "In 2016/17 we have achieved 68% of our young people aged 16+ in full time "
            "Employment, Training or Education at the end of their orders, compared to 70.2% "
            "last year.",
        ),
    ),
    (
        FSCP,
        "KI 476",
        "Former relevant young people aged 19 - 21 who were in education, employment or "
        "training (%)",
        "The percentage of former relevant young people aged 19 - 21 who were in education, "
        "employment or training (%)",
        "increase",
        Unit.PERCENT,
        False,
        D("50"),
        D("39.3"),
        [(D("42.1"), True), (D("40.5"), True), (D("41.0"), True)],
        {"statistical_neighbour": D("50.2"), "england": D("49")},
        (
            "concern",
            "Performance (39.3%) of care leavers in employment, education or training has not "
            "met expectations this year. This outcome compares to a 2016 statistical neighbour "
            "average of 50.2% and a national outcome of 49%.",
        ),
    ),
    (
        FSCP,
        "KI 477",
        "Number of Looked after Children (LAC) per 10,000 aged 0 - 17 years (per 10,000)",
        "Number of Looked after Children (LAC) per 10000 aged 0 - 17 years (per 10000)",
        "decrease",
        Unit.RATE_10000,
        False,
        D("60"),
        D("71.2"),
        [(D("69.1"), True), (D("71.5"), True), (D("71.4"), True)],
        {"statistical_neighbour": D("80.7"), "england": D("60.0")},
        (
            "positive",
            "This rate equates to 703 LAC and is currently stable around the 700 mark. During "
            "this financial year the number of LAC has been as high as 706, compared to 652 in "
            "March 2016. This rate remains significantly below the statistical neighbour "
            "average of 80.7 (per 10,000 aged 0-17 years) although it is well above the "
            "national average of 60.0.",
        ),
    ),
    (
        FSCP,
        "KI 479",
        "Repeat Referrals - Percentage of referrals within 12 months of a previous referral (%)",
        "Repeat Referrals - Percentage of referrals within 12 months of a previous referral. (%)",
        "decrease",
        Unit.PERCENT,
        False,
        D("20"),
        D("27.6"),
        [(D("24.9"), True), (D("29.3"), True), (D("26.1"), True)],
        {"statistical_neighbour": D("19.4")},
        (
            "concern",
            "This has been a volatile indicator this year. This outcome (27%) is significantly "
            "higher than the 2015/16 outcome of 23.7% and the statistical neighbour average is "
            "19.4%.",
        ),
    ),
    (
        LEARNING,
        "KI 012a",
        "Number of schools judged as in an Ofsted category",
        "Number of schools judged as in an Unsatisfactory Ofsted Category",
        "decrease",
        Unit.NUMBER,
        False,
        D("0"),
        D("4"),
        [(D("3"), True), (D("2"), True), (D("2"), False)],
        {},
        (
            "concern",
            "Currently, we have four schools in an Ofsted category. This is 2.5% of all "
            "schools, whereas the national figure is currently 2.0%. It was 2 schools in the "
            "previous quarter.",
        ),
    ),
    (
        LEARNING,
        "KI 029",
        "Percentage of 16-18 year olds not in employment, education or training (NEET).",
        "Percentage of 16-18 year olds not in employment, education or training (NEET).",
        "decrease",
        Unit.PERCENT,
        False,
        D("4.7"),
        D("4.7"),
        [(D("5.1"), True), (D("5.3"), True), (D("4.9"), True)],
        {},
        ("positive", "It is noted that DfE no longer use this cohort for counting NEET."),
    ),
    (
        LEARNING,
        "KI 369",
        "Take up of free early education and care by 2 year olds (%)",
        "Take up of free early education and care by 2 year olds (%)",
        "increase",
        Unit.PERCENT,
        False,
        D("80"),
        D("76"),
        [(D("73"), True), (D("75"), True), (D("79"), False)],
        {},
        (
            "positive",
            "A steady rise in Kirklees take-up levels reached 79% in autumn 2016, close to the "
            "national target of 80% take-up. In spring 2017 take-up declined to 76%. This "
            "follows an emerging seasonal trend with the same 3% decline recorded last year. "
            "Intensive work continues across Kirklees with locally based Childcare "
            "Co-ordinators.",
        ),
    ),
    (
        LEARNING,
        "KI 490",
        "% of early learning providers rated good or outstanding",
        "% of early learning providers rated good or outstanding",
        "increase",
        Unit.PERCENT,
        False,
        None,
        D("95"),
        [(D("93"), True), (D("97"), True), (D("96"), True)],
        {},
        (
            "positive",
            "95% of children childcare providers are rated good or outstanding by Ofsted. There "
            "has been a fluctuating trend between 93%-97% across the last year.",
        ),
    ),
    (
        LEARNING,
        "KI 491",
        "% of children under 5 learning with good or outstanding provision",
        "% of children under 5 learning with good or outstanding provision",
        "increase",
        Unit.PERCENT,
        False,
        None,
        D("97"),
        [(D("94"), True), (D("95"), True), (D("96"), True)],
        {},
        (
            "positive",
            "97% of children accessing free early education do so in provision rated good or "
            "outstanding by Ofsted. There has been an improving trend across the last year.",
        ),
    ),
    (
        LEARNING,
        "KI 492",
        "% of LAC under 5 accessing good or outstanding provision",
        "% of LAC under 5 accessing good or outstanding provision",
        "increase",
        Unit.PERCENT,
        False,
        None,
        D("92"),
        [(D("88"), True), (D("90"), True), (D("89"), True)],
        {},
        (
            "positive",
            "35 of the 38 placed children are attending provision judged by Ofsted to be good "
            "or outstanding.",
        ),
    ),
    (
        LEARNING,
        "KI 493",
        "% of Kirklees pupils in good or outstanding schools",
        "% of Kirklees pupils in good or outstanding schools",
        "increase",
        Unit.PERCENT,
        False,
        None,
        D("86.1"),
        [(D("84.9"), True), (D("85.3"), True), (D("85.8"), True)],
        {},
        (
            "positive",
            "86.9% of Kirklees schools are currently good or outstanding. This is below the "
            "national figure of 88.3% but above the Yorkshire & Humber figure of 84.7%. (Each "
            "school equates to 0.59%)",
        ),
    ),
    (
        LEARNING,
        "KI 494",
        "% of Kirklees schools that are good or outstanding",
        "% of Kirklees schools that are good or outstanding",
        "increase",
        Unit.PERCENT,
        False,
        None,
        D("86.9"),
        [(D("85.6"), True), (D("86.3"), True), (D("86.3"), True)],
        {"england": D("88.3"), "region": D("84.7")},
        (
            "concern",
            "Kirklees (86.9%) are currently below the national (88.3%) and above the Yorkshire "
            "& Humber (84.7%) averages for percentage of schools that are good/outstanding.",
        ),
    ),
]


def load() -> None:
    services.ensure_financial_year(start_year=2016)
    services.ensure_financial_year(start_year=2017)
    areas = {}
    for order, name in enumerate([FSCP, LEARNING], start=1):
        areas[name], _ = ServiceArea.objects.update_or_create(
            slug="childrens-services-" + ("family-support" if name == FSCP else "learning-skills"),
            defaults={"name": name, "order": order},
        )
    quarters = {
        p.number: p for p in Period.objects.filter(kind=Period.Kind.QUARTER, financial_year=2016)
    }
    year = Period.objects.get(kind=Period.Kind.YEAR, financial_year=2016)
    for (
        area,
        reference,
        title,
        definition,
        polarity,
        unit,
        cumulative,
        target,
        q4,
        earlier,
        comparators,
        (kind, text),
    ) in KPIS:
        kpi, _ = KPI.objects.update_or_create(
            reference=reference,
            defaults={
                "slug": reference.lower().replace(" ", "-"),
                "title": title,
                "service_area": areas[area],
                "unit": unit,
                "polarity": polarity,
                "is_cumulative": cumulative,
                "frequency": "quarterly",
                "definition": definition,
                "data_source": SOURCE,
                "tolerance": D("5"),
                "tolerance_kind": ToleranceKind.PERCENT,
                "first_year": 2016,
                "last_year": None,
                "notes": DEMO_NOTE,
            },
        )
        target_values = (
            {"target": None, "target_to_agree": True}
            if target is None
            else {"target": target, "target_to_agree": False}
        )
        if cumulative:
            # The annual target sits on the year; Q1–Q3 are measured against it pro rata.
            services.record_figure(kpi=kpi, period=year, actual=q4, is_demo=False, **target_values)
        for number, (value, is_demo) in enumerate(earlier, start=1):
            quarter_target = (
                {"target": None, "target_to_agree": False} if cumulative else target_values
            )
            services.record_figure(
                kpi=kpi,
                period=quarters[number],
                actual=value,
                is_demo=is_demo,
                commentary_kind="",
                commentary="",
                **quarter_target,
            )
        services.record_figure(
            kpi=kpi,
            period=quarters[4],
            actual=q4,
            is_demo=False,
            commentary_kind=kind,
            commentary=text,
            statistical_neighbour=comparators.get("statistical_neighbour"),
            england=comparators.get("england"),
            region=comparators.get("region"),
            **target_values,
        )
    _demo_report(quarters[4])


def _demo_report(period: Period) -> None:
    """Put the Q4 performance report on item 7 of the 9 October 2017 panel, if the meetings
    demo has created that item."""
    from meetings.models import AgendaItem, Report

    item = (
        AgendaItem.all_objects.filter(
            meeting__committee__slug="childrens-scrutiny-panel",
            meeting__start__date="2017-10-09",
        )
        .filter(title__icontains="performance")
        .first()
    )
    if item is None:
        return
    if Report.all_objects.filter(agenda_item=item, generator=services.REPORT_GENERATOR).exists():
        return
    services.create_performance_report(
        agenda_item=item,
        period=period,
        title="Appendix 1: Children's Services performance indicators, Q4 2016/17",
        service_area=None,
        kpis=list(KPI.objects.filter(service_area__slug__startswith="childrens-services")),
        is_late=False,  # the tables were in the published pack (seed 000, pages 41–48)
    )
